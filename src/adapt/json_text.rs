//! JSON written inside a string value: a Terraform `jsonencode(...)` or JSON
//! heredoc, a `'{"db_password": "..."}'` literal in YAML or JSON, a
//! CloudFormation `Fn::ToJsonString`, a plan's rendered string. Adapters read
//! the structure rather than the text: the statements of a policy, and the
//! keys that name the secrets of a configuration blob.
//!
//! Positions: the Terraform evaluator's structured form keeps the spans of the
//! text that wrote each value ([`Documents`]); a string whose span is exactly
//! its text (a literal without quotes or escapes) keeps inner positions; any
//! other string gives every node its own span.

use crate::parse::{json, Node, Unknown, Value, MAX_DEPTH};
use crate::terraform::Documents;

/// The structured form of string node `n` when it holds a JSON object, list
/// or string: the evaluator's when `docs` has one, else the text parsed. A
/// string that does not start like JSON, or is not valid JSON, has none.
pub(crate) fn structured(n: &Node, docs: Option<&Documents>) -> Option<Node> {
    if let Some(doc) = docs.and_then(|d| d.get(n)) {
        return Some(doc.clone());
    }
    let s = n.as_str()?;
    let t = s.trim();
    let shaped = matches!(
        (t.as_bytes().first(), t.as_bytes().last()),
        (Some(b'{'), Some(b'}')) | (Some(b'['), Some(b']')) | (Some(b'"'), Some(b'"'))
    );
    if !shaped || t.len() < 2 {
        return None;
    }
    parse(n, s).ok()
}

/// String `s` of node `n` parsed as JSON, with the spans described in the
/// module header; unknowns written in the model's form (`{"unknown": true}`,
/// as `jsonencode` writes them) read back as unknowns.
pub(crate) fn parse(n: &Node, s: &str) -> Result<Node, String> {
    let mut doc = json::parse(s, n.span.file).map_err(|e| e.message)?;
    if n.span.end.saturating_sub(n.span.start) as usize == s.len() {
        shift(&mut doc, n.span.start, 0);
    } else {
        doc.respan(n.span);
    }
    read_unknowns(&mut doc);
    Ok(doc)
}

/// Turn `{"unknown": true, "reason": ..., "ref": ..., "attr": ...,
/// "supplied": true}` objects back into unknown values.
fn read_unknowns(doc: &mut Node) {
    let mut stack = vec![(doc, 0usize)];
    while let Some((n, depth)) = stack.pop() {
        if let Some(u) = unknown_form(n) {
            n.value = Value::Unknown(Box::new(u));
            continue;
        }
        if depth > MAX_DEPTH {
            continue;
        }
        match &mut n.value {
            Value::Seq(items) => stack.extend(items.iter_mut().map(|i| (i, depth + 1))),
            Value::Map(m) => stack.extend(m.entries.iter_mut().map(|e| (&mut e.value, depth + 1))),
            _ => {}
        }
    }
}

fn unknown_form(n: &Node) -> Option<Unknown> {
    let m = n.as_map()?;
    if m.get("unknown").and_then(Node::as_bool) != Some(true)
        || m.iter()
            .any(|(k, _)| !matches!(k, "unknown" | "reason" | "ref" | "attr" | "supplied"))
    {
        return None;
    }
    let s = |k: &str| m.get(k).and_then(Node::as_str).map(str::to_string);
    Some(Unknown {
        reason: s("reason").unwrap_or_default(),
        reference: s("ref"),
        attribute: s("attr"),
        supplied: m.get("supplied").and_then(Node::as_bool) == Some(true),
    })
}

/// Move every span of a tree parsed from a literal to the literal's place.
fn shift(n: &mut Node, by: u32, depth: usize) {
    let move_span = |s: &mut crate::source::Span| {
        s.start = s.start.saturating_add(by);
        s.end = s.end.saturating_add(by);
    };
    move_span(&mut n.span);
    if depth > MAX_DEPTH {
        return;
    }
    match &mut n.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| shift(i, by, depth + 1)),
        Value::Map(m) => m.entries.iter_mut().for_each(|e| {
            move_span(&mut e.key_span);
            shift(&mut e.value, by, depth + 1);
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn at(a: usize, b: usize) -> Span {
        Span::new(FileId(0), a, b)
    }

    #[test]
    fn objects_lists_and_strings_have_a_structure_other_text_none() {
        for text in [r#"{"a": 1}"#, r#" [1, 2] "#, r#""hunter2""#] {
            assert!(
                structured(&Node::string(text, at(0, 40)), None).is_some(),
                "{text}"
            );
        }
        for text in ["plain", "{not json}", "{", "12", "[1, 2", "\""] {
            assert!(
                structured(&Node::string(text, at(0, 40)), None).is_none(),
                "{text}"
            );
        }
        assert!(structured(&Node::number(1, at(0, 1)), None).is_none());
    }

    #[test]
    fn a_literal_keeps_inner_positions_a_quoted_string_its_own() {
        let text = r#"{"db_password":"x"}"#;
        let exact = structured(&Node::string(text, at(10, 10 + text.len())), None).unwrap();
        let v = exact.get("db_password").unwrap();
        assert_eq!((v.span.start, v.span.end), (25, 28));
        let quoted = structured(&Node::string(text, at(10, 12 + text.len())), None).unwrap();
        let v = quoted.get("db_password").unwrap();
        assert_eq!((v.span.start, v.span.end), (10, 31));
    }

    #[test]
    fn unknowns_in_the_model_form_are_read_back() {
        let text = r#"{"p":{"unknown":true,"reason":"var","supplied":true},"q":"x"}"#;
        let doc = structured(&Node::string(text, at(0, 1)), None).unwrap();
        assert!(doc.get("p").unwrap().is_unknown());
        assert!(doc.get("p").unwrap().is_supplied());
        assert_eq!(doc.get("q").and_then(Node::as_str), Some("x"));
    }
}
