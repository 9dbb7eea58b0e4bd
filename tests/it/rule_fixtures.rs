//! Every rule has failing and passing fixtures under `fixtures/rules/<ID>/`,
//! one per format it applies to (`*.sam.yaml`, `*.cfn.yaml`, `*.cfn.json`,
//! `*.tf`, `*.tf.json`, `*.serverless.yml`), and expectation files
//! (`expected.toml`, and per format `expected.<format>.toml`, merged) naming
//! the lines each failing file must be flagged at:
//!
//! ```toml
//! allowed_regions = ["eu"]        # optional settings for the scan
//! [files."fail.sam.yaml"]
//! lines = [21, 30]
//! [files."fail-module"]           # a directory: scanned as a whole
//! at = ["main.tf:12", "modules/fn/main.tf:3"]
//! ```
//!
//! Entries starting with `pass` must produce no finding of that rule;
//! entries starting with `fail` exactly the listed lines (other rules may
//! fire).

use std::collections::BTreeMap;
use std::path::Path;

use crate::common;

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Expected {
    #[serde(default)]
    allowed_regions: Vec<String>,
    #[serde(default)]
    files: BTreeMap<String, FileExpectation>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileExpectation {
    /// Lines in the fixture file.
    #[serde(default)]
    lines: Vec<u32>,
    /// `path:line` inside a fixture directory.
    #[serde(default)]
    at: Vec<String>,
}

/// The rule's findings as `line` (a file fixture) or `path:line` (a
/// directory fixture, path relative to it).
fn lines_for(rule: &str, entry: &Path, expected: &Expected) -> Vec<String> {
    let mut settings = common::settings(&[entry]);
    settings.allowed_regions = expected.allowed_regions.clone();
    let outcome = common::scan_with(&settings);
    assert!(
        outcome.diagnostics.is_empty(),
        "{}: {:?}",
        entry.display(),
        outcome.diagnostics
    );
    let is_dir = entry.is_dir();
    let mut lines: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| {
            let source = outcome.sources.get(f.span.file);
            let line = source.map_or(0, |s| s.line_col(f.span.start).line);
            if is_dir {
                let path = source
                    .and_then(|s| s.path.strip_prefix(entry).ok())
                    .map_or(String::new(), |p| p.to_string_lossy().replace('\\', "/"));
                format!("{path}:{line}")
            } else {
                line.to_string()
            }
        })
        .collect();
    lines.sort_unstable();
    lines
}

/// `expected.toml` and every `expected.<format>.toml` of a rule, merged.
fn expectations(rule: &str, dir: &Path) -> Expected {
    let mut merged = Expected::default();
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("rule dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with("expected") && n.ends_with(".toml"))
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(dir.join(&name)).expect("read");
        let e: Expected = toml::from_str(&text).unwrap_or_else(|e| panic!("{rule}/{name}: {e}"));
        if !e.allowed_regions.is_empty() {
            merged.allowed_regions = e.allowed_regions;
        }
        for (file, exp) in e.files {
            assert!(
                merged.files.insert(file.clone(), exp).is_none(),
                "{rule}: {file} expected twice"
            );
        }
    }
    merged
}

#[test]
fn every_rule_fires_on_its_failing_fixtures_at_the_expected_lines() {
    let dir = common::root().join("fixtures/rules");
    let mut checked = 0;
    let mut problems = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures/rules")
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let rule = entry.file_name().to_string_lossy().to_string();
        let expected = expectations(&rule, &entry.path());
        let mut files: Vec<_> = std::fs::read_dir(entry.path())
            .expect("dir")
            .flatten()
            .collect();
        files.sort_by_key(|e| e.file_name());
        for f in files {
            let name = f.file_name().to_string_lossy().to_string();
            if name.starts_with("expected") {
                continue;
            }
            let got = lines_for(&rule, &f.path(), &expected);
            let want: Vec<String> = if name.starts_with("pass") {
                Vec::new()
            } else if name.starts_with("fail") {
                let e = expected
                    .files
                    .get(&name)
                    .unwrap_or_else(|| panic!("{rule}: no expectation for {name}"));
                let mut l: Vec<String> = if f.path().is_dir() {
                    e.at.clone()
                } else {
                    e.lines.iter().map(u32::to_string).collect()
                };
                l.sort_unstable();
                l
            } else {
                panic!("{rule}/{name}: fixture names start with pass or fail");
            };
            if got != want {
                problems.push(format!(
                    "{rule}/{name}: expected lines {want:?}, got {got:?}"
                ));
            }
            checked += 1;
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    assert!(checked > 0);
}

#[test]
fn every_builtin_rule_has_passing_and_failing_fixtures() {
    let settings = common::settings(&[]);
    let mut engine = faasguard::scan::load_engine(&settings).expect("policies load");
    // The load-time checks a user's policies get on every run.
    faasguard::engine::Engine::check(&faasguard::scan::builtin_policies())
        .expect("every call in the built-in policies is a known builtin or function");
    engine
        .dry_run()
        .expect("every built-in rule runs on an empty model");
    let mut missing = Vec::new();
    for rule in engine.rules() {
        let dir = common::root().join("fixtures/rules").join(&rule.meta.id);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
        if !has("pass") || !has("fail") {
            missing.push(rule.meta.id.clone());
        }
        for section in ["What it does", "Why is this bad?", "Example", "Use instead"] {
            if faasguard::rule::section(&rule.doc, section).is_empty() {
                missing.push(format!("{}: doc section `{section}`", rule.meta.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without fixtures or docs: {missing:?}"
    );
}

/// Rules whose input collections are all empty in a template are skipped;
/// on every fixture template that must give exactly what evaluating every
/// rule gives.
#[test]
fn skipping_rules_with_nothing_to_read_changes_no_result() {
    let settings = common::settings(&[]);
    let mut fast = faasguard::scan::load_engine(&settings).expect("policies load");
    let mut full = fast.clone();
    full.set_skip_empty(false);
    let mut files = Vec::new();
    let mut stack = vec![common::root().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if matches!(
                p.extension().and_then(|x| x.to_str()),
                Some("yaml" | "yml" | "json")
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut checked = 0;
    for f in files {
        let Ok(model) = faasguard::scan::model_json(&f) else {
            continue;
        };
        let input = regorus::Value::from_json_str(&model.to_string()).unwrap();
        let key = |mut v: Vec<faasguard::engine::RawResult>| {
            v.sort_by(|a, b| {
                (a.rule, &a.resource, &a.path, &a.message).cmp(&(
                    b.rule,
                    &b.resource,
                    &b.path,
                    &b.message,
                ))
            });
            v
        };
        let a = key(fast.eval(input.clone()).unwrap());
        let b = key(full.eval(input).unwrap());
        assert_eq!(a, b, "{}", f.display());
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
}
