//! A progress bar for loading big graphs, on stderr when it is a terminal.

use indicatif::{ProgressBar, ProgressStyle};

/// Inputs smaller than this load too fast to need a bar.
const SHOW_FROM_BYTES: u64 = 50 << 20;

/// A [`crate::load::Progress`] drawn with indicatif.
pub struct Bar {
    bar: ProgressBar,
    enabled: bool,
}

impl Bar {
    /// A bar that shows only if `enabled` (stderr is a terminal) and the
    /// input is big.
    pub fn new(enabled: bool) -> Self {
        Bar {
            bar: ProgressBar::hidden(),
            enabled,
        }
    }
}

impl crate::load::Progress for Bar {
    fn begin(&self, total: u64) {
        if !self.enabled || total < SHOW_FROM_BYTES {
            return;
        }
        self.bar.set_length(total);
        self.bar.set_style(
            ProgressStyle::with_template("loading {bar:40} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        self.bar
            .set_draw_target(indicatif::ProgressDrawTarget::stderr());
    }

    fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
