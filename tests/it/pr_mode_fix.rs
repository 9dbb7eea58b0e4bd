//! Single-value fixes through the binary: `--diff` prints exactly the
//! value edits as a unified diff `git apply` accepts, `--fix` makes them in
//! place (only the values' bytes change: comments, quoting and layout
//! stay), the files still parse, and the scan after the fix is clean of the
//! fixed rules. SARIF carries the same edits as `fixes`.

use std::path::Path;

use serde_json::Value;

use crate::cli::faasguard;

const SAM: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
# Orders service.
Globals:
  Function:
    Tracing: Active
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler   # entry point
      Runtime: python3.8     # pinned for the C extension
      Timeout: 1200
  Billing:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: 'nodejs14.x'
      Timeout: 30
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: bootstrap
      Runtime: go1.x # moves to provided.al2023: not a one-value fix
      Timeout: 30
"#;

const CFN_JSON: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Orders": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Handler": "app.handler",
        "Role": "arn:aws:iam::123456789012:role/orders",
        "Runtime": "python3.8",
        "Timeout": 1200,
        "TracingConfig": {"Mode": "Active"}
      }
    },
    "Domain": {
      "Type": "AWS::ApiGateway::DomainName",
      "Properties": {
        "DomainName": "api.example.com",
        "RegionalCertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
        "SecurityPolicy": "TLS_1_0"
      }
    }
  }
}
"#;

const TF: &str = r#"# Orders service.
variable "runtime" {
  type    = string
  default = "nodejs16.x" # the team's default
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = "python3.8" # C extension pinned
  timeout       = 1200
  tracing_config {
    mode = "Active"
  }
}

resource "aws_lambda_function" "billing" {
  function_name = "billing"
  role          = "arn:aws:iam::123456789012:role/billing"
  handler       = "app.handler"
  runtime       = var.runtime
  timeout       = 30
  tracing_config {
    mode = "Active"
  }
}
"#;

const DIFF: &str = r#"--- a/app.cfn.json
+++ b/app.cfn.json
@@ -6,8 +6,8 @@
       "Properties": {
         "Handler": "app.handler",
         "Role": "arn:aws:iam::123456789012:role/orders",
-        "Runtime": "python3.8",
-        "Timeout": 1200,
+        "Runtime": "python3.14",
+        "Timeout": 900,
         "TracingConfig": {"Mode": "Active"}
       }
     },
@@ -16,7 +16,7 @@
       "Properties": {
         "DomainName": "api.example.com",
         "RegionalCertificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
-        "SecurityPolicy": "TLS_1_0"
+        "SecurityPolicy": "TLS_1_2"
       }
     }
   }
--- a/main.tf
+++ b/main.tf
@@ -1,15 +1,15 @@
 # Orders service.
 variable "runtime" {
   type    = string
-  default = "nodejs16.x" # the team's default
+  default = "nodejs24.x" # the team's default
 }
 
 resource "aws_lambda_function" "orders" {
   function_name = "orders"
   role          = "arn:aws:iam::123456789012:role/orders"
   handler       = "app.handler"
-  runtime       = "python3.8" # C extension pinned
-  timeout       = 1200
+  runtime       = "python3.14" # C extension pinned
+  timeout       = 900
   tracing_config {
     mode = "Active"
   }
--- a/template.yaml
+++ b/template.yaml
@@ -9,13 +9,13 @@
     Type: AWS::Serverless::Function
     Properties:
       Handler: app.handler   # entry point
-      Runtime: python3.8     # pinned for the C extension
-      Timeout: 1200
+      Runtime: python3.14     # pinned for the C extension
+      Timeout: 900
   Billing:
     Type: AWS::Serverless::Function
     Properties:
       Handler: app.handler
-      Runtime: 'nodejs14.x'
+      Runtime: 'nodejs24.x'
       Timeout: 30
   Worker:
     Type: AWS::Serverless::Function
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in [
        ("template.yaml", SAM),
        ("app.cfn.json", CFN_JSON),
        ("main.tf", TF),
    ] {
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

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).expect("read")
}

