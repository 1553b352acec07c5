//! A progress bar for loading big graphs, on stderr when it is a terminal.
//!
//! Drawn here rather than with a progress-bar crate: one line, rewritten in
//! place at most ten times a second, is all a load needs, and the crate
//! used before was the one part of seccoop that needed the system's maths
//! library (`libm.so`, for its rate estimates), which every command paid
//! for at start whether it drew a bar or not (BENCHMARKS.md, start-up).

use std::io::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Inputs smaller than this load too fast to need a bar.
const SHOW_FROM_BYTES: u64 = 50 << 20;

/// How often the line is drawn again, at most.
const REDRAW: Duration = Duration::from_millis(100);

/// The width of the bar itself, in characters.
const WIDTH: usize = 40;

/// A [`crate::load::Progress`] drawn on stderr.
pub struct Bar {
    enabled: bool,
    shown: AtomicBool,
    done: AtomicU64,
    state: Mutex<State>,
}

/// What the drawing needs besides the bytes read.
struct State {
    total: u64,
    started: Instant,
    drawn: Instant,
}

impl Bar {
    /// A bar that shows only if `enabled` (stderr is a terminal) and the
    /// input is big.
    pub fn new(enabled: bool) -> Self {
        let now = Instant::now();
        Bar {
            enabled,
            shown: AtomicBool::new(false),
            done: AtomicU64::new(0),
            state: Mutex::new(State {
                total: 0,
                started: now,
                drawn: now,
            }),
        }
    }

    fn draw(&self, state: &mut State, now: Instant) {
        let done = self.done.load(Ordering::Relaxed);
        let text = line(done, state.total, now.duration_since(state.started));
        state.drawn = now;
        // A failed write to the terminal loses a frame, nothing else.
        let _ = write!(std::io::stderr().lock(), "\r{text}\x1b[K");
    }
}

impl crate::load::Progress for Bar {
    fn begin(&self, total: u64) {
        if !self.enabled || total < SHOW_FROM_BYTES {
            return;
        }
        if let Ok(mut state) = self.state.lock() {
            let now = Instant::now();
            state.total = total;
            state.started = now;
            self.shown.store(true, Ordering::Relaxed);
            self.draw(&mut state, now);
        }
    }

    fn advance(&self, bytes: u64) {
        self.done.fetch_add(bytes, Ordering::Relaxed);
        if !self.shown.load(Ordering::Relaxed) {
            return;
        }
        // Another thread drawing now is as good as this one drawing.
        if let Ok(mut state) = self.state.try_lock() {
            let now = Instant::now();
            // Looked at again under the lock: `finish` may have cleared
            // the line since.
            if self.shown.load(Ordering::Relaxed) && now.duration_since(state.drawn) >= REDRAW {
                self.draw(&mut state, now);
            }
        }
    }

    fn finish(&self) {
        // Under the lock, so that no frame is drawn after the line is
        // cleared.
        let _state = self.state.lock();
        if self.shown.swap(false, Ordering::Relaxed) {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
        }
    }
}

/// The line drawn: `loading [####----] 12.00 MiB/100.00 MiB 3s`, the last
/// figure the time left at the rate so far (none before any byte is read).
fn line(done: u64, total: u64, elapsed: Duration) -> String {
    let done = done.min(total);
    let filled = if total == 0 {
        WIDTH
    } else {
        (u128::from(done) * WIDTH as u128 / u128::from(total)) as usize
    };
    let left = match done {
        0 => String::new(),
        _ => {
            let millis = elapsed.as_millis() * u128::from(total - done) / u128::from(done);
            format!(" {}s", millis.div_ceil(1000))
        }
    };
    format!(
        "loading [{}{}] {}/{}{left}",
        "#".repeat(filled),
        "-".repeat(WIDTH - filled),
        bytes(done),
        bytes(total)
    )
}

/// A size in binary units, two decimals: `1.50 MiB`.
fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.2} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Progress as _;

    #[test]
    fn the_line_shows_the_share_read_the_sizes_and_the_time_left() {
        let mib = 1 << 20;
        assert_eq!(
            line(25 * mib, 100 * mib, Duration::from_secs(3)),
            format!(
                "loading [{}{}] 25.00 MiB/100.00 MiB 9s",
                "#".repeat(10),
                "-".repeat(30)
            )
        );
        // Nothing read yet: no time left to tell.
        assert_eq!(
            line(0, 3 << 30, Duration::ZERO),
            format!("loading [{}] 0 B/3.00 GiB", "-".repeat(40))
        );
        // Done (or past the estimate): a full bar and no time left.
        assert_eq!(
            line(200 * mib, 100 * mib, Duration::from_secs(5)),
            format!("loading [{}] 100.00 MiB/100.00 MiB 0s", "#".repeat(40))
        );
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.50 KiB");
    }

    /// A bar that is not enabled, or whose input is small, draws nothing
    /// and keeps no state shown.
    #[test]
    fn a_small_or_disabled_load_shows_no_bar() {
        for (enabled, total) in [(false, 1 << 40), (true, SHOW_FROM_BYTES - 1)] {
            let bar = Bar::new(enabled);
            bar.begin(total);
            bar.advance(10);
            assert!(!bar.shown.load(Ordering::Relaxed), "{enabled} {total}");
            bar.finish();
        }
    }
}
