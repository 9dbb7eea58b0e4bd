//! CloudFormation resources at the account's edge that the core adapter does
//! not read: the resource policies of ECR repositories, EventBridge buses,
//! Lambda layer versions, EFS file systems and CloudWatch Logs destinations
//! (so the resource-policy rules judge them like any other), S3 access points, the parts of a bucket that decide who
//! reaches it (object ownership, CORS rules), CloudFront distributions and
//! WAF web ACL associations.

use super::intrinsics::{Context, SubPart};
use super::{boolean, Adapter, Res};
use crate::adapt::iam;
use crate::model::collections::update;
use crate::model::collections::{AccessPoint, Distribution, Head, WebAclAssociation};
use crate::model::map_of;
use crate::parse::{Node, Value};

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "AWS::ECR::Repository" => {
            if let Some(doc) = r.get("RepositoryPolicyText") {
                a.model.add(iam::resource_policy(
                    Head::aws(&format!("{}/RepositoryPolicy", r.id), r.type_, r.span),
                    "resource_policy",
                    vec![Node::string(r.id, r.span)],
                    "ecr",
                    iam::statements(doc),
                ));
            }
        }
        "AWS::EFS::FileSystem" => own_policy(r, "FileSystemPolicy", "elasticfilesystem", a),
        "AWS::Logs::Destination" => own_policy(r, "DestinationPolicy", "logs", a),
        "AWS::Events::EventBusPolicy" => event_bus_policy(a, r),
        "AWS::Lambda::LayerVersionPermission" => layer_permission(a, r),
        "AWS::S3::AccessPoint" => {
            let mut ap = AccessPoint::new(Head::aws(r.id, r.type_, r.span));
            ap.bucket = a.link_or_value(r.get("Bucket"));
            ap.public_access_block = r.get("PublicAccessBlockConfiguration").map(access_block);
            a.model.add(ap);
        }
        "AWS::CloudFront::Distribution" => distribution(a, r),
        "AWS::Logs::DeliverySource" => delivery_source(a, r),
        "AWS::S3::Bucket" => bucket(a, r),
        "AWS::WAFv2::WebACLAssociation" | "AWS::WAFRegional::WebACLAssociation" => {
            let mut w = WebAclAssociation::new(Head::aws(r.id, r.type_, r.span));
            w.resource = stage_in_arn(a, r).or_else(|| a.link_or_value(r.get("ResourceArn")));
            w.web_acl = a.link_or_value(r.get("WebACLArn").or_else(|| r.get("WebACLId")));
            a.model.add(w);
        }
        _ => {}
    }
}

/// The stage a `!Sub` stage ARN names (`.../restapis/${Api}/stages/${Prod}`):
/// the association protects that stage, whose item is its own, not the
/// API the first variable names.
fn stage_in_arn(a: &Adapter<'_, '_>, r: &Res<'_>) -> Option<Node> {
    let raw = r.def.get("Properties")?.get("ResourceArn")?;
    let template = raw.get("Fn::Sub")?.as_str()?;
    super::intrinsics::sub_parts(template)
        .into_iter()
        .find_map(|part| match part {
            SubPart::Var(var) if a.type_of(var) == Some("AWS::ApiGateway::Stage") => Some(var),
            _ => None,
        })
        .map(|stage| Node::string(stage, raw.span))
}

/// A policy written on the resource it protects: an EFS file system's
/// `FileSystemPolicy` (a document), a Logs destination's `DestinationPolicy`
/// (a JSON string), as `<Id>/<Property>`. A document only known at deploy
/// time stays unknown.
fn own_policy(r: &Res<'_>, property: &str, target_type: &str, a: &mut Adapter<'_, '_>) {
    let Some(doc) = r.get(property) else {
        return;
    };
    let statements = match sub_json(a.ctx, r, property) {
        Some(known) if doc.is_unknown() => iam::statements(&known),
        _ => iam::statements(doc),
    };
    a.model.add(iam::resource_policy(
        Head::aws(&format!("{}/{property}", r.id), r.type_, r.span),
        "resource_policy",
        vec![Node::string(r.id, r.span)],
        target_type,
        statements,
    ));
}

