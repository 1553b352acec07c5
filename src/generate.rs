//! Synthetic graphs with the shape a schema sets, for benchmarks and scale
//! tests.
//!
//! [`generate`] writes a CSV folder (see [`crate::load::csv`]) whose nodes
//! and edges follow the mix the schema declares: each kind's `share` of the
//! nodes (the kind with the largest share takes what is left), and for each
//! relation with `generate = { from?, edges = [MIN, MAX] }`, MIN to MAX
//! edges from every node of the `from` kind to distinct nodes of the `to`
//! kinds. A schema that says nothing of generation gets an even mix: equal
//! shares, and 1–2 edges of every relation from each node of its `from`
//! kinds.
//!
//! The curated schema's mix follows the curated graph: half the nodes are
//! activities, each part of one area, addressing 2–4 threats, involving 1–3
//! actors and hindered by 0–2 challenges; about 20% are threats, 20% actors,
//! 6% challenges, 2% areas and 2% principles, each principle mitigating 1–3
//! challenges; each threat but the first eighth drives 0–1 of that eighth
//! and is a kind of 0–1 of it (the curated graph has 10 `drives` and 8
//! `kind_of` among its 24 threats, ending at a few general ones), so the
//! schema's rules derive on generated graphs as on the curated one. A
//! million nodes make about 3.7 million edges.
//!
//! The output depends only on the schema, the node count and the seed: the
//! random numbers come from SplitMix64, written out here, so every platform
//! and every version of the dependencies produces the same bytes. Nodes are
//! written kind by kind in schema order; edges node by node, each node's
//! relations in schema order, those with a fixed count first, then the
//! others, whose counts are all drawn before their ends are picked.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use crate::model::{EdgeMix, KindId, Schema};

/// The fewest nodes `generate` is asked for: in the curated mix, one of each
/// kind and a few activities. (Every kind gets one node at least, so a
/// schema of more kinds makes more.)
pub const MIN_NODES: u64 = 10;

/// How many nodes of each kind a generated graph has, in schema order; in
/// JSON an object from each kind's plural to its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    per_kind: Vec<(KindId, String, u64)>,
}

impl Counts {
    /// The split of `nodes` (at least [`MIN_NODES`]) into the kinds of
    /// `schema`, by their shares: each kind gets its share (at least one
    /// node), and the kind with the largest share (the first of equals)
    /// what the others leave. A kind without a share counts as 0%, unless
    /// no kind has one: then all have equal shares.
    pub fn of(schema: &Schema, nodes: u64) -> Self {
        let nodes = nodes.max(MIN_NODES);
        let declared = schema.kinds().any(|(_, k)| k.share.is_some());
        let even = 100 / u64::try_from(schema.kinds().len().max(1)).unwrap_or(1);
        let shares: Vec<u64> = schema
            .kinds()
            .map(|(_, k)| match k.share {
                Some(p) => u64::from(p),
                None if declared => 0,
                None => even,
            })
            .collect();
        // The largest share (the first of equals) takes what the others leave.
        let rest = shares
            .iter()
            .enumerate()
            .max_by_key(|&(i, p)| (p, std::cmp::Reverse(i)))
            .map(|(i, _)| i);
        let mut counts: Vec<u64> = shares.iter().map(|p| (nodes * p / 100).max(1)).collect();
        if let Some(rest) = rest {
            let others: u64 = counts
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != rest)
                .map(|(_, n)| n)
                .sum();
            // `rest` is a position in `counts`, found by enumerating `shares`.
            counts[rest] = nodes.saturating_sub(others).max(1);
        }
        Counts {
            per_kind: schema
                .kinds()
                .zip(counts)
                .map(|((id, k), n)| (id, k.plural_form(), n))
                .collect(),
        }
    }

    /// How many nodes of `kind`.
    pub fn of_kind(&self, kind: KindId) -> u64 {
        self.per_kind
            .iter()
            .find(|(k, _, _)| *k == kind)
            .map_or(0, |(_, _, n)| *n)
    }

    /// Every kind with its plural and count, in schema order.
    pub fn iter(&self) -> impl Iterator<Item = (KindId, &str, u64)> {
        self.per_kind.iter().map(|(k, p, n)| (*k, p.as_str(), *n))
    }

    /// Nodes in all.
    pub fn total(&self) -> u64 {
        self.per_kind.iter().map(|(_, _, n)| n).sum()
    }
}

impl serde::Serialize for Counts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = s.serialize_map(Some(self.per_kind.len()))?;
        for (_, plural, n) in &self.per_kind {
            map.serialize_entry(plural, n)?;
        }
        map.end()
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Nodes written, by kind.
    pub counts: Counts,
    /// Nodes written.
    pub nodes: u64,
    /// Edges written.
    pub edges: u64,
}

/// SplitMix64 (Steele, Lea and Flood, 2014): tiny, fast, and the same on
/// every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0), by Lemire's multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// `k` distinct numbers in `0..n` (fewer when `n` < `k`).
    pub fn distinct(&mut self, k: u64, n: u64, out: &mut Vec<u64>) {
        out.clear();
        let k = k.min(n);
        while (out.len() as u64) < k {
            let x = self.below(n);
            if !out.contains(&x) {
                out.push(x);
            }
        }
    }
}

