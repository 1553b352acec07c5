//! `--help` and `--version`: every command's help shows an example, and the
//! version is the package's.

use crate::harness::{seccoop, subcommands};

#[test]
fn every_command_s_help_shows_an_example() {
    let commands = subcommands();
    for expected in ["list", "show", "query", "schema", "completions", "man"] {
        assert!(commands.iter().any(|c| c == expected), "{commands:?}");
    }
    let mut missing = Vec::new();
    for command in &commands {
        let run = seccoop(&[command, "--help"]);
        run.success();
        // An example is a command line that runs seccoop, under a heading.
        let example = run.stdout.lines().skip_while(|l| !l.starts_with("Example"));
        if !example.skip(1).any(|l| l.contains("seccoop "))
            && !run.stdout.contains("Example: seccoop ")
        {
            missing.push(command.clone());
        }
    }
    assert!(missing.is_empty(), "no example in --help of: {missing:?}");
}

#[test]
fn the_top_level_help_lists_the_exit_codes() {
    seccoop(&["--help"]).success().stdout_has(&[
        "Exit codes:",
        "0  success",
        "1  a runtime error",
        "2  a usage error",
    ]);
}

#[test]
fn version_prints_the_package_version() {
    let expected = format!("seccoop {}\n", env!("CARGO_PKG_VERSION"));
    seccoop(&["--version"]).success().stdout_is(&expected);
    seccoop(&["-V"]).success().stdout_is(&expected);
}
