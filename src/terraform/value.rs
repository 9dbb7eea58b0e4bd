//! Value helpers for the evaluator: Terraform's conversions (number ↔ string,
//! bool ↔ string), equality that ignores spans, numbers that stay integers
//! when they can, and the bounds (string size, depth, node count) that keep a
//! hostile module from exhausting memory or the stack.

use crate::parse::{Map, Node, Unknown, Value, MAX_DEPTH};
use crate::source::Span;

/// Largest string the evaluator builds; longer results become unknown.
pub(crate) const MAX_STRING: usize = 1 << 20;

/// An unknown that keeps the reference of the unknown it came from, so
/// `"${aws_s3_bucket.b.arn}/*"` still names the bucket.
pub(crate) fn derived_unknown(from: &Node, span: Span) -> Node {
    match &from.value {
        Value::Unknown(u) => Node::new(Value::Unknown(u.clone()), span),
        _ => Node::unknown("depends on an unknown value", span),
    }
}

pub(crate) fn unknown_ref(
    reason: String,
    reference: String,
    attr: Option<String>,
    span: Span,
) -> Node {
    Node::new(
        Value::Unknown(Box::new(Unknown {
            reason,
            reference: Some(reference),
            attribute: attr,
            supplied: false,
        })),
        span,
    )
}

/// A number node; integral values stay integers (`10 / 2` is `5`, not `5.0`).
pub(crate) fn num(f: f64, span: Span) -> Node {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 {
        // In range and integral: the cast is exact.
        #[allow(clippy::cast_possible_truncation)]
        return Node::number(f as i64, span);
    }
    match serde_json::Number::from_f64(f) {
        Some(n) => Node::new(Value::Number(n), span),
        None => Node::unknown("the result is not a finite number", span),
    }
}

/// A string node, or an unknown when it is too long.
pub(crate) fn string(s: String, span: Span) -> Node {
    if s.len() > MAX_STRING {
        Node::unknown("string longer than 1 MiB", span)
    } else {
        Node::string(s, span)
    }
}

