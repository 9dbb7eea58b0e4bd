//! EventBridge rules and their targets: `aws_cloudwatch_event_rule` is an
//! `event_rules` item, and each `aws_cloudwatch_event_target` is added to
//! the `targets` of the rule it names (an item of its own when the unit
//! does not declare that rule). Marking the functions they invoke as
//! asynchronously invoked stays in [`super::aws`].

use super::res::text;
use super::{Adapter, Res};
use crate::adapt::event_target;
use crate::model::collections::{append, EventRule};
use crate::parse::Node;

const RULE: &[&str] = &["aws_cloudwatch_event_rule"];

/// What a target's `arn` links to when the unit declares it (the bus,
/// function, queue, ... it names), so it is not read as a foreign ARN.
const TARGETS: &[&str] = &[
    "aws_cloudwatch_event_bus",
    "aws_lambda_function",
    "aws_lambda_alias",
    "aws_sqs_queue",
    "aws_sns_topic",
    "aws_kinesis_stream",
    "aws_kinesis_firehose_delivery_stream",
    "aws_sfn_state_machine",
    "aws_cloudwatch_log_group",
    "aws_cloudwatch_event_api_destination",
    "aws_ecs_cluster",
    "aws_codebuild_project",
    "aws_codepipeline",
    "aws_batch_job_queue",
];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_cloudwatch_event_rule" => {
            let mut item = EventRule::new(r.head());
            item.event_bus = a.link_arg(r, "event_bus_name", &["aws_cloudwatch_event_bus"]);
            item.role = a.link_arg(r, "role_arn", &["aws_iam_role"]);
            a.model.add(item);
        }
        "aws_cloudwatch_event_target" => {
            let t = target(a, r);
            match a.link(r, "rule", r.get("rule"), RULE) {
                Some(rule) => {
                    let id = rule.as_str().unwrap_or_default().to_string();
                    a.appends.push(append!(EventRule, id, targets, t));
                }
                None => {
                    let mut item = EventRule::new(r.head());
                    item.event_bus = a.link_arg(r, "event_bus_name", &["aws_cloudwatch_event_bus"]);
                    item.targets = Some(Node::seq(vec![t], r.span));
                    a.model.add(item);
                }
            }
        }
        _ => {}
    }
}

/// The target as `{id, arn, role, bus_account, own_account}`. An ARN built
/// from `data.aws_caller_identity` names the deploying account, whatever
/// the plan says its id is.
fn target(a: &Adapter<'_, '_>, r: &Res<'_>) -> Node {
    let arn = r.get("arn");
    let caller =
        r.r.refs
            .get("arn")
            .is_some_and(|refs| refs.iter().any(|t| t.contains("data.aws_caller_identity.")));
    let (bus_account, own_account) = match arn {
        Some(n) if caller => (None, Some(Node::bool(true, n.span))),
        Some(n) => match n.as_str() {
            Some(s) => event_target::fields(s, n.span, "", false),
            None => (None, None),
        },
        None => (None, None),
    };
    event_target::target(
        r.span,
        &[
            ("id", text(r.get("target_id")).cloned()),
            ("arn", a.link_arg(r, "arn", TARGETS)),
            ("role", a.link_arg(r, "role_arn", &["aws_iam_role"])),
            ("bus_account", bus_account),
            ("own_account", own_account),
        ],
    )
}
