//! Secret facts for the model: runs the detector ([`crate::secret`]) over the
//! string values of a unit and records what it finds as `hardcoded_secrets`
//! items (with the redacted form only), plus which environment variables and
//! parameters have secret-like names. Rules decide what to report.

use crate::model::{Item, Model};
use crate::parse::{Node, Value};
use crate::secret::{looks_sensitive_name, SecretScanner};

/// A secret found, for the scan's redactor: (the secret text, its redacted form).
pub type Found = (String, String);

/// Scan `node`, owned by model item `owner`, whose model path is `base`.
/// `key` is the name the value sits under, when `node` is a scalar.
pub fn scan_values(
    model: &mut Model,
    owner: &str,
    base: &str,
    key: Option<&str>,
    node: &Node,
    found: &mut Vec<Found>,
) {
    let scanner = SecretScanner::builtin();
    let mut stack: Vec<(&Node, String, Option<&str>)> = vec![(node, base.to_string(), key)];
    while let Some((n, path, key)) = stack.pop() {
        match &n.value {
            Value::String(s) => {
                for hit in scanner.scan(key, s) {
                    let Some(secret) = s.get(hit.start..hit.end) else {
                        continue;
                    };
                    found.push((secret.to_string(), hit.redacted.clone()));
                    let id = format!("{owner}/{path}");
                    if model.item("hardcoded_secrets", &id).is_some() {
                        continue;
                    }
                    let mut item = Item::new(&id, key.unwrap_or(owner), "secret", "any", n.span);
                    item.set("resource", Node::string(owner, n.span));
                    item.set("path", Node::string(&path, n.span));
                    item.set("kind", Node::string(&hit.rule, n.span));
                    item.set("description", Node::string(&hit.description, n.span));
                    item.set("redacted", Node::string(&hit.redacted, n.span));
                    model.push("hardcoded_secrets", item.into_node());
                }
            }
            Value::Seq(items) => {
                for (i, c) in items.iter().enumerate() {
                    stack.push((c, join(&path, &i.to_string()), key));
                }
            }
            Value::Map(m) => {
                for e in &m.entries {
                    // `Default:`/`Value:` hold the value of the name above them.
                    let k = match e.key.as_str() {
                        "Default" | "Value" | "value" | "default" => key.or(Some(e.key.as_str())),
                        _ => Some(e.key.as_str()),
                    };
                    stack.push((&e.value, join(&path, &e.key), k));
                }
            }
            _ => {}
        }
    }
}

fn join(base: &str, seg: &str) -> String {
    if base.is_empty() {
        seg.to_string()
    } else {
        format!("{base}.{seg}")
    }
}

/// Mark secret-like names: `sensitive_environment` on functions (the names of
/// such environment variables) and `sensitive_name` on parameters.
pub fn mark_sensitive_names(model: &mut Model) {
    for f in model.items_mut("functions") {
        let Some(env) = f.get("environment").and_then(Node::as_map) else {
            continue;
        };
        let names: Vec<Node> = env
            .entries
            .iter()
            .filter(|e| looks_sensitive_name(&e.key))
            .map(|e| Node::string(&e.key, e.key_span))
            .collect();
        let span = f.span;
        crate::model::set_field(f, "sensitive_environment", Node::seq(names, span));
    }
    for p in model.items_mut("parameters") {
        let Some(name) = crate::model::item_id(p).map(str::to_string) else {
            continue;
        };
        let span = p.span;
        crate::model::set_field(
            p,
            "sensitive_name",
            Node::bool(looks_sensitive_name(&name), span),
        );
    }
}
