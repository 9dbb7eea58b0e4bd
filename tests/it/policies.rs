//! Custom policies through the binary: conftest-style policies run against
//! the raw document, `faasguard rules` listing them, and `faasguard policy
//! test`.

use predicates::prelude::*;

use crate::cli::faasguard;
use crate::common;

#[test]
fn conftest_v0_collection_runs_unchanged() {
    faasguard()
        .current_dir(common::root())
        .args([
            "scan",
            "--policy",
            "fixtures/conftest/awssam/policy",
            "fixtures/conftest/awssam/lambda.yaml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "high[CONFTEST-main-deny]: python2.7 runtime not allowed\n  --> fixtures/conftest/awssam/lambda.yaml:1:1",
        ))
        .stdout(predicate::str::contains(
            "high[CONFTEST-main-deny]: excessive Action permissions not allowed",
        ))
        .stdout(predicate::str::contains(
            "Sensitive data not allowed in environment variables: DbPassword",
        ))
        .stdout(predicate::str::contains(
            "low[CONFTEST-main-warn]: Lambda timeout above one minute",
        ))
        .stderr(predicate::str::contains("warning").not());
}

#[test]
fn deny_rules_exceptions_warn_and_violation() {
    let run = |file: &str| {
        let out = faasguard()
            .current_dir(common::root())
            .args([
                "scan",
                "--format",
                "json",
                "--policy",
                "fixtures/conftest/exceptions/policy",
                file,
            ])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let mut got: Vec<(String, String, String)> = v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|f| f["rule_id"].as_str().unwrap_or("").starts_with("CONFTEST-"))
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap_or("").to_string(),
                    f["severity"].as_str().unwrap_or("").to_string(),
                    f["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        got.sort();
        got
    };
    let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    let bucket = s(
        "CONFTEST-main-deny_bucket_ref",
        "high",
        "the function's bucket is a reference",
    );
    let memory = s(
        "CONFTEST-main-violation_memory",
        "high",
        "Worker asks for 4096 MB",
    );
    let tracing = s(
        "CONFTEST-main-warn_tracing",
        "low",
        "Worker has no X-Ray tracing",
    );
    assert_eq!(
        run("fixtures/conftest/exceptions/function.yaml"),
        vec![
            bucket.clone(),
            s(
                "CONFTEST-main-deny_unreserved",
                "high",
                "Worker must set ReservedConcurrentExecutions"
            ),
            memory.clone(),
            tracing.clone(),
        ]
    );
    // The exception exempts `deny_unreserved` only.
    assert_eq!(
        run("fixtures/conftest/exceptions/exempt.yaml"),
        vec![bucket, memory, tracing]
    );
}

#[test]
fn conftest_findings_reach_sarif() {
    let out = faasguard()
        .current_dir(common::root())
        .args([
            "scan",
            "--format",
            "sarif",
            "--policy",
            "fixtures/conftest/exceptions/policy",
            "fixtures/conftest/exceptions/function.yaml",
        ])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"CONFTEST-main-deny_unreserved\""), "{text}");
}

#[test]
fn namespace_selects_the_conftest_package() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("p.rego"),
        "package custom\n\ndeny[msg] {\n\tinput.Resources[_].Type == \"AWS::S3::Bucket\"\n\tmsg := \"no buckets\"\n}\n",
    )
    .expect("write");
    faasguard()
        .current_dir(common::root())
        .args(["scan", "--namespace", "custom", "--policy"])
        .arg(dir.path())
        .arg("fixtures/conftest/exceptions/function.yaml")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "high[CONFTEST-custom-deny]: no buckets",
        ));
}

