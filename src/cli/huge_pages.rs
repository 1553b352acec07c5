//! Large loads in huge pages: on Linux with glibc, a command that is about
//! to parse large graph files runs itself again, once, with glibc's
//! `glibc.malloc.hugetlb=1` tunable, so the memory the load allocates is
//! backed by transparent huge pages, and with glibc's mmap threshold fixed
//! (see below).
//!
//! Why: building a graph of millions of nodes touches its arrays and hash
//! tables at random, and with 4 KiB pages most of those touches also miss
//! the TLB and most new pages cost a fault. Where the kernel's transparent
//! huge pages are in `madvise` mode (Debian's default), memory gets 2 MiB
//! pages only when the program asks for them, and glibc's allocator asks
//! only when this tunable is set, which it reads from the environment at
//! start-up; nothing a running program calls sets it. On the generated
//! graphs of 100k and 1M nodes, load + `related` without the rules took
//! 10–21% less time with it, measured side by side; at 10M nodes the
//! difference was within the noise (BENCHMARKS.md, "Huge pages").
//!
//! Why not another allocator: jemalloc with `thp:always` bought as much on
//! large loads but cost every command on the built-in graph about 0.3 ms at
//! start (12%), measured side by side; running again costs one `exec`
//! (about a millisecond), and only for inputs large enough that it is lost
//! in the load.
//!
//! Why a fixed mmap threshold: glibc gives a large allocation a mapping of
//! its own, but raises that threshold (up to 32 MiB) each time such a
//! mapping is freed. After the first large buffers of a load are freed,
//! arrays of up to 32 MiB come from the heap instead, and each time one
//! grows, `realloc` copies it into fresh pages, which the kernel zeroes
//! first. The rules' engine and the derived edges' proofs grow that way:
//! on the 1M-node graph those copies touched about 80 MB of fresh memory.
//! With the threshold fixed at [`MMAP_THRESHOLD`] such arrays are
//! mappings, which grow in place (`mremap`); buffers of the parsers, a MiB
//! or so, are below it and reused. Measured side by side, loading the
//! 1M-node graph and answering `related` with the rules: peak 625 → 582 MiB
//! from CSV and 658 → 602 MiB from JSON Lines (BENCHMARKS.md, "A fixed mmap
//! threshold", which also has the times). It is set through glibc's own
//! environment variable for it, `MALLOC_MMAP_THRESHOLD_`, unless that
//! variable or `GLIBC_TUNABLES` sets it already.
//!
//! When it does: the graph files to parse (snapshots open in place and do
//! not count) hold at least [`THRESHOLD`] bytes, transparent huge pages are
//! in `madvise` mode, and `GLIBC_TUNABLES` does not mention
//! `glibc.malloc.hugetlb` already (so a user's own setting wins, and
//! `GLIBC_TUNABLES=glibc.malloc.hugetlb=0` turns this off). The process is
//! replaced, not forked: same process id, same open files, same
//! arguments; nothing has been read or written yet. If the `exec` fails,
//! the command goes on as it is.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// The tunable glibc reads.
const TUNABLES: &str = "GLIBC_TUNABLES";
/// The setting: back `malloc`'s memory with transparent huge pages.
const HUGETLB: &str = "glibc.malloc.hugetlb";
/// glibc's variable for its mmap threshold (an alias of the tunable
/// `glibc.malloc.mmap_threshold`).
const MMAP_VAR: &str = "MALLOC_MMAP_THRESHOLD_";
/// The tunable that variable stands for.
const MMAP_TUNABLE: &str = "glibc.malloc.mmap_threshold";
/// The fixed mmap threshold, in bytes: 4 MiB. Against 1, 8, 16 and 32 MiB on
/// the 1M-node graph with the rules it gave the lowest peak and system
/// time (BENCHMARKS.md).
pub const MMAP_THRESHOLD: usize = 4 << 20;
/// Where Linux says how transparent huge pages are given.
const THP_MODE: &str = "/sys/kernel/mm/transparent_hugepage/enabled";

/// The fewest bytes of graph files to parse for which running again pays.
/// Measured with the tunable set from outside: 17 MB of CSV (100k nodes)
/// loaded 11% faster, 1.6 MB (10k nodes) within the noise, which is about
/// what running again costs (a millisecond).
pub const THRESHOLD: u64 = 8 << 20;

/// What `GLIBC_TUNABLES` should be set to before running again, or `None`
/// when running again is not worth it or not wanted.
///
/// - `input_bytes`: the size of the graph files to parse;
/// - `thp_mode`: the text of the kernel's THP mode file (`None` if there is
///   none); only `madvise` mode needs asking;
/// - `current`: `GLIBC_TUNABLES` as it is.
pub fn tunables_for(
    input_bytes: u64,
    thp_mode: Option<&str>,
    current: Option<&OsStr>,
) -> Option<OsString> {
    if input_bytes < THRESHOLD || !thp_mode.is_some_and(|m| m.contains("[madvise]")) {
        return None;
    }
    let setting = format!("{HUGETLB}=1");
    match current.map(OsStr::to_str) {
        None => Some(setting.into()),
        // Not text: leave it alone rather than garble it.
        Some(None) => None,
        Some(Some(c)) if c.contains(HUGETLB) => None,
        Some(Some("")) => Some(setting.into()),
        Some(Some(c)) => Some(format!("{c}:{setting}").into()),
    }
}

/// What `MALLOC_MMAP_THRESHOLD_` should be set to when running again, or
/// `None` when the user set the threshold already, in that variable
/// (`current`) or in `GLIBC_TUNABLES` (`tunables`).
pub fn mmap_threshold_for(current: Option<&OsStr>, tunables: Option<&OsStr>) -> Option<String> {
    let in_tunables = tunables.is_some_and(|t| t.to_string_lossy().contains(MMAP_TUNABLE));
    (current.is_none() && !in_tunables).then(|| MMAP_THRESHOLD.to_string())
}

