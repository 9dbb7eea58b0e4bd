//! Findings carry the fix in their format's own terms (`fixes` in rule metadata).
//!
//! A finding from a Terraform module shows the rule's `fixes.terraform` as its
//! help, one from a serverless.yml `fixes.serverless`, and one from a
//! CloudFormation or SAM template the rule's `remediation`. The JSON report's
//! `remediation` field is what every report format reads.

use std::collections::BTreeMap;

use crate::common;

/// Every built-in rule's metadata, by id.
fn rules() -> BTreeMap<String, faasguard::rule::Metadata> {
    let engine = faasguard::scan::load_engine(&common::settings(&[])).expect("policies load");
    engine
        .rules()
        .iter()
        .map(|r| (r.meta.id.clone(), r.meta.clone()))
        .collect()
}

/// `(rule_id, remediation)` of every finding of scanning `file` (relative to
/// the crate root) to JSON.
fn remediations(file: &str) -> Vec<(String, String)> {
    let (code, report) = common::json_run(&["scan", file, "--format", "json"], &[]);
    assert_eq!(code, Some(1), "{file} has findings");
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["remediation"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The fix a rule gives for `format`, which must exist.
fn fix<'a>(
    rules: &'a BTreeMap<String, faasguard::rule::Metadata>,
    id: &str,
    format: &str,
) -> &'a str {
    rules
        .get(id)
        .and_then(|m| m.fixes.get(format))
        .unwrap_or_else(|| panic!("{id} has a {format} fix"))
}

#[test]
fn a_terraform_finding_shows_the_terraform_fix() {
    let rules = rules();
    let found = remediations("fixtures/rules/FG-OBS-001/fail.tf");
    let expected = fix(&rules, "FG-OBS-001", "terraform");
    assert!(expected.contains("tracing_config { mode = \"Active\" }"));
    let obs: Vec<&str> = found
        .iter()
        .filter(|(id, _)| id == "FG-OBS-001")
        .map(|(_, r)| r.as_str())
        .collect();
    // Both functions of the fixture: one unset, one PassThrough.
    assert_eq!(obs, vec![expected, expected]);
    assert_ne!(expected, rules["FG-OBS-001"].remediation);
}

#[test]
fn a_serverless_finding_shows_the_serverless_fix() {
    let rules = rules();
    let found = remediations("fixtures/rules/FG-OBS-001/fail.serverless.yml");
    let expected = fix(&rules, "FG-OBS-001", "serverless");
    assert!(expected.contains("provider.tracing.lambda: true"));
    let obs: Vec<&str> = found
        .iter()
        .filter(|(id, _)| id == "FG-OBS-001")
        .map(|(_, r)| r.as_str())
        .collect();
    // `inherits` (provider `tracing.lambda: false`) and `untraced`.
    assert_eq!(obs, vec![expected, expected]);
    // Every other rule firing on the service shows its serverless fix too.
    for (id, remediation) in &found {
        assert_eq!(remediation, fix(&rules, id, "serverless"), "{id}");
    }
}

#[test]
fn a_resources_section_finding_shows_the_serverless_fix() {
    // The queue is declared in `resources:`; the fix still speaks
    // serverless.yml, pointing into that section.
    let rules = rules();
    let found = remediations("fixtures/rules/FG-ENC-005/fail.serverless.yml");
    let expected = fix(&rules, "FG-ENC-005", "serverless");
    assert!(expected.contains("resources.Resources"));
    assert!(found
        .iter()
        .any(|(id, r)| id == "FG-ENC-005" && r == expected));
}

#[test]
fn a_template_finding_falls_back_to_the_remediation() {
    let rules = rules();
    let found = remediations("fixtures/rules/FG-OBS-001/fail.sam.yaml");
    let obs: Vec<&(String, String)> = found.iter().filter(|(id, _)| id == "FG-OBS-001").collect();
    assert!(!obs.is_empty());
    for (_, r) in obs {
        assert_eq!(r, &rules["FG-OBS-001"].remediation);
    }
}

/// Whether a fixture file name is a Terraform / serverless fixture.
fn is_terraform(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json") || name == "expected.tf.toml"
}

fn is_serverless(name: &str) -> bool {
    name.contains("serverless.")
}

#[test]
fn every_rule_with_a_format_fixture_has_that_formats_fix() {
    let mut missing = Vec::new();
    let mut checked = 0;
    for (id, meta) in rules() {
        let dir = common::root().join("fixtures/rules").join(&id);
        let names: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().to_string())
                    .collect()
            })
            .unwrap_or_default();
        for (format, has) in [
            ("terraform", names.iter().any(|n| is_terraform(n))),
            ("serverless", names.iter().any(|n| is_serverless(n))),
        ] {
            if !has {
                continue;
            }
            checked += 1;
            match meta.fixes.get(format) {
                Some(f) if !f.trim().is_empty() && &**f != meta.remediation.as_str() => {}
                _ => missing.push(format!("{id}: {format}")),
            }
        }
    }
    assert!(
        missing.is_empty(),
        "rules without a fix for a format they have fixtures of: {missing:?}"
    );
    // Most rules have both; a count far below means the fixtures were not found.
    assert!(checked > 50, "only {checked} (rule, format) pairs checked");
}

#[test]
fn a_rule_that_cannot_fire_on_a_format_has_no_fix_for_it() {
    // FG-SEC-002 reads template parameters, which neither Terraform nor a
    // serverless.yml (whose `resources:` has no `Parameters`) produce.
    let rules = rules();
    assert!(rules["FG-SEC-002"].fixes.is_empty());
}
