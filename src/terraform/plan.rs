//! `terraform show -json` plan and state files: the resources come straight
//! from `planned_values` (or `values` in a state), with spans from the JSON
//! parser. What a plan cannot know yet (`after_unknown` in
//! `resource_changes`) becomes [`Value::Unknown`]; the `configuration`
//! section gives each argument's references (so items link even when the
//! referenced attribute is a known ARN) and the provider configurations.

use std::collections::BTreeMap;

use super::{Mode, Provider, Resource, Unit};
use crate::parse::{Map, Node, Unknown, Value, MAX_DEPTH};
use crate::source::FileId;

/// True when a parsed JSON document is a plan or state file.
pub fn is_plan(doc: &Node) -> bool {
    doc.get("format_version").is_some()
        && (doc.get("planned_values").is_some() || doc.get("values").is_some())
}

/// The resources and providers of a plan (or state) file.
pub fn read(doc: &Node, file: FileId) -> Unit {
    let mut unit = Unit {
        main_file: file,
        files: vec![file],
        ..Unit::default()
    };
    let values_root = doc
        .get_path(&["planned_values", "root_module"])
        .or_else(|| doc.get_path(&["values", "root_module"]));
    let config = Config::new(doc);
    let unknowns = after_unknown(doc);
    if let Some(root) = values_root {
        // Child modules nest; an explicit stack keeps deep plans off the call stack.
        let mut stack = vec![(root, String::new(), 0usize)];
        while let Some((module, address, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                unit.notes
                    .push(("modules nested too deeply".into(), module.span));
                continue;
            }
            for r in module
                .get("resources")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                if let Some(res) = resource(r, &address, &config, &unknowns) {
                    unit.resources.push(res);
                }
            }
            let children = module.get("child_modules").and_then(Node::as_seq);
            for child in children.unwrap_or(&[]).iter().rev() {
                let addr = child
                    .get("address")
                    .and_then(Node::as_str)
                    .unwrap_or_default()
                    .to_string();
                stack.push((child, addr, depth + 1));
            }
        }
    }
    unit.providers = providers(doc);
    unit.variables = variables(doc);
    unit
}

/// The plan's `variables` (`{"name": {"value": ...}}`), in the file's order.
fn variables(doc: &Node) -> Vec<super::Variable> {
    let Some(vars) = doc.get("variables").and_then(Node::as_map) else {
        return Vec::new();
    };
    vars.entries
        .iter()
        .map(|e| super::Variable {
            name: e.key.to_string(),
            type_: None,
            value: e
                .value
                .get("value")
                .cloned()
                .unwrap_or_else(|| Node::supplied("the plan gives no value", e.key_span)),
            span: e.key_span,
        })
        .collect()
}

/// One `resources[]` entry of `planned_values`/`values`.
fn resource(
    r: &Node,
    module: &str,
    config: &Config<'_>,
    unknowns: &BTreeMap<String, &Node>,
) -> Option<Resource> {
    let addr_node = r.get("address")?;
    let address = addr_node.as_str()?.to_string();
    let type_ = r.get("type")?.as_str()?.to_string();
    let name = r.get("name").and_then(Node::as_str).unwrap_or_default();
    let mode = match r.get("mode").and_then(Node::as_str) {
        Some("data") => Mode::Data,
        _ => Mode::Managed,
    };
    let mut values = r
        .get("values")
        .filter(|v| v.as_map().is_some())
        .cloned()
        .unwrap_or_else(|| Node::map(Map::default(), r.span));
    let conf = config.resource(module, mode, &type_, name);
    let refs = conf.map(|c| references(c, module)).unwrap_or_default();
    if let Some(u) = unknowns.get(&address) {
        let exprs = conf.and_then(|c| c.get("expressions")).map(Conf::Blocks);
        mark_unknown(&mut values, u, &refs, (exprs, module), 0);
    }
    let provider = conf
        .and_then(|c| c.get("provider_config_key"))
        .and_then(Node::as_str)
        .map(|k| k.rsplit(':').next().unwrap_or(k).to_string())
        .unwrap_or_else(|| default_provider(&type_));
    Some(Resource {
        address,
        mode,
        type_,
        name: name.to_string(),
        module: module.to_string(),
        values,
        span: addr_node.span,
        body: r.span,
        provider,
        refs,
    })
}

/// The provider a resource type belongs to by default (`aws_s3_bucket` → `aws`).
pub fn default_provider(type_: &str) -> String {
    type_.split('_').next().unwrap_or(type_).to_string()
}

