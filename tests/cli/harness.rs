//! Runs the real `seccoop` binary and checks what it printed.
//!
//! Every run sets `NO_COLOR=1` and pipes stdout and stderr, so output is
//! plain text whatever terminal the tests run in. Runs start in
//! `tests/fixtures`, so fixture paths are short and relative, and messages
//! name them the way a user typed them (`bad/duplicate-id.toml:7:6`).
//! Tests that write files use a [`Scratch`] directory instead: tests run in
//! parallel, and nothing may be written to a fixed path.

use std::fmt;
use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The binary under test, built by cargo for this test target.
pub const BIN: &str = env!("CARGO_BIN_EXE_seccoop");

/// `tests/fixtures`, where runs start.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A `seccoop` command started in `dir`, with colour off and stdout and
/// stderr piped.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `seccoop ARGS` in `tests/fixtures`.
pub fn seccoop(args: &[&str]) -> Run {
    seccoop_in(&fixtures(), args)
}

/// Runs `seccoop ARGS` in `dir`.
pub fn seccoop_in(dir: &Path, args: &[&str]) -> Run {
    finish(command(dir, args), args)
}

/// Runs a command made by [`command`] (perhaps with more set on it, such as
/// its environment) and collects what it printed; `args` are for messages.
pub fn finish(mut cmd: Command, args: &[&str]) -> Run {
    let output = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"));
    Run {
        args: args.iter().map(|a| a.to_string()).collect(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        // A process killed by a signal has no code; -1 fails every assertion.
        code: output.status.code().unwrap_or(-1),
    }
}

/// What one run of the binary printed, and how it exited.
pub struct Run {
    /// The arguments, for failure messages.
    pub args: Vec<String>,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
}

/// Shown when an assertion fails, so the failure says what the binary did.
impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "$ seccoop {}", self.args.join(" "))?;
        writeln!(f, "exit code: {}", self.code)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}", self.stderr)
    }
}

impl Run {
    /// Asserts the run exited with `code` and did not panic.
    #[track_caller]
    pub fn exits(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "wrong exit code\n{self}");
        self.no_panic()
    }

    /// Asserts exit code 0 and no panic.
    #[track_caller]
    pub fn success(&self) -> &Self {
        self.exits(0)
    }

    /// Asserts exit code 1 (a runtime error), no panic, and nothing on stdout.
    #[track_caller]
    pub fn error(&self) -> &Self {
        self.exits(1);
        assert_eq!(self.stdout, "", "an error printed an answer\n{self}");
        self
    }

    /// Asserts no panic message reached stderr.
    #[track_caller]
    pub fn no_panic(&self) -> &Self {
        for sign in ["panicked", "RUST_BACKTRACE"] {
            assert!(!self.stderr.contains(sign), "the binary panicked\n{self}");
        }
        self
    }

    /// Asserts stdout is exactly `expected`.
    #[track_caller]
    pub fn stdout_is(&self, expected: &str) -> &Self {
        assert_eq!(self.stdout, expected, "unexpected stdout\n{self}");
        self
    }

    /// Asserts stderr is exactly `expected`.
    #[track_caller]
    pub fn stderr_is(&self, expected: &str) -> &Self {
        assert_eq!(self.stderr, expected, "unexpected stderr\n{self}");
        self
    }

    /// Asserts stderr holds each of `parts`.
    #[track_caller]
    pub fn stderr_has(&self, parts: &[&str]) -> &Self {
        for part in parts {
            assert!(self.stderr.contains(part), "stderr lacks {part:?}\n{self}");
        }
        self
    }

    /// Asserts stdout holds each of `parts`.
    #[track_caller]
    pub fn stdout_has(&self, parts: &[&str]) -> &Self {
        for part in parts {
            assert!(self.stdout.contains(part), "stdout lacks {part:?}\n{self}");
        }
        self
    }

    /// Stdout parsed as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{self}"))
    }

    /// The lines of stdout after a table's header line.
    #[track_caller]
    pub fn rows(&self) -> Vec<&str> {
        let mut lines = self.stdout.lines();
        assert!(lines.next().is_some(), "no header line\n{self}");
        lines.collect()
    }

    /// The first column of each table row: the ids of `list`, `search`.
    pub fn first_column(&self) -> Vec<&str> {
        self.rows()
            .iter()
            .filter_map(|row| row.split_whitespace().next())
            .collect()
    }
}

/// Asserts a graph-file problem was reported the way users need it: exit
/// code 1, no panic, no answer, and on stderr the position `file:L:C`, the
/// message, and the help line.
#[track_caller]
pub fn assert_load_error(run: &Run, location: &str, message: &str, help: &str) {
    run.error().stderr_has(&[
        &format!("[{location}]"),
        &format!("× {message}"),
        &format!("help: {help}"),
        "nothing was run",
    ]);
}

