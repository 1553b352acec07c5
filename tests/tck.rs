//! The openCypher TCK, run against seccoop's query engine.
//!
//! Reads every feature file under `../shared/tck/features/` in place
//! (relative to the crate), runs each scenario on an in-memory graph built by
//! the scenario's `CREATE` steps, and compares the
//! results the way the TCK says: in order, in any order, or ignoring the
//! order of list elements. An expected error must match in class
//! (`SyntaxError`, `TypeError`, …) and in detail code (`UndefinedVariable`,
//! …) unless the TCK leaves the detail open.
//!
//! Scope is decided per scenario by what it does, whatever its folder: one
//! that writes beyond building its start graph (CREATE, SET, DELETE, MERGE in
//! the query under test, side effects checked) or uses temporal types is
//! out of scope, and each reason is counted. The test procedures a scenario
//! declares ("there exists a procedure test.my.proc(…) :: (…)" and its
//! table) are added to its graph, so `CALL` scenarios run.
//!
//! The run fails when a scenario fails that is not listed in
//! `tests/tck/expected-failures.txt`, when a listed one passes (so the list
//! stays honest), when a listed id names no scenario, when `TCK_FILTER`
//! selects no scenario, or when fewer than 95% of the in-scope scenarios
//! pass.
//!
//! Regenerate the per-feature table in `docs/tck.md` with:
//!
//! ```text
//! TCK_REPORT=docs/tck.md cargo test --test tck
//! ```
//!
//! `TCK_FILTER=Match4` runs only the scenarios whose id contains the text
//! (and checks nothing but them); `TCK_VERBOSE=1` also shows the expected
//! failures' details.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod tck {
    pub mod gherkin;
    pub mod values;
}

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use seccoop::query::{self, Category, MemoryGraph, Options, Params, Procedure, lexer::Tok};
use tck::gherkin::{Scenario, Step};
use tck::values::{self, TVal};

/// The share of in-scope scenarios that must pass.
const REQUIRED_RATE: f64 = 0.95;

enum Outcome {
    Pass,
    Fail(String),
    OutOfScope(&'static str),
}

fn tck_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tck")
}

fn unquoted_words(text: &str) -> Vec<(String, bool)> {
    // (word, followed by `(` or `.`: a function or a function namespace)
    let Ok(tokens) = query::lexer::lex(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        if let Tok::Ident {
            name,
            quoted: false,
        } = &t.tok
        {
            let call = tokens
                .get(i + 1)
                .is_some_and(|n| n.tok == Tok::LParen || n.tok == Tok::Dot);
            out.push((name.to_ascii_uppercase(), call));
        }
    }
    out
}

const WRITES: &[&str] = &[
    "CREATE", "SET", "DELETE", "DETACH", "MERGE", "REMOVE", "FOREACH",
];
const TEMPORAL: &[&str] = &[
    "DATE",
    "TIME",
    "DATETIME",
    "LOCALTIME",
    "LOCALDATETIME",
    "DURATION",
];

/// Why a scenario is out of scope, if it is.
fn out_of_scope(s: &Scenario) -> Option<&'static str> {
    if s.tags.iter().any(|t| t == "@ignore") {
        return Some("tagged @ignore");
    }
    for step in &s.steps {
        let doc = step.doc.as_deref().unwrap_or("");
        if step.text.starts_with("executing query") {
            let text = query_text(step);
            for (w, call) in unquoted_words(&text) {
                if WRITES.contains(&w.as_str()) {
                    return Some("writes to the graph");
                }
                if call && TEMPORAL.contains(&w.as_str()) {
                    return Some("uses temporal types");
                }
            }
        }
        if step.text.starts_with("having executed") {
            for (w, call) in unquoted_words(doc) {
                if WRITES.contains(&w.as_str()) && w != "CREATE" {
                    return Some("builds its graph with writes other than CREATE");
                }
                if call && TEMPORAL.contains(&w.as_str()) {
                    return Some("uses temporal types");
                }
            }
        }
        if step.text.starts_with("the side effects should be") {
            return Some("checks side effects of writes");
        }
    }
    None
}

fn query_text(step: &Step) -> String {
    match &step.doc {
        Some(d) => d.clone(),
        None => step
            .text
            .split_once(':')
            .map_or(String::new(), |p| p.1.trim().to_string()),
    }
}

fn options() -> Options {
    Options::default()
}

