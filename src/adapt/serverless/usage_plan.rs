//! The Serverless Framework's usage plans: `provider.apiGateway.usagePlan`
//! (or the older `provider.usagePlan`), one plan or a list of named plans,
//! each of which the Framework attaches to the stage of the REST API it
//! creates, throttled by the plan's `throttle: {rateLimit, burstLimit}`.

use super::normalize;
use super::provider::num;
use crate::adapt::cloudformation::Adapter;
use crate::model::collections::{Head, UsagePlan};
use crate::model::map_of;
use crate::parse::{Node, Value};

/// The usage plans of the REST API `api` (its stage `stage`).
pub(crate) fn rest(a: &mut Adapter<'_, '_>, provider: &Node, api: &str, stage: Option<Node>) {
    let Some(u) = provider
        .get_path(&["apiGateway", "usagePlan"])
        .or_else(|| provider.get("usagePlan"))
    else {
        return;
    };
    match &u.value {
        // `- free: {throttle: ...}`: `ApiGatewayUsagePlan<Name>` each.
        Value::Seq(items) => {
            for item in items {
                let Some(m) = item.as_map() else { continue };
                for e in &m.entries {
                    let id = format!("ApiGatewayUsagePlan{}", normalize(&e.key));
                    add(a, &id, e.key_span, &e.value, api, stage.clone());
                }
            }
        }
        _ => add(a, "ApiGatewayUsagePlan", u.span, u, api, stage),
    }
}

fn add(
    a: &mut Adapter<'_, '_>,
    id: &str,
    span: crate::source::Span,
    plan: &Node,
    api: &str,
    stage: Option<Node>,
) {
    let mut p = UsagePlan::new(Head::aws(id, "AWS::ApiGateway::UsagePlan", span));
    p.throttle = match plan.get("throttle") {
        Some(t) if t.is_unknown() => Some(t.clone()),
        Some(t) => {
            let mut fields = Vec::new();
            if let Some(v) = num(t.get("rateLimit")) {
                fields.push(("rate_limit", v));
            }
            if let Some(v) = num(t.get("burstLimit")) {
                fields.push(("burst_limit", v));
            }
            (!fields.is_empty()).then(|| map_of(fields, t.span))
        }
        None if plan.is_unknown() => Some(plan.clone()),
        None => None,
    };
    let mut fields = vec![("api", Node::string(api, span))];
    if let Some(s) = stage {
        fields.push(("stage", s));
    }
    p.api_stages = Some(Node::seq(vec![map_of(fields, span)], span));
    a.model.add(p);
}
