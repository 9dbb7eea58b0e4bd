//! `pnpm-lock.yaml`, every `packages` entry, in the three key styles pnpm
//! has used:
//! - v5 (`lockfileVersion: 5.x`): `/name/1.2.3`, `/@scope/name/1.2.3`, peer
//!   suffixes after `_` (`/react-dom/17.0.2_react@17.0.2`);
//! - v6 (`'6.0'`): `/name@1.2.3`, peer suffixes in parentheses
//!   (`/react-dom@18.2.0(react@18.2.0)`);
//! - v9 (`'9.0'`): `name@1.2.3` without the slash; peers live only in
//!   `snapshots` keys.
//!
//! Non-registry packages (git, tarballs) are keyed by URL and carry `name` and
//! `version` fields, which win over the key. `link:`/`file:` entries are local
//! code.
//!
//! Dev flags: v5/v6 write `dev: true` on dev-only packages. v9 dropped the
//! flag, so it is recomputed: a package is dev when no importer's
//! `dependencies`/`optionalDependencies` reach it through `snapshots`, but
//! some importer's `devDependencies` do. A package nothing reaches (an
//! incomplete lockfile) counts as shipped: a missed advisory is worse than a
//! spurious one.

use std::collections::{HashMap, HashSet};

use super::{is_version, yaml_scalar, Ecosystem, Lockfile, Package};
use crate::parse::{self, Map, Node, ParseError};
use crate::source::FileId;

pub(super) fn parse(text: &str, file: FileId, out: &mut Lockfile) -> Result<(), ParseError> {
    let docs = parse::yaml::parse(text, file)?;
    // An empty file (no document, or an empty one) locks nothing.
    let Some(doc) = docs.first().filter(|d| !d.is_null()) else {
        return Ok(());
    };
    let Some(root) = doc.as_map() else {
        return Err(ParseError::new(
            "a pnpm lockfile must be a YAML mapping",
            file,
            0,
        ));
    };
    let major = root
        .get("lockfileVersion")
        .and_then(|v| yaml_scalar(v, text))
        .and_then(|v| v.split('.').next()?.trim().parse::<u32>().ok());
    let Some(packages) = root.get("packages").and_then(Node::as_map) else {
        return Ok(());
    };
    // Without a version, the key shape tells: only v5 keys have no `@`
    // after the name's first character.
    let v5 = major.map_or_else(|| looks_v5(packages), |m| m < 6);
    // v9 is the format with `snapshots`, and no `dev` flags to read.
    let v9 = major.map_or_else(|| root.contains_key("snapshots"), |m| m >= 9);
    let reach = v9.then(|| Reach::compute(root, text));
    for entry in &packages.entries {
        let Some(meta) = entry.value.as_map() else {
            continue;
        };
        let parsed = if v5 {
            parse_v5_key(&entry.key)
        } else {
            parse_key(&entry.key)
        };
        let name = meta
            .get("name")
            .and_then(Node::as_str)
            .or(parsed.map(|p| p.0));
        let version = meta
            .get("version")
            .and_then(|v| yaml_scalar(v, text))
            .or(parsed.map(|p| p.1));
        let (Some(name), Some(version)) = (name, version) else {
            continue;
        };
        if name.is_empty() || !is_version(version) {
            continue;
        }
        let dev = match &reach {
            Some(reach) => reach.is_dev(&format!("{name}@{version}")),
            None => meta.get("dev").and_then(Node::as_bool) == Some(true),
        };
        out.packages.push(Package {
            name: name.to_string(),
            version: version.to_string(),
            ecosystem: Ecosystem::Npm,
            dev,
            span: entry.key_span,
        });
    }
    Ok(())
}

fn looks_v5(packages: &Map) -> bool {
    packages.entries.iter().any(|e| {
        let key = e.key.trim_start_matches('/');
        key.get(1..).is_some_and(|rest| !rest.contains('@'))
    })
}

/// v6/v9: `/name@1.2.3(peer@1)` or `name@1.2.3` → (`name`, `1.2.3`).
fn parse_key(key: &str) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = key.split('(').next().unwrap_or(key);
    let at = key.get(1..)?.find('@')? + 1;
    let (name, version) = (key.get(..at)?, key.get(at + 1..)?);
    (!version.starts_with("link:") && !version.starts_with("file:")).then_some((name, version))
}

/// v5: `/name/1.2.3_peer@1`, `/@scope/name/1.2.3`, and keys with a registry
/// host first (`registry.example.com/name/1.2.3`).
fn parse_v5_key(key: &str) -> Option<(&str, &str)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let mut key = key;
    // A host segment has a dot and is followed by the package path.
    if let Some((first, rest)) = key.split_once('/') {
        if first.contains('.') && rest.contains('/') {
            key = rest;
        }
    }
    let name_segments = if key.starts_with('@') { 2 } else { 1 };
    let mut cut = 0;
    for _ in 0..name_segments {
        cut += key.get(cut..)?.find('/')? + 1;
    }
    let name = key.get(..cut - 1)?;
    let rest = key.get(cut..)?;
    let version = rest.split('_').next().unwrap_or(rest);
    Some((name, version))
}

