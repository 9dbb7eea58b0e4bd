//! Plain CloudFormation resource types → model items.

use super::{Adapter, Res};
use crate::adapt::iam;
use crate::model::collections::Function;
use crate::model::{map_of, Item};
use crate::parse::{Node, Value};

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "AWS::Lambda::Function" => function(a, r),
        "AWS::Lambda::Permission" => permission(a, r),
        "AWS::Lambda::Url" => url(a, r),
        "AWS::Lambda::EventSourceMapping" => event_source_mapping(a, r),
        "AWS::Lambda::EventInvokeConfig" => invoke_config(a, r),
        "AWS::IAM::Role" => role(a, r),
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => identity_policy(a, r),
        "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
            identity_policy(a, r)
        }
        "AWS::IAM::User" => {
            super::identity::user(a, r);
            principal_entity(a, r)
        }
        "AWS::IAM::Group" => {
            super::identity::group(a, r);
            principal_entity(a, r)
        }
        "AWS::IAM::AccessKey" => super::identity::access_key(a, r),
        "AWS::Cognito::UserPool" => super::identity::user_pool(a, r),
        "AWS::Cognito::IdentityPool" => super::identity::identity_pool(a, r),
        "AWS::Cognito::IdentityPoolRoleAttachment" => super::identity::identity_pool_roles(a, r),
        "AWS::S3::Bucket" => bucket(a, r),
        "AWS::S3::BucketPolicy" => resource_policy(a, r, "Bucket", "PolicyDocument", "s3"),
        "AWS::SQS::Queue" => queue(a, r),
        "AWS::SQS::QueuePolicy" => resource_policy(a, r, "Queues", "PolicyDocument", "sqs"),
        "AWS::SNS::Topic" => topic(a, r),
        "AWS::SNS::TopicPolicy" => resource_policy(a, r, "Topics", "PolicyDocument", "sns"),
        "AWS::SNS::Subscription" => subscription(a, r),
        "AWS::KMS::Key" => key(a, r),
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => table(a, r),
        "AWS::Kinesis::Stream" => stream(a, r),
        "AWS::Logs::LogGroup" => log_group(a, r),
        "AWS::SecretsManager::Secret" => secret(a, r),
        "AWS::SecretsManager::ResourcePolicy" => {
            resource_policy(a, r, "SecretId", "ResourcePolicy", "secretsmanager")
        }
        "AWS::SecretsManager::RotationSchedule" => {
            if let Some(id) = a.link(r.get("SecretId")) {
                let v = Node::bool(true, r.span);
                a.updates
                    .push(("secrets", id.as_str().unwrap_or("").into(), "rotation", v));
            }
        }
        "AWS::StepFunctions::StateMachine" => state_machine(a, r),
        "AWS::ApiGateway::RestApi" => api(a, r, "rest"),
        "AWS::ApiGateway::Stage" => rest_stage(a, r),
        "AWS::ApiGateway::Deployment" => rest_deployment(a, r),
        "AWS::ApiGateway::Method" => rest_method(a, r),
        "AWS::ApiGateway::DomainName" => domain(a, r, "rest", r.get("SecurityPolicy")),
        "AWS::ApiGatewayV2::Api" => {
            let kind = match r.get("ProtocolType").and_then(Node::as_str) {
                Some("WEBSOCKET") => "websocket",
                _ => "http",
            };
            api(a, r, kind)
        }
        "AWS::ApiGatewayV2::Route" => http_route(a, r),
        "AWS::ApiGatewayV2::Integration" => http_integration(a, r),
        "AWS::ApiGatewayV2::Stage" => http_stage(a, r),
        "AWS::ApiGatewayV2::DomainName" => {
            let policy = r
                .get("DomainNameConfigurations")
                .and_then(Node::as_seq)
                .and_then(|s| s.first())
                .and_then(|c| c.get("SecurityPolicy"));
            domain(a, r, "http", policy)
        }
        "AWS::Events::Rule" => events_rule(a, r),
        _ => {}
    }
}

