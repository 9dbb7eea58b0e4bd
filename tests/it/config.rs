//! `.faasguard.toml` through the binary: every problem reported with its
//! line, rules disabled by id and area, severity overrides, policy
//! directories, and `faasguard init`.

use std::path::Path;

use predicates::prelude::*;

use crate::cli::faasguard;
use crate::common;

/// A temporary project holding the FG-TMO-001 fixture (findings of
/// FG-TMO-001, medium, and FG-OBS-001, low) and the given config.
fn project(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("fixtures/rules/FG-TMO-001/fail.sam.yaml"),
        dir.path().join("template.yaml"),
    )
    .unwrap();
    std::fs::write(dir.path().join(".faasguard.toml"), config).unwrap();
    dir
}

/// (exit code, rule ids found, JSON report) of a scan of `dir`.
fn scan(dir: &Path, extra: &[&str]) -> (i32, Vec<String>, serde_json::Value) {
    let out = faasguard()
        .current_dir(dir)
        .args(["scan", ".", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON report; stderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let mut ids: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    (out.status.code().unwrap(), ids, report)
}

#[test]
fn every_problem_is_reported_with_its_line() {
    let dir = project(
        "fail_on = \"urgent\"\n\
         [rules]\n\
         disable = [\"FG-OBS-001\", \"OSB-1\"]\n\
         [advisories]\n\
         online = \"yes\"\n\
         colour = true\n",
    );
    faasguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("4 problems"))
        .stderr(predicate::str::contains(
            ".faasguard.toml:1: invalid value for `fail_on`",
        ))
        .stderr(predicate::str::contains(
            ".faasguard.toml:3: `OSB-1` is not a rule id",
        ))
        .stderr(predicate::str::contains("/./").not())
        .stderr(predicate::str::contains(
            ".faasguard.toml:5: invalid type for `online`",
        ))
        .stderr(predicate::str::contains(
            ".faasguard.toml:6: unknown field `colour`",
        ));
}

#[test]
fn unknown_rule_ids_and_areas_are_errors() {
    let dir = project(
        "[rules]\ndisable = [\"FG-OBS-999\", \"XYZ\"]\n[rules.severity]\n\"FG-TMO-001\" = \"low\"\n",
    );
    faasguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            ".faasguard.toml:2: unknown rule or area `FG-OBS-999`",
        ))
        .stderr(predicate::str::contains(
            ".faasguard.toml:2: unknown rule or area `XYZ`",
        ));
}

#[test]
fn rules_are_disabled_by_id_and_by_area() {
    let (code, ids, _) = scan(project("").path(), &[]);
    assert_eq!(
        (code, ids),
        (
            1,
            vec![
                "FG-DEP-003".into(),
                "FG-OBS-001".into(),
                "FG-TMO-001".into()
            ]
        )
    );

    let (_, ids, _) = scan(project("[rules]\ndisable = [\"FG-OBS-001\"]\n").path(), &[]);
    assert_eq!(
        ids,
        vec!["FG-DEP-003".to_string(), "FG-TMO-001".to_string()]
    );
    // Disabled rules are not in SARIF's rule list either.
    let out = faasguard()
        .current_dir(project("[rules]\ndisable = [\"FG-OBS-001\"]\n").path())
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &sarif["runs"][0];
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(!rule_ids.contains(&"FG-OBS-001"), "{rule_ids:?}");
    assert!(rule_ids.contains(&"FG-TMO-001"));
    assert!(run["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["ruleId"] != "FG-OBS-001"));

    let (_, ids, _) = scan(project("[rules]\ndisable = [\"TMO\"]\n").path(), &[]);
    assert_eq!(
        ids,
        vec!["FG-DEP-003".to_string(), "FG-OBS-001".to_string()]
    );

    // An allow-list: only the areas and rules named run.
    let (_, ids, _) = scan(project("[rules]\nenable = [\"TMO\"]\n").path(), &[]);
    assert_eq!(ids, vec!["FG-TMO-001".to_string()]);
}

#[test]
fn severity_overrides_change_reports_and_the_exit_code() {
    let plain = project("");
    let (code, _, _) = scan(plain.path(), &["--fail-on", "high"]);
    assert_eq!(code, 0, "FG-TMO-001 is medium");

    let raised = project("[rules.severity]\n\"FG-TMO-001\" = \"critical\"\n");
    let (code, _, report) = scan(raised.path(), &["--fail-on", "high"]);
    assert_eq!(code, 1);
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "FG-TMO-001")
        .unwrap();
    assert_eq!(f["severity"], "critical");
    assert_eq!(
        report["config"]["severity_overrides"],
        serde_json::json!({"FG-TMO-001": "critical"})
    );

    let out = faasguard()
        .current_dir(raised.path())
        .args(["scan", ".", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rule = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "FG-TMO-001")
        .unwrap()
        .clone();
    assert_eq!(rule["properties"]["security-severity"], "9.5");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");

    // Lowered below the threshold, the scan passes.
    let lowered = project("fail_on = \"medium\"\n[rules.severity]\n\"FG-TMO-001\" = \"low\"\n");
    let (code, _, _) = scan(lowered.path(), &[]);
    assert_eq!(code, 0);
}

#[test]
fn policy_directories_come_from_the_config() {
    let dir = project("policies = [\"company\"]\n");
    std::fs::create_dir(dir.path().join("company")).unwrap();
    std::fs::write(
        dir.path().join("company/owner.rego"),
        r#"package faasguard.rules.custom.owner

import rego.v1

metadata := {
	"id": "CUSTOM-OWN-001",
	"title": "Functions name an owner",
	"severity": "high",
	"area": "OWN",
	"remediation": "Tag the function with owner.",
}

deny contains {"resource": f.id, "message": sprintf("Function %s has no owner tag", [f.name])} if {
	some f in input.functions
	not f.tags.owner
}
"#,
    )
    .unwrap();
    let (_, ids, _) = scan(dir.path(), &[]);
    assert!(ids.contains(&"CUSTOM-OWN-001".to_string()), "{ids:?}");

    // Scanned from elsewhere, the directory is still found beside the config.
    let out = faasguard()
        .current_dir(common::root())
        .args(["scan", "--format", "json", "--config"])
        .arg(dir.path().join(".faasguard.toml"))
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CUSTOM-OWN-001"), "{text}");
}

#[test]
fn init_writes_a_config_that_loads_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    faasguard()
        .args(["init"])
        .arg(dir.path())
        .assert()
        .success();
    let path = dir.path().join(".faasguard.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("allow_inline_suppressions"));
    assert!(faasguard::config::parse("starter", &text).is_ok());
    // A scan honours it (a clean exit: nothing to scan).
    faasguard()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(0);

    std::fs::write(&path, "fail_on = \"low\"\n").unwrap();
    faasguard()
        .args(["init"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "fail_on = \"low\"\n"
    );
}
