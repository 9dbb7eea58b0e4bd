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
        ["FG-DEP-003 fixtures/cloudformation/indented-top-level/template.yaml:5:5 AuditFunction: Function AuditFunction has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not", "FG-OBS-001 fixtures/cloudformation/indented-top-level/template.yaml:15:17 AuditFunction: Function AuditFunction has tracing mode PassThrough, not Active: X-Ray traces only requests that arrive already sampled"]);
}

#[test]
fn flow_sequence_closed_at_the_key_column_parses() {
    let outcome = scan_paths(&[&fixture("cloudformation/flow-bracket")]);
    assert_eq!(diagnostics(&outcome), Vec::<String>::new());
    assert_eq!(outcome.stats.files_failed, 0);
    assert_eq!(
        findings(&outcome),
        [
            "FG-IAM-028 fixtures/cloudformation/flow-bracket/template.yaml:20:19 ReportsRole/Policies/reports: Inline policy reports of ReportsRole allows s3:*: every action of s3, present and future",
            "FG-IAM-016 fixtures/cloudformation/flow-bracket/template.yaml:22:27 ReportsRole/Policies/reports: Inline policy reports of ReportsRole reads secrets or data on all resources (*): s3:GetObject",
        ]
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
            format!("FG-DEP-003 {file}:19:7 billingWorker: Function billingWorker has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not"),
            format!("FG-DEP-003 {file}:19:7 ordersWorker: Function ordersWorker has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not"),
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
            format!("FG-DEP-003 {file}:11:3 LegacyFunction: Function LegacyFunction has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not"),
            format!("FG-OBS-001 {file}:11:3 LegacyFunction: Function LegacyFunction {trace}"),
            format!("FG-TMO-005 {file}:11:3 LegacyFunction: Function LegacyFunction sets no timeout, so Lambda's default of 3 seconds applies"),
            format!("FG-DEP-003 {file}:19:3 QuietFunction: Function QuietFunction has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not"),
            format!("FG-OBS-001 {file}:19:3 QuietFunction: Function QuietFunction {trace}"),
            format!("FG-DEP-003 {file}:26:3 OrdersFunction: Function OrdersFunction has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not"),
        ]
    );
}

/// Settings for the CDK fixture: its own advisory database, never stale.
fn cdk_settings(path: &Path) -> Settings {
    let mut settings = common::settings(&[path]);
    settings.advisories.db = Some(fixture("cdk/advisory-db"));
    settings.advisories.max_age_days = 0;
    settings
}

const CDK_OUT: &str = "fixtures/cdk/app/cdk.out";

fn cdk_findings() -> Vec<String> {
    let stack = format!("{CDK_OUT}/OrdersStack.template.json");
    vec![
        format!("FG-DEP-003 {stack}:24:3 OrdersFunction6A1D2F0C: Function OrdersFunction6A1D2F0C has no code signing config (CodeSigningConfigArn): Lambda deploys any code pushed to it, signed or not"),
        format!("FG-RUN-001 {stack}:33:16 OrdersFunction6A1D2F0C: Function OrdersFunction6A1D2F0C uses nodejs20.x (Node.js 20), deprecated since 2026-04-30; upgrade to nodejs24.x"),
        format!("FG-OBS-001 {stack}:35:31 OrdersFunction6A1D2F0C: Function OrdersFunction6A1D2F0C has tracing mode PassThrough, not Active: X-Ray traces only requests that arrive already sampled"),
        format!("FG-ENC-005 {CDK_OUT}/OrdersStackOrdersDb4C2D1E0F.nested.template.json:6:29 OrdersQueue9B8A7C6D: Queue OrdersQueue9B8A7C6D turns SSE-SQS off and sets no KmsMasterKeyId, so its messages are stored unencrypted (nested stack instantiated by OrdersDbNestedStackOrdersDbNestedStackResource8E1F2A3B in {stack})"),
        // The asset folder's lockfile belongs to the function staged from it.
        format!("FG-DEP-001 {CDK_OUT}/asset.5f3c0e7d9a1b/package-lock.json:14:5 lodash@4.17.20: lodash 4.17.20 is affected by FG-TEST-CDK-1: Command injection in lodash template (test advisory); upgrade to 4.17.21 or later; shipped by function OrdersFunction6A1D2F0C"),
    ]
}

