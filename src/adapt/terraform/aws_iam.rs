//! AWS IAM in Terraform: roles (trust policy, `managed_policy_arns`,
//! `inline_policy` blocks), inline and standalone policies, the attachment
//! resources that tie them to roles, users and groups, IAM Identity Center
//! permission sets' inline and AWS managed policies, and
//! `data "aws_iam_policy_document"` (a policy whose document refers to one
//! gets that data source's statements, with its spans).

use super::res::{blocks_of, present, text};
use super::{Adapter, Res};
use crate::adapt::{iam, json_text};
use crate::model::collections::{append, Head, Role};
use crate::model::map_of;
use crate::parse::{Map, Node, Value};
use crate::terraform::Resource;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_iam_role" => role(a, r),
        "aws_iam_role_policy" => inline(a, r, ("role", "aws_iam_role"), "policy"),
        "aws_iam_user_policy" => inline(a, r, ("user", "aws_iam_user"), "policy"),
        "aws_iam_group_policy" => inline(a, r, ("group", "aws_iam_group"), "policy"),
        "aws_iam_policy" => {
            let statements = statements_of(a, r, "policy");
            a.model.add(iam::policy(
                r.head(),
                "identity",
                "inline",
                Vec::new(),
                statements,
            ))
        }
        "aws_iam_role_policy_attachment" => attachment(a, r, &[("role", "aws_iam_role")]),
        "aws_iam_user_policy_attachment" => attachment(a, r, &[("user", "aws_iam_user")]),
        "aws_iam_group_policy_attachment" => attachment(a, r, &[("group", "aws_iam_group")]),
        "aws_iam_policy_attachment" => attachment(
            a,
            r,
            &[
                ("roles", "aws_iam_role"),
                ("users", "aws_iam_user"),
                ("groups", "aws_iam_group"),
            ],
        ),
        // IAM Identity Center: a permission set's policies are identity
        // policies of the roles it creates in every account it is assigned
        // to, so the identity-policy rules read them as a role's.
        "aws_ssoadmin_permission_set_inline_policy" => inline(
            a,
            r,
            ("permission_set_arn", "aws_ssoadmin_permission_set"),
            "inline_policy",
        ),
        "aws_ssoadmin_managed_policy_attachment" => {
            let owner = a
                .link_arg(r, "permission_set_arn", &["aws_ssoadmin_permission_set"])
                .and_then(|n| n.as_str().map(str::to_string))
                .unwrap_or_else(|| r.id.to_string());
            if let Some(arn) = r.get("managed_policy_arn") {
                attach_managed(a, r.id, &owner, arn);
            }
        }
        _ => {}
    }
}

/// A policy document written as JSON text (heredoc, `jsonencode`, a plan's
/// string) or already as an object. The evaluator's structured form comes
/// first (spans inside the document, unknown parts as unknowns); else a
/// string whose span is exactly its text (a literal without escapes) keeps
/// inner spans, and any other string gives every node the string's span.
/// Unknowns written in the model's form (`{"unknown": true}`, as
/// `jsonencode` writes them) are read back as unknowns.
pub(crate) fn document(a: &Adapter<'_, '_>, n: &Node) -> Option<Node> {
    parse_document(a, n).ok()
}

/// [`document`], with the parse error of a string that is not JSON.
fn parse_document(a: &Adapter<'_, '_>, n: &Node) -> Result<Node, String> {
    if let Some(doc) = a.unit.documents.get(n) {
        return Ok(doc.clone());
    }
    match &n.value {
        Value::String(s) => json_text::parse(n, s),
        Value::Map(_) | Value::Unknown(_) => Ok(n.clone()),
        _ => Err("not a JSON document".into()),
    }
}

/// The statements of the policy document in argument `arg`: those of the
/// `aws_iam_policy_document` it refers to, else its own JSON. An unknown
/// document stays unknown (rules treat it as unknowable, not empty), and so
/// does one that is not valid JSON, with a note at the string.
pub(crate) fn statements_of(a: &mut Adapter<'_, '_>, r: &Res<'_>, arg: &str) -> Node {
    let v = r.get(arg);
    if let Some(doc) = linked_document(a, r.r, arg, 0) {
        return doc;
    }
    match v {
        Some(v) => statements_in(a, r.id, v),
        None => Node::seq(Vec::new(), r.span),
    }
}

