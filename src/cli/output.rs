//! Where the binary's output goes, and how its errors are shown. One writer
//! for everything a command prints: standard output, where a closed pipe
//! (`faasguard scan --format json | head -c 10`) ends the output and is not
//! an error, or a file. Errors are [`CliError`]s shown as miette reports;
//! a plain one (no code, no snippet) as `error: message`, as compilers do.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::EXIT_ERROR;

/// An error that ends a command (exit code 2).
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub(super) enum CliError {
    /// A report or file that could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Standard output failed for another reason than a closed pipe.
    #[error("{0}")]
    Stdout(std::io::Error),
    /// A configuration file with problems, each shown with its snippet.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<faasguard::config::ConfigErrors>),
    /// A library error whose message says it all.
    #[error("{0}")]
    Message(String),
    /// Several errors, each shown (every missing scan path, say).
    #[error("{} errors", .0.len())]
    Several(Vec<CliError>),
}

impl From<Box<faasguard::config::ConfigErrors>> for CliError {
    fn from(e: Box<faasguard::config::ConfigErrors>) -> Self {
        CliError::Config(e)
    }
}

/// A library error whose message is the whole story.
pub(super) fn message(e: impl std::fmt::Display) -> CliError {
    CliError::Message(e.to_string())
}

impl From<String> for CliError {
    fn from(message: String) -> Self {
        CliError::Message(message)
    }
}

/// Show an error (each of [`CliError::Several`]) and give the exit code it
/// means.
pub(super) fn fail(e: CliError) -> i32 {
    match e {
        CliError::Several(list) => {
            for e in list {
                fail(e);
            }
        }
        e => eprintln!("{:?}", miette::Report::new(e)),
    }
    EXIT_ERROR
}

/// Write all of `bytes` to standard output. A closed pipe means the reader
/// has what it wants: not an error, and never a panic.
pub(super) fn stdout(bytes: &[u8]) -> Result<(), CliError> {
    to_pipe(std::io::stdout().lock(), bytes)
}

/// [`stdout`] for text that may hold colors: stripped unless `--color`
/// and the terminal want them.
pub(super) fn styled(bytes: &[u8]) -> Result<(), CliError> {
    to_pipe(anstream::stdout(), bytes)
}

fn to_pipe(mut out: impl Write, bytes: &[u8]) -> Result<(), CliError> {
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(CliError::Stdout(e)),
        _ => Ok(()),
    }
}

/// Write `bytes` to `path`, or to standard output when there is none.
pub(super) fn write(path: Option<&Path>, bytes: &[u8]) -> Result<(), CliError> {
    match path {
        Some(p) => std::fs::write(p, bytes).map_err(|source| CliError::Write {
            path: p.to_path_buf(),
            source,
        }),
        None => stdout(bytes),
    }
}

/// Prints a plain error (no code, no snippet, no help) as `error: message`
/// and everything else as miette's own handler does.
struct Handler(miette::MietteHandler);

impl miette::ReportHandler for Handler {
    fn debug(&self, d: &dyn miette::Diagnostic, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plain = d.code().is_none()
            && d.source_code().is_none()
            && d.labels().is_none()
            && d.help().is_none()
            && d.related().is_none();
        if !plain {
            return self.0.debug(d, f);
        }
        let level = match d.severity() {
            Some(miette::Severity::Warning) => "warning",
            Some(miette::Severity::Advice) => "note",
            _ => "error",
        };
        write!(f, "{level}: {d}")
    }
}

/// Install the report handler, once, before any error is shown (after
/// `--color` is applied: [`super::ColorWhen::apply`]).
///
/// miette decides colors and terminal links by itself from the terminal
/// and its own environment variables; left alone it would color errors
/// under `--color never` on a terminal and never color them under
/// `--color always` in a pipe. The choice is anstream's instead, for
/// standard error (where errors go), the same the reports follow.
pub(super) fn install_handler() {
    let color = !matches!(
        anstream::AutoStream::choice(&std::io::stderr()),
        anstream::ColorChoice::Never
    );
    let _ = miette::set_hook(Box::new(move |_| {
        let mut opts = miette::MietteHandlerOpts::new().color(color);
        if !color {
            // Links are escape sequences too.
            opts = opts.terminal_links(false);
        }
        Box::new(Handler(opts.build()))
    }));
}
