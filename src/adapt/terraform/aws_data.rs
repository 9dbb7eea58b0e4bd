//! AWS data stores in Terraform: S3 buckets with the split
//! `aws_s3_bucket_*` resources that configure them (linked by their `bucket`
//! argument), DynamoDB tables, SQS queues, SNS topics, Kinesis streams,
//! CloudWatch log groups, KMS keys, Secrets Manager secrets, and the
//! resource policies of each.

use super::aws_iam::{document, statements_of};
use super::res::{boolean, num, present, text, walk};
use super::{Adapter, Res};
use crate::model::collections::{
    append, update, Bucket, BucketAccessBlock, Head, Key, LogGroup, Queue, RotationSchedule,
    Secret, Stream, Table, Topic, Update,
};
use crate::model::map_of;
use crate::parse::{Node, Unknown, Value};
use crate::terraform::{Mode, Resource, Unit};

const BUCKET: &[&str] = &["aws_s3_bucket"];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_s3_bucket" => bucket(a, r),
        "aws_s3_bucket_server_side_encryption_configuration" => {
            let rules = r.blocks("rule");
            let def = rules
                .first()
                .and_then(|x| walk(x, &["apply_server_side_encryption_by_default"]));
            if let Some(def) = def {
                update_bucket(a, r, |id| {
                    update!(Bucket, id, encryption, bucket_encryption(def))
                });
            }
        }
        "aws_s3_bucket_versioning" => {
            if let Some(s) = r.path(&["versioning_configuration", "status"]) {
                let v = match s.as_str() {
                    Some(st) => Node::bool(st == "Enabled", s.span),
                    None => s.clone(),
                };
                update_bucket(a, r, |id| update!(Bucket, id, versioning, v));
            }
        }
        // The block is an item of its own, judged on its own flags: a flag
        // left off is this resource's finding, as the peers name it. A
        // bucket of the unit also takes the flags (it has a block). A bucket
        // declared elsewhere (another module, another stack, by hand) keeps
        // its name as written.
        "aws_s3_bucket_public_access_block" => {
            let mut block = BucketAccessBlock::new(Head::aws(r.id, r.type_, r.span));
            block.public_access_block = Some(public_access_block(r));
            match a.link(r, "bucket", r.get("bucket"), BUCKET) {
                Some(b) => {
                    let id = b.as_str().unwrap_or_default().to_string();
                    a.updates.push(update!(
                        Bucket,
                        id,
                        public_access_block,
                        public_access_block(r)
                    ));
                    block.bucket = Some(b);
                }
                None => block.bucket = text(r.get("bucket")).cloned(),
            }
            a.model.add(block);
        }
        "aws_s3_bucket_logging" => {
            let target = a.link_arg(r, "target_bucket", BUCKET);
            let at = r.get("target_bucket").map_or(r.span, |n| n.span);
            let logging = map_of(
                target.map(|t| ("target_bucket", t)).into_iter().collect(),
                at,
            );
            update_bucket(a, r, |id| update!(Bucket, id, logging, logging));
        }
        "aws_s3_bucket_acl" => {
            if let Some(acl) = text(r.get("acl")) {
                update_bucket(a, r, |id| update!(Bucket, id, access_control, acl.clone()));
            }
        }
        "aws_s3_bucket_policy" => resource_policy(a, r, "bucket", BUCKET, "s3"),
        "aws_s3_bucket_replication_configuration" => replication(a, r),
        "aws_dynamodb_table" => table(a, r),
        "aws_dynamodb_table_replica" => table_replica(a, r),
        "aws_sqs_queue" => queue(a, r),
        "aws_sqs_queue_policy" => resource_policy(a, r, "queue_url", &["aws_sqs_queue"], "sqs"),
        "aws_sqs_queue_redrive_policy" => {
            if let Some(target) = redrive_target(a, r, "redrive_policy") {
                let q = a.link(r, "queue_url", r.get("queue_url"), &["aws_sqs_queue"]);
                if let Some(q) = q.as_ref().and_then(Node::as_str) {
                    let id = q.to_string();
                    a.updates
                        .push(update!(Queue, id, dead_letter_target, target));
                }
            }
        }
        "aws_sns_topic" => {
            let mut t = Topic::new(r.head());
            t.kms_key = text(r.get("kms_master_key_id")).cloned();
            a.model.add(t);
            if let Some(p) = r.get("policy") {
                own_policy(a, r, p, "sns");
            }
        }
        "aws_sns_topic_policy" => resource_policy(a, r, "arn", &["aws_sns_topic"], "sns"),
        "aws_kinesis_stream" => {
            let mut s = Stream::new(r.head());
            if let Some(t) = text(r.get("encryption_type")) {
                let mut fields = vec![("type", t.clone())];
                if let Some(k) = text(r.get("kms_key_id")) {
                    fields.push(("kms_key", k.clone()));
                }
                s.encryption = Some(map_of(fields, t.span));
            }
            a.model.add(s);
        }
        "aws_cloudwatch_log_group" => {
            let mut l = LogGroup::new(r.head());
            // 0 is the provider's "never expire", the same as not setting it.
            if let Some(n) = num(r.get("retention_in_days")) {
                if n.as_f64() != Some(0.0) {
                    l.retention_days = Some(n);
                }
            }
            l.kms_key = text(r.get("kms_key_id")).cloned();
            // Written but null, 0 or "": findings about the property being
            // missing point at that value (and say through which variable).
            for (arg, field, set) in [
                ("retention_in_days", "retention_days", &l.retention_days),
                ("kms_key_id", "kms_key", &l.kms_key),
            ] {
                if set.is_none() {
                    if let Some(v) = r.r.values.get(arg) {
                        a.model
                            .unset
                            .push((r.id.to_string(), field.to_string(), v.span));
                    }
                }
            }
            l.log_group_name = text(r.get("name")).cloned();
            a.model.add(l);
        }
        "aws_kms_key" => {
            let mut k = Key::new(r.head());
            k.rotation = boolean(r.get("enable_key_rotation"));
            k.key_spec = text(r.get("customer_master_key_spec"))
                .or_else(|| text(r.get("key_spec")))
                .cloned();
            k.key_usage = text(r.get("key_usage")).cloned();
            k.rotation_period_days = num(r.get("rotation_period_in_days"));
            // A key in a custom key store (CloudHSM, external) cannot rotate
            // automatically; the provider has no `origin` argument for it.
            if let Some(store) = text(r.get("custom_key_store_id")) {
                k.origin = Some(Node::string("CUSTOM_KEY_STORE", store.span));
            }
            a.model.add(k);
            if r.get("policy").is_some() {
                key_policy(a, r, r.id, r.span);
            }
        }
        "aws_kms_key_policy" => {
            if let Some(k) = a.link(r, "key_id", r.get("key_id"), &["aws_kms_key"]) {
                let owner = k.as_str().unwrap_or_default().to_string();
                key_policy(a, r, &owner, k.span);
            }
        }
        "aws_secretsmanager_secret" => {
            let mut s = Secret::new(r.head());
            s.kms_key = text(r.get("kms_key_id")).cloned();
            a.model.add(s);
            if r.get("policy").is_some() {
                let statements = statements_of(a, r, "policy");
                let owner = vec![Node::string(r.id, r.span)];
                let id = format!("{}/ResourcePolicy", r.id);
                a.model.add(crate::adapt::iam::resource_policy(
                    Head::aws(&id, r.type_, r.span),
                    "resource_policy",
                    owner,
                    "secretsmanager",
                    statements,
                ));
            }
        }
        "aws_secretsmanager_secret_rotation" => {
            let s = a.link(
                r,
                "secret_id",
                r.get("secret_id"),
                &["aws_secretsmanager_secret"],
            );
            // The schedule is an item of its own (its period is written
            // there); the secret it names is rotated.
            let mut schedule = RotationSchedule::new(r.head());
            // A plan writes `automatically_after_days = 0` beside a
            // `schedule_expression`: 0 is "not set".
            let after = r
                .path(&["rotation_rules", "automatically_after_days"])
                .filter(|n| n.as_f64() != Some(0.0));
            let expression = text(r.path(&["rotation_rules", "schedule_expression"]));
            schedule.rotation_period_days = crate::adapt::rotation::period_days(after, expression);
            if let Some(id) = s.as_ref().and_then(Node::as_str) {
                let v = Node::bool(true, r.span);
                a.updates.push(update!(Secret, id.to_string(), rotation, v));
            }
            schedule.secret = s.or_else(|| r.get("secret_id").cloned());
            a.model.add(schedule);
        }
        "aws_secretsmanager_secret_policy" => resource_policy(
            a,
            r,
            "secret_arn",
            &["aws_secretsmanager_secret"],
            "secretsmanager",
        ),
        _ => {}
    }
}

