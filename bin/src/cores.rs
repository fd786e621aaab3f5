//! The one place that runs threads: rendering components and file-system work are
//! shared out to every core, and two independent stages run side by side. Each helper
//! returns its results in input order whatever the scheduling, so output never depends
//! on the number of cores; a panic on a worker continues on the calling thread.

use std::thread;

/// The most worker threads: the machines this runs on have 2 to 8 cores.
const MAX_WORKERS: usize = 8;

/// How many workers share `items` items.
fn workers(items: usize) -> usize {
    thread::available_parallelism().map_or(1, usize::from).clamp(1, MAX_WORKERS).min(items.max(1))
}

/// `work` applied to every item on every core (each worker takes every n-th item), the
/// results in the order of `items`, or the first error in that order. The calling
/// thread is the first worker: besides saving a thread, it reuses the memory its
/// allocator already holds (loading the spec freed tens of megabytes there at fleet scale).
pub fn in_parallel<I: Sync, T: Send, E: Send>(
    items: &[I],
    work: impl Fn(&I) -> Result<T, E> + Sync,
) -> Result<Vec<T>, E> {
    let workers = workers(items.len());
    let work = &work;
    let column =
        move |first: usize| -> Result<Vec<T>, E> { items.iter().skip(first).step_by(workers).map(work).collect() };
    let mut results: Vec<Vec<T>> = thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|first| scope.spawn(move || column(first))).collect();
        let own = column(0);
        std::iter::once(own).chain(handles.into_iter().map(joined)).collect::<Result<_, _>>()
    })?;
    let mut columns: Vec<_> = results.iter_mut().map(|column| column.drain(..)).collect();
    Ok((0..items.len()).filter_map(|index| columns[index % workers].next()).collect())
}

/// `work` applied to consecutive shares of `items`, one thread per core; the results in
/// the order of the shares, or the first error. For file-system work: tens of thousands
/// of small files are mostly system-call latency, which threads overlap.
pub fn share_out<T: Sync, R: Send, E: Send>(
    items: &[T],
    work: impl Fn(&[T]) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    let workers = thread::available_parallelism().map_or(1, usize::from).clamp(1, MAX_WORKERS);
    let chunk = items.len().div_ceil(workers).max(1);
    let work = &work;
    thread::scope(|scope| {
        let handles: Vec<_> = items.chunks(chunk).map(|share| scope.spawn(move || work(share))).collect();
        handles.into_iter().map(joined).collect()
    })
}

/// `first` on a thread of its own while `second` runs on this one; both results.
pub fn beside<A: Send, B>(first: impl FnOnce() -> A + Send, second: impl FnOnce() -> B) -> (A, B) {
    thread::scope(|scope| {
        let first = scope.spawn(first);
        let second = second();
        (joined(first), second)
    })
}

/// Work started now and joined later ([`Background::join`]), for a result needed only
/// after other stages (listing the current tree while the spec loads and renders).
#[derive(Debug)]
pub struct Background<T>(thread::JoinHandle<T>);

/// Starts `work` on a thread of its own.
pub fn in_background<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Background<T> {
    Background(thread::spawn(work))
}

impl<T> Background<T> {
    /// Waits for the result.
    pub fn join(self) -> T {
        self.0.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

/// A scoped worker's result.
fn joined<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