/// The statements of policy document `v` of resource `id`.
fn statements_in(a: &mut Adapter<'_, '_>, id: &str, v: &Node) -> Node {
    match parse_document(a, v) {
        Ok(d) if d.is_unknown() => d,
        Ok(d) => iam::statements(&d),
        Err(e) if v.as_str().is_some() => {
            a.model.notes.push((
                format!("{id}: the policy is not valid JSON, so it is not checked ({e})"),
                v.span,
            ));
            Node::unknown("the policy is not valid JSON", v.span)
        }
        Err(_) => Node::seq(Vec::new(), v.span),
    }
}

/// Statements of the policy document data source that `arg` refers to.
fn linked_document(a: &Adapter<'_, '_>, r: &Resource, arg: &str, depth: usize) -> Option<Node> {
    let addr = r.refs.get(arg)?.iter().find_map(|t| {
        let addr = a.resolve(t, &["aws_iam_policy_document"])?;
        a.unit.resources.iter().find(|x| x.address == addr)
    })?;
    Some(policy_document(a, addr, depth + 1))
}

/// `data "aws_iam_policy_document"` as model statements: its `statement`
/// blocks, after those of its `source_policy_documents`.
fn policy_document(a: &Adapter<'_, '_>, d: &Resource, depth: usize) -> Node {
    let mut out = Vec::new();
    if depth < 8 {
        if let Some(Node {
            value: Value::Seq(s),
            ..
        }) = linked_document(a, d, "source_policy_documents", depth)
        {
            out.extend(s);
        }
    }
    let blocks = blocks_of(present(d.values.get("statement")));
    if blocks.is_empty() {
        // A plan's data source may only have its rendered `json`.
        if let Some(doc) = present(d.values.get("json")).and_then(|j| document(a, j)) {
            if let Some(s) = iam::statements(&doc).as_seq() {
                out.extend(s.iter().cloned());
            }
        }
    }
    out.extend(blocks.iter().map(document_statement));
    Node::seq(out, d.span)
}

/// One `statement` block in the model's shape.
fn document_statement(b: &Node) -> Node {
    let mut out: Vec<(&str, Node)> = Vec::new();
    let get = |k: &str| text(present(b.get(k)));
    if let Some(v) = get("sid") {
        out.push(("sid", v.clone()));
    }
    // `effect` defaults to Allow.
    out.push((
        "effect",
        get("effect")
            .cloned()
            .unwrap_or_else(|| Node::string("Allow", b.span)),
    ));
    for (key, name) in [
        ("actions", "action"),
        ("not_actions", "not_action"),
        ("resources", "resource"),
        ("not_resources", "not_resource"),
    ] {
        if let Some(v) = get(key) {
            out.push((name, iam::as_array(v)));
        }
    }
    for (key, name) in [
        ("principals", "principal"),
        ("not_principals", "not_principal"),
    ] {
        let blocks = blocks_of(present(b.get(key)));
        if blocks.is_empty() {
            continue;
        }
        let mut m = Map::default();
        for p in blocks {
            let Some(t) = p.get("type").and_then(Node::as_str) else {
                continue;
            };
            let kind = if t == "*" { "AWS" } else { t };
            let ids = p.get("identifiers").map(iam::as_array);
            let ids = ids
                .and_then(|n| n.as_seq().map(<[Node]>::to_vec))
                .unwrap_or_default();
            let key_span = p.get("type").map_or(p.span, |n| n.span);
            match m.get_mut(kind).map(|n| &mut n.value) {
                Some(Value::Seq(list)) => list.extend(ids),
                _ => m.insert(kind, key_span, Node::seq(ids, p.span)),
            }
        }
        let span = blocks.first().map_or(b.span, |p| p.span);
        out.push((name, Node::map(m, span)));
    }
    let conditions = blocks_of(present(b.get("condition")));
    if !conditions.is_empty() {
        let mut ops = Map::default();
        for c in conditions {
            let (Some(test), Some(var)) = (
                c.get("test").and_then(Node::as_str),
                c.get("variable").and_then(Node::as_str),
            ) else {
                continue;
            };
            let values = c
                .get("values")
                .map_or_else(|| Node::seq(Vec::new(), c.span), iam::as_array);
            let var_span = c.get("variable").map_or(c.span, |n| n.span);
            match ops.get_mut(test).and_then(Node::as_map_mut) {
                Some(keys) => keys.insert(var, var_span, values),
                None => {
                    let mut keys = Map::default();
                    keys.insert(var, var_span, values);
                    let test_span = c.get("test").map_or(c.span, |n| n.span);
                    ops.insert(test, test_span, Node::map(keys, c.span));
                }
            }
        }
        let span = conditions.first().map_or(b.span, |c| c.span);
        out.push(("condition", Node::map(ops, span)));
    }
    map_of(out, b.span)
}