/// Numbers from numbers or numeric strings; anything else as it is.
pub(crate) fn num(n: Option<&Node>) -> Option<Node> {
    let n = n?;
    Some(match (&n.value, n.as_f64()) {
        (Value::String(_), Some(f)) => match serde_json::Number::from_f64(f) {
            Some(_) if f.fract() == 0.0 && f.abs() < 9.0e15 => Node::number(f as i64, n.span),
            Some(x) => Node::number(x, n.span),
            None => n.clone(),
        },
        _ => n.clone(),
    })
}

/// Booleans from booleans or `"true"`/`"false"` strings.
pub(crate) fn boolean(n: Option<&Node>) -> Option<Node> {
    let n = n?;
    Some(match n.as_bool() {
        Some(b) => Node::bool(b, n.span),
        None => n.clone(),
    })
}

fn function(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut f = Function::new(r.head());
    f.runtime = r.get("Runtime").cloned();
    f.handler = r.get("Handler").cloned();
    f.package_type = r.get("PackageType").cloned();
    f.timeout = num(r.get("Timeout"));
    f.memory_size = num(r.get("MemorySize"));
    f.tracing = r.path(&["TracingConfig", "Mode"]).cloned();
    f.environment = r.path(&["Environment", "Variables"]).cloned();
    f.kms_key = r.get("KmsKeyArn").cloned();
    f.role = a.link_or_value(r.get("Role"));
    f.architectures = r.get("Architectures").cloned();
    f.reserved_concurrency = num(r.get("ReservedConcurrentExecutions"));
    f.on_failure = r.path(&["DeadLetterConfig", "TargetArn"]).cloned();
    f.code_uri = r
        .get("Code")
        .filter(|code| code.as_str().is_some())
        .cloned();
    // CDK output: the code is the asset folder staged beside the template.
    if f.code_uri.is_none() {
        f.code_uri = super::cdk::asset_path(r.def, "Code").cloned();
    }
    a.model.add(f);
}

fn permission(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let span = r.span;
    let target = a.link_or_value(r.get("FunctionName"));
    let mut stmt: Vec<(&str, Node)> = vec![("effect", Node::string("Allow", span))];
    if let Some(action) = r.get("Action") {
        stmt.push(("action", iam::as_array(action)));
    }
    if let Some(p) = r.get("Principal") {
        let principal = match p.as_str() {
            Some(s) if s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn") => {
                map_of(vec![("Service", iam::as_array(p))], p.span)
            }
            _ => iam::principal(p),
        };
        stmt.push(("principal", principal));
        if let (Some(s), Some(t)) = (p.as_str(), target.as_ref().and_then(Node::as_str)) {
            if crate::adapt::ASYNC_SERVICES.contains(&s) && a.type_of(t).is_some() {
                a.updates.push((
                    "functions",
                    t.to_string(),
                    "async_invoked",
                    Node::bool(true, p.span),
                ));
            }
        }
    }
    let mut conditions: Vec<(&str, Node)> = Vec::new();
    for (prop, op, key) in [
        ("SourceArn", "ArnLike", "aws:SourceArn"),
        ("SourceAccount", "StringEquals", "aws:SourceAccount"),
        ("PrincipalOrgID", "StringEquals", "aws:PrincipalOrgID"),
        (
            "FunctionUrlAuthType",
            "StringEquals",
            "lambda:FunctionUrlAuthType",
        ),
        (
            "EventSourceToken",
            "StringEquals",
            "lambda:EventSourceToken",
        ),
    ] {
        if let Some(v) = r.get(prop) {
            conditions.push((op, map_of(vec![(key, iam::as_array(v))], v.span)));
        }
    }
    if !conditions.is_empty() {
        // Two conditions under one operator merge into one object.
        let mut merged = crate::parse::Map::default();
        for (op, v) in conditions {
            match merged.get_mut(op).and_then(Node::as_map_mut) {
                Some(existing) => {
                    if let Some(m) = v.as_map() {
                        existing.entries.extend(m.entries.iter().cloned());
                    }
                }
                None => merged.insert(op, v.span, v),
            }
        }
        stmt.push(("condition", Node::map(merged, span)));
    }
    let statements = Node::seq(vec![map_of(stmt, span)], span);
    a.push_policy(
        r.id.to_string(),
        r.type_,
        span,
        "resource",
        "lambda_permission",
        target.into_iter().collect(),
        Some("lambda"),
        statements,
    );
}