/// A JSON document written as a `!Sub` string (`DestinationPolicy: !Sub
/// '{"Statement": [... "${AWS::AccountId}" ...]}'`), parsed with each
/// `${...}` left unknown: the document's shape and its literal values
/// (a `"*"` principal) are known even when a pseudo parameter is not. Only
/// when every `${...}` sits inside a JSON string; otherwise (a variable in
/// place of a list, a `!Sub` with a variable map) `None`, and the document
/// stays unknown as a whole. A string holding a parameter the deployer
/// supplies is a supplied unknown.
fn sub_json(ctx: &Context<'_>, r: &Res<'_>, property: &str) -> Option<Node> {
    const OPEN: char = '\u{E000}';
    const CLOSE: char = '\u{E001}';
    let raw = r.def.get("Properties")?.get(property)?;
    let template = raw.get("Fn::Sub")?.as_str()?;
    if template.contains([OPEN, CLOSE]) {
        return None;
    }
    let mut text = String::with_capacity(template.len());
    let mut vars = Vec::new();
    for part in super::intrinsics::sub_parts(template) {
        match part {
            SubPart::Text(t) => text.push_str(t),
            SubPart::Literal(name) => {
                text.push_str("${");
                text.push_str(name);
                text.push('}');
            }
            SubPart::Var(var) => {
                text.push(OPEN);
                text.push_str(&vars.len().to_string());
                text.push(CLOSE);
                vars.push(var.to_string());
            }
        }
    }
    let mut doc = crate::parse::json::parse(&text, raw.span.file).ok()?;
    doc.respan(raw.span);
    let vars: Vec<(String, bool)> = vars
        .into_iter()
        .map(|v| {
            let supplied = ctx
                .sub_var(&v, None, raw, 0)
                .is_some_and(|n| n.has_supplied());
            (v, supplied)
        })
        .collect();
    unknown_holes(&mut doc, &vars, OPEN).then_some(doc)
}

/// Replace every string holding a `!Sub` hole by an unknown naming the
/// variable (the first one the deployer supplies, and then supplied, else
/// the first); `false` when a hole is anywhere else (a key).
fn unknown_holes(node: &mut Node, vars: &[(String, bool)], open: char) -> bool {
    match &mut node.value {
        Value::String(s) => {
            let holes: Vec<usize> = s
                .split(open)
                .skip(1)
                .map(|after| {
                    after
                        .chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0)
                })
                .collect();
            // Named after the first variable the deployer supplies, else the first.
            let supplied = holes.iter().find(|i| vars.get(**i).is_some_and(|v| v.1));
            if let Some(hole) = supplied.or(holes.first()) {
                let var = vars.get(*hole).map_or("", |v| v.0.as_str());
                *node = Node::unknown(format!("Fn::Sub uses ${{{var}}}"), node.span)
                    .supplied_if(supplied.is_some());
            }
            true
        }
        Value::Seq(items) => items.iter_mut().all(|n| unknown_holes(n, vars, open)),
        Value::Map(m) => m
            .entries
            .iter_mut()
            .all(|e| !e.key.contains(open) && unknown_holes(&mut e.value, vars, open)),
        _ => true,
    }
}

/// CloudFront standard logging v2: a delivery source of a distribution's
/// access logs (`ResourceArn` names the distribution) makes it logged.
fn delivery_source(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    if r.get("LogType").and_then(Node::as_str) != Some("ACCESS_LOGS") {
        return;
    }
    let target = a.link(r.get("ResourceArn"));
    if let Some(id) = target.as_ref().and_then(Node::as_str) {
        if a.type_of(id) == Some("AWS::CloudFront::Distribution") {
            let v = Node::bool(true, r.span);
            a.updates
                .push(update!(Distribution, id.to_string(), logging, v));
        }
    }
}

