//! Suppressions through the binary: `# faasguard:ignore` comments (on the
//! finding's line, the line above, a resource's header), CloudFormation
//! `Metadata` in JSON templates, expiry, the `allow_inline_suppressions`
//! switch, and every way a suppression can be wrong.

use predicates::prelude::*;
use serde_json::Value;

use crate::cli::faasguard;
use crate::common;

fn json(args: &[&str]) -> (Option<i32>, Value, String) {
    let out = faasguard()
        .current_dir(common::root())
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let report = serde_json::from_slice(&out.stdout).expect("json report");
    (
        out.status.code(),
        report,
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

/// (rule id, line) pairs of a JSON list of findings.
fn rule_lines(list: &Value) -> Vec<(String, u64)> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(r, l)| (r.to_string(), *l)).collect()
}

#[test]
fn comments_suppress_on_their_line_the_line_below_and_the_whole_resource() {
    let (code, report, stderr) = json(&["scan", "fixtures/suppress/yaml"]);
    assert!(stderr.is_empty(), "no diagnostics expected: {stderr}");
    let suppressed = &report["suppressed"];
    assert_eq!(
        rule_lines(suppressed),
        pairs(&[
            // The header comment of LegacyFunction (line 7) covers the
            // findings at its header and the one at its Runtime (line 11).
            ("FG-OBS-001", 7),
            ("FG-TMO-005", 7),
            ("FG-RUN-001", 11),
            // The comment on line 21 covers the Timeout on line 22.
            ("FG-TMO-001", 22),
        ])
    );
    let legacy = &suppressed[2]["suppression"];
    assert_eq!(legacy["kind"], "in_source");
    assert_eq!(legacy["origin"], "comment");
    assert_eq!(legacy["justification"], "retired in Q3, tracked in OPS-12");
    assert_eq!(legacy["start"]["line"], 7);
    assert_eq!(suppressed[3]["suppression"]["until"], "2099-12-31");
    assert_eq!(report["summary"]["suppressed"], 4);
    // The trailing comment on line 26 expired: its finding stands, with a note. FG-IAM-015
    // (administrator access) is not named by the comment, so it stands too.
    assert_eq!(
        rule_lines(&report["findings"]),
        pairs(&[
            ("FG-DEP-003", 7),
            ("FG-DEP-003", 14),
            ("FG-IAM-001", 26),
            ("FG-IAM-015", 26)
        ])
    );
    let message = report["findings"][2]["message"].as_str().unwrap();
    assert!(
        message.ends_with("(a suppression of this finding expired on 2020-01-01: \"temporary\")"),
        "{message}"
    );
    assert_eq!(code, Some(1));
}

#[test]
fn text_output_counts_suppressed_findings() {
    faasguard()
        .current_dir(common::root())
        .args(["scan", "fixtures/suppress/yaml", "fixtures/suppress/json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "4 findings (2 high, 2 low) in 2 files, 5 suppressed\n",
        ))
        .stdout(predicate::str::contains("FG-TMO-001").not());
}

#[test]
fn metadata_suppresses_in_a_json_template_and_exit_counts_only_what_stands() {
    let (code, report, stderr) = json(&["scan", "fixtures/suppress/json"]);
    assert!(stderr.is_empty(), "{stderr}");
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(
        rule_lines(&report["suppressed"]),
        pairs(&[("FG-ENC-005", 14)])
    );
    let s = &report["suppressed"][0]["suppression"];
    assert_eq!(s["origin"], "metadata");
    assert_eq!(s["kind"], "in_source");
    assert_eq!(s["justification"], "public, non-sensitive events");
    assert_eq!(s["file"], "fixtures/suppress/json/template.json");
    assert_eq!(s["start"]["line"], 9);
    assert_eq!(code, Some(0), "a suppressed finding does not fail the scan");
}

#[test]
fn until_is_honoured_through_its_day_then_the_finding_comes_back() {
    let at = |today: &str| {
        let out = faasguard()
            .env("FAASGUARD_TODAY", today)
            .current_dir(common::root())
            .args(["scan", "fixtures/suppress/yaml", "--format", "json"])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        rule_lines(&report["findings"])
    };
    // (Python 3.12 is long deprecated by then; only FG-TMO-001 matters here.)
    let tmo = ("FG-TMO-001".to_string(), 22);
    assert!(!at("2099-12-31").contains(&tmo), "honoured on its last day");
    assert!(at("2100-01-01").contains(&tmo), "expired the day after");
}