fn url(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut u = r.item();
    u.set_opt("function", a.link_or_value(r.get("TargetFunctionArn")));
    u.set_opt("auth_type", r.get("AuthType").cloned());
    u.set_opt("cors", r.get("Cors").cloned());
    a.model.push("function_urls", u.into_node());
}

fn source_type_of(a: &Adapter<'_, '_>, source: Option<&Node>) -> Option<&'static str> {
    let source = source?;
    let from_type = |t: &str| match t {
        "AWS::SQS::Queue" => Some("sqs"),
        "AWS::Kinesis::Stream" => Some("kinesis"),
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => Some("dynamodb"),
        "AWS::MSK::Cluster" => Some("kafka"),
        "AWS::AmazonMQ::Broker" => Some("mq"),
        _ => None,
    };
    if let Some(id) = a.link(Some(source)) {
        return id.as_str().and_then(|i| a.type_of(i)).and_then(from_type);
    }
    let s = source.as_str()?;
    let service = s.strip_prefix("arn:")?.split(':').nth(1)?;
    Some(match service {
        "sqs" => "sqs",
        "kinesis" => "kinesis",
        "dynamodb" => "dynamodb",
        "kafka" => "kafka",
        "mq" => "mq",
        _ => return None,
    })
}

fn event_source_mapping(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut m = r.item();
    m.set_opt("function", a.link_or_value(r.get("FunctionName")));
    m.set_opt("source", a.link_or_value(r.get("EventSourceArn")));
    if let Some(t) = source_type_of(a, r.get("EventSourceArn")) {
        m.set("source_type", Node::string(t, r.span));
    }
    m.set_opt("batch_size", num(r.get("BatchSize")));
    a.model.push("event_source_mappings", m.into_node());
}

fn invoke_config(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(target) = a.link(r.get("FunctionName")) else {
        return;
    };
    let id = target.as_str().unwrap_or("").to_string();
    if let Some(dest) = r.path(&["DestinationConfig", "OnFailure", "Destination"]) {
        a.updates
            .push(("functions", id.clone(), "on_failure", dest.clone()));
    }
    a.updates
        .push(("functions", id, "async_invoked", Node::bool(true, r.span)));
}

fn inline_policies(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(policies) = r.get("Policies").and_then(Node::as_seq) else {
        return;
    };
    for (i, p) in policies.iter().enumerate() {
        let Some(doc) = p.get("PolicyDocument") else {
            continue;
        };
        let name = p
            .get("PolicyName")
            .and_then(Node::as_str)
            .map_or_else(|| i.to_string(), str::to_string);
        a.push_policy(
            format!("{}/Policies/{name}", r.id),
            "AWS::IAM::Policy",
            p.span,
            "identity",
            "inline",
            vec![Node::string(r.id, r.span)],
            None,
            iam::statements(doc),
        );
    }
}

fn role(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut role = r.item();
    if let Some(doc) = r.get("AssumeRolePolicyDocument") {
        role.set(
            "assume_role_policy",
            map_of(vec![("statements", iam::statements(doc))], doc.span),
        );
    }
    role.set_opt(
        "managed_policy_arns",
        r.get("ManagedPolicyArns").map(iam::as_array),
    );
    role.set_opt(
        "permissions_boundary",
        r.get("PermissionsBoundary").cloned(),
    );
    a.model.push("roles", role.into_node());
    inline_policies(a, r);
    a.attach_managed(r.id, r.get("ManagedPolicyArns"));
}

fn principal_entity(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    inline_policies(a, r);
    a.attach_managed(r.id, r.get("ManagedPolicyArns"));
}

