//! conftest's Rego functions, as regorus extensions: `parse_config(parser,
//! text)`, `parse_config_file(path)` and `parse_combined_config_files(paths)`,
//! giving the same documents the scan gives conftest policies
//! ([`super::input`]); and OPA's deprecated built-ins that Rego v0 policies
//! still call (`re_match`, `any`, `all`, `set_diff`, `cast_array`,
//! `cast_set`), which regorus leaves out.
//!
//! As in conftest, a file path is relative to the policy's folder (regorus
//! does not tell an extension which file called it, so each policy folder
//! is tried in load order). Unlike conftest, a policy may only read files
//! inside a policy folder or a scanned path: a policy from a shared
//! repository must not be able to read `~/.aws/credentials` into a message.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use regorus::Value;

use super::input::Format;
use crate::engine::files::EngineError;

/// The functions added, for the load-time check of calls: conftest's, and
/// the deprecated OPA built-ins that conftest's Rego v0 policies still call
/// (conftest's own `examples/kubernetes/policy/lib` uses `re_match`) and
/// regorus does not have.
pub const NAMES: &[&str] = &[
    "parse_config",
    "parse_config_file",
    "parse_combined_config_files",
    "re_match",
    "any",
    "all",
    "set_diff",
    "cast_array",
    "cast_set",
];

/// The elements of an array or a set.
fn elements(v: &Value, f: &str) -> anyhow::Result<Vec<Value>> {
    match v {
        Value::Array(a) => Ok(a.iter().cloned().collect()),
        Value::Set(s) => Ok(s.iter().cloned().collect()),
        _ => anyhow::bail!("{f}: the argument must be an array or a set"),
    }
}

/// OPA's deprecated built-ins, as OPA defines them.
fn register_deprecated(engine: &mut regorus::Engine) -> anyhow::Result<()> {
    engine.add_extension(
        "re_match".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let pattern = string_arg(&args, 0, "re_match")?;
            let value = string_arg(&args, 1, "re_match")?;
            let re = regex::Regex::new(&pattern)
                .map_err(|e| anyhow::anyhow!("re_match: invalid pattern: {e}"))?;
            Ok(Value::from(re.is_match(&value)))
        }),
    )?;
    engine.add_extension(
        "any".into(),
        1,
        Box::new(|args: Vec<Value>| {
            let items = elements(args.first().unwrap_or(&Value::Undefined), "any")?;
            Ok(Value::from(items.iter().any(|v| *v == Value::from(true))))
        }),
    )?;
    engine.add_extension(
        "all".into(),
        1,
        Box::new(|args: Vec<Value>| {
            let items = elements(args.first().unwrap_or(&Value::Undefined), "all")?;
            Ok(Value::from(items.iter().all(|v| *v == Value::from(true))))
        }),
    )?;
    engine.add_extension(
        "set_diff".into(),
        2,
        Box::new(|args: Vec<Value>| match (args.first(), args.get(1)) {
            (Some(Value::Set(a)), Some(Value::Set(b))) => Ok(Value::from(
                a.iter()
                    .filter(|v| !b.contains(v))
                    .cloned()
                    .collect::<std::collections::BTreeSet<Value>>(),
            )),
            _ => anyhow::bail!("set_diff: both arguments must be sets"),
        }),
    )?;
    engine.add_extension(
        "cast_array".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(elements(
                args.first().unwrap_or(&Value::Undefined),
                "cast_array",
            )?))
        }),
    )?;
    engine.add_extension(
        "cast_set".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                elements(args.first().unwrap_or(&Value::Undefined), "cast_set")?
                    .into_iter()
                    .collect::<std::collections::BTreeSet<Value>>(),
            ))
        }),
    )?;
    Ok(())
}

/// Where the functions may read.
#[derive(Clone, Debug, Default)]
pub struct Access {
    /// Folders of the loaded policies, in load order: relative paths are
    /// resolved against each.
    pub policy_dirs: Vec<PathBuf>,
    /// Folders (or files) the functions may read besides those.
    pub roots: Vec<PathBuf>,
}

impl Access {
    /// The policy folders of these policy files, and the given roots.
    pub fn new(policies: &[&crate::engine::files::PolicyFile], roots: &[PathBuf]) -> Access {
        let mut policy_dirs: Vec<PathBuf> = Vec::new();
        for p in policies.iter().filter(|p| !p.builtin) {
            let dir = Path::new(&p.path)
                .parent()
                .unwrap_or(Path::new(""))
                .to_path_buf();
            if !policy_dirs.contains(&dir) {
                policy_dirs.push(dir);
            }
        }
        Access {
            policy_dirs,
            roots: roots.to_vec(),
        }
    }

