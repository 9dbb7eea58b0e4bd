//! Function events: `http` (REST API `ApiGatewayRestApi`), `httpApi` (HTTP
//! API `HttpApi`) and `websocket` routes with their authorization, the
//! asynchronous sources (`s3`, `sns`, `schedule`, `eventBridge`, ...) and
//! the polled ones (`sqs`, `stream`, `kafka`, ...) that become event-source
//! mappings; then the APIs the routes need, with the provider's logging
//! and tracing settings.

use std::collections::BTreeMap;

use super::provider::{boolean, cfn, num, override_with};
use super::{normalize, Service};
use crate::adapt::cloudformation::Adapter;
use crate::adapt::iam;
use crate::model::collections::{
    Api, Bucket, EventSourceMapping, Head, MethodSetting, Resource, Route, Topic,
};
use crate::model::map_of;
use crate::parse::{Node, Value};
use crate::source::Span;

const REST_API: &str = "ApiGatewayRestApi";
const HTTP_API: &str = "HttpApi";
const WS_API: &str = "WebsocketsApi";

/// Event types whose source invokes the function asynchronously.
const ASYNC: &[&str] = &[
    "s3",
    "sns",
    "schedule",
    "eventBridge",
    "cloudwatchEvent",
    "cloudwatchLog",
    "iot",
];

/// The function's `events` list as `{name, type}` items, pushing routes and
/// mappings; the second value is set when an event invokes it
/// asynchronously (its span is that event's).
pub(crate) fn function_events(
    a: &mut Adapter<'_, '_>,
    svc: &Service<'_>,
    key: &str,
    key_span: Span,
    def: &Node,
) -> (Vec<Node>, Option<Node>) {
    let mut out = Vec::new();
    let mut is_async = None;
    let Some(list) = def.get("events").and_then(Node::as_seq) else {
        return (out, None);
    };
    for (i, ev) in list.iter().enumerate() {
        let Some(e) = ev.as_map().and_then(|m| m.entries.first()) else {
            continue;
        };
        let (t, v, tspan) = (e.key.as_str(), &e.value, e.key_span);
        out.push(map_of(
            vec![
                ("name", Node::string(i.to_string(), tspan)),
                ("type", Node::string(t, tspan)),
            ],
            ev.span,
        ));
        let id = format!("{key}/events/{i}");
        let ctx = Event {
            id: &id,
            by_state_machine: false,
            function: key,
            key_span,
            tspan,
            value: v,
        };
        match t {
            "http" => {
                rest_route(a, svc, &ctx);
                if v.get("async").and_then(Node::as_bool) == Some(true) {
                    is_async.get_or_insert(Node::bool(true, tspan));
                }
            }
            "httpApi" => http_route(a, svc, &ctx),
            "websocket" => ws_route(a, &ctx),
            "sqs" => mapping(a, &ctx, Some("sqs")),
            "stream" => mapping(a, &ctx, None),
            "kafka" | "msk" => mapping(a, &ctx, Some("kafka")),
            "activemq" | "rabbitmq" => mapping(a, &ctx, Some("mq")),
            _ if ASYNC.contains(&t) => {
                is_async.get_or_insert(Node::bool(true, tspan));
            }
            _ => {}
        }
    }
    (out, is_async)
}

/// One event being adapted.
struct Event<'a> {
    id: &'a str,
    /// `function` names a state machine (the serverless-step-functions
    /// plugin's events): routes start it rather than invoke a function.
    by_state_machine: bool,
    function: &'a str,
    key_span: Span,
    /// The event type key (`- http:`), where findings about it point.
    tspan: Span,
    value: &'a Node,
}

impl Event<'_> {
    fn route(&self, type_: &str, api: Node) -> Route {
        let mut r = Route::new(Head::aws(self.id, type_, self.tspan));
        r.api = Some(api);
        let owner = Some(Node::string(self.function, self.key_span));
        if self.by_state_machine {
            r.state_machine = owner;
        } else {
            r.function = owner;
        }
        r
    }
}

