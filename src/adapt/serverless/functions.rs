//! Functions and what the Framework generates around them: the function
//! items (provider defaults applied, the function's own values winning),
//! the shared execution role `IamRoleLambdaExecution` with the provider's
//! statements, per-function roles (serverless-iam-roles-per-function),
//! function URLs, log groups and the deployment bucket.

use std::collections::BTreeMap;

use super::provider::{
    boolean, cfn, custom_role, lambda_trust, merge_maps, num, override_with, tracing_mode,
};
use super::{events, normalize, Service};
use crate::adapt::cloudformation::Adapter;
use crate::adapt::iam;
use crate::model::collections::{Bucket, Function, FunctionUrl, Head, LogGroup, Resource, Role};
use crate::model::{map_of, Model};
use crate::parse::{Node, Value};
use crate::source::Span;

const SHARED_ROLE: &str = "IamRoleLambdaExecution";
/// What the Framework deploys when neither the function nor `provider:`
/// sets `timeout` / `memorySize` (its `Number(fn.timeout) ||
/// Number(provider.timeout) || 6`; 1024 MB for memory). See ADR 0019.
pub(crate) const DEFAULT_TIMEOUT: i64 = 6;
pub(crate) const DEFAULT_MEMORY: i64 = 1024;
const VPC_POLICY: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

pub(crate) fn adapt(
    a: &mut Adapter<'_, '_>,
    svc: &Service<'_>,
    overrides: &BTreeMap<String, Node>,
) {
    let mut shared_role_used = false;
    for e in &svc.functions {
        if e.value.as_map().is_none() {
            continue;
        }
        shared_role_used |= function(a, svc, &e.key, e.key_span, &e.value, overrides);
    }
    if shared_role_used {
        shared_role(a, svc);
    }
}

/// Push one function and its log group, URL and own role. Returns whether
/// it uses the shared execution role.
fn function(
    a: &mut Adapter<'_, '_>,
    svc: &Service<'_>,
    key: &str,
    key_span: Span,
    def: &Node,
    overrides: &BTreeMap<String, Node>,
) -> bool {
    let p = &svc.provider;
    let own = |k: &str| def.get(k).filter(|n| !n.is_null());
    let pick = |k: &str| own(k).or_else(|| p.get(k));
    let name = match (own("name").and_then(Node::as_str), &svc.name, &svc.stage) {
        (Some(n), _, _) => n.to_string(),
        (None, Some(s), Some(st)) => format!("{s}-{st}-{key}"),
        _ => key.to_string(),
    };
    let mut f = Function::new(Head::new(
        key,
        &name,
        "AWS::Lambda::Function",
        "aws",
        key_span,
    ));
    if let Some(image) = own("image") {
        f.package_type = Some(Node::string("Image", image.span));
    } else {
        // Unwritten, the Framework deploys its own default, which changed
        // with its releases (`nodejs12.x` in v2, `nodejs20.x` in v4): the
        // runtime rules list the function as undecided rather than pass it.
        f.runtime = pick("runtime").cloned().or_else(|| {
            Some(Node::unknown(
                "no runtime in serverless.yml: the Serverless Framework deploys its release's \
                 default (nodejs12.x in v2, nodejs20.x in v4)",
                key_span,
            ))
        });
    }
    f.handler = own("handler").cloned();
    f.timeout = num(pick("timeout"));
    f.memory_size = num(pick("memorySize"));
    let tracing = own("tracing")
        .map(tracing_mode)
        .or_else(|| p.lambda_tracing());
    f.tracing = tracing;
    f.environment =
        merge_maps(p.get("environment"), own("environment")).map(|m| cfn(a, Some(&m)).unwrap_or(m));
    f.kms_key = cfn(a, pick("kmsKeyArn"));
    let arch = pick("architecture");
    f.architectures = arch.map(iam::as_array);
    f.reserved_concurrency = num(own("reservedConcurrency"));
    f.vpc = cfn(a, pick("vpc"));
    f.layers = cfn(a, pick("layers"));
    if let Some(h) = own("handler") {
        // The Framework packages the service directory (lockfiles included).
        f.code_uri = Some(Node::string(".", h.span));
    }

    // The role: the function's own, a per-function one, a custom provider
    // role, or the shared one the Framework generates.
    let role_own = own("role").and_then(custom_role);
    // Function-level statements are the serverless-iam-roles-per-function
    // plugin's: without it the Framework ignores them and the function gets
    // the shared role with the provider's statements.
    let per_function =
        own("iamRoleStatements").filter(|_| svc.has_plugin("serverless-iam-roles-per-function"));
    let mut uses_shared = false;
    let role = if let Some(r) = role_own {
        role_value(a, r)
    } else if let Some(stmts) = per_function {
        let id = format!("{}{SHARED_ROLE}", normalize(key));
        function_role(a, svc, key, &id, stmts, def);
        Node::string(id, stmts.span)
    } else if let Some(r) = p.custom_role() {
        role_value(a, r)
    } else {
        uses_shared = true;
        Node::string(SHARED_ROLE, key_span)
    };
    f.role = Some(role);

    // Asynchronous invocation settings and failure destinations.
    let on_failure = def
        .get_path(&["destinations", "onFailure"])
        .filter(|n| !n.is_null())
        .or_else(|| own("onError"));
    if let Some(dest) = on_failure {
        let target = dest.get("arn").unwrap_or(dest);
        let linked = destination(a, svc, target);
        f.on_failure = Some(linked);
    }
    let mut async_invoked = None;
    for k in ["destinations", "maximumRetryAttempts", "maximumEventAge"] {
        if let Some(n) = own(k) {
            async_invoked.get_or_insert(Node::bool(true, n.span));
        }
    }

    let (evs, async_event) = events::function_events(a, svc, key, key_span, def);
    f.events = Some(Node::seq(evs, def.span));
    if let Some(n) = async_event.or(async_invoked) {
        f.async_invoked = Some(n);
    }

    let generated = format!("{}LambdaFunction", normalize(key));
    if let Some(o) = overrides.get(&generated) {
        apply_function_override(a, &mut f, o);
    }
    framework_defaults(&mut f, key_span);
    a.model.add(f);

    let mut raw = Resource::new(Head::new(
        key,
        &name,
        "AWS::Lambda::Function",
        "aws",
        key_span,
    ));
    raw.properties = Some(def.clone());
    a.model.add(raw);

    if let Some(url) = own("url") {
        function_url(a, key, url);
    }
    if own("disableLogs").and_then(Node::as_bool) != Some(true) {
        log_group(a, svc, key, key_span, &name, def, overrides);
    }
    uses_shared
}

