//! A whole input file's bytes, mapped from the page cache when the file is
//! large and read into memory when it is small.
//!
//! Reading a file whole into a buffer costs twice: the kernel hands the
//! process fresh pages, zeroing each, and then copies the file into them.
//! On this project's 2-core benchmark machine that took 1.2–1.6 s of system
//! time for the 1.5 GB `edges.csv` of the 10M-node graph, against 0.15 s to
//! map the same file and look at every byte of it (BENCHMARKS.md, "Mapped
//! input files"). So a regular file of at least [`MAP_FROM`] bytes is
//! mapped, read-only and private; anything smaller, or anything that cannot
//! be mapped, is read as before. The CSV loaders read their files through
//! [`FileBytes`] and see a byte slice either way.
//!
//! # Safety argument
//!
//! `map` holds the crate's one `unsafe` block. `memmap2::Mmap::map` is unsafe
//! because the bytes behind the slice belong to a file that another process
//! may change while it is mapped. What that can do here:
//!
//! - *The file is changed in place* (same length): later reads see some old
//!   and some new bytes, as a `read` racing the same writer would. Every
//!   access through the slice is a bounds-checked index of a length fixed at
//!   mapping time, and text taken from it is checked as UTF-8 where it is
//!   read (the loaders re-check a field they take out a second time, see
//!   `EdgeWork::resolve`), so mixed contents give wrong or rejected rows,
//!   never a read outside the mapping.
//! - *The file is truncated* while mapped: reading a page past the new end
//!   raises `SIGBUS`, and the process ends with "Bus error" instead of a
//!   message. `grep`, `ripgrep` and `git` accept the same when they map
//!   files; the README says so, and a loader that must survive a file cut
//!   under it can set `SECCOOP_NO_MMAP=1`.
//! - *The file is replaced* (renamed over, as editors and `atomic` writes
//!   do): the mapping keeps the old file's pages, so nothing changes.
//!
//! The mapping is private and read-only, so nothing this process does can
//! write to the file, and it lives as long as the [`FileBytes`] that owns
//! it, so no slice outlives it.

use std::fs::File;
use std::path::Path;

/// Files of at least this many bytes are mapped (8 MiB, the size from which
/// a load also runs with huge pages, `cli::huge_pages`): below it reading is
/// as fast, and a small file is not worth a mapping.
pub const MAP_FROM: u64 = 8 << 20;

/// The environment variable that, set to anything but `0` or nothing,
/// turns mapping off: every file is then read.
pub const NO_MMAP: &str = "SECCOOP_NO_MMAP";

/// A file's bytes, from `start` on (past a byte-order mark the caller
/// skipped), mapped or read.
pub struct FileBytes {
    whole: Whole,
    start: usize,
}

enum Whole {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl FileBytes {
    /// The bytes from the start kept.
    pub fn bytes(&self) -> &[u8] {
        let all: &[u8] = match &self.whole {
            Whole::Read(v) => v,
            Whole::Mapped(m) => m,
        };
        all.get(self.start..).unwrap_or_default()
    }

    /// Drops the first `n` bytes of what [`FileBytes::bytes`] gives, without
    /// moving the rest.
    pub fn skip(&mut self, n: usize) {
        self.start = self.start.saturating_add(n);
    }

    /// Whether the bytes are a mapping of the file rather than a copy.
    pub fn is_mapped(&self) -> bool {
        matches!(self.whole, Whole::Mapped(_))
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.bytes()
    }
}

/// Reads the file at `path`: a regular file of at least [`MAP_FROM`] bytes
/// is mapped (unless [`NO_MMAP`] is set), anything else read whole.
///
/// # Errors
/// The I/O error of opening or reading the file. A mapping that fails
/// falls back to reading, so it never errs on its own.
pub fn read(path: &Path) -> std::io::Result<FileBytes> {
    read_with(path, !mapping_off())
}

/// [`read`], mapping only when `may_map`.
fn read_with(path: &Path, may_map: bool) -> std::io::Result<FileBytes> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    if may_map
        && meta.is_file()
        && meta.len() >= MAP_FROM
        && let Some(map) = map(&file)
    {
        return Ok(FileBytes {
            whole: Whole::Mapped(map),
            start: 0,
        });
    }
    let mut data = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    std::io::Read::read_to_end(&mut file, &mut data)?;
    Ok(FileBytes {
        whole: Whole::Read(data),
        start: 0,
    })
}

/// Whether [`NO_MMAP`] turns mapping off.
fn mapping_off() -> bool {
    std::env::var_os(NO_MMAP).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Maps `file` read-only and private, or `None` when the system refuses.
#[allow(unsafe_code)]
fn map(file: &File) -> Option<memmap2::Mmap> {
    // SAFETY: see the module documentation: the mapping is read-only and
    // private, owned by the `FileBytes` that hands out slices of it, and
    // every read of it is bounds-checked against the length it was mapped
    // with; a concurrent writer can change what is read, not where.
    let map = unsafe { memmap2::MmapOptions::new().map(file) }.ok()?;
    // Loaders read the file front to back (two threads, each in order).
    let _ = map.advise(memmap2::Advice::Sequential);
    Some(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_are_read_and_large_ones_mapped() {
        let dir = tempfile::tempdir().expect("a folder");
        let small = dir.path().join("small.csv");
        std::fs::write(&small, b"id,kind\n").expect("written");
        let f = read(&small).expect("read");
        assert!(!f.is_mapped());
        assert_eq!(f.bytes(), b"id,kind\n");

        let large = dir.path().join("large.csv");
        let mut text = b"\xEF\xBB\xBFid,kind\n".to_vec();
        text.resize(usize::try_from(MAP_FROM).expect("fits"), b'x');
        std::fs::write(&large, &text).expect("written");
        let mut f = read(&large).expect("read");
        assert!(f.is_mapped());
        f.skip(3);
        assert_eq!(f.bytes().len(), text.len() - 3);
        assert!(f.bytes().starts_with(b"id,kind\n"));
        assert_eq!(f.bytes().last(), Some(&b'x'));

        let f = read_with(&large, false).expect("read");
        assert!(!f.is_mapped());
        assert_eq!(f.bytes(), text.as_slice());
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().expect("a folder");
        assert!(read(&dir.path().join("none.csv")).is_err());
    }
}
