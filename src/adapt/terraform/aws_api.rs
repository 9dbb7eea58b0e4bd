//! API Gateway in Terraform: REST APIs (`aws_api_gateway_*`: API, stage,
//! deployment, method, integration, resource path, domain) and HTTP/WebSocket
//! APIs (`aws_apigatewayv2_*`: API, stage, route, integration, domain).
//! Stages complete their API item; integrations give routes their function
//! and timeout once every resource is adapted.

use super::aws_iam::statements_of;
use super::res::{boolean, num, text, walk};
use super::{Adapter, Res};
use crate::model::collections::{update, Api, Domain, Head, Route};
use crate::parse::Node;
use crate::terraform::Resource;

const REST: &[&str] = &["aws_api_gateway_rest_api"];
/// `target_type` of an API's resource policy: the service its actions name.
const API_POLICY_TARGET: &str = "execute-api";
const HTTP: &[&str] = &["aws_apigatewayv2_api"];
const FUNCTION: &[&str] = &["aws_lambda_function"];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_api_gateway_rest_api" => {
            let mut api = Api::new(r.head());
            api.kind = Some(Node::string("rest", r.span));
            let types = r.path(&["endpoint_configuration", "types"]);
            let first = types.map(|t| t.as_seq().and_then(<[Node]>::first).unwrap_or(t));
            api.endpoint_type = first.cloned();
            a.model.add(api);
            if r.get("policy").is_some() {
                let owner = vec![Node::string(r.id, r.span)];
                resource_policy(a, r, &format!("{}/Policy", r.id), owner);
            }
        }
        "aws_api_gateway_rest_api_policy" => {
            let targets: Vec<Node> = a.link_arg(r, "rest_api_id", REST).into_iter().collect();
            resource_policy(a, r, r.id, targets);
        }
        "aws_apigatewayv2_api" => {
            let mut api = Api::new(r.head());
            let kind = match r.get("protocol_type").and_then(Node::as_str) {
                Some("WEBSOCKET") => "websocket",
                _ => "http",
            };
            api.kind = Some(Node::string(kind, r.span));
            a.model.add(api);
        }
        "aws_api_gateway_stage" | "aws_apigatewayv2_stage" => stage(a, r),
        "aws_api_gateway_deployment" => {
            // The deprecated `stage_name` argument creates a stage.
            let api = a.link(r, "rest_api_id", r.get("rest_api_id"), REST);
            if let (Some(api), Some(n)) = (api, text(r.get("stage_name"))) {
                let id = add_stage(a, api.as_str().unwrap_or_default(), r);
                a.updates.push(update!(Api, id, stage, n.clone()));
            }
        }
        "aws_api_gateway_method" => {
            let mut route = Route::new(r.head());
            route.api = a.link_arg(r, "rest_api_id", REST);
            route.method = r.get("http_method").cloned();
            if let Some(p) = rest_path(a, r.r, "resource_id", 0) {
                let span = r.get("resource_id").map_or(r.span, |n| n.span);
                route.path = Some(Node::string(p, span));
            }
            route.authorization_type = r.get("authorization").cloned();
            route.authorizer = a.link_arg(r, "authorizer_id", &["aws_api_gateway_authorizer"]);
            route.api_key_required = boolean(r.get("api_key_required"));
            a.model.add(route);
        }
        "aws_apigatewayv2_route" => {
            let mut route = Route::new(r.head());
            route.api = a.link_arg(r, "api_id", HTTP);
            if let Some(key) = r.get("route_key") {
                if let Some(s) = key.as_str() {
                    let (method, path) = s.split_once(' ').unwrap_or((s, ""));
                    route.method = Some(Node::string(method, key.span));
                    route.path = Some(Node::string(path, key.span));
                }
            }
            route.authorization_type = r.get("authorization_type").cloned();
            route.authorizer = a.link_arg(r, "authorizer_id", &["aws_apigatewayv2_authorizer"]);
            route.api_key_required = boolean(r.get("api_key_required"));
            let integration = a.link(
                r,
                "target",
                r.get("target"),
                &["aws_apigatewayv2_integration"],
            );
            route.integration = integration;
            a.model.add(route);
        }
        "aws_api_gateway_domain_name" => {
            domain(a, r, "rest", r.get("security_policy"));
        }
        "aws_apigatewayv2_domain_name" => {
            let p = r.path(&["domain_name_configuration", "security_policy"]);
            domain(a, r, "http", p);
        }
        _ => {}
    }
}

fn stage(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let (arg, types) = match r.type_ {
        "aws_api_gateway_stage" => ("rest_api_id", REST),
        _ => ("api_id", HTTP),
    };
    let Some(api) = a.link(r, arg, r.get(arg), types) else {
        return;
    };
    let id = add_stage(a, api.as_str().unwrap_or_default(), r);
    if let Some(n) = r.get("stage_name").or_else(|| r.get("name")) {
        a.updates.push(update!(Api, id.clone(), stage, n.clone()));
    }
    if let Some(t) = boolean(r.get("xray_tracing_enabled")) {
        a.updates.push(update!(Api, id.clone(), tracing, t));
    }
    if let Some(l) = r.path(&["access_log_settings"]) {
        a.updates
            .push(update!(Api, id, access_logging, Node::bool(true, l.span)));
    }
}

