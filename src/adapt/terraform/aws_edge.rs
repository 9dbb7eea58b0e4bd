//! AWS resources at the account's edge in Terraform that the core adapters
//! do not read: the resource policies of ECR repositories, EventBridge buses
//! (`aws_cloudwatch_event_bus_policy`, `aws_cloudwatch_event_permission`),
//! Lambda layer versions, EFS file systems (`aws_efs_file_system_policy`)
//! and CloudWatch Logs destinations (`aws_cloudwatch_log_destination_policy`),
//! in the model's resource-policy shape; S3
//! access points and the account-wide public access block; and the parts of
//! a bucket that decide who reaches it (ACL grants, object ownership, CORS
//! rules), inline or from the split `aws_s3_bucket_*` resources; CloudFront
//! distributions and WAF web ACL associations.

use super::aws_iam::statements_of;
use super::res::{blocks_of, boolean, first, present, text, walk};
use super::{Adapter, Res};
use crate::adapt::iam;
use crate::model::collections::update;
use crate::model::collections::{
    AccessPoint, AccountPublicAccessBlock, Distribution, Head, WebAclAssociation,
};
use crate::model::map_of;
use crate::parse::Node;

const BUCKET: &[&str] = &["aws_s3_bucket"];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_ecr_repository_policy" => policy(
            a,
            r,
            ("repository", &["aws_ecr_repository"]),
            "policy",
            "ecr",
        ),
        "aws_cloudwatch_event_bus_policy" => policy(
            a,
            r,
            ("event_bus_name", &["aws_cloudwatch_event_bus"]),
            "policy",
            "events",
        ),
        "aws_efs_file_system_policy" => policy(
            a,
            r,
            ("file_system_id", &["aws_efs_file_system"]),
            "policy",
            "elasticfilesystem",
        ),
        "aws_cloudwatch_log_destination_policy" => policy(
            a,
            r,
            ("destination_name", &["aws_cloudwatch_log_destination"]),
            "access_policy",
            "logs",
        ),
        "aws_cloudwatch_event_permission" => event_permission(a, r),
        "aws_lambda_layer_version_permission" => layer_permission(a, r),
        "aws_s3_bucket" => {
            let id = r.id.to_string();
            if let Some(g) = inline_grants(r) {
                a.updates.push(update!(Bucket, id.clone(), grants, g));
            }
            if let Some(c) = present(r.get("cors_rule")) {
                a.updates.push(update!(Bucket, id, cors, cors(c)));
            }
        }
        "aws_s3_bucket_acl" => {
            if let Some(policy) = present(r.get("access_control_policy")).and_then(first) {
                let g = if policy.is_unknown() {
                    policy.clone()
                } else {
                    policy_grants(policy)
                };
                if let Some(id) = bucket_id(a, r) {
                    a.updates.push(update!(Bucket, id, grants, g));
                }
            }
        }
        "aws_s3_bucket_ownership_controls" => {
            if let Some(o) = r.path(&["rule", "object_ownership"]) {
                if let Some(id) = bucket_id(a, r) {
                    a.updates
                        .push(update!(Bucket, id, object_ownership, o.clone()));
                }
            }
        }
        "aws_s3_bucket_cors_configuration" => {
            if let Some(c) = present(r.get("cors_rule")) {
                if let Some(id) = bucket_id(a, r) {
                    a.updates.push(update!(Bucket, id, cors, cors(c)));
                }
            }
        }
        "aws_s3_access_point" => {
            let mut ap = AccessPoint::new(Head::new(r.id, r.id, r.type_, "aws", r.span));
            ap.bucket = a.link_arg(r, "bucket", BUCKET);
            ap.public_access_block = r.path(&["public_access_block_configuration"]).map(flags);
            a.model.add(ap);
        }
        "aws_cloudfront_distribution" => distribution(a, r),
        "aws_cloudwatch_log_delivery_source" => delivery_source(a, r),
        "aws_wafv2_web_acl_association" | "aws_wafregional_web_acl_association" => {
            let mut w = WebAclAssociation::new(Head::new(r.id, r.id, r.type_, "aws", r.span));
            w.resource = a.link_arg(r, "resource_arn", ASSOCIABLE);
            w.web_acl = text(r.get("web_acl_arn"))
                .or_else(|| text(r.get("web_acl_id")))
                .cloned();
            a.model.add(w);
        }
        "aws_s3_account_public_access_block" => {
            let mut b =
                AccountPublicAccessBlock::new(Head::new(r.id, r.id, r.type_, "aws", r.span));
            b.public_access_block = Some(flags(&r.r.values));
            a.model.add(b);
        }
        _ => {}
    }
}

