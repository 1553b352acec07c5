//! Replacing a file atomically: the one way seccoop writes a file, whether
//! it is an answer (`-o`), a manual page or a converted graph.
//!
//! The bytes go into a temporary file beside the destination, are synced to
//! disk, and the temporary file is renamed over the destination. A reader
//! sees the old file or the new one, never half of one; on failure the
//! temporary file is removed and an existing destination is untouched.
//!
//! The sync is what makes that hold across a crash of the machine, not
//! only of the program: without it a file system may commit the rename
//! before the data, leaving an empty file where a good one was. It costs
//! about 0.4 ms for a small file on an ext4 disk, a fifth of converting the
//! built-in graph (BENCHMARKS.md, "Where the speed targets stand"), and is
//! kept for that.
//!
//! The new file gets the mode any program's new file gets: `0666` less the
//! umask (`0644` under the usual umask `022`). The umask is not read: the
//! temporary file is created with mode `0666` and `open(2)` applies the
//! umask itself, as it does for every program (and a folder's default ACL
//! too, which no umask arithmetic would see). Reading the umask in Rust
//! would take `umask(2)`, which sets it as it reads it and needs `unsafe`.
//! A destination that exists keeps its mode: it is copied onto the
//! temporary file before the rename.
//!
//! Only a regular file is replaced. A destination that is a device, a FIFO
//! or a socket (`-o /dev/null`, `-o /dev/stdout`, a named pipe) is written
//! into in place: renaming over it would put a plain file where the device
//! was, which as root would break `/dev/null` for every program. A symbolic
//! link is followed, and the file it names is replaced, so the link stays.

use std::io::{BufWriter, Write};
use std::path::Path;

/// Writes `bytes` to `path` atomically.
///
/// # Errors
///
/// Any I/O error creating, writing, syncing or renaming the file; nothing is
/// left behind then.
pub fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_with(path, |w| w.write_all(bytes))
}

/// Writes the file at `path` through `body` atomically, buffered, so a
/// writer can stream a big file without holding it in memory.
///
/// # Errors
///
/// The first error of `body`, or of creating, syncing or renaming the file;
/// nothing is left behind then.
pub fn write_with(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    // A link is followed: the file it names is replaced, the link kept.
    let target;
    let path = if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        target = std::fs::canonicalize(path)?;
        target.as_path()
    } else {
        path
    };
    if let Ok(existing) = std::fs::metadata(path)
        && !existing.is_file()
        && !existing.is_dir()
    {
        // A device, FIFO or socket: not a file to replace, but a place to
        // write to.
        let file = std::fs::OpenOptions::new().write(true).open(path)?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        body(&mut w)?;
        return w.flush();
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".seccoop-");
    // tempfile's own mode, 0600, suits a secret, not an answer.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let tmp = builder.tempfile_in(dir).map_err(without_temp_path)?;
    if let Ok(existing) = std::fs::metadata(path)
        && existing.is_file()
    {
        tmp.as_file().set_permissions(existing.permissions())?;
    }
    let mut w = BufWriter::with_capacity(1 << 20, tmp);
    body(&mut w)?;
    let tmp = w
        .into_inner()
        .map_err(std::io::IntoInnerError::into_error)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The error without the temporary file's name, which tempfile appends
/// (`… at path "dir/.seccoop-x1Yz"`) and which means nothing to the user.
/// tempfile keeps the cause only as text, so the text is cut.
fn without_temp_path(e: std::io::Error) -> std::io::Error {
    let text = e.to_string();
    match text.split_once(" at path ") {
        Some((cause, _)) => std::io::Error::new(e.kind(), cause),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_holds_the_bytes_and_no_temporary_file_is_left() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("answer.txt");
        write_file(&path, b"old").expect("write");
        write_file(&path, b"new").expect("write");
        assert_eq!(std::fs::read(&path).expect("read"), b"new");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("answer.txt")]);
    }

    #[test]
    fn a_failed_body_leaves_the_old_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("answer.txt");
        write_file(&path, b"old").expect("write");
        let err = write_with(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("stopped"))
        });
        assert!(err.is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 1);
    }

    #[test]
    fn a_missing_folder_is_named_without_the_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let err = write_file(&dir.path().join("no/such/answer.txt"), b"x").expect_err("fails");
        assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
        assert!(!err.to_string().contains(".seccoop-"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_written_into_not_replaced() {
        // Regression: `-o /dev/null` replaced the device with a plain file
        // (as root). A FIFO takes the same path without risking /dev/null.
        use std::os::unix::fs::FileTypeExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).expect("read the fifo"))
        };
        write_file(&fifo, b"through the pipe").expect("write");
        assert_eq!(reader.join().expect("reader"), b"through the pipe");
        let kind = std::fs::symlink_metadata(&fifo).expect("stat").file_type();
        assert!(kind.is_fifo());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_and_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&real, "old").expect("write");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        write_file(&link, b"new").expect("write");
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("stat")
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read(&real).expect("read"), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn an_existing_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("answer.txt");
        std::fs::write(&path, "old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        write_file(&path, b"new").expect("write");
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }
}