/// The bytes of graph files a load of `paths` parses: a file's size, a
/// folder's files' sizes (a CSV folder), and nothing for a snapshot, which
/// opens in place. Paths that cannot be read count nothing: the load
/// reports them.
pub fn input_bytes(paths: &[PathBuf]) -> u64 {
    paths.iter().map(|p| bytes_of(p)).sum()
}

fn bytes_of(path: &Path) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    if meta.is_dir() {
        let Ok(entries) = std::fs::read_dir(path) else {
            return 0;
        };
        entries
            .filter_map(Result::ok)
            .filter_map(|e| e.metadata().ok())
            .filter(std::fs::Metadata::is_file)
            .map(|m| m.len())
            .sum()
    } else if crate::load::snapshot::is_snapshot(path) {
        0
    } else {
        meta.len()
    }
}

/// Runs this program again with huge pages asked for, if [`tunables_for`]
/// says so for a load of `inputs`; `args` are the command line as given.
/// Returns only if it does not run again (or the `exec` failed).
pub fn run_again_if_large(args: &[OsString], inputs: &[PathBuf]) {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return;
    }
    // The cheap checks first: most commands name no large file (or none).
    let bytes = input_bytes(inputs);
    if bytes < THRESHOLD {
        return;
    }
    let mode = std::fs::read_to_string(THP_MODE).ok();
    let current = std::env::var_os(TUNABLES);
    let Some(tunables) = tunables_for(bytes, mode.as_deref(), current.as_deref()) else {
        return;
    };
    let threshold = mmap_threshold_for(std::env::var_os(MMAP_VAR).as_deref(), current.as_deref());
    exec_with(args, &tunables, threshold.as_deref());
}

#[cfg(unix)]
fn exec_with(args: &[OsString], tunables: &OsStr, threshold: Option<&str>) {
    use std::os::unix::process::CommandExt as _;
    let (Ok(exe), Some((arg0, rest))) = (std::env::current_exe(), args.split_first()) else {
        return;
    };
    // `exec` returns only on failure; the command then goes on as it is.
    let mut again = std::process::Command::new(exe);
    again.arg0(arg0).args(rest).env(TUNABLES, tunables);
    if let Some(t) = threshold {
        again.env(MMAP_VAR, t);
    }
    let _ = again.exec();
}

#[cfg(not(unix))]
fn exec_with(_: &[OsString], _: &OsStr, _: Option<&str>) {}

#[cfg(test)]
mod tests {
    use super::*;

    const MADVISE: &str = "always [madvise] never\n";

    #[test]
    fn a_large_input_in_madvise_mode_asks_for_huge_pages() {
        let t = tunables_for(THRESHOLD, Some(MADVISE), None);
        assert_eq!(t, Some(OsString::from("glibc.malloc.hugetlb=1")));
    }

    #[test]
    fn a_small_input_or_another_mode_does_not() {
        assert_eq!(tunables_for(THRESHOLD - 1, Some(MADVISE), None), None);
        assert_eq!(
            tunables_for(1 << 40, Some("[always] madvise never"), None),
            None
        );
        assert_eq!(
            tunables_for(1 << 40, Some("always madvise [never]"), None),
            None
        );
        assert_eq!(tunables_for(1 << 40, None, None), None);
    }

    #[test]
    fn other_tunables_are_kept_and_a_users_hugetlb_wins() {
        let other = OsString::from("glibc.malloc.arena_max=2");
        assert_eq!(
            tunables_for(THRESHOLD, Some(MADVISE), Some(&other)),
            Some(OsString::from(
                "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1"
            ))
        );
        let off = OsString::from("glibc.malloc.hugetlb=0");
        assert_eq!(tunables_for(THRESHOLD, Some(MADVISE), Some(&off)), None);
        let empty = OsString::new();
        assert_eq!(
            tunables_for(THRESHOLD, Some(MADVISE), Some(&empty)),
            Some(OsString::from("glibc.malloc.hugetlb=1"))
        );
    }

    #[test]
    fn the_mmap_threshold_is_fixed_unless_the_user_set_it() {
        assert_eq!(mmap_threshold_for(None, None), Some("4194304".into()));
        let other = OsString::from("glibc.malloc.arena_max=2");
        assert_eq!(
            mmap_threshold_for(None, Some(&other)),
            Some("4194304".into())
        );
        let own = OsString::from("65536");
        assert_eq!(mmap_threshold_for(Some(&own), None), None);
        let tuned = OsString::from("glibc.malloc.mmap_threshold=65536");
        assert_eq!(mmap_threshold_for(None, Some(&tuned)), None);
    }

    #[test]
    fn a_folder_counts_its_files_and_a_snapshot_counts_nothing() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let nodes = dir.path().join("nodes.csv");
        std::fs::write(&nodes, vec![b'x'; 1000]).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("edges.csv"), vec![b'x'; 24])
            .unwrap_or_else(|e| panic!("{e}"));
        let snap = dir.path().join("g.sccp");
        let mut bytes = crate::format::snapshot::MAGIC.to_vec();
        bytes.resize(5000, 0);
        std::fs::write(&snap, bytes).unwrap_or_else(|e| panic!("{e}"));
        let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::copy(&nodes, folder.path().join("nodes.csv")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(input_bytes(&[folder.path().to_path_buf()]), 1000);
        assert_eq!(input_bytes(std::slice::from_ref(&nodes)), 1000);
        assert_eq!(input_bytes(&[snap]), 0);
        assert_eq!(input_bytes(&[dir.path().join("missing.toml")]), 0);
    }
}
