//! Hostile and broken input: every bad file is reported by name (and place,
//! when it has one), nothing panics or hangs, and good files are still scanned.

use std::io::Write;

use crate::cli::faasguard;

const GOOD: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 901\n";

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).unwrap();
}

#[test]
fn bad_files_are_reported_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "good.yaml", GOOD.as_bytes());
    write(
        d,
        "truncated.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Timeout: [1, 2\n",
    );
    write(
        d,
        "truncated.json",
        b"{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {\"Fn\": {\"Type\": \"AWS::Lambda::Function\"",
    );
    write(
        d,
        "tabs.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n\tFn:\n\t\tType: AWS::Lambda::Function\n",
    );
    write(
        d,
        "dupkeys.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 5\n      Timeout: 1000\n",
    );
    let mut bomb = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    write(d, "bomb.yaml", bomb.as_bytes());
    let deep = format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    write(d, "deep.yaml", deep.as_bytes());
    let deep_json = format!(
        "{{\"AWSTemplateFormatVersion\": \"2010-09-09\", \"Resources\": {}{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    write(d, "deep.json", deep_json.as_bytes());
    let mut binary = b"AWSTemplateFormatVersion: x\nResources:\n".to_vec();
    binary.extend([0u8, 159, 146, 150, 0, 1, 2]);
    write(d, "binary.yaml", &binary);
    write(
        d,
        "latin1.yaml",
        b"AWSTemplateFormatVersion: '2010-09-09'\nDescription: caf\xe9\nResources: {}\n",
    );
    write(d, "empty.yaml", b"");
    write(d, "empty.json", b"");
    #[cfg(unix)]
    std::os::unix::fs::symlink(d, d.join("loop")).unwrap();

    let out = faasguard()
        .arg("scan")
        .arg(d)
        .arg("--format")
        .arg("json")
        .timeout(std::time::Duration::from_secs(120))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    let diags = report["diagnostics"].as_array().unwrap();
    let diag_for = |file: &str| {
        diags
            .iter()
            .find(|d| d["file"].as_str().is_some_and(|f| f.ends_with(file)))
            .unwrap_or_else(|| panic!("no diagnostic for {file}: {diags:#?}"))
            .clone()
    };
    assert_eq!(diag_for("truncated.yaml")["code"], "parse-error");
    assert_eq!(diag_for("truncated.yaml")["start"]["line"], 6);
    assert_eq!(diag_for("truncated.json")["code"], "parse-error");
    assert_eq!(diag_for("tabs.yaml")["code"], "parse-error");
    assert!(diag_for("bomb.yaml")["message"]
        .as_str()
        .unwrap()
        .contains("alias"));
    assert_eq!(diag_for("deep.yaml")["code"], "parse-error");
    assert!(diag_for("deep.json")["message"]
        .as_str()
        .unwrap()
        .contains("deeper"));
    assert!(diag_for("binary.yaml")["message"]
        .as_str()
        .unwrap()
        .contains("binary"));
    assert!(diag_for("latin1.yaml")["message"]
        .as_str()
        .unwrap()
        .contains("UTF-8"));
    // Empty files are not IaC: no noise.
    assert!(!diags
        .iter()
        .any(|d| d["file"].as_str().is_some_and(|f| f.contains("empty"))));
    // Both good templates still produce their findings.
    let findings = report["findings"].as_array().unwrap();
    let tmo: Vec<(&str, u64)> = findings
        .iter()
        .filter(|f| f["rule_id"] == "FG-TMO-001")
        .map(|f| {
            (
                f["file"].as_str().unwrap(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // Each once: the `loop` link back to the directory is not followed, so
    // nothing is scanned twice (and nothing hangs).
    assert_eq!(tmo, [("dupkeys.yaml", 7), ("good.yaml", 6)]);
    #[cfg(unix)]
    assert!(
        !diags
            .iter()
            .chain(findings)
            .any(|x| x["file"].as_str().is_some_and(|f| f.contains("/loop/"))),
        "{diags:#?}"
    );
    // stderr names the files too, with miette's file:line:col.
    assert!(stderr.contains("truncated.yaml"), "{stderr}");
}

#[test]
fn strict_makes_parse_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "t.yaml",
        b"AWSTemplateFormatVersion: x\nResources: [\n",
    );
    faasguard().arg("scan").arg(dir.path()).assert().code(0);
    faasguard()
        .arg("scan")
        .arg(dir.path())
        .arg("--strict")
        .assert()
        .code(2);
}

#[test]
fn a_50_mb_template_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"AWSTemplateFormatVersion: '2010-09-09'\nDescription: \"")
        .unwrap();
    let chunk = "x".repeat(1 << 20);
    for _ in 0..50 {
        f.write_all(chunk.as_bytes()).unwrap();
    }
    f.write_all(b"\"\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 901\n")
        .unwrap();
    drop(f);
    let out = faasguard()
        .arg("scan")
        .arg(&path)
        .arg("--format")
        .arg("json")
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let lines: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "FG-TMO-001")
        .map(|f| f["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![7]);
}
