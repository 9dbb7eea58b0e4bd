//! AWS SAM: `Globals`, serverless resource types, policy templates, and the
//! implicit resources SAM creates (execution roles, APIs, routes, function
//! URLs, event source mappings).

use super::resources::{lambda_function, state_machine, table_encryption};
use super::{boolean, num};
use super::{Adapter, Res};
use crate::adapt::{iam, sam_policy};
use crate::model::collections::{
    update, Api, Domain, EventSourceMapping, FunctionUrl, Head, MethodSetting, Role, Route, Table,
};
use crate::model::map_of;
use crate::parse::{Map, Node, Value};
use crate::source::Span;

/// Merge a `Globals` section into a resource's properties; the resource's
/// own values win, maps merge key by key.
pub(crate) fn merge_globals(globals: Option<&Node>, type_: &str, props: &mut Node) {
    let section = match type_ {
        "AWS::Serverless::Function" => "Function",
        "AWS::Serverless::Api" => "Api",
        "AWS::Serverless::HttpApi" => "HttpApi",
        "AWS::Serverless::SimpleTable" => "SimpleTable",
        "AWS::Serverless::StateMachine" => "StateMachine",
        "AWS::Serverless::LayerVersion" => "LayerVersion",
        _ => return,
    };
    let Some(g) = globals.and_then(|g| g.get(section)) else {
        return;
    };
    // `IgnoreGlobals: "*"` opts the resource out of every global property,
    // a list out of the ones named; it is an instruction to SAM, not a property.
    let ignored = props.as_map_mut().and_then(|m| m.remove("IgnoreGlobals"));
    let names: Vec<&str> = match ignored.as_ref().map(|n| &n.value) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Seq(items)) => items.iter().filter_map(Node::as_str).collect(),
        _ => Vec::new(),
    };
    if names.contains(&"*") {
        return;
    }
    let mut g = g.clone();
    if let Some(m) = g.as_map_mut() {
        m.entries.retain(|e| !names.contains(&e.key.as_str()));
    }
    merge_into(props, &g);
}

fn merge_into(target: &mut Node, defaults: &Node) {
    let (Some(t), Some(d)) = (target.as_map_mut(), defaults.as_map()) else {
        return;
    };
    for e in &d.entries {
        match t.get_mut(&e.key) {
            Some(existing) if existing.as_map().is_some() && e.value.as_map().is_some() => {
                merge_into(existing, &e.value)
            }
            Some(_) => {}
            None => t.entries.push(e.clone()),
        }
    }
}

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "AWS::Serverless::Function" => function(a, r),
        "AWS::Serverless::Api" => api(a, r, "rest"),
        "AWS::Serverless::HttpApi" => api(a, r, "http"),
        "AWS::Serverless::SimpleTable" => {
            let mut t = Table::new(r.head());
            t.encryption = table_encryption(r);
            super::table_protection::simple_table(&mut t, r.props);
            a.model.add(t);
        }
        "AWS::Serverless::StateMachine" => {
            state_machine(a, r);
            if r.get("Role").is_none() {
                execution_role(a, r, "states.amazonaws.com", &[]);
            }
        }
        _ => {}
    }
}

