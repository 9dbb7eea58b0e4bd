//! Scope: what a scan looked at. Scan paths, files per source format, model
//! items per format, cloud and kind, and the functions found, so a report can
//! say what its conclusions cover and decide that a compliance control has
//! nothing to apply to ("not applicable" rather than "pass").

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::{Model, COLLECTIONS};
use crate::parse::Node;

/// Model collections that are not resource kinds (they are never counted).
const NOT_KINDS: &[&str] = &["hardcoded_secrets"];

/// What a scan covered. Serialized as `scope` in the JSON report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scope {
    /// The scan paths, as shown in reports.
    pub paths: Vec<String>,
    /// Files scanned per source format (`sam`, `cloudformation`).
    pub files: BTreeMap<String, usize>,
    /// Model items per format, cloud and kind (model collection):
    /// `sam` → `aws` → `functions` → 3. `resources` counts source resources.
    pub items: BTreeMap<String, BTreeMap<String, BTreeMap<String, usize>>>,
    /// Every function, in file order.
    pub functions: Vec<FunctionRef>,
}

/// A function in scope (the subject of per-function report sections).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FunctionRef {
    pub(crate) file: String,
    pub(crate) id: String,
    pub(crate) format: String,
    pub(crate) cloud: String,
    /// Absent when the template does not say or the value is not known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
}

impl Scope {
    /// The scope of one unit (a template) shown as `display`.
    pub fn of(model: &Model, display: &str) -> Scope {
        let format = model.format.as_str().to_string();
        let mut scope = Scope::default();
        scope.files.insert(format.clone(), 1);
        for kind in COLLECTIONS.iter().filter(|k| !NOT_KINDS.contains(k)) {
            for item in model.items(kind) {
                let cloud = text(item, "cloud").unwrap_or_else(|| "unknown".into());
                *scope
                    .items
                    .entry(format.clone())
                    .or_default()
                    .entry(cloud)
                    .or_default()
                    .entry((*kind).to_string())
                    .or_default() += 1;
            }
        }
        for f in model.items("functions") {
            scope.functions.push(FunctionRef {
                file: display.to_string(),
                id: text(f, "id").unwrap_or_default(),
                format: format.clone(),
                cloud: text(f, "cloud").unwrap_or_else(|| "unknown".into()),
                runtime: text(f, "runtime"),
            });
        }
        // Without a doubled vector's spare room: a large unit's scope is
        // kept to the end of the scan.
        crate::parse::exact_vec(&mut scope.functions);
        scope
    }

    /// Add another scope's counts (paths are kept from `self`).
    pub fn absorb(&mut self, other: Scope) {
        for (format, n) in other.files {
            *self.files.entry(format).or_default() += n;
        }
        for (format, clouds) in other.items {
            for (cloud, kinds) in clouds {
                for (kind, n) in kinds {
                    *self
                        .items
                        .entry(format.clone())
                        .or_default()
                        .entry(cloud.clone())
                        .or_default()
                        .entry(kind)
                        .or_default() += n;
                }
            }
        }
        self.functions.extend(other.functions);
        self.functions.sort();
    }

    /// Items of a kind across formats and clouds.
    pub fn count(&self, kind: &str) -> usize {
        self.items
            .values()
            .flat_map(BTreeMap::values)
            .filter_map(|kinds| kinds.get(kind))
            .sum()
    }

    /// Items per kind across formats and clouds, in model order.
    pub fn kinds(&self) -> Vec<(&str, usize)> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for kinds in self.items.values().flat_map(BTreeMap::values) {
            for (kind, n) in kinds {
                *counts.entry(kind.as_str()).or_default() += n;
            }
        }
        let mut out = Vec::new();
        for kind in COLLECTIONS {
            if let Some(n) = counts.remove(kind) {
                out.push((*kind, n));
            }
        }
        out.extend(counts);
        out
    }

    /// Items of a kind per (format, cloud), for "5 functions (SAM/aws 4, ...)".
    pub fn count_by(&self, kind: &str) -> Vec<(&str, &str, usize)> {
        let mut out = Vec::new();
        for (format, clouds) in &self.items {
            for (cloud, kinds) in clouds {
                if let Some(n) = kinds.get(kind).filter(|n| **n > 0) {
                    out.push((format.as_str(), cloud.as_str(), *n));
                }
            }
        }
        out
    }
}

/// Scan paths as reports show them (see [`show_path`]).
pub fn show_paths(paths: &[PathBuf], cwd: Option<&Path>) -> Vec<String> {
    paths.iter().map(|p| show_path(p, cwd)).collect()
}

/// A path as reports show it: relative to the working directory when below
/// it (as file paths are, see ADR 0005), otherwise as given.
pub fn show_path(p: &Path, cwd: Option<&Path>) -> String {
    let relative = cwd
        .filter(|_| p.is_absolute())
        .and_then(|c| p.strip_prefix(c).ok())
        .map(Path::to_path_buf);
    let shown = relative.as_deref().unwrap_or(p).to_string_lossy();
    let shown = shown.replace('\\', "/");
    let shown = shown.trim_start_matches("./").trim_end_matches('/');
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown.to_string()
    }
}

fn text(item: &Node, key: &str) -> Option<String> {
    item.get(key).and_then(Node::as_str).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_across_units() {
        let mut a = Scope::default();
        a.files.insert("sam".into(), 1);
        a.items
            .entry("sam".into())
            .or_default()
            .entry("aws".into())
            .or_default()
            .insert("functions".into(), 2);
        let mut b = a.clone();
        b.items
            .get_mut("sam")
            .unwrap()
            .get_mut("aws")
            .unwrap()
            .insert("buckets".into(), 1);
        a.absorb(b);
        assert_eq!(a.files["sam"], 2);
        assert_eq!(a.count("functions"), 4);
        assert_eq!(a.count("buckets"), 1);
        assert_eq!(a.count("tables"), 0);
        assert_eq!(a.count_by("functions"), vec![("sam", "aws", 4)]);
    }
}