/// `after_unknown` of every planned change, by resource address.
fn after_unknown(doc: &Node) -> BTreeMap<String, &Node> {
    let changes = doc.get("resource_changes").and_then(Node::as_seq);
    changes
        .unwrap_or(&[])
        .iter()
        .filter_map(|c| {
            let addr = c.get("address")?.as_str()?.to_string();
            Some((addr, c.get_path(&["change", "after_unknown"])?))
        })
        .collect()
}

/// Where a value sits in a resource's configuration `expressions`: in the
/// nested blocks, which mirror the values' shape, or under one expression
/// (an argument's `{"references": [...]}`) that computes the whole subtree,
/// such as a map-typed argument's every entry.
#[derive(Clone, Copy)]
enum Conf<'a> {
    Blocks(&'a Node),
    Expr(&'a Node),
}

impl<'a> Conf<'a> {
    /// The configuration of the value at `key` (a map) or `index` (a list).
    fn child(self, key: Option<&str>, index: usize) -> Option<Conf<'a>> {
        let n = match self {
            Conf::Expr(x) => return Some(Conf::Expr(x)),
            Conf::Blocks(n) => n,
        };
        let c = match key {
            Some(k) => n.get(k)?,
            None => n.as_seq()?.get(index)?,
        };
        let expr = c.get("references").is_some() || c.get("constant_value").is_some();
        Some(if expr { Conf::Expr(c) } else { Conf::Blocks(c) })
    }

    /// The one resource attribute the expression reads, when it reads
    /// nothing else (`aws_secretsmanager_secret.db.arn`, listed by
    /// Terraform with its prefix `aws_secretsmanager_secret.db`): the
    /// value known after apply is that attribute. Anything more (a
    /// variable, a second resource, a bare resource) and it is `None`.
    fn only_reference(self) -> Option<(String, String)> {
        let Conf::Expr(x) = self else { return None };
        let refs: Vec<&str> = x
            .get("references")?
            .as_seq()?
            .iter()
            .map(|r| r.as_str())
            .collect::<Option<_>>()?;
        let mut found: Option<(String, String)> = None;
        for r in &refs {
            let address = reference_address(r)?;
            let rest = r.strip_prefix(address.as_str())?;
            if rest.is_empty() || rest.starts_with('[') && !rest.contains('.') {
                // The resource (or an instance of it) alone: the prefix
                // Terraform lists next to its attribute.
                let longer = |o: &&str| {
                    o.strip_prefix(*r)
                        .is_some_and(|t| t.starts_with('.') || t.starts_with('['))
                };
                if !refs.iter().any(longer) {
                    return None;
                }
                continue;
            }
            // `.arn`, `[0].arn`, `["k"].tags.Name`: the attribute is the name right
            // after the resource (and its instance key), not the last one.
            let after_key = match rest.strip_prefix('[') {
                Some(k) => &k[k.find(']')? + 1..],
                None => rest,
            };
            let attr = after_key.strip_prefix('.')?.split(['.', '[']).next()?;
            if attr.is_empty() {
                return None;
            }
            let this = (address, attr.to_string());
            match &found {
                Some(f) if *f != this => return None,
                _ => found = Some(this),
            }
        }
        found
    }
}

/// Replace the values that `after_unknown` marks `true` with unknowns. A
/// top-level argument that refers to one resource says which (`role` →
/// `aws_iam_role.lambda`), so rules and links can still use it; so does a
/// nested value whose expression reads one resource attribute and nothing
/// else (`DB_SECRET = aws_secretsmanager_secret.db.arn` in `environment`),
/// which then names the attribute too.
fn mark_unknown(
    values: &mut Node,
    unknown: &Node,
    refs: &BTreeMap<String, Vec<String>>,
    (conf, module): (Option<Conf<'_>>, &str),
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    match (&mut values.value, &unknown.value) {
        (Value::Map(m), Value::Map(u)) => {
            for e in &u.entries {
                let sub = conf.and_then(|c| c.child(Some(e.key.as_str()), 0));
                if e.value.value == Value::Bool(true) {
                    let mut unk = Unknown {
                        reason: "known after apply".into(),
                        ..Unknown::default()
                    };
                    if depth == 0 {
                        if let Some(target) = refs.get(e.key.as_str()).and_then(|r| r.first()) {
                            unk.reference = Some(target.clone());
                            unk.attribute = Some(e.key.as_str().to_owned());
                        }
                    } else if let Some((target, attr)) = sub.and_then(Conf::only_reference) {
                        unk.reference = Some(join_module(module, &target));
                        unk.attribute = Some(attr);
                    }
                    let span = m.entry(&e.key).map_or(values.span, |x| x.value.span);
                    m.insert(
                        e.key.clone(),
                        span,
                        Node::new(Value::Unknown(Box::new(unk)), span),
                    );
                } else if let Some(child) = m.get_mut(&e.key) {
                    mark_unknown(child, &e.value, refs, (sub, module), depth + 1);
                }
            }
        }
        (Value::Seq(items), Value::Seq(u)) => {
            for (i, (item, un)) in items.iter_mut().zip(u).enumerate() {
                let sub = conf.and_then(|c| c.child(None, i));
                mark_unknown(item, un, refs, (sub, module), depth + 1);
            }
        }
        _ => {}
    }
}

/// The `configuration` section: resources by module path and name.
struct Config<'a> {
    /// (module path without instance keys, `type.name` or `data.type.name`) → config.
    resources: BTreeMap<(String, String), &'a Node>,
}

