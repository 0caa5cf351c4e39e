//! Progress: an indicatif bar on standard error with bytes read of the
//! total, throughput and time left. It is the only place that touches
//! indicatif, and it is hidden when standard error is not a terminal or with
//! `--quiet`.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A cheap handle that readers use to report bytes read.
#[derive(Clone, Default)]
pub struct Counter {
    bar: Option<ProgressBar>,
}

impl Counter {
    /// A counter that reports nowhere.
    pub fn none() -> Counter {
        Counter { bar: None }
    }

    pub fn add(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }
}

/// The run's progress display.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `total` bytes, or nothing if `quiet` or stderr is no terminal.
    pub fn new(total: u64, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(4));
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta}",
            )
            .expect("valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress { bar: Some(bar) }
    }

    pub fn counter(&self) -> Counter {
        Counter {
            bar: self.bar.clone(),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
