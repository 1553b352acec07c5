//! Snapshots (`.sccp`): `convert` writes one, `-g` opens it, and it answers
//! as its source does; a cut, damaged, foreign, other-version or forged
//! snapshot is refused with what is wrong and what to do.

use crate::harness::{Run, Scratch};

/// Asserts the run failed (exit 1, nothing on stdout) with an error whose
/// message, its wrapped lines joined, holds every part.
#[track_caller]
fn refused(run: &Run, parts: &[&str]) {
    run.error().stdout_is("");
    let text = run.stderr.replace("\n  │ ", " ");
    for part in parts {
        assert!(
            text.contains(part),
            "stderr lacks {part:?}:\n{}",
            run.stderr
        );
    }
    assert!(text.contains("nothing was run"), "{}", run.stderr);
}

/// A scratch folder holding `g.sccp`, the built-in graph's snapshot.
fn curated() -> Scratch {
    let s = Scratch::new();
    s.run(&["convert", "g.sccp"])
        .success()
        .stdout_is("wrote 78 nodes and 237 edges (22 derived) to g.sccp (snapshot)\n");
    s
}

/// The snapshot's bytes with one changed by `edit`, written as `name`.
fn edited(s: &Scratch, name: &str, edit: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = std::fs::read(s.path().join("g.sccp")).unwrap();
    edit(&mut bytes);
    s.write(name, bytes);
}

/// Where the header's body length and checksum are in this build's snapshots.
fn body_start() -> usize {
    seccoop::format::snapshot::header_prefix_len(seccoop::format::snapshot::WRITER) + 16
}

/// Sets the header's checksum to fit the body: a forged file that the
/// checksum does not catch, for the checks behind it.
fn reseal(bytes: &mut [u8]) {
    let start = body_start();
    let sum = seccoop::format::snapshot::checksum(&bytes[start..]);
    bytes[start - 8..start].copy_from_slice(&sum.to_le_bytes());
}

#[test]
fn a_snapshot_answers_as_its_source_with_and_without_reasoning() {
    let s = curated();
    for args in [
        &["related", "terrorism", "--format", "json"][..],
        &["stats", "--format", "json"],
        &["impact", "terrorism", "--format", "json"],
        &["explain", "intelligence-sharing", "addresses", "terrorism"],
        &[
            "query",
            "MATCH (a:activity)-[:addresses]->(t:threat) RETURN a.id, t.id",
        ],
    ] {
        let want = s.run(args).success().stdout.clone();
        let mut with = vec!["-g", "g.sccp"];
        with.extend_from_slice(args);
        assert_eq!(s.run(&with).success().stdout, want, "{args:?}");
        let mut asserted = vec!["--no-reasoning"];
        asserted.extend_from_slice(args);
        let want = s.run(&asserted).success().stdout.clone();
        let mut with = vec!["--no-reasoning", "-g", "g.sccp"];
        with.extend_from_slice(args);
        assert_eq!(
            s.run(&with).success().stdout,
            want,
            "--no-reasoning {args:?}"
        );
    }
}

#[test]
fn a_snapshot_converts_back_to_what_its_source_converts_to() {
    let s = Scratch::new();
    s.run(&["generate", "--nodes", "2000", "--seed", "3", "gen"])
        .success();
    for source in ["gen", "../../graph/security-cooperation.toml"] {
        let source = if source == "gen" {
            s.path().join("gen")
        } else {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("graph/security-cooperation.toml")
        };
        let source = source.to_str().unwrap();
        s.run(&["convert", source, "direct.jsonl"]).success();
        s.run(&["convert", source, "--to", "snapshot", "snap"])
            .success()
            .stdout_has(&["derived) to snap (snapshot)"]);
        // Named otherwise, a snapshot is known by its first bytes.
        s.run(&["-g", "snap", "stats"]).success();
        std::fs::rename(s.path().join("snap"), s.path().join("snap.sccp")).unwrap();
        s.run(&["convert", "snap.sccp", "via.jsonl"]).success();
        let direct = std::fs::read_to_string(s.path().join("direct.jsonl")).unwrap();
        let via = std::fs::read_to_string(s.path().join("via.jsonl")).unwrap();
        assert_eq!(via, direct, "{source}");
        // A snapshot of a snapshot is the same file.
        s.run(&["-g", "snap.sccp", "convert", "again.sccp"])
            .success();
        assert_eq!(
            std::fs::read(s.path().join("again.sccp")).unwrap(),
            std::fs::read(s.path().join("snap.sccp")).unwrap()
        );
    }
}

