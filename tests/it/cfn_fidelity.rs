//! CloudFormation and SAM fidelity (issue #13): templates that are valid for
//! CloudFormation but were misread — an indented top-level mapping, a flow
//! sequence closed at its key's column, `Fn::ForEach` loops, SAM
//! `IgnoreGlobals` — and AWS CDK output (`cdk.out`): construct paths, asset
//! folders and nested stacks. Each case runs a full scan of its own fixture
//! and checks every finding's rule, place and message.

use std::path::Path;

use faasguard::scan::{Outcome, Settings};

use crate::common;

/// `rule file:line:col resource: message` of every finding, in report order.
fn findings(outcome: &Outcome) -> Vec<String> {
    outcome
        .findings
        .iter()
        .map(|f| {
            let src = outcome.sources.get(f.span.file).expect("finding's file");
            let at = src.line_col(f.span.start);
            format!(
                "{} {}:{}:{} {}: {}",
                f.rule_id,
                src.display,
                at.line,
                at.column,
                f.resource.as_deref().unwrap_or("-"),
                f.message
            )
        })
        .collect()
}

/// `level code file:line:col message` of every diagnostic.
fn diagnostics(outcome: &Outcome) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let at = d
                .span
                .and_then(|s| outcome.sources.get(s.file).map(|src| src.line_col(s.start)))
                .map(|lc| format!(":{}:{}", lc.line, lc.column))
                .unwrap_or_default();
            format!(
                "{:?} {} {}{at} {}",
                d.level,
                d.code,
                d.file.as_deref().unwrap_or("-"),
                d.message
            )
        })
        .collect()
}

fn fixture(rel: &str) -> std::path::PathBuf {
    common::root().join("fixtures").join(rel)
}

/// Display paths are relative to the working directory: `cargo test` runs in the crate root.
fn scan(settings: &Settings) -> Outcome {
    common::scan_with(settings)
}

fn scan_paths(paths: &[&Path]) -> Outcome {
    scan(&common::settings(paths))
}

#[test]
fn indented_top_level_mapping_is_a_template() {
    let outcome = scan_paths(&[&fixture("cloudformation/indented-top-level")]);
    assert_eq!(outcome.stats.files_scanned, 1);
    assert_eq!(outcome.stats.resources, 1);
    assert_eq!(diagnostics(&outcome), Vec::<String>::new());
    assert_eq!(
        findings(&outcome),
        ["FG-OBS-001 fixtures/cloudformation/indented-top-level/template.yaml:15:17 AuditFunction: Function AuditFunction has tracing mode PassThrough, not Active: X-Ray traces only requests that arrive already sampled"]
    );
}

#[test]
fn flow_sequence_closed_at_the_key_column_parses() {
    let outcome = scan_paths(&[&fixture("cloudformation/flow-bracket")]);
    assert_eq!(diagnostics(&outcome), Vec::<String>::new());
    assert_eq!(outcome.stats.files_failed, 0);
    assert_eq!(
        findings(&outcome),
        ["FG-IAM-001 fixtures/cloudformation/flow-bracket/template.yaml:20:19 ReportsRole/Policies/reports: Inline policy reports of ReportsRole allows s3:*: every action of s3"]
    );
}

#[test]
fn foreach_loops_generate_checked_resources() {
    let outcome = scan_paths(&[&fixture("cloudformation/foreach")]);
    let file = "fixtures/cloudformation/foreach/template.yaml";
    assert_eq!(outcome.stats.resources, 6);
    let trace = "has tracing mode PassThrough, not Active: X-Ray traces only requests that arrive already sampled";
    let sse =
        "turns SSE-SQS off and sets no KmsMasterKeyId, so its messages are stored unencrypted";
    assert_eq!(
        findings(&outcome),
        [
            format!("FG-OBS-001 {file}:31:19 billingWorker: Function billingWorker {trace}"),
            format!("FG-OBS-001 {file}:31:19 ordersWorker: Function ordersWorker {trace}"),
            format!("FG-ENC-005 {file}:43:37 billingdeadletterQueue: Queue billingdeadletterQueue {sse}"),
            format!("FG-ENC-005 {file}:43:37 billingjobsQueue: Queue billingjobsQueue {sse}"),
            format!("FG-ENC-005 {file}:43:37 ordersdeadletterQueue: Queue ordersdeadletterQueue {sse}"),
            format!("FG-ENC-005 {file}:43:37 ordersjobsQueue: Queue ordersjobsQueue {sse}"),
        ]
    );
    // The loop over a parameter without a default is said to be unchecked, where it is written.
    assert_eq!(
        diagnostics(&outcome),
        [format!("Warning adapt-warning {file}:44:3 Fn::ForEach::Regional: the collection is parameter Regions, which has no default: it is only known at deploy time; what it generates is not checked")]
    );
}

#[test]
fn foreach_values_intrinsics_and_deletion_policy_reach_the_model() {
    let model = faasguard::scan::model_json(&fixture("cloudformation/foreach/template.yaml"))
        .expect("model");
    let resources = model["resources"].as_array().expect("resources");
    let ids: Vec<&str> = resources.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        [
            "billingWorker",
            "billingjobsQueue",
            "billingdeadletterQueue",
            "ordersWorker",
            "ordersjobsQueue",
            "ordersdeadletterQueue"
        ]
    );
    let orders = &resources[3];
    // `!If [Isorders, ...]` on a condition the loop generated, known from the parameter default.
    assert_eq!(orders["deletion_policy"], "Retain");
    assert_eq!(orders["properties"]["FunctionName"], "orders-worker");
    assert_eq!(
        orders["properties"]["Environment"]["Variables"],
        serde_json::json!({"TEAM": "orders", "TEAM_COUNT": 2})
    );
    assert_eq!(
        resources[5]["properties"]["QueueName"],
        "orders-dead-letter"
    );
}

#[test]
fn ignore_globals_opts_functions_out_of_globals() {
    let outcome = scan_paths(&[&fixture("cloudformation/ignore-globals")]);
    let file = "fixtures/cloudformation/ignore-globals/template.yaml";
    assert_eq!(diagnostics(&outcome), Vec::<String>::new());
    let trace = "has no tracing configured (the default is PassThrough): X-Ray traces only requests that arrive already sampled";
    assert_eq!(
        findings(&outcome),
        [
            format!("FG-OBS-001 {file}:11:3 LegacyFunction: Function LegacyFunction {trace}"),
            format!("FG-TMO-005 {file}:11:3 LegacyFunction: Function LegacyFunction sets no timeout, so Lambda's default of 3 seconds applies"),
            format!("FG-OBS-001 {file}:19:3 QuietFunction: Function QuietFunction {trace}"),
        ]
    );
}
