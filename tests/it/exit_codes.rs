//! Exit codes and diagnostics at the edges of a scan: paths that do not
//! exist, files named on the command line that faasguard does not read,
//! a template on standard input, and one scan writing two reports.

use std::path::Path;

use serde_json::{json, Value};

use crate::cli::faasguard;
use crate::common;

const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Timeout: 901\n";

const NAME_REASON: &str = "not read: faasguard reads templates and services (`.yaml`, `.yml`, \
`.json`, `.template`), Terraform (`.tf`, `.tf.json`, `.tfvars`), `samconfig` files and lockfiles; \
this file's name is none of these";

const CONTENT_REASON: &str = "not read: not a CloudFormation/SAM template (no \
`AWSTemplateFormatVersion`, SAM `Transform` or `Resources` with `AWS::` types), a Serverless \
Framework service (no `service` and `provider` keys) or a Terraform plan (`terraform show -json`)";

/// Runs `faasguard args` in `dir` with `stdin`; returns the exit code, stdout and stderr.
fn run_in(dir: &Path, args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let out = faasguard()
        .current_dir(dir)
        .args(args)
        .write_stdin(stdin)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

/// `(level, code, file, message)` of each diagnostic of a JSON report.
fn diagnostics(report: &str) -> Vec<(String, String, String, String)> {
    let v: Value = serde_json::from_str(report).expect("JSON report");
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or_default().to_owned();
            (s("level"), s("code"), s("file"), s("message"))
        })
        .collect()
}

fn diag(level: &str, code: &str, file: &str, message: &str) -> (String, String, String, String) {
    (level.into(), code.into(), file.into(), message.into())
}

#[test]
fn a_path_that_does_not_exist_is_exit_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("template.yaml"), TEMPLATE).unwrap();
    for strict in [false, true] {
        let mut args = vec!["scan", "nonexist.yaml"];
        if strict {
            args.push("--strict");
        }
        let (code, stdout, stderr) = run_in(dir.path(), &args, "");
        assert_eq!(code, Some(2), "strict={strict}: {stderr}");
        assert_eq!(stdout, "");
        assert_eq!(stderr, "error: nonexist.yaml: no such file or directory\n");
    }
    // Every missing path is named, even beside one that exists; nothing is scanned.
    let (code, stdout, stderr) = run_in(
        dir.path(),
        &["scan", "infra/", "template.yaml", "typo.yml"],
        "",
    );
    assert_eq!(code, Some(2));
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        "error: infra/: no such file or directory\nerror: typo.yml: no such file or directory\n"
    );
    // `baseline create` takes the same paths and refuses the same way.
    let (code, _, stderr) = run_in(dir.path(), &["baseline", "create", "gone"], "");
    assert_eq!(code, Some(2));
    assert_eq!(stderr, "error: gone: no such file or directory\n");
    assert!(!dir.path().join(".faasguard-baseline.json").exists());
}

#[test]
fn a_named_file_faasguard_does_not_read_is_said_so_and_fails_strict() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("README.md"), "# infra\n").unwrap();
    std::fs::write(d.join("package.json"), "{\"name\": \"x\"}\n").unwrap();
    std::fs::write(d.join("notes.yaml"), "just: data\n").unwrap();
    std::fs::write(d.join("template.yaml"), TEMPLATE).unwrap();
    let args = [
        "scan",
        "README.md",
        "package.json",
        "notes.yaml",
        "template.yaml",
        "--format",
        "json",
    ];
    let (code, stdout, stderr) = run_in(d, &args, "");
    // The template's finding decides the exit code; the others are warnings.
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        diagnostics(&stdout),
        [
            diag("warning", "not-read", "README.md", NAME_REASON),
            diag(
                "warning",
                "not-read",
                "package.json",
                "not read: `package.json` is tool configuration, not infrastructure-as-code \
                 (faasguard never reads it as a template)"
            ),
            diag("warning", "not-read", "notes.yaml", CONTENT_REASON),
        ]
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["summary"]["files_scanned"], 1);
    // The same words reach the terminal, each naming its file.
    for file in ["README.md", "package.json", "notes.yaml"] {
        assert!(stderr.contains(&format!("{file}: not read:")), "{stderr}");
    }
    let mut strict = args.to_vec();
    strict.push("--strict");
    let (code, stdout, _) = run_in(d, &strict, "");
    assert_eq!(code, Some(2));
    assert_eq!(diagnostics(&stdout).len(), 3);
    // Alone, an unread file is exit 0 (nothing was found), or 2 with --strict.
    let (code, stdout, stderr) = run_in(d, &["scan", "README.md"], "");
    assert_eq!(code, Some(0));
    assert_eq!(stdout, "0 findings in 0 files\n");
    assert!(stderr.contains("README.md: not read:"), "{stderr}");
    let (code, _, _) = run_in(d, &["scan", "--strict", "notes.yaml"], "");
    assert_eq!(code, Some(2));
    // In a directory walk such files are passed over quietly, strict or not.
    let (code, stdout, _) = run_in(d, &["scan", ".", "--strict", "--format", "json"], "");
    assert_eq!(code, Some(1));
    assert_eq!(diagnostics(&stdout), []);
    // A file left out with --exclude is left out on purpose: no diagnostic.
    let (code, stdout, _) = run_in(
        d,
        &[
            "scan",
            "README.md",
            "--exclude",
            "*.md",
            "--strict",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(code, Some(0));
    assert_eq!(diagnostics(&stdout), []);
}

#[test]
fn dash_reads_a_yaml_template_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run_in(dir.path(), &["scan", "-", "--format", "json"], TEMPLATE);
    assert_eq!(code, Some(1), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        common::findings_of(&v),
        [
            (
                "FG-DEP-003".to_owned(),
                "<stdin>".to_owned(),
                3,
                "Function Fn has no code signing config (CodeSigningConfigArn): Lambda deploys \
                 any code pushed to it, signed or not"
                    .to_owned()
            ),
            (
                "FG-OBS-001".to_owned(),
                "<stdin>".to_owned(),
                3,
                "Function Fn has no tracing configured (the default is PassThrough): X-Ray \
                 traces only requests that arrive already sampled"
                    .to_owned()
            ),
            (
                "FG-TMO-001".to_owned(),
                "<stdin>".to_owned(),
                6,
                "Function Fn has Timeout 901, outside Lambda's allowed 1–900 seconds".to_owned()
            )
        ]
    );
    assert_eq!(v["findings"][2]["start"], json!({"line": 6, "column": 16}));
    assert_eq!(v["scope"]["files"], json!({"cloudformation": 1}));
    assert_eq!(v["scope"]["paths"], json!(["<stdin>"]));
    // Text shows it compiler-style, like any file.
    let (code, stdout, _) = run_in(dir.path(), &["scan", "-"], TEMPLATE);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("  --> <stdin>:6:16\n"), "{stdout}");
    assert!(
        stdout.ends_with("3 findings (1 medium, 2 low) in 1 file\n"),
        "{stdout}"
    );
}