fn identity_policy(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut attached = Vec::new();
    for key in ["Roles", "Users", "Groups"] {
        if let Some(list) = r.get(key).and_then(Node::as_seq) {
            attached.extend(
                list.iter()
                    .map(|n| a.link_or_value(Some(n)).unwrap_or_else(|| n.clone())),
            );
        }
    }
    // `AWS::IAM::RolePolicy` and friends name one principal.
    for key in ["RoleName", "UserName", "GroupName"] {
        attached.extend(a.link_or_value(r.get(key)));
    }
    let statements = r
        .get("PolicyDocument")
        .map_or_else(|| Node::seq(Vec::new(), r.span), iam::statements);
    a.push_policy(
        r.id.to_string(),
        r.type_,
        r.span,
        "identity",
        "inline",
        attached,
        None,
        statements,
    );
}

fn resource_policy(a: &mut Adapter<'_, '_>, r: &Res<'_>, target: &str, doc: &str, kind: &str) {
    let targets: Vec<Node> = match r.get(target) {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items
            .iter()
            .filter_map(|n| a.link_or_value(Some(n)))
            .collect(),
        other => a.link_or_value(other).into_iter().collect(),
    };
    let statements = r
        .get(doc)
        .map_or_else(|| Node::seq(Vec::new(), r.span), iam::statements);
    a.push_policy(
        r.id.to_string(),
        r.type_,
        r.span,
        "resource",
        "resource_policy",
        targets,
        Some(kind),
        statements,
    );
}

fn bucket(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut b = r.item();
    if let Some(rule) = r
        .path(&["BucketEncryption", "ServerSideEncryptionConfiguration"])
        .and_then(Node::as_seq)
        .and_then(|s| s.first())
    {
        if let Some(def) = rule.get("ServerSideEncryptionByDefault") {
            let mut enc = Vec::new();
            if let Some(alg) = def.get("SSEAlgorithm") {
                enc.push(("algorithm", alg.clone()));
            }
            if let Some(k) = def.get("KMSMasterKeyID") {
                enc.push(("kms_key", k.clone()));
            }
            b.set("encryption", map_of(enc, def.span));
        }
    }
    if b.get("encryption").is_none() {
        // A block decided at deploy time (`!If` on a parameter) is unknown, not absent.
        let block = r.get("BucketEncryption");
        let conf = block.and_then(|e| e.get("ServerSideEncryptionConfiguration"));
        let rule = conf.and_then(Node::as_seq).and_then(|s| s.first());
        let def = rule.and_then(|x| x.get("ServerSideEncryptionByDefault"));
        if let Some(u) = [block, conf, rule, def]
            .into_iter()
            .flatten()
            .find(|n| n.is_unknown())
        {
            b.set("encryption", u.clone());
        }
    }
    if let Some(v) = r.path(&["VersioningConfiguration", "Status"]) {
        b.set(
            "versioning",
            Node::bool(v.as_str() == Some("Enabled"), v.span),
        );
    }
    if let Some(pab) = r.get("PublicAccessBlockConfiguration") {
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
        b.set("public_access_block", map_of(fields, pab.span));
    }
    if let Some(l) = r.get("LoggingConfiguration") {
        b.set("logging", Node::bool(true, l.span));
    }
    b.set_opt("access_control", r.get("AccessControl").cloned());
    a.model.push("buckets", b.into_node());
    if let Some(confs) = r
        .path(&["NotificationConfiguration", "LambdaConfigurations"])
        .and_then(Node::as_seq)
    {
        for c in confs {
            if let Some(f) = a.link(c.get("Function")) {
                let id = f.as_str().unwrap_or("").to_string();
                a.updates
                    .push(("functions", id, "async_invoked", Node::bool(true, f.span)));
            }
        }
    }
}

fn queue(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut q = r.item();
    q.set_opt("kms_key", r.get("KmsMasterKeyId").cloned());
    q.set_opt("sqs_managed_sse", boolean(r.get("SqsManagedSseEnabled")));
    q.set_opt("visibility_timeout", num(r.get("VisibilityTimeout")));
    q.set_opt("fifo", boolean(r.get("FifoQueue")));
    q.set_opt(
        "dead_letter_target",
        a.link_or_value(r.path(&["RedrivePolicy", "deadLetterTargetArn"])),
    );
    a.model.push("queues", q.into_node());
}