/// An `http` event of a state machine (serverless-step-functions): a route
/// of the same REST API the functions' `http` events use.
pub(crate) fn state_machine_route(
    a: &mut Adapter<'_, '_>,
    svc: &Service<'_>,
    id: &str,
    state_machine: &str,
    key_span: Span,
    event: &crate::parse::Entry,
) {
    let ctx = Event {
        id,
        by_state_machine: true,
        function: state_machine,
        key_span,
        tspan: event.key_span,
        value: &event.value,
    };
    rest_route(a, svc, &ctx);
}

/// `GET path` (the short string form) or `{method, path}`.
fn method_path(v: &Node) -> (Option<Node>, Option<Node>) {
    match v.as_str() {
        Some(s) => {
            let s = s.trim();
            let (m, p) = s.split_once(char::is_whitespace).unwrap_or((s, ""));
            let p = p.trim();
            let path = (!p.is_empty()).then(|| Node::string(p, v.span));
            (Some(Node::string(m, v.span)), path)
        }
        None => (v.get("method").cloned(), v.get("path").cloned()),
    }
}

fn with_slash(p: Node) -> Node {
    match p.as_str() {
        Some(s) if !s.starts_with('/') && s != "*" => Node::string(format!("/{s}"), p.span),
        _ => p,
    }
}

fn rest_route(a: &mut Adapter<'_, '_>, svc: &Service<'_>, e: &Event<'_>) {
    let api = match svc.provider.path(&["apiGateway", "restApiId"]) {
        Some(id) => cfn(a, Some(id)).unwrap_or_else(|| id.clone()),
        None => Node::string(REST_API, e.tspan),
    };
    let mut r = e.route("AWS::ApiGateway::Method", api);
    let (method, path) = method_path(e.value);
    r.method = method;
    r.path = path.map(with_slash);
    let (auth_type, authorizer) = rest_auth(e.value.get("authorizer"), e.tspan);
    r.authorization_type = Some(auth_type);
    r.authorizer = authorizer.map(|n| cfn(a, Some(&n)).unwrap_or(n));
    r.api_key_required = boolean(e.value.get("private"));
    if let Some(t) = num(e.value.get("timeout")) {
        let ms = t
            .as_f64()
            .map(|s| Node::number((s * 1000.0) as i64, t.span));
        r.integration_timeout_ms = Some(ms.unwrap_or(t));
    }
    a.model.add(r);
}

/// A REST authorizer: `aws_iam`, a function name or ARN (Lambda, Cognito),
/// or `{type, name, arn, authorizerId}`.
fn rest_auth(auth: Option<&Node>, tspan: Span) -> (Node, Option<Node>) {
    let Some(n) = auth.filter(|n| !n.is_null()) else {
        return (Node::string("NONE", tspan), None);
    };
    let cognito = |s: &str| s.contains(":cognito-idp:");
    let kind = match &n.value {
        Value::String(s) if s.eq_ignore_ascii_case("aws_iam") => "AWS_IAM",
        Value::String(s) if cognito(s) => "COGNITO_USER_POOLS",
        Value::String(_) => "CUSTOM",
        Value::Map(_) => {
            let t = n
                .get("type")
                .and_then(Node::as_str)
                .map(str::to_ascii_lowercase);
            match t.as_deref() {
                Some("aws_iam") => "AWS_IAM",
                Some("cognito_user_pools") => "COGNITO_USER_POOLS",
                Some(_) => "CUSTOM",
                None if n.get("arn").and_then(Node::as_str).is_some_and(cognito) => {
                    "COGNITO_USER_POOLS"
                }
                None => "CUSTOM",
            }
        }
        _ => return (n.clone(), None),
    };
    let which = match &n.value {
        Value::Map(_) if kind == "AWS_IAM" => None,
        Value::Map(_) => ["name", "arn", "authorizerId"]
            .iter()
            .find_map(|k| n.get(k))
            .cloned(),
        _ if kind == "AWS_IAM" => None,
        _ => Some(n.clone()),
    };
    (Node::string(kind, n.span), which)
}

