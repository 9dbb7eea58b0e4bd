//! Every rule has failing and passing fixtures under `fixtures/rules/<ID>/`,
//! one per format it applies to (`*.sam.yaml`, `*.cfn.yaml`, `*.cfn.json`),
//! and an `expected.toml` naming the lines each failing file must be flagged
//! at:
//!
//! ```toml
//! allowed_regions = ["eu"]        # optional settings for the scan
//! [files."fail.sam.yaml"]
//! lines = [21, 30]
//! ```
//!
//! Files starting with `pass` must produce no finding of that rule; files
//! starting with `fail` exactly the listed lines (other rules may fire).

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
    lines: Vec<u32>,
}

fn lines_for(rule: &str, file: &Path, expected: &Expected) -> Vec<u32> {
    let mut settings = common::settings(&[file]);
    settings.allowed_regions = expected.allowed_regions.clone();
    let outcome = common::scan_with(&settings);
    assert!(
        outcome.diagnostics.is_empty(),
        "{}: {:?}",
        file.display(),
        outcome.diagnostics
    );
    let mut lines: Vec<u32> = common::rule_lines(&outcome)
        .into_iter()
        .filter(|(r, _)| r == rule)
        .map(|(_, l)| l)
        .collect();
    lines.sort_unstable();
    lines
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
        let expected: Expected = std::fs::read_to_string(entry.path().join("expected.toml"))
            .map(|t| toml::from_str(&t).unwrap_or_else(|e| panic!("{rule}/expected.toml: {e}")))
            .unwrap_or_default();
        let mut files: Vec<_> = std::fs::read_dir(entry.path())
            .expect("dir")
            .flatten()
            .collect();
        files.sort_by_key(|e| e.file_name());
        for f in files {
            let name = f.file_name().to_string_lossy().to_string();
            if name == "expected.toml" {
                continue;
            }
            let got = lines_for(&rule, &f.path(), &expected);
            let want: Vec<u32> = if name.starts_with("pass") {
                Vec::new()
            } else if name.starts_with("fail") {
                let mut l = expected
                    .files
                    .get(&name)
                    .unwrap_or_else(|| panic!("{rule}: no expectation for {name}"))
                    .lines
                    .clone();
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
