//! Rendering DOT to SVG, PNG or PDF with the Graphviz `dot` program,
//! through graphviz-rust.
//!
//! graphviz-rust runs `dot` from PATH and waits for it without a time limit,
//! and a missing Graphviz surfaces as a bare "No such file or directory".
//! This module wraps both: it looks for `dot` first and says how to install
//! it, and it runs the render on a worker thread, stopping `dot` when the
//! time limit passes.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use graphviz_rust::cmd::{CommandArg, Format as GvFormat};

/// The image formats Graphviz renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// Scalable vector graphics.
    Svg,
    /// A PNG bitmap.
    Png,
    /// A PDF document.
    Pdf,
}

impl ImageFormat {
    /// The format's name, as typed after `--format`.
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Svg => "svg",
            ImageFormat::Png => "png",
            ImageFormat::Pdf => "pdf",
        }
    }
}

/// Why a render failed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// Graphviz is not installed.
    #[error("Graphviz's `dot` program was not found on PATH")]
    NotInstalled,
    /// `dot` ran past the time limit and was stopped.
    #[error("Graphviz took longer than {0:?} and was stopped")]
    TimedOut(Duration),
    /// `dot` failed.
    #[error("Graphviz failed: {0}")]
    Failed(String),
}

impl RenderError {
    /// What to do about the error.
    pub fn help(&self) -> &'static str {
        match self {
            RenderError::NotInstalled => {
                "install Graphviz (Debian or Ubuntu: `apt-get install graphviz`; macOS: `brew install graphviz`), or use --format dot, which needs nothing"
            }
            RenderError::TimedOut(_) => {
                "draw less (--kind, --rel, --focus NODE --depth N), or allow more time with --render-timeout SECS"
            }
            RenderError::Failed(_) => {
                "check the Graphviz installation; --format dot shows the diagram's source"
            }
        }
    }
}

/// Where `dot` is on PATH, if it is.
pub fn find_dot() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join("dot"))
        .find(|p| p.is_file())
}

/// Renders DOT text to an image with Graphviz, stopping it after `limit`.
pub fn render(dot: &str, format: ImageFormat, limit: Duration) -> Result<Vec<u8>, RenderError> {
    if find_dot().is_none() {
        return Err(RenderError::NotInstalled);
    }
    let gv = match format {
        ImageFormat::Svg => GvFormat::Svg,
        ImageFormat::Png => GvFormat::Png,
        ImageFormat::Pdf => GvFormat::Pdf,
    };
    let (tx, rx) = mpsc::channel();
    let text = dot.to_string();
    let worker = std::thread::spawn(move || {
        let _ = tx.send(graphviz_rust::exec_dot(text, vec![CommandArg::Format(gv)]));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(bytes)) => {
            let _ = worker.join();
            Ok(bytes)
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => Err(RenderError::NotInstalled),
        Ok(Err(e)) => Err(RenderError::Failed(e.to_string().trim().to_string())),
        Err(_) => {
            kill_children();
            let _ = worker.join();
            Err(RenderError::TimedOut(limit))
        }
    }
}

/// Stops the processes this process started (the `dot` that graphviz-rust
/// spawned and waits on), found through `/proc`. graphviz-rust gives no
/// handle to its child, so this is the one way to stop it.
fn kill_children() {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return;
    };
    for task in tasks.flatten() {
        let Ok(children) = std::fs::read_to_string(task.path().join("children")) else {
            continue;
        };
        for pid in children.split_whitespace() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", pid])
                .status();
        }
    }
}