/// Record `r` (a stage, or a deployment that creates one) as a stage of
/// `api`: an item of its own (`stage_of` the API), so a finding about the
/// stage names the resource that declares it, as the peers do. Returns the
/// stage's item id.
fn add_stage(a: &mut Adapter<'_, '_>, api: &str, r: &Res<'_>) -> String {
    let mut item = Api::new(Head::new(r.id, api, r.type_, "aws", r.span));
    item.stage_of = Some(Node::string(api, r.span));
    a.model.add(item);
    r.id.to_string()
}

fn domain(a: &mut Adapter<'_, '_>, r: &Res<'_>, kind: &str, policy: Option<&Node>) {
    let mut d = Domain::new(r.head());
    d.kind = Some(Node::string(kind, r.span));
    d.domain_name = r.get("domain_name").cloned();
    d.security_policy = text(policy).cloned();
    a.model.add(d);
}

/// The path of a REST resource (`/orders/{id}`), following `parent_id`;
/// `/` for the API's root resource.
fn rest_path(a: &Adapter<'_, '_>, r: &Resource, arg: &str, depth: usize) -> Option<String> {
    if depth > 32 {
        return None;
    }
    let res = Res::new(r);
    let v = res.get(arg);
    if a.link(&res, arg, v, REST).is_some() {
        return Some("/".into());
    }
    let parent = a.link(&res, arg, v, &["aws_api_gateway_resource"])?;
    let addr = parent.as_str()?;
    let p = a.unit.resources.iter().find(|x| x.address == addr)?;
    let part = p.values.get("path_part")?.as_str()?;
    let base = rest_path(a, p, "parent_id", depth + 1)?;
    Some(format!("{}/{part}", base.trim_end_matches('/')))
}

/// Routes take their function and timeout from their integration.
pub(crate) fn finish(a: &mut Adapter<'_, '_>) {
    let mut found: Vec<(String, Option<Node>, Option<Node>)> = Vec::new();
    for x in &a.unit.resources {
        let r = Res::new(x);
        match x.type_.as_str() {
            "aws_apigatewayv2_integration" => {
                let f = a.link(&r, "integration_uri", r.get("integration_uri"), FUNCTION);
                found.push((x.address.clone(), f, num(r.get("timeout_milliseconds"))));
            }
            "aws_api_gateway_integration" => {
                let Some(method) = rest_method_of(a, x) else {
                    continue;
                };
                let f = a.link(&r, "uri", r.get("uri"), FUNCTION);
                found.push((method, f, num(r.get("timeout_milliseconds"))));
            }
            _ => {}
        }
    }
    for route in a.model.items("routes") {
        let id = crate::model::item_id(route).unwrap_or_default();
        let key = route
            .get("integration")
            .and_then(Node::as_str)
            .unwrap_or(id);
        if let Some((_, f, t)) = found.iter().find(|(k, _, _)| k == key) {
            if let Some(f) = f {
                a.updates.push(update!(Route, id, function, f.clone()));
            }
            if let Some(t) = t {
                a.updates
                    .push(update!(Route, id, integration_timeout_ms, t.clone()));
            }
        }
    }
}

/// The `aws_api_gateway_method` an integration belongs to: same API,
/// resource and HTTP method.
fn rest_method_of(a: &Adapter<'_, '_>, integ: &Resource) -> Option<String> {
    let ri = Res::new(integ);
    let key = |r: &Res<'_>| {
        let api = a.link(r, "rest_api_id", r.get("rest_api_id"), REST);
        let path = rest_path(a, r.r, "resource_id", 0);
        let method = r
            .get("http_method")
            .and_then(Node::as_str)
            .map(str::to_string);
        (
            api.and_then(|n| n.as_str().map(str::to_string)),
            path,
            method,
        )
    };
    let want = key(&ri);
    if want.0.is_none() || want.2.is_none() {
        return None;
    }
    // The method it names through `http_method = aws_api_gateway_method.x.http_method`.
    if let Some(m) = a.link(
        &ri,
        "http_method",
        ri.get("http_method"),
        &["aws_api_gateway_method"],
    ) {
        return m.as_str().map(str::to_string);
    }
    a.unit
        .resources
        .iter()
        .filter(|x| x.type_ == "aws_api_gateway_method")
        .find(|x| key(&Res::new(x)) == want)
        .map(|x| x.address.clone())
        .filter(|_| walk(&integ.values, &["http_method"]).is_some())
}

/// A REST API's resource policy (its `policy` argument, or an
/// `aws_api_gateway_rest_api_policy`), as CloudFormation's `Policy` of an
/// `AWS::ApiGateway::RestApi` would be.
fn resource_policy(a: &mut Adapter<'_, '_>, r: &Res<'_>, id: &str, targets: Vec<Node>) {
    let statements = statements_of(a, r, "policy");
    a.model.add(crate::adapt::iam::resource_policy(
        Head::aws(id, r.type_, r.span),
        "resource_policy",
        targets,
        API_POLICY_TARGET,
        statements,
    ));
}