/// Fill what the Framework deploys for settings nobody wrote, at the
/// function's header, and list them in `defaults` so rules can say the value
/// is the Framework's choice. A value written anywhere (the function,
/// `provider:`, an `extensions:` override), even one that cannot be known,
/// is kept as written.
fn framework_defaults(f: &mut Function, key_span: Span) {
    let mut defaults = Vec::new();
    for (field, slot, value) in [
        ("timeout", &mut f.timeout, DEFAULT_TIMEOUT),
        ("memory_size", &mut f.memory_size, DEFAULT_MEMORY),
    ] {
        if slot.is_none() {
            *slot = Some(Node::number(value, key_span));
            defaults.push(Node::string(field, key_span));
        }
    }
    if !defaults.is_empty() {
        f.defaults = Some(Node::seq(defaults, key_span));
    }
}

/// A role named by ARN, logical id or intrinsic: linked when it is a
/// resource of the template.
fn role_value(a: &Adapter<'_, '_>, r: &Node) -> Node {
    let resolved = cfn(a, Some(r)).unwrap_or_else(|| r.clone());
    a.link_or_value(Some(&resolved)).unwrap_or(resolved)
}

/// A failure destination: a function of the service (by key), a resource
/// of the template, or an ARN.
fn destination(a: &Adapter<'_, '_>, svc: &Service<'_>, target: &Node) -> Node {
    if let Some(s) = target.as_str() {
        if svc.functions.iter().any(|e| e.key == s) {
            return Node::string(s, target.span);
        }
    }
    let resolved = cfn(a, Some(target)).unwrap_or_else(|| target.clone());
    a.link_or_value(Some(&resolved)).unwrap_or(resolved)
}

/// Properties written for `<Fn>LambdaFunction` (`extensions:`) override the
/// function's settings.
fn apply_function_override(a: &Adapter<'_, '_>, f: &mut Function, props: &Node) {
    let Some(props) = a.ctx.resolve(props) else {
        return;
    };
    override_with(&mut f.timeout, num(props.get("Timeout")));
    override_with(&mut f.memory_size, num(props.get("MemorySize")));
    override_with(&mut f.runtime, props.get("Runtime").cloned());
    override_with(&mut f.kms_key, props.get("KmsKeyArn").cloned());
    override_with(
        &mut f.tracing,
        props.get_path(&["TracingConfig", "Mode"]).cloned(),
    );
    override_with(
        &mut f.on_failure,
        a.link_or_value(props.get_path(&["DeadLetterConfig", "TargetArn"])),
    );
    override_with(
        &mut f.code_signing_config,
        a.link_or_value(props.get("CodeSigningConfigArn")),
    );
    override_with(&mut f.layers, props.get("Layers").cloned());
    if let Some(vars) = props.get_path(&["Environment", "Variables"]) {
        let merged = merge_maps(f.environment.as_ref(), Some(vars));
        override_with(&mut f.environment, merged);
    }
}

