//! The `resources:` section is CloudFormation: it is gathered into one
//! template (it may be a list of partial sections), the resources the
//! Framework generates are added as type-only stubs so references to them
//! (`!GetAtt HelloLambdaFunction.Arn`) link, and the CloudFormation adapter
//! runs on it. The stubs' items are taken out again: the serverless adapter
//! builds those from the service itself, keeping what the template said
//! about them (an S3 notification making a function asynchronous, ...).
//!
//! Properties written for a generated resource (`extensions:`, or a
//! `Resources:` entry with a generated logical id) are overrides, applied
//! by the serverless adapter.

use std::collections::BTreeMap;

use crate::adapt::cloudformation;
use crate::adapt::secrets;
use crate::model::{item_id, Model, COLLECTIONS};
use crate::parse::{Entry, Map, Node, Value};
use crate::source::{FileId, Span};

/// A resource the Framework generates: (logical id, type, span to blame).
pub(crate) type Generated = (String, &'static str, Span);

/// The gathered `resources:` section.
#[derive(Default)]
pub(crate) struct Section {
    resources: Map,
    conditions: Map,
    mappings: Map,
    outputs: Map,
    /// Generated logical id → properties written for it.
    pub overrides: BTreeMap<String, Node>,
}

impl Section {
    pub fn collect(doc: &Node, generated: &[Generated]) -> Self {
        let mut s = Section::default();
        let parts: Vec<&Node> = match doc.get("resources") {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items.iter().collect(),
            Some(n) => vec![n],
            None => Vec::new(),
        };
        let is_generated = |id: &str| generated.iter().any(|(g, _, _)| g == id);
        for part in parts {
            for (name, into) in [
                ("Conditions", &mut s.conditions),
                ("Mappings", &mut s.mappings),
                ("Outputs", &mut s.outputs),
            ] {
                if let Some(m) = part.get(name).and_then(Node::as_map) {
                    for e in &m.entries {
                        into.insert(e.key.clone(), e.key_span, e.value.clone());
                    }
                }
            }
            if let Some(m) = part.get("Resources").and_then(Node::as_map) {
                for e in &m.entries {
                    if is_generated(&e.key) {
                        s.add_override(&e.key, &e.value);
                    } else {
                        s.resources
                            .insert(e.key.clone(), e.key_span, e.value.clone());
                    }
                }
            }
            if let Some(m) = part.get("extensions").and_then(Node::as_map) {
                for e in &m.entries {
                    s.add_override(&e.key, &e.value);
                }
            }
        }
        s
    }

    fn add_override(&mut self, id: &str, def: &Node) {
        let Some(props) = def.get("Properties").filter(|p| p.as_map().is_some()) else {
            return;
        };
        let merged = match self.overrides.remove(id) {
            Some(mut old) => {
                if let (Some(o), Some(n)) = (old.as_map_mut(), props.as_map()) {
                    for e in &n.entries {
                        o.insert(e.key.clone(), e.key_span, e.value.clone());
                    }
                }
                old
            }
            None => props.clone(),
        };
        self.overrides.insert(id.to_string(), merged);
    }

    /// The template: the section's resources plus a stub per generated one.
    pub fn template(&self, generated: &[Generated], span: Span) -> Node {
        let mut resources = self.resources.clone();
        for (id, type_, s) in generated {
            if resources.contains_key(id) {
                continue;
            }
            let stub = Node::map(
                Map {
                    entries: vec![Entry {
                        key: "Type".into(),
                        key_span: *s,
                        value: Node::string(*type_, *s),
                    }],
                },
                *s,
            );
            resources.insert(id.clone(), *s, stub);
        }
        let mut top = Map::default();
        for (name, m) in [
            ("Conditions", &self.conditions),
            ("Mappings", &self.mappings),
            ("Outputs", &self.outputs),
        ] {
            if !m.is_empty() {
                top.insert(name, span, Node::map(m.clone(), span));
            }
        }
        top.insert("Resources", span, Node::map(resources, span));
        Node::map(top, span)
    }
}

/// What the CloudFormation adapter said about the generated resources:
/// (collection, item) pairs, to merge into the serverless adapter's items.
pub(crate) type StubFacts = Vec<(&'static str, Node)>;

/// Run the CloudFormation adapter on the template and take the stubs out.
pub(crate) fn adapt(
    template: &Node,
    file: FileId,
    generated: &[Generated],
) -> (Model, Vec<secrets::Found>, StubFacts) {
    let (mut model, found) = cloudformation::adapt(template, file, &cloudformation::Env::default());
    let is_stub = |n: &Node| item_id(n).is_some_and(|id| generated.iter().any(|(g, _, _)| g == id));
    let mut facts = Vec::new();
    for c in COLLECTIONS {
        let items = model.items_mut(c);
        let (stubs, keep): (Vec<Node>, Vec<Node>) =
            std::mem::take(items).into_iter().partition(is_stub);
        *items = keep;
        if *c != "resources" {
            facts.extend(stubs.into_iter().map(|n| (*c, n)));
        }
    }
    model
        .headers
        .retain(|h| !generated.iter().any(|(g, _, _)| *g == h.id));
    (model, found, facts)
}

/// Fields the template set on a stub that the generated item lacks. The
/// stubs were built by the typed builders, so every field is one of the
/// collection's; [`Model::complete`] checks it all the same.
pub(crate) fn merge_facts(model: &mut Model, facts: StubFacts, rename: &BTreeMap<String, String>) {
    for (c, stub) in facts {
        let Some(id) = item_id(&stub) else { continue };
        let id = rename.get(id).cloned().unwrap_or_else(|| id.to_string());
        let (Some(target), Some(fields)) = (model.item(c, &id), stub.as_map()) else {
            continue;
        };
        let missing: Vec<&crate::parse::Entry> = fields
            .entries
            .iter()
            .filter(|e| !matches!(e.key.as_str(), "id" | "name" | "type" | "cloud"))
            .filter(|e| target.get(&e.key).is_none())
            .collect();
        for e in missing {
            let done = model.complete(c, &id, &e.key, e.value.clone());
            debug_assert!(done.is_ok(), "{done:?}");
        }
    }
}

/// References to generated function names (`HelloLambdaFunction`) become
/// the function's id (`hello`) everywhere in the model.
pub(crate) fn rename_references(model: &mut Model, rename: &BTreeMap<String, String>) {
    if rename.is_empty() {
        return;
    }
    for c in COLLECTIONS {
        for item in model.items_mut(c) {
            let mut stack = vec![item];
            while let Some(n) = stack.pop() {
                match &mut n.value {
                    Value::String(s) => {
                        if let Some(to) = rename.get(s.as_str()) {
                            *s = to.into();
                        }
                    }
                    Value::Unknown(u) => {
                        if let Some(to) = u.reference.as_ref().and_then(|r| rename.get(r)) {
                            u.reference = Some(to.clone());
                        }
                    }
                    Value::Seq(items) => stack.extend(items.iter_mut()),
                    Value::Map(m) => stack.extend(m.entries.iter_mut().map(|e| &mut e.value)),
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    #[test]
    fn sections_merge_and_overrides_are_set_apart() {
        let text = "resources:\n  - Resources:\n      Q: {Type: AWS::SQS::Queue}\n      HelloLogGroup: {Properties: {RetentionInDays: 7}}\n  - Resources:\n      T: {Type: AWS::SNS::Topic}\n    extensions:\n      HelloLogGroup: {Properties: {KmsKeyId: k}}\n    Outputs: {O: {Value: x}}\n";
        let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
        let gen = vec![(
            "HelloLogGroup".to_string(),
            "AWS::Logs::LogGroup",
            Span::default(),
        )];
        let s = Section::collect(&doc, &gen);
        assert_eq!(
            s.overrides["HelloLogGroup"].to_json(),
            serde_json::json!({"RetentionInDays": 7, "KmsKeyId": "k"})
        );
        let t = s.template(&gen, doc.span);
        let ids: Vec<&str> = t
            .get("Resources")
            .unwrap()
            .as_map()
            .unwrap()
            .iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(ids, vec!["Q", "T", "HelloLogGroup"]);
        let (model, _, facts) = adapt(&t, FileId(0), &gen);
        assert_eq!(model.items("queues").len(), 1);
        assert!(model.items("log_groups").is_empty());
        assert_eq!(facts.len(), 1);
        assert!(model.headers.iter().all(|h| h.id != "HelloLogGroup"));
    }
}
