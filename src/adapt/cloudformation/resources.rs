//! Plain CloudFormation resource types → model items.

use super::{boolean, num, Adapter, Res};
use crate::adapt::iam;
use crate::model::collections::{
    update, Api, Bucket, Domain, EventSourceMapping, Function, FunctionUrl, Head, Key, LogGroup,
    Queue, Role, RotationSchedule, Route, Secret, StateMachine, Stream, Table, Topic,
};
use crate::model::map_of;
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
        "AWS::SSO::PermissionSet" => permission_set(a, r),
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
        // The schedule is an item of its own (its period is written there);
        // the secret it names is rotated.
        "AWS::SecretsManager::RotationSchedule" => {
            let mut schedule = RotationSchedule::new(r.head());
            schedule.secret = a.link_or_value(r.get("SecretId"));
            schedule.rotation_period_days = crate::adapt::rotation::period_days(
                r.path(&["RotationRules", "AutomaticallyAfterDays"]),
                r.path(&["RotationRules", "ScheduleExpression"]),
            );
            if let Some(id) = a.link(r.get("SecretId")) {
                let id = id.as_str().unwrap_or("").to_string();
                let v = Node::bool(true, r.span);
                a.updates.push(update!(Secret, &id, rotation, v));
            }
            a.model.add(schedule);
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
        "AWS::Events::Rule" => super::events::rule(a, r),
        t if t.starts_with("Custom::") || t == "AWS::CloudFormation::CustomResource" => {
            custom_resource(a, r)
        }
        _ => {}
    }
}

/// A custom resource whose `ServiceToken` is a function of the template:
/// CloudFormation invokes that function asynchronously (on create, update and
/// delete), so it is `async_invoked`. A token naming a topic or an outside
/// ARN says nothing about the template's functions.
fn custom_resource(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    if let Some(f) = a.link(r.get("ServiceToken")) {
        let id = f.as_str().unwrap_or("");
        if a.type_of(id).is_some_and(|ty| ty.contains("Function")) {
            a.updates.push(crate::adapt::async_invoked(&f));
        }
    }
}

/// What `AWS::Lambda::Function` and `AWS::Serverless::Function` write
/// under the same names.
pub(crate) fn lambda_function(r: &Res<'_>) -> Function {
    let mut f = Function::new(r.head());
    f.runtime = r.get("Runtime").cloned();
    f.handler = r.get("Handler").cloned();
    f.package_type = r.get("PackageType").cloned();
    f.timeout = num(r.get("Timeout"));
    f.memory_size = num(r.get("MemorySize"));
    f.environment = r.path(&["Environment", "Variables"]).cloned();
    f.kms_key = r.get("KmsKeyArn").cloned();
    f.architectures = r.get("Architectures").cloned();
    f.reserved_concurrency = num(r.get("ReservedConcurrentExecutions"));
    f
}

fn function(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut f = lambda_function(r);
    f.tracing = r.path(&["TracingConfig", "Mode"]).cloned();
    f.role = a.link_or_value(r.get("Role"));
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
    let target = a.link_or_value(r.get("FunctionName"));
    let perm = iam::Permission {
        action: r.get("Action"),
        principal: r.get("Principal"),
        source_arn: r.get("SourceArn"),
        source_account: r.get("SourceAccount"),
        principal_org_id: r.get("PrincipalOrgID"),
        function_url_auth_type: r.get("FunctionUrlAuthType"),
        event_source_token: r.get("EventSourceToken"),
    };
    if let (Some(p), Some(t)) = (
        perm.async_principal(),
        target.as_ref().and_then(Node::as_str),
    ) {
        if a.type_of(t).is_some() {
            let v = Node::bool(true, p.span);
            a.updates.push(update!(Function, t, async_invoked, v));
        }
    }
    a.model.add(iam::resource_policy(
        r.head(),
        "lambda_permission",
        target.into_iter().collect(),
        "lambda",
        perm.statement(r.span),
    ));
}

fn url(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut u = FunctionUrl::new(r.head());
    u.function = a.link_or_value(r.get("TargetFunctionArn"));
    u.auth_type = r.get("AuthType").cloned();
    u.cors = r.get("Cors").cloned();
    a.model.add(u);
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
    let mut m = EventSourceMapping::new(r.head());
    m.function = a.link_or_value(r.get("FunctionName"));
    m.source = a.link_or_value(r.get("EventSourceArn"));
    if let Some(t) = source_type_of(a, r.get("EventSourceArn")) {
        m.source_type = Some(Node::string(t, r.span));
    }
    m.batch_size = num(r.get("BatchSize"));
    a.model.add(m);
}

