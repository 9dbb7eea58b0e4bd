//! AWS Lambda in Terraform: functions, function URLs, permissions,
//! event-source mappings, asynchronous invocation configs and the resources
//! that invoke a function asynchronously (S3 notifications, SNS
//! subscriptions, EventBridge targets), plus Step Functions state machines.

use super::res::{boolean, num, text, walk};
use super::{Adapter, Res};
use crate::adapt::iam;
use crate::model::collections::{update, EventSourceMapping, Function, FunctionUrl, StateMachine};
use crate::model::map_of;
use crate::parse::Node;

const FUNCTION: &[&str] = &["aws_lambda_function"];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_lambda_function" => function(a, r),
        "aws_lambda_permission" => permission(a, r),
        "aws_lambda_function_url" => url(a, r),
        "aws_lambda_event_source_mapping" => event_source_mapping(a, r),
        "aws_lambda_function_event_invoke_config" => invoke_config(a, r),
        "aws_s3_bucket_notification" => {
            for c in r.blocks("lambda_function") {
                let v = c.get("lambda_function_arn");
                if let Some(f) = a.link(r, "lambda_function", v, FUNCTION) {
                    mark_async(a, &f);
                }
            }
        }
        "aws_sns_topic_subscription"
            if r.get("protocol").and_then(Node::as_str) == Some("lambda") =>
        {
            if let Some(f) = a.link(r, "endpoint", r.get("endpoint"), FUNCTION) {
                mark_async(a, &f);
            }
        }
        "aws_cloudwatch_event_target" | "aws_scheduler_schedule" => {
            let (arg, v) = match r.type_ {
                "aws_scheduler_schedule" => ("target", r.path(&["target", "arn"])),
                _ => ("arn", r.get("arn")),
            };
            if let Some(f) = a.link(r, arg, v, FUNCTION) {
                mark_async(a, &f);
            }
        }
        "aws_sfn_state_machine" => state_machine(a, r),
        _ => {}
    }
}

fn mark_async(a: &mut Adapter<'_, '_>, f: &Node) {
    a.updates.push(crate::adapt::async_invoked(f));
}

fn function(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut head = r.head();
    // Messages name the function as AWS does; `id` stays the address.
    if let Some(n) = text(r.get("function_name")) {
        if let Some(name) = n.as_str() {
            head = head.with_name(name, n.span);
        }
    }
    let mut f = Function::new(head);
    f.runtime = text(r.get("runtime")).cloned();
    f.handler = text(r.get("handler")).cloned();
    f.package_type = text(r.get("package_type")).cloned();
    f.timeout = num(r.get("timeout"));
    f.memory_size = num(r.get("memory_size"));
    f.tracing = r.path(&["tracing_config", "mode"]).cloned();
    f.environment = r.path(&["environment", "variables"]).cloned();
    f.kms_key = text(r.get("kms_key_arn")).cloned();
    f.role = a.link_arg(r, "role", &["aws_iam_role"]);
    f.architectures = r.get("architectures").cloned();
    // -1 is the provider's "no reservation".
    if let Some(n) = num(r.get("reserved_concurrent_executions")) {
        if n.as_f64() != Some(-1.0) {
            f.reserved_concurrency = Some(n);
        }
    }
    let dlq = r.path(&["dead_letter_config", "target_arn"]);
    if let Some(t) = dlq {
        let linked = a.link(
            r,
            "dead_letter_config",
            Some(t),
            &["aws_sqs_queue", "aws_sns_topic"],
        );
        f.on_failure = Some(linked.unwrap_or_else(|| t.clone()));
    }
    let code = r
        .get("filename")
        .and_then(|f| archive_source(a, r, f))
        .or_else(|| text(r.get("filename")).cloned())
        .or_else(|| text(r.get("image_uri")).cloned())
        .or_else(|| {
            let (b, k) = (r.get("s3_bucket")?, r.get("s3_key")?);
            let uri = format!("s3://{}/{}", b.as_str()?, k.as_str()?);
            Some(Node::string(uri, b.span))
        });
    f.code_uri = code;
    a.model.add(f);
}

fn permission(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let target = a.link_arg(r, "function_name", FUNCTION);
    let arg = |name: &str| text(r.get(name));
    let perm = iam::Permission {
        action: r.get("action"),
        principal: arg("principal"),
        source_arn: arg("source_arn"),
        source_account: arg("source_account"),
        principal_org_id: arg("principal_org_id"),
        function_url_auth_type: arg("function_url_auth_type"),
        event_source_token: arg("event_source_token"),
    };
    if let (Some(p), Some(t)) = (
        perm.async_principal(),
        target.as_ref().and_then(Node::as_str),
    ) {
        if a.type_of(t).is_some() {
            let v = Node::bool(true, p.span);
            a.updates.push(update!(Function, t, async_invoked, v));
        }
    }
    a.model.add(iam::resource_policy(
        r.head(),
        "lambda_permission",
        target.into_iter().collect(),
        "lambda",
        perm.statement(r.span),
    ));
}