/// The mix of each relation: what the schema declares, or, when it says
/// nothing of generation at all, 1–2 edges from every `from` node.
fn mixes(schema: &Schema) -> Vec<Option<EdgeMix>> {
    let declared = schema.kinds().any(|(_, k)| k.share.is_some())
        || schema.relations().any(|(_, r)| r.generate.is_some());
    schema
        .relations()
        .map(|(_, r)| {
            if declared {
                r.generate.clone()
            } else {
                Some(EdgeMix {
                    from: None,
                    min: 1,
                    max: 2,
                })
            }
        })
        .collect()
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn field(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\"")).into()
    } else {
        text.into()
    }
}

/// One relation's edges for one node: the relation, how many ends it
/// picks (fixed, or drawn between the bounds), and among which nodes.
struct Rule<'s> {
    rel: &'s str,
    min: u64,
    max: u64,
    /// The `to` kinds' names and node counts, in order.
    ends: Vec<(&'s str, u64)>,
    /// The edges stay within the `from` node's own kind (a threat driving
    /// another): see [`Rule::pool_for`].
    within: bool,
}

impl Rule<'_> {
    fn pool(&self) -> u64 {
        self.ends.iter().map(|(_, n)| n).sum()
    }

    /// The nodes node `i` of its kind picks its ends among: the whole pool,
    /// or for edges within one kind the first eighth of the kind, which
    /// itself picks none. So, as the curated graph's `drives` and `kind_of`
    /// end at a few general threats, chains of such edges are one step
    /// long, and rules that follow them derive in proportion to the graph.
    fn pool_for(&self, i: u64) -> u64 {
        if !self.within {
            return self.pool();
        }
        let general = self.pool().div_ceil(8);
        if i < general { 0 } else { general }
    }

    /// The id of the `j`th node of the pool.
    fn end(&self, mut j: u64) -> Id<'_> {
        for (kind, n) in &self.ends {
            if j < *n {
                return Id(kind, j);
            }
            j -= n;
        }
        Id("", j)
    }
}

/// A generated node's id, `KIND-N`, as a CSV field, written without
/// building a string (a million-node graph writes millions of them).
struct Id<'a>(&'a str, u64);

impl std::fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Id(kind, n) = *self;
        if kind.contains([',', '"', '\n', '\r']) {
            write!(f, "\"{}-{n}\"", kind.replace('"', "\"\""))
        } else {
            write!(f, "{kind}-{n}")
        }
    }
}

/// Writes a graph in the curated schema (see [`generate_with`]).
///
/// # Example
/// ```
/// let dir = tempfile::tempdir().unwrap();
/// let summary = seccoop::generate::generate(dir.path(), 1000, 7).unwrap();
/// assert_eq!(summary.nodes, 1000);
/// let graph = seccoop::load::load_paths(&[dir.path().to_path_buf()]).unwrap();
/// assert_eq!(graph.edge_count() as u64, summary.edges);
/// ```
pub fn generate(dir: &Path, nodes: u64, seed: u64) -> std::io::Result<Summary> {
    generate_with(&crate::load::default_schema_model(), dir, nodes, seed)
}

