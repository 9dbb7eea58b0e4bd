//! IAM policy documents in the model's shape: statements with snake_case keys,
//! list fields always arrays, principals always objects. Shared by every
//! adapter, since CloudFormation, Terraform and serverless.yml all embed the
//! same AWS policy language.

use crate::model::collections::{Head, Policy};
use crate::model::map_of;
use crate::parse::{json, Map, Node, Value};
use crate::source::Span;

/// A policy item: `kind` (`identity`, `resource`), `origin` (`inline`,
/// `lambda_permission`, ...), the ids it is `attached_to` and its
/// statements, all spanned at the head. A resource policy also sets
/// `target_type`; a managed one comes from [`crate::adapt::managed_policy::attached`].
pub(crate) fn policy(
    head: Head,
    kind: &str,
    origin: &str,
    attached_to: Vec<Node>,
    statements: Node,
) -> Policy {
    let span = head.span;
    let mut p = Policy::new(head);
    p.kind = Some(Node::string(kind, span));
    p.origin = Some(Node::string(origin, span));
    p.attached_to = Some(Node::seq(attached_to, span));
    p.statements = Some(statements);
    p
}

/// A resource policy item (`kind: resource`) protecting `targets`, of
/// `target_type` (`s3`, `sqs`, `kms`, `lambda`, ...).
pub(crate) fn resource_policy(
    head: Head,
    origin: &str,
    targets: Vec<Node>,
    target_type: &str,
    statements: Node,
) -> Policy {
    let span = head.span;
    let mut p = policy(head, "resource", origin, targets, statements);
    p.target_type = Some(Node::string(target_type, span));
    p
}

/// The arguments of a Lambda permission (`AWS::Lambda::Permission`,
/// `aws_lambda_permission`), each as the source writes it.
#[derive(Default)]
pub(crate) struct Permission<'a> {
    pub action: Option<&'a Node>,
    pub principal: Option<&'a Node>,
    pub source_arn: Option<&'a Node>,
    pub source_account: Option<&'a Node>,
    pub principal_org_id: Option<&'a Node>,
    pub function_url_auth_type: Option<&'a Node>,
    pub event_source_token: Option<&'a Node>,
}

impl Permission<'_> {
    /// The one statement the permission adds to the function's resource
    /// policy: its principal (a service name as `Service`), and the
    /// arguments that narrow it as the IAM conditions Lambda writes
    /// (`SourceArn` → `ArnLike aws:SourceArn`); two under one operator
    /// merge into one object.
    pub(crate) fn statement(&self, span: Span) -> Node {
        let mut stmt: Vec<(&str, Node)> = vec![("effect", Node::string("Allow", span))];
        if let Some(action) = self.action {
            stmt.push(("action", as_array(action)));
        }
        if let Some(p) = self.principal {
            let principal = match p.as_str() {
                Some(s) if is_service(s) => map_of(vec![("Service", as_array(p))], p.span),
                _ => principal(p),
            };
            stmt.push(("principal", principal));
        }
        let mut merged = Map::default();
        for (v, op, key) in [
            (self.source_arn, "ArnLike", "aws:SourceArn"),
            (self.source_account, "StringEquals", "aws:SourceAccount"),
            (self.principal_org_id, "StringEquals", "aws:PrincipalOrgID"),
            (
                self.function_url_auth_type,
                "StringEquals",
                "lambda:FunctionUrlAuthType",
            ),
            (
                self.event_source_token,
                "StringEquals",
                "lambda:EventSourceToken",
            ),
        ] {
            let Some(v) = v else { continue };
            let entry = map_of(vec![(key, as_array(v))], v.span);
            match merged.get_mut(op).and_then(Node::as_map_mut) {
                Some(existing) => {
                    if let Some(m) = entry.as_map() {
                        existing.entries.extend(m.entries.iter().cloned());
                    }
                }
                None => merged.insert(op, v.span, entry),
            }
        }
        if !merged.is_empty() {
            stmt.push(("condition", Node::map(merged, span)));
        }
        Node::seq(vec![map_of(stmt, span)], span)
    }

    /// The principal, when it is a service that invokes asynchronously
    /// (the function it may invoke is then `async_invoked`).
    pub(crate) fn async_principal(&self) -> Option<&Node> {
        self.principal.filter(|p| {
            p.as_str()
                .is_some_and(|s| crate::adapt::ASYNC_SERVICES.contains(&s))
        })
    }
}

/// `s3.amazonaws.com`, `lambda.amazonaws.com.cn`: a service principal.
fn is_service(s: &str) -> bool {
    s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn")
}

