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
    pub policies: Vec<PathBuf>,
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    pub data: Vec<PathBuf>,
    pub combine: bool,
    /// Keys present but not used, in file order.
    pub ignored: Vec<String>,
}

/// Read a `conftest.toml`.
pub fn load(path: &Path) -> Result<ConftestConfig, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text, path.parent().unwrap_or(Path::new("")), path)
}

fn parse(text: &str, base: &Path, path: &Path) -> Result<ConftestConfig, String> {
    let doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        format!("{}: {}", path.display(), e.to_string().trim())
    })?;
    let mut out = ConftestConfig::default();
    let bad = |key: &str, want: &str| format!("{}: `{key}` must be {want}", path.display());
    let strings = |key: &str, item: &toml_edit::Item| -> Result<Vec<String>, String> {
        if let Some(s) = item.as_str() {
            return Ok(vec![s.to_string()]);
        }
        let arr = item
            .as_array()
            .ok_or_else(|| bad(key, "a string or an array of strings"))?;
        arr.iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| bad(key, "a string or an array of strings"))
            })
            .collect()
    };
    for (key, item) in doc.iter() {
        match key {
            "policy" => out.policies = strings(key, item)?.iter().map(|p| base.join(p)).collect(),
            "data" => out.data = strings(key, item)?.iter().map(|p| base.join(p)).collect(),
            "namespace" => out.namespaces = strings(key, item)?,
            "all-namespaces" => {
                out.all_namespaces = item.as_bool().ok_or_else(|| bad(key, "true or false"))?
            }
            "combine" => out.combine = item.as_bool().ok_or_else(|| bad(key, "true or false"))?,
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
        assert_eq!(err, "c.toml: `combine` must be true or false");
    }
}
