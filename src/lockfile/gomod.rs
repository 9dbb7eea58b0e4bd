//! Go modules: `go.mod` and `go.sum`. Versions keep their `v`, as the Go
//! ecosystem of OSV writes them.
//!
//! `go.mod`: every `require` (single-line and block forms); `// indirect`
//! requirements are built into the binary all the same. A `replace` that
//! pins a module version (`a => b v1.2.4`, `a v1.2.3 => a v1.2.4`) changes
//! what is shipped, so the package becomes the replacement, still pointing at
//! the `require` line; a version-specific replace wins over a general one, as
//! in Go. A replace by a local directory (`a => ../a`) ships local code, so the
//! requirement is dropped. `exclude`, `retract` and the other directives
//! change nothing shipped. The format is read line by line and never fails:
//! a line that is not a directive Go knows is skipped, and an unclosed block
//! ends at the end of the file.
//!
//! `go.sum`: every `module version h1:hash` line, once per module@version;
//! the `version/go.mod` lines only hash a module's go.mod, whose code may
//! never be built.

use std::collections::HashSet;

use super::{without_bom, Ecosystem, Lockfile, Package};
use crate::source::{FileId, Span};

/// A token of a line and its byte range in the file.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Token<'t> {
    text: &'t str,
    start: usize,
    end: usize,
}

/// Splits a line (starting at file offset `base`) into tokens, stopping at a
/// `//` comment. Quoted tokens (`"path"`, `` `path` ``) lose their quotes.
fn tokens(line: &str, base: usize) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    let mut at = base;
    loop {
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        rest = trimmed;
        if rest.is_empty() || rest.starts_with("//") {
            break;
        }
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '`'));
        let len = match quote {
            Some(q) => rest
                .get(1..)
                .and_then(|r| r.find(q))
                .map_or(rest.len(), |i| i + 2),
            None => rest.find(char::is_whitespace).unwrap_or(rest.len()),
        };
        let raw = rest.get(..len).unwrap_or(rest);
        let text = match quote {
            Some(q) => raw
                .strip_prefix(q)
                .and_then(|r| r.strip_suffix(q))
                .unwrap_or(raw),
            None => raw,
        };
        out.push(Token {
            text,
            start: at,
            end: at + raw.len(),
        });
        rest = rest.get(len..).unwrap_or("");
        at += len;
    }
    out
}

/// `v1.2.3`, `v0.0.0-2023...-abc`, `v2.0.0+incompatible`.
fn is_go_version(v: &str) -> bool {
    v.strip_prefix('v')
        .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
}

/// The lines of a text with the file offset each starts at.
fn lines(text: &str) -> impl Iterator<Item = (&str, usize)> {
    let (text, mut offset) = without_bom(text);
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        (raw.trim_end_matches(['\n', '\r']), start)
    })
}

struct Replace<'t> {
    old: &'t str,
    old_version: Option<&'t str>,
    /// The replacement module and version; `None` for a local directory.
    new: Option<(&'t str, &'t str)>,
}

pub(super) fn parse_mod(text: &str, file: FileId, out: &mut Lockfile) {
    let mut requires: Vec<(Token, Token)> = Vec::new();
    let mut replaces: Vec<Replace> = Vec::new();
    let mut block: Option<&str> = None;
    for (line, start) in lines(text) {
        let toks = tokens(line, start);
        let (verb, args) = match (block, toks.split_first()) {
            (_, None) => continue,
            (Some(_), Some((first, []))) if first.text == ")" => {
                block = None;
                continue;
            }
            (Some(verb), Some(_)) => (verb, toks.as_slice()),
            (None, Some((first, rest))) => {
                if let [open] = rest {
                    if open.text == "(" {
                        block = Some(first.text);
                        continue;
                    }
                }
                (first.text, rest)
            }
        };
        match (verb, args) {
            ("require", [path, version, ..]) if is_go_version(version.text) => {
                requires.push((*path, *version));
            }
            ("replace", _) => replaces.extend(replace(args)),
            _ => {}
        }
    }
    for (path, version) in requires {
        let chosen = replaces
            .iter()
            .find(|r| r.old == path.text && r.old_version == Some(version.text))
            .or_else(|| {
                replaces
                    .iter()
                    .find(|r| r.old == path.text && r.old_version.is_none())
            });
        let (name, version_text) = match chosen {
            Some(Replace { new: None, .. }) => continue,
            Some(Replace {
                new: Some((name, v)),
                ..
            }) => (*name, *v),
            None => (path.text, version.text),
        };
        out.packages.push(Package {
            name: name.to_string(),
            version: version_text.to_string(),
            ecosystem: Ecosystem::Go,
            dev: false,
            span: Span::new(file, path.start, version.end),
        });
    }
}

/// `old [v] => new [v]`.
fn replace<'t>(args: &[Token<'t>]) -> Option<Replace<'t>> {
    let arrow = args.iter().position(|t| t.text == "=>")?;
    let (left, right) = (args.get(..arrow)?, args.get(arrow + 1..)?);
    let (old, old_version) = match left {
        [old] => (old.text, None),
        [old, v] => (old.text, Some(v.text)),
        _ => return None,
    };
    let new = match right {
        [_dir] => None,
        [new, v] if is_go_version(v.text) => Some((new.text, v.text)),
        _ => return None,
    };
    Some(Replace {
        old,
        old_version,
        new,
    })
}

pub(super) fn parse_sum(text: &str, file: FileId, out: &mut Lockfile) {
    let mut seen: HashSet<(&str, &str)> = HashSet::new();
    for (line, start) in lines(text) {
        let toks = tokens(line, start);
        let [path, version, hash] = toks.as_slice() else {
            continue;
        };
        if version.text.ends_with("/go.mod")
            || !is_go_version(version.text)
            || !hash.text.contains(':')
            || !seen.insert((path.text, version.text))
        {
            continue;
        }
        out.packages.push(Package {
            name: path.text.to_string(),
            version: version.text.to_string(),
            ecosystem: Ecosystem::Go,
            dev: false,
            span: Span::new(file, path.start, version.end),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(&str, usize, usize)> {
        tokens(line, 10)
            .into_iter()
            .map(|t| (t.text, t.start, t.end))
            .collect()
    }

    #[test]
    fn tokenizer() {
        assert_eq!(
            texts("\trequire a v1 // indirect"),
            vec![("require", 11, 18), ("a", 19, 20), ("v1", 21, 23)]
        );
        assert_eq!(texts("\"a b\" v1"), vec![("a b", 10, 15), ("v1", 16, 18)]);
        assert_eq!(texts("\"unterminated"), vec![("\"unterminated", 10, 23)]);
        assert_eq!(texts("// all comment"), vec![]);
        assert_eq!(texts("é x"), vec![("é", 10, 12), ("x", 13, 14)]);
    }

    #[test]
    fn versions() {
        assert!(is_go_version("v1.2.3"));
        assert!(is_go_version("v0.0.0-20230101000000-abcdef123456"));
        assert!(!is_go_version("1.2.3"));
        assert!(!is_go_version("v"));
        assert!(!is_go_version("latest"));
    }
}
