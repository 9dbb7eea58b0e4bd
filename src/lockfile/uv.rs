//! `uv.lock`: every `[[package]]` but the project's own: workspace members
//! have an `editable` or `virtual` source (or, from older uv, none) and are
//! local code.
//!
//! Dev flags are computed, as uv records none on the packages themselves. The
//! roots are the workspace members: a package is dev when the members'
//! `dev-dependencies` groups reach it (through every package's
//! `dependencies`) and their `dependencies` and `optional-dependencies`
//! do not. Extras count as shipped: whether a deployment installs
//! `app[s3]` is not in the lockfile, and a missed advisory is worse than a
//! spurious one. For the same reason each reached package's extras are
//! followed, and a package nothing reaches is not dev.
//!
//! Other local sources (`directory`, `path`) are still packages, as in
//! Cargo.lock.

use std::collections::HashMap;

use toml_edit::{Array, Item, Table, Value};

use super::{toml_doc, Ecosystem, Lockfile, Package};
use crate::parse::ParseError;
use crate::source::FileId;

pub(super) fn parse(text: &str, file: FileId, out: &mut Lockfile) -> Result<(), ParseError> {
    let doc = toml_doc::parse(text, file)?;
    let tables: Vec<&Table> = toml_doc::array_of_tables(doc.as_table(), "package").collect();
    let graph = Graph::new(&tables);
    let dev = graph.dev_only();
    for (i, table) in tables.iter().enumerate() {
        if graph.roots.contains(&i) {
            continue;
        }
        let Some((name, span)) = toml_doc::str_field(table, "name", file) else {
            continue;
        };
        let Some(version) = toml_doc::str_value(table, "version") else {
            continue;
        };
        out.packages.push(Package {
            name: name.to_string(),
            version: version.to_string(),
            ecosystem: Ecosystem::PyPI,
            dev: dev.get(i).copied().unwrap_or(false),
            span,
        });
    }
    Ok(())
}

/// Packages as nodes (their index in file order), edges from dependency
/// references.
struct Graph<'a> {
    tables: &'a [&'a Table],
    /// Package indexes by name: a name can be locked at several versions.
    by_name: HashMap<&'a str, Vec<usize>>,
    roots: Vec<usize>,
}

impl<'a> Graph<'a> {
    fn new(tables: &'a [&'a Table]) -> Self {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut roots = Vec::new();
        for (i, table) in tables.iter().enumerate() {
            if let Some(name) = toml_doc::str_value(table, "name") {
                by_name.entry(name).or_default().push(i);
            }
            // Older uv versions wrote no `source` for the project itself;
            // every locked dependency has one.
            let local = table.get("source").is_none()
                || toml_doc::inline_str(table, "source", "editable").is_some()
                || toml_doc::inline_str(table, "source", "virtual").is_some();
            if local {
                roots.push(i);
            }
        }
        Graph {
            tables,
            by_name,
            roots,
        }
    }

    /// The packages a dependency list names (`{ name = "a", version = "1" }`;
    /// without `version` every locked version of the name).
    fn resolve(&self, deps: Option<&Array>, out: &mut Vec<usize>) {
        let Some(array) = deps else {
            return;
        };
        for dep in array.iter().filter_map(Value::as_inline_table) {
            let Some(name) = dep.get("name").and_then(Value::as_str) else {
                continue;
            };
            let version = dep.get("version").and_then(Value::as_str);
            for &i in self.by_name.get(name).map(Vec::as_slice).unwrap_or(&[]) {
                let locked = self
                    .tables
                    .get(i)
                    .and_then(|t| toml_doc::str_value(t, "version"));
                if version.is_none() || version == locked {
                    out.push(i);
                }
            }
        }
    }

    /// The lists of a group table (`[package.dev-dependencies]` holds
    /// `dev = [...]`, `test = [...]`).
    fn resolve_groups(&self, groups: Option<&Item>, out: &mut Vec<usize>) {
        match groups {
            Some(Item::Table(t)) => {
                for (_, deps) in t.iter() {
                    self.resolve(deps.as_array(), out);
                }
            }
            Some(Item::Value(Value::InlineTable(t))) => {
                for (_, deps) in t.iter() {
                    self.resolve(deps.as_array(), out);
                }
            }
            _ => {}
        }
    }

    /// What a package depends on, its extras included.
    fn edges(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        if let Some(table) = self.tables.get(i) {
            self.resolve(table.get("dependencies").and_then(Item::as_array), &mut out);
            self.resolve_groups(table.get("optional-dependencies"), &mut out);
        }
        out
    }

    /// Every package reachable from `start` (iterative; dependency graphs can
    /// have cycles).
    fn reach(&self, start: Vec<usize>) -> Vec<bool> {
        let mut seen = vec![false; self.tables.len()];
        let mut stack = start;
        while let Some(i) = stack.pop() {
            match seen.get_mut(i) {
                Some(s) if !*s => *s = true,
                _ => continue,
            }
            stack.extend(self.edges(i));
        }
        seen
    }

    /// Per package: reached from the roots' dev groups only.
    fn dev_only(&self) -> Vec<bool> {
        let mut prod_start = Vec::new();
        let mut dev_start = Vec::new();
        for &root in &self.roots {
            prod_start.extend(self.edges(root));
            if let Some(table) = self.tables.get(root) {
                self.resolve_groups(table.get("dev-dependencies"), &mut dev_start);
            }
        }
        let prod = self.reach(prod_start);
        let dev = self.reach(dev_start);
        prod.iter().zip(&dev).map(|(p, d)| *d && !*p).collect()
    }
}