fn url(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut u = FunctionUrl::new(r.head());
    u.function = a.link_arg(r, "function_name", FUNCTION);
    u.auth_type = r.get("authorization_type").cloned();
    u.cors = r.path(&["cors"]).cloned();
    a.model.add(u);
}

/// Event source types by the resource type a mapping's source links to.
const SOURCES: &[(&str, &str)] = &[
    ("aws_sqs_queue", "sqs"),
    ("aws_kinesis_stream", "kinesis"),
    ("aws_dynamodb_table", "dynamodb"),
    ("aws_msk_cluster", "kafka"),
    ("aws_mq_broker", "mq"),
];

fn event_source_mapping(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut m = EventSourceMapping::new(r.head());
    m.function = a.link_arg(r, "function_name", FUNCTION);
    let types: Vec<&str> = SOURCES.iter().map(|(t, _)| *t).collect();
    let source = a.link_arg(r, "event_source_arn", &types);
    let from_link = source
        .as_ref()
        .and_then(Node::as_str)
        .and_then(|s| a.type_of(s))
        .and_then(|t| SOURCES.iter().find(|(x, _)| *x == t))
        .map(|(_, k)| *k);
    let from_arn = || {
        let s = r.get("event_source_arn")?.as_str()?;
        let service = s.strip_prefix("arn:")?.split(':').nth(1)?;
        SOURCES.iter().map(|(_, k)| *k).find(|k| *k == service)
    };
    if let Some(t) = from_link.or_else(from_arn) {
        m.source_type = Some(Node::string(t, r.span));
    }
    m.source = source;
    m.batch_size = num(r.get("batch_size"));
    a.model.add(m);
}

fn invoke_config(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(f) = a.link(r, "function_name", r.get("function_name"), FUNCTION) else {
        return;
    };
    let id = f.as_str().unwrap_or_default().to_string();
    if let Some(dest) = r.path(&["destination_config", "on_failure", "destination"]) {
        let linked = a.link(
            r,
            "destination_config",
            Some(dest),
            &[
                "aws_sqs_queue",
                "aws_sns_topic",
                "aws_lambda_function",
                "aws_cloudwatch_event_bus",
            ],
        );
        let v = linked.unwrap_or_else(|| dest.clone());
        a.updates.push(update!(Function, id.clone(), on_failure, v));
    }
    a.updates.push(update!(
        Function,
        id,
        async_invoked,
        Node::bool(true, r.span)
    ));
}

fn state_machine(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut m = StateMachine::new(r.head());
    m.workflow_type = text(r.get("type")).cloned();
    m.tracing = boolean(r.path(&["tracing_configuration", "enabled"]));
    // A block only known at plan time stays unknown as a whole, not an
    // empty block that reads as "no level".
    if let Some(l) = r
        .path(&["logging_configuration"])
        .filter(|n| n.is_unknown())
    {
        m.logging = Some(l.clone());
    } else if let Some(l) = r.path(&["logging_configuration"]) {
        let mut fields = Vec::new();
        if let Some(v) = walk(l, &["level"]) {
            fields.push(("level", v.clone()));
        }
        if let Some(v) = text(walk(l, &["log_destination"])) {
            fields.push(("destinations", iam::as_array(v)));
        }
        m.logging = Some(map_of(fields, l.span));
    }
    if let Some(e) = r.path(&["encryption_configuration"]) {
        if e.is_unknown() {
            m.encryption = Some(e.clone());
        } else {
            let mut fields = Vec::new();
            if let Some(v) = walk(e, &["type"]) {
                fields.push(("type", v.clone()));
            }
            if let Some(v) = text(walk(e, &["kms_key_id"])) {
                fields.push(("kms_key", v.clone()));
            }
            m.encryption = Some(map_of(fields, e.span));
        }
    }
    m.definition = r
        .get("definition")
        .and_then(|d| super::aws_iam::document(a, d));
    a.model.add(m);
}

/// The code directory behind `filename = data.archive_file.x.output_path`:
/// the archive's `source_dir`, or the directory of its `source_file`, so the
/// lockfiles there are tied to the function (the zip itself may be built
/// anywhere).
fn archive_source(a: &Adapter<'_, '_>, r: &Res<'_>, filename: &Node) -> Option<Node> {
    let unknown_ref = match &filename.value {
        crate::parse::Value::Unknown(u) => u.reference.clone(),
        _ => None,
    };
    let referenced = r.r.refs.get("filename").into_iter().flatten().cloned();
    let archive = unknown_ref
        .into_iter()
        .chain(referenced)
        .find_map(|target| {
            a.unit
                .resources
                .iter()
                .find(|x| x.address == target && x.type_ == "archive_file")
        })?;
    if let Some(dir) = text(archive.values.get("source_dir")).and_then(Node::as_str) {
        return Some(Node::string(dir, filename.span));
    }
    let file = text(archive.values.get("source_file"))?.as_str()?;
    let dir = std::path::Path::new(file)
        .parent()?
        .to_string_lossy()
        .to_string();
    let dir = if dir.is_empty() { ".".to_string() } else { dir };
    Some(Node::string(dir, filename.span))
}
