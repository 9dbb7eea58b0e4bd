//! Reading one resource's values, shaped like plan JSON: attributes are
//! values, nested blocks are arrays of maps, and an attribute a plan leaves
//! unset is `null` (or an empty block list) — all of which read as absent.

use crate::model::collections::Head;
use crate::parse::{Node, Value};
use crate::source::Span;
use crate::terraform::Resource;

/// One resource being adapted.
pub(crate) struct Res<'a> {
    pub r: &'a Resource,
    pub id: &'a str,
    pub type_: &'a str,
    /// The block labels: where findings about missing arguments point.
    pub span: Span,
}

impl<'a> Res<'a> {
    pub fn new(r: &'a Resource) -> Self {
        Res {
            r,
            id: &r.address,
            type_: &r.type_,
            span: r.span,
        }
    }

    /// A top-level argument, absent when null.
    pub fn get(&self, key: &str) -> Option<&'a Node> {
        present(self.r.values.get(key))
    }

    /// Follow nested blocks and attributes: a block list is entered at its
    /// first element (`["tracing_config", "mode"]`).
    pub fn path(&self, path: &[&str]) -> Option<&'a Node> {
        walk(&self.r.values, path)
    }

    /// Every element of a block list (`rule`, `statement`).
    pub fn blocks(&self, key: &str) -> &'a [Node] {
        blocks_of(self.get(key))
    }

    /// The head of a typed item built from this resource.
    pub fn head(&self) -> Head {
        Head::new(
            self.id,
            self.id,
            self.type_,
            super::cloud_of(self.type_),
            self.span,
        )
    }
}

/// `None` for null, for empty block lists and for a missing node.
pub(crate) fn present(n: Option<&Node>) -> Option<&Node> {
    match n {
        Some(Node {
            value: Value::Null, ..
        }) => None,
        Some(Node {
            value: Value::Seq(items),
            ..
        }) if items.is_empty() => None,
        other => other,
    }
}

/// [`Res::path`] from any node. Whatever lies under an unknown is unknown:
/// a `dynamic` block whose `for_each` is unknown may exist, so the walk
/// yields that unknown rather than "absent" (rules stay silent on it).
pub(crate) fn walk<'a>(mut n: &'a Node, path: &[&str]) -> Option<&'a Node> {
    for key in path {
        if n.is_unknown() {
            return Some(n);
        }
        n = first(n)?;
        if n.is_unknown() {
            return Some(n);
        }
        n = present(n.get(key))?;
    }
    present(Some(n))
}

/// A block list's first element (a map stays itself).
pub(crate) fn first(n: &Node) -> Option<&Node> {
    match &n.value {
        Value::Seq(items) => items.first(),
        _ => Some(n),
    }
}

/// The elements of a block list (a single map counts as one).
pub(crate) fn blocks_of(n: Option<&Node>) -> &[Node] {
    match n {
        Some(Node {
            value: Value::Seq(items),
            ..
        }) => items,
        Some(
            n @ Node {
                value: Value::Map(_),
                ..
            },
        ) => std::slice::from_ref(n),
        _ => &[],
    }
}

/// Numbers from numbers or numeric strings; anything else as it is.
pub(crate) fn num(n: Option<&Node>) -> Option<Node> {
    let n = n?;
    match (&n.value, n.as_f64()) {
        (Value::String(_), Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            Some(Node::number(f as i64, n.span))
        }
        _ => Some(n.clone()),
    }
}

/// Booleans from booleans or `"true"`/`"false"` strings.
pub(crate) fn boolean(n: Option<&Node>) -> Option<Node> {
    let n = n?;
    Some(match n.as_bool() {
        Some(b) => Node::bool(b, n.span),
        None => n.clone(),
    })
}

/// A non-empty string (a plan writes `""` for many unset strings), or an unknown.
pub(crate) fn text(n: Option<&Node>) -> Option<&Node> {
    n.filter(|n| !matches!(&n.value, Value::String(s) if s.is_empty()))
}

/// A duration (`"300s"`, `"1.5s"`) or a number as whole seconds.
pub(crate) fn seconds(n: Option<&Node>) -> Option<Node> {
    let n = n?;
    match &n.value {
        Value::String(s) => {
            let v = s.trim().strip_suffix('s').unwrap_or(s.trim());
            match v.parse::<f64>() {
                Ok(f) if f.is_finite() && f.abs() < 9.0e15 => {
                    Some(Node::number(f.ceil() as i64, n.span))
                }
                _ => Some(n.clone()),
            }
        }
        _ => Some(n.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::json;
    use crate::source::FileId;

    #[test]
    fn paths_enter_blocks_and_skip_unset_values() {
        let v = json::parse(
            r#"{"tracing_config": [{"mode": "Active"}], "dead_letter_config": [], "kms_key_arn": null}"#,
            FileId(0),
        )
        .unwrap();
        assert_eq!(
            walk(&v, &["tracing_config", "mode"]).and_then(Node::as_str),
            Some("Active")
        );
        assert!(walk(&v, &["dead_letter_config"]).is_none());
        assert!(walk(&v, &["dead_letter_config", "target_arn"]).is_none());
        assert!(walk(&v, &["kms_key_arn"]).is_none());
    }

    #[test]
    fn durations_and_numbers() {
        let sp = Span::default();
        let s = |t: &str| seconds(Some(&Node::string(t, sp))).unwrap().to_json();
        assert_eq!(s("300s"), serde_json::json!(300));
        assert_eq!(s("1.5s"), serde_json::json!(2));
        assert_eq!(s("soon"), serde_json::json!("soon"));
        assert_eq!(
            num(Some(&Node::string("30", sp))).unwrap().to_json(),
            serde_json::json!(30)
        );
    }
}