fn http_route(a: &mut Adapter<'_, '_>, svc: &Service<'_>, e: &Event<'_>) {
    let api = match svc.provider.path(&["httpApi", "id"]) {
        Some(id) => cfn(a, Some(id)).unwrap_or_else(|| id.clone()),
        None => Node::string(HTTP_API, e.tspan),
    };
    let mut r = e.route("AWS::ApiGatewayV2::Route", api);
    let (method, path) = method_path(e.value);
    let catch_all = |n: &Option<Node>| n.as_ref().and_then(Node::as_str) == Some("*");
    if catch_all(&path) && (method.is_none() || catch_all(&method))
        || (catch_all(&method) && path.is_none())
    {
        // `httpApi: '*'` is the `$default` route.
        r.method = Some(Node::string("$default", e.value.span));
    } else {
        r.method = method.map(|m| match m.as_str() {
            Some("*") => Node::string("ANY", m.span),
            _ => m,
        });
        r.path = path.map(with_slash);
    }
    let (auth_type, authorizer) = http_auth(svc, e.value.get("authorizer"), e.tspan);
    r.authorization_type = Some(auth_type);
    r.authorizer = authorizer;
    a.model.add(r);
}

/// An HTTP API authorizer: `{type: aws_iam}`, `{name}` of one defined in
/// `provider.httpApi.authorizers` (JWT unless `type: request`), or `{id}`.
fn http_auth(svc: &Service<'_>, auth: Option<&Node>, tspan: Span) -> (Node, Option<Node>) {
    let Some(n) = auth.filter(|n| !n.is_null()) else {
        return (Node::string("NONE", tspan), None);
    };
    if n.is_unknown() {
        return (n.clone(), None);
    }
    let lower = |x: Option<&Node>| x.and_then(Node::as_str).map(str::to_ascii_lowercase);
    let own_type = lower(n.get("type")).or_else(|| lower(Some(n)));
    if own_type.as_deref() == Some("aws_iam") {
        return (Node::string("AWS_IAM", n.span), None);
    }
    let name = n.get("name").cloned();
    let defined = name
        .as_ref()
        .and_then(Node::as_str)
        .and_then(|x| svc.provider.path(&["httpApi", "authorizers", x]));
    let t = own_type.or_else(|| lower(defined.and_then(|d| d.get("type"))));
    let kind = match t.as_deref() {
        Some("request") => "CUSTOM",
        _ => "JWT",
    };
    (
        Node::string(kind, n.span),
        name.or_else(|| n.get("id").cloned()),
    )
}

fn ws_route(a: &mut Adapter<'_, '_>, e: &Event<'_>) {
    let mut r = e.route("AWS::ApiGatewayV2::Route", Node::string(WS_API, e.tspan));
    let route = match e.value.as_str() {
        Some(_) => Some(e.value.clone()),
        None => e.value.get("route").cloned(),
    };
    r.method = route;
    let auth = e.value.get("authorizer").filter(|n| !n.is_null());
    r.authorization_type = Some(match auth {
        Some(n) => Node::string("CUSTOM", n.span),
        None => Node::string("NONE", e.tspan),
    });
    r.authorizer = auth.map(|n| n.get("name").unwrap_or(n).clone());
    a.model.add(r);
}