/// Writes a graph of `nodes` nodes (at least [`MIN_NODES`]) in the mix of
/// `schema` into the folder `dir` as `nodes.csv`, `edges.csv` and
/// `graph.toml`, and `schema.toml` when the schema is not the default one,
/// creating the folder.
///
/// # Complexity
/// O(nodes + edges); a million curated nodes take a few seconds, mostly writing.
pub fn generate_with(
    schema: &Schema,
    dir: &Path,
    nodes: u64,
    seed: u64,
) -> std::io::Result<Summary> {
    std::fs::create_dir_all(dir)?;
    let counts = Counts::of(schema, nodes);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("nodes.csv"))?);
    out.write_all(b"id,kind,name\n")?;
    for (kind, _, n) in counts.iter() {
        let name = &schema.kind(kind).name;
        let mut title = name.chars();
        let title: String = title
            .next()
            .map(|c| c.to_uppercase().chain(title).collect())
            .unwrap_or_default();
        for i in 0..n {
            writeln!(
                out,
                "{},{},{}",
                Id(name, i),
                field(name),
                field(&format!("{title} {i}"))
            )?;
        }
    }
    out.flush()?;

    let mixes = mixes(schema);
    let mut rng = SplitMix64::new(seed);
    let mut edges = 0u64;
    let mut picked = Vec::with_capacity(4);
    let mut drawn = Vec::new();
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("edges.csv"))?);
    out.write_all(b"from,rel,to\n")?;
    for (kind, _, n) in counts.iter() {
        // This kind's rules in schema order, those with a fixed count first.
        let mut rules: Vec<Rule> = schema
            .relations()
            .zip(&mixes)
            .filter_map(|((_, def), mix)| {
                let mix = mix.as_ref()?;
                let applies = match mix.from {
                    Some(from) => from == kind,
                    None => def.from.contains(&kind),
                };
                applies.then(|| Rule {
                    rel: &def.name,
                    min: u64::from(mix.min),
                    max: u64::from(mix.max),
                    ends: def
                        .to
                        .iter()
                        .map(|&k| (schema.kind(k).name.as_str(), counts.of_kind(k)))
                        .collect(),
                    within: def.to == [kind],
                })
            })
            .collect();
        rules.sort_by_key(|r| r.min != r.max);
        let name = &schema.kind(kind).name;
        for i in 0..n {
            let from = Id(name, i);
            let mut write = |rule: &Rule, picked: &[u64]| -> std::io::Result<()> {
                for &j in picked {
                    writeln!(out, "{from},{},{}", field(rule.rel), rule.end(j))?;
                    edges += 1;
                }
                Ok(())
            };
            // Fixed counts first, picked at once; then every other count is
            // drawn before any of their ends is picked.
            let (fixed, ranged) = rules.split_at(rules.partition_point(|r| r.min == r.max));
            for rule in fixed {
                rng.distinct(rule.min, rule.pool_for(i), &mut picked);
                write(rule, &picked)?;
            }
            drawn.clear();
            drawn.extend(ranged.iter().map(|r| rng.between(r.min, r.max)));
            for (rule, &k) in ranged.iter().zip(&drawn) {
                rng.distinct(k, rule.pool_for(i), &mut picked);
                write(rule, &picked)?;
            }
        }
    }
    out.flush()?;

    let total = counts.total();
    let default = crate::load::is_default_schema(schema);
    let proportions = if default {
        "the curated graph's proportions"
    } else {
        "the proportions of its schema.toml"
    };
    std::fs::write(
        dir.join("graph.toml"),
        format!(
            "[graph]\nname = \"Generated graph\"\ndescription = \"{total} nodes in \
             {proportions}, seed {seed}, made by `seccoop generate`.\"\n"
        ),
    )?;
    if !default {
        let mut text = Vec::new();
        crate::write::toml::write_schema(schema, &mut text, "")?;
        std::fs::write(dir.join(crate::format::csv::SCHEMA_FILE), text)?;
    }
    Ok(Summary {
        counts,
        nodes: total,
        edges,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_bytes() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        generate(a.path(), 500, 3).unwrap();
        generate(b.path(), 500, 3).unwrap();
        for f in ["nodes.csv", "edges.csv", "graph.toml"] {
            let read = |d: &tempfile::TempDir| std::fs::read(d.path().join(f)).unwrap();
            assert_eq!(read(&a), read(&b), "{f} differs");
        }
        let c = tempfile::tempdir().unwrap();
        generate(c.path(), 500, 4).unwrap();
        let edges = |d: &tempfile::TempDir| std::fs::read(d.path().join("edges.csv")).unwrap();
        assert_ne!(edges(&a), edges(&c), "another seed, another graph");
    }

    #[test]
    fn kinds_and_relations_with_csv_syntax_in_their_names_load_back() {
        let dir = tempfile::tempdir().unwrap();
        let schema_file = dir.path().join("odd.toml");
        std::fs::write(
            &schema_file,
            r#"[schema.kinds.'odd, "kind"']
[schema.kinds.plain]
[schema.relations.'links, "to"']
from = ['odd, "kind"']
to = ["plain", 'odd, "kind"']
"#,
        )
        .unwrap();
        let schema = crate::load::load_paths(&[schema_file])
            .unwrap()
            .schema()
            .clone();
        let out = dir.path().join("out");
        let s = generate_with(&schema, &out, 40, 9).unwrap();
        assert_eq!(s.nodes, 40);
        let graph = crate::load::load_paths(&[out]).unwrap();
        assert_eq!(graph.node_count(), 40);
        assert_eq!(graph.edge_count() as u64, s.edges);
        assert!(graph.node_by_id("odd, \"kind\"-0").is_some());
    }

    #[test]
    fn splitmix_matches_the_reference_sequence() {
        // First outputs for seed 1234567 from the reference C implementation.
        let mut r = SplitMix64::new(1234567);
        assert_eq!(r.next_u64(), 6457827717110365317);
        assert_eq!(r.next_u64(), 3203168211198807973);
    }

    #[test]
    fn shape_follows_the_curated_graph() {
        let dir = tempfile::tempdir().unwrap();
        let s = generate(dir.path(), 10_000, 1).unwrap();
        assert_eq!(s.nodes, 10_000);
        let schema = crate::load::embedded().unwrap().schema().clone();
        let activity = schema.kind_id("activity").unwrap();
        assert_eq!(s.counts.of_kind(activity), 5_000);
        // 1 + 3 + 2 + 1 edges per activity on average, plus mitigations,
        // plus half a `drives` and half a `kind_of` per threat (0.4 per
        // activity), about the curated graph's 10 and 8 among 24 threats.
        let per_activity = s.edges as f64 / s.counts.of_kind(activity) as f64;
        assert!((7.2..7.7).contains(&per_activity), "{per_activity}");
    }
}