    /// The file a policy names: the first policy folder where it exists,
    /// refused when it resolves outside every allowed folder.
    fn resolve(&self, path: &str) -> anyhow::Result<PathBuf> {
        let found = if Path::new(path).is_absolute() {
            Some(PathBuf::from(path))
        } else {
            self.policy_dirs
                .iter()
                .map(|d| d.join(path))
                .find(|p| p.is_file())
        };
        let Some(file) = found else {
            anyhow::bail!("cannot read config file {path}: not found in the policy folders");
        };
        let real = std::fs::canonicalize(&file)
            .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", file.display()))?;
        let allowed = self
            .policy_dirs
            .iter()
            .chain(&self.roots)
            .filter_map(|d| {
                std::fs::canonicalize(if d.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    d
                })
                .ok()
            })
            .any(|d| real.starts_with(&d));
        if !allowed {
            anyhow::bail!(
                "cannot read config file {path}: it is outside the policy folders and the scanned paths"
            );
        }
        Ok(file)
    }
}

fn format_named(parser: &str) -> anyhow::Result<Format> {
    match parser {
        "yaml" | "yml" => Ok(Format::Yaml),
        "json" => Ok(Format::Json),
        "hcl2" | "tf" | "tfvars" => Ok(Format::Hcl),
        other => anyhow::bail!(
            "parse_config: parser `{other}` is not one faasguard has (yaml, json, hcl2)"
        ),
    }
}

/// A whole file as one value: one document, or the list of a multi-document
/// YAML file (conftest's parsers return the same).
fn parse_text(text: &str, format: Format) -> anyhow::Result<serde_json::Value> {
    let id = crate::source::FileId(0);
    let docs = match format {
        Format::Hcl => vec![super::hcl::parse(text, id)?],
        Format::Json => crate::parse::parse(text, crate::parse::Syntax::Json, id)?,
        Format::Yaml => crate::parse::parse(text, crate::parse::Syntax::Yaml, id)?,
    };
    let mut docs: Vec<serde_json::Value> = docs
        .iter()
        .filter(|d| !d.is_null())
        .map(|d| d.to_json())
        .collect();
    Ok(match docs.len() {
        0 => serde_json::Value::Null,
        1 => docs.remove(0),
        _ => serde_json::Value::Array(docs),
    })
}

fn to_value(v: &serde_json::Value) -> anyhow::Result<Value> {
    Value::from_json_str(&v.to_string())
}

fn string_arg(args: &[Value], i: usize, f: &str) -> anyhow::Result<String> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s.to_string()),
        _ => anyhow::bail!("{f}: argument {} must be a string", i + 1),
    }
}

fn read_file(access: &Access, path: &str) -> anyhow::Result<(PathBuf, serde_json::Value)> {
    let file = access.resolve(path)?;
    let Some(format) = super::input::format_of(&file) else {
        anyhow::bail!("cannot parse config file {path}: faasguard reads YAML, JSON and HCL");
    };
    let text = std::fs::read_to_string(&file)
        .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", file.display()))?;
    // A scanned file read this way must not hand a policy a secret the
    // scan's own inputs carry redacted (docs/security.md).
    let mut value = parse_text(&text, format)?;
    crate::adapt::secrets::scrub_json(&mut value, &crate::adapt::secrets::scan_raw_text(&text));
    Ok((file, value))
}