/// `sqs`, `stream`, `kafka`, ... events: an ARN or `{arn, batchSize, type}`.
fn mapping(a: &mut Adapter<'_, '_>, e: &Event<'_>, kind: Option<&str>) {
    let v = e.value;
    let arn = match &v.value {
        Value::Map(m)
            if !m
                .entries
                .iter()
                .any(|x| x.key == "Ref" || x.key.starts_with("Fn::")) =>
        {
            v.get("arn").or_else(|| v.get("queue"))
        }
        _ => Some(v),
    };
    let source = arn
        .and_then(|n| cfn(a, Some(n)))
        .map(|n| a.link_or_value(Some(&n)).unwrap_or(n));
    let kind = kind
        .map(str::to_string)
        .or_else(|| stream_kind(a, v, source.as_ref()));
    let mut m =
        EventSourceMapping::new(Head::aws(e.id, "AWS::Lambda::EventSourceMapping", e.tspan));
    m.function = Some(Node::string(e.function, e.key_span));
    m.source = source;
    m.source_type = kind.map(|k| Node::string(k, e.tspan));
    m.batch_size = num(v.get("batchSize"));
    a.model.add(m);
}

/// A `stream` event's kind: its `type`, or what its ARN or resource is.
fn stream_kind(a: &Adapter<'_, '_>, v: &Node, source: Option<&Node>) -> Option<String> {
    if let Some(t) = v.get("type").and_then(Node::as_str) {
        return Some(t.to_ascii_lowercase());
    }
    let source = source?;
    if let Some(s) = source.as_str() {
        if let Some(t) = a.type_of(s) {
            return match t {
                "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => Some("dynamodb".into()),
                "AWS::Kinesis::Stream" => Some("kinesis".into()),
                _ => None,
            };
        }
        let service = s.strip_prefix("arn:")?.split(':').nth(1)?;
        return matches!(service, "dynamodb" | "kinesis").then(|| service.to_string());
    }
    let attr = match &source.value {
        Value::Unknown(u) => u.attribute.as_deref(),
        _ => None,
    };
    (attr == Some("StreamArn")).then(|| "dynamodb".to_string())
}

/// The APIs the routes use, configured by the provider's settings.
pub(crate) fn adapt(
    a: &mut Adapter<'_, '_>,
    svc: &Service<'_>,
    overrides: &BTreeMap<String, Node>,
) {
    let mut first: BTreeMap<&str, Span> = BTreeMap::new();
    for r in a.model.items("routes") {
        if let Some(api) = r.get("api").and_then(Node::as_str) {
            let owned = r.get("function").is_some() || r.get("state_machine").is_some();
            for known in [REST_API, HTTP_API, WS_API] {
                if api == known && owned {
                    first.entry(known).or_insert(r.span);
                }
            }
        }
    }
    let p = &svc.provider;
    for (id, span) in first {
        let (kind, type_, logs) = match id {
            REST_API => ("rest", "AWS::ApiGateway::RestApi", "restApi"),
            HTTP_API => ("http", "AWS::ApiGatewayV2::Api", "httpApi"),
            _ => ("websocket", "AWS::ApiGatewayV2::Api", "websocket"),
        };
        let mut api = Api::new(Head::new(id, &api_name(svc), type_, "aws", span));
        api.kind = Some(Node::string(kind, span));
        let stage = match (kind, &svc.stage) {
            ("http", _) => Some("$default".to_string()),
            (_, s) => s.clone(),
        };
        api.stage = stage.map(|s| Node::string(s, span));
        if kind == "rest" {
            api.tracing = boolean(p.path(&["tracing", "apiGateway"]));
            let endpoint = p.get("endpointType").map(|n| match n.as_str() {
                Some(s) => Node::string(s.to_ascii_uppercase(), n.span),
                None => n.clone(),
            });
            api.endpoint_type = endpoint;
            if let Some(o) = overrides.get(id).and_then(|o| a.ctx.resolve(o)) {
                let t = o.get_path(&["EndpointConfiguration", "Types"]);
                let first = t.map(|t| t.as_seq().and_then(|s| s.first()).unwrap_or(t));
                override_with(&mut api.endpoint_type, first.cloned());
            }
            rest_resource_policy(a, svc, id);
            super::usage_plan::rest(a, &p.node, id, api.stage.clone());
        }
        if let Some(l) = p.path(&["logs", logs]) {
            let on = match &l.value {
                Value::Map(m) => m.get("accessLogging").and_then(Node::as_bool) != Some(false),
                _ => l.as_bool().unwrap_or(false) || l.is_unknown(),
            };
            if on {
                api.access_logging = Some(Node::bool(true, l.span));
            }
            if kind == "rest" {
                execution_logging(a, id, api.stage.clone(), l);
            }
        }
        a.model.add(api);
    }
    s3_buckets(a, svc);
    sns_topics(a, svc, overrides);
}