/// Asserts `value` is a JSON object with exactly these keys, in any order
/// (the order of the text is pinned by the snapshots).
#[track_caller]
pub fn assert_keys(value: &serde_json::Value, expected: &[&str]) {
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("not a JSON object: {value:#}"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "in {value:#}");
}

/// A temporary directory to write graph files into; removed when dropped.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// An empty directory.
    pub fn new() -> Self {
        Scratch {
            dir: tempfile::tempdir().expect("create a temporary directory"),
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `bytes` to `name` inside the directory, and returns its path.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path().join(name);
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// Runs `seccoop ARGS` in the directory.
    pub fn run(&self, args: &[&str]) -> Run {
        seccoop_in(self.path(), args)
    }
}

/// A folder holding a fake `dot` program (a shell script) and nothing else.
pub fn fake_dot(script: &str) -> Scratch {
    let bin = Scratch::new();
    let path = bin.write("dot", format!("#!/bin/sh\n{script}\n"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    bin
}

/// Whether Graphviz's `dot` program is on PATH, for the tests that run it.
///
/// Without it those tests skip with a note on stderr, so `cargo test` works
/// on a machine without Graphviz; with `SECCOOP_REQUIRE_GRAPHVIZ` set (CI
/// sets it after installing Graphviz) they fail instead, so they cannot
/// silently stop running.
#[track_caller]
pub fn graphviz(test: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join("dot").is_file()));
    if !found {
        let required = std::env::var_os("SECCOOP_REQUIRE_GRAPHVIZ").is_some_and(|v| !v.is_empty());
        assert!(
            !required,
            "{test}: Graphviz's `dot` is not on PATH and SECCOOP_REQUIRE_GRAPHVIZ is set"
        );
        // Once per test: a property test asks for every case.
        static NOTED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
        let mut noted = NOTED
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !noted.iter().any(|t| t == test) {
            noted.push(test.to_string());
            note(&format!("{test} skipped: Graphviz's `dot` is not on PATH"));
        }
    }
    found
}

/// The curated graph file, `graph/security-cooperation.toml`, as TOML: for
/// tests that check an answer against the file itself, or write a changed
/// copy of it.
pub fn curated_toml() -> toml::Table {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("graph/security-cooperation.toml");
    let text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{} is not TOML: {e}", path.display()))
}

/// Prints `note: TEXT` straight to stderr: the test harness captures
/// `eprintln!` of passing tests, and a skipped test must say so even when
/// it passes.
pub fn note(text: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "note: {text}");
}

/// The subcommands `seccoop --help` lists, but `help`: every one, so a
/// test over them covers a new subcommand as soon as it exists.
pub fn subcommands() -> Vec<String> {
    let run = seccoop(&["--help"]);
    run.success();
    run.stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A command's name is indented by two; its wrapped summary by more.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect()
}

/// The path of `program` when it is on PATH. When it is not, the test
/// skips with a note, or fails when the environment variable `required`
/// is set (CI sets it after installing the program).
#[track_caller]
pub fn program(name: &str, test: &str, required: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let must = std::env::var_os(required).is_some_and(|v| !v.is_empty());
        assert!(
            !must,
            "{test}: `{name}` is not on PATH and {required} is set"
        );
        note(&format!(
            "{test}: the `{name}` checks skipped, `{name}` is not installed"
        ));
    }
    found
}

/// A complete graph of `n` nodes with its own schema.
pub fn complete_graph(n: usize) -> String {
    let mut toml = String::from(
        "[schema.kinds.point]\nplural = \"points\"\ndescription = \"a point\"\n\n\
         [schema.relations.link]\nfrom = [\"point\"]\nto = [\"point\"]\n\
         meaning = \"the points are linked\"\nimpact = \"none\"\n\n",
    );
    for i in 0..n {
        let _ = write!(
            toml,
            "[[nodes]]\nid = \"p{i}\"\nkind = \"point\"\nname = \"P{i}\"\n\n"
        );
    }
    for i in 0..n {
        for j in i + 1..n {
            let _ = write!(
                toml,
                "[[edges]]\nfrom = \"p{i}\"\nrel = \"link\"\nto = \"p{j}\"\n\n"
            );
        }
    }
    toml
}

/// Runs `seccoop ARGS` in `dir`, reads one line of its answer and closes
/// the pipe, as `seccoop … | head -1` does; returns the line, the exit code
/// and stderr.
pub fn head_1(dir: &Path, args: &[&str]) -> (String, Option<i32>, String) {
    let mut child = command(dir, args).spawn().expect("spawn seccoop");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read one line");
    // The reader is dropped here: the pipe is closed.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("wait for seccoop");
    (line, status.code(), stderr)
}
