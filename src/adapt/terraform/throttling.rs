//! API Gateway throttling in Terraform: usage plans
//! (`aws_api_gateway_usage_plan`) and the default route throttling of
//! HTTP and WebSocket API stages (`aws_apigatewayv2_stage`
//! `default_route_settings`). REST stage throttling is a method setting
//! (`aws_api_gateway_method_settings`, `aws_storage.rs`).

use super::res::{blocks_of, num, walk};
use super::{Adapter, Res};
use crate::model::collections::{update, UsagePlan};
use crate::model::map_of;
use crate::parse::Node;

const REST: &[&str] = &["aws_api_gateway_rest_api"];
const HTTP: &[&str] = &["aws_apigatewayv2_api"];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_api_gateway_usage_plan" => usage_plan(a, r),
        "aws_apigatewayv2_stage" => {
            if a.link(r, "api_id", r.get("api_id"), HTTP).is_none() {
                return;
            }
            // The stage's own item (`aws_api.rs` adds it).
            if let Some(t) = r.get("default_route_settings").and_then(limits) {
                a.updates.push(update!(Api, r.id, route_throttling, t));
            }
        }
        _ => {}
    }
}

/// `{rate_limit, burst_limit}` of a block (`throttling_*_limit` in stage
/// route settings, `*_limit` in usage plans): only the limits written (the
/// provider's `-1` and a plan's null are not), none when it sets neither; a
/// block only known at apply time stays unknown.
fn limits(n: &Node) -> Option<Node> {
    if n.is_unknown() {
        return Some(n.clone());
    }
    let block = blocks_of(Some(n)).first()?;
    if block.is_unknown() {
        return Some(block.clone());
    }
    let mut fields = Vec::new();
    for (field, keys) in [
        ("rate_limit", ["throttling_rate_limit", "rate_limit"]),
        ("burst_limit", ["throttling_burst_limit", "burst_limit"]),
    ] {
        let v = keys
            .iter()
            .find_map(|k| num(walk(block, &[k])).filter(|v| v.as_f64() != Some(-1.0)));
        if let Some(v) = v {
            fields.push((field, v));
        }
    }
    (!fields.is_empty()).then(|| map_of(fields, block.span))
}

fn usage_plan(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut plan = UsagePlan::new(r.head());
    plan.throttle = r.get("throttle_settings").and_then(limits);
    plan.api_stages = r.get("api_stages").map(|list| {
        if list.is_unknown() {
            return list.clone();
        }
        let blocks = blocks_of(Some(list));
        let stages = blocks
            .iter()
            .map(|s| {
                let mut fields = Vec::new();
                let value = walk(s, &["api_id"]);
                // The block's own reference; the argument's references only
                // when there is one block (they name every block's targets).
                let api = a
                    .link(r, "api_stages.api_id", value, REST)
                    .or_else(|| {
                        (blocks.len() == 1)
                            .then(|| a.link(r, "api_stages", value, REST))
                            .flatten()
                    })
                    .or_else(|| value.cloned());
                if let Some(api) = api {
                    fields.push(("api", api));
                }
                if let Some(stage) = walk(s, &["stage"]) {
                    fields.push(("stage", stage.clone()));
                }
                if let Some(t) = walk(s, &["throttle"]) {
                    fields.push(("throttle", t.clone()));
                }
                map_of(fields, s.span)
            })
            .collect();
        Node::seq(stages, list.span)
    });
    a.model.add(plan);
}