/// A distribution's origins, cache behaviors, viewer certificate, web ACL
/// and logging, in the model's shape.
fn distribution(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut d = Distribution::new(Head::aws(r.id, r.type_, r.span));
    let Some(conf) = r.get("DistributionConfig") else {
        a.model.add(d);
        return;
    };
    if conf.is_unknown() {
        // Decided at deploy time: every field unknown, none absent.
        for field in [
            &mut d.origins,
            &mut d.default_cache_behavior,
            &mut d.web_acl,
            &mut d.logging,
        ] {
            *field = Some(conf.clone());
        }
        a.model.add(d);
        return;
    }
    d.origins = conf.get("Origins").map(|origins| match &origins.value {
        Value::Seq(items) => {
            let out = items.iter().map(origin).collect();
            Node::seq(out, origins.span)
        }
        _ => origins.clone(),
    });
    d.default_cache_behavior = conf.get("DefaultCacheBehavior").map(|b| behavior(b, false));
    d.cache_behaviors = conf.get("CacheBehaviors").map(|bs| match &bs.value {
        Value::Seq(items) => Node::seq(items.iter().map(|b| behavior(b, true)).collect(), bs.span),
        _ => bs.clone(),
    });
    d.minimum_protocol_version = conf
        .get_path(&["ViewerCertificate", "MinimumProtocolVersion"])
        .cloned();
    // No ViewerCertificate is CloudFront's default certificate, whose
    // minimum CloudFront sets (TLSv1) whatever is written.
    d.certificate_source = match conf.get("ViewerCertificate") {
        None => Some(Node::string("cloudfront", r.span)),
        Some(vc) if vc.is_unknown() => Some(vc.clone()),
        Some(vc) => crate::adapt::certificate_source(&[
            ("acm", vc.get("AcmCertificateArn")),
            ("iam", vc.get("IamCertificateId")),
            ("cloudfront", vc.get("CloudFrontDefaultCertificate")),
        ]),
    };
    if d.certificate_source
        .as_ref()
        .and_then(Node::as_str)
        .is_some_and(|s| s == "cloudfront")
    {
        d.minimum_protocol_version = None;
    }
    d.web_acl = a.link_or_value(conf.get("WebACLId"));
    // Standard logging v2 (a delivery source) is read from its own resource.
    d.logging = conf.get("Logging").map(|l| {
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
    for (key, out) in [("Id", "id"), ("DomainName", "domain_name")] {
        if let Some(v) = o.get(key) {
            fields.push((out, v.clone()));
        }
    }
    if let Some(s3) = o.get("S3OriginConfig") {
        fields.push(("s3_origin_config", Node::bool(true, s3.span)));
        if let Some(oai) = s3.get("OriginAccessIdentity") {
            if oai.as_str() != Some("") {
                fields.push(("origin_access_identity", oai.clone()));
            }
        }
    }
    if let Some(oac) = o.get("OriginAccessControlId") {
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
        if let Some(p) = b.get("PathPattern") {
            fields.push(("path_pattern", p.clone()));
        }
    }
    if let Some(v) = b.get("ViewerProtocolPolicy") {
        fields.push(("viewer_protocol_policy", v.clone()));
    }
    map_of(fields, b.span)
}

/// `PublicAccessBlockConfiguration` in the model's shape (only the flags
/// written; a block decided at deploy time stays unknown).
pub(crate) fn access_block(pab: &Node) -> Node {
    if pab.is_unknown() {
        return pab.clone();
    }
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
    map_of(fields, pab.span)
}

/// The bucket fields beyond the core adapter's, set on the bucket item it
/// has just built: `object_ownership` and `cors` (and a public access block
/// decided at deploy time, which the core adapter reads as empty).
fn bucket(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let ownership = match r.get("OwnershipControls") {
        Some(n) if n.is_unknown() => Some(n.clone()),
        Some(n) => match n.get("Rules") {
            Some(rules) if rules.is_unknown() => Some(rules.clone()),
            Some(rules) => rules
                .as_seq()
                .and_then(|s| s.first())
                .and_then(|x| x.get("ObjectOwnership"))
                .cloned(),
            None => None,
        },
        None => None,
    };
    let cors = r.path(&["CorsConfiguration", "CorsRules"]).map(|rules| {
        cors_rules(
            rules,
            &[
                ("AllowedOrigins", "allowed_origins"),
                ("AllowedMethods", "allowed_methods"),
            ],
        )
    });
    // A block decided at deploy time is unknown, not a block with every flag off.
    let unknown_block = r
        .get("PublicAccessBlockConfiguration")
        .filter(|n| n.is_unknown())
        .cloned();
    if let Some(u) = unknown_block {
        a.updates
            .push(update!(Bucket, r.id, public_access_block, u));
    }
    if let Some(o) = ownership {
        a.updates.push(update!(Bucket, r.id, object_ownership, o));
    }
    if let Some(c) = cors {
        a.updates.push(update!(Bucket, r.id, cors, c));
    }
}

/// CORS rules as `[{allowed_origins, allowed_methods}]`, from the source's
/// key names (`AllowedOrigins`, `allowed_origins`); unknown rules stay so.
pub(crate) fn cors_rules(rules: &Node, keys: &[(&str, &'static str)]) -> Node {
    let Value::Seq(items) = &rules.value else {
        return rules.clone();
    };
    let out = items
        .iter()
        .map(|rule| {
            if rule.is_unknown() {
                return rule.clone();
            }
            let fields = keys
                .iter()
                .filter_map(|(k, out)| rule.get(k).map(|v| (*out, iam::as_array(v))))
                .collect();
            map_of(fields, rule.span)
        })
        .collect();
    Node::seq(out, rules.span)
}

/// A bus policy is either one `Statement` or the older `Action`,
/// `Principal` and `Condition` properties (an organization condition).
fn event_bus_policy(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let statements = match r.get("Statement") {
        Some(s) => Node::seq(vec![iam::statement(s)], s.span),
        None => {
            let mut stmt: Vec<(&str, Node)> = vec![("effect", Node::string("Allow", r.span))];
            if let Some(act) = r.get("Action") {
                stmt.push(("action", iam::as_array(act)));
            }
            if let Some(p) = r.get("Principal") {
                stmt.push(("principal", iam::principal(p)));
            }
            if let Some(c) = r.get("Condition") {
                if let (Some(key), Some(value)) =
                    (c.get("Key").and_then(Node::as_str), c.get("Value"))
                {
                    let op = c
                        .get("Type")
                        .and_then(Node::as_str)
                        .unwrap_or("StringEquals");
                    let keys = map_of(vec![(key, iam::as_array(value))], c.span);
                    stmt.push(("condition", map_of(vec![(op, keys)], c.span)));
                } else {
                    stmt.push(("condition", c.clone()));
                }
            }
            Node::seq(vec![map_of(stmt, r.span)], r.span)
        }
    };
    let bus = r
        .get("EventBusName")
        .and_then(|n| a.link_or_value(Some(n)))
        .unwrap_or_else(|| Node::string("default", r.span));
    a.model.add(iam::resource_policy(
        Head::aws(r.id, r.type_, r.span),
        "resource_policy",
        vec![bus],
        "events",
        statements,
    ));
}

/// `Principal: "*"` shares a layer version with every account, unless
/// `OrganizationId` narrows it to one organization.
fn layer_permission(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut stmt: Vec<(&str, Node)> = vec![("effect", Node::string("Allow", r.span))];
    if let Some(act) = r.get("Action") {
        stmt.push(("action", iam::as_array(act)));
    }
    if let Some(p) = r.get("Principal") {
        stmt.push(("principal", iam::principal(p)));
    }
    if let Some(org) = r.get("OrganizationId") {
        let keys = map_of(vec![("aws:PrincipalOrgID", iam::as_array(org))], org.span);
        stmt.push(("condition", map_of(vec![("StringEquals", keys)], org.span)));
    }
    let layer = a.link_or_value(r.get("LayerVersionArn"));
    a.model.add(iam::resource_policy(
        Head::aws(r.id, r.type_, r.span),
        "layer_permission",
        layer.into_iter().collect(),
        "lambda-layer",
        Node::seq(vec![map_of(stmt, r.span)], r.span),
    ));
}

#[cfg(test)]
mod tests {
    use crate::parse::yaml;
    use crate::source::FileId;
    use serde_json::json;

    const TEMPLATE: &str = "\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Reader: {Type: String}
Resources:
  Files:
    Type: AWS::EFS::FileSystem
    Properties:
      FileSystemPolicy:
        Statement:
          - {Effect: Allow, Principal: {AWS: '*'}, Action: elasticfilesystem:ClientMount}
  Sink:
    Type: AWS::Logs::Destination
    Properties:
      DestinationPolicy: '{\"Statement\": {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"111122223333\"}, \"Action\": \"logs:*\"}}'
  Later:
    Type: AWS::Logs::Destination
    Properties:
      DestinationPolicy: !Sub '{\"Statement\": [{\"Principal\": {\"AWS\": \"${AWS::AccountId}\"}}]}'
  Whole:
    Type: AWS::Logs::Destination
    Properties:
      DestinationPolicy: !Sub '{\"Statement\": ${Statements}}'
  Shared:
    Type: AWS::Logs::Destination
    Properties:
      DestinationPolicy: !Sub '{\"Statement\": [{\"Principal\": {\"AWS\": [\"arn:aws:iam::${AWS::AccountId}:role/${Reader}\", \"arn:aws:iam::${Bare}:root\"]}}]}'
  Bare:
    Type: AWS::EFS::FileSystem
  Edge:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: edgelambda.amazonaws.com}, Action: sts:AssumeRole}
";

    fn items(collection: &str) -> Vec<serde_json::Value> {
        let doc = yaml::parse(TEMPLATE, FileId(0)).unwrap().remove(0);
        let (model, _) = super::super::adapt(&doc, FileId(0), &Default::default());
        model
            .items(collection)
            .iter()
            .map(|n| n.to_json())
            .collect()
    }

    #[test]
    fn efs_and_logs_destination_policies_are_resource_policies() {
        let policies = items("policies");
        let find = |id: &str| policies.iter().find(|p| p["id"] == id).cloned();
        let efs = find("Files/FileSystemPolicy").unwrap();
        assert_eq!(efs["target_type"], "elasticfilesystem");
        assert_eq!(efs["attached_to"], json!(["Files"]));
        assert_eq!(efs["statements"][0]["principal"], json!({"AWS": ["*"]}));
        let sink = find("Sink/DestinationPolicy").unwrap();
        assert_eq!(sink["target_type"], "logs");
        assert_eq!(sink["statements"][0]["action"], json!(["logs:*"]));
        // A `!Sub` JSON string: its `${...}` values are unknown, the rest
        // is read; a `${...}` outside a string leaves the whole document
        // unknown; no policy, no item.
        let later = find("Later/DestinationPolicy").unwrap();
        assert_eq!(
            later["statements"][0]["principal"]["AWS"][0]["unknown"],
            true
        );
        assert_eq!(
            later["statements"][0]["principal"]["AWS"][0]["reason"],
            "Fn::Sub uses ${AWS::AccountId}"
        );
        assert_eq!(
            later["statements"][0]["principal"]["AWS"][0]["supplied"],
            json!(null)
        );
        assert_eq!(
            find("Whole/DestinationPolicy").unwrap()["statements"]["unknown"],
            true
        );
        assert!(find("Bare/FileSystemPolicy").is_none());
        // A string holding a parameter is supplied by the deployer, even
        // after `${AWS::AccountId}`; one naming a resource is not.
        let shared = find("Shared/DestinationPolicy").unwrap();
        let aws = &shared["statements"][0]["principal"]["AWS"];
        assert_eq!(aws[0]["reason"], "Fn::Sub uses ${Reader}");
        assert_eq!(aws[0]["supplied"], true);
        assert_eq!(aws[1]["reason"], "Fn::Sub uses ${Bare}");
        assert_eq!(aws[1]["supplied"], json!(null));
    }

    #[test]
    fn a_sam_function_s_trust_document_is_its_role_s_trust_policy() {
        let roles = items("roles");
        let role = roles.iter().find(|r| r["id"] == "EdgeRole").unwrap();
        assert_eq!(
            role["assume_role_policy"]["statements"][0]["principal"],
            json!({"Service": ["edgelambda.amazonaws.com"]})
        );
    }
}
