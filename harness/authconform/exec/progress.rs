//! The progress line drawn on stderr while a run goes on (only on a terminal, never in CI).

use std::io::Write;

pub(super) struct Progress {
    pub(super) enabled: bool,
    pub(super) total: usize,
    pub(super) done: usize,
}

impl Progress {
    pub(super) fn step(&mut self, label: &str) {
        self.done += 1;
        if self.enabled {
            let mut err = std::io::stderr();
            let _ = write!(err, "\r\x1b[2K[{:>4}/{}] {label}", self.done, self.total);
            let _ = err.flush();
        }
    }

    pub(super) fn finish(&self) {
        if self.enabled {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}
