//! `requirements*.txt`, the pip requirements format, as pip reads it: lines
//! ending in `\` continue on the next line; `#` starts a comment at the start
//! of a line or after whitespace (and ends a continuation); `-r`/`-c` include
//! other files; other options (`-e`, `-i`, `--hash`, ...) are not packages.
//!
//! Only exact pins (`name==1.2.3`, `name===1.2.3`, with extras, markers and
//! per-requirement options) are packages. A requirement with a range or no
//! version (`flask>=1`, `flask`, `flask==1.*`) is recorded in `unpinned`: the
//! version pip installs is not knowable from the file. Direct references
//! (`name @ https://...`), paths, URLs and editable installs are skipped, as
//! no registry version describes them. Nothing in this format fails the
//! file: an unreadable line is skipped.

use std::path::PathBuf;

use super::{is_version, without_bom, Ecosystem, Lockfile, Package};
use crate::source::{FileId, Span};

pub(super) fn parse(text: &str, file: FileId, out: &mut Lockfile) {
    for line in logical_lines(text) {
        read_line(&line, file, out);
    }
}

/// One logical line: physical lines joined at `\`, with a map back to the
/// physical byte offset of every piece, so spans point into the file.
struct Logical {
    text: String,
    /// (offset in `text`, offset in the file) where each piece starts.
    pieces: Vec<(usize, usize)>,
}

impl Logical {
    /// The file offset of a byte offset of the logical text.
    fn file_offset(&self, at: usize) -> usize {
        let (logical, physical) = self
            .pieces
            .iter()
            .rev()
            .find(|(l, _)| *l <= at)
            .copied()
            .unwrap_or((0, 0));
        physical + (at - logical)
    }

    /// The span of `start..end` of the logical text, cut back to its first
    /// piece when it runs over a continuation: a finding stays on the line
    /// that names the package.
    fn span(&self, file: FileId, start: usize, end: usize) -> Span {
        let piece_end = self
            .pieces
            .iter()
            .map(|(l, _)| *l)
            .find(|l| *l > start)
            .unwrap_or(usize::MAX);
        let start_at = self.file_offset(start);
        let end = end.min(piece_end).max(start);
        // The cut leaves the space before the `\` behind.
        let len = self.text.get(start..end).map_or(0, |s| s.trim_end().len());
        Span::new(file, start_at, start_at + len)
    }
}

fn logical_lines(text: &str) -> Vec<Logical> {
    let mut lines = Vec::new();
    let mut current: Option<Logical> = None;
    let (text, mut offset) = without_bom(text);
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let (line, commented) = strip_comment(line);
        let logical = current.get_or_insert_with(|| Logical {
            text: String::new(),
            pieces: Vec::new(),
        });
        logical.pieces.push((logical.text.len(), start));
        match line.strip_suffix('\\') {
            Some(body) if !commented => logical.text.push_str(body),
            _ => {
                logical.text.push_str(line);
                lines.extend(current.take());
            }
        }
    }
    lines.extend(current);
    lines
}

/// The line without its comment, and whether it had one.
fn strip_comment(line: &str) -> (&str, bool) {
    let bytes = line.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'#' && (i == 0 || bytes.get(i - 1).is_some_and(u8::is_ascii_whitespace)) {
            return (line.get(..i).unwrap_or(line), true);
        }
    }
    (line, false)
}

fn read_line(line: &Logical, file: FileId, out: &mut Lockfile) {
    let text = line.text.as_str();
    let body = text.trim_start();
    let start = text.len() - body.len();
    let body = body.trim_end();
    if body.is_empty() {
        return;
    }
    if body.starts_with('-') {
        if let Some(path) = include_path(body) {
            let span = line.span(file, start, start + body.len());
            out.includes.push((PathBuf::from(path), span));
        }
        return;
    }
    let Some(req) = requirement(body) else {
        return;
    };
    let span = line.span(file, start, start + req.end);
    match req.pin {
        Some(version) => out.packages.push(Package {
            name: req.name.to_string(),
            version: version.to_string(),
            ecosystem: Ecosystem::PyPI,
            dev: false,
            span,
        }),
        None => out.unpinned.push((req.name.to_string(), span)),
    }
}

/// The file named by `-r`/`-c` (`-r x.txt`, `-rx.txt`, `--requirement=x.txt`,
/// `--constraint x.txt`).
fn include_path(option: &str) -> Option<&str> {
    let long = ["--requirement", "--constraint"]
        .iter()
        .find_map(|name| option.strip_prefix(name))
        // A long name ends at `=` or a space (`--requirements` is no option).
        .filter(|v| v.starts_with(['=', ' ', '\t']));
    let value = match long {
        Some(v) => v.strip_prefix('=').unwrap_or(v),
        // Short names may run into their value (`-rbase.txt`).
        None => ["-r", "-c"].iter().find_map(|n| option.strip_prefix(n))?,
    };
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
        .unwrap_or(value);
    (!value.is_empty() && !value.starts_with('-')).then_some(value)
}