fn topic(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut t = r.item();
    t.set_opt("kms_key", r.get("KmsMasterKeyId").cloned());
    a.model.push("topics", t.into_node());
    if let Some(subs) = r.get("Subscription").and_then(Node::as_seq) {
        for s in subs {
            if s.get("Protocol").and_then(Node::as_str) == Some("lambda") {
                if let Some(f) = a.link(s.get("Endpoint")) {
                    let id = f.as_str().unwrap_or("").to_string();
                    a.updates
                        .push(("functions", id, "async_invoked", Node::bool(true, f.span)));
                }
            }
        }
    }
}

fn subscription(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    if r.get("Protocol").and_then(Node::as_str) == Some("lambda") {
        if let Some(f) = a.link(r.get("Endpoint")) {
            let id = f.as_str().unwrap_or("").to_string();
            a.updates
                .push(("functions", id, "async_invoked", Node::bool(true, f.span)));
        }
    }
}

fn events_rule(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(targets) = r.get("Targets").and_then(Node::as_seq) else {
        return;
    };
    for t in targets {
        if let Some(f) = a.link(t.get("Arn")) {
            let id = f.as_str().unwrap_or("").to_string();
            if a.type_of(&id).is_some_and(|ty| ty.contains("Function")) {
                a.updates
                    .push(("functions", id, "async_invoked", Node::bool(true, f.span)));
            }
        }
    }
}

fn key(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut k = r.item();
    k.set_opt("rotation", boolean(r.get("EnableKeyRotation")));
    k.set_opt("key_spec", r.get("KeySpec").cloned());
    a.model.push("keys", k.into_node());
    if let Some(doc) = r.get("KeyPolicy") {
        a.push_policy(
            format!("{}/KeyPolicy", r.id),
            "AWS::KMS::Key",
            r.span,
            "resource",
            "key_policy",
            vec![Node::string(r.id, r.span)],
            Some("kms"),
            iam::statements(doc),
        );
    }
}

/// A DynamoDB table's `SSESpecification` in the model's shape (SAM's
/// SimpleTable passes the same block through). A block decided at deploy
/// time (`!If` on a parameter) is unknown, not absent.
pub(crate) fn table_encryption(r: &Res<'_>) -> Option<Node> {
    let sse = r.get("SSESpecification")?;
    if sse.is_unknown() {
        return Some(sse.clone());
    }
    let mut enc = Vec::new();
    if let Some(v) = boolean(sse.get("SSEEnabled")) {
        enc.push(("enabled", v));
    }
    if let Some(v) = sse.get("KMSMasterKeyId") {
        enc.push(("kms_key", v.clone()));
    }
    if let Some(v) = sse.get("SSEType") {
        enc.push(("sse_type", v.clone()));
    }
    Some(map_of(enc, sse.span))
}

fn table(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut t = r.item();
    t.set_opt("encryption", table_encryption(r));
    // Global tables set the key per replica.
    if let Some(replicas) = r.get("Replicas").and_then(Node::as_seq) {
        let regions: Vec<Node> = replicas
            .iter()
            .filter_map(|rep| rep.get("Region").cloned())
            .collect();
        for reg in &regions {
            if let Some(s) = reg.as_str() {
                super::push_region(a.model, s, "replica", Some(r.id), reg.span);
            }
        }
        if let Some(first) = replicas.first() {
            if let Some(k) = first.get_path(&["SSESpecification", "KMSMasterKeyId"]) {
                let mut enc = t
                    .get("encryption")
                    .cloned()
                    .unwrap_or_else(|| map_of(Vec::new(), k.span));
                if let Some(m) = enc.as_map_mut() {
                    m.insert("kms_key", k.span, k.clone());
                }
                t.set("encryption", enc);
            }
        }
        t.set("replica_regions", Node::seq(regions, r.span));
    }
    if let Some(p) = r.path(&[
        "PointInTimeRecoverySpecification",
        "PointInTimeRecoveryEnabled",
    ]) {
        t.set_opt("point_in_time_recovery", boolean(Some(p)));
    }
    a.model.push("tables", t.into_node());
}