/// Set a field on the bucket a split resource configures.
fn update_bucket(a: &mut Adapter<'_, '_>, r: &Res<'_>, update: impl FnOnce(String) -> Update) {
    if let Some(b) = a.link(r, "bucket", r.get("bucket"), BUCKET) {
        let id = b.as_str().unwrap_or_default().to_string();
        a.updates.push(update(id));
    } else {
        // Said, not dropped in silence: the setting belongs to a bucket the
        // rules cannot see, so it is neither checked nor credited.
        let name = match r.get("bucket") {
            Some(n) => n
                .as_str()
                .map_or("(not known before apply)".to_string(), |s| format!("`{s}`")),
            None => "(none given)".to_string(),
        };
        a.model.notes.push((
            format!(
                "{}: bucket {name} is not declared in this unit, so this {} is not checked",
                r.id, r.type_
            ),
            r.get("bucket").map_or(r.span, |n| n.span),
        ));
    }
}

/// `apply_server_side_encryption_by_default` in the model's shape.
fn bucket_encryption(def: &Node) -> Node {
    if def.is_unknown() {
        return def.clone();
    }
    let mut enc = Vec::new();
    if let Some(alg) = walk(def, &["sse_algorithm"]) {
        enc.push(("algorithm", alg.clone()));
    }
    if let Some(k) = text(walk(def, &["kms_master_key_id"])) {
        enc.push(("kms_key", k.clone()));
    }
    map_of(enc, def.span)
}

