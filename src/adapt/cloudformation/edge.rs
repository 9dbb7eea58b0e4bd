//! CloudFormation resources at the account's edge that the core adapter does
//! not read: the resource policies of ECR repositories, EventBridge buses
//! and Lambda layer versions (so the resource-policy rules judge them like
//! any other).

use super::{Adapter, Res};
use crate::adapt::iam;
use crate::model::map_of;
use crate::parse::Node;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "AWS::ECR::Repository" => {
            if let Some(doc) = r.get("RepositoryPolicyText") {
                a.push_policy(
                    format!("{}/RepositoryPolicy", r.id),
                    r.type_,
                    r.span,
                    "resource",
                    "resource_policy",
                    vec![Node::string(r.id, r.span)],
                    Some("ecr"),
                    iam::statements(doc),
                );
            }
        }
        "AWS::Events::EventBusPolicy" => event_bus_policy(a, r),
        "AWS::Lambda::LayerVersionPermission" => layer_permission(a, r),
        _ => {}
    }
}

/// A bus policy is either one `Statement` or the older `Action`,
/// `Principal` and `Condition` properties (an organization condition).
fn event_bus_policy(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let statements = match r.get("Statement") {
        Some(s) => Node::seq(vec![iam::statement(s)], s.span),
        None => {
            let mut stmt: Vec<(&str, Node)> = vec![("effect", Node::string("Allow", r.span))];
            if let Some(act) = r.get("Action") {
                stmt.push(("action", iam::as_array(act)));
            }
            if let Some(p) = r.get("Principal") {
                stmt.push(("principal", iam::principal(p)));
            }
            if let Some(c) = r.get("Condition") {
                if let (Some(key), Some(value)) =
                    (c.get("Key").and_then(Node::as_str), c.get("Value"))
                {
                    let op = c
                        .get("Type")
                        .and_then(Node::as_str)
                        .unwrap_or("StringEquals");
                    let keys = map_of(vec![(key, iam::as_array(value))], c.span);
                    stmt.push(("condition", map_of(vec![(op, keys)], c.span)));
                } else {
                    stmt.push(("condition", c.clone()));
                }
            }
            Node::seq(vec![map_of(stmt, r.span)], r.span)
        }
    };
    let bus = r
        .get("EventBusName")
        .and_then(|n| a.link_or_value(Some(n)))
        .unwrap_or_else(|| Node::string("default", r.span));
    a.push_policy(
        r.id.to_string(),
        r.type_,
        r.span,
        "resource",
        "resource_policy",
        vec![bus],
        Some("events"),
        statements,
    );
}

/// `Principal: "*"` shares a layer version with every account, unless
/// `OrganizationId` narrows it to one organization.
fn layer_permission(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut stmt: Vec<(&str, Node)> = vec![("effect", Node::string("Allow", r.span))];
    if let Some(act) = r.get("Action") {
        stmt.push(("action", iam::as_array(act)));
    }
    if let Some(p) = r.get("Principal") {
        stmt.push(("principal", iam::principal(p)));
    }
    if let Some(org) = r.get("OrganizationId") {
        let keys = map_of(vec![("aws:PrincipalOrgID", iam::as_array(org))], org.span);
        stmt.push(("condition", map_of(vec![("StringEquals", keys)], org.span)));
    }
    let layer = a.link_or_value(r.get("LayerVersionArn"));
    a.push_policy(
        r.id.to_string(),
        r.type_,
        r.span,
        "resource",
        "layer_permission",
        layer.into_iter().collect(),
        Some("lambda-layer"),
        Node::seq(vec![map_of(stmt, r.span)], r.span),
    );
}