/// What a web ACL association may name, by resource type.
const ASSOCIABLE: &[&str] = &[
    "aws_api_gateway_stage",
    "aws_api_gateway_rest_api",
    "aws_appsync_graphql_api",
    "aws_lb",
    "aws_alb",
];

/// CloudFront standard logging v2: a delivery source of a distribution's
/// access logs (`resource_arn` refers to the distribution) makes it logged.
fn delivery_source(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    if text(r.get("log_type")).and_then(Node::as_str) != Some("ACCESS_LOGS") {
        return;
    }
    let types = &["aws_cloudfront_distribution"];
    let d = a.link(r, "resource_arn", r.get("resource_arn"), types);
    if let Some(id) = d.as_ref().and_then(Node::as_str) {
        let v = Node::bool(true, r.span);
        a.updates
            .push(update!(Distribution, id.to_string(), logging, v));
    }
}

/// A distribution's origins, cache behaviors, viewer certificate, web ACL
/// and logging, in the model's shape.
fn distribution(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut d = Distribution::new(Head::new(r.id, r.id, r.type_, "aws", r.span));
    if let Some(origins) = present(r.get("origin")) {
        d.origins = Some(if origins.is_unknown() {
            origins.clone()
        } else {
            let out = blocks_of(Some(origins)).iter().map(origin).collect();
            Node::seq(out, origins.span)
        });
    }
    d.default_cache_behavior = present(r.get("default_cache_behavior"))
        .and_then(first)
        .map(|b| behavior(b, false));
    d.cache_behaviors = present(r.get("ordered_cache_behavior")).map(|bs| {
        if bs.is_unknown() {
            bs.clone()
        } else {
            let out = blocks_of(Some(bs))
                .iter()
                .map(|b| behavior(b, true))
                .collect();
            Node::seq(out, bs.span)
        }
    });
    d.minimum_protocol_version =
        text(r.path(&["viewer_certificate", "minimum_protocol_version"])).cloned();
    d.certificate_source = present(r.get("viewer_certificate")).and_then(|vc| {
        if vc.is_unknown() {
            return Some(vc.clone());
        }
        let vc = first(vc)?;
        crate::adapt::certificate_source(&[
            ("acm", walk(vc, &["acm_certificate_arn"])),
            ("iam", walk(vc, &["iam_certificate_id"])),
            ("cloudfront", walk(vc, &["cloudfront_default_certificate"])),
        ])
    });
    // The provider writes TLSv1 when the default certificate is used: CloudFront ignores it.
    if r.path(&["viewer_certificate", "cloudfront_default_certificate"])
        .and_then(Node::as_bool)
        == Some(true)
    {
        d.minimum_protocol_version = None;
    }
    d.web_acl = text(r.get("web_acl_id")).cloned();
    // Standard logging v2 (a delivery source) is read from its own resource.
    d.logging = present(r.get("logging_config")).map(|l| {
        if l.is_unknown() {
            l.clone()
        } else {
            Node::bool(true, l.span)
        }
    });
    a.model.add(d);
}