#[test]
fn dash_reads_a_json_template_and_sits_beside_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.yaml"), TEMPLATE).unwrap();
    let template = "{\n  \"Resources\": {\n    \"Fn\": {\n      \"Type\": \"AWS::Serverless::Function\",\n      \"Properties\": {\"Runtime\": \"python3.13\", \"Timeout\": 0}\n    }\n  }\n}\n";
    let (code, stdout, stderr) = run_in(
        dir.path(),
        &["scan", "a.yaml", "-", "--format", "json"],
        template,
    );
    assert_eq!(code, Some(1), "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let at: Vec<(String, String, u64)> = common::findings_of(&v)
        .into_iter()
        .filter(|f| f.0 == "FG-TMO-001")
        .map(|(rule, file, line, _)| (rule, file, line))
        .collect();
    assert_eq!(
        at,
        [
            ("FG-TMO-001".to_owned(), "<stdin>".to_owned(), 5),
            ("FG-TMO-001".to_owned(), "a.yaml".to_owned(), 6),
        ]
    );
    assert_eq!(v["scope"]["files"], json!({"cloudformation": 1, "sam": 1}));
    assert_eq!(v["scope"]["paths"], json!(["a.yaml", "<stdin>"]));
}

#[test]
fn stdin_that_is_no_template_is_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run_in(
        dir.path(),
        &["scan", "-", "--format", "json"],
        "version: '3'\nservices:\n  web:\n    image: nginx\n",
    );
    assert_eq!(code, Some(0));
    assert_eq!(
        diagnostics(&stdout),
        [diag("warning", "not-read", "<stdin>", CONTENT_REASON)]
    );
    let (code, _, _) = run_in(dir.path(), &["scan", "-", "--strict"], "{}\n");
    assert_eq!(code, Some(2));
}

#[test]
fn one_scan_writes_json_and_sarif() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let out = faasguard()
        .current_dir(common::root())
        .args([
            "scan",
            "fixtures/demo",
            "--format",
            "json",
            "--sarif-output",
        ])
        .arg(&sarif)
        .args(["--fail-on", "critical"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let written = std::fs::read_to_string(&sarif).unwrap();
    // The same bytes as a run of its own with --format sarif.
    let alone = faasguard()
        .current_dir(common::root())
        .args(["scan", "fixtures/demo", "--format", "sarif"])
        .output()
        .unwrap();
    assert_eq!(written, String::from_utf8(alone.stdout).unwrap());
    let v: Value = serde_json::from_str(&written).unwrap();
    assert_eq!(
        v["runs"][0]["results"].as_array().map(Vec::len),
        json["findings"].as_array().map(Vec::len)
    );
    // An unwritable path is exit 2, after the main report.
    let (code, _, stderr) = run_in(
        &common::root(),
        &[
            "scan",
            "fixtures/demo/template.yaml",
            "--sarif-output",
            "/nonexistent-dir/x.sarif",
        ],
        "",
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.starts_with("error: cannot write /nonexistent-dir/x.sarif: "),
        "{stderr}"
    );
}
