//! `faasguard scan --conftest-config conftest.toml`: conftest's own
//! configuration file, read for the keys that mean the same thing in a
//! faasguard scan (`policy`, `namespace`, `all-namespaces`, `data`,
//! `combine`); every other key is named as ignored, never silently dropped.
//! Paths are relative to the file's folder (conftest reads it from the
//! folder it runs in, so that is the same place).

use std::path::{Path, PathBuf};

/// The keys of a `conftest.toml` that faasguard uses.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConftestConfig {
    /// `policy`: policy folders, resolved against the file's folder (empty: not set).
    pub policies: Vec<PathBuf>,
    /// `namespace`: the Rego packages whose rules are evaluated (empty: not set).
    pub namespaces: Vec<String>,
    /// `all-namespaces`: evaluate every package under the policy folders.
    pub all_namespaces: bool,
    /// `data`: data files and folders, resolved against the file's folder.
    pub data: Vec<PathBuf>,
    /// `combine`: evaluate every input file as one combined document, as conftest's `--combine`.
    pub combine: bool,
    /// Keys present but not used, in file order.
    pub ignored: Vec<String>,
}

/// A `conftest.toml` that cannot be used: each names the file, and a value
/// of the wrong type its line and column.
#[derive(Debug, thiserror::Error)]
pub enum ConftestConfigError {
    /// The file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The configuration file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// toml_edit's message names the line and column and shows the line.
    #[error("{}: {message}", path.display())]
    Syntax {
        /// The configuration file.
        path: PathBuf,
        /// toml_edit's message.
        message: String,
    },
    /// A known key with a value of the wrong type.
    #[error("{}:{line}:{column}: `{key}` must be {want}", path.display())]
    Value {
        /// The configuration file.
        path: PathBuf,
        /// Line of the value, from 1.
        line: usize,
        /// Column of the value, from 1.
        column: usize,
        /// The key (`policy`, `combine`, ...).
        key: String,
        /// What the key takes (`a string or an array of strings`, `true or false`).
        want: &'static str,
    },
}

/// Read a `conftest.toml`.
pub fn load(path: &Path) -> Result<ConftestConfig, ConftestConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConftestConfigError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path.parent().unwrap_or(Path::new("")), path)
}

fn parse(text: &str, base: &Path, path: &Path) -> Result<ConftestConfig, ConftestConfigError> {
    // The immutable document keeps each value's span, for the error's place.
    let doc = toml_edit::ImDocument::parse(text).map_err(|e| ConftestConfigError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string().trim().to_string(),
    })?;
    let mut out = ConftestConfig::default();
    let bad = |key: &str, item: &toml_edit::Item, want: &'static str| {
        let at = item.span().map_or(0, |s| s.start);
        let (line, column) = super::data::line_col(text, at);
        ConftestConfigError::Value {
            path: path.to_path_buf(),
            line,
            column,
            key: key.to_string(),
            want,
        }
    };
    const STRINGS: &str = "a string or an array of strings";
    let strings = |key: &str, item: &toml_edit::Item| -> Result<Vec<String>, ConftestConfigError> {
        if let Some(s) = item.as_str() {
            return Ok(vec![s.to_string()]);
        }
        let arr = item.as_array().ok_or_else(|| bad(key, item, STRINGS))?;
        arr.iter()
            .map(|v| {
                v.as_str().map(str::to_string).ok_or_else(|| {
                    let at = v.span().map_or(0, |s| s.start);
                    let (line, column) = super::data::line_col(text, at);
                    ConftestConfigError::Value {
                        path: path.to_path_buf(),
                        line,
                        column,
                        key: key.to_string(),
                        want: STRINGS,
                    }
                })
            })
            .collect()
    };
    let boolean = |key: &str, item: &toml_edit::Item| {
        item.as_bool()
            .ok_or_else(|| bad(key, item, "true or false"))
    };
    for (key, item) in doc.iter() {
        match key {
            "policy" => out.policies = strings(key, item)?.iter().map(|p| base.join(p)).collect(),
            "data" => out.data = strings(key, item)?.iter().map(|p| base.join(p)).collect(),
            "namespace" => out.namespaces = strings(key, item)?,
            "all-namespaces" => out.all_namespaces = boolean(key, item)?,
            "combine" => out.combine = boolean(key, item)?,
            other => out.ignored.push(other.to_string()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_are_mapped_and_others_named() {
        let got = parse(
            "policy = \"test\"\nnamespace = [\"a\", \"b.*\"]\ndata = \"d\"\nall-namespaces = false\noutput = \"json\"\nfail-on-warn = true\n",
            Path::new("cfg"),
            Path::new("cfg/conftest.toml"),
        )
        .unwrap();
        assert_eq!(
            got,
            ConftestConfig {
                policies: vec![PathBuf::from("cfg/test")],
                namespaces: vec!["a".into(), "b.*".into()],
                all_namespaces: false,
                data: vec![PathBuf::from("cfg/d")],
                combine: false,
                ignored: vec!["output".into(), "fail-on-warn".into()],
            }
        );
        let err = parse("combine = \"yes\"\n", Path::new(""), Path::new("c.toml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.toml:1:11: `combine` must be true or false"
        );
        let err = parse(
            "policy = \"p\"\nnamespace = [\"a\",\n  7]\n",
            Path::new(""),
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.toml:3:3: `namespace` must be a string or an array of strings"
        );
        let err = parse("policy = [\n", Path::new(""), Path::new("c.toml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "c.toml: TOML parse error at line 1, column 12\n  |\n1 | policy = [\n  |            ^\n\
             invalid array\nexpected `]`"
        );
    }
}
