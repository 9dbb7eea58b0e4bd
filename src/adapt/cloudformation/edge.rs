//! CloudFormation resources at the account's edge that the core adapter does
//! not read: the resource policies of ECR repositories, EventBridge buses
//! and Lambda layer versions (so the resource-policy rules judge them like
//! any other), S3 access points, and the parts of a bucket that decide who
//! reaches it (object ownership, CORS rules).

use super::resources::boolean;
use super::{Adapter, Res};
use crate::adapt::iam;
use crate::model::collections::{AccessPoint, Head};
use crate::model::{map_of, set_field};
use crate::parse::{Node, Value};

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
        "AWS::S3::AccessPoint" => {
            let mut ap = AccessPoint::new(Head::aws(r.id, r.type_, r.span));
            ap.bucket = a.link_or_value(r.get("Bucket"));
            ap.public_access_block = r.get("PublicAccessBlockConfiguration").map(access_block);
            a.model.add(ap);
        }
        _ => {}
    }
}

/// `PublicAccessBlockConfiguration` in the model's shape (only the flags
/// written; a block decided at deploy time stays unknown).
pub(crate) fn access_block(pab: &Node) -> Node {
    if pab.is_unknown() {
        return pab.clone();
    }
    let mut fields = Vec::new();
    for (k, out) in [
        ("BlockPublicAcls", "block_public_acls"),
        ("BlockPublicPolicy", "block_public_policy"),
        ("IgnorePublicAcls", "ignore_public_acls"),
        ("RestrictPublicBuckets", "restrict_public_buckets"),
    ] {
        if let Some(v) = boolean(pab.get(k)) {
            fields.push((out, v));
        }
    }
    map_of(fields, pab.span)
}

/// The bucket fields beyond the core adapter's, set on the bucket item it
/// has just built: `object_ownership` and `cors`.
pub(crate) fn bucket(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let ownership = match r.get("OwnershipControls") {
        Some(n) if n.is_unknown() => Some(n.clone()),
        Some(n) => match n.get("Rules") {
            Some(rules) if rules.is_unknown() => Some(rules.clone()),
            Some(rules) => rules
                .as_seq()
                .and_then(|s| s.first())
                .and_then(|x| x.get("ObjectOwnership"))
                .cloned(),
            None => None,
        },
        None => None,
    };
    let cors = r.path(&["CorsConfiguration", "CorsRules"]).map(|rules| {
        cors_rules(
            rules,
            &[
                ("AllowedOrigins", "allowed_origins"),
                ("AllowedMethods", "allowed_methods"),
            ],
        )
    });
    let Some(item) = a.model.item_mut("buckets", r.id) else {
        return;
    };
    if let Some(o) = ownership {
        set_field(item, "object_ownership", o);
    }
    if let Some(c) = cors {
        set_field(item, "cors", c);
    }
}

/// CORS rules as `[{allowed_origins, allowed_methods}]`, from the source's
/// key names (`AllowedOrigins`, `allowed_origins`); unknown rules stay so.
pub(crate) fn cors_rules(rules: &Node, keys: &[(&str, &'static str)]) -> Node {
    let Value::Seq(items) = &rules.value else {
        return rules.clone();
    };
    let out = items
        .iter()
        .map(|rule| {
            if rule.is_unknown() {
                return rule.clone();
            }
            let fields = keys
                .iter()
                .filter_map(|(k, out)| rule.get(k).map(|v| (*out, iam::as_array(v))))
                .collect();
            map_of(fields, rule.span)
        })
        .collect();
    Node::seq(out, rules.span)
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
