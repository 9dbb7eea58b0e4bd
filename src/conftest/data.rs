//! Data documents for conftest policies. `--data PATH`: every `.json`,
//! `.yaml`, `.yml` file is merged at the root of `data`, as conftest does (a
//! file holding `services: {ports: [22]}` is `data.services.ports`, wherever
//! the file sits). Inside policy folders, only files named `data.json`,
//! `data.yaml` or `data.yml` are data, under the path of their folder (OPA's
//! bundle layout: `policy/k8s/data.yaml` is `data.k8s`): other YAML and JSON
//! beside policies are usually test fixtures, and conftest never reads them.
//! Two files that give one key different values are an error naming both,
//! not a silent last-wins.

use std::path::{Path, PathBuf};

/// A data file that cannot be used: each names the file, and the line and
/// column where its text is wrong.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A `--data` path that does not exist.
    #[error("data path {} does not exist", .0.display())]
    Missing(PathBuf),
    /// A data file that cannot be read.
    #[error("cannot read data file {}: {source}", path.display())]
    Read {
        /// The data file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// A data file that is not valid JSON or YAML.
    #[error("data file {}:{line}:{column}: {message}", path.display())]
    Syntax {
        /// The data file.
        path: PathBuf,
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A data file whose document is a list or a scalar: only an object's keys can go under `data`.
    #[error(
        "data file {}:{line}:{column}: the document must be an object (its keys become `data.<key>`)",
        path.display()
    )]
    NotObject {
        /// The data file.
        path: PathBuf,
        /// Line where the document starts, from 1.
        line: usize,
        /// Column where the document starts, from 1.
        column: usize,
    },
    /// Two files give one key different values.
    #[error("data files {first} and {second} both set `data.{key}`")]
    Conflict {
        /// The file that set the key first (`an earlier file` when that cannot be told).
        first: String,
        /// The file that sets it again, to a different value.
        second: String,
        /// The dotted path of the key under `data` (`services.ports`).
        key: String,
    },
}

/// A data file and where in `data` it goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataFile {
    /// The file, as found under `--data` or a policy folder.
    pub path: PathBuf,
    /// Keys under `data` (empty: the root).
    pub prefix: Vec<String>,
}

/// The `data.json|yaml|yml` files under policy folders, each under the path
/// of its folder relative to the policy folder.
pub fn bundle_files(policy_dirs: &[PathBuf]) -> Vec<DataFile> {
    let mut out = Vec::new();
    for dir in policy_dirs.iter().filter(|d| d.is_dir()) {
        let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(dir)
            .standard_filters(false)
            .build()
            .flatten()
            .map(|e| e.path().to_path_buf())
            .filter(|f| {
                f.is_file()
                    && f.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| matches!(n, "data.json" | "data.yaml" | "data.yml"))
            })
            .collect();
        found.sort();
        for path in found {
            let prefix = path
                .parent()
                .and_then(|p| p.strip_prefix(dir).ok())
                .map(|rel| {
                    rel.components()
                        .map(|c| c.as_os_str().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            out.push(DataFile { path, prefix });
        }
    }
    out
}

/// The data files under `--data` paths (a path may name one file), sorted
/// per path, each at the root of `data`; a named file is read whatever its
/// extension.
pub fn files(paths: &[PathBuf]) -> Result<Vec<DataFile>, DataError> {
    Ok(paths_under(paths)?
        .into_iter()
        .map(|path| DataFile {
            path,
            prefix: Vec::new(),
        })
        .collect())
}

fn paths_under(paths: &[PathBuf]) -> Result<Vec<PathBuf>, DataError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(p)
                .standard_filters(false)
                .build()
                .flatten()
                .map(|e| e.path().to_path_buf())
                .filter(|f| f.is_file() && is_data_file(f))
                .collect();
            found.sort();
            out.extend(found);
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(DataError::Missing(p.clone()));
        }
    }
    Ok(out)
}

/// `.json`, `.yaml`, `.yml`: the data formats conftest loads.
pub fn is_data_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "json" | "yaml" | "yml"))
}

/// Read and merge data files into one document.
pub fn load(files: &[DataFile]) -> Result<serde_json::Value, DataError> {
    let mut merged = serde_json::Value::Object(Default::default());
    let mut owner: std::collections::BTreeMap<String, String> = Default::default();
    for DataFile { path: f, prefix } in files {
        let text = std::fs::read_to_string(f).map_err(|source| DataError::Read {
            path: f.clone(),
            source,
        })?;
        let (value, at) = parse(f, &text)?;
        if !value.is_object() {
            let (line, column) = line_col(&text, at);
            return Err(DataError::NotObject {
                path: f.clone(),
                line,
                column,
            });
        }
        let value = prefix.iter().rev().fold(value, |v, key| {
            let mut o = serde_json::Map::new();
            o.insert(key.clone(), v);
            serde_json::Value::Object(o)
        });
        merge(&mut merged, value, "", &f.display().to_string(), &mut owner)?;
    }
    Ok(merged)
}

