//! A load of large graph files runs again with glibc's huge-page tunable
//! (`src/cli/huge_pages.rs`). What seccoop ran with is seen by a fake `dot`
//! program, which inherits its environment and writes down
//! `GLIBC_TUNABLES`. The large input is a small CSV folder beside a sparse
//! file: the size counts, the parse stays quick.

use std::path::Path;

use crate::harness::{Scratch, command, fake_dot, finish};

/// The curated graph as a CSV folder `g` in `scratch`, with `padding`
/// bytes of a sparse file beside its CSV files.
fn folder(scratch: &Scratch, padding: u64) {
    scratch.run(&["convert", "g", "--to", "csv"]).success();
    let file = std::fs::File::create(scratch.path().join("g/padding.bin")).expect("create");
    file.set_len(padding).expect("set its length");
}

/// Renders `export` of folder `g` through a `dot` that records
/// `GLIBC_TUNABLES` (or `unset`), with the variable set to `tunables`
/// (`None`: removed); returns what `dot` saw.
fn seen_by_dot(scratch: &Scratch, tunables: Option<&str>) -> String {
    seen_with(scratch, "GLIBC_TUNABLES", &[("GLIBC_TUNABLES", tunables)])
}

/// Renders `export` of folder `g` through a `dot` that records the
/// variable `shown` (or `unset`), with each of `env` set (`None`: removed);
/// returns what `dot` saw.
fn seen_with(scratch: &Scratch, shown: &str, env: &[(&str, Option<&str>)]) -> String {
    let seen = Scratch::new();
    let record = seen.path().join("seen");
    let bin = fake_dot(&format!(
        "printf '%s' \"${{{shown}-unset}}\" > '{}'\ncat > /dev/null\necho '<svg/>'",
        record.display()
    ));
    let args = ["-g", "g", "export", "--format", "svg"];
    let mut cmd = command(scratch.path(), &args);
    cmd.env("PATH", format!("{}:/usr/bin:/bin", bin.path().display()));
    for (var, value) in env {
        match value {
            Some(v) => cmd.env(var, v),
            None => cmd.env_remove(var),
        };
    }
    finish(cmd, &args).success().stdout_is("<svg/>\n");
    std::fs::read_to_string(&record).expect("dot ran and wrote what it saw")
}

/// Whether this machine is one where seccoop asks for huge pages: Linux
/// with glibc, transparent huge pages in `madvise` mode.
fn asks_here() -> bool {
    let mode = std::fs::read_to_string(Path::new("/sys/kernel/mm/transparent_hugepage/enabled"));
    cfg!(all(target_os = "linux", target_env = "gnu"))
        && mode.is_ok_and(|m| m.contains("[madvise]"))
}

#[test]
fn a_large_load_runs_again_with_huge_pages_and_keeps_other_tunables() {
    let scratch = Scratch::new();
    folder(&scratch, 16 << 20);
    let (alone, added) = if asks_here() {
        (
            "glibc.malloc.hugetlb=1",
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1",
        )
    } else {
        crate::harness::note(
            "huge pages: this machine is not in madvise mode; checked that nothing is asked",
        );
        ("unset", "glibc.malloc.arena_max=2")
    };
    assert_eq!(seen_by_dot(&scratch, None), alone);
    assert_eq!(
        seen_by_dot(&scratch, Some("glibc.malloc.arena_max=2")),
        added
    );
}

#[test]
fn a_small_load_or_a_users_own_setting_is_left_alone() {
    let scratch = Scratch::new();
    folder(&scratch, 1 << 20);
    assert_eq!(seen_by_dot(&scratch, None), "unset");
    let large = Scratch::new();
    folder(&large, 16 << 20);
    assert_eq!(
        seen_by_dot(&large, Some("glibc.malloc.hugetlb=0")),
        "glibc.malloc.hugetlb=0"
    );
}

#[test]
fn a_large_load_fixes_the_mmap_threshold_unless_the_user_set_it() {
    const VAR: &str = "MALLOC_MMAP_THRESHOLD_";
    let large = Scratch::new();
    folder(&large, 16 << 20);
    let fixed = if asks_here() { "4194304" } else { "unset" };
    let unset = [("GLIBC_TUNABLES", None), (VAR, None)];
    assert_eq!(seen_with(&large, VAR, &unset), fixed);
    let own = [("GLIBC_TUNABLES", None), (VAR, Some("65536"))];
    assert_eq!(seen_with(&large, VAR, &own), "65536");
    let tuned = [
        ("GLIBC_TUNABLES", Some("glibc.malloc.mmap_threshold=65536")),
        (VAR, None),
    ];
    assert_eq!(seen_with(&large, VAR, &tuned), "unset");
    let small = Scratch::new();
    folder(&small, 1 << 20);
    assert_eq!(seen_with(&small, VAR, &unset), "unset");
}