#[test]
fn cdk_out_named_on_the_command_line_is_scanned_with_construct_paths() {
    let outcome = scan(&cdk_settings(&common::root().join(CDK_OUT)));
    assert_eq!(diagnostics(&outcome), Vec::<String>::new());
    assert_eq!(findings(&outcome), cdk_findings());
    // Both templates, the nested one once.
    assert_eq!(outcome.stats.files_scanned, 2);
    let constructs: Vec<Option<&str>> = outcome
        .findings
        .iter()
        .map(|f| f.construct_path.as_deref())
        .collect();
    assert_eq!(
        constructs,
        [
            Some("OrdersStack/OrdersFunction/Resource"),
            Some("OrdersStack/OrdersFunction/Resource"),
            Some("OrdersStack/OrdersFunction/Resource"),
            Some("OrdersStack/OrdersDb/OrdersQueue/Resource"),
            None,
        ]
    );
    let text = faasguard::report::text::render(&outcome);
    let text = anstream::adapter::strip_str(&text).to_string();
    assert!(
        text.contains("   = resource: OrdersFunction6A1D2F0C (AWS::Lambda::Function)\n   = construct: OrdersStack/OrdersFunction/Resource\n"),
        "{text}"
    );
    // The same report at any thread count.
    let mut four = cdk_settings(&common::root().join(CDK_OUT));
    four.threads = 4;
    assert_eq!(
        faasguard::report::json::render(&scan(&four)),
        faasguard::report::json::render(&outcome)
    );
}

#[test]
fn cdk_out_below_a_scan_path_is_scanned_only_when_asked() {
    let app = fixture("cdk/app");
    let skipped = scan(&cdk_settings(&app));
    assert_eq!(skipped.stats.files_scanned, 0);
    assert_eq!(findings(&skipped), Vec::<String>::new());
    // `scan_cdk_out`: found beside the walked directories, though `.faasguardignore` lists it.
    let mut settings = cdk_settings(&app);
    settings.discover.scan_cdk_out = true;
    let outcome = scan(&settings);
    assert_eq!(diagnostics(&outcome), Vec::<String>::new());
    assert_eq!(findings(&outcome), cdk_findings());
}

