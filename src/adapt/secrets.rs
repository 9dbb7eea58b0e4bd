//! Secret facts for the model: runs the detector ([`crate::secret`]) over the
//! string values of a unit and records what it finds as `hardcoded_secrets`
//! items (with the redacted form only), plus which environment variables and
//! parameters have secret-like names. Rules decide what to report.
//!
//! It also owns the two other places secrets are found or hidden: the raw
//! text of files that fail to parse ([`scan_raw_text`], so their snippets are
//! masked like any other), and the policy input ([`scrub_json`], so a custom
//! policy never holds a detected secret it could transform and print).

use crate::model::collections::{Function, HardcodedSecret, Head, Parameter};
use crate::model::Model;
use crate::parse::{Map, Node, Value};
use crate::secret::{looks_sensitive_name, looks_sensitive_parameter_name, SecretScanner};

/// Whether a parameter-store name says its value is a secret: its last path
/// segment (`/app/db/password` → `password`) is a sensitive name.
pub fn names_secret(name: &str) -> bool {
    let last = name.rsplit('/').next().unwrap_or(name);
    looks_sensitive_name(last)
}

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
                    let at = n.span;
                    let head = Head::new(&id, key.unwrap_or(owner), "secret", "any", at);
                    let mut item = HardcodedSecret::new(head);
                    item.resource = Some(Node::string(owner, at));
                    item.path = Some(Node::string(&path, at));
                    item.kind = Some(Node::string(&hit.rule, at));
                    item.description = Some(Node::string(&hit.description, at));
                    item.redacted = Some(Node::string(&hit.redacted, at));
                    model.add(item);
                }
            }
            Value::Seq(items) => {
                for (i, c) in items.iter().enumerate() {
                    stack.push((c, join(&path, &i.to_string()), key));
                }
            }
            Value::Map(m) => {
                let pair = pair_name(m);
                // A Secret Manager reference (`secret_key_ref { secret, version }`
                // of Cloud Run, `secret_environment_variables` of Cloud
                // Functions): its `secret` is the secret's name, not its value.
                let secret_ref =
                    m.get("version").is_some() && m.get("secret").and_then(Node::as_str).is_some();
                for e in &m.entries {
                    // `Default:`/`Value:` hold the value of the name above them;
                    // in a name/value pair, of the name beside them.
                    let k = match e.key.as_str() {
                        "secret" if secret_ref => None,
                        "Value" | "value" if pair.is_some() => pair,
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

/// The name of a name/value pair (`env { name = "DB_PASSWORD" value = "..." }`
/// of Cloud Run, `Environment: [{Name: ..., Value: ...}]` of ECS), under
/// which its value is judged; none when the value is a reference to a
/// parameter or secret (CodeBuild's `PARAMETER_STORE`/`SECRETS_MANAGER`).
fn pair_name(m: &Map) -> Option<&str> {
    let name = m.get("name").or_else(|| m.get("Name"))?.as_str()?;
    m.get("value").or_else(|| m.get("Value"))?;
    let kind = m
        .get("type")
        .or_else(|| m.get("Type"))
        .and_then(Node::as_str);
    if kind.is_some_and(|t| {
        t.eq_ignore_ascii_case("PARAMETER_STORE") || t.eq_ignore_ascii_case("SECRETS_MANAGER")
    }) {
        return None;
    }
    Some(name)
}

fn join(base: &str, seg: &str) -> String {
    if base.is_empty() {
        seg.to_string()
    } else {
        format!("{base}.{seg}")
    }
}

/// Mark secret-like names: `sensitive_environment` on functions (the names of
/// such environment variables, unless the value only names where the secret
/// is stored: see [`names_stored_secret`]) and `sensitive_name` on parameters.
pub fn mark_sensitive_names(model: &mut Model) {
    let types: std::collections::HashMap<String, String> = model
        .items("resources")
        .iter()
        .filter_map(|r| {
            let id = crate::model::item_id(r)?;
            let type_ = r.get("type").and_then(Node::as_str)?;
            Some((id.to_string(), type_.to_string()))
        })
        .collect();
    let parameter_names: Vec<String> = model
        .items("ssm_parameters")
        .iter()
        .filter_map(|p| p.get("parameter_name").and_then(Node::as_str))
        .map(str::to_string)
        .collect();
    let functions = model.complete_all::<Function>("sensitive_environment", |f| {
        let env = f.get("environment").and_then(Node::as_map)?;
        let names: Vec<Node> = env
            .entries
            .iter()
            .filter(|e| looks_sensitive_name(&e.key))
            .filter(|e| !names_stored_secret(&e.value, &types, &parameter_names))
            .map(|e| Node::string(e.key.clone(), e.key_span))
            .collect();
        Some(Node::seq(names, f.span))
    });
    let parameters = model.complete_all::<Parameter>("sensitive_name", |p| {
        let name = crate::model::item_id(p)?;
        Some(Node::bool(looks_sensitive_parameter_name(name), p.span))
    });
    debug_assert!(functions.is_ok() && parameters.is_ok());
}

/// Whether an environment value only names where a secret is stored, so the
/// function reads the secret at run time and its configuration holds none:
/// the ARN or name of a Secrets Manager secret or an SSM parameter, as a
/// reference to one (`!Ref DbSecret`, `aws_ssm_parameter.token.name`; not
/// `!GetAtt Param.Value` or `.value`, which copy the value), the name of a
/// parameter the unit declares, or a literal ARN of either. `types` maps
/// resource ids to their types.
fn names_stored_secret(
    value: &Node,
    types: &std::collections::HashMap<String, String>,
    parameter_names: &[String],
) -> bool {
    match &value.value {
        Value::Unknown(u) => {
            let Some(type_) = u.reference.as_ref().and_then(|r| types.get(r)) else {
                return false;
            };
            let attr = u.attribute.as_deref();
            match type_.as_str() {
                // `Ref` and `Fn::GetAtt Secret.Id` give the ARN.
                "AWS::SecretsManager::Secret" => matches!(attr, None | Some("Id")),
                // `Ref` gives the name; `Fn::GetAtt Param.Value` the value.
                "AWS::SSM::Parameter" => attr.is_none(),
                "aws_secretsmanager_secret" | "aws_ssm_parameter" => {
                    matches!(attr, Some("arn" | "id" | "name"))
                }
                "aws_secretsmanager_secret_version" => matches!(attr, Some("arn" | "secret_id")),
                _ => false,
            }
        }
        Value::String(s) => parameter_names.iter().any(|n| n == s) || store_arn(s),
        _ => false,
    }
}

/// `arn:aws:secretsmanager:<region>:<account>:secret:<name>` or
/// `arn:aws:ssm:<region>:<account>:parameter/<name>`.
fn store_arn(s: &str) -> bool {
    let mut parts = s.splitn(6, ':');
    let (Some("arn"), Some(_), Some(service), Some(_), Some(_), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    match service {
        "secretsmanager" => resource.starts_with("secret:"),
        "ssm" => resource.starts_with("parameter/"),
        _ => false,
    }
}

/// Secrets in the raw text of a file that could not be parsed: each line is
/// read as `key: value` / `key = value` / `"key": "value",` (the shapes of
/// YAML, HCL, TOML and JSON) and scanned with its key, and the whole line is
/// scanned for patterns that need no key (`ghp_...`, PEM blocks). Only the
/// snippet redactor uses the result; nothing is reported from it.
pub fn scan_raw_text(text: &str) -> Vec<Found> {
    let scanner = SecretScanner::builtin();
    let mut found: Vec<Found> = Vec::new();
    let mut push = |value: &str, hits: Vec<crate::secret::SecretHit>| {
        for hit in hits {
            if let Some(secret) = value.get(hit.start..hit.end) {
                found.push((secret.to_string(), hit.redacted));
            }
        }
    };
    for line in text.lines() {
        let line = line.trim();
        push(line, scanner.scan(None, line));
        let Some((key, value)) = split_assignment(line) else {
            continue;
        };
        push(value, scanner.scan(Some(key), value));
    }
    found.sort();
    found.dedup();
    found
}

/// `key` and `value` of one line of YAML, HCL, TOML or JSON, quotes removed;
/// a quoted value ends at its closing quote (so `"ghp_..." }}}` is the token).
fn split_assignment(line: &str) -> Option<(&str, &str)> {
    let line = line.trim_start_matches("- ");
    let at = line.find([':', '='])?;
    let key = line.get(..at)?.trim().trim_matches(['"', '\'']).trim();
    let rest = line.get(at + 1..)?.trim_start_matches(['=', '>']).trim();
    if key.is_empty() || rest.is_empty() {
        return None;
    }
    let value = match rest.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let body = rest.get(1..)?;
            let mut end = body.len();
            let mut escaped = false;
            for (i, c) in body.char_indices() {
                if escaped {
                    escaped = false;
                } else if c == '\\' && q == '"' {
                    escaped = true;
                } else if c == q {
                    end = i;
                    break;
                }
            }
            body.get(..end)?
        }
        _ => rest
            .split(" #")
            .next()
            .unwrap_or(rest)
            .trim_end_matches([',', ';'])
            .trim(),
    };
    Some((key, value))
}

/// Replaces every detected secret inside the strings of a policy input by
/// its redacted form. Built-in rules read only `hardcoded_secrets` (redacted
/// already), names and structure; custom policies get the same input, so no
/// rule can echo, slice, re-case or encode a raw secret into a message.
pub fn scrub_json(value: &mut serde_json::Value, found: &[Found]) {
    if found.is_empty() {
        return;
    }
    // Longest first, so a secret containing another is replaced whole.
    let mut pairs: Vec<&Found> = found.iter().filter(|(s, _)| !s.is_empty()).collect();
    pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    pairs.dedup();
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) => {
                for (secret, redacted) in &pairs {
                    if s.contains(secret.as_str()) {
                        *s = s.replace(secret.as_str(), redacted);
                    }
                }
            }
            serde_json::Value::Array(items) => stack.extend(items.iter_mut()),
            serde_json::Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
}

/// The secrets to scrub from a unit's policy input: all found, except those
/// that are exactly the id of a model item. Such a "secret" is a name other
/// items refer to (a logical id under a token-named key); replacing it would
/// cut the references rules follow and move findings off their resource,
/// and the id is printed as the resource name in every report anyway.
pub fn to_scrub(found: &[Found], model: &Model) -> Vec<Found> {
    if found.is_empty() {
        return Vec::new();
    }
    // Ids through the model's index: they answer after its items have
    // moved into the policy input too.
    found
        .iter()
        .filter(|(secret, _)| !model.has_id(secret))
        .cloned()
        .collect()
}

/// [`scrub_json`] for the model's input as regorus holds it. Values without
/// a secret are returned as they are (no copy); object keys are names, which
/// the detector never reports, and stay.
pub fn scrub_value(value: regorus::Value, found: &[Found]) -> regorus::Value {
    use regorus::Value;
    if found.is_empty() {
        return value;
    }
    let mut pairs: Vec<&Found> = found.iter().filter(|(s, _)| !s.is_empty()).collect();
    pairs.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    pairs.dedup();
    fn walk(v: Value, pairs: &[&Found]) -> Value {
        match v {
            Value::String(s) if pairs.iter().any(|(secret, _)| s.contains(secret.as_str())) => {
                let mut out = s.to_string();
                for (secret, redacted) in pairs {
                    out = out.replace(secret.as_str(), redacted);
                }
                Value::from(out)
            }
            Value::Array(items) => Value::from(
                items
                    .iter()
                    .map(|i| walk(i.clone(), pairs))
                    .collect::<Vec<_>>(),
            ),
            Value::Set(items) => Value::from(
                items
                    .iter()
                    .map(|i| walk(i.clone(), pairs))
                    .collect::<std::collections::BTreeSet<_>>(),
            ),
            Value::Object(map) => Value::from(
                map.iter()
                    .map(|(k, v)| (k.clone(), walk(v.clone(), pairs)))
                    .collect::<std::collections::BTreeMap<_, _>>(),
            ),
            other => other,
        }
    }
    walk(value, &pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK8sQ2pL4n";
    const GITHUB_PAT: &str = "ghp_R8zK2mQ9vL4xT7pN3wB6yH1cF5dJ0sA2gE8u";

    #[test]
    fn secret_store_arns_are_recognised() {
        assert!(store_arn(
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
        ));
        assert!(store_arn(
            "arn:aws-us-gov:ssm:us-gov-west-1:123456789012:parameter/app/token"
        ));
        assert!(!store_arn("arn:aws:sqs:eu-west-1:123456789012:queue"));
        assert!(!store_arn("arn:aws:ssm:eu-west-1:123456789012:document/x"));
        assert!(!store_arn("p4ssw0rd:with:colons"));
    }

    #[test]
    fn references_to_a_store_name_it_and_its_values_do_not() {
        let span = crate::source::Span::default();
        let types: std::collections::HashMap<String, String> = [
            ("Db", "AWS::SecretsManager::Secret"),
            ("Param", "AWS::SSM::Parameter"),
            ("aws_ssm_parameter.p", "aws_ssm_parameter"),
            ("Queue", "AWS::SQS::Queue"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let reference = |r: &str, a: Option<&str>| {
            crate::parse::Unknown {
                reason: String::new(),
                reference: Some(r.to_string()),
                attribute: a.map(str::to_string),
                supplied: false,
            }
            .at(span)
        };
        let names = ["/app/token".to_string()];
        let stored = |n: &Node| names_stored_secret(n, &types, &names);
        assert!(stored(&reference("Db", None)));
        assert!(stored(&reference("Db", Some("Id"))));
        assert!(stored(&reference("Param", None)));
        assert!(!stored(&reference("Param", Some("Value"))));
        assert!(stored(&reference("aws_ssm_parameter.p", Some("name"))));
        assert!(!stored(&reference("aws_ssm_parameter.p", Some("value"))));
        assert!(!stored(&reference("Queue", None)));
        assert!(stored(&Node::string("/app/token", span)));
        assert!(!stored(&Node::string("hunter2", span)));
    }

    #[test]
    fn raw_text_of_broken_files_yields_their_secrets() {
        let yaml = format!(
            "Environment:\n  Variables:\n    AWS_SECRET_ACCESS_KEY: \"{AWS_SECRET}\n  bad: [\n"
        );
        let found = scan_raw_text(&yaml);
        assert!(found.iter().any(|(s, _)| s == AWS_SECRET), "{found:?}");
        let hcl = format!("variable \"t\" {{\n  default = \"{GITHUB_PAT}\" }}}}}}\n");
        let found = scan_raw_text(&hcl);
        assert!(found.iter().any(|(s, _)| s == GITHUB_PAT), "{found:?}");
        let json = "{\"DB_PASSWORD\": \"hunter2\\q-secret\",}";
        let found = scan_raw_text(json);
        assert!(
            found.iter().any(|(s, _)| s == "hunter2\\q-secret"),
            "{found:?}"
        );
        assert!(scan_raw_text("Runtime: python3.12\nHandler: app.handler\n").is_empty());
    }

    #[test]
    fn scrub_replaces_secrets_in_every_string() {
        let found = vec![(GITHUB_PAT.to_string(), "ghp_****8u".to_string())];
        let mut v = serde_json::json!({
            "a": [GITHUB_PAT, {"b": format!("Bearer {GITHUB_PAT}")}],
            "n": 1,
        });
        scrub_json(&mut v, &found);
        assert_eq!(
            v,
            serde_json::json!({"a": ["ghp_****8u", {"b": "Bearer ghp_****8u"}], "n": 1})
        );
    }
}
