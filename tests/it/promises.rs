//! Promises of the command line and the docs, each from a real run with its
//! exact findings (rule, severity, `file:line:col-line:col`, message):
//! `--include-dev`, `--exclude`, `--max-file-size`, `faasguard model`,
//! `explain --policy`, FG-DEP-002 from a scan, in-source suppressions in
//! Terraform and serverless.yml (and text inside a heredoc that only looks
//! like one). Fixtures: `fixtures/promises/`.

use crate::cli::faasguard;
use crate::common;

/// `rule severity file:l:c-l:c message` of every finding of a JSON report.
fn findings(report: &serde_json::Value) -> Vec<String> {
    list(report, "findings")
}

/// The same for suppressed findings.
fn suppressed(report: &serde_json::Value) -> Vec<String> {
    list(report, "suppressed")
}

fn list(report: &serde_json::Value, key: &str) -> Vec<String> {
    report[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key}: {report}"))
        .iter()
        .map(|f| {
            format!(
                "{} {} {}:{}:{}-{}:{} {}",
                f["rule_id"].as_str().unwrap_or(""),
                f["severity"].as_str().unwrap_or(""),
                f["file"].as_str().unwrap_or(""),
                f["start"]["line"],
                f["start"]["column"],
                f["end"]["line"],
                f["end"]["column"],
                f["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// `code file:line:col message` of every diagnostic.
fn diagnostics(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{} {}",
                d["code"].as_str().unwrap_or(""),
                d["file"].as_str().unwrap_or(""),
                d["start"]["line"],
                d["start"]["column"],
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn scan(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    common::json_run(&all, &[])
}

const MINIMIST: &str = "FG-DEP-001 critical fixtures/promises/dev/fn/package-lock.json:22:5-22:28 \
minimist 1.2.5 is affected by GHSA-xvch-5gv4-984h (CVE-2021-44906): Prototype Pollution in \
minimist; upgrade to 1.2.6 or later; shipped by function ApiFunction";

/// Development-only packages are not checked unless `--include-dev`, and
/// then at low severity (they are not shipped).
#[test]
fn include_dev_adds_development_packages_at_low_severity() {
    let base = [
        "fixtures/promises/dev",
        "--advisory-db",
        "fixtures/promises/dev-db",
    ];
    let deps = |report: &serde_json::Value| -> Vec<String> {
        findings(report)
            .into_iter()
            .filter(|f| f.starts_with("FG-DEP-"))
            .collect()
    };
    let (code, report) = scan(&base);
    assert_eq!(code, Some(1));
    assert_eq!(deps(&report), ["FG-DEP-001 critical fixtures/promises/dev/fn/package-lock.json:22:5-22:28 minimist 1.2.5 is affected by GHSA-xvch-5gv4-984h (CVE-2021-44906): Prototype Pollution in minimist; upgrade to 1.2.6 or later; shipped by function ApiFunction", "FG-DEP-003 low fixtures/promises/dev/template.yaml:6:3-6:14 Function ApiFunction has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not"]);
    // Both packages are read; only the shipped one is checked.
    assert_eq!(report["dependencies"]["packages"], 2);
    assert_eq!(report["dependencies"]["vulnerable"], 1);

    let mut with_dev = base.to_vec();
    with_dev.push("--include-dev");
    let (code, report) = scan(&with_dev);
    assert_eq!(code, Some(1));
    assert_eq!(
        deps(&report),
        [
            "FG-DEP-001 low fixtures/promises/dev/fn/package-lock.json:17:5-17:26 lodash 4.17.20 \
is affected by GHSA-35jh-r3h4-6jhm (CVE-2021-23337): Command Injection in lodash; upgrade to \
4.17.21 or later; shipped by function ApiFunction (development only)",
            MINIMIST,
            "FG-DEP-003 low fixtures/promises/dev/template.yaml:6:3-6:14 Function ApiFunction has \
no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not",
        ]
    );
    assert_eq!(report["dependencies"]["vulnerable"], 2);
}

/// FG-DEP-002 from a real scan: an unmaintained crate in a function's
/// Cargo.lock, against a RustSec database.
#[test]
fn an_unmaintained_crate_is_reported_at_low_severity() {
    let (code, report) = scan(&[
        "fixtures/native/FG-DEP-002/fail",
        "--advisory-db",
        "fixtures/native/advisory-db",
    ]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        ["FG-DEP-002 low fixtures/native/FG-DEP-002/fail/fn/Cargo.lock:13:1-13:19 ansi_term 0.12.1 is unmaintained (RUSTSEC-2021-0139): ansi_term is Unmaintained; no fixed version is known; shipped by function ProxyFunction", "FG-DEP-003 low fixtures/native/FG-DEP-002/fail/template.yaml:6:3-6:16 Function ProxyFunction has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not"]);
}

const WORKER_TIMEOUT: &str =
    "Function Worker has Timeout 1000, outside Lambda's allowed 1–900 seconds";

#[test]
fn exclude_leaves_out_matching_paths() {
    let (_, all) = scan(&["fixtures/promises/exclude"]);
    assert_eq!(
        findings(&all),
        ["FG-DEP-003 low fixtures/promises/exclude/app/template.yaml:4:3-4:9 Function Worker has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not", "FG-TMO-001 medium fixtures/promises/exclude/app/template.yaml:10:16-10:20 Function Worker has Timeout 1000, outside Lambda's allowed 1–900 seconds", "FG-DEP-003 low fixtures/promises/exclude/legacy/template.yaml:4:3-4:9 Function Worker has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not", "FG-TMO-001 medium fixtures/promises/exclude/legacy/template.yaml:10:16-10:20 Function Worker has Timeout 1000, outside Lambda's allowed 1–900 seconds"]);
    let (code, report) = scan(&["fixtures/promises/exclude", "--exclude", "legacy/**"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        [
            "FG-DEP-003 low fixtures/promises/exclude/app/template.yaml:4:3-4:9 Function Worker has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not".to_string(),
            format!("FG-TMO-001 medium fixtures/promises/exclude/app/template.yaml:10:16-10:20 {WORKER_TIMEOUT}")
        ]
    );
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert!(
        diagnostics(&report).is_empty(),
        "{:?}",
        diagnostics(&report)
    );
}

#[test]
fn max_file_size_skips_larger_files_with_a_warning() {
    let (code, report) = scan(&["fixtures/promises/size", "--max-file-size", "4096"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        ["FG-DEP-003 low fixtures/promises/size/small.yaml:4:3-4:9 Function Worker has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not", "FG-TMO-001 medium fixtures/promises/size/small.yaml:10:16-10:20 Function Worker has Timeout 1000, outside Lambda's allowed 1–900 seconds"]);
    assert_eq!(
        diagnostics(&report),
        [
            "skipped large.yaml:null:null file is 4901 bytes, over the 4096-byte limit \
(max_file_size); not read"
        ]
    );
    // Under the default limit both are read (two findings each).
    let (_, report) = scan(&["fixtures/promises/size"]);
    assert_eq!(findings(&report).len(), 4, "{:?}", findings(&report));
    assert!(diagnostics(&report).is_empty());
}

/// `faasguard model` prints what policies see as `input`.
#[test]
fn model_prints_the_policy_input() {
    let out = faasguard()
        .current_dir(common::root())
        .args(["model", "fixtures/promises/exclude/app/template.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let model: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(model["format"], "sam");
    assert_eq!(model["file"], "fixtures/promises/exclude/app/template.yaml");
    assert_eq!(
        model["functions"],
        serde_json::json!([{
            "id": "Worker",
            "name": "Worker",
            "type": "AWS::Serverless::Function",
            "cloud": "aws",
            "runtime": "python3.12",
            "handler": "app.handler",
            "timeout": 1000,
            "tracing": "Active",
            "code_uri": "src/",
            "role": "WorkerRole",
            "events": []
        }])
    );
    // SAM's implicit role, with the basic execution policy.
    assert_eq!(model["roles"][0]["id"], "WorkerRole");
    assert_eq!(model["roles"][0]["implicit"], true);
    assert_eq!(
        model["policies"][0]["managed_name"],
        "AWSLambdaBasicExecutionRole"
    );

    let out = faasguard()
        .current_dir(common::root())
        .args(["model", "fixtures/promises/missing.yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: fixtures/promises/missing.yaml: No such file or directory (os error 2)\n"
    );
}

/// `explain --policy DIR` prints a user rule's documentation.
#[test]
fn explain_reads_user_policies() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("no_owner_tag.rego"),
        r#"# Function without an owner tag
#
# ## What it does
# Flags functions without an `owner` tag.
#
# ## References
# - https://example.com/tagging
package faasguard.rules.custom.no_owner_tag

import rego.v1

metadata := {
	"id": "CUSTOM-001",
	"title": "Function without an owner tag",
	"severity": "low",
	"area": "OBS",
	"remediation": "Tag the function with its owning team.",
}

deny contains {"resource": f.id, "message": "no owner"} if {
	some f in input.functions
	not f.tags.owner
}
"#,
    )
    .expect("writes");
    let out = faasguard()
        .current_dir(dir.path())
        .args(["explain", "custom-001", "--policy", "."])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "CUSTOM-001 Function without an owner tag\n\
         severity: low   area: OBS   source: ./no_owner_tag.rego\n\n\
         Function without an owner tag\n\n\
         ## What it does\nFlags functions without an `owner` tag.\n\n\
         ## References\n- https://example.com/tagging\n\n\
         Fix: Tag the function with its owning team.\n"
    );
    // Without the directory, the rule is unknown.
    let out = faasguard()
        .current_dir(dir.path())
        .args(["explain", "CUSTOM-001"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: no rule CUSTOM-001 (see `faasguard rules`)\n"
    );
}

/// Terraform: a comment above a resource covers it; a `# faasguard:ignore`
/// inside a heredoc is text, so it neither suppresses nor is reported.
#[test]
fn terraform_comments_suppress_and_heredoc_text_does_not() {
    let (code, report) = scan(&["fixtures/promises/tf-suppress"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        ["FG-DEP-003 low fixtures/promises/tf-suppress/main.tf:6:1-6:39 Function batch has no code signing config (code_signing_config_arn): Lambda deploys any code pushed to it, signed or not", "FG-DEP-003 low fixtures/promises/tf-suppress/main.tf:18:1-18:37 Function api has no code signing config (code_signing_config_arn): Lambda deploys any code pushed to it, signed or not", "FG-TMO-001 medium fixtures/promises/tf-suppress/main.tf:24:19-24:23 Function api has Timeout 1000, outside Lambda's allowed 1–900 seconds"]);
    assert_eq!(
        suppressed(&report),
        [
            "FG-TMO-005 low fixtures/promises/tf-suppress/main.tf:6:1-6:39 Function batch sets \
no timeout, so Lambda's default of 3 seconds applies"
        ]
    );
    assert_eq!(
        report["suppressed"][0]["suppression"]["justification"],
        "bounded by the queue's visibility timeout"
    );
    assert_eq!(report["suppressed"][0]["suppression"]["start"]["line"], 5);
    // The heredoc line (30) is not a suppression: not unused, not invalid.
    assert!(
        diagnostics(&report).is_empty(),
        "{:?}",
        diagnostics(&report)
    );

    // Where in-source suppressions are forbidden, each real comment is an
    // FG-GOV-001 finding; the heredoc text is not.
    let (_, report) = scan(&[
        "fixtures/promises/tf-suppress",
        "--config",
        "fixtures/promises/forbid.faasguard.toml",
    ]);
    let gov: Vec<String> = findings(&report)
        .into_iter()
        .filter(|f| f.starts_with("FG-GOV-001"))
        .collect();
    assert_eq!(
        gov,
        [
            "FG-GOV-001 medium fixtures/promises/tf-suppress/main.tf:5:1-5:81 Suppression comment \
of FG-TMO-005 is not allowed: the configuration sets allow_inline_suppressions = false, so it is \
not honoured"
        ]
    );
}

/// serverless.yml: a comment above a function covers it, a trailing one its
/// line; the same finding elsewhere stands.
#[test]
fn serverless_comments_suppress_their_function_and_line() {
    let (code, report) = scan(&["fixtures/promises/sls-suppress"]);
    assert_eq!(code, Some(1));
    let standing: Vec<String> = findings(&report)
        .into_iter()
        .filter(|f| f.starts_with("FG-NET-") || f.starts_with("FG-TMO-"))
        .collect();
    assert_eq!(
        standing,
        ["FG-NET-001 high fixtures/promises/sls-suppress/serverless.yml:22:10-22:14 Function URL \
report/Url has AuthType NONE: anyone on the internet can invoke function report without \
credentials"]
    );
    assert_eq!(
        suppressed(&report),
        [
            "FG-TMO-005 low fixtures/promises/sls-suppress/serverless.yml:13:3-13:10 Function \
exports-dev-nightly sets no timeout, so the Serverless Framework's default of 6 seconds applies",
            "FG-NET-001 high fixtures/promises/sls-suppress/serverless.yml:18:10-18:14 Function URL \
api/Url has AuthType NONE: anyone on the internet can invoke function api without credentials",
        ]
    );
    assert!(
        diagnostics(&report).is_empty(),
        "{:?}",
        diagnostics(&report)
    );
}
