//! `yarn.lock`, both formats:
//! - v1 (Yarn Classic), a text format of its own: an unindented header line
//!   lists the specs an entry satisfies (`"a@^1", a@~1.2:`), and its indented
//!   body gives `version "1.2.3"`. Read line by line; a malformed entry is
//!   skipped, so this format never fails as a whole.
//! - Berry (Yarn 2+), YAML with a `__metadata` entry: keys like
//!   `"a@npm:^1.0.0, a@npm:^1.1.0"`, and `version` / `resolution` fields. The
//!   resolution says where the code came from: `npm:` (and git or tarball
//!   URLs) are packages, `workspace:`, `link:`, `portal:`, `file:` and `exec:`
//!   are local code, and `patch:` entries are patched copies of a package
//!   that is also locked on its own (counting both would report it twice).
//!
//! Yarn records no dev flag, so `dev` is always false.

use super::{is_version, without_bom, yaml_scalar, Ecosystem, Lockfile, Package};
use crate::parse::{self, Node, ParseError};
use crate::source::{FileId, Span};

pub(super) fn parse(text: &str, file: FileId, out: &mut Lockfile) -> Result<(), ParseError> {
    if is_berry(text) {
        parse_berry(text, file, out)
    } else {
        parse_v1(text, file, out);
        Ok(())
    }
}

/// Berry lockfiles always start their YAML with a `__metadata` entry, which
/// no v1 lockfile has (its entries are package specs, never that key).
fn is_berry(text: &str) -> bool {
    text.lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"))
}

/// The entry being read in a v1 file: its header's first spec and span.
struct V1Entry<'t> {
    spec: &'t str,
    span: Span,
    version: Option<&'t str>,
}

fn parse_v1(text: &str, file: FileId, out: &mut Lockfile) {
    let mut current: Option<V1Entry> = None;
    let (text, mut offset) = without_bom(text);
    for raw in text.split_inclusive('\n') {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end();
        if line.is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            finish_v1(current.take(), out);
            // A header ends with `:`; anything else at column 0 is garbage.
            if let Some(header) = line.strip_suffix(':') {
                let spec = first_spec(header);
                current = Some(V1Entry {
                    spec,
                    span: Span::new(file, start, start + header.len()),
                    version: None,
                });
            }
            continue;
        }
        // Only the entry's own fields (two-space indent), not those of its
        // `dependencies:` block, which name other packages' ranges.
        let Some(entry) = current.as_mut() else {
            continue;
        };
        let field = line.trim_start();
        let indent = line.len() - field.len();
        if indent == 2 {
            if let Some(v) = field.strip_prefix("version ") {
                entry.version = Some(unquote(v.trim()));
            }
        }
    }
    finish_v1(current, out);
}

fn finish_v1(entry: Option<V1Entry>, out: &mut Lockfile) {
    let Some(entry) = entry else {
        return;
    };
    let (Some(version), Some(name)) = (entry.version, package_name(entry.spec)) else {
        return;
    };
    push(out, name, version, entry.span);
}

/// The first of a header's comma-separated specs, unquoted.
fn first_spec(header: &str) -> &str {
    let first = header.split(", ").next().unwrap_or(header);
    unquote(first.trim())
}

fn unquote(s: &str) -> &str {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

/// Splits `name@range` at the `@` that ends the name (a scoped name starts
/// with one of its own).
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    Some((spec.get(..at)?, spec.get(at + 1..)?))
}

/// The package a spec installs, `None` for local code. An alias spec
/// (`alias@npm:real@^1`) installs `real`.
fn package_name(spec: &str) -> Option<&str> {
    let (name, range) = split_spec(spec)?;
    if let Some(target) = range.strip_prefix("npm:") {
        // `npm:^1.0.0` (Berry's plain form) has no `@`, so no name of its own.
        return Some(split_spec(target).map_or(name, |(real, _)| real));
    }
    const LOCAL: [&str; 6] = ["workspace:", "link:", "portal:", "file:", "exec:", "patch:"];
    if LOCAL.iter().any(|p| range.starts_with(p)) {
        return None;
    }
    Some(name)
}

fn parse_berry(text: &str, file: FileId, out: &mut Lockfile) -> Result<(), ParseError> {
    let docs = parse::yaml::parse(text, file)?;
    let Some(root) = docs.first().and_then(Node::as_map) else {
        return Err(ParseError::new(
            "a Yarn lockfile must be a YAML mapping",
            file,
            0,
        ));
    };
    for entry in &root.entries {
        if entry.key == "__metadata" {
            continue;
        }
        let Some(meta) = entry.value.as_map() else {
            continue;
        };
        let Some(version) = meta.get("version").and_then(|v| yaml_scalar(v, text)) else {
            continue;
        };
        // The resolution names the real package (aliases) and its origin.
        let spec = meta
            .get("resolution")
            .and_then(Node::as_str)
            .unwrap_or_else(|| first_spec(&entry.key));
        if let Some(name) = package_name(spec) {
            push(out, name, version, entry.key_span);
        }
    }
    Ok(())
}

fn push(out: &mut Lockfile, name: &str, version: &str, span: Span) {
    if name.is_empty() || !is_version(version) {
        return;
    }
    out.packages.push(Package {
        name: name.to_string(),
        version: version.to_string(),
        ecosystem: Ecosystem::Npm,
        dev: false,
        span,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_names() {
        assert_eq!(package_name("a@^1"), Some("a"));
        assert_eq!(package_name("@s/a@~1.2"), Some("@s/a"));
        assert_eq!(package_name("a@npm:^1.0.0"), Some("a"));
        assert_eq!(package_name("a@npm:1.0.0"), Some("a"));
        assert_eq!(package_name("alias@npm:real@^1"), Some("real"));
        assert_eq!(package_name("alias@npm:@s/real@^1"), Some("@s/real"));
        assert_eq!(package_name("app@workspace:."), None);
        assert_eq!(package_name("x@patch:x@npm%3A1.0.0#./p.patch"), None);
        assert_eq!(package_name("x@file:../x"), None);
        assert_eq!(package_name("x@https://example.com/x.tgz"), Some("x"));
        assert_eq!(package_name("noversion"), None);
        assert_eq!(package_name("@"), None);
    }

    #[test]
    fn first_specs() {
        assert_eq!(first_spec("\"a@^1\", a@~1.2"), "a@^1");
        assert_eq!(first_spec("a@1"), "a@1");
        assert_eq!(first_spec("\""), "\"");
    }
}