#[test]
fn rules_lists_conftest_rules_with_their_source() {
    faasguard()
        .current_dir(common::root())
        .args(["rules", "--policy", "fixtures/conftest/exceptions/policy"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("FG-IAM-001"))
        .stdout(
            predicate::str::is_match(
                r"CONFTEST-main-warn_tracing +low +conftest rule main.warn_tracing +fixtures/conftest/exceptions/policy/policy.rego",
            )
            .expect("regex"),
        );
}

#[test]
fn a_conftest_policy_that_does_not_compile_names_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.rego");
    std::fs::write(
        &file,
        "package main\n\ndeny[msg] {\n\tinput.kind == \"Deployment\"\n\tmsg := \n}\n",
    )
    .expect("write");
    faasguard()
        .current_dir(common::root())
        .args(["scan", "--policy"])
        .arg(&file)
        .arg("fixtures/conftest/exceptions/function.yaml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:6:", file.display())));
}

#[test]
fn a_conftest_policy_with_an_unknown_builtin_names_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("nb.rego");
    std::fs::write(
        &file,
        "package main\n\ndeny[msg] {\n\tno_such_builtin(input)\n\tmsg := \"x\"\n}\n",
    )
    .expect("write");
    faasguard()
        .current_dir(common::root())
        .args(["scan", "--policy"])
        .arg(&file)
        .arg("fixtures/conftest/exceptions/function.yaml")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!("{}:4:", file.display())))
        .stderr(predicate::str::contains("no_such_builtin"));
}

#[test]
fn policy_test_passes() {
    faasguard()
        .current_dir(common::root())
        .args(["policy", "test", "fixtures/policy-test/pass"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "PASS data.faasguard.rules.custom.long_timeout_test.test_long_timeout_is_denied",
        ))
        .stdout(predicate::str::contains(
            "PASS data.main.test_python27_denied",
        ))
        .stdout(predicate::str::ends_with("3 passed, 0 failed\n"));
}

#[test]
fn policy_test_fails() {
    faasguard()
        .current_dir(common::root())
        .args(["policy", "test", "fixtures/policy-test/fail"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "PASS data.example_test.test_passes",
        ))
        .stdout(predicate::str::contains(
            "FAIL data.example_test.test_fails",
        ))
        .stdout(predicate::str::ends_with("1 passed, 1 failed\n"));
}

#[test]
fn policy_test_compile_error_names_file_and_line() {
    faasguard()
        .current_dir(common::root())
        .args(["policy", "test", "fixtures/policy-test/broken"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "fixtures/policy-test/broken/broken_test.rego:6:",
        ));
}

#[test]
fn policy_test_missing_dir_is_an_error() {
    faasguard()
        .args(["policy", "test", "no/such/dir"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/dir"));
}

#[test]
fn conftest_policies_import_v0_libraries() {
    faasguard()
        .current_dir(common::root())
        .args([
            "scan",
            "--policy",
            "fixtures/conftest/library/policy",
            "fixtures/conftest/exceptions/function.yaml",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "high[CONFTEST-main-deny]: Worker: no tracing",
        ));
}

#[test]
fn conftest_loc_points_at_the_place_it_names() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policy")).unwrap();
    std::fs::write(
        dir.path().join("policy/loc.rego"),
        r#"package main

deny[res] {
  fn := input.Resources[name]
  fn.Properties.Timeout > 900
  res := {"msg": sprintf("%s: timeout too long", [name]), "_loc": {"path": sprintf("Resources.%s.Properties.Timeout", [name])}}
}

warn[res] {
  input.Description
  res := {"msg": "has a description", "_loc": {"line": 2, "column": 3}}
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nDescription: x\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 901\n",
    )
    .unwrap();
    let out = faasguard()
        .current_dir(dir.path())
        .args([
            "scan",
            "template.yaml",
            "--format",
            "json",
            "--policy",
            "policy",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let at = |id: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule_id"] == id)
            .map(|f| {
                (
                    f["start"]["line"].as_u64().unwrap(),
                    f["start"]["column"].as_u64().unwrap(),
                )
            })
    };
    assert_eq!(at("CONFTEST-main-deny"), Some((7, 16)));
    assert_eq!(at("CONFTEST-main-warn"), Some((2, 3)));
}