fn invoke_config(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(target) = a.link(r.get("FunctionName")) else {
        return;
    };
    let id = target.as_str().unwrap_or("").to_string();
    if let Some(dest) = r.path(&["DestinationConfig", "OnFailure", "Destination"]) {
        a.updates
            .push(update!(Function, id.clone(), on_failure, dest.clone()));
    }
    a.updates.push(update!(
        Function,
        id,
        async_invoked,
        Node::bool(true, r.span)
    ));
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
        a.model.add(iam::policy(
            Head::aws(
                &format!("{}/Policies/{name}", r.id),
                "AWS::IAM::Policy",
                p.span,
            ),
            "identity",
            "inline",
            vec![Node::string(r.id, r.span)],
            iam::statements(doc),
        ));
    }
}

fn role(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut role = Role::new(r.head());
    if let Some(doc) = r.get("AssumeRolePolicyDocument") {
        role.assume_role_policy =
            Some(map_of(vec![("statements", iam::statements(doc))], doc.span));
    }
    role.managed_policy_arns = r.get("ManagedPolicyArns").map(iam::as_array);
    role.permissions_boundary = r.get("PermissionsBoundary").cloned();
    a.model.add(role);
    inline_policies(a, r);
    a.attach_managed(r.id, r.get("ManagedPolicyArns"));
}

/// An IAM Identity Center permission set: its `InlinePolicy` and
/// `ManagedPolicies` are identity policies of the roles it creates in every
/// account it is assigned to, so the identity-policy rules read them as a
/// role's (the permission set is their principal).
fn permission_set(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    if let Some(doc) = r.get("InlinePolicy") {
        a.model.add(iam::policy(
            Head::aws(
                &format!("{}/InlinePolicy", r.id),
                "AWS::IAM::Policy",
                doc.span,
            ),
            "identity",
            "inline",
            vec![Node::string(r.id, r.span)],
            iam::statements(doc),
        ));
    }
    a.attach_managed(r.id, r.get("ManagedPolicies"));
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
    a.model.add(iam::policy(
        r.head(),
        "identity",
        "inline",
        attached,
        statements,
    ));
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
    a.model.add(iam::resource_policy(
        r.head(),
        "resource_policy",
        targets,
        kind,
        statements,
    ));
}

fn bucket(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut b = Bucket::new(r.head());
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
            b.encryption = Some(map_of(enc, def.span));
        }
    }
    if b.encryption.is_none() {
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
            b.encryption = Some(u.clone());
        }
    }
    // A status (or a whole configuration) decided at deploy time stays unknown.
    let versioning = r.get("VersioningConfiguration");
    if let Some(v) = versioning.filter(|v| v.is_unknown()) {
        b.versioning = Some(v.clone());
    } else if let Some(v) = r.path(&["VersioningConfiguration", "Status"]) {
        b.versioning = Some(match v.as_str() {
            Some(status) => Node::bool(status == "Enabled", v.span),
            None => v.clone(),
        });
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
        b.public_access_block = Some(map_of(fields, pab.span));
    }
    b.bucket_name = r.get("BucketName").cloned();
    b.logging = r
        .get("LoggingConfiguration")
        .map(|l| bucket_logging(a, r, l));
    b.access_control = r.get("AccessControl").cloned();
    a.model.add(b);
    if let Some(confs) = r
        .path(&["NotificationConfiguration", "LambdaConfigurations"])
        .and_then(Node::as_seq)
    {
        for c in confs {
            if let Some(f) = a.link(c.get("Function")) {
                a.updates.push(crate::adapt::async_invoked(&f));
            }
        }
    }
}

/// Where a bucket's access logs go: `{target_bucket}`, the target's id when
/// it is in the template, else its name as written. Without a destination,
/// S3 writes the logs into the bucket itself.
fn bucket_logging(a: &Adapter<'_, '_>, r: &Res<'_>, l: &Node) -> Node {
    if l.is_unknown() {
        return l.clone();
    }
    let target = a
        .link_or_value(l.get("DestinationBucketName"))
        .unwrap_or_else(|| Node::string(r.id, l.span));
    map_of(vec![("target_bucket", target)], l.span)
}

fn queue(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut q = Queue::new(r.head());
    q.kms_key = r.get("KmsMasterKeyId").cloned();
    q.sqs_managed_sse = boolean(r.get("SqsManagedSseEnabled"));
    q.visibility_timeout = num(r.get("VisibilityTimeout"));
    q.fifo = boolean(r.get("FifoQueue"));
    // A redrive policy decided at deploy time, or written as a JSON string,
    // still names a target: keep it rather than leave the queue without one.
    q.dead_letter_target = a
        .link_or_value(r.path(&["RedrivePolicy", "deadLetterTargetArn"]))
        .or_else(|| r.get("RedrivePolicy").cloned());
    a.model.add(q);
}

