//! `Fn::ForEach` of the `AWS::LanguageExtensions` transform, expanded before
//! anything else reads the template, so the resources (conditions, outputs)
//! a loop generates are adapted and checked like written ones.
//!
//! `Fn::ForEach::<Loop>: [Identifier, Collection, {OutputKey: OutputValue}]`
//! repeats its body once per collection item: `${Identifier}` in a key
//! becomes the item, `&{Identifier}` the item without its non-alphanumeric
//! characters; in values, `Ref: Identifier` becomes the item and
//! `Fn::Sub` strings get the same substitutions. Loops nest (the transform
//! allows five levels).
//!
//! Every generated key and value keeps the span of the loop body it came
//! from, so a finding on a generated resource points into the body. A
//! collection is a literal list, a `Ref` to a list parameter's default, or
//! another intrinsic resolved as elsewhere (`Fn::Split`, `Fn::FindInMap`). A
//! collection that cannot be known statically (a parameter without a
//! default, an import) generates nothing here: a note says that the loop's
//! resources are not checked, rather than checking a guess.

use super::intrinsics::Context;
use crate::parse::{Entry, Map, Node, Value};
use crate::source::Span;

/// The prefix of a loop key.
const PREFIX: &str = "Fn::ForEach::";

/// The template sections a loop may sit in (the transform allows these).
const SECTIONS: &[&str] = &["Conditions", "Resources", "Outputs"];

/// Nesting the transform allows.
const MAX_NESTING: usize = 5;

/// Most entries the loops of one template may generate: a bound on memory
/// for hostile input, far above what CloudFormation deploys (500 resources).
const MAX_GENERATED: usize = 10_000;

/// The template with every `Fn::ForEach` expanded, and notes on loops that
/// could not be (where they are written). `None` when there is no loop.
pub(crate) fn expand(doc: &Node) -> Option<(Node, Vec<(String, Span)>)> {
    let top = doc.as_map()?;
    let has_loop = SECTIONS.iter().any(|s| {
        top.get(s)
            .and_then(Node::as_map)
            .is_some_and(|m| m.entries.iter().any(|e| e.key.starts_with(PREFIX)))
    });
    if !has_loop {
        return None;
    }
    // Collections written with other intrinsics (`Fn::Split`, `Fn::FindInMap`)
    // resolve against parameter defaults and mappings, as elsewhere.
    let parameters = top.get("Parameters").and_then(Node::as_map);
    let entries = parameters.map_or(&[][..], |p| &p.entries[..]);
    let list_defaults: Vec<Option<Node>> = entries
        .iter()
        .map(|e| super::list_default(&e.value))
        .collect();
    let mut ctx = Context {
        mappings: top.get("Mappings"),
        ..Context::default()
    };
    for (e, list) in entries.iter().zip(&list_defaults) {
        let default = list.as_ref().or_else(|| e.value.get("Default"));
        ctx.parameters.insert(e.key.as_str().to_owned(), default);
    }
    let mut x = Expander {
        parameters,
        ctx: &ctx,
        notes: Vec::new(),
        generated: 0,
    };
    let mut out = doc.clone();
    if let Some(m) = out.as_map_mut() {
        for e in &mut m.entries {
            if !SECTIONS.contains(&e.key.as_str()) {
                continue;
            }
            if let Some(section) = e.value.as_map() {
                let expanded = x.entries(section, 0);
                e.value = Node::map(expanded, e.value.span);
            }
        }
    }
    Some((out, x.notes))
}

struct Expander<'a> {
    parameters: Option<&'a Map>,
    ctx: &'a Context<'a>,
    notes: Vec<(String, Span)>,
    generated: usize,
}