/// Runs one scenario.
fn run_scenario(s: &Scenario, dir: &Path) -> Outcome {
    if let Some(reason) = out_of_scope(s) {
        return Outcome::OutOfScope(reason);
    }
    let mut graph = MemoryGraph::new();
    let mut params = Params::new();
    let mut result: Option<Result<query::QueryResult, query::QueryError>> = None;
    let mut query = String::new();
    let mut checked = false;
    for step in &s.steps {
        let t = step.text.as_str();
        if t == "an empty graph" || t == "any graph" {
            graph = MemoryGraph::new();
        } else if let Some(name) = t
            .strip_prefix("the ")
            .and_then(|r| r.strip_suffix(" graph"))
        {
            let path = dir.join("graphs").join(name).join(format!("{name}.cypher"));
            let Ok(text) = std::fs::read_to_string(&path) else {
                return Outcome::Fail(format!("cannot read the named graph {}", path.display()));
            };
            if let Err(e) = query::run_on_memory(&text, &mut graph, &Params::new(), &options()) {
                return Outcome::Fail(format!("building the named graph failed: {e}"));
            }
        } else if t.starts_with("having executed") {
            let text = step.doc.clone().unwrap_or_default();
            if let Err(e) = query::run_on_memory(&text, &mut graph, &params, &options()) {
                return Outcome::Fail(format!("setup query failed: {e}\n{text}"));
            }
        } else if t.starts_with("parameters are") || t.starts_with("parameter values are") {
            for row in &step.table {
                let [name, value] = row.as_slice() else {
                    return Outcome::Fail("a parameter row needs two cells".into());
                };
                match query::parse_literal(value) {
                    Some(v) => {
                        params.insert(name.clone(), v);
                    }
                    None => return Outcome::Fail(format!("cannot read parameter value `{value}`")),
                }
            }
        } else if let Some(signature) = t.strip_prefix("there exists a procedure ") {
            match test_procedure(signature, &step.table) {
                Ok(p) => graph.add_procedure(p),
                Err(why) => return Outcome::Fail(why),
            }
        } else if t.starts_with("executing query") {
            query = query_text(step);
            result = Some(query::run(&query, &graph, &params, &options()));
        } else if let Some(rest) = t.strip_prefix("the result should be") {
            let Some(r) = &result else {
                return Outcome::Fail("no query ran".into());
            };
            let r = match r {
                Ok(r) => r,
                Err(e) => return Outcome::Fail(format!("error: {e} ({:?})\n{query}", e.code())),
            };
            if let Err(why) = compare(&graph, r, rest, &step.table) {
                return Outcome::Fail(format!("{why}\n{query}"));
            }
            checked = true;
        } else if let Some(rest) = t.strip_prefix("a ").or_else(|| t.strip_prefix("an ")) {
            // `a TypeError should be raised at runtime: InvalidArgumentType`
            let Some((kind, rest)) = rest.split_once(" should be raised at ") else {
                return Outcome::Fail(format!("cannot read step `{t}`"));
            };
            let phase = rest.split(':').next().unwrap_or("").trim();
            let Some(r) = &result else {
                return Outcome::Fail("no query ran".into());
            };
            match r {
                Ok(r) => {
                    return Outcome::Fail(format!(
                        "expected a {kind}, got {} rows\n{query}",
                        r.rows.len()
                    ));
                }
                Err(e) => {
                    let detail = rest.split(':').nth(1).unwrap_or("").trim();
                    if !error_matches(kind, phase, detail, e) {
                        return Outcome::Fail(format!(
                            "expected a {kind} at {phase}: {detail}, got {:?} {:?}: {e}\n{query}",
                            e.category(),
                            e.code()
                        ));
                    }
                    checked = true;
                }
            }
        } else if t == "no side effects" {
            // In-scope queries only read.
        } else {
            return Outcome::Fail(format!("unknown step `{t}`"));
        }
    }
    if !checked {
        return Outcome::Fail("the scenario checks neither a result nor an error".into());
    }
    Outcome::Pass
}

