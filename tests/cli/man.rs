//! `seccoop man`: the manual pages render without warnings (mandoc's lint
//! and groff's warnings, where installed) and say everything `--help` does.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::harness::{Scratch, program, seccoop, subcommands};

/// A man page tool, if installed (see [`crate::harness::program`]).
#[track_caller]
fn tool(name: &str, test: &str) -> Option<PathBuf> {
    program(name, test, "SECCOOP_REQUIRE_SHELLS")
}

/// Renders `page` with groff as `man` would, and returns the text; fails
/// on any warning.
fn groff(groff: &Path, page: &Path) -> String {
    let out = Command::new(groff)
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .stdout(Stdio::piped())
        .output()
        .expect("run groff");
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "groff warns about {}:\n{}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    // Wide lines, no hyphenation, no justification: text to search in.
    let out = Command::new(groff)
        .args(["-man", "-Tutf8", "-rLL=300n", "-rHY=0", "-dAD=l"])
        .arg(page)
        .env("GROFF_NO_SGR", "1")
        .output()
        .expect("run groff");
    // Drop the overstrike bold and underline of terminal output.
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut plain = String::new();
    for c in text.chars() {
        if c == '\u{8}' {
            plain.pop();
        } else {
            plain.push(c);
        }
    }
    plain
}

#[test]
fn the_page_for_the_whole_tool_names_every_command_and_the_exit_codes() {
    let scratch = Scratch::new();
    let run = seccoop(&["man"]);
    run.success();
    assert!(run.stdout.starts_with(".ie \\n(.g .ds Aq"), "not roff");
    let page = scratch.write("seccoop.1", &run.stdout);
    let commands = subcommands();
    assert!(commands.len() >= 17, "{commands:?}");
    let Some(groff_bin) = tool("groff", "man page") else {
        return;
    };
    let text = groff(&groff_bin, &page);
    for command in &commands {
        assert!(
            text.contains(&format!("seccoop-{command}(1)")),
            "seccoop.1 lacks `{command}`:\n{text}"
        );
    }
    for heading in ["NAME", "SYNOPSIS", "OPTIONS", "SUBCOMMANDS", "EXIT STATUS"] {
        assert!(text.contains(heading), "no {heading}:\n{text}");
    }
    for line in [
        "success (an empty answer too)",
        "a runtime error",
        "a usage error",
        "--graph",
    ] {
        assert!(text.contains(line), "no `{line}`:\n{text}");
    }
}

#[test]
fn dir_writes_a_page_per_command_that_renders_cleanly() {
    let scratch = Scratch::new();
    let out = scratch.path().join("man1");
    let run = scratch.run(&["man", "--dir", "man1"]);
    run.success().stdout_is("");
    let commands = subcommands();
    let mut names = vec!["seccoop.1".to_string()];
    names.extend(commands.iter().map(|c| format!("seccoop-{c}.1")));
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    names.sort();
    assert_eq!(written, names);
    assert_eq!(
        std::fs::read(out.join("seccoop.1")).unwrap(),
        seccoop(&["man"]).stdout.as_bytes()
    );

    let mandoc = tool("mandoc", "man pages");
    let groff_bin = tool("groff", "man pages");
    for name in &names {
        let page = out.join(name);
        if let Some(mandoc) = &mandoc {
            let lint = Command::new(mandoc)
                .args(["-T", "lint", "-W", "warning"])
                .arg(&page)
                .output()
                .expect("run mandoc");
            assert!(
                lint.status.success(),
                "mandoc warns about {name}:\n{}{}",
                String::from_utf8_lossy(&lint.stdout),
                String::from_utf8_lossy(&lint.stderr)
            );
        }
        if let Some(groff_bin) = &groff_bin {
            let text = groff(groff_bin, &page);
            assert!(text.contains("EXIT STATUS"), "{name}:\n{text}");
            if name != "seccoop.1" {
                let command = name.trim_start_matches("seccoop-").trim_end_matches(".1");
                assert!(
                    text.contains(&format!("seccoop {command}")),
                    "{name} lacks its synopsis:\n{text}"
                );
                assert!(
                    text.to_lowercase().contains("example"),
                    "{name} lacks an example:\n{text}"
                );
            }
        }
    }
}

#[test]
fn a_command_page_keeps_its_examples_line_for_line() {
    let scratch = Scratch::new();
    scratch.run(&["man", "--dir", "."]).success();
    let page = std::fs::read_to_string(scratch.path().join("seccoop-export.1")).unwrap();
    assert!(page.contains(".SH EXAMPLES\n.nf\n"), "{page}");
    assert!(
        page.contains("seccoop export \\-\\-focus terrorism"),
        "{page}"
    );
}

#[test]
fn man_prints_only_roff() {
    seccoop(&["man", "--format", "json"])
        .exits(2)
        .stdout_is("")
        .stderr_has(&["`man` does not print --format json"]);
    seccoop(&["completions", "bash", "--format", "csv"])
        .exits(2)
        .stdout_is("")
        .stderr_has(&["`completions` does not print --format csv"]);
}

#[test]
fn dir_reports_a_folder_it_cannot_make() {
    let scratch = Scratch::new();
    scratch.write("taken", "a file, not a folder");
    scratch
        .run(&["man", "--dir", "taken/man1"])
        .error()
        .stderr_has(&["cannot write `taken/man1`"]);
}