#[test]
fn check_counts_what_a_snapshot_asserts_as_for_its_source() {
    let s = curated();
    let source = s.run(&["check"]).success().stdout.clone();
    let want = source.replace(seccoop::load::EMBEDDED_NAME, "g.sccp");
    s.run(&["check", "g.sccp"]).success().stdout_is(&want);
}

#[test]
fn a_cut_snapshot_says_so_and_to_convert_again() {
    let s = curated();
    edited(&s, "cut.sccp", |b| b.truncate(b.len() - 100));
    let len = std::fs::metadata(s.path().join("g.sccp")).unwrap().len();
    refused(
        &s.run(&["-g", "cut.sccp", "stats"]),
        &[
            &format!(
                "cannot open the snapshot `cut.sccp`: it is {} bytes long, but {} wrote {len}",
                len - 100,
                seccoop::format::snapshot::WRITER
            ),
            "the file was cut short",
            "help: convert again from the source: `seccoop convert SOURCE cut.sccp`",
            "nothing was run",
        ],
    );
    edited(&s, "head.sccp", |b| b.truncate(12));
    refused(
        &s.run(&["-g", "head.sccp", "stats"]),
        &["it ends after 12 bytes, inside its header: the file was cut short"],
    );
    s.write("empty.sccp", "");
    refused(
        &s.run(&["-g", "empty.sccp", "stats"]),
        &["the file is empty", "convert again from the source"],
    );
}

#[test]
fn a_damaged_snapshot_fails_its_checksum() {
    let s = curated();
    edited(&s, "bad.sccp", |b| {
        let last = b.len() - 1;
        b[last] ^= 1;
    });
    refused(
        &s.run(&["-g", "bad.sccp", "list"]),
        &[
            "its checksum does not match: the file was changed or",
            "damaged after seccoop",
            "help: convert again from the source",
        ],
    );
}

#[test]
fn a_foreign_file_named_as_a_snapshot_is_not_read_as_one() {
    let s = Scratch::new();
    s.write(
        "g.sccp",
        "[[nodes]]\nid = \"a\"\nkind = \"threat\"\nname = \"A\"\n",
    );
    refused(
        &s.run(&["-g", "g.sccp", "list"]),
        &[
            "it is not a seccoop snapshot (it does not start with a",
            "a graph file in another format is named by its extension",
        ],
    );
}

#[test]
fn a_snapshot_of_another_format_version_names_its_writer() {
    let s = curated();
    for (name, version) in [("old.sccp", 0u32), ("new.sccp", 99)] {
        edited(&s, name, |b| {
            b[8..12].copy_from_slice(&version.to_le_bytes())
        });
        refused(
            &s.run(&["-g", name, "stats"]),
            &[
                &format!(
                    "it was written by seccoop {} in snapshot format {version}",
                    env!("CARGO_PKG_VERSION")
                ),
                &format!(
                    "reads format {} only",
                    seccoop::format::snapshot::FORMAT_VERSION
                ),
                "help: convert again from the source",
            ],
        );
    }
}

#[test]
fn a_forged_snapshot_with_a_lying_count_is_refused_without_allocating_it() {
    let s = curated();
    // The string table's count, the first thing in the body after its
    // section length, set to four billion: the checksum is made to fit.
    edited(&s, "lying.sccp", |b| {
        let at = body_start() + 8;
        b[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        reseal(b);
    });
    refused(
        &s.run(&["-g", "lying.sccp", "stats"]),
        &[
            "its strings section is malformed at byte",
            "a count of 4294967295 needs 17179869180 bytes",
            "convert again from the source",
        ],
    );
    // A section length past the end of the file.
    edited(&s, "long.sccp", |b| {
        let at = body_start();
        b[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        reseal(b);
    });
    refused(
        &s.run(&["-g", "long.sccp", "stats"]),
        &["its strings section is malformed", "are left"],
    );
}

#[test]
fn a_snapshot_is_opened_alone() {
    let s = curated();
    refused(
        &s.run(&["-g", "g.sccp", "-g", "g.sccp", "stats"]),
        &[
            "`g.sccp` is a snapshot, which is opened alone, not merged with other graph files",
            "help: convert the files together into one snapshot",
        ],
    );
    std::fs::create_dir(s.path().join("dir.sccp")).unwrap();
    refused(
        &s.run(&["-g", "dir.sccp", "stats"]),
        &["`dir.sccp` is a directory"],
    );
}
