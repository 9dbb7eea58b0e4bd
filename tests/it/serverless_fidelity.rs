//! Serverless Framework fidelity end to end: the Framework's own defaults,
//! `provider.apiGateway.resourcePolicy`, the serverless-step-functions
//! plugin's state machines, and variable fan-out bounded as it grows
//! (issues #13 and #14.7). Each finding is checked at its exact place with
//! its message.

use std::time::{Duration, Instant};

use crate::common::{findings_of, json_run};

/// `(rule, line, column, message)` of every finding of `rules` in a report.
fn found(report: &serde_json::Value, rules: &[&str]) -> Vec<(String, u64, u64, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rules.contains(&f["rule_id"].as_str().unwrap_or("")))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn scan(dir: &str) -> serde_json::Value {
    let (_, report) = json_run(&["scan", dir, "--format", "json"], &[]);
    assert_eq!(
        report["diagnostics"].as_array().map(Vec::len),
        Some(0),
        "{:#}",
        report["diagnostics"]
    );
    report
}

fn owned(rule: &str, line: u64, column: u64, message: &str) -> (String, u64, u64, String) {
    (rule.to_string(), line, column, message.to_string())
}

#[test]
fn framework_defaults_are_what_timeout_rules_judge() {
    let report = scan("fixtures/serverless/defaults");
    assert_eq!(
        found(&report, &["FG-TMO-001", "FG-TMO-003", "FG-TMO-005"]),
        vec![
            // `worker` sets no timeout: the Framework's 6 s, at its key.
            owned(
                "FG-TMO-005",
                7,
                3,
                "Function jobs-dev-worker sets no timeout, so the Serverless Framework's default of 6 seconds applies"
            ),
            // 6 × 6 s is above SQS's default 30 s visibility timeout.
            owned(
                "FG-TMO-003",
                17,
                5,
                "Queue Jobs has the default visibility timeout of 30 s, below 6 × the 6 s timeout (the Serverless Framework's default) of function jobs-dev-worker that consumes it (36 s): messages are redelivered while still being processed"
            ),
        ]
    );
    // `provider.logRetentionInDays` reaches both log groups.
    assert!(found(&report, &["FG-OBS-002"]).is_empty());
}

#[test]
fn the_rest_api_resource_policy_is_judged_statement_by_statement() {
    let report = scan("fixtures/serverless/resource-policy");
    // The first statement opens the API to anyone; the second is narrowed
    // to a network.
    assert_eq!(
        found(&report, &["FG-IAM-006"]),
        vec![owned(
            "FG-IAM-006",
            10,
            20,
            "API Gateway resource policy ApiGatewayRestApi/Policy allows execute-api:Invoke to any principal (*) with no condition limiting the caller's account, organization, source or network"
        )]
    );
}

#[test]
fn step_functions_state_machines_meet_the_state_machine_rules() {
    let report = scan("fixtures/serverless/step-functions");
    let rules = [
        "FG-ENC-010",
        "FG-OBS-005",
        "FG-IAM-001",
        "FG-NET-002",
        "FG-TMO-004",
    ];
    assert_eq!(
        found(&report, &rules),
        vec![
            owned(
                "FG-ENC-010",
                14,
                5,
                "State machine CheckoutFlow sets no EncryptionConfiguration, so its definition and execution history are encrypted with an AWS owned key that no key policy or CloudTrail log covers"
            ),
            owned(
                "FG-OBS-005",
                17,
                18,
                "State machine CheckoutFlow has tracing disabled: its executions are not traced in X-Ray"
            ),
            owned(
                "FG-IAM-001",
                20,
                19,
                "Inline policy stepFunctions.stateMachines.checkout.iamRoleStatements of CheckoutFlowRole allows *: every action of every service (administrator access)"
            ),
            owned(
                "FG-NET-002",
                23,
                11,
                "API route POST /checkout (CheckoutFlow/events/0) has no authorization and requires no API key: anyone can invoke it"
            ),
            owned(
                "FG-TMO-004",
                30,
                13,
                "Task state Charge of state machine CheckoutFlow has no TimeoutSeconds: a lost response leaves executions stuck"
            ),
        ]
    );
}

#[test]
fn step_functions_without_the_plugin_are_not_modelled() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("fixtures/serverless/step-functions/serverless.yml")
        .unwrap()
        .replace("plugins:\n  - serverless-step-functions\n", "");
    std::fs::write(dir.path().join("serverless.yml"), text).unwrap();
    let (_, report) = json_run(
        &["scan", dir.path().to_str().unwrap(), "--format", "json"],
        &[],
    );
    let rules = ["FG-ENC-010", "FG-OBS-005", "FG-NET-002", "FG-TMO-004"];
    assert!(found(&report, &rules).is_empty(), "{report:#}");
}