/// `(rule, line)` of the fixed rules' findings.
fn fixable(dir: &Path) -> Vec<(String, u64)> {
    let (_, out, _) = run(dir, &["scan", "--format", "json"]);
    let report: Value = serde_json::from_str(&out).expect("JSON");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            ["FG-RUN-001", "FG-TMO-001", "FG-ENC-011"]
                .contains(&f["rule_id"].as_str().unwrap_or(""))
        })
        .map(|f| {
            (
                format!(
                    "{} {}",
                    f["rule_id"].as_str().unwrap_or(""),
                    f["file"].as_str().unwrap_or("")
                ),
                f["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn diff_prints_exactly_the_value_edits_and_git_applies_it() {
    let dir = project();
    let d = dir.path();
    let (code, out, err) = run(d, &["scan", "--diff"]);
    assert_eq!(code, Some(1), "{err}");
    assert_eq!(out, DIFF);
    // Nothing written by --diff.
    assert_eq!(read(d, "template.yaml"), SAM);
    let patch = d.join("fix.patch");
    std::fs::write(&patch, &out).expect("write patch");
    let check = std::process::Command::new("git")
        .current_dir(d)
        .args(["apply", "--check", "--unsafe-paths", "fix.patch"])
        .output()
        .expect("git apply runs");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // After --fix there is nothing left to diff.
    run(d, &["scan", "--fix"]);
    let (code, out, _) = run(d, &["scan", "--diff"]);
    assert_eq!((code, out.as_str()), (Some(0), ""));
}

#[test]
fn fix_edits_values_in_place_and_the_files_still_parse_with_their_comments() {
    let dir = project();
    let d = dir.path();
    let before = fixable(d);
    assert_eq!(before.len(), 10, "{before:?}");
    let (_, _, err) = run(d, &["scan", "--fix"]);
    assert!(err.contains("fixed 9 values in 3 files"), "{err}");

    let sam = read(d, "template.yaml");
    assert_eq!(
        sam,
        SAM.replace("Runtime: python3.8     #", "Runtime: python3.14     #")
            .replace("Timeout: 1200", "Timeout: 900")
            .replace("'nodejs14.x'", "'nodejs24.x'")
    );
    let doc =
        faasguard::parse::yaml::parse(&sam, faasguard::source::FileId(0)).expect("YAML parses");
    assert_eq!(doc.len(), 1);
    assert!(sam.contains("# Orders service.\n") && sam.contains("# pinned for the C extension\n"));
    assert!(
        sam.contains("Runtime: go1.x # moves to provided.al2023"),
        "go1.x is left alone"
    );

    let json = read(d, "app.cfn.json");
    assert_eq!(
        json,
        CFN_JSON
            .replace("\"python3.8\"", "\"python3.14\"")
            .replace("1200", "900")
            .replace("\"TLS_1_0\"", "\"TLS_1_2\"")
    );
    let parsed: Value = serde_json::from_str(&json).expect("JSON parses");
    assert_eq!(parsed["Resources"]["Orders"]["Properties"]["Timeout"], 900);

    let tf = read(d, "main.tf");
    assert_eq!(
        tf,
        TF.replace("\"nodejs16.x\"", "\"nodejs24.x\"")
            .replace("\"python3.8\"", "\"python3.14\"")
            .replace("= 1200", "= 900")
    );
    let body: hcl_edit::structure::Body = tf.parse().expect("HCL parses");
    assert_eq!(body.iter().count(), 3);
    assert!(tf.contains("# the team's default\n") && tf.contains("# C extension pinned\n"));
    assert!(
        tf.contains("runtime       = var.runtime\n"),
        "the reference stays"
    );

    // Only go1.x (no one-value fix) is left of the fixed rules.
    assert_eq!(
        fixable(d),
        vec![("FG-RUN-001 template.yaml".to_string(), 24)]
    );
}

#[test]
fn sarif_fixes_carry_the_exact_region_and_text() {
    let dir = project();
    let (_, out, _) = run(dir.path(), &["scan", "template.yaml", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&out).expect("SARIF");
    let fixes: Vec<(u64, u64, u64, &str)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["fixes"][0]["artifactChanges"][0]["replacements"][0].as_object())
        .map(|rep| {
            let region = &rep["deletedRegion"];
            (
                region["startLine"].as_u64().unwrap_or(0),
                region["startColumn"].as_u64().unwrap_or(0),
                region["endColumn"].as_u64().unwrap_or(0),
                rep["insertedContent"]["text"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        vec![
            (12, 16, 25, "python3.14"),
            (13, 16, 20, "900"),
            (18, 16, 28, "'nodejs24.x'")
        ]
    );
    let (_, out, _) = run(dir.path(), &["scan", "template.yaml", "--format", "json"]);
    let report: Value = serde_json::from_str(&out).expect("JSON");
    let runtime = report["findings"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["rule_id"] == "FG-RUN-001"))
        .expect("a runtime finding");
    assert_eq!(
        runtime["replacement"],
        serde_json::json!({"start": {"line": 12, "column": 16}, "end": {"line": 12, "column": 25}, "text": "python3.14"})
    );
}

#[test]
fn fix_refuses_standard_input() {
    let (code, _, err) = run(Path::new("."), &["scan", "-", "--fix"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("standard input"), "{err}");
}
