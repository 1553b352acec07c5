//! Draws seccoop's own architecture with seccoop: scans `src/` for the
//! top-level modules and the `crate::…` paths each one names, and prints a
//! graph file (TOML, with its own schema: kind `module`, relation `uses`)
//! that `seccoop export` draws like any user graph.
//!
//! ```sh
//! cargo run --example module_graph > docs/architecture/modules.toml
//! cargo run --example module_graph -- --table   # the README's table
//! seccoop -g docs/architecture/modules.toml export -o docs/architecture/modules.svg
//! ```
//!
//! Test code is left out: files named `tests.rs` or `proptests.rs`, and
//! everything from a file's first `#[cfg(test)]` line on (the codebase keeps
//! its unit tests at the end of a file). `tests/cli/architecture.rs` checks
//! that the committed `docs/architecture/modules.toml` and the README's
//! module table match this scan, and that the module graph has no cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn main() -> std::process::ExitCode {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    match scan(&src) {
        Ok(uses) => {
            if std::env::args().any(|a| a == "--table") {
                print!("{}", table(&uses));
            } else {
                print!("{}", render(&uses));
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot scan {}: {e}", src.display());
            std::process::ExitCode::FAILURE
        }
    }
}

/// Each top-level module of `src` and the other top-level modules it uses.
pub fn scan(src: &Path) -> std::io::Result<BTreeMap<String, BTreeSet<String>>> {
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for entry in std::fs::read_dir(src)? {
        let path = entry?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if stem == "main" || stem == "lib" {
            continue;
        }
        let module = stem.to_string();
        let mut files = Vec::new();
        collect(&path, &mut files)?;
        let set = uses.entry(module.clone()).or_default();
        for file in files {
            let text = std::fs::read_to_string(&file)?;
            for used in crate_paths(&text) {
                if used != module {
                    set.insert(used);
                }
            }
        }
    }
    // Keep only names that are modules (not `crate::SomeType` re-exports).
    let modules: BTreeSet<String> = uses.keys().cloned().collect();
    for set in uses.values_mut() {
        set.retain(|m| modules.contains(m));
    }
    Ok(uses)
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            collect(&entry?.path(), files)?;
        }
    } else if path.extension().is_some_and(|e| e == "rs") {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name != "tests.rs" && name != "proptests.rs" {
            files.push(path.to_path_buf());
        }
    }
    Ok(())
}

/// The first path segment after each `crate::` in code (not in comments),
/// including the members of `crate::{a, b::c}` groups, up to `#[cfg(test)]`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut group = false;
    for line in text.lines() {
        let code = line.trim_start();
        if code.starts_with("#[cfg(test)]") {
            break;
        }
        if code.starts_with("//") {
            continue;
        }
        let code = code.split("//").next().unwrap_or("");
        if group {
            // Inside a multi-line `use crate::{ … }`.
            for part in code.split(',') {
                push_segment(part.trim().trim_start_matches('{'), &mut found);
            }
            if code.contains('}') {
                group = false;
            }
        }
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + "crate::".len()..];
            if let Some(inner) = after.strip_prefix('{') {
                match inner.find('}') {
                    Some(end) => {
                        for part in inner[..end].split(',') {
                            push_segment(part.trim(), &mut found);
                        }
                    }
                    None => {
                        for part in inner.split(',') {
                            push_segment(part.trim(), &mut found);
                        }
                        group = true;
                    }
                }
            } else {
                push_segment(after, &mut found);
            }
            rest = after;
        }
    }
    found
}

fn push_segment(path: &str, found: &mut BTreeSet<String>) {
    let name: String = path
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
        .collect();
    if !name.is_empty() && name != "self" {
        found.insert(name);
    }
}

/// The graph file: one `module` node per module, one `uses` edge per import.
pub fn render(uses: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = String::from(
        "# seccoop's own modules and which ones each uses, made by\n\
         # `cargo run --example module_graph` (checked by tests/cli/architecture.rs).\n\
         # Draw it: seccoop -g docs/architecture/modules.toml export -o modules.svg\n\n\
         [graph]\n\
         name = \"seccoop modules\"\n\
         description = \"The top-level modules of the seccoop crate and the modules each one uses.\"\n\n\
         [schema.kinds.module]\n\
         plural = \"modules\"\n\
         description = \"a top-level module of the crate\"\n\n\
         [schema.relations.uses]\n\
         from = [\"module\"]\n\
         to = [\"module\"]\n\
         meaning = \"the first module names items of the second\"\n\
         inverse = \"used by\"\n\
         impact = \"backward\"\n",
    );
    for module in uses.keys() {
        out.push_str(&format!(
            "\n[[nodes]]\nid = \"{module}\"\nkind = \"module\"\nname = \"{module}\"\ndescription = \"src/{module}\"\n"
        ));
    }
    for (module, used) in uses {
        for to in used {
            out.push_str(&format!(
                "\n[[edges]]\nfrom = \"{module}\"\nrel = \"uses\"\nto = \"{to}\"\nbasis = \"stated\"\n"
            ));
        }
    }
    out
}

/// The README's table: each module and the modules it uses.
pub fn table(uses: &BTreeMap<String, BTreeSet<String>>) -> String {
    let mut out = String::from("| module | uses |\n|---|---|\n");
    for (module, used) in uses {
        let used: Vec<String> = used.iter().map(|m| format!("`{m}`")).collect();
        let used = if used.is_empty() {
            "—".to_string()
        } else {
            used.join(", ")
        };
        out.push_str(&format!("| `{module}` | {used} |\n"));
    }
    out
}
