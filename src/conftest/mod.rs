//! conftest-style policies: `package main` with `deny`, `violation` and
//! `warn` rules (optionally suffixed, `deny_<name>`), evaluated unchanged
//! against the raw parsed document of each file, with conftest's
//! `exception` rules. They run in their own regorus engine because conftest
//! policies are usually Rego v0 (`deny[msg] { ... }`), which regorus only
//! accepts per engine; Rego v1 policies (with or without `import rego.v1`)
//! are accepted too.
//!
//! What a conftest user brings over works unchanged: the raw input of every
//! format faasguard parses ([`input`], with Terraform HCL in conftest's
//! `hcl2` shape, [`hcl`]), data documents ([`data`]), `--namespace` globs and
//! `--all-namespaces` ([`namespace`]), conftest's Rego functions
//! ([`builtins`]) and `conftest.toml` ([`config`]). `docs/conftest.md` lists
//! what differs.

pub(crate) mod builtins;
pub mod config;
pub mod data;
pub(crate) mod hcl;
pub(crate) mod input;
pub mod namespace;

use std::sync::Arc;

use crate::engine::files::{EngineError, PolicyFile};
use crate::engine::results::RawResult;
use crate::rule::{Metadata, Rule, Severity};

/// The packages conftest looks in by default.
pub const DEFAULT_NAMESPACE: &str = "main";

/// The package a policy declares (`package a.b` → `a.b`).
pub fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("package ")?;
        let name: String = rest
            .trim()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        (!name.is_empty()).then_some(name)
    })
}

/// Whether a policy belongs to the conftest engine.
pub fn is_conftest(p: &PolicyFile, namespaces: &[String]) -> bool {
    !p.builtin && package_of(&p.text).is_some_and(|pkg| namespace::matches(&pkg, namespaces))
}

/// Split policies for the two engines: (conftest policies, policies for
/// faasguard's engine, libraries shared by both). Users' packages outside
/// `faasguard.*` and the conftest namespaces are libraries (conftest's
/// `package lib.kubernetes`): when conftest policies are loaded they are
/// compiled with them too, and left out of faasguard's engine when they are
/// not Rego v1 (conftest libraries are usually Rego v0).
pub fn split<'a>(
    policies: &'a [PolicyFile],
    namespaces: &[String],
) -> (
    Vec<&'a PolicyFile>,
    Vec<&'a PolicyFile>,
    Vec<&'a PolicyFile>,
) {
    let (conftest, rest): (Vec<&PolicyFile>, Vec<&PolicyFile>) =
        policies.iter().partition(|p| is_conftest(p, namespaces));
    let mut main = Vec::new();
    let mut shared = Vec::new();
    for p in rest {
        let library = !p.builtin
            && package_of(&p.text)
                .is_some_and(|k| k != "faasguard" && !k.starts_with("faasguard."));
        if library {
            shared.push(p);
            let v1 = regorus::Engine::new()
                .add_policy(p.path.clone(), p.text.clone())
                .is_ok();
            // A Rego v0 package outside faasguard's is a conftest policy
            // or library (of a namespace not selected, perhaps): never
            // faasguard's. One that parses as neither stays, so its error
            // is reported.
            if !v1
                && new_engine(true)
                    .add_policy(p.path.clone(), p.text.clone())
                    .is_ok()
            {
                continue;
            }
        }
        main.push(p);
    }
    if conftest.is_empty() {
        shared.clear();
    }
    (conftest, main, shared)
}

/// The rule kinds conftest evaluates: `deny`, `violation`, `warn`, or one of
/// them with a `_<name>` suffix. Returns (kind, suffix).
pub fn is_rule_name(name: &str) -> bool {
    rule_kind(name).is_some()
}

/// The rule kinds conftest evaluates: `deny`, `violation`, `warn`, or one of
/// them with a `_<name>` suffix. Returns (kind, suffix).
fn rule_kind(name: &str) -> Option<(&'static str, &str)> {
    for kind in ["deny", "violation", "warn"] {
        if name == kind {
            return Some((kind, ""));
        }
        if let Some(rest) = name.strip_prefix(kind).and_then(|r| r.strip_prefix('_')) {
            if !rest.is_empty() {
                return Some((kind, rest));
            }
        }
    }
    None
}

/// Rule names declared at the start of a line (`deny[msg] {`, `deny_x contains`).
fn declared_rules(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if rule_kind(&name).is_some() && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[derive(Clone)]
struct ConftestRule {
    /// `data.main`
    package: String,
    /// `deny_run_as_root`
    name: String,
    id: String,
}

/// What conftest policies get besides their text.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Data documents (`--data`, data files in policy folders), merged.
    pub data: serde_json::Value,
    /// The scanned paths: `parse_config_file` may read there too.
    pub roots: Vec<std::path::PathBuf>,
}

/// The compiled conftest policies.
#[derive(Clone)]
pub struct Conftest {
    engine: regorus::Engine,
    rules: Vec<ConftestRule>,
    /// Packages that define `exception`.
    exceptions: Vec<String>,
}

