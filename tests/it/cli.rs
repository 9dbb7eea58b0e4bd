//! The binary: exit codes, formats, subcommands.

use assert_cmd::Command;
use predicates::prelude::*;

use crate::common;

pub fn faasguard() -> Command {
    let mut c = Command::cargo_bin("faasguard").expect("binary");
    c.env("FAASGUARD_TODAY", "2026-11-23").env("NO_COLOR", "1");
    c
}

#[test]
fn findings_exit_1_and_point_at_the_value() {
    faasguard()
        .current_dir(common::root())
        .args(["scan", "fixtures/rules/FG-TMO-001/fail.sam.yaml"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "--> fixtures/rules/FG-TMO-001/fail.sam.yaml:11:16",
        ))
        .stdout(predicate::str::contains("medium[FG-TMO-001]"));
}

#[test]
fn fail_on_sets_the_threshold() {
    // Exit 1 exactly when some finding is at or above --fail-on.
    for level in ["low", "medium", "high", "critical"] {
        let out = faasguard()
            .current_dir(common::root())
            .args([
                "scan",
                "fixtures/demo",
                "--format",
                "json",
                "--fail-on",
                level,
            ])
            .output()
            .expect("runs");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let order = ["low", "medium", "high", "critical"];
        let min = order.iter().position(|l| *l == level).unwrap();
        let at_or_above: u64 = order[min..]
            .iter()
            .map(|l| report["summary"]["by_severity"][l].as_u64().unwrap())
            .sum();
        let want = if at_or_above > 0 { 1 } else { 0 };
        assert_eq!(out.status.code(), Some(want), "--fail-on {level}");
    }
}

#[test]
fn a_clean_file_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      KmsMasterKeyId: alias/custom\n",
    )
    .unwrap();
    faasguard()
        .args(["scan"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("0 findings in 1 file"));
}

#[test]
fn usage_errors_exit_2() {
    faasguard()
        .args(["scan", "--fail-on", "urgent"])
        .assert()
        .code(2);
    faasguard()
        .args(["scan", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn bad_config_exits_2_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".faasguard.toml"),
        "fail_on = \"high\"\nfial_on = 1\n",
    )
    .unwrap();
    faasguard()
        .args(["scan"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown field"))
        .stderr(predicate::str::contains(".faasguard.toml"));
}

#[test]
fn broken_policy_exits_2_naming_the_policy_file() {
    let dir = tempfile::tempdir().unwrap();
    let pol = dir.path().join("bad.rego");
    std::fs::write(&pol, "package faasguard.rules.custom.bad\n\nimport rego.v1\n\ndeny contains x if {\n  x := \n}\n").unwrap();
    faasguard()
        .current_dir(common::root())
        .args(["scan", "fixtures/demo", "--policy"])
        .arg(&pol)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.rego:"));
}

#[test]
fn output_file_has_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.txt");
    faasguard()
        .env_remove("NO_COLOR")
        .current_dir(common::root())
        .args(["scan", "fixtures/demo", "--output"])
        .arg(&out)
        .assert()
        .code(1);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("FG-TMO-001"));
}

#[test]
fn rules_and_explain() {
    faasguard()
        .args(["rules"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("FG-TMO-001"));
    let out = faasguard()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rules.as_array().is_some_and(|a| !a.is_empty()));
    faasguard()
        .args(["explain", "fg-tmo-001"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## Why is this bad?"))
        .stdout(predicate::str::contains("Fix:"))
        .stdout(predicate::str::contains("Fix (terraform): "))
        .stdout(predicate::str::contains("Fix (serverless): "));
    faasguard()
        .args(["explain", "FG-NOPE-999"])
        .assert()
        .code(2);
}

#[test]
fn the_readme_lists_every_rule() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let section = readme
        .split("<!-- rules:start -->")
        .nth(1)
        .and_then(|s| s.split("<!-- rules:end -->").next())
        .expect("rules section");
    let out = faasguard()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    for r in &rules {
        let id = r["id"].as_str().unwrap();
        let row = format!(
            "| `{id}` | {} | {} |",
            r["severity"].as_str().unwrap(),
            r["title"].as_str().unwrap()
        );
        assert!(
            section.contains(&row),
            "README rules table lacks or misstates: {row}"
        );
    }
    assert_eq!(
        section.matches("| `FG-").count(),
        rules.len(),
        "README lists rules that do not exist"
    );
}
