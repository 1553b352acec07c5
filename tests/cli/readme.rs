//! The README's tour shows real output: every `$ seccoop …` line in a
//! ```console block is run from the repository root and must print exactly
//! the lines under it (stdout, then stderr).
//!
//! After a deliberate change of output, `UPDATE_README=1 cargo test --test
//! cli readme` rewrites the blocks with what the binary prints now.

use std::path::Path;

use crate::harness::seccoop_in;

/// Splits a command line into words, honouring single and double quotes.
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(word);
    }
    out
}

/// The README with every console block's output replaced by a fresh run,
/// and the number of commands run.
fn regenerate(readme: &str, root: &Path) -> (String, usize) {
    let mut out = String::new();
    let mut in_console = false;
    let mut skipping = false;
    let mut commands = 0;
    for line in readme.lines() {
        if !in_console {
            out.push_str(line);
            out.push('\n');
            in_console = line.trim_end() == "```console";
            continue;
        }
        if line.trim_end() == "```" {
            in_console = false;
            skipping = false;
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if let Some(command) = line.strip_prefix("$ seccoop") {
            skipping = true;
            commands += 1;
            out.push_str(line);
            out.push('\n');
            let args = words(command);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let run = seccoop_in(root, &args);
            out.push_str(&run.stdout);
            out.push_str(&run.stderr);
            continue;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    (out, commands)
}

#[test]
fn every_console_block_of_the_readme_shows_real_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let (fresh, commands) = regenerate(&readme, root);
    assert!(
        commands >= 10,
        "the README tour runs only {commands} commands"
    );
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(&path, &fresh).expect("README.md is writable");
        return;
    }
    if fresh != readme {
        let diff: Vec<String> = readme
            .lines()
            .zip(fresh.lines())
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .take(5)
            .map(|(i, (a, b))| format!("line {}:\n  README: {a}\n  binary: {b}", i + 1))
            .collect();
        panic!(
            "README.md output is stale (run UPDATE_README=1 cargo test --test cli readme):\n{}",
            diff.join("\n")
        );
    }
}

#[test]
fn words_honour_quotes() {
    assert_eq!(
        words(r#" show "intelligence sharing" -g 'a b' x"#),
        ["show", "intelligence sharing", "-g", "a b", "x"]
    );
}