fn function(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut f = lambda_function(r);
    f.tracing = r.get("Tracing").cloned();
    f.code_uri = r.get("CodeUri").cloned();
    let on_failure = r
        .path(&[
            "EventInvokeConfig",
            "DestinationConfig",
            "OnFailure",
            "Destination",
        ])
        .or_else(|| r.path(&["DeadLetterQueue", "TargetArn"]));
    f.on_failure = a.link_or_value(on_failure);
    if on_failure.is_none() {
        // `OnFailure: {Type: SQS}` without a Destination: SAM creates the
        // queue (topic), referenced as `<Function>.DestinationQueue`.
        let t = r.path(&[
            "EventInvokeConfig",
            "DestinationConfig",
            "OnFailure",
            "Type",
        ]);
        let generated = match t.and_then(Node::as_str) {
            Some("SQS") => Some("DestinationQueue"),
            Some("SNS") => Some("DestinationTopic"),
            _ => None,
        };
        if let (Some(t), Some(part)) = (t, generated) {
            f.on_failure = Some(Node::string(format!("{}.{part}", r.id), t.span));
        }
    }
    if r.get("EventInvokeConfig").is_some() {
        // An invoke config only matters for asynchronous invocation.
        f.async_invoked = Some(Node::bool(true, r.span));
    }

    let role_id = match r.get("Role") {
        Some(role) => {
            f.role = a.link_or_value(Some(role));
            None
        }
        None => {
            let id = format!("{}Role", r.id);
            f.role = Some(Node::string(&id, r.span));
            Some(id)
        }
    };

    let mut events = Vec::new();
    let mut is_async = false;
    if let Some(evs) = r.get("Events").and_then(Node::as_map) {
        for e in &evs.entries {
            let t = e.value.get("Type").and_then(Node::as_str).unwrap_or("");
            events.push(map_of(
                vec![
                    ("name", Node::string(e.key.clone(), e.key_span)),
                    ("type", Node::string(t, e.key_span)),
                ],
                e.key_span,
            ));
            is_async |= event(a, r, &e.key, e.key_span, &e.value, t);
        }
    }
    if is_async {
        f.async_invoked = Some(Node::bool(true, r.span));
    }
    f.events = Some(Node::seq(events, r.span));
    a.model.add(f);

    if let Some(url) = r.get("FunctionUrlConfig") {
        let id = format!("{}/Url", r.id);
        let mut u = FunctionUrl::new(Head::aws(&id, "AWS::Lambda::Url", url.span));
        u.function = Some(Node::string(r.id, r.span));
        u.auth_type = url.get("AuthType").cloned();
        u.cors = url.get("Cors").cloned();
        a.model.add(u);
    }

    if role_id.is_some() {
        execution_role(
            a,
            r,
            "lambda.amazonaws.com",
            &["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"],
        );
    }
}

/// The role SAM creates when a function or state machine names none, with
/// its `Policies` (managed names, policy templates, inline documents).
fn execution_role(a: &mut Adapter<'_, '_>, r: &Res<'_>, service: &str, implicit: &[&str]) {
    let role_id = format!("{}Role", r.id);
    let mut role = Role::new(Head::aws(&role_id, "AWS::IAM::Role", r.span));
    let assume = map_of(
        vec![
            ("effect", Node::string("Allow", r.span)),
            (
                "principal",
                map_of(
                    vec![(
                        "Service",
                        Node::seq(vec![Node::string(service, r.span)], r.span),
                    )],
                    r.span,
                ),
            ),
            (
                "action",
                Node::seq(vec![Node::string("sts:AssumeRole", r.span)], r.span),
            ),
        ],
        r.span,
    );
    // A function's `AssumeRolePolicyDocument` is the trust policy SAM gives
    // the role instead of its own.
    role.assume_role_policy = Some(match r.get("AssumeRolePolicyDocument") {
        Some(doc) => map_of(vec![("statements", iam::statements(doc))], doc.span),
        None => map_of(
            vec![("statements", Node::seq(vec![assume], r.span))],
            r.span,
        ),
    });
    role.implicit = Some(Node::bool(true, r.span));

    let policies = r.get("Policies").map(iam::as_array);
    let entries: Vec<Node> = policies
        .as_ref()
        .and_then(Node::as_seq)
        .map(<[Node]>::to_vec)
        .unwrap_or_default();
    let mut managed: Vec<Node> = implicit.iter().map(|s| Node::string(*s, r.span)).collect();
    let mut docs: Vec<(usize, &'static str, String, Node)> = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match &entry.value {
            Value::String(_) => managed.push(entry.clone()),
            Value::Unknown(_) => managed.push(entry.clone()),
            Value::Map(m) if m.contains_key("Statement") => {
                docs.push((i, "inline", "sam_inline".into(), iam::statements(entry)));
            }
            Value::Map(m) if m.len() == 1 => {
                let e = &m.entries[0];
                if !sam_policy::is_policy_template(&e.key) {
                    continue;
                }
                let expanded = match sam_policy::expand(&e.key, Some(&e.value), e.key_span) {
                    Ok(stmts) => stmts,
                    Err(err) => {
                        a.model.notes.push((err.to_string(), e.key_span));
                        continue;
                    }
                };
                let stmts: Vec<Node> = expanded
                    .iter()
                    .filter_map(|s| a.ctx.resolve(s))
                    .map(|s| iam::statement(&s))
                    .collect();
                docs.push((
                    i,
                    "identity",
                    format!("sam_policy_template:{}", e.key),
                    Node::seq(stmts, entry.span),
                ));
            }
            _ => {}
        }
    }
    let managed_node = Node::seq(managed, r.span);
    role.managed_policy_arns = Some(managed_node.clone());
    a.model.add(role);
    a.attach_managed(&role_id, Some(&managed_node));
    for (i, _, origin, statements) in docs {
        let span = entries.get(i).map_or(r.span, |e| e.span);
        let id = format!("{}/Policies/{i}", r.id);
        a.model.add(iam::policy(
            Head::aws(&id, "AWS::IAM::Policy", span),
            "identity",
            &origin,
            vec![Node::string(&role_id, r.span)],
            statements,
        ));
    }
}

