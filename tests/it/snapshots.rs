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
    insta::assert_json_snapshot!("demo_json", v, {".tool.version" => "[version]"});
}

#[test]
fn demo_sarif() {
    let v: serde_json::Value = serde_json::from_str(&output("sarif")).unwrap();
    insta::assert_json_snapshot!("demo_sarif", v, {
        ".runs[].tool.driver.version" => "[version]",
        ".runs[].tool.driver.semanticVersion" => "[version]",
    });
}