fn topic(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut t = Topic::new(r.head());
    t.kms_key = r.get("KmsMasterKeyId").cloned();
    a.model.add(t);
    if let Some(subs) = r.get("Subscription").and_then(Node::as_seq) {
        for s in subs {
            if s.get("Protocol").and_then(Node::as_str) == Some("lambda") {
                if let Some(f) = a.link(s.get("Endpoint")) {
                    a.updates.push(crate::adapt::async_invoked(&f));
                }
            }
        }
    }
}

fn subscription(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    if r.get("Protocol").and_then(Node::as_str) == Some("lambda") {
        if let Some(f) = a.link(r.get("Endpoint")) {
            a.updates.push(crate::adapt::async_invoked(&f));
        }
    }
}

fn key(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut k = Key::new(r.head());
    k.rotation = boolean(r.get("EnableKeyRotation"));
    k.key_spec = r.get("KeySpec").cloned();
    k.key_usage = r.get("KeyUsage").cloned();
    k.origin = r.get("Origin").cloned();
    k.rotation_period_days = num(r.get("RotationPeriodInDays"));
    a.model.add(k);
    if let Some(doc) = r.get("KeyPolicy") {
        a.model.add(iam::resource_policy(
            Head::aws(&format!("{}/KeyPolicy", r.id), "AWS::KMS::Key", r.span),
            "key_policy",
            vec![Node::string(r.id, r.span)],
            "kms",
            iam::statements(doc),
        ));
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
    let mut t = Table::new(r.head());
    t.encryption = table_encryption(r);
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
                    .encryption
                    .clone()
                    .unwrap_or_else(|| map_of(Vec::new(), k.span));
                if let Some(m) = enc.as_map_mut() {
                    m.insert("kms_key", k.span, k.clone());
                }
                t.encryption = Some(enc);
            }
        }
        t.replica_regions = Some(Node::seq(regions, r.span));
    }
    super::table_protection::apply(&mut t, r.type_, r.props);
    a.model.add(t);
}

fn stream(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut s = Stream::new(r.head());
    if let Some(enc) = r.get("StreamEncryption").filter(|n| n.is_unknown()) {
        s.encryption = Some(enc.clone());
    } else if let Some(enc) = r.get("StreamEncryption") {
        let mut fields = Vec::new();
        if let Some(v) = enc.get("EncryptionType") {
            fields.push(("type", v.clone()));
        }
        if let Some(v) = enc.get("KeyId") {
            fields.push(("kms_key", v.clone()));
        }
        s.encryption = Some(map_of(fields, enc.span));
    }
    a.model.add(s);
}

fn log_group(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut l = LogGroup::new(r.head());
    l.retention_days = num(r.get("RetentionInDays"));
    l.kms_key = r.get("KmsKeyId").cloned();
    l.log_group_name = r.get("LogGroupName").cloned();
    a.model.add(l);
}

fn secret(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut s = Secret::new(r.head());
    s.kms_key = r.get("KmsKeyId").cloned();
    a.model.add(s);
}

pub(crate) fn state_machine(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut m = StateMachine::new(r.head());
    m.workflow_type = r.get("StateMachineType").or_else(|| r.get("Type")).cloned();
    let tracing = r
        .path(&["TracingConfiguration", "Enabled"])
        .or_else(|| r.path(&["Tracing", "Enabled"]));
    m.tracing = boolean(tracing);
    // A configuration only known at deploy time (`Fn::If` on a parameter)
    // stays unknown as a whole, not an empty block that reads as "no level".
    if let Some(l) = r
        .get("LoggingConfiguration")
        .or_else(|| r.get("Logging"))
        .filter(|n| n.is_unknown())
    {
        m.logging = Some(l.clone());
    } else if let Some(l) = r.get("LoggingConfiguration").or_else(|| r.get("Logging")) {
        let mut fields = Vec::new();
        if let Some(v) = l.get("Level") {
            fields.push(("level", v.clone()));
        }
        if let Some(v) = l.get("Destinations") {
            fields.push(("destinations", v.clone()));
        }
        m.logging = Some(map_of(fields, l.span));
    }
    if let Some(e) = r.get("EncryptionConfiguration").filter(|n| n.is_unknown()) {
        m.encryption = Some(e.clone());
    } else if let Some(e) = r.get("EncryptionConfiguration") {
        let mut fields = Vec::new();
        if let Some(v) = e.get("Type") {
            fields.push(("type", v.clone()));
        }
        if let Some(v) = e.get("KmsKeyId") {
            fields.push(("kms_key", v.clone()));
        }
        m.encryption = Some(map_of(fields, e.span));
    }
    let definition = match r.get("Definition") {
        Some(d) => Some(d.clone()),
        None => r.get("DefinitionString").and_then(|s| match s.as_str() {
            Some(text) => crate::parse::json::parse(text, s.span.file)
                .ok()
                .map(|mut n| {
                    n.respan(s.span);
                    n
                }),
            None => None,
        }),
    };
    m.definition = definition;
    a.model.add(m);
}