/// The statements of a policy document (`{"Version", "Statement": [...]}`),
/// which may also be a JSON string (Terraform heredocs, `jsonencode` output).
/// A document only known at deploy time (`!Ref` of a parameter, a `!Sub`
/// with one in it) stays unknown: an empty list would say it grants nothing.
pub fn statements(document: &Node) -> Node {
    if document.is_unknown() {
        return document.clone();
    }
    let doc = match &document.value {
        Value::String(s) => match parse_embedded(s, document.span) {
            Some(n) => n,
            None => return Node::seq(Vec::new(), document.span),
        },
        _ => document.clone(),
    };
    let stmts = match doc.get("Statement") {
        Some(s) => s.clone(),
        None if doc.get("Effect").is_some() => doc.clone(),
        None => return Node::seq(Vec::new(), doc.span),
    };
    let list = match &stmts.value {
        Value::Seq(items) => items.clone(),
        Value::Map(_) => vec![stmts.clone()],
        _ => Vec::new(),
    };
    Node::seq(list.iter().map(statement).collect(), stmts.span)
}

/// A policy document given as a JSON string: parsed, with every node given
/// the string's span (its inner positions are not the file's).
fn parse_embedded(text: &str, span: Span) -> Option<Node> {
    let mut node = json::parse(text, span.file).ok()?;
    node.respan(span);
    Some(node)
}

/// One statement in the model's shape.
pub fn statement(s: &Node) -> Node {
    let Some(m) = s.as_map() else {
        return s.clone();
    };
    let mut out: Vec<(&str, Node)> = Vec::new();
    for (key, value) in m.iter() {
        let (name, node) = match key {
            "Sid" => ("sid", value.clone()),
            "Effect" => ("effect", value.clone()),
            "Action" => ("action", as_array(value)),
            "NotAction" => ("not_action", as_array(value)),
            "Resource" => ("resource", as_array(value)),
            "NotResource" => ("not_resource", as_array(value)),
            "Principal" => ("principal", principal(value)),
            "NotPrincipal" => ("not_principal", principal(value)),
            "Condition" => ("condition", condition(value)),
            _ => continue,
        };
        out.push((name, node));
    }
    map_of(out, s.span)
}

/// A value that may be one item or a list, as a list.
pub fn as_array(n: &Node) -> Node {
    match &n.value {
        Value::Seq(_) => n.clone(),
        _ => Node::seq(vec![n.clone()], n.span),
    }
}

/// `"*"` → `{AWS: ["*"]}`; `{Service: "x"}` → `{Service: ["x"]}`.
pub fn principal(n: &Node) -> Node {
    match &n.value {
        Value::String(_) => map_of(vec![("AWS", as_array(n))], n.span),
        Value::Map(m) => {
            let mut out = Map::default();
            for e in &m.entries {
                out.insert(e.key.clone(), e.key_span, as_array(&e.value));
            }
            Node::map(out, n.span)
        }
        _ => n.clone(),
    }
}

/// Condition values as arrays: `{StringEquals: {k: v}}` → `{StringEquals: {k: [v]}}`.
fn condition(n: &Node) -> Node {
    let Some(ops) = n.as_map() else {
        return n.clone();
    };
    let mut out = Map::default();
    for op in &ops.entries {
        let inner = match op.value.as_map() {
            Some(keys) => {
                let mut m = Map::default();
                for k in &keys.entries {
                    m.insert(k.key.clone(), k.key_span, as_array(&k.value));
                }
                Node::map(m, op.value.span)
            }
            None => op.value.clone(),
        };
        out.insert(op.key.clone(), op.key_span, inner);
    }
    Node::map(out, n.span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn normalizes_statements() {
        let doc = json::parse(
            r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                "Principal": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "1"}}}}"#,
            FileId(0),
        )
        .unwrap();
        let s = statements(&doc).to_json();
        assert_eq!(
            s,
            serde_json::json!([{"effect": "Allow", "action": ["s3:*"], "resource": ["*"],
                "principal": {"AWS": ["*"]},
                "condition": {"StringEquals": {"aws:SourceAccount": ["1"]}}}])
        );
    }

    #[test]
    fn reads_documents_embedded_as_strings() {
        let doc = Node::string(
            r#"{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}"#,
            Span::new(FileId(0), 5, 10),
        );
        let s = statements(&doc);
        assert_eq!(s.as_seq().unwrap().len(), 1);
        assert_eq!(s.get_path(&[]).unwrap().span.start, 5);
    }
}
