//! Synthetic graphs with the curated graph's shape, for benchmarks and
//! scale tests.
//!
//! [`generate`] writes a CSV folder (see [`crate::load::csv`]) whose nodes
//! and edges follow the curated graph in proportion: half the nodes are
//! activities, each part of one area, addressing 2–4 threats, involving 1–3
//! actors and hindered by 0–2 challenges; about 20% are threats, 20% actors,
//! 6% challenges, 2% areas and 2% principles, each principle mitigating 1–3
//! challenges. Threats drive and are kinds of other threats at the curated
//! graph's rates (10 `drives` and 8 `kind_of` edges among its 24 threats),
//! each `kind_of` pointing to a threat written earlier, so forms nest
//! without cycles; the default schema's rules then derive from them as
//! they do on the curated graph. A million nodes make about 3.7 million
//! edges.
//!
//! The output depends only on the node count and the seed: the random
//! numbers come from SplitMix64, written out here, so every platform and
//! every version of the dependencies produces the same bytes.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The fewest nodes a generated graph has: one of each kind and a few activities.
pub const MIN_NODES: u64 = 10;

/// How many nodes of each kind a graph of `nodes` nodes has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Activities (the rest, about 50%).
    pub activities: u64,
    /// Threats (20%).
    pub threats: u64,
    /// Actors (20%).
    pub actors: u64,
    /// Challenges (6%).
    pub challenges: u64,
    /// Areas (2%).
    pub areas: u64,
    /// Principles (2%).
    pub principles: u64,
}

impl Counts {
    /// The split of `nodes` (at least [`MIN_NODES`]) into kinds.
    pub fn of(nodes: u64) -> Self {
        let nodes = nodes.max(MIN_NODES);
        let share = |percent: u64| (nodes * percent / 100).max(1);
        let (threats, actors, challenges) = (share(20), share(20), share(6));
        let (areas, principles) = (share(2), share(2));
        Counts {
            activities: nodes - threats - actors - challenges - areas - principles,
            threats,
            actors,
            challenges,
            areas,
            principles,
        }
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
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

/// The kinds, with their id prefix and display name, in the order the
/// nodes are written.
const KINDS: [(&str, &str); 6] = [
    ("area", "Area"),
    ("threat", "Threat"),
    ("actor", "Actor"),
    ("challenge", "Challenge"),
    ("principle", "Principle"),
    ("activity", "Activity"),
];

/// Writes a graph of `nodes` nodes (at least [`MIN_NODES`]) into the folder
/// `dir` as `nodes.csv`, `edges.csv` and `graph.toml`, creating the folder.
///
/// # Complexity
/// O(nodes); a million nodes take a few seconds, mostly writing.
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
    std::fs::create_dir_all(dir)?;
    let counts = Counts::of(nodes);
    let per_kind = [
        counts.areas,
        counts.threats,
        counts.actors,
        counts.challenges,
        counts.principles,
        counts.activities,
    ];
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("nodes.csv"))?);
    out.write_all(b"id,kind,name\n")?;
    for ((kind, title), n) in KINDS.iter().zip(per_kind) {
        for i in 0..n {
            writeln!(out, "{kind}-{i},{kind},{title} {i}")?;
        }
    }
    out.flush()?;

    let mut rng = SplitMix64::new(seed);
    let mut edges = 0u64;
    let mut picked = Vec::with_capacity(4);
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("edges.csv"))?);
    out.write_all(b"from,rel,to\n")?;
    for i in 0..counts.activities {
        let area = rng.below(counts.areas);
        writeln!(out, "activity-{i},part_of,area-{area}")?;
        edges += 1;
        let groups = [
            ("addresses", "threat", rng.between(2, 4), counts.threats),
            ("involves", "actor", rng.between(1, 3), counts.actors),
            (
                "hindered_by",
                "challenge",
                rng.between(0, 2),
                counts.challenges,
            ),
        ];
        for (rel, kind, k, n) in groups {
            rng.distinct(k, n, &mut picked);
            for &j in &picked {
                writeln!(out, "activity-{i},{rel},{kind}-{j}")?;
                edges += 1;
            }
        }
    }
    // Among threats, at the curated graph's rates: 10 `drives` and 8
    // `kind_of` per 24 threats.
    for i in 0..counts.threats {
        if rng.below(24) < 10 && counts.threats > 1 {
            let j = (i + 1 + rng.below(counts.threats - 1)) % counts.threats;
            writeln!(out, "threat-{i},drives,threat-{j}")?;
            edges += 1;
        }
        if rng.below(24) < 8 && i > 0 {
            let j = rng.below(i);
            writeln!(out, "threat-{i},kind_of,threat-{j}")?;
            edges += 1;
        }
    }
    for i in 0..counts.principles {
        let k = rng.between(1, 3);
        rng.distinct(k, counts.challenges, &mut picked);
        for &j in &picked {
            writeln!(out, "principle-{i},mitigates,challenge-{j}")?;
            edges += 1;
        }
    }
    out.flush()?;

    let total = per_kind.iter().sum();
    std::fs::write(
        dir.join("graph.toml"),
        format!(
            "[graph]\nname = \"Generated graph\"\ndescription = \"{total} nodes in the \
             curated graph's proportions, seed {seed}, made by `seccoop generate`.\"\n"
        ),
    )?;
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
        assert_eq!(s.counts.activities, 5_000);
        // 1 + 3 + 2 + 1 edges per activity on average, plus mitigations,
        // plus 0.75 `drives` and `kind_of` per threat (0.3 per activity).
        let per_activity = s.edges as f64 / s.counts.activities as f64;
        assert!((7.1..7.6).contains(&per_activity), "{per_activity}");
        let text = std::fs::read_to_string(dir.path().join("edges.csv")).unwrap();
        let count = |rel: &str| text.lines().filter(|l| l.contains(rel)).count() as f64;
        let threats = s.counts.threats as f64;
        assert!((count(",drives,") / threats - 10.0 / 24.0).abs() < 0.03);
        assert!((count(",kind_of,") / threats - 8.0 / 24.0).abs() < 0.03);
    }
}