/// v9 reachability from importers through `snapshots`, by snapshot key.
struct Reach {
    prod: HashSet<String>,
    dev: HashSet<String>,
}

impl Reach {
    fn compute(root: &Map, text: &str) -> Reach {
        let mut edges: HashMap<&str, Vec<String>> = HashMap::new();
        if let Some(snapshots) = root.get("snapshots").and_then(Node::as_map) {
            for entry in &snapshots.entries {
                let mut deps = Vec::new();
                for field in ["dependencies", "optionalDependencies"] {
                    collect_refs(entry.value.get(field), text, &mut deps);
                }
                edges.insert(entry.key.as_str(), deps);
            }
        }
        let mut prod_roots = Vec::new();
        let mut dev_roots = Vec::new();
        if let Some(importers) = root.get("importers").and_then(Node::as_map) {
            for importer in &importers.entries {
                for field in ["dependencies", "optionalDependencies"] {
                    collect_refs(importer.value.get(field), text, &mut prod_roots);
                }
                collect_refs(importer.value.get("devDependencies"), text, &mut dev_roots);
            }
        }
        Reach {
            prod: walk(prod_roots, &edges),
            dev: walk(dev_roots, &edges),
        }
    }

    /// `key` is a `packages` key (`name@1.2.3`): dev when only dev roots
    /// reach one of its snapshots (`name@1.2.3` or `name@1.2.3(peer@1)`).
    fn is_dev(&self, key: &str) -> bool {
        !self.prod.contains(key) && self.dev.contains(key)
    }
}

/// Snapshot keys named by a dependency map: `{react: 18.2.0}` (a snapshot
/// dependency) or `{react: {specifier: ^18, version: 18.2.0}}` (an importer).
fn collect_refs(deps: Option<&Node>, text: &str, out: &mut Vec<String>) {
    let Some(deps) = deps.and_then(Node::as_map) else {
        return;
    };
    for dep in &deps.entries {
        let version = match dep.value.get("version") {
            Some(v) => yaml_scalar(v, text),
            None => yaml_scalar(&dep.value, text),
        };
        let Some(version) = version else {
            continue;
        };
        if version.starts_with("link:") || version.starts_with("file:") {
            continue;
        }
        // An alias (`string-width-cjs: string-width@4.2.3`) names its target.
        if is_version(version) {
            out.push(format!("{}@{version}", dep.key));
        } else {
            out.push(version.to_string());
        }
    }
}

/// Every snapshot reachable from `roots`, as the `packages` keys they are
/// copies of (peer suffix dropped). Iterative, with a visited set: pnpm
/// graphs have cycles.
fn walk(roots: Vec<String>, edges: &HashMap<&str, Vec<String>>) -> HashSet<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut stack = roots;
    while let Some(key) = stack.pop() {
        if !seen.insert(key.clone()) {
            continue;
        }
        if let Some(next) = edges.get(key.as_str()) {
            stack.extend(next.iter().filter(|k| !seen.contains(*k)).cloned());
        }
    }
    seen.into_iter()
        .map(|k| match k.find('(') {
            Some(at) => k.get(..at).unwrap_or(&k).to_string(),
            None => k,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v6_and_v9_keys() {
        assert_eq!(parse_key("/a@1.0.0"), Some(("a", "1.0.0")));
        assert_eq!(parse_key("a@1.0.0"), Some(("a", "1.0.0")));
        assert_eq!(
            parse_key("/@s/a@1.0.0(react@18.0.0)(b@1.0.0)"),
            Some(("@s/a", "1.0.0"))
        );
        assert_eq!(parse_key("a@link:../a"), None);
        assert_eq!(parse_key("a"), None);
        assert_eq!(parse_key("/"), None);
    }

    #[test]
    fn v5_keys() {
        assert_eq!(parse_v5_key("/a/1.0.0"), Some(("a", "1.0.0")));
        assert_eq!(parse_v5_key("/@s/a/1.0.0"), Some(("@s/a", "1.0.0")));
        assert_eq!(
            parse_v5_key("/react-dom/17.0.2_react@17.0.2"),
            Some(("react-dom", "17.0.2"))
        );
        assert_eq!(
            parse_v5_key("/@s/a/1.0.0_@types+react@17.0.0"),
            Some(("@s/a", "1.0.0"))
        );
        assert_eq!(
            parse_v5_key("registry.example.com/a/2.0.0"),
            Some(("a", "2.0.0"))
        );
        assert_eq!(parse_v5_key("/a"), None);
        assert_eq!(parse_v5_key("/@s"), None);
    }
}
