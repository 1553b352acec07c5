//! How an I/O error reads in a message.
//!
//! The standard library's text for an I/O error ends in ` (os error N)` and
//! starts with a capital; tempfile's adds ` at path "…"` naming its
//! temporary file, which means nothing to the user. Every message that
//! gives an I/O error's reason (reading a graph, writing one, writing an
//! answer) takes it from [`io_reason`], so they all read alike.

/// The operating system's reason for an I/O error, lowercase, without the
/// `(os error N)` tail or a temporary file's path.
///
/// ```
/// let e = std::io::Error::from_raw_os_error(2);
/// assert_eq!(seccoop::io_text::io_reason(&e), "no such file or directory");
/// ```
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" at path ").next().unwrap_or(&text);
    let text = text.split(" (os error").next().unwrap_or(text);
    text.to_lowercase()
}
