//! A small reader of the Gherkin the openCypher TCK is written in: features,
//! a background, scenarios and scenario outlines with their examples, steps
//! with doc strings and data tables. Only what the TCK uses.

use std::fmt;

/// One step: `Given an empty graph`, `When executing query:` + doc string, …
#[derive(Debug, Clone)]
pub struct Step {
    /// The text after the keyword (`Given`, `And`, …).
    pub text: String,
    /// The doc string under the step, dedented.
    pub doc: Option<String>,
    /// The data table under the step, cells unescaped.
    pub table: Vec<Vec<String>>,
}

/// One runnable scenario: a plain one, or one example row of an outline.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `clauses/match/Match4.feature`.
    pub file: String,
    /// `Match4 [8]`, or `Match4 [8] #2` for the second example of an outline.
    pub id: String,
    /// The scenario's title.
    pub title: String,
    /// Its tags (`@ignore`, …).
    pub tags: Vec<String>,
    /// The background's steps, then its own.
    pub steps: Vec<Step>,
}

/// Why a feature file cannot be read.
#[derive(Debug)]
pub struct ParseError {
    /// The file.
    pub file: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// Splits a table row into cells, resolving `\|`, `\\` and `\n`.
fn cells(line: &str) -> Vec<String> {
    let inner = line.trim();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('|') => cell.push('|'),
                Some('\\') => cell.push('\\'),
                Some('n') => cell.push('\n'),
                Some(other) => {
                    cell.push('\\');
                    cell.push(other);
                }
                None => cell.push('\\'),
            },
            '|' => {
                out.push(cell.trim().to_string());
                cell.clear();
            }
            c => cell.push(c),
        }
    }
    out
}

struct Raw {
    title: String,
    tags: Vec<String>,
    outline: bool,
    steps: Vec<Step>,
    examples: Vec<Vec<Vec<String>>>,
}

/// Reads the scenarios of one feature file.
pub fn parse(file: &str, text: &str) -> Result<Vec<Scenario>, ParseError> {
    let stem = file
        .rsplit('/')
        .next()
        .unwrap_or(file)
        .trim_end_matches(".feature")
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    let mut background: Vec<Step> = Vec::new();
    let mut raws: Vec<Raw> = Vec::new();
    let mut pending_tags: Vec<String> = Vec::new();
    // Where steps go: the background (None) or the last scenario.
    let mut in_background = false;
    let mut in_examples = false;
    let mut i = 0;
    let err = |line: usize, message: &str| ParseError {
        file: file.to_string(),
        line: line + 1,
        message: message.to_string(),
    };
    while i < lines.len() {
        let line = lines[i].trim();
        if line.is_empty() || line.starts_with('#') {
            i += 1;
            continue;
        }
        if line.starts_with('@') {
            pending_tags.extend(line.split_whitespace().map(str::to_string));
            i += 1;
            continue;
        }
        if line.starts_with("Feature:") {
            i += 1;
            continue;
        }
        if line.starts_with("Background:") {
            in_background = true;
            in_examples = false;
            i += 1;
            continue;
        }
        let outline =
            line.starts_with("Scenario Outline:") || line.starts_with("Scenario Template:");
        if outline || line.starts_with("Scenario:") {
            let title = line.split_once(':').map_or("", |p| p.1).trim().to_string();
            raws.push(Raw {
                title,
                tags: std::mem::take(&mut pending_tags),
                outline,
                steps: Vec::new(),
                examples: Vec::new(),
            });
            in_background = false;
            in_examples = false;
            i += 1;
            continue;
        }
        if line.starts_with("Examples:") || line.starts_with("Scenarios:") {
            in_examples = true;
            pending_tags.clear();
            if let Some(r) = raws.last_mut() {
                r.examples.push(Vec::new());
            }
            i += 1;
            continue;
        }
        if line.starts_with('|') {
            let row = cells(line);
            if in_examples {
                if let Some(table) = raws.last_mut().and_then(|r| r.examples.last_mut()) {
                    table.push(row);
                }
            } else {
                let steps = if in_background {
                    &mut background
                } else {
                    match raws.last_mut() {
                        Some(r) => &mut r.steps,
                        None => return Err(err(i, "a table outside a scenario")),
                    }
                };
                match steps.last_mut() {
                    Some(s) => s.table.push(row),
                    None => return Err(err(i, "a table before any step")),
                }
            }
            i += 1;
            continue;
        }
        if line.starts_with("\"\"\"") {
            let indent = lines[i].len() - lines[i].trim_start().len();
            let start = i;
            i += 1;
            let mut body = Vec::new();
            while i < lines.len() && !lines[i].trim().starts_with("\"\"\"") {
                let l = lines[i];
                let cut = l
                    .char_indices()
                    .take_while(|&(j, c)| j < indent && c.is_whitespace())
                    .count();
                body.push(&l[l.char_indices().nth(cut).map_or(l.len(), |(j, _)| j)..]);
                i += 1;
            }
            if i == lines.len() {
                return Err(err(start, "a doc string is never closed"));
            }
            i += 1;
            let steps = if in_background {
                &mut background
            } else {
                match raws.last_mut() {
                    Some(r) => &mut r.steps,
                    None => return Err(err(start, "a doc string outside a scenario")),
                }
            };
            match steps.last_mut() {
                Some(s) => s.doc = Some(body.join("\n")),
                None => return Err(err(start, "a doc string before any step")),
            }
            continue;
        }
        let keyword = ["Given ", "When ", "Then ", "And ", "But "]
            .iter()
            .find(|k| line.starts_with(**k));
        let Some(keyword) = keyword else {
            return Err(err(i, &format!("cannot read `{line}`")));
        };
        let step = Step {
            text: line[keyword.len()..].trim().to_string(),
            doc: None,
            table: Vec::new(),
        };
        if in_background {
            background.push(step);
        } else {
            match raws.last_mut() {
                Some(r) => r.steps.push(step),
                None => return Err(err(i, "a step outside a scenario")),
            }
        }
        i += 1;
    }
    let mut out = Vec::new();
    for raw in raws {
        let label = raw
            .title
            .strip_prefix('[')
            .and_then(|t| t.split_once(']'))
            .map_or(raw.title.clone(), |(n, _)| format!("[{n}]"));
        let base_id = format!("{stem} {label}");
        let with_background = |steps: &[Step]| {
            let mut all = background.clone();
            all.extend(steps.iter().cloned());
            all
        };
        if !raw.outline {
            out.push(Scenario {
                file: file.to_string(),
                id: base_id,
                title: raw.title,
                tags: raw.tags,
                steps: with_background(&raw.steps),
            });
            continue;
        }
        let mut n = 0;
        for table in &raw.examples {
            let Some((header, rows)) = table.split_first() else {
                continue;
            };
            for row in rows {
                n += 1;
                let subst = |s: &str| {
                    let mut s = s.to_string();
                    for (h, v) in header.iter().zip(row) {
                        s = s.replace(&format!("<{h}>"), v);
                    }
                    s
                };
                let steps = raw
                    .steps
                    .iter()
                    .map(|st| Step {
                        text: subst(&st.text),
                        doc: st.doc.as_deref().map(subst),
                        table: st
                            .table
                            .iter()
                            .map(|r| r.iter().map(|c| subst(c)).collect())
                            .collect(),
                    })
                    .collect::<Vec<_>>();
                out.push(Scenario {
                    file: file.to_string(),
                    id: format!("{base_id} #{n}"),
                    title: subst(&raw.title),
                    tags: raw.tags.clone(),
                    steps: with_background(&steps),
                });
            }
        }
    }
    Ok(out)
}