fn origin(o: &Node) -> Node {
    if o.is_unknown() {
        return o.clone();
    }
    let mut fields = Vec::new();
    for (key, out) in [("origin_id", "id"), ("domain_name", "domain_name")] {
        if let Some(v) = text(present(walk(o, &[key]))) {
            fields.push((out, v.clone()));
        }
    }
    if let Some(s3) = present(walk(o, &["s3_origin_config"])).and_then(first) {
        fields.push(("s3_origin_config", Node::bool(true, s3.span)));
        if let Some(oai) = text(present(walk(s3, &["origin_access_identity"]))) {
            fields.push(("origin_access_identity", oai.clone()));
        }
    }
    if let Some(oac) = text(present(walk(o, &["origin_access_control_id"]))) {
        fields.push(("origin_access_control", oac.clone()));
    }
    map_of(fields, o.span)
}

fn behavior(b: &Node, with_path: bool) -> Node {
    if b.is_unknown() {
        return b.clone();
    }
    let mut fields = Vec::new();
    if with_path {
        if let Some(p) = present(walk(b, &["path_pattern"])) {
            fields.push(("path_pattern", p.clone()));
        }
    }
    if let Some(v) = present(walk(b, &["viewer_protocol_policy"])) {
        fields.push(("viewer_protocol_policy", v.clone()));
    }
    map_of(fields, b.span)
}

/// The bucket a split bucket resource (`aws_s3_bucket_acl`, ...) names.
fn bucket_id(a: &mut Adapter<'_, '_>, r: &Res<'_>) -> Option<String> {
    let b = a.link(r, "bucket", r.get("bucket"), BUCKET)?;
    Some(b.as_str().unwrap_or_default().to_string())
}

/// The four public-access-block flags written in `n` (a block or the
/// resource's own values); an unknown block stays unknown.
fn flags(n: &Node) -> Node {
    if n.is_unknown() {
        return n.clone();
    }
    let mut fields = Vec::new();
    for key in [
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ] {
        if let Some(v) = boolean(present(walk(n, &[key]))) {
            fields.push((key, v));
        }
    }
    map_of(fields, n.span)
}

/// The predefined group a grantee URI names (`.../groups/global/AllUsers`),
/// or the URI itself.
fn grantee(uri: &Node) -> Node {
    match uri.as_str().and_then(|u| u.rsplit('/').next()) {
        Some(group @ ("AllUsers" | "AuthenticatedUsers" | "LogDelivery")) => {
            Node::string(group, uri.span)
        }
        _ => uri.clone(),
    }
}

/// Who a grant names: the group of its URI, else its id or email.
fn who(g: &Node) -> Option<Node> {
    ["uri", "id", "email_address"]
        .iter()
        .find_map(|k| text(present(walk(g, &[k]))))
        .map(grantee)
}

/// `grant` blocks of an `aws_s3_bucket` (one per grantee, several
/// `permissions`), one model grant per permission.
fn inline_grants(r: &Res<'_>) -> Option<Node> {
    let v = present(r.get("grant"))?;
    if v.is_unknown() {
        return Some(v.clone());
    }
    let mut out = Vec::new();
    for g in blocks_of(Some(v)) {
        let Some(who) = who(g) else { continue };
        let perms = walk(g, &["permissions"]).map(iam::as_array);
        for p in perms.as_ref().and_then(Node::as_seq).unwrap_or(&[]) {
            out.push(map_of(
                vec![("grantee", who.clone()), ("permission", p.clone())],
                g.span,
            ));
        }
    }
    Some(Node::seq(out, v.span))
}

/// `access_control_policy { grant { grantee { ... } permission } }`.
fn policy_grants(policy: &Node) -> Node {
    let mut out = Vec::new();
    for g in blocks_of(present(policy.get("grant"))) {
        let Some(who) = g
            .get("grantee")
            .and_then(|gr| blocks_of(Some(gr)).first().and_then(who))
        else {
            continue;
        };
        let mut fields = vec![("grantee", who)];
        if let Some(p) = g.get("permission") {
            fields.push(("permission", p.clone()));
        }
        out.push(map_of(fields, g.span));
    }
    Node::seq(out, policy.span)
}