impl Expander<'_> {
    /// A section (or loop body) with its loops replaced by what they generate.
    fn entries(&mut self, map: &Map, depth: usize) -> Map {
        let mut out = Map::default();
        for e in &map.entries {
            match e.key.strip_prefix(PREFIX) {
                Some(name) => {
                    let generated = self.expand_loop(name, e, depth);
                    out.entries.extend(generated);
                }
                None => out.entries.push(e.clone()),
            }
        }
        out
    }

    fn expand_loop(&mut self, name: &str, e: &Entry, depth: usize) -> Vec<Entry> {
        let unchecked = |why: String| {
            (
                format!("{}{name}: {why}; what it generates is not checked", PREFIX),
                e.key_span,
            )
        };
        if depth >= MAX_NESTING {
            self.notes.push(unchecked(format!(
                "loops nest deeper than {MAX_NESTING} levels"
            )));
            return Vec::new();
        }
        let parts = e.value.as_seq().unwrap_or(&[]);
        let (Some(ident), Some(collection), Some(body), 3) = (
            parts.first().and_then(Node::as_str),
            parts.get(1),
            parts.get(2).and_then(Node::as_map),
            parts.len(),
        ) else {
            self.notes.push(unchecked(
                "expected [Identifier, Collection, {OutputKey: OutputValue}]".to_string(),
            ));
            return Vec::new();
        };
        let items = match self.collection(collection) {
            Ok(items) => items,
            Err(why) => {
                self.notes.push(unchecked(why));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for item in &items {
            let body = substitute_map(body, ident, item);
            for generated in self.entries(&body, depth + 1).entries {
                if self.generated >= MAX_GENERATED {
                    self.notes.push(unchecked(format!(
                        "the template's loops generate more than {MAX_GENERATED} entries"
                    )));
                    return out;
                }
                self.generated += 1;
                out.push(generated);
            }
        }
        out
    }

    /// The items of a loop's collection: a literal list of scalars, or a
    /// `Ref` to a list parameter's default. Anything else is only known at
    /// deploy time (the reason is the error).
    fn collection(&self, n: &Node) -> Result<Vec<String>, String> {
        match &n.value {
            Value::Map(m) if m.len() == 1 && m.entries[0].key == "Ref" => {
                let name = m.entries[0].value.as_str().unwrap_or("");
                let def = self
                    .parameters
                    .and_then(|p| p.get(name))
                    .ok_or_else(|| format!("the collection refers to {name}, not a parameter"))?;
                match def.get("Default").map(|d| &d.value) {
                    Some(Value::String(s)) => Ok(split_list(s)),
                    Some(Value::Seq(items)) => items
                        .iter()
                        .map(|i| scalar(i).ok_or_else(|| format!("parameter {name}'s default is not a list of strings")))
                        .collect(),
                    _ => Err(format!(
                        "the collection is parameter {name}, which has no default: it is only known at deploy time"
                    )),
                }
            }
            _ => match self.ctx.resolve(n).map(|r| r.value) {
                Some(Value::Seq(items)) => items
                    .iter()
                    .map(|i| {
                        scalar(i).ok_or_else(|| {
                            "the collection holds a value only known at deploy time".to_string()
                        })
                    })
                    .collect(),
                _ => Err("the collection is only known at deploy time".to_string()),
            },
        }
    }
}

/// A `CommaDelimitedList` value: items split at commas, each trimmed.
pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(|p| p.trim().to_string()).collect()
}

