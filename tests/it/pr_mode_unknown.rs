//! Checks that could not be decided, through the binary: a rule whose
//! answer hinged on an unknown value lists it (rule, resource, the value's
//! place, the reason) in JSON `unknowns`, as SARIF `review` results of level
//! `none`, in one text line (all of them with `--show-unknown`), and
//! `--fail-on-unknown` fails on them; `--var` and `--sls-opt` resolve them.

use std::path::Path;

use serde_json::{json, Value};

use crate::cli::faasguard;

const TF: &str = r#"variable "runtime" {
  type = string
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = var.runtime
  timeout       = 30
  tracing_config {
    mode = "Active"
  }
}
"#;

/// A parameter without a default for each kind of check that matters most:
/// public access, encryption at rest and in transit.
const CFN: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  UrlAuth:
    Type: String
  QueueSse:
    Type: String
  TlsPolicy:
    Type: String
  Algorithm:
    Type: String
  Env:
    Type: String
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Url:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:orders
      AuthType: !Ref UrlAuth
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: !Ref QueueSse
  Domain:
    Type: AWS::ApiGateway::DomainName
    Properties:
      DomainName: api.example.com
      RegionalCertificateArn: arn:aws:acm:eu-west-1:123456789012:certificate/abc
      SecurityPolicy: !Ref TlsPolicy
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: !Ref Algorithm
"#;

const SLS: &str = r#"service: orders
provider:
  name: aws
  runtime: ${ssm:/orders/runtime}
  tracing:
    lambda: true
functions:
  api:
    handler: app.handler
    timeout: ${opt:timeout}
"#;

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    dir
}

fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let out = faasguard()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn report(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let (_, out, err) = run(dir, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"))
}

/// `(rule, file:line:col, reason)` of every unknown.
fn unknowns(report: &Value) -> Vec<(String, String, String)> {
    report["unknowns"]
        .as_array()
        .expect("unknowns")
        .iter()
        .map(|u| {
            (
                u["rule_id"].as_str().unwrap_or("").to_string(),
                crate::common::at(u),
                u["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn u(rule: &str, at: &str, reason: &str) -> (String, String, String) {
    (rule.into(), at.into(), reason.into())
}

#[test]
fn a_runtime_from_a_variable_without_a_value_is_listed_at_its_use() {
    let dir = dir_with(&[("main.tf", TF)]);
    let d = dir.path();
    let r = report(d, &[]);
    // The only finding is the function's missing code signing; the runtime
    // is not decided either way.
    let findings: Vec<(&str, u64, u64)> = r["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or(""),
                f["start"]["line"].as_u64().unwrap_or(0),
                f["start"]["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(findings, [("FG-DEP-003", 5, 1)]);
    assert_eq!(
        r["unknowns"][0],
        json!({
            "rule_id": "FG-RUN-001",
            "resource": "aws_lambda_function.orders",
            "path": "runtime",
            "file": "main.tf",
            "start": {"line": 9, "column": 19},
            "end": {"line": 9, "column": 30},
            "reason": "variable runtime has no value",
            // Content only (rule, file, resource, path, reason): stable
            // across edits that move the line.
            "fingerprint": "0928e8dc6a1f8814"
        })
    );
    assert_eq!(
        unknowns(&r),
        vec![
            u(
                "FG-RUN-001",
                "main.tf:9:19",
                "variable runtime has no value"
            ),
            u(
                "FG-RUN-002",
                "main.tf:9:19",
                "variable runtime has no value"
            ),
        ]
    );

    // Text: one line, unless asked for the list.
    let (code, text, _) = run(d, &["scan"]);
    assert_eq!(code, Some(1));
    assert!(
        text.ends_with(
            "1 finding (1 low) in 1 file\n2 checks could not be decided; see --show-unknown\n"
        ),
        "{text}"
    );
    assert_eq!(text.matches("low[FG-DEP-003]").count(), 1, "{text}");
    let (_, text, _) = run(d, &["scan", "--show-unknown"]);
    // After the findings (the function's missing code signing).
    assert!(
        text.contains(
            "\n\nunknown[FG-RUN-001]: runtime of aws_lambda_function.orders is unknown \
             (variable runtime has no value): FG-RUN-001 could not check it\n  --> main.tf:9:19\n\n"
        ),
        "{text}"
    );
    assert!(
        text.ends_with(
            "1 finding (1 low) in 1 file\n2 checks could not be decided (listed above)\n"
        ),
        "{text}"
    );

    // --fail-on-unknown fails on them; --var gives the value and the check decides.
    let (code, _, _) = run(d, &["scan", "--fail-on-unknown"]);
    assert_eq!(code, Some(1));
    let (code, out, _) = run(
        d,
        &[
            "scan",
            "--fail-on-unknown",
            "--var",
            "runtime=python3.13",
            "--format",
            "json",
        ],
    );
    // Only the code signing finding stands.
    assert_eq!(code, Some(1), "{out}");
    let r: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(r["unknowns"], json!([]));
    assert_eq!(r["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(r["findings"][0]["rule_id"], "FG-DEP-003");
    let (code, out, _) = run(
        d,
        &["scan", "--var", "runtime=python3.8", "--format", "json"],
    );
    assert_eq!(code, Some(1));
    let r: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(r["findings"][0]["rule_id"], "FG-DEP-003");
    assert_eq!(r["findings"][1]["rule_id"], "FG-RUN-001");
}

#[test]
fn public_access_and_encryption_checks_list_their_unknown_values() {
    let dir = dir_with(&[("stack.yaml", CFN)]);
    let r = report(dir.path(), &[]);
    assert_eq!(
        unknowns(&r),
        vec![
            u(
                "FG-NET-001",
                "stack.yaml:21:17",
                "parameter UrlAuth has no default"
            ),
            u(
                "FG-ENC-005",
                "stack.yaml:25:29",
                "parameter QueueSse has no default"
            ),
            u(
                "FG-ENC-011",
                "stack.yaml:31:23",
                "parameter TlsPolicy has no default"
            ),
            u(
                "FG-ENC-002",
                "stack.yaml:38:29",
                "parameter Algorithm has no default"
            ),
        ]
    );
}

#[test]
fn sarif_lists_them_for_review_not_as_alerts() {
    let dir = dir_with(&[("main.tf", TF)]);
    let (_, out, _) = run(dir.path(), &["scan", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&out).expect("SARIF");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().expect("results");
    let kinds: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or(""),
                r["kind"].as_str().unwrap_or(""),
            )
        })
        .collect();
    // The function's missing code signing is a finding; the two unknown
    // runtimes are for review.
    assert_eq!(
        kinds,
        [
            ("FG-DEP-003", ""),
            ("FG-RUN-001", "review"),
            ("FG-RUN-002", "review")
        ]
    );
    let first = &results[1];
    assert_eq!(first["ruleId"], "FG-RUN-001");
    assert_eq!(
        (first["kind"].as_str(), first["level"].as_str()),
        (Some("review"), Some("none"))
    );
    assert_eq!(
        first["message"]["text"],
        "runtime of aws_lambda_function.orders is unknown (variable runtime has no value): FG-RUN-001 could not check it"
    );
    let region = &first["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(9), Some(19))
    );
    assert_eq!(
        first["properties"]["reason"],
        "variable runtime has no value"
    );
    let i = first["ruleIndex"].as_u64().expect("ruleIndex") as usize;
    assert_eq!(run["tool"]["driver"]["rules"][i]["id"], "FG-RUN-001");
}

#[test]
fn serverless_lookups_are_unknown_and_sls_opt_resolves_them() {
    let dir = dir_with(&[("serverless.yml", SLS)]);
    let d = dir.path();
    let r = report(d, &[]);
    assert_eq!(
        unknowns(&r),
        vec![
            u(
                "FG-RUN-001",
                "serverless.yml:4:12",
                "${ssm:/orders/runtime} is only known at deploy time"
            ),
            u(
                "FG-RUN-002",
                "serverless.yml:4:12",
                "${ssm:/orders/runtime} is only known at deploy time"
            ),
            u(
                "FG-TMO-001",
                "serverless.yml:10:14",
                "${opt:timeout} has no value"
            ),
        ]
    );
    let r = report(d, &["--sls-opt", "timeout=1200"]);
    assert_eq!(unknowns(&r).len(), 2);
    let tmo: Vec<&Value> = r["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "FG-TMO-001")
        .collect();
    assert_eq!(tmo.len(), 1);
    assert_eq!(tmo[0]["start"], json!({"line": 10, "column": 14}));
}

#[test]
fn shards_split_them_and_merge_joins_them() {
    let dir = dir_with(&[
        ("main.tf", TF),
        ("stack.yaml", CFN),
        ("serverless.yml", SLS),
    ]);
    let d = dir.path();
    let whole = report(d, &[]);
    assert_eq!(unknowns(&whole).len(), 9);
    let mut parts = Vec::new();
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let (_, out, _) = run(d, &["scan", "--format", "json", "--shard", &shard]);
        let path = d.join(format!("part{k}.json"));
        std::fs::write(&path, out).expect("write");
        parts.push(path.display().to_string());
    }
    let (code, out, err) = run(d, &["merge", &parts[0], &parts[1]]);
    assert_eq!(code, Some(0), "{err}");
    let merged: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(merged["unknowns"], whole["unknowns"]);
}

/// A user's policy lists its own undecided checks with the same helper.
#[test]
fn custom_rules_can_list_undecided_checks() {
    let policy = r#"# Memory not set to a known size
package faasguard.rules.custom.memory_unknown

import data.faasguard.lib
import rego.v1

metadata := {"id": "FG-OBS-901", "title": "Memory too small", "severity": "low", "area": "OBS", "remediation": "Give it memory."}

deny contains {"resource": f.id, "path": "memory_size", "message": "too small"} if {
	some f in input.functions
	is_number(f.memory_size)
	f.memory_size < 256
}

undecided contains lib.undecided(f, "memory_size", f.memory_size) if {
	some f in input.functions
	lib.is_unknown(f.memory_size)
}
"#;
    let tf = TF.replace(
        "  timeout       = 30\n",
        "  timeout       = 30\n  memory_size   = var.memory\n",
    ) + "variable \"memory\" {}\n";
    let dir = dir_with(&[("main.tf", &tf), ("custom.rego", policy)]);
    let r = report(dir.path(), &["main.tf", "--policy", "custom.rego"]);
    let custom: Vec<_> = unknowns(&r)
        .into_iter()
        .filter(|u| u.0 == "FG-OBS-901")
        .collect();
    assert_eq!(
        custom,
        vec![u(
            "FG-OBS-901",
            "main.tf:11:19",
            "variable memory has no value"
        )]
    );
}
