//! The output lock: one writing run at a time per tree.

use std::io;
use std::path::Path;

/// Held by a run that writes `root`, from before it lists the trees until the swap: two
/// runs at once would both edit the spare, or refresh it from a live tree the other just
/// replaced. Released when dropped.
#[derive(Debug)]
pub(super) struct OutputLock {
    _directory: Option<std::fs::File>,
}

/// Waits for, then takes, the lock on writing `root`: an exclusive `flock` on the
/// directory that holds `root` and its spare, so no lock file is left behind. Where the
/// filesystem has no such locks (some network filesystems), runs are not serialized.
#[cfg(target_os = "linux")]
pub(super) fn lock_output(root: &Path) -> io::Result<OutputLock> {
    use super::spare::parent_of;
    use rustix::fs::{FlockOperation, flock};
    use rustix::io::Errno;
    let directory = match std::fs::File::open(parent_of(root)) {
        // Nothing is written there yet; the write creates the directory.
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(OutputLock { _directory: None }),
        opened => opened?,
    };
    match flock(&directory, FlockOperation::LockExclusive) {
        Ok(()) => Ok(OutputLock { _directory: Some(directory) }),
        Err(Errno::NOLCK | Errno::OPNOTSUPP | Errno::BADF | Errno::INVAL) => Ok(OutputLock { _directory: None }),
        Err(errno) => Err(errno.into()),
    }
}

#[cfg(not(target_os = "linux"))]
pub(super) fn lock_output(_: &Path) -> io::Result<OutputLock> {
    Ok(OutputLock { _directory: None })
}
