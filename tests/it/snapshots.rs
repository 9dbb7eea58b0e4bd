//! Snapshots of every output format for the demo fixture (review changes
//! with `cargo insta review`). Versions are redacted; paths are relative.

use crate::cli::faasguard;
use crate::common;

fn output(format: &str) -> String {
    let out = faasguard()
        .current_dir(common::root())
        .args(["scan", "fixtures/demo", "--format", format])
        .output()
        .expect("runs");
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn demo_text() {
    insta::assert_snapshot!("demo_text", output("text"));
}

#[test]
fn demo_json() {
    let v: serde_json::Value = serde_json::from_str(&output("json")).unwrap();
    insta::assert_json_snapshot!("demo_json", v, {
        ".tool.version" => "[version]",
        ".rule_set.version" => "[version]",
        ".rule_set.digest" => "[digest]",
    });
}

#[test]
fn demo_sarif() {
    let v: serde_json::Value = serde_json::from_str(&output("sarif")).unwrap();
    insta::assert_json_snapshot!("demo_sarif", v, {
        ".runs[].tool.driver.version" => "[version]",
        ".runs[].tool.driver.semanticVersion" => "[version]",
    });
}

/// One snapshot per (rule, failing fixture): the text and JSON reports of a
/// scan of that fixture alone, holding only that rule's findings, so a change
/// to one rule changes only its own snapshots. Passing fixtures have none:
/// `rule_fixtures` asserts they give no finding of their rule.
#[test]
fn rule_fixture_findings_text_and_json() {
    let root = common::root().to_string_lossy().replace('\\', "/");
    let mut snapshots = 0;
    for dir in crate::rule_fixtures::rule_dirs() {
        for name in dir.fixtures.iter().filter(|n| n.starts_with("fail")) {
            let mut outcome = crate::rule_fixtures::scan(&dir.dir.join(name), &dir.expected);
            outcome.findings.retain(|f| f.rule_id == dir.rule);
            outcome.suppressed.retain(|s| s.finding.rule_id == dir.rule);
            let text = anstream::adapter::strip_str(&faasguard::report::text::render(&outcome))
                .to_string();
            let json: serde_json::Value =
                serde_json::from_str(&faasguard::report::json::render(&outcome)).expect("JSON");
            let findings = serde_json::to_string_pretty(&json["findings"]).expect("JSON");
            let body =
                format!("{text}\n--- JSON findings ---\n{findings}\n").replace(&root, "[root]");
            insta::assert_snapshot!(format!("rule_{}__{name}", dir.rule), body);
            snapshots += 1;
        }
    }
    assert!(snapshots > 200, "only {snapshots}");
}

/// The normalized model (what policies see) of one template per format,
/// written to build an item of every collection through each adapter
/// (`fixtures/model/`): a change to how any adapter builds items shows here
/// as a snapshot diff to review, key order included.
#[test]
fn model_of_each_format() {
    for (name, rel) in [
        ("model_sam", "fixtures/model/template.sam.yaml"),
        ("model_cloudformation", "fixtures/model/template.cfn.json"),
        ("model_terraform", "fixtures/model/terraform"),
        ("model_serverless", "fixtures/model/serverless.yml"),
    ] {
        let model = faasguard::scan::model_json(&common::root().join(rel)).expect("model");
        insta::assert_json_snapshot!(name, model, { ".file" => "[file]" });
    }
}