impl<'a> Config<'a> {
    fn new(doc: &'a Node) -> Self {
        let mut resources = BTreeMap::new();
        let Some(root) = doc.get_path(&["configuration", "root_module"]) else {
            return Config { resources };
        };
        let mut stack = vec![(root, String::new(), 0usize)];
        while let Some((module, path, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                continue;
            }
            for r in module
                .get("resources")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                if let Some(addr) = r.get("address").and_then(Node::as_str) {
                    resources.insert((path.clone(), addr.to_string()), r);
                }
            }
            if let Some(calls) = module.get("module_calls").and_then(Node::as_map) {
                for e in &calls.entries {
                    if let Some(m) = e.value.get("module") {
                        let child = join_module(&path, &format!("module.{}", e.key));
                        stack.push((m, child, depth + 1));
                    }
                }
            }
        }
        Config { resources }
    }

    fn resource(&self, module: &str, mode: Mode, type_: &str, name: &str) -> Option<&'a Node> {
        let local = match mode {
            Mode::Data => format!("data.{type_}.{name}"),
            Mode::Managed => format!("{type_}.{name}"),
        };
        self.resources
            .get(&(strip_instance_keys(module), local))
            .copied()
    }
}

fn join_module(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else {
        format!("{parent}.{child}")
    }
}