fn role(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut role = Role::new(r.head());
    if let Some(doc) = r.get("assume_role_policy") {
        let statements = statements_of(a, r, "assume_role_policy");
        role.assume_role_policy = Some(map_of(vec![("statements", statements)], doc.span));
    }
    let arns = r.get("managed_policy_arns");
    role.managed_policy_arns = arns.map(iam::as_array);
    role.permissions_boundary = text(r.get("permissions_boundary")).cloned();
    a.model.add(role);
    for (i, p) in r.blocks("inline_policy").iter().enumerate() {
        let Some(policy) = present(p.get("policy")) else {
            continue;
        };
        let name = p
            .get("name")
            .and_then(Node::as_str)
            .map_or_else(|| i.to_string(), str::to_string);
        let statements = statements_in(a, &format!("{}.inline_policy", r.id), policy);
        a.model.add(iam::policy(
            Head::aws(&format!("{}/Policies/{name}", r.id), "aws_iam_role", p.span),
            "identity",
            "inline",
            vec![Node::string(r.id, r.span)],
            statements,
        ))
    }
    if let Some(list) = arns.and_then(Node::as_seq) {
        for (i, arn) in list.iter().enumerate() {
            let id = format!("{}/ManagedPolicy/{i}", r.id);
            attach_managed(a, &id, r.id, arn);
        }
    }
}

/// `aws_iam_role_policy` and friends: one document (argument `doc`) for
/// one principal (argument `arg`, a resource of type `type_`).
fn inline(a: &mut Adapter<'_, '_>, r: &Res<'_>, (arg, type_): (&str, &str), doc: &str) {
    let attached: Vec<Node> = a.link_arg(r, arg, &[type_]).into_iter().collect();
    let statements = statements_of(a, r, doc);
    a.model.add(iam::policy(
        r.head(),
        "identity",
        "inline",
        attached,
        statements,
    ))
}

/// An attachment: a policy of this unit gains the principals in its
/// `attached_to`; an AWS managed policy becomes a `managed` policy item.
fn attachment(a: &mut Adapter<'_, '_>, r: &Res<'_>, args: &[(&str, &str)]) {
    let mut principals = Vec::new();
    for (arg, type_) in args {
        match r.get(arg) {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => {
                let linked: Vec<&str> =
                    r.r.refs
                        .get(*arg)
                        .into_iter()
                        .flatten()
                        .filter_map(|t| a.resolve(t, &[type_]))
                        .collect();
                for (i, n) in items.iter().enumerate() {
                    let l = a
                        .link(r, "", Some(n), &[type_])
                        .or_else(|| linked.get(i).map(|addr| Node::string(*addr, n.span)));
                    principals.push(l.unwrap_or_else(|| n.clone()));
                }
            }
            Some(_) => principals.extend(a.link_arg(r, arg, &[type_])),
            None => {}
        }
    }
    let Some(arn) = r.get("policy_arn") else {
        return;
    };
    if let Some(p) = a.link(r, "policy_arn", Some(arn), &["aws_iam_policy"]) {
        let id = p.as_str().unwrap_or_default().to_string();
        for who in principals {
            a.appends
                .push(append!(Policy, id.clone(), attached_to, who));
        }
        return;
    }
    for who in principals {
        if let Some(owner) = who.as_str() {
            attach_managed(a, r.id, owner, arn);
        }
    }
}

/// An AWS managed policy ARN attached to `owner`, expanded into what it grants.
fn attach_managed(a: &mut Adapter<'_, '_>, id: &str, owner: &str, arn: &Node) {
    // Two attachments of one policy by one resource (a list of roles) need
    // two ids.
    let id = if a.model.item("policies", id).is_some() {
        format!("{id}/{owner}")
    } else {
        id.to_string()
    };
    if let Some(p) = crate::adapt::managed_policy::attached(&id, "aws_iam_policy", owner, arn) {
        a.model.add(p);
    }
}
