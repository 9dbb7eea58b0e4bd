//! IAM policy documents in the model's shape: statements with snake_case keys,
//! list fields always arrays, principals always objects. Shared by every
//! adapter, since CloudFormation, Terraform and serverless.yml all embed the
//! same AWS policy language.

use crate::model::map_of;
use crate::parse::{json, Map, Node, Value};
use crate::source::Span;

/// The statements of a policy document (`{"Version", "Statement": [...]}`),
/// which may also be a JSON string (Terraform heredocs, `jsonencode` output).
pub fn statements(document: &Node) -> Node {
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
    respan(&mut node, span);
    Some(node)
}

/// Give every node of a tree one span (a document parsed out of a string
/// value: its inner positions are not the file's).
pub(crate) fn respan(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| respan(n, span)),
        Value::Map(m) => m.entries.iter_mut().for_each(|e| {
            e.key_span = span;
            respan(&mut e.value, span);
        }),
        _ => {}
    }
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