/// The file's document and the byte offset where it starts.
fn parse(path: &Path, text: &str) -> Result<(serde_json::Value, usize), DataError> {
    let located = |e: crate::parse::ParseError| {
        let (line, column) = line_col(text, e.span.start as usize);
        DataError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message,
        }
    };
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let syntax = if json {
        crate::parse::Syntax::Json
    } else {
        crate::parse::Syntax::Yaml
    };
    let docs = crate::parse::parse(text, syntax, crate::source::FileId(0)).map_err(located)?;
    // An empty file is an empty object, as in OPA's loader.
    Ok(docs
        .into_iter()
        .find(|d| !d.is_null())
        .map_or((serde_json::json!({}), 0), |d| {
            (d.to_json(), d.span.start as usize)
        }))
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Merge `value` into `into` (objects key by key); a leaf given twice with
/// different values is a conflict.
fn merge(
    into: &mut serde_json::Value,
    value: serde_json::Value,
    at: &str,
    file: &str,
    owner: &mut std::collections::BTreeMap<String, String>,
) -> Result<(), DataError> {
    match (into, value) {
        (serde_json::Value::Object(a), serde_json::Value::Object(b)) => {
            for (k, v) in b {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                match a.get_mut(&k) {
                    Some(existing) => merge(existing, v, &path, file, owner)?,
                    None => {
                        owner.insert(path, file.to_string());
                        a.insert(k, v);
                    }
                }
            }
            Ok(())
        }
        (existing, v) if *existing == v => Ok(()),
        _ => {
            // The file that set this key, or the object holding it.
            let first = owner
                .iter()
                .filter(|(k, _)| at == k.as_str() || at.starts_with(&format!("{k}.")))
                .max_by_key(|(k, _)| k.len())
                .map_or("an earlier file", |(_, f)| f.as_str());
            Err(DataError::Conflict {
                first: first.to_string(),
                second: file.to_string(),
                key: at.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_merge_at_the_root_and_conflicts_name_both() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.yaml");
        let b = dir.path().join("sub/b.json");
        std::fs::create_dir_all(dir.path().join("sub")).unwrap();
        std::fs::write(&a, "services:\n  ports: [22, 21]\n").unwrap();
        std::fs::write(&b, "{\"services\": {\"names\": [\"ssh\"]}, \"other\": 1}").unwrap();
        std::fs::write(dir.path().join("x.rego"), "package main\n").unwrap();
        let found = files(&[dir.path().to_path_buf()]).unwrap();
        let at_root = |p: &PathBuf| DataFile {
            path: p.clone(),
            prefix: Vec::new(),
        };
        assert_eq!(found, vec![at_root(&a), at_root(&b)]);
        assert_eq!(
            load(&found).unwrap(),
            serde_json::json!({"services": {"ports": [22, 21], "names": ["ssh"]}, "other": 1})
        );
        let c = dir.path().join("c.yml");
        std::fs::write(&c, "other: 2\n").unwrap();
        let err = load(&[at_root(&a), at_root(&b), at_root(&c)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "data files {} and {} both set `data.other`",
                b.display(),
                c.display()
            )
        );
        // A document that is not an object, and bad syntax: file, line, column.
        std::fs::write(&c, "# owners\n\n  - 1\n").unwrap();
        assert_eq!(
            load(&[at_root(&c)]).unwrap_err().to_string(),
            format!(
                "data file {}:3:3: the document must be an object (its keys become `data.<key>`)",
                c.display()
            )
        );
        std::fs::write(&c, "a: 1\nb: [1, 2\n").unwrap();
        let err = load(&[at_root(&c)]).unwrap_err();
        assert!(
            matches!(&err, DataError::Syntax { path, line: 3, .. } if *path == c),
            "{err:?}"
        );
        let missing = dir.path().join("nope");
        assert_eq!(
            files(std::slice::from_ref(&missing))
                .unwrap_err()
                .to_string(),
            format!("data path {} does not exist", missing.display())
        );
    }

    #[test]
    fn policy_folders_hold_data_in_bundle_layout() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("k8s")).unwrap();
        std::fs::write(d.join("data.yaml"), "owners: [ops]\n").unwrap();
        std::fs::write(d.join("k8s/data.json"), "{\"ports\": [22]}").unwrap();
        // A fixture beside the policies is not data.
        std::fs::write(d.join("k8s/deployment.yaml"), "kind: Deployment\n").unwrap();
        let found = bundle_files(&[d.to_path_buf()]);
        assert_eq!(
            found,
            vec![
                DataFile {
                    path: d.join("data.yaml"),
                    prefix: Vec::new()
                },
                DataFile {
                    path: d.join("k8s/data.json"),
                    prefix: vec!["k8s".into()]
                },
            ]
        );
        assert_eq!(
            load(&found).unwrap(),
            serde_json::json!({"owners": ["ops"], "k8s": {"ports": [22]}})
        );
    }
}
