//! `package-lock.json` and `npm-shrinkwrap.json` (same format).
//!
//! - v2/v3: the `packages` map, keyed by install path. Every
//!   `node_modules/...` key is an installed copy, nested copies
//!   (`node_modules/a/node_modules/b`) included; the root `""` and workspace
//!   folders (`packages/x`, no `node_modules/` in the key) are the project's
//!   own code, and `link: true` entries point at them. v2 also carries the v1
//!   `dependencies` tree for old npm versions: it is ignored when `packages`
//!   is there, or every package would be counted twice.
//! - v1: the nested `dependencies` tree, walked with an explicit stack.
//!
//! `dev: true` marks a dev-only package. `devOptional: true` does not: it is
//! a dev dependency that is *also* an optional dependency of a production
//! package, so `npm install --omit=dev` still installs it.
//!
//! An aliased install (`"node_modules/lodash-v4": {"name": "lodash"}`, or
//! `"version": "npm:lodash@4.17.21"` in v1) is reported under the real
//! package's name: that is the code advisories are about.

use super::{is_version, Ecosystem, Lockfile, Package};
use crate::parse::{self, Map, Node, ParseError, MAX_DEPTH};
use crate::source::{FileId, Span};

pub(super) fn parse(text: &str, file: FileId, out: &mut Lockfile) -> Result<(), ParseError> {
    let doc = parse::json::parse(text, file)?;
    let Some(root) = doc.as_map() else {
        return Err(ParseError::new(
            "a package-lock.json must be a JSON object",
            file,
            doc.span.start as usize,
        ));
    };
    if let Some(packages) = root.get("packages").and_then(Node::as_map) {
        read_packages(packages, out);
    } else if let Some(deps) = root.get("dependencies").and_then(Node::as_map) {
        read_v1(deps, out);
    }
    Ok(())
}

/// v2/v3 `packages`.
fn read_packages(packages: &Map, out: &mut Lockfile) {
    for entry in &packages.entries {
        let Some(installed_as) = install_name(&entry.key) else {
            continue;
        };
        let Some(meta) = entry.value.as_map() else {
            continue;
        };
        if meta.get("link").and_then(Node::as_bool) == Some(true) {
            continue;
        }
        let Some(version) = meta.get("version").and_then(Node::as_str) else {
            continue;
        };
        let name = meta
            .get("name")
            .and_then(Node::as_str)
            .unwrap_or(installed_as);
        push(out, name, version, is_dev(meta), entry.key_span);
    }
}

/// The package name an install path ends in: what follows the last
/// `node_modules/` (`node_modules/a/node_modules/@s/b` → `@s/b`); `None` for
/// the root and workspace folders.
fn install_name(path: &str) -> Option<&str> {
    const SEGMENT: &str = "node_modules/";
    let at = path.rfind(SEGMENT)?;
    // `foo_node_modules/x` is a folder name, not an install directory.
    if path
        .get(..at)
        .is_some_and(|p| !p.is_empty() && !p.ends_with('/'))
    {
        return None;
    }
    let name = path.get(at + SEGMENT.len()..)?;
    (!name.is_empty()).then_some(name)
}

fn is_dev(meta: &Map) -> bool {
    meta.get("dev").and_then(Node::as_bool) == Some(true)
}

/// v1 `dependencies`, nested to any depth the JSON parser allowed (itself at
/// most [`MAX_DEPTH`]); the explicit stack keeps this off the call stack.
fn read_v1(deps: &Map, out: &mut Lockfile) {
    // Depth-first out of order; `super::parse` sorts packages by position.
    let mut stack: Vec<(&Map, usize)> = vec![(deps, 0)];
    while let Some((map, depth)) = stack.pop() {
        for entry in &map.entries {
            let Some(meta) = entry.value.as_map() else {
                continue;
            };
            if let Some(version) = meta.get("version").and_then(Node::as_str) {
                let (name, version) = match version.strip_prefix("npm:") {
                    Some(alias) => split_alias(alias).unwrap_or((&entry.key, version)),
                    None => (entry.key.as_str(), version),
                };
                push(out, name, version, is_dev(meta), entry.key_span);
            }
            if depth < MAX_DEPTH {
                if let Some(nested) = meta.get("dependencies").and_then(Node::as_map) {
                    stack.push((nested, depth + 1));
                }
            }
        }
    }
}

/// `lodash@4.17.21` (or `@scope/name@1.0.0`) into name and version.
fn split_alias(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.rfind('@')? + 1;
    Some((spec.get(..at)?, spec.get(at + 1..)?))
}

/// Records a package whose version is a version (git and file installs
/// in v1 write a URL there, and no advisory range can match it).
fn push(out: &mut Lockfile, name: &str, version: &str, dev: bool, span: Span) {
    if name.is_empty() || !is_version(version) {
        return;
    }
    out.packages.push(Package {
        name: name.to_string(),
        version: version.to_string(),
        ecosystem: Ecosystem::Npm,
        dev,
        span,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_names() {
        assert_eq!(install_name("node_modules/a"), Some("a"));
        assert_eq!(install_name("node_modules/@s/b"), Some("@s/b"));
        assert_eq!(
            install_name("node_modules/a/node_modules/@s/b"),
            Some("@s/b")
        );
        assert_eq!(install_name("packages/x/node_modules/c"), Some("c"));
        assert_eq!(install_name(""), None);
        assert_eq!(install_name("packages/x"), None);
        assert_eq!(install_name("my_node_modules/x"), None);
        assert_eq!(install_name("node_modules/"), None);
    }

    #[test]
    fn aliases() {
        assert_eq!(split_alias("lodash@4.17.21"), Some(("lodash", "4.17.21")));
        assert_eq!(split_alias("@s/x@1.0.0"), Some(("@s/x", "1.0.0")));
        assert_eq!(split_alias("@s/x"), None);
        assert_eq!(split_alias(""), None);
    }
}