fn function_url(a: &mut Adapter<'_, '_>, key: &str, url: &Node) {
    let enabled = match &url.value {
        Value::Map(_) | Value::Unknown(_) => true,
        _ => url.as_bool().unwrap_or(false),
    };
    if !enabled {
        return;
    }
    let id = format!("{key}/Url");
    let mut u = FunctionUrl::new(Head::aws(&id, "AWS::Lambda::Url", url.span));
    u.function = Some(Node::string(key, url.span));
    let auth = match url.get("authorizer") {
        Some(n) => match n.as_str() {
            Some(s) if s.eq_ignore_ascii_case("aws_iam") => Node::string("AWS_IAM", n.span),
            Some(_) => Node::string("NONE", n.span),
            None => n.clone(),
        },
        None if url.is_unknown() => url.clone(),
        None => Node::string("NONE", url.span),
    };
    u.auth_type = Some(auth);
    u.cors = url.get("cors").cloned();
    a.model.add(u);
}

fn log_group(
    a: &mut Adapter<'_, '_>,
    svc: &Service<'_>,
    key: &str,
    key_span: Span,
    name: &str,
    def: &Node,
    overrides: &BTreeMap<String, Node>,
) {
    let id = format!("{}LogGroup", normalize(key));
    let group = format!("/aws/lambda/{name}");
    let mut l = LogGroup::new(Head::new(
        &id,
        &group,
        "AWS::Logs::LogGroup",
        "aws",
        key_span,
    ));
    l.log_group_name = Some(Node::string(&group, key_span));
    l.function = Some(Node::string(key, key_span));
    let retention = def
        .get("logRetentionInDays")
        .filter(|n| !n.is_null())
        .or_else(|| svc.provider.get("logRetentionInDays"));
    l.retention_days = num(retention);
    if let Some(o) = overrides.get(&id).and_then(|o| a.ctx.resolve(o)) {
        override_with(&mut l.retention_days, num(o.get("RetentionInDays")));
        override_with(&mut l.kms_key, o.get("KmsKeyId").cloned());
    }
    a.model.add(l);
}

/// Where the generated role's findings point: the provider's IAM settings.
fn role_span(svc: &Service<'_>) -> Span {
    let p = &svc.provider;
    p.node
        .as_map()
        .and_then(|m| m.entry("iam").or_else(|| m.entry("iamRoleStatements")))
        .map_or(p.span, |e| e.key_span)
}