/// A test procedure the TCK declares: its signature, and a table whose
/// header names its inputs and outputs and whose rows are its answers.
fn test_procedure(signature: &str, table: &[Vec<String>]) -> Result<Procedure, String> {
    let signature = signature.trim().trim_end_matches(':').trim();
    let declared = Procedure::table(signature, Vec::new())?;
    let names: Vec<&str> = declared
        .inputs
        .iter()
        .chain(&declared.outputs)
        .map(|p| p.name.as_str())
        .collect();
    let Some((header, rows)) = table.split_first() else {
        return Procedure::table(signature, Vec::new());
    };
    let header: Vec<&str> = header
        .iter()
        .map(|h| h.trim())
        .filter(|h| !h.is_empty())
        .collect();
    let mut at = Vec::with_capacity(names.len());
    for n in &names {
        let Some(i) = header.iter().position(|h| h == n) else {
            return Err(format!("the table of `{signature}` has no column `{n}`"));
        };
        at.push(i);
    }
    let mut values = Vec::with_capacity(rows.len());
    for row in rows {
        let mut out = Vec::with_capacity(at.len());
        for &i in &at {
            let cell = row.get(i).map_or("", |c| c.trim());
            let Some(v) = query::parse_literal(cell) else {
                return Err(format!("cannot read the procedure's value `{cell}`"));
            };
            out.push(v);
        }
        values.push(out);
    }
    Procedure::table(signature, values)
}

/// Whether our error is the one the TCK expects: its class, and its detail
/// code unless the TCK leaves it open (`*`). A type error the TCK expects
/// "at compile time" or "at any time" may be found by the planner, which
/// reports it as a semantic error with the `InvalidArgumentType` code.
fn error_matches(kind: &str, phase: &str, detail: &str, e: &query::QueryError) -> bool {
    let code = e.code().map(|c| format!("{c:?}"));
    if !detail.is_empty() && detail != "*" && code.as_deref() != Some(detail) {
        return false;
    }
    match kind {
        "SyntaxError" | "SemanticError" => e.category() == Category::Syntax,
        "TypeError" => {
            e.category() == Category::Type
                || (phase != "runtime"
                    && e.category() == Category::Syntax
                    && e.code() == Some(query::Code::InvalidArgumentType))
        }
        "ArgumentError" => e.category() == Category::Argument,
        "ArithmeticError" => e.category() == Category::Arithmetic,
        "ParameterMissing" => e.category() == Category::ParameterMissing,
        "ProcedureError" => e.code() == Some(query::Code::ProcedureNotFound),
        _ => false,
    }
}

fn compare(
    graph: &MemoryGraph,
    r: &query::QueryResult,
    how: &str,
    table: &[Vec<String>],
) -> Result<(), String> {
    let how = how.trim().trim_end_matches(':');
    if how.trim() == "empty" {
        return if r.rows.is_empty() {
            Ok(())
        } else {
            Err(format!("expected no rows, got {}", r.rows.len()))
        };
    }
    let ordered = how.contains("in order");
    let unordered_lists = how.contains("ignoring element order for lists");
    let Some((header, rows)) = table.split_first() else {
        return Err("the expected table has no header".into());
    };
    if header != &r.columns {
        return Err(format!("columns {:?}, expected {header:?}", r.columns));
    }
    let norm = |v: TVal| if unordered_lists { v.sorted_lists() } else { v };
    let mut expected = Vec::new();
    for row in rows {
        let mut vals = Vec::new();
        for cell in row {
            vals.push(norm(
                values::parse(cell).map_err(|e| format!("expected value: {e}"))?,
            ));
        }
        expected.push(vals);
    }
    let actual: Vec<Vec<TVal>> = r
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|v| norm(values::from_value(graph, v)))
                .collect()
        })
        .collect();
    let show = |rows: &[Vec<TVal>]| {
        rows.iter()
            .map(|r| {
                format!(
                    "  | {} |",
                    r.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" | ")
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mismatch = || {
        format!(
            "expected ({how}):\n{}\nactual:\n{}",
            show(&expected),
            show(&actual)
        )
    };
    if expected.len() != actual.len() {
        return Err(mismatch());
    }
    let same_row =
        |a: &[TVal], b: &[TVal]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y));
    if ordered {
        if expected.iter().zip(&actual).all(|(e, a)| same_row(e, a)) {
            return Ok(());
        }
        return Err(mismatch());
    }
    let mut used = vec![false; actual.len()];
    for e in &expected {
        let Some(i) = (0..actual.len()).find(|&i| !used[i] && same_row(e, &actual[i])) else {
            return Err(mismatch());
        };
        used[i] = true;
    }
    Ok(())
}

/// Every `.feature` file under `dir`, at any depth.
fn feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            feature_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}

/// `id | reason` lines of the expected-failures file.
fn expected_failures() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tck/expected-failures.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('|'))
        .map(|(id, reason)| (id.trim().to_string(), reason.trim().to_string()))
        .collect()
}