/// One SAM event. Returns whether it invokes the function asynchronously.
fn event(
    a: &mut Adapter<'_, '_>,
    r: &Res<'_>,
    name: &str,
    key_span: Span,
    ev: &Node,
    type_: &str,
) -> bool {
    let empty = Node::map(Map::default(), key_span);
    let p = ev.get("Properties").unwrap_or(&empty);
    let id = format!("{}/Events/{name}", r.id);
    match type_ {
        "Api" | "HttpApi" => {
            let (api_key, implicit) = if type_ == "Api" {
                ("RestApiId", "ServerlessRestApi")
            } else {
                ("ApiId", "ServerlessHttpApi")
            };
            let mut route = Route::new(Head::new(
                &id,
                name,
                "AWS::Serverless::Function.Event",
                "aws",
                key_span,
            ));
            let api = match a.link(p.get(api_key)) {
                Some(api) => api,
                None if p.get(api_key).is_some() => {
                    p.get(api_key).cloned().unwrap_or(empty.clone())
                }
                None => {
                    a.implicit_apis.insert((implicit.to_string(), key_span));
                    Node::string(implicit, key_span)
                }
            };
            route.api = Some(api);
            route.function = Some(Node::string(r.id, r.span));
            route.method = Some(
                p.get("Method")
                    .cloned()
                    .unwrap_or_else(|| Node::string("ANY", key_span)),
            );
            route.path = p.get("Path").cloned();
            route.authorizer = p.get_path(&["Auth", "Authorizer"]).cloned();
            route.api_key_required = boolean(p.get_path(&["Auth", "ApiKeyRequired"]));
            route.integration_timeout_ms = num(p.get("TimeoutInMillis"));
            a.model.add(route);
            false
        }
        "SQS" | "Kinesis" | "DynamoDB" | "MSK" | "MQ" | "SelfManagedKafka" | "DocumentDB" => {
            let (source_key, source_type) = match type_ {
                "SQS" => ("Queue", "sqs"),
                "Kinesis" => ("Stream", "kinesis"),
                "DynamoDB" => ("Stream", "dynamodb"),
                "MSK" => ("Stream", "kafka"),
                "MQ" => ("Broker", "mq"),
                "DocumentDB" => ("Cluster", "docdb"),
                _ => ("KafkaBootstrapServers", "kafka"),
            };
            let mut m = EventSourceMapping::new(Head::new(
                &id,
                name,
                "AWS::Lambda::EventSourceMapping",
                "aws",
                key_span,
            ));
            m.function = Some(Node::string(r.id, r.span));
            let source = p.get(source_key);
            // A DynamoDB stream ARN is `!GetAtt Table.StreamArn`: link the table.
            m.source = a.link_or_value(source);
            m.source_type = Some(Node::string(source_type, key_span));
            m.batch_size = num(p.get("BatchSize"));
            a.model.add(m);
            false
        }
        // Cognito triggers and Alexa skills invoke synchronously.
        "S3" | "SNS" | "EventBridgeRule" | "CloudWatchEvent" | "Schedule" | "ScheduleV2"
        | "IoTRule" | "CloudWatchLogs" | "SES" => true,
        _ => false,
    }
}

fn api(a: &mut Adapter<'_, '_>, r: &Res<'_>, kind: &str) {
    let mut api = Api::new(r.head());
    api.kind = Some(Node::string(kind, r.span));
    api_settings(&mut api, r.props);
    a.model.add(api);
    if let Some(d) = r.get("Domain") {
        let id = format!("{}/Domain", r.id);
        let mut dom = Domain::new(Head::aws(&id, "AWS::ApiGateway::DomainName", d.span));
        dom.kind = Some(Node::string(kind, d.span));
        dom.domain_name = d.get("DomainName").cloned();
        // A `Domain` decided at deploy time leaves its policy unknown too.
        let policy = if d.is_unknown() {
            Some(d)
        } else {
            d.get("SecurityPolicy")
        };
        dom.security_policy = policy.cloned();
        a.model.add(dom);
    }
}