/// The #14.7 reproducer: 80 levels, each listing the next four times
/// (about 8 KB), plus a function the rest of the file declares.
fn fan_out() -> String {
    let mut text =
        String::from("service: fan\nprovider:\n  name: aws\n  runtime: python3.12\ncustom:\n");
    for i in 0..80 {
        let r = format!("'${{self:custom.k{}}}'", i + 1);
        text.push_str(&format!("  k{i}: [{r}, {r}, {r}, {r}]\n"));
    }
    text.push_str("  k80: leaf\n  legacy: python2.7\n");
    text.push_str("functions:\n  hello:\n    handler: app.handler\n    runtime: ${self:custom.legacy}\n    environment:\n      FAN: ${self:custom.k0}\n");
    text
}

#[test]
fn variable_fan_out_stops_early_with_a_diagnostic_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let text = fan_out();
    assert!((7_000..9_000).contains(&text.len()), "{}", text.len());
    std::fs::write(dir.path().join("serverless.yml"), &text).unwrap();
    let start = Instant::now();
    let (_, report) = json_run(
        &["scan", dir.path().to_str().unwrap(), "--format", "json"],
        &[],
    );
    // Generous for a debug build on a shared machine; it took 14 s and
    // 4.5 GB before the budget was charged as values are copied.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    let diags: Vec<(String, String, u64, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let diag = |line: u64, column: u64, message: &str| {
        (
            "adapt-warning".to_string(),
            "serverless.yml".to_string(),
            line,
            column,
            message.to_string(),
        )
    };
    assert_eq!(
        diags,
        vec![
            // The chain reaches 64 references at `k32` (two per level).
            diag(
                38,
                9,
                "variables refer through more than 64 levels here (and wherever this chain is used); the value is unknown"
            ),
            // The second `${self:custom.k25}` of `k24` would not fit.
            diag(
                30,
                31,
                "${self:custom.k25} expands beyond what faasguard resolves (at most 500000 values or 32 MiB copied by variables per file); it and any value that would exceed that are unknown"
            ),
        ]
    );
    // Column 31 of line 30 is the second item (the quoted scalar).
    let line30 = text.lines().nth(29).unwrap();
    assert_eq!(&line30[30..50], "'${self:custom.k25}'");
    // The rest of the file is still resolved and checked.
    let runtime: Vec<(String, String, u64, String)> = findings_of(&report)
        .into_iter()
        .filter(|f| f.0 == "FG-RUN-001")
        .collect();
    assert_eq!(runtime.len(), 1, "{runtime:?}");
    assert_eq!(runtime[0].1, "serverless.yml");
    assert_eq!(runtime[0].2, 87, "custom.legacy is written on line 87");
    assert!(
        runtime[0].3.contains("uses python2.7")
            && runtime[0]
                .3
                .contains("through ${self:custom.legacy}, used at line 91"),
        "{}",
        runtime[0].3
    );
}

/// A template a service includes (`resources: - ${file(...)}`) is part of
/// the service's stack: each finding on what it holds is reported once, by
/// the service, at its place in the included file, and a suppression
/// comment there applies; a template no service includes is scanned on its
/// own as before.
#[test]
fn included_templates_are_scanned_once_as_part_of_their_service() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("svc/resources")).unwrap();
    std::fs::write(
        root.join("svc/serverless.yml"),
        "service: frag
provider:
  name: aws
  runtime: python3.12
  region: eu-west-1
functions:
  hello:
    handler: handler.hello
    timeout: 10
resources:
  - ${file(resources/topics.yml)}
",
    )
    .unwrap();
    std::fs::write(
        root.join("svc/resources/topics.yml"),
        "Resources:
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: alerts
  Audit: # faasguard:ignore FG-ENC-006 reason=\"holds no data\"
    Type: AWS::SNS::Topic
",
    )
    .unwrap();
    // Not included by any service: a template of its own.
    std::fs::write(
        root.join("svc/resources/other.yml"),
        "Resources:
  Spare:
    Type: AWS::SNS::Topic
",
    )
    .unwrap();
    let (_, report) = json_run(&["scan", root.to_str().unwrap(), "--format", "json"], &[]);
    let at: Vec<(String, u64, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "FG-ENC-006")
        .map(|f| {
            (
                f["file"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string(),
                f["start"]["line"].as_u64().unwrap(),
                f["start"]["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        at,
        [
            ("other.yml".to_string(), 2, 3),
            ("topics.yml".to_string(), 2, 3)
        ],
        "{:#}",
        report["findings"]
    );
    let suppressed: Vec<&str> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["finding"]["resource"].as_str().or(s["resource"].as_str()))
        .collect();
    assert!(suppressed.contains(&"Audit"), "{:#}", report["suppressed"]);
}