#[derive(Default, Clone)]
struct Counts {
    in_scope: usize,
    passed: usize,
    expected_failures: usize,
    out_of_scope: usize,
    /// Out-of-scope scenarios by reason.
    reasons: BTreeMap<&'static str, usize>,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.in_scope += other.in_scope;
        self.passed += other.passed;
        self.expected_failures += other.expected_failures;
        self.out_of_scope += other.out_of_scope;
        for (reason, n) in &other.reasons {
            *self.reasons.entry(reason).or_default() += n;
        }
    }

    fn reasons_text(&self) -> String {
        self.reasons
            .iter()
            .map(|(r, n)| format!("{r}: {n}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn main() -> ExitCode {
    // Test runners list tests before running them (`--list`); this binary
    // is one test.
    if std::env::args().any(|a| a == "--list") {
        println!("tck: test");
        return ExitCode::SUCCESS;
    }
    let dir = tck_dir();
    let features = dir.join("features");
    if !features.is_dir() {
        println!(
            "tck: skipped: {} is absent (the openCypher TCK lives in the shared folder beside the repository)",
            features.display()
        );
        println!("0 passed, 0 failed");
        return ExitCode::SUCCESS;
    }
    let filter = std::env::var("TCK_FILTER").ok().filter(|f| !f.is_empty());
    let verbose = std::env::var_os("TCK_VERBOSE").is_some();

    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut files = Vec::new();
    feature_files(&features, &mut files);
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read a feature file");
        let name = path
            .strip_prefix(&features)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        match tck::gherkin::parse(&name, &text) {
            Ok(mut s) => scenarios.append(&mut s),
            Err(e) => {
                println!("tck: cannot read {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Some(f) = &filter {
        scenarios.retain(|s| s.id.contains(f.as_str()));
        if scenarios.is_empty() {
            println!("tck: TCK_FILTER `{f}` selects no scenario; ids look like `Match4 [8]`");
            println!("0 passed, 1 failed");
            return ExitCode::FAILURE;
        }
    }

    // Run on every core; each scenario is independent.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = scenarios.len().div_ceil(threads).max(1);
    let outcomes: Vec<(usize, Outcome)> = std::thread::scope(|scope| {
        let handles: Vec<_> = scenarios
            .chunks(chunk)
            .enumerate()
            .map(|(c, part)| {
                let dir = &dir;
                std::thread::Builder::new()
                    .stack_size(64 * 1024 * 1024)
                    .spawn_scoped(scope, move || {
                        part.iter()
                            .enumerate()
                            .map(|(i, s)| {
                                let outcome = std::panic::catch_unwind(|| run_scenario(s, dir))
                                    .unwrap_or_else(|_| {
                                        Outcome::Fail("the engine panicked".into())
                                    });
                                (c * chunk + i, outcome)
                            })
                            .collect::<Vec<_>>()
                    })
                    .expect("start a thread")
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let outcomes: HashMap<usize, Outcome> = outcomes.into_iter().collect();

    let listed = expected_failures();
    let mut seen_ids = std::collections::HashSet::new();
    let mut per_file: BTreeMap<String, Counts> = BTreeMap::new();
    let mut unexpected: Vec<String> = Vec::new();
    let mut now_passing: Vec<String> = Vec::new();
    let mut duplicate_ids: Vec<String> = Vec::new();
    for (i, s) in scenarios.iter().enumerate() {
        if !seen_ids.insert(s.id.clone()) {
            duplicate_ids.push(s.id.clone());
        }
        let c = per_file.entry(s.file.clone()).or_default();
        match outcomes.get(&i) {
            Some(Outcome::OutOfScope(reason)) => {
                if verbose {
                    println!("out of scope {} ({reason}) — {}", s.id, s.title);
                }
                c.out_of_scope += 1;
                *c.reasons.entry(reason).or_default() += 1;
            }
            Some(Outcome::Pass) => {
                c.in_scope += 1;
                c.passed += 1;
                if listed.contains_key(&s.id) {
                    now_passing.push(s.id.clone());
                }
            }
            Some(Outcome::Fail(why)) => {
                c.in_scope += 1;
                if listed.contains_key(&s.id) {
                    c.expected_failures += 1;
                    if verbose {
                        println!("expected failure {} — {}\n{why}\n", s.id, s.title);
                    }
                } else {
                    unexpected.push(format!("FAIL {} — {}\n{why}\n", s.id, s.title));
                }
            }
            None => unexpected.push(format!("FAIL {}: no outcome", s.id)),
        }
    }
    let stale: Vec<&String> = if filter.is_some() {
        Vec::new()
    } else {
        listed.keys().filter(|id| !seen_ids.contains(*id)).collect()
    };

    let mut total = Counts::default();
    for c in per_file.values() {
        total.add(c);
    }
    let rate = if total.in_scope == 0 {
        1.0
    } else {
        total.passed as f64 / total.in_scope as f64
    };

    let table = report(&per_file, &total, rate, &listed);
    println!("{table}");
    for u in &unexpected {
        println!("{u}");
    }
    for id in &now_passing {
        println!("NOW PASSING {id}: remove it from tests/tck/expected-failures.txt");
    }
    for id in &stale {
        println!(
            "STALE {id}: no scenario has this id; remove it from tests/tck/expected-failures.txt"
        );
    }
    for id in &duplicate_ids {
        println!("DUPLICATE ID {id}");
    }
    if let Ok(path) = std::env::var("TCK_REPORT")
        && !path.is_empty()
        && filter.is_none()
    {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
        std::fs::write(&path, &table).expect("write the report");
        println!("tck: wrote {}", path.display());
    }
    let low = filter.is_none() && rate < REQUIRED_RATE;
    if low {
        println!(
            "tck: the pass rate {:.1}% is below the required {:.0}%",
            rate * 100.0,
            REQUIRED_RATE * 100.0
        );
    }
    let failed = unexpected.len() + now_passing.len() + stale.len() + duplicate_ids.len();
    println!(
        "tck: {} in scope, {} passed ({:.1}%), {} expected failures, {} out of scope",
        total.in_scope,
        total.passed,
        rate * 100.0,
        total.expected_failures,
        total.out_of_scope
    );
    println!("{} passed, {} failed", total.passed, failed);
    if failed > 0 || low {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// The Markdown report: counts per folder with the reasons scenarios are
/// out of scope, then per feature file, then the expected failures with
/// their reasons.
fn report(
    per_file: &BTreeMap<String, Counts>,
    total: &Counts,
    rate: f64,
    listed: &BTreeMap<String, String>,
) -> String {
    let mut per_folder: BTreeMap<&str, Counts> = BTreeMap::new();
    for (file, c) in per_file {
        let folder = file.rsplit_once('/').map_or("", |(f, _)| f);
        per_folder.entry(folder).or_default().add(c);
    }
    let mut out = String::new();
    let _ = writeln!(out, "# openCypher TCK results\n");
    let _ = writeln!(
        out,
        "Generated by `TCK_REPORT=docs/tck.md cargo test --test tck` from every feature\n\
         file under `../shared/tck/features/` (see `tests/tck.rs`). Scope is decided per\n\
         scenario by what it does, not by its folder: a scenario is in scope unless it\n\
         writes beyond building its start graph or uses temporal types; the test procedures\n\
         a scenario declares are added to its graph.\n"
    );
    let _ = writeln!(
        out,
        "**{} of {} in-scope scenarios pass ({:.1}%)**; {} are expected failures, listed\n\
         with their reasons in `tests/tck/expected-failures.txt`; {} are out of scope.\n",
        total.passed,
        total.in_scope,
        rate * 100.0,
        total.expected_failures,
        total.out_of_scope
    );
    let _ = writeln!(out, "## By folder\n");
    let _ = writeln!(
        out,
        "| Folder | In scope | Passed | Expected failures | Out of scope | Why out of scope |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: | --- |");
    for (folder, c) in &per_folder {
        let _ = writeln!(
            out,
            "| {folder} | {} | {} | {} | {} | {} |",
            c.in_scope,
            c.passed,
            c.expected_failures,
            c.out_of_scope,
            c.reasons_text()
        );
    }
    let _ = writeln!(
        out,
        "| **total** | **{}** | **{}** | **{}** | **{}** | {} |\n",
        total.in_scope,
        total.passed,
        total.expected_failures,
        total.out_of_scope,
        total.reasons_text()
    );
    let _ = writeln!(out, "## By feature file\n");
    let _ = writeln!(
        out,
        "| Feature file | In scope | Passed | Expected failures | Out of scope |"
    );
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: |");
    for (file, c) in per_file {
        let _ = writeln!(
            out,
            "| {file} | {} | {} | {} | {} |",
            c.in_scope, c.passed, c.expected_failures, c.out_of_scope
        );
    }
    let _ = writeln!(out, "\n## Expected failures\n");
    if listed.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for (id, reason) in listed {
        let _ = writeln!(out, "- `{id}`: {reason}");
    }
    out
}
