//! API Gateway throttling: usage plans (`AWS::ApiGateway::UsagePlan`, SAM
//! `Auth.UsagePlan` on an `AWS::Serverless::Api`) and the default route
//! throttling of HTTP and WebSocket API stages (`AWS::ApiGatewayV2::Stage`,
//! `AWS::Serverless::HttpApi` `DefaultRouteSettings`). REST stage throttling
//! in `MethodSettings` is a method setting (`storage.rs`).

use super::{num, Adapter, Res};
use crate::model::collections::{update, Head, UsagePlan};
use crate::model::map_of;
use crate::parse::Node;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "AWS::ApiGateway::UsagePlan" => usage_plan(a, r),
        "AWS::ApiGatewayV2::Stage" => {
            if a.link(r.get("ApiId")).is_none() {
                return;
            }
            // The stage's own item (`resources.rs` adds it).
            if let Some(t) = r.get("DefaultRouteSettings").and_then(limits) {
                a.updates.push(update!(Api, r.id, route_throttling, t));
            }
        }
        "AWS::Serverless::Api" => {
            let stage = r.get("StageName").cloned();
            sam_usage_plan(a, r.id, stage, r.props);
        }
        _ => {}
    }
}

/// `{rate_limit, burst_limit}` from a settings block that writes them as
/// `ThrottlingRateLimit`/`ThrottlingBurstLimit` (stage route settings) or
/// `RateLimit`/`BurstLimit` (usage plans): only the limits written, none
/// when it sets neither; a block decided at deploy time stays unknown.
pub(crate) fn limits(n: &Node) -> Option<Node> {
    if n.is_unknown() {
        return Some(n.clone());
    }
    let mut fields = Vec::new();
    for (field, keys) in [
        ("rate_limit", ["ThrottlingRateLimit", "RateLimit"]),
        ("burst_limit", ["ThrottlingBurstLimit", "BurstLimit"]),
    ] {
        if let Some(v) = keys.iter().find_map(|k| num(n.get(k))) {
            fields.push((field, v));
        }
    }
    (!fields.is_empty()).then(|| map_of(fields, n.span))
}

fn usage_plan(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut plan = UsagePlan::new(r.head());
    plan.throttle = r.get("Throttle").and_then(limits);
    plan.api_stages = r.get("ApiStages").map(|list| match list.as_seq() {
        Some(items) => {
            let stages = items
                .iter()
                .map(|s| {
                    let mut fields = Vec::new();
                    if let Some(api) = a.link_or_value(s.get("ApiId")) {
                        fields.push(("api", api));
                    }
                    if let Some(stage) = s.get("Stage") {
                        fields.push(("stage", stage.clone()));
                    }
                    if let Some(t) = s.get("Throttle") {
                        fields.push(("throttle", t.clone()));
                    }
                    map_of(fields, s.span)
                })
                .collect();
            Node::seq(stages, list.span)
        }
        None => list.clone(),
    });
    a.model.add(plan);
}

/// SAM creates a usage plan for the API's stage when `Auth.UsagePlan` says
/// `CreateUsagePlan: PER_API` or `SHARED` (`NONE` creates none). The implicit
/// API passes its `Globals.Api` and no stage.
pub(crate) fn sam_usage_plan(a: &mut Adapter<'_, '_>, api: &str, stage: Option<Node>, p: &Node) {
    let Some(u) = p.get_path(&["Auth", "UsagePlan"]) else {
        return;
    };
    let create = u.get("CreateUsagePlan");
    if create.and_then(Node::as_str).is_some_and(|c| c == "NONE") {
        return;
    }
    let Some(create) = create else {
        return;
    };
    let id = format!("{api}/UsagePlan");
    let mut plan = UsagePlan::new(Head::aws(&id, "AWS::ApiGateway::UsagePlan", u.span));
    plan.throttle = u.get("Throttle").and_then(limits);
    let mut fields = vec![("api", Node::string(api, create.span))];
    if let Some(s) = stage {
        fields.push(("stage", s));
    }
    plan.api_stages = Some(Node::seq(vec![map_of(fields, u.span)], u.span));
    a.model.add(plan);
}
