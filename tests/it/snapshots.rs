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

/// Text and JSON output per rule fixture directory: messages, positions and
/// fingerprints of every rule are pinned (SARIF is pinned on the demo; its
/// rule metadata is the same for every input).
#[test]
fn rule_fixtures_text_and_json() {
    let dir = common::root().join("fixtures/rules");
    let mut ids: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    ids.sort();
    for id in ids {
        let path = format!("fixtures/rules/{id}");
        let run = |format: &str| {
            let out = faasguard()
                .current_dir(common::root())
                .args(["scan", &path, "--format", format, "--threads", "1"])
                .output()
                .expect("runs");
            String::from_utf8(out.stdout).expect("utf-8")
        };
        insta::assert_snapshot!(format!("rule_{id}_text"), run("text"));
        let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
        insta::assert_json_snapshot!(format!("rule_{id}_json"), json["findings"]);
    }
}