fn stream(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut s = r.item();
    if let Some(enc) = r.get("StreamEncryption").filter(|n| n.is_unknown()) {
        s.set("encryption", enc.clone());
    } else if let Some(enc) = r.get("StreamEncryption") {
        let mut fields = Vec::new();
        if let Some(v) = enc.get("EncryptionType") {
            fields.push(("type", v.clone()));
        }
        if let Some(v) = enc.get("KeyId") {
            fields.push(("kms_key", v.clone()));
        }
        s.set("encryption", map_of(fields, enc.span));
    }
    a.model.push("streams", s.into_node());
}

fn log_group(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut l = r.item();
    l.set_opt("retention_days", num(r.get("RetentionInDays")));
    l.set_opt("kms_key", r.get("KmsKeyId").cloned());
    l.set_opt("log_group_name", r.get("LogGroupName").cloned());
    a.model.push("log_groups", l.into_node());
}

fn secret(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut s = r.item();
    s.set_opt("kms_key", r.get("KmsKeyId").cloned());
    a.model.push("secrets", s.into_node());
}

pub(crate) fn state_machine(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut m = r.item();
    m.set_opt(
        "workflow_type",
        r.get("StateMachineType").or_else(|| r.get("Type")).cloned(),
    );
    let tracing = r
        .path(&["TracingConfiguration", "Enabled"])
        .or_else(|| r.path(&["Tracing", "Enabled"]));
    m.set_opt("tracing", boolean(tracing));
    if let Some(l) = r.get("LoggingConfiguration").or_else(|| r.get("Logging")) {
        let mut fields = Vec::new();
        if let Some(v) = l.get("Level") {
            fields.push(("level", v.clone()));
        }
        if let Some(v) = l.get("Destinations") {
            fields.push(("destinations", v.clone()));
        }
        m.set("logging", map_of(fields, l.span));
    }
    if let Some(e) = r.get("EncryptionConfiguration").filter(|n| n.is_unknown()) {
        m.set("encryption", e.clone());
    } else if let Some(e) = r.get("EncryptionConfiguration") {
        let mut fields = Vec::new();
        if let Some(v) = e.get("Type") {
            fields.push(("type", v.clone()));
        }
        if let Some(v) = e.get("KmsKeyId") {
            fields.push(("kms_key", v.clone()));
        }
        m.set("encryption", map_of(fields, e.span));
    }
    let definition = match r.get("Definition") {
        Some(d) => Some(d.clone()),
        None => r.get("DefinitionString").and_then(|s| match s.as_str() {
            Some(text) => crate::parse::json::parse(text, s.span.file)
                .ok()
                .map(|mut n| {
                    iam::respan(&mut n, s.span);
                    n
                }),
            None => None,
        }),
    };
    m.set_opt("definition", definition);
    a.model.push("state_machines", m.into_node());
}

fn api(a: &mut Adapter<'_, '_>, r: &Res<'_>, kind: &str) {
    let mut api = r.item();
    api.set("kind", Node::string(kind, r.span));
    // A REST API lists one endpoint type: `EDGE`, `REGIONAL` or `PRIVATE`.
    api.set_opt(
        "endpoint_type",
        r.path(&["EndpointConfiguration", "Types"])
            .map(|t| t.as_seq().and_then(|s| s.first()).unwrap_or(t))
            .cloned(),
    );
    a.model.push("apis", api.into_node());
}

/// A deployment with `StageName` creates that stage, configured by its
/// `StageDescription`.
fn rest_deployment(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let (Some(api), Some(n)) = (a.link(r.get("RestApiId")), r.get("StageName")) else {
        return;
    };
    let id = api.as_str().unwrap_or("").to_string();
    a.updates.push(("apis", id.clone(), "stage", n.clone()));
    if let Some(t) = boolean(r.path(&["StageDescription", "TracingEnabled"])) {
        a.updates.push(("apis", id.clone(), "tracing", t));
    }
    if let Some(l) = r.path(&["StageDescription", "AccessLogSetting"]) {
        a.updates
            .push(("apis", id, "access_logging", Node::bool(true, l.span)));
    }
}

