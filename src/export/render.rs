//! Rendering DOT to SVG, PNG or PDF with the Graphviz `dot` program.
//!
//! graphviz-rust can run `dot`, but it waits for it without a time limit,
//! gives no handle to stop it, and reports a missing Graphviz as a bare
//! "No such file or directory". So this module runs `dot` itself: it looks
//! for `dot` first and says how to install it, and it starts `dot` in a
//! process group of its own and, past the time limit, stops the whole group
//! (a `dot` that is a wrapper script leaves no child behind, and no child
//! keeps the output pipe open).

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
    let Some(program) = find_dot() else {
        return Err(RenderError::NotInstalled);
    };
    let deadline = Instant::now() + limit;
    let mut command = Command::new(program);
    command
        .arg(format!("-T{}", format.name()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => RenderError::NotInstalled,
        _ => RenderError::Failed(e.to_string()),
    })?;
    // Feed stdin and drain stdout and stderr on threads, so that neither
    // side waits on a full pipe.
    let input = child.stdin.take().map(|mut stdin| {
        let text = dot.as_bytes().to_vec();
        std::thread::spawn(move || {
            // A `dot` that fails early closes its stdin; its status says why.
            let _ = stdin.write_all(&text);
        })
    });
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                stop(&mut child);
                return Err(RenderError::TimedOut(limit));
            }
            Err(e) => {
                stop(&mut child);
                return Err(RenderError::Failed(e.to_string()));
            }
        }
    };
    if let Some(input) = input {
        let _ = input.join();
    }
    // Something `dot` started may still hold the pipes open: wait for the
    // output only until the deadline.
    let wait = |rx: &mpsc::Receiver<Vec<u8>>| {
        rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
    };
    let (Ok(bytes), Ok(errors)) = (wait(&stdout), wait(&stderr)) else {
        kill_group(&child);
        return Err(RenderError::TimedOut(limit));
    };
    if status.success() {
        return Ok(bytes);
    }
    let errors = String::from_utf8_lossy(&errors).trim().to_string();
    Err(RenderError::Failed(if errors.is_empty() {
        format!("`dot` exited with {status}")
    } else {
        errors
    }))
}

/// Reads a pipe to its end on a thread; the bytes arrive on the channel.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        let _ = tx.send(bytes);
    });
    rx
}

/// Stops `dot` and everything it started, then reaps it.
fn stop(child: &mut Child) {
    kill_group(child);
    let _ = child.kill();
    let _ = child.wait();
}

/// Sends SIGKILL to the process group `dot` leads. Called only while `dot`
/// is unreaped or something in its group still runs, so the group id cannot
/// have been reused. There is no signal API in std, and this crate forbids
/// `unsafe`, so the `kill` program sends it.
fn kill_group(child: &Child) {
    #[cfg(unix)]
    {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    #[cfg(not(unix))]
    let _ = child;
}