/// `provider.logs.restApi` as the stage's settings for every method, as the
/// Framework writes them: `true` (or a map without `executionLogging: false`)
/// logs executions at `level`, INFO by default; `executionLogging: false`
/// leaves the level unset, so OFF. `false` writes no settings.
fn execution_logging(a: &mut Adapter<'_, '_>, api: &str, stage: Option<Node>, l: &Node) {
    // The settings are spanned where execution logging is turned off, if it is.
    let mut span = l.span;
    let level = match &l.value {
        Value::Map(m) => match m.get("executionLogging") {
            Some(off) if off.as_bool() == Some(false) => {
                span = off.span;
                None
            }
            Some(u) if u.is_unknown() => Some(u.clone()),
            _ => Some(
                m.get("level")
                    .cloned()
                    .unwrap_or_else(|| Node::string("INFO", l.span)),
            ),
        },
        _ if l.is_unknown() => Some(l.clone()),
        _ if l.as_bool() == Some(true) => Some(Node::string("INFO", l.span)),
        _ => return,
    };
    let id = format!("{api}/Logs");
    let mut m = MethodSetting::new(Head::aws(&id, "AWS::ApiGateway::Stage", span));
    m.api = Some(Node::string(api, l.span));
    m.stage = stage;
    m.resource_path = Some(Node::string("/*", l.span));
    m.http_method = Some(Node::string("*", l.span));
    m.data_trace = level.is_some().then(|| full_execution_data(l)).flatten();
    m.logging_level = level;
    a.model.add(m);
}

/// The Framework's `dataTrace` for the stage: `fullExecutionData`, which it
/// defaults to true (spanned at the `restApi` setting then). Only asked with
/// execution logging on: with it off the level is OFF and nothing is written.
fn full_execution_data(l: &Node) -> Option<Node> {
    match l.get("fullExecutionData") {
        Some(v) => Some(match v.as_bool() {
            Some(b) => Node::bool(b, v.span),
            None => v.clone(),
        }),
        None if l.is_unknown() => None,
        None => Some(Node::bool(true, l.span)),
    }
}

/// `provider.apiGateway.resourcePolicy` (or v2's `provider.resourcePolicy`),
/// a list of statements the Framework sets as the `Policy` of the REST API
/// it creates: the API's resource policy, as CloudFormation's `Policy` on an
/// `AWS::ApiGateway::RestApi` (and Terraform's `policy`) is. Each statement
/// keeps its own span.
fn rest_resource_policy(a: &mut Adapter<'_, '_>, svc: &Service<'_>, api: &str) {
    let p = &svc.provider;
    let Some(e) = policy_entry(p.get("apiGateway")).or_else(|| policy_entry(Some(&p.node))) else {
        return;
    };
    let resolved = cfn(a, Some(&e.value)).unwrap_or_else(|| e.value.clone());
    let list: Vec<Node> = match &resolved.value {
        Value::Seq(items) => items.iter().map(iam::statement).collect(),
        Value::Map(_) => vec![iam::statement(&resolved)],
        // Statements only known at deploy time: no policy to judge.
        _ => return,
    };
    {
        a.model.add(iam::resource_policy(
            Head::aws(
                &format!("{api}/Policy"),
                "AWS::ApiGateway::RestApi",
                e.key_span,
            ),
            "resource_policy",
            vec![Node::string(api, e.key_span)],
            "execute-api",
            Node::seq(list, resolved.span),
        ));
    }
}