/// `cors_rule` blocks as `[{allowed_origins, allowed_methods}]`.
fn cors(rules: &Node) -> Node {
    if rules.is_unknown() {
        return rules.clone();
    }
    let out = blocks_of(Some(rules))
        .iter()
        .map(|rule| {
            let fields = [
                ("allowed_origins", "allowed_origins"),
                ("allowed_methods", "allowed_methods"),
            ]
            .iter()
            .filter_map(|(k, out)| present(rule.get(k)).map(|v| (*out, iam::as_array(v))))
            .collect();
            map_of(fields, rule.span)
        })
        .collect();
    Node::seq(out, rules.span)
}

/// A resource policy of its own resource: `target` is the argument naming
/// the protected resource (and the types it may refer to), `document` the
/// argument holding the policy.
fn policy(
    a: &mut Adapter<'_, '_>,
    r: &Res<'_>,
    target: (&str, &[&str]),
    document: &str,
    kind: &str,
) {
    let targets: Vec<Node> = a.link_arg(r, target.0, target.1).into_iter().collect();
    let statements = statements_of(a, r, document);
    a.model.add(iam::resource_policy(
        Head::aws(r.id, r.type_, r.span),
        "resource_policy",
        targets,
        kind,
        statements,
    ));
}

/// One statement from `principal`, `action` (the provider's default is
/// `events:PutEvents`) and an optional `condition` block.
fn event_permission(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let span = r.span;
    let action = text(r.get("action"))
        .cloned()
        .unwrap_or_else(|| Node::string("events:PutEvents", span));
    let mut stmt: Vec<(&str, Node)> = vec![
        ("effect", Node::string("Allow", span)),
        ("action", iam::as_array(&action)),
    ];
    if let Some(p) = text(r.get("principal")) {
        stmt.push(("principal", iam::principal(p)));
    }
    if let Some(c) = r.blocks("condition").first() {
        match (c.get("key").and_then(Node::as_str), c.get("value")) {
            (Some(key), Some(value)) => {
                let op = c
                    .get("type")
                    .and_then(Node::as_str)
                    .unwrap_or("StringEquals");
                let keys = map_of(vec![(key, iam::as_array(value))], c.span);
                stmt.push(("condition", map_of(vec![(op, keys)], c.span)));
            }
            // A condition the scanner cannot read stays unknown.
            _ => stmt.push((
                "condition",
                Node::unknown("the permission's condition is not known", c.span),
            )),
        }
    }
    let bus = a
        .link_arg(r, "event_bus_name", &["aws_cloudwatch_event_bus"])
        .unwrap_or_else(|| Node::string("default", span));
    a.model.add(iam::resource_policy(
        Head::aws(r.id, r.type_, span),
        "resource_policy",
        vec![bus],
        "events",
        Node::seq(vec![map_of(stmt, span)], span),
    ));
}

/// `principal = "*"` shares a layer version with every account, unless
/// `organization_id` narrows it to one organization.
fn layer_permission(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let span = r.span;
    let mut stmt: Vec<(&str, Node)> = vec![("effect", Node::string("Allow", span))];
    if let Some(act) = text(r.get("action")) {
        stmt.push(("action", iam::as_array(act)));
    }
    if let Some(p) = text(r.get("principal")) {
        stmt.push(("principal", iam::principal(p)));
    }
    if let Some(org) = text(r.get("organization_id")) {
        let keys = map_of(vec![("aws:PrincipalOrgID", iam::as_array(org))], org.span);
        stmt.push(("condition", map_of(vec![("StringEquals", keys)], org.span)));
    }
    let layer = a.link_arg(r, "layer_version_arn", &["aws_lambda_layer_version"]);
    a.model.add(iam::resource_policy(
        Head::aws(r.id, r.type_, span),
        "layer_permission",
        layer.into_iter().collect(),
        "lambda-layer",
        Node::seq(vec![map_of(stmt, span)], span),
    ));
}