fn public_access_block(r: &Res<'_>) -> Node {
    let mut fields = Vec::new();
    for key in [
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ] {
        if let Some(v) = boolean(r.get(key)) {
            fields.push((key, v));
        }
    }
    map_of(fields, r.span)
}

fn bucket(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut b = Bucket::new(r.head());
    // The inline blocks are deprecated but still set things; a split
    // resource, applied later, wins.
    let inline = r.path(&[
        "server_side_encryption_configuration",
        "rule",
        "apply_server_side_encryption_by_default",
    ]);
    b.encryption = inline.map(bucket_encryption);
    if let Some(v) = r.path(&["versioning", "enabled"]) {
        b.versioning = boolean(Some(v));
    }
    b.bucket_name = text(r.get("bucket")).cloned();
    // Where the access logs go: `{target_bucket}`, the target's address
    // when it is in the unit, else its name as written.
    b.logging = r.path(&["logging"]).map(|l| {
        if l.is_unknown() {
            return l.clone();
        }
        let written = walk(l, &["target_bucket"]);
        let target = a
            .link(r, "logging", written, BUCKET)
            .or_else(|| written.cloned());
        map_of(
            target.map(|t| ("target_bucket", t)).into_iter().collect(),
            l.span,
        )
    });
    b.access_control = text(r.get("acl")).cloned();
    a.model.add(b);
    if let Some(p) = text(r.get("policy")) {
        own_policy(a, r, p, "s3");
    }
}