/// Terraform's automatic conversion to a number (`"30"` is 30).
pub(crate) fn as_number(n: &Node) -> Option<f64> {
    match &n.value {
        Value::Number(x) => x.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

/// Terraform's automatic conversion to a bool (`"true"` is true).
pub(crate) fn as_bool(n: &Node) -> Option<bool> {
    match &n.value {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// Terraform's automatic conversion to a string (numbers and bools only).
pub(crate) fn as_string(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.as_str().to_owned()),
        Value::Number(x) => Some(x.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Equality of values, ignoring spans; `None` when an unknown is involved.
/// Numbers compare by value, and a number equals nothing but a number.
pub(crate) fn equal(a: &Node, b: &Node) -> Option<bool> {
    // Iterative over pairs: values can be deep.
    let mut stack = vec![(a, b)];
    let mut unknown = false;
    while let Some((a, b)) = stack.pop() {
        match (&a.value, &b.value) {
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => unknown = true,
            (Value::Null, Value::Null) => {}
            (Value::Bool(x), Value::Bool(y)) if x == y => {}
            (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => {}
            (Value::String(x), Value::String(y)) if x == y => {}
            (Value::Seq(x), Value::Seq(y)) if x.len() == y.len() => {
                stack.extend(x.iter().zip(y.iter()));
            }
            (Value::Map(x), Value::Map(y)) if x.len() == y.len() => {
                for e in &x.entries {
                    match y.get(&e.key) {
                        Some(v) => stack.push((&e.value, v)),
                        None => return Some(false),
                    }
                }
            }
            _ => return Some(false),
        }
    }
    if unknown {
        None
    } else {
        Some(true)
    }
}

/// Nodes in a value, counting at most to `limit` and reporting whether the
/// value nests deeper than [`MAX_DEPTH`] (such values are replaced by
/// unknowns before they are stored, so consumers never recurse too deep).
pub(crate) fn measure(n: &Node, limit: usize) -> (usize, bool) {
    let mut count = 0usize;
    let mut stack = vec![(n, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        count += 1;
        if depth > MAX_DEPTH {
            return (count, true);
        }
        if count > limit {
            return (count, false);
        }
        match &n.value {
            Value::Seq(items) => stack.extend(items.iter().map(|i| (i, depth + 1))),
            Value::Map(m) => stack.extend(m.entries.iter().map(|e| (&e.value, depth + 1))),
            _ => {}
        }
    }
    (count, false)
}

/// The JSON text of a value (`jsonencode`). Unknown parts are written in the
/// model's own unknown form (`{"unknown": true, "reason": ..., "ref": ...}`),
/// so a policy built with `jsonencode` keeps its known statements readable.
pub(crate) fn to_json_text(n: &Node) -> String {
    n.to_json().to_string()
}

/// Builds a map in linear time: [`Map::insert`] scans for an existing key,
/// which is quadratic for an object literal with many keys.
#[derive(Default)]
pub(crate) struct MapBuilder {
    map: Map,
    index: std::collections::HashMap<String, usize>,
}

impl MapBuilder {
    /// Insert or replace (keeping the position of an existing key).
    pub fn insert(&mut self, key: String, key_span: Span, value: Node) {
        match self
            .index
            .get(&key)
            .and_then(|&i| self.map.entries.get_mut(i))
        {
            Some(e) => {
                e.key_span = key_span;
                e.value = value;
            }
            None => {
                self.index.insert(key.clone(), self.map.entries.len());
                self.map.entries.push(crate::parse::Entry {
                    key: key.into(),
                    key_span,
                    value,
                });
            }
        }
    }

    pub fn finish(self) -> Map {
        self.map
    }
}

/// A map node from entries that share the span of the whole.
pub(crate) fn map_of(entries: Vec<(String, Node)>, span: Span) -> Node {
    let mut m = MapBuilder::default();
    for (k, v) in entries {
        m.insert(k, span, v);
    }
    Node::map(m.finish(), span)
}

/// Keys of a map in Terraform's order (lexical).
pub(crate) fn sorted_entries(m: &Map) -> Vec<(&str, &Node, Span)> {
    let mut v: Vec<(&str, &Node, Span)> = m
        .entries
        .iter()
        .map(|e| (e.key.as_str(), &e.value, e.key_span))
        .collect();
    v.sort_by(|a, b| a.0.cmp(b.0));
    // Later duplicates win, as in `Map::get`.
    v.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            *earlier = *later;
            true
        } else {
            false
        }
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn sp(a: usize, b: usize) -> Span {
        Span::new(FileId(0), a, b)
    }

    #[test]
    fn integral_numbers_stay_integers() {
        assert_eq!(num(5.0, sp(0, 1)).to_json(), serde_json::json!(5));
        assert_eq!(num(2.5, sp(0, 1)).to_json(), serde_json::json!(2.5));
        assert!(num(f64::NAN, sp(0, 1)).is_unknown());
    }

    #[test]
    fn equality_ignores_spans_and_types_matter() {
        let a = Node::seq(vec![Node::number(1, sp(0, 1))], sp(0, 3));
        let b = Node::seq(vec![Node::number(1, sp(5, 6))], sp(5, 8));
        assert_eq!(equal(&a, &b), Some(true));
        assert_eq!(
            equal(&Node::number(1, sp(0, 1)), &Node::string("1", sp(0, 1))),
            Some(false)
        );
        assert_eq!(
            equal(&Node::unknown("x", sp(0, 1)), &Node::null(sp(0, 1))),
            None
        );
    }

    #[test]
    fn measure_stops_at_the_limit_and_flags_depth() {
        let mut n = Node::null(sp(0, 0));
        for _ in 0..(MAX_DEPTH + 5) {
            n = Node::seq(vec![n], sp(0, 0));
        }
        assert!(measure(&n, usize::MAX).1);
        let wide = Node::seq(vec![Node::null(sp(0, 0)); 100], sp(0, 0));
        assert_eq!(measure(&wide, 10), (11, false));
        assert_eq!(measure(&wide, 1000), (101, false));
    }

    #[test]
    fn sorted_entries_keep_the_last_duplicate() {
        let mut m = Map::default();
        m.entries.push(crate::parse::Entry {
            key: "b".into(),
            key_span: sp(0, 1),
            value: Node::number(1, sp(0, 1)),
        });
        m.entries.push(crate::parse::Entry {
            key: "a".into(),
            key_span: sp(0, 1),
            value: Node::number(2, sp(0, 1)),
        });
        m.entries.push(crate::parse::Entry {
            key: "b".into(),
            key_span: sp(0, 1),
            value: Node::number(3, sp(0, 1)),
        });
        let keys: Vec<_> = sorted_entries(&m)
            .iter()
            .map(|(k, v, _)| (*k, v.to_json()))
            .collect();
        assert_eq!(
            keys,
            [("a", serde_json::json!(2)), ("b", serde_json::json!(3))]
        );
    }
}