fn new_engine(v0: bool) -> regorus::Engine {
    let mut e = regorus::Engine::new();
    e.set_strict_builtin_errors(false);
    e.set_rego_v0(v0);
    e
}

/// Each policy's package (`data.main`) beside the policy.
pub type Packages<'a> = Vec<(String, &'a PolicyFile)>;

/// Compile `base` policies (faasguard's own, Rego v1) and `policies` into
/// one engine: Rego v0 if every policy parses as v0 (v1 modules that
/// `import rego.v1` do), Rego v1 otherwise. Returns the engine and each
/// policy's package (`data.main`).
pub fn compile<'a>(
    base: &[PolicyFile],
    policies: &[&'a PolicyFile],
) -> Result<(regorus::Engine, Packages<'a>), EngineError> {
    let with_base = |v0: bool| -> Result<regorus::Engine, EngineError> {
        let mut e = new_engine(v0);
        for b in base {
            e.add_policy(b.path.clone(), b.text.clone())
                .map_err(|e| EngineError::Policy(e.to_string()))?;
        }
        Ok(e)
    };
    let located = |p: &PolicyFile, e: String| {
        EngineError::Policy(if e.contains(&p.path) {
            e
        } else {
            format!("{}: {e}", p.path)
        })
    };
    // Rego v1 first (conftest's current default; it warns about nothing),
    // then, when some policy is not v1, Rego v0 for all of them.
    let mut v1 = with_base(false)?;
    let mut packages = Vec::new();
    let mut not_v1: Option<(&PolicyFile, String)> = None;
    for p in policies {
        match v1.add_policy(p.path.clone(), p.text.clone()) {
            Ok(pkg) => packages.push((pkg, *p)),
            Err(e) => {
                not_v1 = Some((p, e.to_string()));
                break;
            }
        }
    }
    let Some((first, v1_error)) = not_v1 else {
        return Ok((v1, packages));
    };
    let mut v0 = with_base(true)?;
    let mut packages = Vec::new();
    // Every policy is read before giving up, so each bad one is named.
    let mut bad: Vec<EngineError> = Vec::new();
    for p in policies {
        match v0.add_policy(p.path.clone(), p.text.clone()) {
            Ok(pkg) => packages.push((pkg, *p)),
            Err(e) if std::ptr::eq(*p, first) => {
                // Neither v1 nor v0: report the error of the syntax it looks like.
                let v1_style = p.text.contains(" contains ") || p.text.contains(" if ");
                let message = if v1_style {
                    v1_error.clone()
                } else {
                    e.to_string()
                };
                bad.push(located(p, message));
            }
            Err(e) => {
                // A Rego v1 policy beside a v0 one: say how to mix them. A
                // policy that is neither is just broken.
                let is_v1 = new_engine(false)
                    .add_policy(p.path.clone(), p.text.clone())
                    .is_ok();
                let message = if is_v1 {
                    format!(
                        "{e}\n(this policy is Rego v1 while {} is Rego v0: add `import rego.v1` to the Rego v1 policies)",
                        first.path
                    )
                } else {
                    e.to_string()
                };
                bad.push(located(p, message));
            }
        }
    }
    match bad.len() {
        0 => Ok((v0, packages)),
        1 => Err(bad.remove(0)),
        _ => Err(EngineError::Policies(
            bad.iter()
                .map(|e| e.to_string().trim().to_owned())
                .collect(),
        )),
    }
}

impl Conftest {
    /// Compile the conftest policies; returns the engine and the rules it
    /// declares (for `faasguard rules` and the reports).
    pub fn new(
        policies: &[&PolicyFile],
        namespaces: &[String],
        options: &Options,
    ) -> Result<(Conftest, Vec<Rule>), EngineError> {
        let (mut engine, packages) = compile(&[], policies)?;
        if options.data.as_object().is_some_and(|o| !o.is_empty()) {
            let data = regorus::Value::from_json_str(&options.data.to_string())
                .map_err(|e| EngineError::Policy(format!("conftest data: {e}")))?;
            engine
                .add_data(data)
                .map_err(|e| EngineError::Policy(format!("conftest data: {e}")))?;
        }
        builtins::register(
            &mut engine,
            Arc::new(builtins::Access::new(policies, &options.roots)),
        )?;

        let mut rules: Vec<ConftestRule> = Vec::new();
        let mut meta: Vec<Rule> = Vec::new();
        let mut exceptions = Vec::new();
        for (pkg, file) in &packages {
            let short = pkg.strip_prefix("data.").unwrap_or(pkg);
            // Libraries compiled alongside declare no conftest rules.
            if !namespace::matches(short, namespaces) {
                continue;
            }
            if file
                .text
                .lines()
                .any(|l| l.starts_with("exception[") || l.starts_with("exception "))
                && !exceptions.contains(pkg)
            {
                exceptions.push(pkg.clone());
            }
            for name in declared_rules(&file.text) {
                if rules.iter().any(|r| &r.package == pkg && r.name == name) {
                    continue;
                }
                let (kind, _) = rule_kind(&name).unwrap_or(("deny", ""));
                let id = format!("CONFTEST-{short}-{name}");
                let severity = if kind == "warn" {
                    Severity::Low
                } else {
                    Severity::High
                };
                meta.push(Rule {
                    meta: Metadata {
                        id: id.clone(),
                        title: format!("conftest rule {short}.{name}"),
                        severity,
                        area: "CONFTEST".into(),
                        remediation: format!("See the conftest policy {}.", file.path),
                        references: Vec::new(),
                        formats: Vec::new(),
                        fixes: Default::default(),
                    },
                    source: file.path.clone(),
                    package: format!("{pkg}.{name}"),
                    doc: crate::rule::doc_block(&file.text),
                    builtin: false,
                });
                rules.push(ConftestRule {
                    package: pkg.clone(),
                    name,
                    id,
                });
            }
        }
        Ok((
            Conftest {
                engine,
                rules,
                exceptions,
            },
            meta,
        ))
    }