/// The `resourcePolicy` entry of a map, when set.
fn policy_entry(m: Option<&Node>) -> Option<&crate::parse::Entry> {
    m.and_then(Node::as_map)
        .and_then(|m| m.entry("resourcePolicy"))
        .filter(|e| !e.value.is_null())
}

fn api_name(svc: &Service<'_>) -> String {
    match (&svc.stage, &svc.name) {
        (Some(st), Some(n)) => format!("{st}-{n}"),
        (_, Some(n)) => n.clone(),
        _ => "api".into(),
    }
}

/// The topic an `sns` event makes the Framework create: a plain topic
/// name, or `topicName` without `arn` (an ARN subscribes to an existing
/// topic). Returns its logical id (`SNSTopic<Name>`) and the name's node.
pub(crate) fn created_topic(ev: &Node) -> Option<(String, &Node)> {
    let v = ev.get("sns")?;
    let name = match &v.value {
        Value::String(s) if !s.starts_with("arn:") => v,
        Value::Map(_) if v.get("arn").is_none() => v.get("topicName")?,
        _ => return None,
    };
    let alnum: String = name
        .as_str()?
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    Some((format!("SNSTopic{}", normalize(&alnum)), name))
}

/// The topics `sns` events create. The Framework sets no
/// `KmsMasterKeyId` on them; a `Resources:` entry with the generated id
/// (an override) can add one.
fn sns_topics(a: &mut Adapter<'_, '_>, svc: &Service<'_>, overrides: &BTreeMap<String, Node>) {
    let mut seen = std::collections::BTreeSet::new();
    for f in &svc.functions {
        let Some(list) = f.value.get("events").and_then(Node::as_seq) else {
            continue;
        };
        for (id, name) in list.iter().filter_map(created_topic) {
            if !seen.insert(id.clone()) {
                continue;
            }
            let text = name.as_str().unwrap_or_default();
            let mut t = Topic::new(Head::new(&id, text, "AWS::SNS::Topic", "aws", name.span));
            let mut props = vec![("TopicName", name.clone())];
            if let Some(o) = overrides.get(&id).and_then(|o| a.ctx.resolve(o)) {
                if let Some(k) = o.get("KmsMasterKeyId") {
                    t.kms_key = Some(k.clone());
                    props.push(("KmsMasterKeyId", k.clone()));
                }
            }
            a.model.add(t);
            let mut raw = Resource::new(Head::new(&id, text, "AWS::SNS::Topic", "aws", name.span));
            raw.properties = Some(map_of(props, name.span));
            a.model.add(raw);
        }
    }
}

/// An `s3` event on a bucket the service does not mark `existing: true`
/// makes the Framework create that bucket (`S3Bucket<Name>`), with no
/// encryption or policy of its own.
fn s3_buckets(a: &mut Adapter<'_, '_>, svc: &Service<'_>) {
    let mut seen = std::collections::BTreeSet::new();
    for f in &svc.functions {
        let Some(list) = f.value.get("events").and_then(Node::as_seq) else {
            continue;
        };
        for ev in list {
            let Some(v) = ev.get("s3") else { continue };
            if v.get("existing").and_then(Node::as_bool) == Some(true) {
                continue;
            }
            let Some(bucket) = v.as_str().map(|_| v).or_else(|| v.get("bucket")) else {
                continue;
            };
            let Some(name) = bucket.as_str() else {
                continue;
            };
            let alnum: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
            let id = format!("S3Bucket{}", normalize(&alnum));
            if !seen.insert(id.clone()) || a.type_of(&id).is_some() {
                continue;
            }
            let mut b = Bucket::new(Head::new(&id, name, "AWS::S3::Bucket", "aws", bucket.span));
            b.bucket_name = Some(bucket.clone());
            a.model.add(b);
            let mut raw =
                Resource::new(Head::new(&id, name, "AWS::S3::Bucket", "aws", bucket.span));
            raw.properties = Some(map_of(vec![("BucketName", bucket.clone())], bucket.span));
            a.model.add(raw);
        }
    }
}