#[test]
fn wrong_suppressions_are_reported_with_their_place_and_suppress_nothing() {
    let (code, report, stderr) = json(&["scan", "fixtures/suppress/problems"]);
    let diags: Vec<(String, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let codes: Vec<(&str, u64)> = diags.iter().map(|(c, l, _)| (c.as_str(), *l)).collect();
    assert_eq!(
        codes,
        [
            ("suppression-invalid", 10),      // Metadata: `untill`, no reason
            ("suppression-invalid", 13),      // comment without reason=
            ("suppression-unknown-rule", 16), // FG-NOPE-999
            ("suppression-invalid", 19),      // `*`
            ("suppression-unused", 21),       // FG-OBS-002 on a topic
        ],
        "{diags:#?}"
    );
    assert!(
        diags[0].2.contains("unknown key `untill`"),
        "{}",
        diags[0].2
    );
    assert!(
        diags[0].2.contains("a reason is required"),
        "{}",
        diags[0].2
    );
    assert!(
        diags[1].2.contains("written reason=\"no reason given\""),
        "{}",
        diags[1].2
    );
    assert!(diags[2].2.contains("FG-NOPE-999"));
    assert!(diags[3].2.contains("wildcards are not allowed"));
    assert!(diags[4].2.contains("FG-OBS-002 matches no finding"));
    for d in report["diagnostics"].as_array().unwrap() {
        assert_eq!(d["level"], "warning");
        assert_eq!(d["file"], "fixtures/suppress/problems/template.yaml");
    }
    // None of the wrong ones suppressed anything; the right half of line 21 did.
    assert_eq!(
        rule_lines(&report["findings"]),
        pairs(&[
            ("FG-ENC-002", 5),
            ("FG-ENC-003", 5),
            ("FG-GOV-004", 5),
            ("FG-NET-004", 5),
            ("FG-OBS-007", 5),
            ("FG-ENC-005", 19)
        ])
    );
    assert_eq!(
        rule_lines(&report["suppressed"]),
        pairs(&[("FG-ENC-006", 21)])
    );
    assert_eq!(code, Some(1));
    // On stderr, as compiler-style diagnostics pointing at file:line:col.
    assert!(
        stderr.contains("fixtures/suppress/problems/template.yaml:16:29"),
        "{stderr}"
    );
    assert!(stderr.contains("faasguard::suppression-unknown-rule"));
}

#[test]
fn forbidden_inline_suppressions_are_findings_and_suppress_nothing() {
    // fixtures/suppress/forbidden/.faasguard.toml: allow_inline_suppressions = false
    let (code, report, _) = json(&["scan", "fixtures/suppress/forbidden"]);
    assert_eq!(
        rule_lines(&report["findings"]),
        pairs(&[
            ("FG-GOV-001", 8),
            ("FG-ENC-005", 11),
            ("FG-ENC-006", 13),
            ("FG-GOV-001", 13),
        ])
    );
    assert_eq!(report["suppressed"], Value::Array(Vec::new()));
    let gov = &report["findings"][0];
    assert_eq!(gov["severity"], "medium");
    assert_eq!(gov["resource"], "Queue");
    assert!(gov["message"]
        .as_str()
        .unwrap()
        .contains("allow_inline_suppressions = false"));
    assert_eq!(
        gov["title"],
        "In-source suppression where the configuration forbids them"
    );
    assert_eq!(code, Some(1));

    // The same files with the switch on (another config): both suppressed.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("allow.toml");
    std::fs::write(&config, "allow_inline_suppressions = true\n").unwrap();
    let (code, report, _) = json(&[
        "scan",
        "fixtures/suppress/forbidden",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(code, Some(0));
}

#[test]
fn the_governance_rule_is_listed_and_explained() {
    faasguard()
        .args(["explain", "FG-GOV-001"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "allow_inline_suppressions = false",
        ))
        .stdout(predicate::str::contains("## Use instead"));
    faasguard()
        .args(["rules"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("FG-GOV-001"));
}

#[test]
fn a_bad_config_value_for_the_switch_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".faasguard.toml"),
        "fail_on = \"high\"\nallow_inline_suppressions = \"no\"\n",
    )
    .unwrap();
    faasguard()
        .args(["scan"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid type"))
        .stderr(predicate::str::contains(".faasguard.toml:2:"));
}

#[test]
fn sarif_carries_suppressions_and_still_validates() {
    let out = faasguard()
        .current_dir(common::root())
        .args(["scan", "fixtures/suppress", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    // 4 in yaml/, 1 in json/, 1 in problems/, 2 in forbidden/ (its config
    // is not read when the scan starts above it).
    assert_eq!(suppressed.len(), 8);
    let tmo = suppressed
        .iter()
        .find(|r| r["ruleId"] == "FG-TMO-001")
        .unwrap();
    let s = &tmo["suppressions"][0];
    assert_eq!(s["kind"], "inSource");
    assert_eq!(s["status"], "accepted");
    assert_eq!(s["justification"], "batch export; moving to Step Functions");
    assert_eq!(s["properties"]["until"], "2099-12-31");
    let loc = &s["location"]["physicalLocation"];
    assert_eq!(
        loc["artifactLocation"]["uri"],
        "fixtures/suppress/yaml/template.yaml"
    );
    assert_eq!(loc["region"]["startLine"], 21);
    // Every result, suppressed or not, names a rule of the run.
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
    }
    assert!(rules.iter().any(|r| r["id"] == "FG-GOV-001"));
    // Wrong suppressions are tool notifications with their place (the
    // schema check of this run is in `sarif.rs`).
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes
        .iter()
        .any(|n| n["descriptor"]["id"] == "suppression-unknown-rule"
            && n["locations"][0]["physicalLocation"]["region"]["startLine"] == 16));
}

#[test]
fn a_comment_inside_a_string_value_is_not_a_suppression() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.yaml"),
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Description: \"x # faasguard:ignore FG-TMO-001 reason=no\"\n      Timeout: 901\n      Code: |\n        # faasguard:ignore FG-TMO-001 reason=\"in a block scalar\"\n        pass\n",
    )
    .unwrap();
    let out = faasguard()
        .current_dir(dir.path())
        .args(["scan", ".", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rule_lines(&report["findings"]).contains(&("FG-TMO-001".to_string(), 7)));
    assert_eq!(report["summary"]["suppressed"], 0);
    assert_eq!(report["diagnostics"], Value::Array(Vec::new()));
}
