//! Baselines through the binary: `baseline create`, then `scan --baseline`
//! reports only what is new, keeps matching when lines move, and lists what
//! was fixed.

use predicates::prelude::*;
use serde_json::Value;

use crate::cli::faasguard;

const BEFORE: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.7
      CodeUri: src/
      Timeout: 30
  Bucket:
    Type: AWS::S3::Bucket
"#;

/// The same template edited: resources reordered and pushed down by
/// comments, the deprecated runtime fixed, and a new problem (an
/// unencrypted queue) added.
const AFTER: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
# Storage first now.
#
Resources:
  Bucket:
    Type: AWS::S3::Bucket

  # The API.
  Api:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Timeout: 30
      Runtime: python3.12
      Handler: app.handler

  Queue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: false
"#;

fn scan_json(dir: &std::path::Path, extra: &[&str]) -> (Option<i32>, Value) {
    let out = faasguard()
        .current_dir(dir)
        .args(["scan", ".", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

fn rule_ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn create_then_scan_shows_nothing_new_until_the_template_changes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), BEFORE).unwrap();
    let (code, before) = scan_json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    let before_ids = rule_ids(&before["findings"]);
    assert!(before_ids.contains(&"FG-RUN-001".to_string()));
    assert!(before_ids.contains(&"FG-ENC-002".to_string()));

    faasguard()
        .current_dir(dir.path())
        .args(["baseline", "create"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains(format!(
            "wrote {} findings to .faasguard-baseline.json",
            before_ids.len()
        )));
    let file = std::fs::read_to_string(dir.path().join(".faasguard-baseline.json")).unwrap();
    // Diff-friendly: one entry per line, sorted by file, rule and resource.
    let entries: Vec<&str> = file
        .lines()
        .filter(|l| l.contains("\"fingerprint\""))
        .collect();
    assert_eq!(entries.len(), before_ids.len(), "{file}");
    let mut sorted = entries.clone();
    sorted.sort_by_key(|l| {
        let v: Value = serde_json::from_str(l.trim().trim_end_matches(',')).unwrap();
        (
            v["file"].as_str().unwrap().to_string(),
            v["rule_id"].as_str().unwrap().to_string(),
            v["resource"].as_str().unwrap_or("").to_string(),
        )
    });
    assert_eq!(entries, sorted);
    assert!(entries[0].contains("\"file\": \"template.yaml\""), "{file}");

    // Right after: nothing new, exit 0, everything shown as suppressed.
    let (code, report) = scan_json(dir.path(), &["--baseline", ".faasguard-baseline.json"]);
    assert_eq!(code, Some(0));
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(rule_ids(&report["suppressed"]), before_ids);
    for s in report["suppressed"].as_array().unwrap() {
        assert_eq!(s["suppression"]["kind"], "external");
        assert_eq!(s["suppression"]["origin"], "baseline");
        assert!(s["suppression"].get("start").is_none());
    }
    assert_eq!(report["baseline"]["file"], ".faasguard-baseline.json");
    assert_eq!(report["baseline"]["matched"], before_ids.len());
    assert_eq!(report["baseline"]["fixed"], Value::Array(Vec::new()));

    // Lines moved, one problem fixed, one added: only the new one is reported.
    std::fs::write(dir.path().join("template.yaml"), AFTER).unwrap();
    let (code, report) = scan_json(dir.path(), &["--baseline", ".faasguard-baseline.json"]);
    assert_eq!(rule_ids(&report["findings"]), ["FG-ENC-005"]);
    assert_eq!(report["findings"][0]["resource"], "Queue");
    assert_eq!(code, Some(1));
    let fixed = report["baseline"]["fixed"].as_array().unwrap();
    assert_eq!(fixed.len(), 1, "{fixed:?}");
    assert_eq!(fixed[0]["rule_id"], "FG-RUN-001");
    assert_eq!(fixed[0]["file"], "template.yaml");
    assert_eq!(fixed[0]["resource"], "Api");

    // The text report names the new finding and lists the fixed one.
    faasguard()
        .current_dir(dir.path())
        .args(["scan", ".", "--baseline", ".faasguard-baseline.json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("medium[FG-ENC-005]"))
        .stdout(predicate::str::contains(
            "fixed since the baseline .faasguard-baseline.json:\n  FG-RUN-001 template.yaml (Api)\n",
        ))
        .stdout(predicate::str::contains(format!(
            "1 finding (1 medium) in 1 file, {} suppressed, 1 fixed since the baseline\n",
            before_ids.len() - 1
        )));
}

#[test]
fn create_writes_where_asked_and_the_same_bytes_twice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), BEFORE).unwrap();
    let run = || {
        faasguard()
            .current_dir(dir.path())
            .args(["baseline", "create", ".", "--output", "ci/accepted.json"])
            .assert()
            .code(0);
        std::fs::read(dir.path().join("ci/accepted.json")).unwrap()
    };
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    let a = run();
    let b = run();
    assert_eq!(a, b);
    assert!(!dir.path().join(".faasguard-baseline.json").exists());
}

#[test]
fn a_clean_project_gives_an_empty_baseline() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("template.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      KmsMasterKeyId: alias/custom\n",
    )
    .unwrap();
    faasguard()
        .current_dir(dir.path())
        .args(["baseline", "create"])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("wrote 0 findings"));
    let text = std::fs::read_to_string(dir.path().join(".faasguard-baseline.json")).unwrap();
    assert_eq!(
        text,
        "{\n  \"version\": 1,\n  \"tool\": \"faasguard\",\n  \"findings\": []\n}\n"
    );
}

#[test]
fn a_missing_or_broken_baseline_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), BEFORE).unwrap();
    faasguard()
        .current_dir(dir.path())
        .args(["scan", ".", "--baseline", "nope.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot use baseline nope.json"));
    std::fs::write(
        dir.path().join("bad.json"),
        "{\"version\": 1, \"findings\": [{}]}",
    )
    .unwrap();
    faasguard()
        .current_dir(dir.path())
        .args(["scan", ".", "--baseline", "bad.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing field `fingerprint`"));
}

/// A SARIF report with baseline matches (external suppressions) and one new
/// finding (also validated against the schema in `sarif.rs`).
pub(crate) fn baseline_sarif() -> Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), BEFORE).unwrap();
    faasguard()
        .current_dir(dir.path())
        .args(["baseline", "create"])
        .assert()
        .code(0);
    std::fs::write(dir.path().join("template.yaml"), AFTER).unwrap();
    let out = faasguard()
        .current_dir(dir.path())
        .args([
            "scan",
            ".",
            "--format",
            "sarif",
            "--baseline",
            ".faasguard-baseline.json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sarif_marks_baseline_matches_as_external_suppressions() {
    let sarif = baseline_sarif();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let (suppressed, open): (Vec<&Value>, Vec<&Value>) = results
        .iter()
        .partition(|r| r.get("suppressions").is_some());
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["ruleId"], "FG-ENC-005");
    assert!(!suppressed.is_empty());
    for r in &suppressed {
        let s = &r["suppressions"][0];
        assert_eq!(s["kind"], "external");
        assert_eq!(
            s["justification"],
            "accepted in the baseline .faasguard-baseline.json"
        );
        assert!(s.get("location").is_none());
    }
}
