//! Secret facts for the model: runs the detector ([`crate::secret`]) over the
//! string values of a unit and records what it finds as `hardcoded_secrets`
//! items (with the redacted form only), plus which environment variables and
//! parameters have secret-like names. Rules decide what to report.
//!
//! It also owns the two other places secrets are found or hidden: the raw
//! text of files that fail to parse ([`scan_raw_text`], so their snippets are
//! masked like any other), and the policy input ([`scrub_json`], so a custom
//! policy never holds a detected secret it could transform and print).

use crate::adapt::json_text;
use crate::model::collections::{Function, HardcodedSecret, Head, Parameter};
use crate::model::Model;
use crate::parse::{Map, Node, Value};
use crate::secret::{looks_sensitive_name, looks_sensitive_parameter_name, SecretScanner};
use crate::terraform::Documents;

/// Whether a parameter-store name says its value is a secret: its last path
/// segment (`/app/db/password` → `password`) is a sensitive name.
pub fn names_secret(name: &str) -> bool {
    let last = name.rsplit('/').next().unwrap_or(name);
    looks_sensitive_name(last)
}

/// A secret found, for the scan's redactor: (the secret text, its redacted form).
pub type Found = (String, String);

/// How many JSON strings deep [`scan_values`] reads (JSON text inside a
/// string of JSON text ...): each level doubles the escaping, so templates
/// stop at two; the bound keeps a hostile file from recursing further.
const MAX_JSON_NESTING: usize = 4;

/// What one [`scan_values`] call reports into.
struct Scan<'a> {
    model: &'a mut Model,
    owner: &'a str,
    docs: Option<&'a Documents>,
    found: &'a mut Vec<Found>,
}

/// Scan `node`, owned by model item `owner`, whose model path is `base`.
/// `key` is the name the value sits under, when `node` is a scalar. `docs`
/// holds the structured form of JSON strings the Terraform evaluator built.
///
/// A string that holds JSON (`jsonencode({...})`, `'{"db_password": "..."}'`)
/// is read as the object it writes: each value under its own key
/// (`CONFIG.db_password`), at its own place when the structured form knows it,
/// and its unknown parts give nothing, as everywhere else. The text as a
/// whole is not judged under the outer name, whose preview would be a cut of
/// the JSON; it is only searched for patterns, for the redactor.
pub fn scan_values(
    model: &mut Model,
    owner: &str,
    base: &str,
    key: Option<&str>,
    node: &Node,
    docs: Option<&Documents>,
    found: &mut Vec<Found>,
) {
    let mut scan = Scan {
        model,
        owner,
        docs,
        found,
    };
    walk(&mut scan, node, base.to_string(), key, 0);
}

