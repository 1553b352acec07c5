//! `seccoop man`: manual pages in roff, made from the same clap definitions
//! as `--help` (clap_mangen), so the two cannot drift apart.
//!
//! `seccoop.1` covers the whole tool: its global options, every subcommand
//! with its one-line summary, and the exit codes. `--dir` also writes one
//! page per subcommand, `seccoop-<command>.1`, with its own options and
//! examples, which `seccoop.1` refers to.

use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_mangen::Man;
use roff::{Roff, roman};

use super::{Cli, CliError, EXIT_CODES, Output};
use crate::output::Format;

/// Write the manual page seccoop.1 (roff); with --dir, one page per command too.
///
/// Without --dir the page for the whole tool is printed (or written to
/// --output). With --dir DIR, seccoop.1 and seccoop-<command>.1 for every
/// command are written into DIR, which is created if missing; read one with
/// `man -l DIR/seccoop-show.1`, or put DIR on MANPATH under man1/.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  seccoop man | man -l -\n  seccoop man --dir ~/.local/share/man/man1"
)]
pub struct Args {
    /// Write seccoop.1 and a page per command into this folder.
    #[arg(long, value_name = "DIR", value_hint = clap::ValueHint::DirPath)]
    pub dir: Option<PathBuf>,
}

/// `man` prints a page, as plain text (`table`).
pub const FORMATS: &[Format] = &[Format::Table];

/// Runs `man`.
pub fn run(args: &Args) -> Result<Output, CliError> {
    let pages = pages()?;
    let Some(dir) = &args.dir else {
        let whole = pages.into_iter().next().map(|(_, page)| page);
        return Ok(Output::answer(whole.unwrap_or_default()));
    };
    std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
        path: dir.clone(),
        source,
    })?;
    let mut written = String::new();
    for (name, page) in &pages {
        let path = dir.join(name);
        crate::atomic::write_file(&path, page).map_err(|source| CliError::Write {
            path: path.clone(),
            source,
        })?;
        written.push_str(&format!("wrote {}\n", path.display()));
    }
    Ok(Output {
        stderr: written,
        ..Output::default()
    })
}

/// Every page as (file name, roff): `seccoop.1` first, then one per
/// subcommand in the order `--help` lists them.
pub fn pages() -> Result<Vec<(String, Vec<u8>)>, CliError> {
    let mut cli = Cli::command().disable_help_subcommand(true);
    // Building propagates the global options into every subcommand.
    cli.build();
    let mut pages = vec![("seccoop.1".to_string(), page(&cli, "seccoop")?)];
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        // Building named each subcommand `seccoop-<command>` for display
        // and `seccoop <command>` for its synopsis.
        let name = sub.get_display_name().unwrap_or(sub.get_name()).to_string();
        pages.push((format!("{name}.1"), page(sub, &name)?));
    }
    Ok(pages)
}

/// One page: clap_mangen's sections, then the text after `--help`'s option
/// list kept line for line (examples lose their shape when roff fills
/// them), then the exit codes.
fn page(cmd: &clap::Command, name: &str) -> Result<Vec<u8>, CliError> {
    let man = Man::new(cmd.clone())
        .title(name.to_uppercase())
        .date(today())
        .source(format!("seccoop {}", env!("CARGO_PKG_VERSION")))
        .manual("seccoop manual");
    let mut out = Vec::new();
    let io = |source| CliError::Write {
        path: Path::new(name).with_extension("1"),
        source,
    };
    man.render_title(&mut out).map_err(io)?;
    man.render_name_section(&mut out).map_err(io)?;
    man.render_synopsis_section(&mut out).map_err(io)?;
    man.render_description_section(&mut out).map_err(io)?;
    if cmd.get_arguments().any(|a| !a.is_hide_set()) {
        let mut options = Vec::new();
        man.render_options_section(&mut options).map_err(io)?;
        // clap_mangen sets an option's possible values apart with a break, a
        // blank line and a break, which man page linters flag; one `.sp`
        // draws the same.
        let options = String::from_utf8_lossy(&options).replace(".br\n\n.br\n", ".sp\n");
        out.extend_from_slice(options.as_bytes());
    }
    if cmd.has_subcommands() {
        man.render_subcommands_section(&mut out).map_err(io)?;
    }
    let mut roff = Roff::new();
    let after = cmd.get_after_long_help().or_else(|| cmd.get_after_help());
    // The top-level text after the options is the exit code table, written below.
    if let Some(after) = after.filter(|_| !cmd.has_subcommands()) {
        let text = after.to_string();
        let heading = if text.starts_with("Example") {
            "EXAMPLES"
        } else {
            "NOTES"
        };
        roff.control("SH", [heading]);
        verbatim(&mut roff, text.lines().skip_while(|l| l.ends_with(':')));
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, meaning) in exit_codes() {
        roff.control("TP", []);
        roff.text([roman(code)]);
        roff.text([roman(meaning)]);
    }
    roff.to_writer(&mut out).map_err(io)?;
    // Only the top-level command has a version (clap_mangen needs one here).
    if cmd.get_version().is_some() {
        man.render_version_section(&mut out).map_err(io)?;
    }
    Ok(ascii_roff(&String::from_utf8_lossy(&out)).into_bytes())
}

/// Roff with every character beyond ASCII written as a `\[uXXXX]` escape,
/// which groff and mandoc read whatever encoding they assume.
fn ascii_roff(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out
}

/// The exit codes of `--help` (`  N  meaning`, continued on indented
/// lines) as (code, meaning) pairs.
fn exit_codes() -> Vec<(String, String)> {
    let mut codes: Vec<(String, String)> = Vec::new();
    for line in EXIT_CODES.lines().skip(1) {
        let line = line.trim();
        match line.split_once("  ") {
            Some((code, meaning)) if code.bytes().all(|b| b.is_ascii_digit()) => {
                codes.push((code.to_string(), meaning.trim().to_string()));
            }
            _ => {
                if let Some((_, meaning)) = codes.last_mut() {
                    meaning.push(' ');
                    meaning.push_str(line);
                }
            }
        }
    }
    codes
}

/// The date a page carries: today (UTC) as YYYY-MM-DD, or the day of
/// `SOURCE_DATE_EPOCH` when it is set, so packagers can build the same
/// pages twice.
fn today() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// The Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Lines shown as written: no filling, no adjusting.
fn verbatim<'a>(roff: &mut Roff, lines: impl Iterator<Item = &'a str>) {
    roff.control("nf", []);
    for line in lines {
        roff.text([roman(line)]);
    }
    roff.control("fi", []);
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn days_since_1970_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(59), (1970, 3, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_783), (2026, 11, 26));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