/// A named requirement: its name, pinned version, and where its text (name
/// through version specifiers) ends.
struct Requirement<'a> {
    name: &'a str,
    pin: Option<&'a str>,
    end: usize,
}

/// Parses `name[extras] specs ; markers --options`; `None` for what is not
/// a named registry requirement (URLs, paths, `name @ url`).
fn requirement(body: &str) -> Option<Requirement<'_>> {
    // Per-requirement options (`--hash=...`) follow whitespace; markers `;`.
    let mut cut = body.len();
    for (i, w) in body.as_bytes().windows(3).enumerate() {
        if w.first().is_some_and(u8::is_ascii_whitespace) && w.get(1..) == Some(b"--") {
            cut = i;
            break;
        }
    }
    let spec = body.get(..cut)?;
    let spec = spec.split(';').next().unwrap_or(spec).trim_end();
    let name_end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(spec.len());
    let name = spec.get(..name_end)?;
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric())
        || [".whl", ".zip", ".tar.gz", ".tgz"]
            .iter()
            .any(|ext| name.ends_with(ext))
    {
        return None;
    }
    let mut rest = spec.get(name_end..)?.trim_start();
    if let Some(extras) = rest.strip_prefix('[') {
        rest = extras.split_once(']')?.1.trim_start();
    }
    // Anything but version specifiers here is a URL, a path or `@ url`.
    let specs = rest
        .strip_prefix('(')
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(rest);
    if !specs.is_empty() && !specs.starts_with(['=', '<', '>', '!', '~']) {
        return None;
    }
    Some(Requirement {
        name,
        pin: specs.split(',').find_map(exact_pin),
        end: spec.len(),
    })
}

/// `==1.2.3` or `===1.2.3` → `1.2.3`; wildcards (`==1.*`) are ranges, and
/// what is no version (`==${VERSION}`, left for a tool to fill in) pins
/// nothing knowable. PEP 440 allows a leading `v`, which is not part of the
/// normalised version advisories use.
fn exact_pin(spec: &str) -> Option<&str> {
    let spec = spec.trim();
    let version = spec
        .strip_prefix("===")
        .or_else(|| spec.strip_prefix("=="))?
        .trim();
    let version = version
        .strip_prefix(['v', 'V'])
        .filter(|rest| is_version(rest))
        .unwrap_or(version);
    (is_version(version) && !version.contains('*')).then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(body: &str) -> Option<(&str, Option<&str>, &str)> {
        requirement(body).map(|r| (r.name, r.pin, body.get(..r.end).unwrap_or("")))
    }

    #[test]
    fn requirements() {
        assert_eq!(req("a==1.0"), Some(("a", Some("1.0"), "a==1.0")));
        assert_eq!(req("a === 1.0"), Some(("a", Some("1.0"), "a === 1.0")));
        assert_eq!(
            req("a[x,y]==1.0 ; python_version<\"3\" --hash=sha256:00"),
            Some(("a", Some("1.0"), "a[x,y]==1.0"))
        );
        assert_eq!(req("A_b.c==2"), Some(("A_b.c", Some("2"), "A_b.c==2")));
        assert_eq!(req("a>=1,<2"), Some(("a", None, "a>=1,<2")));
        assert_eq!(req("a==1.*"), Some(("a", None, "a==1.*")));
        assert_eq!(req("a (==1.0)"), Some(("a", Some("1.0"), "a (==1.0)")));
        assert_eq!(req("a"), Some(("a", None, "a")));
        assert_eq!(req("a @ https://x/a.whl"), None);
        assert_eq!(req("git+https://github.com/x/y"), None);
        assert_eq!(req("./local"), None);
        assert_eq!(req("a-1.0-py3-none-any.whl"), None);
        assert_eq!(req("a[x"), None);
        assert_eq!(req("a==v1.0"), Some(("a", Some("1.0"), "a==v1.0")));
        assert_eq!(req("a==${V}"), Some(("a", None, "a==${V}")));
    }

    #[test]
    fn includes() {
        assert_eq!(include_path("-r base.txt"), Some("base.txt"));
        assert_eq!(include_path("-rbase.txt"), Some("base.txt"));
        assert_eq!(include_path("--requirement=base.txt"), Some("base.txt"));
        assert_eq!(include_path("-c \"c.txt\""), Some("c.txt"));
        assert_eq!(include_path("--constraint c.txt"), Some("c.txt"));
        assert_eq!(include_path("-e ."), None);
        assert_eq!(include_path("--index-url https://x"), None);
        assert_eq!(include_path("-r"), None);
        assert_eq!(include_path("--requirements x.txt"), None);
    }

    #[test]
    fn comments() {
        assert_eq!(strip_comment("a==1 # pinned"), ("a==1 ", true));
        assert_eq!(strip_comment("# all"), ("", true));
        assert_eq!(strip_comment("a==1#x"), ("a==1#x", false));
    }
}