    /// Evaluate every conftest rule against a raw document. `index` maps a
    /// rule id to its index in the engine's rule list.
    pub fn eval(
        &mut self,
        doc: &serde_json::Value,
        index: &dyn Fn(&str) -> Option<usize>,
    ) -> Result<Vec<RawResult>, EngineError> {
        let input = regorus::Value::from_json_str(&doc.to_string())
            .map_err(|e| EngineError::Policy(format!("conftest input: {e}")))?;
        self.engine.set_input(input);
        let mut exempt: Vec<(String, String)> = Vec::new();
        for pkg in &self.exceptions {
            let v = self
                .engine
                .eval_rule(format!("{pkg}.exception"))
                .map_err(|e| EngineError::Policy(e.to_string()))?;
            let items: Vec<regorus::Value> = match v {
                regorus::Value::Set(s) => s.iter().cloned().collect(),
                regorus::Value::Array(a) => a.iter().cloned().collect(),
                _ => Vec::new(),
            };
            for item in items {
                let names: Vec<regorus::Value> = match item {
                    regorus::Value::Array(a) => a.iter().cloned().collect(),
                    regorus::Value::Set(s) => s.iter().cloned().collect(),
                    other => vec![other],
                };
                for n in names {
                    if let regorus::Value::String(s) = n {
                        exempt.push((pkg.clone(), s.to_string()));
                    }
                }
            }
        }
        let mut out = Vec::new();
        for r in &self.rules {
            let Some(i) = index(&r.id) else { continue };
            let (kind, suffix) = rule_kind(&r.name).unwrap_or(("deny", ""));
            // conftest: exceptions exempt `deny_<name>` and
            // `violation_<name>`; the empty name exempts `deny`/`violation`.
            // The rule still runs: what it finds is reported as excepted.
            let excepted = kind != "warn"
                && exempt
                    .iter()
                    .any(|(p, s)| *p == r.package && s.as_str() == suffix);
            let v = self
                .engine
                .eval_rule(format!("{}.{}", r.package, r.name))
                .map_err(|e| EngineError::Policy(e.to_string()))?;
            let first = out.len();
            crate::engine::results::collect_results(i, &v, &mut out);
            if excepted {
                let reason = format!("conftest exception \"{suffix}\" ({}.exception)", r.package);
                for res in &mut out[first..] {
                    res.exception = Some(reason.clone());
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_kinds() {
        assert_eq!(rule_kind("deny"), Some(("deny", "")));
        assert_eq!(rule_kind("deny_x_y"), Some(("deny", "x_y")));
        assert_eq!(rule_kind("warn_"), None);
        assert_eq!(rule_kind("denyx"), None);
        assert_eq!(rule_kind("exception"), None);
        assert_eq!(
            declared_rules("package main\n\ndeny[msg] {\n}\nwarn_a contains m if {\n"),
            vec!["deny".to_string(), "warn_a".to_string()]
        );
        assert_eq!(package_of("# x\npackage main\n").as_deref(), Some("main"));
    }

    fn file(path: &str, text: &str) -> PolicyFile {
        PolicyFile {
            path: path.to_owned(),
            text: text.to_owned(),
            builtin: false,
        }
    }

    fn error_of(policies: &[PolicyFile]) -> String {
        let refs: Vec<&PolicyFile> = policies.iter().collect();
        match compile(&[], &refs) {
            Ok(_) => panic!("compiles"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn every_bad_policy_is_named_and_a_broken_one_gets_no_mixing_hint() {
        let v0 = "package main\n\ndeny[msg] {\n  input.x\n  msg := \"x\"\n}\n";
        let broken = "package main\n\nwarn[msg] {{\n";
        let other = "package main\n\nviolation[msg] {\n  msg := \n}\n";
        // Two broken files beside a good one: both named, no hint.
        let err = error_of(&[
            file("a.rego", broken),
            file("ok.rego", v0),
            file("b.rego", other),
        ]);
        assert!(err.starts_with("2 policy files do not parse:"), "{err}");
        assert!(
            err.contains("a.rego:3:") && err.contains("b.rego:"),
            "{err}"
        );
        assert!(!err.contains("import rego.v1"), "{err}");
    }
}
