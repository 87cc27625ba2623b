//! SIGINT and SIGTERM, handled alike during a run: the first one stops sending, stops the launched
//! server, and lets the report be written with the unfinished cases errored; the run then exits
//! 128 + the signal.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::watch;

/// The watch a run's tasks look at, and the signal that set it.
pub struct Signals {
    pub stop: watch::Receiver<bool>,
    received: Arc<AtomicI32>,
    task: tokio::task::JoinHandle<()>,
}

impl Signals {
    /// Starts watching; must be called inside the runtime.
    pub fn watch() -> Signals {
        let (tx, rx) = watch::channel(false);
        let received = Arc::new(AtomicI32::new(0));
        let seen = received.clone();
        let task = tokio::spawn(async move {
            let (Ok(mut int), Ok(mut term)) = (
                signal(SignalKind::interrupt()),
                signal(SignalKind::terminate()),
            ) else {
                return;
            };
            let number = tokio::select! {
                _ = int.recv() => libc::SIGINT,
                _ = term.recv() => libc::SIGTERM,
            };
            seen.store(number, Ordering::SeqCst);
            let _ = tx.send(true);
        });
        Signals {
            stop: rx,
            received,
            task,
        }
    }

    /// The signal received, if any.
    pub fn received(&self) -> Option<i32> {
        match self.received.load(Ordering::SeqCst) {
            0 => None,
            n => Some(n),
        }
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        self.task.abort();
    }
}