/// A policy written on the resource it protects (`aws_s3_bucket.policy`,
/// `aws_sqs_queue.policy`, `aws_sns_topic.policy`).
fn own_policy(a: &mut Adapter<'_, '_>, r: &Res<'_>, _p: &Node, kind: &str) {
    let statements = statements_of(a, r, "policy");
    let id = format!("{}/Policy", r.id);
    let owner = vec![Node::string(r.id, r.span)];
    a.model.add(crate::adapt::iam::resource_policy(
        Head::aws(&id, r.type_, r.span),
        "resource_policy",
        owner,
        kind,
        statements,
    ));
}

fn resource_policy(a: &mut Adapter<'_, '_>, r: &Res<'_>, arg: &str, types: &[&str], kind: &str) {
    let targets: Vec<Node> = a.link_arg(r, arg, types).into_iter().collect();
    let statements = statements_of(a, r, "policy");
    a.model.add(crate::adapt::iam::resource_policy(
        r.head(),
        "resource_policy",
        targets,
        kind,
        statements,
    ));
}

fn key_policy(a: &mut Adapter<'_, '_>, r: &Res<'_>, owner: &str, at: crate::source::Span) {
    let statements = statements_of(a, r, "policy");
    let id = format!("{owner}/KeyPolicy");
    let owners = vec![Node::string(owner, at)];
    a.model.add(crate::adapt::iam::resource_policy(
        Head::aws(&id, r.type_, r.span),
        "key_policy",
        owners,
        "kms",
        statements,
    ));
}

/// Replication rules send objects to other buckets; a destination bucket of
/// this unit whose provider names a region puts that region in use.
fn replication(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(source) = a.link(r, "bucket", r.get("bucket"), BUCKET) else {
        return;
    };
    let source = source.as_str().unwrap_or_default().to_string();
    for rule in r.blocks("rule") {
        let Some(dest) = walk(rule, &["destination", "bucket"]) else {
            continue;
        };
        let Some(d) = a.link(r, "rule", Some(dest), BUCKET) else {
            continue;
        };
        let addr = d.as_str().unwrap_or_default();
        let Some(target) = a.unit.resources.iter().find(|x| x.address == addr) else {
            continue;
        };
        let region = present(target.values.get("region"))
            .and_then(Node::as_str)
            .map(str::to_string)
            .or_else(|| {
                let p = a.provider_of(target)?;
                p.values.get("region")?.as_str().map(str::to_string)
            });
        if let Some(region) = region {
            let v = Node::string(region, dest.span);
            a.appends
                .push(append!(Bucket, source.clone(), replication_regions, v));
        }
    }
}

fn table(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut t = Table::new(r.head());
    if let Some(sse) = r.path(&["server_side_encryption"]) {
        if sse.is_unknown() {
            t.encryption = Some(sse.clone());
        } else {
            let mut enc = Vec::new();
            if let Some(v) = boolean(walk(sse, &["enabled"])) {
                enc.push(("enabled", v));
            }
            if let Some(k) = text(walk(sse, &["kms_key_arn"])) {
                enc.push(("kms_key", k.clone()));
            }
            t.encryption = Some(map_of(enc, sse.span));
        }
    }
    let replicas = r.blocks("replica");
    if !replicas.is_empty() {
        let regions: Vec<Node> = replicas
            .iter()
            .filter_map(|rep| present(rep.get("region_name")).cloned())
            .collect();
        t.replica_regions = Some(Node::seq(regions, r.span));
    }
    t.point_in_time_recovery = boolean(r.path(&["point_in_time_recovery", "enabled"]));
    t.deletion_protection = boolean(r.get("deletion_protection_enabled"));
    a.model.add(t);
}

/// A replica of a global table, declared apart from it: a table whose
/// encryption is always on, with `kms_key_arn` as its key (without one the
/// replica is encrypted with the key of the table's SSE type, which is never
/// a customer managed one). Spanned at the block's labels, where a missing
/// key is reported. Its own point-in-time recovery and deletion protection
/// are not read.
fn table_replica(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut t = Table::new(r.head());
    let mut enc = vec![("enabled", Node::bool(true, r.span))];
    if let Some(k) = text(r.get("kms_key_arn")) {
        enc.push(("kms_key", k.clone()));
    }
    t.encryption = Some(map_of(enc, r.span));
    a.model.add(t);
}

