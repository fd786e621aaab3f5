//! Sharing file-system work out to every core: tens of thousands of small files are
//! mostly system-call latency, which threads overlap.

use std::io;

/// The most threads: the machines this runs on have 2 to 8 cores.
const MAX_WORKERS: usize = 8;

/// `work` applied to consecutive shares of `items`, one thread per core; the results in
/// the order of the shares, or the first error.
pub fn share_out<T: Sync, R: Send>(items: &[T], work: impl Fn(&[T]) -> io::Result<R> + Sync) -> io::Result<Vec<R>> {
    let workers = std::thread::available_parallelism().map_or(1, usize::from).clamp(1, MAX_WORKERS);
    let chunk = items.len().div_ceil(workers).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items.chunks(chunk).map(|share| scope.spawn(move || work(share))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}