fn walk(scan: &mut Scan<'_>, node: &Node, base: String, key: Option<&str>, nesting: usize) {
    let scanner = SecretScanner::builtin();
    let mut stack: Vec<(&Node, String, Option<&str>)> = vec![(node, base, key)];
    while let Some((n, path, key)) = stack.pop() {
        match &n.value {
            Value::String(s) => {
                if nesting < MAX_JSON_NESTING {
                    if let Some(doc) = json_text::structured(n, scan.docs) {
                        for hit in scanner.scan(None, s) {
                            if let Some(secret) = s.get(hit.start..hit.end) {
                                remember(scan.found, secret, &hit.redacted);
                            }
                        }
                        walk(scan, &doc, path, key, nesting + 1);
                        continue;
                    }
                }
                for hit in scanner.scan(key, s) {
                    let Some(secret) = s.get(hit.start..hit.end) else {
                        continue;
                    };
                    remember(scan.found, secret, &hit.redacted);
                    let owner = scan.owner;
                    let id = format!("{owner}/{path}");
                    if scan.model.item("hardcoded_secrets", &id).is_some() {
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
                    scan.model.add(item);
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

/// Record a secret for the redactor, with the forms a file may write it in
/// when it sits in a string of JSON text: escaped once (`\"`, `\\`, `\/`: a
/// JSON file's string, or JSON text in YAML) and twice (JSON text in a JSON
/// file's string). Snippets show the file's text, so each form is masked.
fn remember(found: &mut Vec<Found>, secret: &str, redacted: &str) {
    fn escape(s: &str) -> String {
        let quoted = serde_json::Value::from(s).to_string();
        quoted
            .get(1..quoted.len().saturating_sub(1))
            .unwrap_or_default()
            .to_string()
    }
    found.push((secret.to_string(), redacted.to_string()));
    let once = escape(secret);
    let slashed = once.replace('/', "\\/");
    for form in [escape(&once), escape(&slashed), once, slashed] {
        // Repeats are harmless: the redactor and the scrubbers keep a secret once.
        if form != secret {
            found.push((form, redacted.to_string()));
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
/// is stored: see [`names_stored_secret`]; inside a variable whose value is
/// JSON, the path of each secret-like key: see [`inner_names`]) and
/// `sensitive_name` on parameters. `docs` as for [`scan_values`].
pub fn mark_sensitive_names(model: &mut Model, docs: Option<&Documents>) {
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
    let stored = |v: &Node| names_stored_secret(v, &types, &parameter_names);
    let functions = model.complete_all::<Function>("sensitive_environment", |f| {
        let env = f.get("environment").and_then(Node::as_map)?;
        let mut names: Vec<Node> = Vec::new();
        for e in &env.entries {
            if looks_sensitive_name(&e.key) {
                if !stored(&e.value) {
                    names.push(Node::string(e.key.clone(), e.key_span));
                }
            } else if let Some(doc) = json_text::structured(&e.value, docs) {
                inner_names(&doc, &e.key, &stored, &mut names);
            }
        }
        Some(Node::seq(names, f.span))
    });
    let parameters = model.complete_all::<Parameter>("sensitive_name", |p| {
        let name = crate::model::item_id(p)?;
        Some(Node::bool(looks_sensitive_parameter_name(name), p.span))
    });
    debug_assert!(functions.is_ok() && parameters.is_ok());
}

/// The secret-like keys inside `doc`, the JSON value of environment variable
/// `var`, as paths (`CONFIG.db_password`, at the key). A key counts as a
/// variable's name does, when its value is unknown (a variable, a parameter,
/// an attribute: it may be the secret) and does not only name where the
/// secret is stored (`stored`); a literal counts only when the secret
/// detector reports it under that key, so `{"token": "none"}` or
/// `{"auth": "iam"}` of a configuration object do not.
fn inner_names(doc: &Node, var: &str, stored: &dyn Fn(&Node) -> bool, names: &mut Vec<Node>) {
    let scanner = SecretScanner::builtin();
    let mut stack: Vec<(&Node, String)> = vec![(doc, var.to_string())];
    while let Some((n, path)) = stack.pop() {
        match &n.value {
            Value::Map(m) => {
                for e in m.entries.iter().rev() {
                    let at = join(&path, &e.key);
                    let secret = looks_sensitive_name(&e.key)
                        && !stored(&e.value)
                        && match &e.value.value {
                            Value::Unknown(_) => true,
                            Value::String(s) => !scanner.scan(Some(&e.key), s).is_empty(),
                            _ => false,
                        };
                    if secret {
                        names.push(Node::string(at, e.key_span));
                    } else {
                        stack.push((&e.value, at));
                    }
                }
            }
            Value::Seq(items) => {
                for (i, c) in items.iter().enumerate().rev() {
                    stack.push((c, join(&path, &i.to_string())));
                }
            }
            _ => {}
        }
    }
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
    // One pass per string, the longest secret winning where two overlap.
    let replacer = replacer(found);
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::String(s) => {
                if let std::borrow::Cow::Owned(out) = replacer.replace(s) {
                    *s = out;
                }
            }
            serde_json::Value::Array(items) => stack.extend(items.iter_mut()),
            serde_json::Value::Object(map) => stack.extend(map.values_mut()),
            _ => {}
        }
    }
}

/// The replacer of the secrets found (each by its redacted form), shared by
/// [`scrub_json`] and [`scrub_value`].
fn replacer(found: &[Found]) -> crate::secret::Replacer {
    crate::secret::Replacer::new(found.iter().map(|(s, r)| (s.as_str(), r.as_str())))
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
    let replacer = replacer(found);
    fn walk(v: Value, replacer: &crate::secret::Replacer) -> Value {
        match v {
            Value::String(s) => match replacer.replace(&s) {
                std::borrow::Cow::Owned(out) => Value::from(out),
                std::borrow::Cow::Borrowed(_) => Value::String(s),
            },
            Value::Array(items) => Value::from(
                items
                    .iter()
                    .map(|i| walk(i.clone(), replacer))
                    .collect::<Vec<_>>(),
            ),
            Value::Set(items) => Value::from(
                items
                    .iter()
                    .map(|i| walk(i.clone(), replacer))
                    .collect::<std::collections::BTreeSet<_>>(),
            ),
            Value::Object(map) => Value::from(
                map.iter()
                    .map(|(k, v)| (k.clone(), walk(v.clone(), replacer)))
                    .collect::<std::collections::BTreeMap<_, _>>(),
            ),
            other => other,
        }
    }
    walk(value, &replacer)
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

    /// The `hardcoded_secrets` of one value scanned under `key`: (path, redacted, span).
    fn secrets_in(key: &str, value: &Node) -> Vec<(String, String, (u32, u32))> {
        let mut model = Model::new(crate::model::Format::Sam, crate::source::FileId(0));
        let mut found = Vec::new();
        scan_values(&mut model, "Fn", "env", Some(key), value, None, &mut found);
        let text = |n: &Node, k: &str| n.get(k).and_then(Node::as_str).unwrap_or("").to_string();
        let mut out: Vec<_> = model
            .items("hardcoded_secrets")
            .iter()
            .map(|n| {
                (
                    text(n, "path"),
                    text(n, "redacted"),
                    (n.span.start, n.span.end),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn keys_inside_a_json_value_name_their_values() {
        let span = crate::source::Span::new(crate::source::FileId(0), 100, 200);
        let value = Node::string(
            format!(
                r#"{{"db_password":"hunter2-very-secret-Xy9","region":"eu-west-1","gh":{{"token":"{GITHUB_PAT}"}}}}"#
            ),
            span,
        );
        assert_eq!(
            secrets_in("CONFIG", &value),
            [
                ("env.db_password".into(), "hunt****y9".into(), (100, 200)),
                ("env.gh.token".into(), "ghp_****8u".into(), (100, 200)),
            ]
        );
    }

    #[test]
    fn a_json_value_is_not_judged_whole_under_its_name() {
        let span = crate::source::Span::new(crate::source::FileId(0), 0, 80);
        // No secret inside: the text itself is no secret, whatever the outer name says.
        let config = Node::string(r#"{"user":"svc-orders","region":"eu-west-1"}"#, span);
        assert!(secrets_in("APP_CREDENTIALS", &config).is_empty());
        // A JSON string is the string: its preview is not cut from the quoted text.
        let quoted = Node::string(r#""hunter2-very-secret-Xy9""#, span);
        assert_eq!(
            secrets_in("DB_PASSWORD", &quoted),
            [("env".into(), "hunt****y9".into(), (0, 80))]
        );
        // Keys that say the value is about a secret, and unknowns, give nothing.
        let about = Node::string(
            r#"{"password_length":"24242424","token_url":"https://auth.example.com/oauth2/token","secret_name":"prod/orders/db-credentials","db_password":{"unknown":true,"reason":"var"}}"#,
            span,
        );
        assert!(secrets_in("SETTINGS", &about).is_empty());
    }

    #[test]
    fn secret_like_keys_inside_json_values_are_sensitive_names() {
        let span = crate::source::Span::new(crate::source::FileId(0), 0, 10);
        let mut model = Model::new(crate::model::Format::Sam, crate::source::FileId(0));
        let env = Node::map(
            [
                (
                    "CONFIG",
                    r#"{"db_password":{"unknown":true,"reason":"var"},"region":"eu-west-1"}"#,
                ),
                (
                    "SETTINGS",
                    r#"{"password_length":24,"token_url":"https://x.example.com/token","auth":"iam","token":"none","client":{"api_key":"Zk8#pQ2!vX9@rL4$-api"}}"#,
                ),
                (
                    "STORED",
                    r#"{"db_password":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"}"#,
                ),
            ]
            .into_iter()
            .fold(Map::default(), |mut m, (k, v)| {
                m.insert(k, span, Node::string(v, span));
                m
            }),
            span,
        );
        let mut f = Function::new(Head::new("Fn", "Fn", "function", "aws", span));
        f.environment = Some(env);
        model.add(f);
        mark_sensitive_names(&mut model, None);
        let names: Vec<&str> = model.items("functions")[0]
            .get("sensitive_environment")
            .and_then(Node::as_seq)
            .unwrap()
            .iter()
            .filter_map(Node::as_str)
            .collect();
        assert_eq!(names, ["CONFIG.db_password", "SETTINGS.client.api_key"]);
    }

    #[test]
    fn escaped_forms_of_a_secret_are_remembered_for_the_redactor() {
        let mut found = Vec::new();
        remember(&mut found, r#"a"b/c\d-secret"#, "****");
        let forms: Vec<&str> = found.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            forms,
            [
                r#"a"b/c\d-secret"#,
                r#"a\\\"b/c\\\\d-secret"#,
                r#"a\\\"b\\/c\\\\d-secret"#,
                r#"a\"b/c\\d-secret"#,
                r#"a\"b\/c\\d-secret"#,
            ]
        );
        let mut plain = Vec::new();
        remember(&mut plain, "hunter2-very-secret", "****");
        assert_eq!(plain.len(), 1);
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