fn queue(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut q = Queue::new(r.head());
    q.kms_key = text(r.get("kms_master_key_id")).cloned();
    q.sqs_managed_sse = boolean(r.get("sqs_managed_sse_enabled"));
    q.visibility_timeout = num(r.get("visibility_timeout_seconds"));
    q.fifo = boolean(r.get("fifo_queue"));
    q.dead_letter_target = redrive_target(a, r, "redrive_policy");
    a.model.add(q);
    if let Some(p) = text(r.get("policy")) {
        own_policy(a, r, p, "sqs");
    }
}

/// The dead-letter queue a redrive policy names: a queue of this unit, else
/// the ARN as written.
fn redrive_target(a: &Adapter<'_, '_>, r: &Res<'_>, arg: &str) -> Option<Node> {
    let p = text(r.get(arg))?;
    let doc = document(a, p)?;
    // A policy only known at apply time may name a target: unknown, not none.
    if doc.is_unknown() {
        return Some(doc);
    }
    let arn = present(doc.get("deadLetterTargetArn")).unwrap_or(&doc);
    if let Some(q) = a.link(r, arg, Some(p), &["aws_sqs_queue"]) {
        return Some(Node::string(q.as_str().unwrap_or_default(), arn.span));
    }
    doc.get("deadLetterTargetArn").cloned()
}

/// The secret-holding attributes of the secret resources a `data "http"`
/// request may carry (FG-SEC-005 reads the same list).
const SECRET_VALUES: &[(&str, &[&str])] = &[
    ("aws_ssm_parameter", &["value", "insecure_value"]),
    (
        "aws_secretsmanager_secret_version",
        &["secret_string", "secret_binary"],
    ),
];

/// The arguments of a `data "http"` request, with the value of a secret the
/// unit writes itself named after it. `aws_ssm_parameter.p.value` set from a
/// variable or a `random_password` evaluates to that variable's or
/// password's unknown, which does not name the parameter; such an unknown in
/// `url`, `request_headers` or `request_body` (which refer to the parameter)
/// becomes the parameter's `value`, as it is for a data source. Other
/// resources' values are returned as they are.
pub(crate) fn http_request_values(unit: &Unit, r: &Resource) -> Node {
    let mut values = r.values.clone();
    if r.mode != Mode::Data || r.type_ != "http" {
        return values;
    }
    for arg in ["url", "request_headers", "request_body"] {
        for addr in r.refs.get(arg).into_iter().flatten() {
            let Some(secret) = unit
                .resources
                .iter()
                .find(|x| x.address == *addr && x.mode == Mode::Managed)
            else {
                continue;
            };
            let Some((_, attrs)) = SECRET_VALUES.iter().find(|(t, _)| *t == secret.type_) else {
                continue;
            };
            for attr in *attrs {
                let Some(Value::Unknown(u)) = secret.values.get(attr).map(|n| &n.value) else {
                    continue;
                };
                if let Some(n) = values.as_map_mut().and_then(|m| m.get_mut(arg)) {
                    name_secret(n, u, addr, attr);
                }
            }
        }
    }
    values
}

fn name_secret(n: &mut Node, secret: &Unknown, addr: &str, attr: &str) {
    match &mut n.value {
        Value::Unknown(u) if **u == *secret => {
            **u = Unknown {
                reason: format!("{addr}.{attr} is a secret the unit writes"),
                reference: Some(addr.to_string()),
                attribute: Some(attr.to_string()),
                supplied: secret.supplied,
            };
        }
        Value::Seq(items) => {
            for i in items {
                name_secret(i, secret, addr, attr);
            }
        }
        Value::Map(m) => {
            for e in &mut m.entries {
                name_secret(&mut e.value, secret, addr, attr);
            }
        }
        _ => {}
    }
}
