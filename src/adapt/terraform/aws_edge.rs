//! AWS resources at the account's edge in Terraform that the core adapters
//! do not read: the resource policies of ECR repositories, EventBridge buses
//! (`aws_cloudwatch_event_bus_policy`, `aws_cloudwatch_event_permission`)
//! and Lambda layer versions, in the model's resource-policy shape.

use super::aws_iam::statements_of;
use super::res::text;
use super::{Adapter, Res};
use crate::adapt::iam;
use crate::model::map_of;
use crate::parse::Node;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_ecr_repository_policy" => policy(a, r, "repository", &["aws_ecr_repository"], "ecr"),
        "aws_cloudwatch_event_bus_policy" => policy(
            a,
            r,
            "event_bus_name",
            &["aws_cloudwatch_event_bus"],
            "events",
        ),
        "aws_cloudwatch_event_permission" => event_permission(a, r),
        "aws_lambda_layer_version_permission" => layer_permission(a, r),
        _ => {}
    }
}

fn policy(a: &mut Adapter<'_, '_>, r: &Res<'_>, arg: &str, types: &[&str], kind: &str) {
    let targets: Vec<Node> = a.link_arg(r, arg, types).into_iter().collect();
    let statements = statements_of(a, r, "policy");
    a.push_policy(
        r.id,
        r.type_,
        r.span,
        "resource",
        "resource_policy",
        targets,
        Some(kind),
        statements,
    );
}

/// One statement from `principal`, `action` (the provider's default is
/// `events:PutEvents`) and an optional `condition` block.
fn event_permission(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let span = r.span;
    let action = text(r.get("action"))
        .cloned()
        .unwrap_or_else(|| Node::string("events:PutEvents", span));
    let mut stmt: Vec<(&str, Node)> = vec![
        ("effect", Node::string("Allow", span)),
        ("action", iam::as_array(&action)),
    ];
    if let Some(p) = text(r.get("principal")) {
        stmt.push(("principal", iam::principal(p)));
    }
    if let Some(c) = r.blocks("condition").first() {
        match (c.get("key").and_then(Node::as_str), c.get("value")) {
            (Some(key), Some(value)) => {
                let op = c
                    .get("type")
                    .and_then(Node::as_str)
                    .unwrap_or("StringEquals");
                let keys = map_of(vec![(key, iam::as_array(value))], c.span);
                stmt.push(("condition", map_of(vec![(op, keys)], c.span)));
            }
            // A condition the scanner cannot read stays unknown.
            _ => stmt.push((
                "condition",
                Node::unknown("the permission's condition is not known", c.span),
            )),
        }
    }
    let bus = a
        .link_arg(r, "event_bus_name", &["aws_cloudwatch_event_bus"])
        .unwrap_or_else(|| Node::string("default", span));
    a.push_policy(
        r.id,
        r.type_,
        span,
        "resource",
        "resource_policy",
        vec![bus],
        Some("events"),
        Node::seq(vec![map_of(stmt, span)], span),
    );
}

/// `principal = "*"` shares a layer version with every account, unless
/// `organization_id` narrows it to one organization.
fn layer_permission(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let span = r.span;
    let mut stmt: Vec<(&str, Node)> = vec![("effect", Node::string("Allow", span))];
    if let Some(act) = text(r.get("action")) {
        stmt.push(("action", iam::as_array(act)));
    }
    if let Some(p) = text(r.get("principal")) {
        stmt.push(("principal", iam::principal(p)));
    }
    if let Some(org) = text(r.get("organization_id")) {
        let keys = map_of(vec![("aws:PrincipalOrgID", iam::as_array(org))], org.span);
        stmt.push(("condition", map_of(vec![("StringEquals", keys)], org.span)));
    }
    let layer = a.link_arg(r, "layer_version_arn", &["aws_lambda_layer_version"]);
    a.push_policy(
        r.id,
        r.type_,
        span,
        "resource",
        "layer_permission",
        layer.into_iter().collect(),
        Some("lambda-layer"),
        Node::seq(vec![map_of(stmt, span)], span),
    );
}