fn api(a: &mut Adapter<'_, '_>, r: &Res<'_>, kind: &str) {
    let mut api = Api::new(r.head());
    api.kind = Some(Node::string(kind, r.span));
    // A REST API lists one endpoint type: `EDGE`, `REGIONAL` or `PRIVATE`.
    api.endpoint_type = r
        .path(&["EndpointConfiguration", "Types"])
        .map(|t| t.as_seq().and_then(|s| s.first()).unwrap_or(t))
        .cloned();
    a.model.add(api);
}

/// A deployment with `StageName` creates that stage, configured by its
/// `StageDescription`.
fn rest_deployment(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let (Some(api), Some(n)) = (a.link(r.get("RestApiId")), r.get("StageName")) else {
        return;
    };
    let api = api.as_str().unwrap_or("").to_string();
    let id = a.add_stage(&api, r.id, r.type_, r.span);
    a.updates.push(update!(Api, id.clone(), stage, n.clone()));
    if let Some(t) = boolean(r.path(&["StageDescription", "TracingEnabled"])) {
        a.updates.push(update!(Api, id.clone(), tracing, t));
    }
    if let Some(l) = r.path(&["StageDescription", "AccessLogSetting"]) {
        a.updates
            .push(update!(Api, id, access_logging, Node::bool(true, l.span)));
    }
}

fn rest_stage(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(api) = a.link(r.get("RestApiId")) else {
        return;
    };
    let api = api.as_str().unwrap_or("").to_string();
    let id = a.add_stage(&api, r.id, r.type_, r.span);
    if let Some(n) = r.get("StageName") {
        a.updates.push(update!(Api, id.clone(), stage, n.clone()));
    }
    if let Some(t) = boolean(r.get("TracingEnabled")) {
        a.updates.push(update!(Api, id.clone(), tracing, t));
    }
    if let Some(l) = r.get("AccessLogSetting") {
        a.updates
            .push(update!(Api, id, access_logging, Node::bool(true, l.span)));
    }
}

fn http_stage(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(api) = a.link(r.get("ApiId")) else {
        return;
    };
    let api = api.as_str().unwrap_or("").to_string();
    let id = a.add_stage(&api, r.id, r.type_, r.span);
    if let Some(n) = r.get("StageName") {
        a.updates.push(update!(Api, id.clone(), stage, n.clone()));
    }
    if let Some(l) = r.get("AccessLogSettings") {
        a.updates
            .push(update!(Api, id, access_logging, Node::bool(true, l.span)));
    }
}

fn rest_method(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut route = Route::new(r.head());
    route.api = a.link_or_value(r.get("RestApiId"));
    route.method = r.get("HttpMethod").cloned();
    route.authorization_type = r.get("AuthorizationType").cloned();
    route.authorizer = a.link_or_value(r.get("AuthorizerId"));
    route.api_key_required = boolean(r.get("ApiKeyRequired"));
    route.function = a.link(r.path(&["Integration", "Uri"]));
    route.integration_timeout_ms = num(r.path(&["Integration", "TimeoutInMillis"]));
    a.model.add(route);
}

fn http_route(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut route = Route::new(r.head());
    route.api = a.link_or_value(r.get("ApiId"));
    if let Some(key) = r.get("RouteKey") {
        if let Some(s) = key.as_str() {
            let (method, path) = s.split_once(' ').unwrap_or((s, ""));
            route.method = Some(Node::string(method, key.span));
            route.path = Some(Node::string(path, key.span));
        }
    }
    route.authorization_type = r.get("AuthorizationType").cloned();
    route.authorizer = a.link_or_value(r.get("AuthorizerId"));
    route.api_key_required = boolean(r.get("ApiKeyRequired"));
    route.integration = a.link(r.get("Target"));
    a.model.add(route);
}

fn http_integration(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    // Kept as a raw resource; routes borrow its function and timeout in finish().
    let _ = (a, r);
}

fn domain(a: &mut Adapter<'_, '_>, r: &Res<'_>, kind: &str, policy: Option<&Node>) {
    let mut d = Domain::new(r.head());
    d.kind = Some(Node::string(kind, r.span));
    d.domain_name = r.get("DomainName").cloned();
    d.security_policy = policy.cloned();
    a.model.add(d);
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
    for route in a.model.items("routes") {
        let (Some(id), Some(integ)) = (
            crate::model::item_id(route),
            route.get("integration").and_then(Node::as_str),
        ) else {
            continue;
        };
        if let Some((_, f, t)) = integrations.iter().find(|(i, _, _)| i == integ) {
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