#[test]
fn scan_cdk_out_config_key_and_json_construct_path() {
    let (code, report) = common::json_run(
        &[
            "scan",
            "fixtures/cdk/app",
            "--config",
            "fixtures/cdk/scan-cdk-out.toml",
            "--advisory-db",
            "fixtures/cdk/advisory-db",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    let got: Vec<(String, String, u64, Option<String>)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start"]["line"].as_u64().unwrap_or(0),
                f["construct_path"].as_str().map(str::to_string),
            )
        })
        .collect();
    let stack = format!("{CDK_OUT}/OrdersStack.template.json");
    let nested = format!("{CDK_OUT}/OrdersStackOrdersDb4C2D1E0F.nested.template.json");
    let function = Some("OrdersStack/OrdersFunction/Resource".to_string());
    assert_eq!(
        got,
        [
            ("FG-DEP-003".into(), stack.clone(), 24, function.clone()),
            ("FG-RUN-001".into(), stack.clone(), 33, function.clone()),
            ("FG-OBS-001".into(), stack, 35, function),
            (
                "FG-ENC-005".into(),
                nested,
                6,
                Some("OrdersStack/OrdersDb/OrdersQueue/Resource".into())
            ),
            (
                "FG-DEP-001".into(),
                format!("{CDK_OUT}/asset.5f3c0e7d9a1b/package-lock.json"),
                14,
                None
            ),
        ]
    );
    // Not a CDK finding: no field at all.
    assert!(report["findings"][4].get("construct_path").is_none());
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn cdk_sarif_names_the_construct_as_a_logical_location() {
    let out = crate::cli::faasguard()
        .current_dir(common::root())
        .args(["scan", CDK_OUT, "--format", "sarif"])
        .args(["--advisory-db", "fixtures/cdk/advisory-db"])
        .output()
        .expect("runs");
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif is json");
    {
        let schema = crate::sarif::schema();
        let validator = jsonschema::validator_for(&schema).expect("schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let obs = results
        .iter()
        .find(|r| r["ruleId"] == "FG-OBS-001")
        .expect("FG-OBS-001");
    assert_eq!(
        obs["locations"][0]["logicalLocations"],
        serde_json::json!([
            {
                "name": "OrdersFunction6A1D2F0C",
                "kind": "resource",
                "fullyQualifiedName": "AWS::Lambda::Function/OrdersFunction6A1D2F0C"
            },
            {
                "name": "OrdersFunction",
                "fullyQualifiedName": "OrdersStack/OrdersFunction/Resource",
                "kind": "module"
            }
        ])
    );
}

#[test]
fn packaged_nested_stacks_are_followed_once_and_never_outside_the_scan() {
    // The parent named alone: its child template is read because it instantiates it.
    let outcome = scan_paths(&[&fixture("cloudformation/nested/stack.yaml")]);
    let parent = "fixtures/cloudformation/nested/stack.yaml";
    assert_eq!(outcome.stats.files_scanned, 2);
    assert_eq!(
        findings(&outcome),
        [format!("FG-ENC-005 fixtures/cloudformation/nested/children/queue.yaml:6:29 WorkQueue: Queue WorkQueue turns SSE-SQS off and sets no KmsMasterKeyId, so its messages are stored unencrypted (nested stack instantiated by OrdersQueues in {parent}, BillingQueues in {parent})")]
    );
    assert_eq!(
        diagnostics(&outcome),
        [format!("Warning nested-stack {parent}:12:3 nested stack Shared: template ../../outside.yaml is outside the scanned paths; not read, its resources are not scanned")]
    );
    // Walked as well as instantiated: still scanned once.
    let walked = scan_paths(&[&fixture("cloudformation/nested")]);
    assert_eq!(walked.stats.files_scanned, 2);
    assert_eq!(findings(&walked), findings(&outcome));
}

/// A file may hold several templates, `---` between them: each is read as a
/// template of its own (its findings in its own lines, fingerprints apart
/// even where two templates use one logical id); a document that is no
/// template is named in a warning, never skipped in silence.
#[test]
fn every_template_of_a_multi_document_file_is_checked() {
    let outcome = scan_paths(&[&fixture("cloudformation/multi-document/template.yaml")]);
    assert_eq!(
        diagnostics(&outcome),
        ["Warning extra-documents fixtures/cloudformation/multi-document/template.yaml:16:1 YAML document 3 of 3 in this file is not a CloudFormation template (no `AWSTemplateFormatVersion`, `Transform` or `Resources` with `AWS::` types) (split it into a file of its own if it should be one), so it is not checked"]
    );
    let queues: Vec<String> = findings(&outcome)
        .into_iter()
        .filter(|f| f.starts_with("FG-ENC-005"))
        .collect();
    assert_eq!(
        queues,
        [
            "FG-ENC-005 fixtures/cloudformation/multi-document/template.yaml:6:29 Queue: Queue Queue turns SSE-SQS off and sets no KmsMasterKeyId, so its messages are stored unencrypted",
            "FG-ENC-005 fixtures/cloudformation/multi-document/template.yaml:13:29 Queue: Queue Queue turns SSE-SQS off and sets no KmsMasterKeyId, so its messages are stored unencrypted",
        ]
    );
    let prints: Vec<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.rule_id == "FG-ENC-005")
        .map(|f| f.fingerprint.as_str())
        .collect();
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1]);
}