/// Add the functions to an engine.
pub fn register(engine: &mut regorus::Engine, access: Arc<Access>) -> Result<(), EngineError> {
    let err = |e: anyhow::Error| EngineError::Policy(format!("conftest builtins: {e}"));
    engine
        .add_extension(
            "parse_config".into(),
            2,
            Box::new(|args: Vec<Value>| {
                let parser = string_arg(&args, 0, "parse_config")?;
                let text = string_arg(&args, 1, "parse_config")?;
                to_value(&parse_text(&text, format_named(&parser)?)?)
            }),
        )
        .map_err(err)?;
    let a = access.clone();
    engine
        .add_extension(
            "parse_config_file".into(),
            1,
            Box::new(move |args: Vec<Value>| {
                let path = string_arg(&args, 0, "parse_config_file")?;
                to_value(&read_file(&a, &path)?.1)
            }),
        )
        .map_err(err)?;
    let a = access;
    engine
        .add_extension(
            "parse_combined_config_files".into(),
            1,
            Box::new(move |args: Vec<Value>| {
                let Some(Value::Array(paths)) = args.first() else {
                    anyhow::bail!(
                        "parse_combined_config_files: the argument must be an array of paths"
                    );
                };
                let mut out = Vec::new();
                for p in paths.iter() {
                    let Value::String(p) = p else {
                        anyhow::bail!("parse_combined_config_files: every path must be a string");
                    };
                    let (file, value) = read_file(&a, p)?;
                    let path = file.display().to_string();
                    let docs = match value {
                        serde_json::Value::Array(items) => items,
                        other => vec![other],
                    };
                    for d in docs {
                        out.push(serde_json::json!({"path": path, "contents": d}));
                    }
                }
                to_value(&serde_json::Value::Array(out))
            }),
        )
        .map_err(err)?;
    register_deprecated(engine).map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecated_opa_builtins() {
        let policy = "package main\n\n\
            a { re_match(\"^web-[0-9]+$\", \"web-12\") }\n\
            b { not re_match(\"^web$\", \"web-12\") }\n\
            c := any([false, true])\n\
            d := all([true, false])\n\
            e := set_diff({1, 2, 3}, {2})\n\
            f := cast_array({\"x\"})\n\
            g := cast_set([\"x\", \"x\"])\n"
            .to_string();
        let mut e = regorus::Engine::new();
        e.set_rego_v0(true);
        e.add_policy("p.rego".into(), policy).unwrap();
        register(&mut e, Arc::new(Access::default())).unwrap();
        let mut get = |r: &str| {
            let v = e.eval_rule(format!("data.main.{r}")).unwrap();
            serde_json::from_str::<serde_json::Value>(&v.to_json_str().unwrap()).unwrap()
        };
        assert_eq!(get("a"), serde_json::json!(true));
        assert_eq!(get("b"), serde_json::json!(true));
        assert_eq!(get("c"), serde_json::json!(true));
        assert_eq!(get("d"), serde_json::json!(false));
        assert_eq!(get("e"), serde_json::json!([1, 3]));
        assert_eq!(get("f"), serde_json::json!(["x"]));
        assert_eq!(get("g"), serde_json::json!(["x"]));
    }

    #[test]
    fn functions_parse_text_and_files_inside_allowed_folders_only() {
        let dir = tempfile::tempdir().unwrap();
        let pol = dir.path().join("policy");
        std::fs::create_dir_all(&pol).unwrap();
        std::fs::write(pol.join("disk.tf"), "resource \"a\" \"b\" {\n  x = 1\n}\n").unwrap();
        std::fs::write(dir.path().join("secret.yaml"), "k: v\n").unwrap();
        let policy = "package main\n\nimport rego.v1\n\n\
             a := parse_config(\"hcl2\", \"resource \\\"t\\\" \\\"n\\\" { protocol = \\\"HTTP\\\" }\")\n\
             b := parse_config_file(\"disk.tf\")\n\
             c := parse_combined_config_files([\"disk.tf\"])\n\
             d := parse_config_file(\"../secret.yaml\")\n"
            .to_string();
        let mut e = regorus::Engine::new();
        e.add_policy("p.rego".into(), policy).unwrap();
        register(
            &mut e,
            Arc::new(Access {
                policy_dirs: vec![pol.clone()],
                roots: Vec::new(),
            }),
        )
        .unwrap();
        let get = |e: &mut regorus::Engine, r: &str| {
            e.eval_rule(format!("data.main.{r}")).map(|v| {
                serde_json::from_str::<serde_json::Value>(&v.to_json_str().unwrap()).unwrap()
            })
        };
        assert_eq!(
            get(&mut e, "a").unwrap(),
            serde_json::json!({"resource": {"t": {"n": [{"protocol": "HTTP"}]}}})
        );
        assert_eq!(
            get(&mut e, "b").unwrap(),
            serde_json::json!({"resource": {"a": {"b": [{"x": 1}]}}})
        );
        assert_eq!(
            get(&mut e, "c").unwrap(),
            serde_json::json!([{
                "path": pol.join("disk.tf").display().to_string(),
                "contents": {"resource": {"a": {"b": [{"x": 1}]}}},
            }])
        );
        let d = get(&mut e, "d").unwrap_err().to_string();
        assert!(d.contains("outside the policy folders"), "{d}");
        // Secrets come back redacted.
        std::fs::write(
            pol.join("keys.yaml"),
            "aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
        )
        .unwrap();
        let (_, v) = read_file(
            &Access {
                policy_dirs: vec![pol.clone()],
                roots: Vec::new(),
            },
            "keys.yaml",
        )
        .unwrap();
        let shown = v["aws_secret_access_key"].as_str().unwrap().to_string();
        assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
        assert!(d.contains("outside the policy folders"), "{d}");
    }
}