fn scalar(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.as_str().to_owned()),
        Value::Number(x) => Some(x.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `${ident}` and `&{ident}` replaced in a key or a `Fn::Sub` string.
fn substitute_text(text: &str, ident: &str, item: &str) -> String {
    let alnum: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
    text.replace(&format!("${{{ident}}}"), item)
        .replace(&format!("&{{{ident}}}"), &alnum)
}

fn substitute_map(map: &Map, ident: &str, item: &str) -> Map {
    Map {
        entries: map
            .entries
            .iter()
            .map(|e| Entry {
                key: substitute_text(&e.key, ident, item).into(),
                key_span: e.key_span,
                value: substitute(&e.value, ident, item),
            })
            .collect(),
    }
}

/// One loop body value for one item: `Ref: ident` is the item itself,
/// `Fn::Sub` strings are substituted, keys everywhere too (nested loops and
/// property maps may name the identifier).
fn substitute(n: &Node, ident: &str, item: &str) -> Node {
    match &n.value {
        Value::Map(m) if m.len() == 1 => {
            let e = &m.entries[0];
            match (e.key.as_str(), &e.value.value) {
                ("Ref", Value::String(r)) if r == ident => Node::string(item, n.span),
                ("Fn::Sub", Value::String(s)) => {
                    let mut sub = Map::default();
                    sub.entries.push(Entry {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value: Node::string(substitute_text(s, ident, item), e.value.span),
                    });
                    Node::map(sub, n.span)
                }
                ("Fn::Sub", Value::Seq(parts)) => {
                    let mut parts: Vec<Node> =
                        parts.iter().map(|p| substitute(p, ident, item)).collect();
                    if let Some(first) = parts.first_mut() {
                        if let Value::String(s) = &first.value {
                            first.value = Value::String(substitute_text(s, ident, item).into());
                        }
                    }
                    let mut sub = Map::default();
                    sub.entries.push(Entry {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value: Node::seq(parts, e.value.span),
                    });
                    Node::map(sub, n.span)
                }
                _ => Node::map(substitute_map(m, ident, item), n.span),
            }
        }
        Value::Map(m) => Node::map(substitute_map(m, ident, item), n.span),
        Value::Seq(items) => Node::seq(
            items.iter().map(|i| substitute(i, ident, item)).collect(),
            n.span,
        ),
        _ => n.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;
    use crate::source::FileId;

    fn expanded(text: &str) -> (serde_json::Value, Vec<String>) {
        let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
        let (out, notes) = expand(&doc).expect("has a loop");
        (
            out.get("Resources").unwrap().to_json(),
            notes.into_iter().map(|(n, _)| n).collect(),
        )
    }

    #[test]
    fn literal_collection_and_substitutions() {
        let text = "Resources:\n  Fn::ForEach::Queues:\n    - Name\n    - [Orders, dead-letter]\n    - Queue&{Name}:\n        Type: AWS::SQS::Queue\n        Properties:\n          QueueName: !Sub '${Name}-queue'\n          Tags: [{Key: name, Value: !Ref Name}]\n";
        let (res, notes) = expanded(text);
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            res,
            serde_json::json!({
                "QueueOrders": {"Type": "AWS::SQS::Queue", "Properties": {
                    "QueueName": {"Fn::Sub": "Orders-queue"},
                    "Tags": [{"Key": "name", "Value": "Orders"}]}},
                "Queuedeadletter": {"Type": "AWS::SQS::Queue", "Properties": {
                    "QueueName": {"Fn::Sub": "dead-letter-queue"},
                    "Tags": [{"Key": "name", "Value": "dead-letter"}]}},
            })
        );
    }

    #[test]
    fn spans_point_into_the_loop_body() {
        let text = "Resources:\n  Fn::ForEach::T:\n    - N\n    - [a, b]\n    - Topic${N}:\n        Type: AWS::SNS::Topic\n";
        let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
        let (out, _) = expand(&doc).unwrap();
        let res = out.get("Resources").and_then(Node::as_map).unwrap();
        let keys: Vec<&str> = res.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["Topica", "Topicb"]);
        for e in &res.entries {
            let at = &text[e.key_span.start as usize..e.key_span.end as usize];
            assert_eq!(at, "Topic${N}");
        }
    }

    #[test]
    fn parameter_collections_nesting_and_unknowns() {
        let text = "Parameters:\n  Envs: {Type: CommaDelimitedList, Default: 'dev, prod'}\n  Open: {Type: CommaDelimitedList}\nResources:\n  Fn::ForEach::Outer:\n    - Env\n    - !Ref Envs\n    - Fn::ForEach::Inner:\n        - Size\n        - [S, L]\n        - Bucket${Env}${Size}:\n            Type: AWS::S3::Bucket\n  Fn::ForEach::Later:\n    - X\n    - !Ref Open\n    - Q${X}: {Type: AWS::SQS::Queue}\n  Fn::ForEach::Bad: [X, [a]]\n  Fn::ForEach::Mapped:\n    - M\n    - !FindInMap [Sizes, prod, names]\n    - Topic${M}: {Type: AWS::SNS::Topic}\n  Fn::ForEach::Split:\n    - P\n    - !Split [',', 'x,y']\n    - Topic${P}: {Type: AWS::SNS::Topic}\n  Plain: {Type: AWS::SNS::Topic}\nMappings:\n  Sizes: {prod: {names: [big]}}\n";
        let (res, notes) = expanded(text);
        let keys: Vec<&String> = res.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "BucketdevS",
                "BucketdevL",
                "BucketprodS",
                "BucketprodL",
                "Topicbig",
                "Topicx",
                "Topicy",
                "Plain"
            ]
        );
        assert_eq!(
            notes,
            [
                "Fn::ForEach::Later: the collection is parameter Open, which has no default: it is only known at deploy time; what it generates is not checked",
                "Fn::ForEach::Bad: expected [Identifier, Collection, {OutputKey: OutputValue}]; what it generates is not checked",
            ]
        );
    }

    #[test]
    fn templates_without_loops_are_left_alone() {
        let doc = yaml::parse("Resources:\n  A: {Type: AWS::SNS::Topic}\n", FileId(0))
            .unwrap()
            .remove(0);
        assert!(expand(&doc).is_none());
    }
}