/// `module.app[0].module.x["k"]` → `module.app.module.x`.
pub fn strip_instance_keys(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in s.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' if depth > 0 => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// For each argument of a configuration resource, the resource addresses its
/// expression refers to (nested blocks count for their top-level argument).
fn references(conf: &Node, module: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let Some(exprs) = conf.get("expressions").and_then(Node::as_map) else {
        return out;
    };
    for e in &exprs.entries {
        let mut found: Vec<String> = Vec::new();
        let mut stack = vec![(&e.value, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                continue;
            }
            match &n.value {
                Value::Map(m) => {
                    for x in &m.entries {
                        if x.key == "references" {
                            for r in x.value.as_seq().unwrap_or(&[]) {
                                if let Some(a) = r.as_str().and_then(reference_address) {
                                    let a = join_module(module, &a);
                                    if !found.contains(&a) {
                                        found.push(a);
                                    }
                                }
                            }
                        } else {
                            stack.push((&x.value, depth + 1));
                        }
                    }
                }
                Value::Seq(items) => stack.extend(items.iter().rev().map(|i| (i, depth + 1))),
                _ => {}
            }
        }
        if !found.is_empty() {
            out.insert(e.key.as_str().to_owned(), found);
        }
    }
    out
}

/// The resource address a configuration reference names
/// (`aws_iam_role.lambda.arn` → `aws_iam_role.lambda`,
/// `data.aws_iam_policy_document.p.json` → `data.aws_iam_policy_document.p`);
/// `None` for variables, locals, module outputs and the like.
pub fn reference_address(r: &str) -> Option<String> {
    let parts: Vec<&str> = r.split('.').collect();
    let first = *parts.first()?;
    let take = match first {
        "var" | "local" | "each" | "count" | "path" | "terraform" | "self" | "module" => {
            return None
        }
        "data" => 3,
        _ => 2,
    };
    if parts.len() < take || parts.iter().take(take).any(|p| p.is_empty()) {
        return None;
    }
    Some(parts[..take].join("."))
}

/// The `provider_config` entries: `aws`, `aws.west`, `module.app:aws`.
fn providers(doc: &Node) -> Vec<Provider> {
    let mut out = Vec::new();
    let Some(conf) = doc
        .get_path(&["configuration", "provider_config"])
        .and_then(Node::as_map)
    else {
        return out;
    };
    let variables = doc.get("variables");
    for e in &conf.entries {
        let p = &e.value;
        let Some(name) = p.get("name").and_then(Node::as_str) else {
            continue;
        };
        let module = p
            .get("module_address")
            .and_then(Node::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| match e.key.rsplit_once(':') {
                Some((m, _)) => m.to_string(),
                None => String::new(),
            });
        let mut values = Map::default();
        if let Some(exprs) = p.get("expressions").and_then(Node::as_map) {
            for x in &exprs.entries {
                values.insert(
                    x.key.clone(),
                    x.key_span,
                    expression_value(&x.value, variables),
                );
            }
        }
        out.push(Provider {
            name: name.to_string(),
            alias: p.get("alias").and_then(Node::as_str).map(str::to_string),
            module,
            values: Node::map(values, p.span),
            span: e.key_span,
        });
    }
    out
}

/// A configuration expression's value: its `constant_value`, the value of the
/// one input variable it names (from the plan's `variables`), else unknown.
fn expression_value(x: &Node, variables: Option<&Node>) -> Node {
    if let Some(v) = x.get("constant_value") {
        return v.clone();
    }
    let refs: Vec<&str> = x
        .get("references")
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_str)
        .collect();
    if let [one] = refs.as_slice() {
        if let Some(var) = one.strip_prefix("var.") {
            if let Some(v) = variables.and_then(|vs| vs.get_path(&[var, "value"])) {
                return v.clone();
            }
        }
    }
    let reason = match refs.first() {
        Some(r) => format!("refers to {r}"),
        None => "not known from the plan".to_string(),
    };
    // A variable the plan has no value for is the deployer's to give.
    let supplied = refs.iter().any(|r| r.starts_with("var."));
    Node::unknown(reason, x.span).supplied_if(supplied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::json;

    const PLAN: &str = r#"{
  "format_version": "1.2",
  "variables": {"region": {"value": "eu-west-1"}},
  "planned_values": {"root_module": {
    "resources": [
      {"address": "aws_lambda_function.api", "mode": "managed", "type": "aws_lambda_function",
       "name": "api", "provider_name": "registry.terraform.io/hashicorp/aws",
       "values": {"timeout": 901, "role": "arn:aws:iam::1:role/r"}}
    ],
    "child_modules": [{"address": "module.app[0]", "resources": [
      {"address": "module.app[0].aws_s3_bucket.b[\"x\"]", "mode": "managed", "type": "aws_s3_bucket",
       "name": "b", "values": {"bucket": "x"}}
    ]}]
  }},
  "resource_changes": [
    {"address": "aws_lambda_function.api", "change": {"after_unknown": {"kms_key_arn": true, "arn": true}}}
  ],
  "configuration": {
    "provider_config": {
      "aws": {"name": "aws", "expressions": {"region": {"references": ["var.region"]}}},
      "aws.west": {"name": "aws", "alias": "west", "expressions": {"region": {"constant_value": "us-west-2"}}}
    },
    "root_module": {
      "resources": [
        {"address": "aws_lambda_function.api", "mode": "managed", "type": "aws_lambda_function",
         "name": "api", "provider_config_key": "aws.west",
         "expressions": {"role": {"references": ["aws_iam_role.r.arn", "aws_iam_role.r"]},
                         "kms_key_arn": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]},
                         "environment": [{"variables": {"references": ["var.x"]}}]}}
      ],
      "module_calls": {"app": {"module": {"resources": [
        {"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "name": "b",
         "provider_config_key": "module.app:aws",
         "expressions": {"logging": [{"target_bucket": {"references": ["aws_s3_bucket.logs.id", "aws_s3_bucket.logs"]}}]}}
      ]}}}
    }
  }
}"#;

    fn unit() -> Unit {
        let doc = json::parse(PLAN, FileId(3)).unwrap();
        assert!(is_plan(&doc));
        read(&doc, FileId(3))
    }

    #[test]
    fn reads_resources_of_every_module() {
        let u = unit();
        let addrs: Vec<&str> = u.resources.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(
            addrs,
            [
                "aws_lambda_function.api",
                "module.app[0].aws_s3_bucket.b[\"x\"]"
            ]
        );
        let f = &u.resources[0];
        assert_eq!(f.provider, "aws.west");
        assert_eq!(f.values.get("timeout").unwrap().as_f64(), Some(901.0));
        // The span of the address value, where "missing" findings point.
        let at = PLAN.find("\"aws_lambda_function.api\"").unwrap();
        assert_eq!(f.span.start as usize, at);
        let b = &u.resources[1];
        assert_eq!(b.module, "module.app[0]");
        assert_eq!(b.provider, "aws");
        assert_eq!(
            b.refs.get("logging").unwrap(),
            &vec!["module.app[0].aws_s3_bucket.logs".to_string()]
        );
    }

    #[test]
    fn after_unknown_values_become_unknown_with_their_reference() {
        let u = unit();
        let f = &u.resources[0];
        let Value::Unknown(k) = &f.values.get("kms_key_arn").unwrap().value else {
            panic!("not unknown");
        };
        assert_eq!(k.reference.as_deref(), Some("aws_kms_key.k"));
        assert_eq!(
            f.refs.get("role").unwrap(),
            &vec!["aws_iam_role.r".to_string()]
        );
        // `var.x` is no resource.
        assert!(!f.refs.contains_key("environment"));
        assert!(f.values.get("role").unwrap().as_str().is_some());
    }

    #[test]
    fn providers_resolve_constants_and_variables() {
        let u = unit();
        let regions: Vec<(Option<&str>, Option<&str>)> = u
            .providers
            .iter()
            .map(|p| {
                (
                    p.alias.as_deref(),
                    p.values.get("region").and_then(Node::as_str),
                )
            })
            .collect();
        assert_eq!(
            regions,
            [(None, Some("eu-west-1")), (Some("west"), Some("us-west-2"))]
        );
    }

    #[test]
    fn a_nested_value_names_the_one_attribute_its_expression_reads() {
        let only = |refs: &str| {
            let node =
                json::parse(&format!(r#"{{"references": {refs}}}"#), FileId(0)).expect("json");
            Conf::Expr(&node).only_reference()
        };
        let secret = Some((
            "aws_secretsmanager_secret.db".to_string(),
            "arn".to_string(),
        ));
        assert_eq!(
            only(r#"["aws_secretsmanager_secret.db.arn", "aws_secretsmanager_secret.db"]"#),
            secret
        );
        assert_eq!(only(r#"["aws_secretsmanager_secret.db.arn"]"#), secret);
        // A variable, a second resource or a bare resource: not one attribute.
        assert_eq!(
            only(r#"["aws_secretsmanager_secret.db.arn", "var.prefix"]"#),
            None
        );
        assert_eq!(
            only(r#"["aws_secretsmanager_secret.db.arn", "aws_ssm_parameter.p.name"]"#),
            None
        );
        assert_eq!(only(r#"["aws_secretsmanager_secret.db"]"#), None);
        assert_eq!(only(r#"[]"#), None);
        // An instance is addressed with its key, as the plan's items are; the
        // attribute is the one right after it.
        assert_eq!(
            only(
                r#"["aws_ssm_parameter.p[0].name", "aws_ssm_parameter.p[0]", "aws_ssm_parameter.p"]"#
            ),
            Some(("aws_ssm_parameter.p[0]".to_string(), "name".to_string()))
        );
        assert_eq!(
            only(r#"["aws_secretsmanager_secret.db.tags.name", "aws_secretsmanager_secret.db"]"#),
            Some((
                "aws_secretsmanager_secret.db".to_string(),
                "tags".to_string()
            ))
        );
        assert_eq!(
            only(r#"["module.app.aws_kms_key.k[0].arn", "module.app.aws_kms_key.k[0]"]"#),
            None,
            "module outputs and addresses are not resolved here"
        );
    }

    #[test]
    fn reference_addresses() {
        assert_eq!(
            reference_address("aws_iam_role.r.arn").as_deref(),
            Some("aws_iam_role.r")
        );
        assert_eq!(
            reference_address("data.aws_iam_policy_document.p.json").as_deref(),
            Some("data.aws_iam_policy_document.p")
        );
        assert_eq!(reference_address("var.x"), None);
        assert_eq!(reference_address("module.m.out"), None);
        assert_eq!(reference_address("aws_x"), None);
        assert_eq!(
            strip_instance_keys("module.a[0].module.b[\"x]\"]"),
            "module.a.module.b"
        );
    }

    #[test]
    fn state_files_and_garbage_give_no_panic() {
        let doc = json::parse(
            r#"{"format_version": "1.0", "values": {"root_module": {"resources": [
                {"address": "aws_sqs_queue.q", "type": "aws_sqs_queue", "name": "q", "values": {"name": "q"}},
                {"address": 3}, 7]}}}"#,
            FileId(0),
        )
        .unwrap();
        let u = read(&doc, FileId(0));
        assert_eq!(u.resources.len(), 1);
        assert_eq!(u.resources[0].provider, "aws");
        let doc = json::parse(r#"{"planned_values": []}"#, FileId(0)).unwrap();
        assert!(read(&doc, FileId(0)).resources.is_empty());
    }
}