/// `IamRoleLambdaExecution` with the provider's statements and managed
/// policies.
fn shared_role(a: &mut Adapter<'_, '_>, svc: &Service<'_>) {
    let p = &svc.provider;
    let span = role_span(svc);
    let mut role = Role::new(Head::aws(SHARED_ROLE, "AWS::IAM::Role", span));
    role.assume_role_policy = Some(lambda_trust(span));
    role.implicit = Some(Node::bool(true, span));
    role.permissions_boundary = cfn(a, p.permissions_boundary());
    let mut managed: Vec<Node> = p
        .managed_policies()
        .and_then(|m| cfn(a, Some(m)))
        .map(|m| {
            iam::as_array(&m)
                .as_seq()
                .map(<[Node]>::to_vec)
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let uses_vpc = p.get("vpc").is_some()
        || svc
            .functions
            .iter()
            .any(|e| e.value.get("vpc").is_some_and(|v| !v.is_null()));
    if uses_vpc {
        managed.push(Node::string(VPC_POLICY, span));
    }
    let managed = Node::seq(managed, span);
    role.managed_policy_arns = Some(managed.clone());
    a.model.add(role);
    a.attach_managed(SHARED_ROLE, Some(&managed));
    for (path, stmts) in p.statements() {
        push_statements(a, SHARED_ROLE, path, stmts);
    }
}

/// A function's own role (serverless-iam-roles-per-function), which
/// inherits the provider's statements when asked to.
fn function_role(
    a: &mut Adapter<'_, '_>,
    svc: &Service<'_>,
    key: &str,
    id: &str,
    stmts: &Node,
    def: &Node,
) {
    let mut role = Role::new(Head::aws(id, "AWS::IAM::Role", stmts.span));
    role.assume_role_policy = Some(lambda_trust(stmts.span));
    role.implicit = Some(Node::bool(true, stmts.span));
    a.model.add(role);
    push_statements(a, id, &format!("functions.{key}.iamRoleStatements"), stmts);
    let inherit = def
        .get("iamRoleStatementsInherit")
        .and_then(Node::as_bool)
        .or_else(|| {
            svc.doc
                .get_path(&[
                    "custom",
                    "serverless-iam-roles-per-function",
                    "defaultInherit",
                ])
                .and_then(Node::as_bool)
        })
        .unwrap_or(false);
    if inherit {
        for (path, s) in svc.provider.statements() {
            push_statements(a, id, path, s);
        }
    }
}

pub(crate) fn push_statements(a: &mut Adapter<'_, '_>, role: &str, path: &str, stmts: &Node) {
    let resolved = cfn(a, Some(stmts)).unwrap_or_else(|| stmts.clone());
    let list: Vec<Node> = match &resolved.value {
        Value::Seq(items) => items.iter().map(iam::statement).collect(),
        Value::Map(_) => vec![iam::statement(&resolved)],
        _ => return,
    };
    a.model.add(iam::policy(
        Head::aws(
            &format!("{role}/Policies/{path}"),
            "AWS::IAM::Policy",
            stmts.span,
        ),
        "identity",
        "inline",
        vec![Node::string(role, stmts.span)],
        Node::seq(list, resolved.span),
    ))
}

/// The bucket the Framework creates for deployment artifacts, modelled when
/// `provider.deploymentBucket` configures it (not when it names an
/// existing bucket).
pub(crate) fn deployment_bucket(a: &mut Adapter<'_, '_>, svc: &Service<'_>) {
    let p = &svc.provider;
    let Some(entry) = p.node.as_map().and_then(|m| m.entry("deploymentBucket")) else {
        return;
    };
    let conf = &entry.value;
    if conf.as_map().is_none() || conf.get("name").is_some() {
        return;
    }
    let id = "ServerlessDeploymentBucket";
    let span = entry.key_span;
    let mut b = Bucket::new(Head::aws(id, "AWS::S3::Bucket", span));
    let algorithm = conf
        .get("serverSideEncryption")
        .cloned()
        .unwrap_or_else(|| Node::string("AES256", span));
    let mut enc = vec![("algorithm", algorithm)];
    if let Some(k) = conf.get("sseKMSKeyId") {
        enc.push(("kms_key", k.clone()));
    }
    b.encryption = Some(map_of(enc, span));
    if let Some(block) = boolean(conf.get("blockPublicAccess")) {
        let fields = [
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ]
        .iter()
        .map(|k| (*k, block.clone()))
        .collect();
        b.public_access_block = Some(map_of(fields, block.span));
    }
    // The Framework turns versioning on only when asked (`versioning: true`).
    b.versioning = boolean(conf.get("versioning"));
    a.model.add(b);
    if conf.get("skipPolicySetup").and_then(Node::as_bool) == Some(true) {
        return;
    }
    // The Framework's policy denies every request made over plain HTTP.
    let cond = map_of(
        vec![(
            "Bool",
            map_of(
                vec![(
                    "aws:SecureTransport",
                    Node::seq(vec![Node::string("false", span)], span),
                )],
                span,
            ),
        )],
        span,
    );
    let stmt = map_of(
        vec![
            ("effect", Node::string("Deny", span)),
            (
                "principal",
                map_of(
                    vec![("AWS", Node::seq(vec![Node::string("*", span)], span))],
                    span,
                ),
            ),
            ("action", Node::seq(vec![Node::string("s3:*", span)], span)),
            ("condition", cond),
        ],
        span,
    );
    {
        a.model.add(iam::resource_policy(
            Head::aws(&format!("{id}Policy"), "AWS::S3::BucketPolicy", span),
            "resource_policy",
            vec![Node::string(id, span)],
            "s3",
            Node::seq(vec![stmt], span),
        ));
    }
}

/// Regions named in ARNs in the functions' settings (`arn:aws:sns:eu-west-1:...`).
pub(crate) fn arn_regions(model: &mut Model, svc: &Service<'_>) {
    let mut found: Vec<(String, String, Span)> = Vec::new();
    for res in model.items("resources") {
        let id = crate::model::item_id(res).unwrap_or("").to_string();
        if !svc.functions.iter().any(|e| e.key == id) {
            continue;
        }
        let type_ = res.get("type").and_then(Node::as_str).unwrap_or("");
        let Some(props) = res.get("properties").and_then(Node::as_map) else {
            continue;
        };
        for (r, n) in crate::adapt::arn::regions_in(type_, props.iter()) {
            found.push((r.to_string(), id.clone(), n.span));
        }
    }
    // Provider settings (`kmsKeyArn`, statements) flow into every function.
    for (r, n) in crate::adapt::arn::regions_in("provider", [("provider", &svc.provider.node)]) {
        found.push((r.to_string(), "provider".to_string(), n.span));
    }
    found.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    found.dedup_by(|a, b| a.2 == b.2 && a.0 == b.0);
    for (region, id, span) in found {
        crate::adapt::cloudformation::push_region(model, &region, "arn", Some(&id), span);
    }
}