fn rest_stage(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(api) = a.link(r.get("RestApiId")) else {
        return;
    };
    let id = api.as_str().unwrap_or("").to_string();
    if let Some(n) = r.get("StageName") {
        a.updates.push(("apis", id.clone(), "stage", n.clone()));
    }
    if let Some(t) = boolean(r.get("TracingEnabled")) {
        a.updates.push(("apis", id.clone(), "tracing", t));
    }
    if let Some(l) = r.get("AccessLogSetting") {
        a.updates
            .push(("apis", id, "access_logging", Node::bool(true, l.span)));
    }
}

fn http_stage(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(api) = a.link(r.get("ApiId")) else {
        return;
    };
    let id = api.as_str().unwrap_or("").to_string();
    if let Some(n) = r.get("StageName") {
        a.updates.push(("apis", id.clone(), "stage", n.clone()));
    }
    if let Some(l) = r.get("AccessLogSettings") {
        a.updates
            .push(("apis", id, "access_logging", Node::bool(true, l.span)));
    }
}

fn rest_method(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut route = r.item();
    route.set_opt("api", a.link_or_value(r.get("RestApiId")));
    route.set_opt("method", r.get("HttpMethod").cloned());
    route.set_opt("authorization_type", r.get("AuthorizationType").cloned());
    route.set_opt("authorizer", a.link_or_value(r.get("AuthorizerId")));
    route.set_opt("api_key_required", boolean(r.get("ApiKeyRequired")));
    route.set_opt("function", a.link(r.path(&["Integration", "Uri"])));
    route.set_opt(
        "integration_timeout_ms",
        num(r.path(&["Integration", "TimeoutInMillis"])),
    );
    a.model.push("routes", route.into_node());
}

fn http_route(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut route = r.item();
    route.set_opt("api", a.link_or_value(r.get("ApiId")));
    if let Some(key) = r.get("RouteKey") {
        if let Some(s) = key.as_str() {
            let (method, path) = s.split_once(' ').unwrap_or((s, ""));
            route.set("method", Node::string(method, key.span));
            route.set("path", Node::string(path, key.span));
        }
    }
    route.set_opt("authorization_type", r.get("AuthorizationType").cloned());
    route.set_opt("authorizer", a.link_or_value(r.get("AuthorizerId")));
    route.set_opt("api_key_required", boolean(r.get("ApiKeyRequired")));
    route.set_opt("integration", a.link(r.get("Target")));
    a.model.push("routes", route.into_node());
}

fn http_integration(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    // Kept as a raw resource; routes borrow its function and timeout in finish().
    let _ = (a, r);
}

fn domain(a: &mut Adapter<'_, '_>, r: &Res<'_>, kind: &str, policy: Option<&Node>) {
    let mut d = r.item();
    d.set("kind", Node::string(kind, r.span));
    d.set_opt("domain_name", r.get("DomainName").cloned());
    d.set_opt("security_policy", policy.cloned());
    a.model.push("domains", d.into_node());
}

/// Cross-resource links that need every resource adapted first.
pub(crate) fn finish(a: &mut Adapter<'_, '_>) {
    // HTTP API routes reach their function through an integration.
    let integrations: Vec<(String, Option<Node>, Option<Node>)> = a
        .model
        .items("resources")
        .iter()
        .filter(|n| n.get("type").and_then(Node::as_str) == Some("AWS::ApiGatewayV2::Integration"))
        .filter_map(|n| {
            let id = crate::model::item_id(n)?.to_string();
            let props = n.get("properties")?;
            Some((
                id,
                a.link(props.get("IntegrationUri")),
                num(props.get("TimeoutInMillis")),
            ))
        })
        .collect();
    for route in a.model.items_mut("routes") {
        let Some(integ) = route
            .get("integration")
            .and_then(Node::as_str)
            .map(str::to_string)
        else {
            continue;
        };
        if let Some((_, f, t)) = integrations.iter().find(|(id, _, _)| *id == integ) {
            if let Some(f) = f {
                crate::model::set_field(route, "function", f.clone());
            }
            if let Some(t) = t {
                crate::model::set_field(route, "integration_timeout_ms", t.clone());
            }
        }
    }
    let _ = Item::new;
}
