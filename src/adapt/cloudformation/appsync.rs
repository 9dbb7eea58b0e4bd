//! AppSync GraphQL APIs in CloudFormation and SAM (`AWS::AppSync::GraphQLApi`,
//! `AWS::Serverless::GraphQLApi`): how callers authenticate, what the API
//! logs to CloudWatch Logs, tracing and visibility. A WAF web ACL reaches an
//! API through an `AWS::WAFv2::WebACLAssociation` (the edge adapter), whose
//! `resource` links to the API's id, so rules join the two collections.

use super::{boolean, Adapter, Res};
use crate::model::collections::GraphqlApi;
use crate::model::map_of;
use crate::parse::{Node, Value};

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "AWS::AppSync::GraphQLApi" => {
            let mut g = GraphqlApi::new(r.head());
            g.authentication_type = r.get("AuthenticationType").cloned();
            g.additional_authentication_types = r
                .get("AdditionalAuthenticationProviders")
                .map(|p| types_of(p, "AuthenticationType"));
            g.log_config = r.get("LogConfig").map(log_config);
            g.xray_enabled = boolean(r.get("XrayEnabled"));
            g.visibility = r.get("Visibility").cloned();
            a.model.add(g);
        }
        "AWS::Serverless::GraphQLApi" => serverless(a, r),
        _ => {}
    }
}

/// SAM's GraphQL API: `Auth: {Type, Additional}`, and `Logging`, which SAM
/// fills in when it is absent (a role it creates, `FieldLogLevel: ALL`,
/// verbose content excluded) and drops with `Logging: false`.
fn serverless(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut g = GraphqlApi::new(r.head());
    g.authentication_type = r.path(&["Auth", "Type"]).cloned();
    g.additional_authentication_types =
        r.path(&["Auth", "Additional"]).map(|p| types_of(p, "Type"));
    g.xray_enabled = boolean(r.get("XrayEnabled"));
    g.visibility = r.get("Visibility").cloned();
    let generated_role = |span| Node::string(format!("{}CloudWatchRole", r.id), span);
    g.log_config = match r.get("Logging") {
        None => Some(map_of(
            vec![
                ("field_log_level", Node::string("ALL", r.span)),
                ("cloudwatch_logs_role", generated_role(r.span)),
                ("exclude_verbose_content", Node::bool(true, r.span)),
            ],
            r.span,
        )),
        // `false` opts out: the API logs nothing (kept, so findings point at it).
        Some(l) if l.as_bool() == Some(false) => Some(Node::bool(false, l.span)),
        Some(l) if l.as_map().is_some() => {
            let mut c = log_config(l);
            if let Some(m) = c.as_map_mut() {
                if m.get("cloudwatch_logs_role").is_none() {
                    m.insert("cloudwatch_logs_role", l.span, generated_role(l.span));
                }
            }
            Some(c)
        }
        Some(l) => Some(l.clone()),
    };
    a.model.add(g);
}

/// `LogConfig` in the model's shape: `{field_log_level,
/// cloudwatch_logs_role, exclude_verbose_content}`.
fn log_config(l: &Node) -> Node {
    if l.as_map().is_none() {
        return l.clone();
    }
    let mut fields = Vec::new();
    for (key, out) in [
        ("FieldLogLevel", "field_log_level"),
        ("CloudWatchLogsRoleArn", "cloudwatch_logs_role"),
    ] {
        if let Some(v) = l.get(key) {
            fields.push((out, v.clone()));
        }
    }
    if let Some(v) = boolean(l.get("ExcludeVerboseContent")) {
        fields.push(("exclude_verbose_content", v));
    }
    map_of(fields, l.span)
}

/// The authentication types of a list of providers (`key` of each entry);
/// an entry or a list only known at deploy time stays unknown.
fn types_of(list: &Node, key: &str) -> Node {
    match &list.value {
        Value::Seq(items) => Node::seq(
            items
                .iter()
                .filter_map(|p| {
                    if p.is_unknown() {
                        Some(p.clone())
                    } else {
                        p.get(key).cloned()
                    }
                })
                .collect(),
            list.span,
        ),
        _ => list.clone(),
    }
}
