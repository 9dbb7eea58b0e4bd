//! Google Cloud IAM in Terraform: every `google_*_iam_member`, `_binding` and
//! `_policy` on a project, folder, organization, Cloud Storage bucket, Cloud
//! KMS key or key ring, Pub/Sub topic, Cloud Function or Cloud Run service,
//! as `iam_bindings` items `{resource, resource_kind, role, members,
//! condition}` (ADR 0035). One shape for the three ways Terraform writes a
//! grant, so a rule asks "who holds which role on what" once.
//!
//! A `_member` is one binding with one member; a `_binding` is one binding;
//! a `_policy` is one item per binding of its `policy_data`, read from the
//! `data "google_iam_policy"` it refers to (or, in a plan, the rendered JSON).

use super::aws_iam::document;
use super::res::{blocks_of, present, text};
use super::{Adapter, Res};
use crate::model::collections::{Head, IamBinding};
use crate::parse::{Node, Value};
use crate::source::Span;

/// The kinds of resource a grant can be on: the type prefix (before
/// `_iam_member`/`_binding`/`_policy`), the kind the model names it by, the
/// argument that names the resource, and the types it may link to.
const TARGETS: &[(&str, &str, &str, &[&str])] = &[
    ("google_project", "project", "project", &[]),
    ("google_folder", "folder", "folder", &[]),
    ("google_organization", "organization", "org_id", &[]),
    (
        "google_storage_bucket",
        "bucket",
        "bucket",
        &["google_storage_bucket"],
    ),
    (
        "google_kms_crypto_key",
        "kms_crypto_key",
        "crypto_key_id",
        &["google_kms_crypto_key"],
    ),
    (
        "google_kms_key_ring",
        "kms_key_ring",
        "key_ring_id",
        &["google_kms_key_ring"],
    ),
    (
        "google_pubsub_topic",
        "pubsub_topic",
        "topic",
        &["google_pubsub_topic"],
    ),
    (
        "google_cloudfunctions_function",
        "function",
        "cloud_function",
        &["google_cloudfunctions_function"],
    ),
    (
        "google_cloudfunctions2_function",
        "function",
        "cloud_function",
        &["google_cloudfunctions2_function"],
    ),
    (
        "google_cloud_run_service",
        "run_service",
        "service",
        &[
            "google_cloud_run_service",
            "google_cloudfunctions2_function",
        ],
    ),
    (
        "google_cloud_run_v2_service",
        "run_service",
        "name",
        &[
            "google_cloud_run_v2_service",
            "google_cloudfunctions2_function",
        ],
    ),
];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some((prefix, form)) = ["_iam_member", "_iam_binding", "_iam_policy"]
        .iter()
        .find_map(|s| r.type_.strip_suffix(s).map(|p| (p, *s)))
    else {
        return;
    };
    let Some((_, kind, arg, types)) = TARGETS.iter().find(|t| t.0 == prefix) else {
        return;
    };
    // A project, folder or organization is named by its id: it links to
    // nothing in the unit (an empty type list would match any resource).
    let resource = if types.is_empty() {
        r.get(arg).cloned()
    } else {
        a.link_arg(r, arg, types)
    };
    let item = |id: &str, span: Span| {
        let mut b = IamBinding::new(Head::new(id, id, r.type_, "gcp", span));
        b.resource = resource.clone();
        b.resource_kind = Some(Node::string(*kind, r.span));
        b
    };
    match form {
        "_iam_member" => {
            let mut b = item(r.id, r.span);
            b.role = r.get("role").cloned();
            b.members = r
                .get("member")
                .map(|m| members(a, &Node::seq(vec![m.clone()], m.span)));
            b.condition = condition(r.get("condition"));
            a.model.add(b);
        }
        "_iam_binding" => {
            let mut b = item(r.id, r.span);
            b.role = r.get("role").cloned();
            b.members = r.get("members").map(|m| members(a, m));
            b.condition = condition(r.get("condition"));
            a.model.add(b);
        }
        _ => {
            for (i, binding) in policy_bindings(a, r).iter().enumerate() {
                let mut b = item(&format!("{}/bindings/{i}", r.id), binding.span);
                b.role = present(binding.get("role")).cloned();
                b.members = present(binding.get("members")).map(|m| members(a, m));
                b.condition = condition(binding.get("condition"));
                a.model.add(b);
            }
        }
    }
}

/// Members as written, except that a service account the unit creates,
/// named by its `email` or `member` (known only after apply), is
/// `serviceAccount:<address>`: what kind of member it is, is known.
fn members(a: &Adapter<'_, '_>, list: &Node) -> Node {
    let Value::Seq(items) = &list.value else {
        return list.clone();
    };
    let out = items
        .iter()
        .map(|m| match &m.value {
            Value::Unknown(u) if matches!(u.attribute.as_deref(), Some("email" | "member")) => u
                .reference
                .as_deref()
                .and_then(|t| a.resolve(t, &["google_service_account"]))
                .map_or_else(
                    || m.clone(),
                    |addr| Node::string(format!("serviceAccount:{addr}"), m.span),
                ),
            _ => m.clone(),
        })
        .collect();
    Node::seq(out, list.span)
}

/// An IAM condition block, absent when there is none.
fn condition(n: Option<&Node>) -> Option<Node> {
    let n = present(n)?;
    match &n.value {
        Value::Seq(items) => items.first().cloned(),
        _ => Some(n.clone()),
    }
}

/// The bindings of a `_policy`'s `policy_data`: the `binding` blocks of the
/// `data "google_iam_policy"` it refers to, else the JSON it holds (a plan
/// renders it), with `members` and `role` as in HCL.
fn policy_bindings(a: &Adapter<'_, '_>, r: &Res<'_>) -> Vec<Node> {
    let data = r.r.refs.get("policy_data").and_then(|refs| {
        refs.iter().find_map(|t| {
            let addr = a.resolve(t, &["google_iam_policy"])?;
            a.unit.resources.iter().find(|x| x.address == addr)
        })
    });
    if let Some(d) = data {
        let blocks = blocks_of(present(d.values.get("binding")));
        if !blocks.is_empty() {
            return blocks.to_vec();
        }
        if let Some(doc) = text(present(d.values.get("policy_data"))).and_then(|j| document(a, j)) {
            return json_bindings(&doc);
        }
        return Vec::new();
    }
    match text(r.get("policy_data")) {
        Some(n) if !n.is_unknown() => document(a, n)
            .map(|d| json_bindings(&d))
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// `{"bindings": [{"role", "members", "condition"}]}` as rendered JSON.
fn json_bindings(doc: &Node) -> Vec<Node> {
    blocks_of(present(doc.get("bindings"))).to_vec()
}