fn api_settings(api: &mut Api, p: &Node) {
    api.stage = p.get("StageName").cloned();
    // `EndpointConfiguration: PRIVATE` or `{Type: PRIVATE}`.
    api.endpoint_type = p
        .get("EndpointConfiguration")
        .map(|e| e.get("Type").unwrap_or(e))
        .cloned();
    api.tracing = boolean(p.get("TracingEnabled"));
    if let Some(l) = p
        .get("AccessLogSetting")
        .or_else(|| p.get("AccessLogSettings"))
    {
        api.access_logging = Some(Node::bool(true, l.span));
    }
    api.default_authorizer = p.get_path(&["Auth", "DefaultAuthorizer"]).cloned();
    api.api_key_required = boolean(p.get_path(&["Auth", "ApiKeyRequired"]));
    if let Some(d) = p.get("DefinitionBody").or_else(|| p.get("DefinitionUri")) {
        api.has_definition = Some(Node::bool(true, d.span));
    }
    // HttpApi only: a REST API throttles in its MethodSettings.
    api.route_throttling = p
        .get("DefaultRouteSettings")
        .and_then(super::throttling::limits);
}

/// `Globals.Api.MethodSettings` on the implicit REST API, as the stage
/// `AWS::Serverless::Api` resources get them (`ServerlessRestApi/MethodSettings/<i>`,
/// spanned at the entry, no stage: the implicit API names none).
fn implicit_method_settings(a: &mut Adapter<'_, '_>, api: &str, g: &Node) {
    let Some(list) = g.get("MethodSettings").and_then(Node::as_seq) else {
        return;
    };
    for (i, entry) in list.iter().enumerate() {
        let id = format!("{api}/MethodSettings/{i}");
        let mut m = MethodSetting::new(Head::aws(&id, "AWS::Serverless::Api", entry.span));
        m.api = Some(Node::string(api, entry.span));
        m.resource_path = entry.get("ResourcePath").cloned();
        m.http_method = entry.get("HttpMethod").cloned();
        super::storage::settings_of(&mut m, entry);
        a.model.add(m);
    }
}

/// Create the implicit APIs and decide each SAM route's authorization.
pub(crate) fn finish(a: &mut Adapter<'_, '_>) {
    let mut seen = std::collections::BTreeSet::new();
    for (name, span) in std::mem::take(&mut a.implicit_apis) {
        if !seen.insert(name.clone()) {
            continue;
        }
        let (kind, section) = if name == "ServerlessRestApi" {
            ("rest", "Api")
        } else {
            ("http", "HttpApi")
        };
        let mut api = Api::new(Head::aws(&name, "AWS::Serverless::Api", span));
        api.kind = Some(Node::string(kind, span));
        api.implicit = Some(Node::bool(true, span));
        if let Some(g) = a.globals.and_then(|g| g.get(section)) {
            if let Some(g) = a.ctx.resolve(g) {
                api_settings(&mut api, &g);
                if kind == "rest" {
                    implicit_method_settings(a, &name, &g);
                    super::throttling::sam_usage_plan(a, &name, None, &g);
                }
            }
        }
        a.model.add(api);
    }

    let apis = a.model.items("apis");
    for route in a.model.items("routes") {
        let Some(id) = crate::model::item_id(route) else {
            continue;
        };
        if route.get("type").and_then(Node::as_str) != Some("AWS::Serverless::Function.Event") {
            continue;
        }
        let api = route
            .get("api")
            .and_then(Node::as_str)
            .and_then(|id| apis.iter().find(|x| crate::model::item_id(x) == Some(id)));
        let own = route.get("authorizer").cloned();
        let default = api.and_then(|x| x.get("default_authorizer")).cloned();
        let auth = match (own, default) {
            (Some(o), _) => Some(o),
            (None, Some(d)) => Some(d),
            (None, None) => None,
        };
        let auth_type = match auth {
            Some(n) => match n.as_str() {
                Some("NONE") => Node::string("NONE", n.span),
                Some("AWS_IAM") => Node::string("AWS_IAM", n.span),
                Some(_) => Node::string("CUSTOM", n.span),
                None => Node::unknown("authorizer is computed", n.span),
            },
            None => match api.and_then(|x| x.get("has_definition")) {
                Some(d) => Node::unknown("authorization is set in the OpenAPI definition", d.span),
                None => Node::string("NONE", route.span),
            },
        };
        a.updates
            .push(update!(Route, id, authorization_type, auth_type));
        if route.get("api_key_required").is_none() {
            if let Some(k) = api.and_then(|x| x.get("api_key_required")) {
                a.updates
                    .push(update!(Route, id, api_key_required, k.clone()));
            }
        }
    }
}
