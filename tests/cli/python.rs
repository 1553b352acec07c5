//! Python, with the other tools' own readers (networkx, kuzu, rdflib), for
//! the tests that read seccoop's exports back with them.
//!
//! `tests/python/setup.sh` makes the environment in `tests/python/.venv`
//! from `tests/python/requirements.txt`; CI runs it and sets
//! `SECCOOP_REQUIRE_PYTHON`. Without the environment the tests skip with a
//! note on stderr; with that variable set they fail instead, so they cannot
//! silently stop running.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::harness::note;

/// The environment's interpreter, or `None` (after a note) when the
/// environment has not been made.
#[track_caller]
pub fn python(test: &str) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/.venv/bin/python");
    if venv.is_file() {
        return Some(venv);
    }
    let required = std::env::var_os("SECCOOP_REQUIRE_PYTHON").is_some_and(|v| !v.is_empty());
    assert!(
        !required,
        "{test}: tests/python/.venv is missing and SECCOOP_REQUIRE_PYTHON is set; \
         run tests/python/setup.sh"
    );
    note(&format!(
        "{test} skipped: no Python environment; run tests/python/setup.sh"
    ));
    None
}

/// Runs `script` (Python source) with `args`; returns its stdout, and fails
/// the test with its stderr when it exits non-zero.
#[track_caller]
pub fn run(python: &Path, script: &str, args: &[&str]) -> String {
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "the Python script failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}
