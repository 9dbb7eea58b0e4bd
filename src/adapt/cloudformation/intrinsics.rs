//! CloudFormation intrinsic functions, resolved where the value is knowable:
//! parameter defaults, pseudo parameters, `Ref`, `Fn::Sub`, `Fn::Join`,
//! `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If` on known conditions,
//! and the language extensions' `Fn::Length` and `Fn::ToJsonString`.
//! Everything else becomes an explicit unknown that still names the resource
//! it refers to, so rules never fire on a guess but resources stay linked.
//! An unknown that comes from a parameter without a default, or a value
//! built from one, is marked as supplied by the deployer
//! ([`Unknown::supplied`]); pseudo parameters and resource attributes are not.

use std::collections::{BTreeMap, BTreeSet};

use crate::parse::{Map, Node, Unknown, Value};

/// What the resolver knows about a template.
#[derive(Debug, Default)]
pub struct Context<'a> {
    /// Parameter name → its `Default` (None when it has none).
    pub parameters: BTreeMap<String, Option<&'a Node>>,
    pub(crate) mappings: Option<&'a Node>,
    pub(crate) conditions: Option<&'a Node>,
    /// Logical ids of resources (a `Ref` to one stays unknown but linked).
    pub resources: BTreeSet<String>,
    /// The region, when samconfig.toml or the caller knows it.
    pub region: Option<String>,
}

/// Resolution of one node: `None` means `AWS::NoValue` (drop the property).
pub type Resolved = Option<Node>;

impl Context<'_> {
    /// Resolve every intrinsic inside `node`.
    pub fn resolve(&self, node: &Node) -> Resolved {
        self.resolve_at(node, 0)
    }

    fn resolve_at(&self, node: &Node, depth: usize) -> Resolved {
        if depth > crate::parse::MAX_DEPTH {
            return Some(Node::unknown("nesting too deep to resolve", node.span));
        }
        match &node.value {
            Value::Map(m) if m.len() == 1 => {
                let e = &m.entries[0];
                if let Some(r) = self.intrinsic(&e.key, &e.value, node, depth) {
                    return r;
                }
                Some(self.resolve_map(m, node, depth))
            }
            Value::Map(m) => Some(self.resolve_map(m, node, depth)),
            Value::Seq(items) => Some(Node::seq(
                items
                    .iter()
                    .filter_map(|n| self.resolve_at(n, depth + 1))
                    .collect(),
                node.span,
            )),
            _ => Some(node.clone()),
        }
    }

    fn resolve_map(&self, m: &Map, node: &Node, depth: usize) -> Node {
        let mut out = Map::default();
        for e in &m.entries {
            if let Some(v) = self.resolve_at(&e.value, depth + 1) {
                out.entries.push(crate::parse::Entry {
                    key: e.key.clone(),
                    key_span: e.key_span,
                    value: v,
                });
            }
        }
        Node::map(out, node.span)
    }

    /// `Some(result)` when `key` is an intrinsic, `None` for an ordinary key.
    fn intrinsic(&self, key: &str, arg: &Node, whole: &Node, depth: usize) -> Option<Resolved> {
        let span = whole.span;
        let unknown = |reason: String| Some(Some(Node::unknown(reason, span)));
        Some(match key {
            "Ref" => {
                let name = self.resolve_at(arg, depth + 1)?;
                let Some(text) = name.as_str() else {
                    return Some(Some(
                        Node::unknown("Ref to a computed name", span)
                            .supplied_if(name.has_supplied()),
                    ));
                };
                self.reference(text, whole)
            }
            "Fn::GetAtt" => {
                let (res, attr) = match &arg.value {
                    Value::Seq(items) => (
                        items.first().and_then(Node::as_str).unwrap_or(""),
                        items.get(1).and_then(Node::as_str).unwrap_or(""),
                    ),
                    Value::String(s) => s.split_once('.').unwrap_or((s.as_str(), "")),
                    _ => ("", ""),
                };
                Some(linked(
                    format!("Fn::GetAtt {res}.{attr}"),
                    res,
                    Some(attr),
                    whole,
                ))
            }
            "Fn::Sub" => self.sub(arg, whole, depth),
            "Fn::Join" => self.join(arg, whole, depth),
            "Fn::Select" => self.select(arg, whole, depth),
            "Fn::Split" => self.split(arg, whole, depth),
            "Fn::FindInMap" => self.find_in_map(arg, whole, depth),
            "Fn::If" => self.if_(arg, whole, depth),
            "Fn::Base64" => self.resolve_at(arg, depth + 1),
            "Fn::Length" => {
                // A list, or something resolving to one (a list parameter).
                match self.resolve_at(arg, depth + 1) {
                    Some(Node {
                        value: Value::Seq(items),
                        ..
                    }) => Some(Node::number(items.len() as u64, span)),
                    v => {
                        let supplied = v.is_some_and(|v| v.has_supplied());
                        Some(
                            Node::unknown("Fn::Length of a list only known at deploy time", span)
                                .supplied_if(supplied),
                        )
                    }
                }
            }
            "Fn::ToJsonString" => match self.resolve_at(arg, depth + 1) {
                Some(v) if !has_unknown(&v) => Some(Node::string(v.to_json().to_string(), span)),
                v => {
                    let supplied = v.is_some_and(|v| v.has_supplied());
                    Some(
                        Node::unknown(
                            "Fn::ToJsonString of a value only known at deploy time",
                            span,
                        )
                        .supplied_if(supplied),
                    )
                }
            },
            // Another stack's export and a macro's output come from outside
            // the template, as a parameter does; the others are computed
            // from their arguments.
            "Fn::ImportValue" | "Fn::Transform" => {
                return Some(Some(Node::supplied(
                    format!("{key} is only known at deploy time"),
                    span,
                )))
            }
            "Fn::ForEach" => return unknown(format!("{key} is only known at deploy time")),
            "Fn::GetAZs" | "Fn::Cidr" => {
                let supplied = self
                    .resolve_at(arg, depth + 1)
                    .is_some_and(|v| v.has_supplied());
                return Some(Some(
                    Node::unknown(format!("{key} is only known at deploy time"), span)
                        .supplied_if(supplied),
                ));
            }
            _ => return None,
        })
    }

    fn reference(&self, name: &str, whole: &Node) -> Resolved {
        let span = whole.span;
        if let Some(default) = self.parameters.get(name) {
            return Some(match default {
                // The value is the default, found at the place it is used.
                Some(d) if !d.is_null() => {
                    let mut v = (*d).clone();
                    v.span = span;
                    v
                }
                _ => Node::supplied(format!("parameter {name} has no default"), span),
            });
        }
        match name {
            "AWS::NoValue" => None,
            "AWS::Partition" => Some(Node::string("aws", span)),
            "AWS::URLSuffix" => Some(Node::string("amazonaws.com", span)),
            "AWS::Region" => Some(match &self.region {
                Some(r) => Node::string(r.clone(), span),
                None => Node::unknown("AWS::Region is chosen at deploy time", span),
            }),
            _ if name.starts_with("AWS::") => Some(Node::unknown(
                format!("{name} is known at deploy time"),
                span,
            )),
            _ if self.resources.contains(name) => {
                Some(linked(format!("Ref {name}"), name, None, whole))
            }
            _ => Some(Node::unknown(format!("Ref to undefined {name}"), span)),
        }
    }

    fn sub(&self, arg: &Node, whole: &Node, depth: usize) -> Resolved {
        let span = whole.span;
        let (template, vars) = match &arg.value {
            Value::String(s) => (s.as_str(), None),
            Value::Seq(items) => (
                items.first().and_then(Node::as_str).unwrap_or(""),
                items.get(1).and_then(Node::as_map),
            ),
            _ => return Some(Node::unknown("Fn::Sub of a computed string", span)),
        };
        let mut out = String::new();
        let mut first_ref: Option<(String, Option<String>)> = None;
        let mut unknown_reason: Option<String> = None;
        // The first variable the deployer supplies says why, when there is
        // one: `${AWS::AccountId}` before it is not what may be anything.
        let mut supplied_reason: Option<String> = None;
        for part in sub_parts(template) {
            let var = match part {
                SubPart::Text(text) => {
                    out.push_str(text);
                    continue;
                }
                SubPart::Literal(name) => {
                    out.push_str("${");
                    out.push_str(name);
                    out.push('}');
                    continue;
                }
                SubPart::Var(var) => var,
            };
            let value = self.sub_var(var, vars, whole, depth);
            if supplied_reason.is_none() && value.as_ref().is_some_and(Node::has_supplied) {
                supplied_reason = Some(format!("Fn::Sub uses ${{{var}}}"));
            }
            match value.as_ref().map(|v| &v.value) {
                Some(Value::String(s)) => out.push_str(s),
                Some(Value::Number(n)) => out.push_str(&n.to_string()),
                Some(Value::Bool(b)) => out.push_str(&b.to_string()),
                Some(Value::Unknown(u)) => {
                    if first_ref.is_none() {
                        if let Some(r) = &u.reference {
                            first_ref = Some((r.clone(), u.attribute.clone()));
                        }
                    }
                    unknown_reason.get_or_insert_with(|| format!("Fn::Sub uses ${{{var}}}"));
                }
                _ => {
                    unknown_reason.get_or_insert_with(|| format!("Fn::Sub uses ${{{var}}}"));
                }
            }
        }
        // `{{resolve:secretsmanager:${Secret}}}` is the stored value, not
        // the resource it names.
        if dynamic_reference(&out) {
            first_ref = None;
        }
        Some(match unknown_reason {
            None => Node::string(out, span),
            Some(reason) => Node::new(
                Value::Unknown(Box::new(Unknown {
                    supplied: supplied_reason.is_some(),
                    reason: supplied_reason.unwrap_or(reason),
                    reference: first_ref.as_ref().map(|r| r.0.clone()),
                    attribute: first_ref.and_then(|r| r.1),
                })),
                span,
            ),
        })
    }

    /// The value of `${var}` in an `Fn::Sub` of `whole`: from the variable
    /// map when it has it, else a resource attribute (`${Role.Arn}`), a
    /// pseudo parameter, a parameter or a resource.
    pub(crate) fn sub_var(
        &self,
        var: &str,
        vars: Option<&Map>,
        whole: &Node,
        depth: usize,
    ) -> Resolved {
        match vars.and_then(|m| m.get(var)) {
            Some(v) => self.resolve_at(v, depth + 1),
            None if var.contains('.') && !var.starts_with("AWS::") => {
                let (res, attr) = var.split_once('.').unwrap_or((var, ""));
                Some(linked(
                    format!("Fn::GetAtt {res}.{attr}"),
                    res,
                    Some(attr),
                    whole,
                ))
            }
            None => self.reference(var, whole),
        }
    }

    fn join(&self, arg: &Node, whole: &Node, depth: usize) -> Resolved {
        let span = whole.span;
        let unknown = |supplied: bool| {
            Some(Node::unknown("Fn::Join of unknown parts", span).supplied_if(supplied))
        };
        let Some(args) = arg.as_seq() else {
            return unknown(false);
        };
        let (Some(delim), Some(parts)) = (args.first().and_then(Node::as_str), args.get(1)) else {
            return unknown(false);
        };
        let parts = match self.resolve_at(parts, depth + 1) {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items,
            // A list parameter without a default.
            other => return unknown(other.is_some_and(|o| o.has_supplied())),
        };
        let supplied = parts.iter().any(Node::has_supplied);
        let dynamic = parts
            .iter()
            .any(|p| p.as_str().is_some_and(dynamic_reference));
        let mut strs = Vec::new();
        for p in &parts {
            match &p.value {
                Value::String(s) => strs.push(s.as_str().to_owned()),
                Value::Number(n) => strs.push(n.to_string()),
                // The first unknown part names what it refers to; the
                // deployer supplies the whole when they supply any part.
                Value::Unknown(u) => {
                    let mut u = Unknown {
                        reason: "Fn::Join of unknown parts".into(),
                        supplied,
                        ..(**u).clone()
                    };
                    if dynamic {
                        u.reference = None;
                        u.attribute = None;
                    }
                    return Some(Node::new(Value::Unknown(Box::new(u)), span));
                }
                _ => return unknown(supplied),
            }
        }
        Some(Node::string(strs.join(delim), span))
    }

    fn select(&self, arg: &Node, whole: &Node, depth: usize) -> Resolved {
        let span = whole.span;
        let unknown = |supplied: bool| {
            Some(Node::unknown("Fn::Select of unknown values", span).supplied_if(supplied))
        };
        let Some(args) = arg.as_seq() else {
            return unknown(false);
        };
        let index = args.first().and_then(|i| self.resolve_at(i, depth + 1));
        let list = args.get(1).and_then(|l| self.resolve_at(l, depth + 1));
        // An index or list the deployer supplies (a list parameter) makes
        // the item theirs too.
        let supplied = index.as_ref().is_some_and(Node::has_supplied)
            || list.as_ref().is_some_and(Node::has_supplied);
        match (index.and_then(|i| i.as_f64()), list.map(|l| l.value)) {
            (Some(i), Some(Value::Seq(items))) if i >= 0.0 => match items.get(i as usize) {
                Some(v) => Some(v.clone()),
                None => unknown(supplied),
            },
            _ => unknown(supplied),
        }
    }

    fn split(&self, arg: &Node, whole: &Node, depth: usize) -> Resolved {
        let span = whole.span;
        let Some(args) = arg.as_seq() else {
            return Some(Node::unknown("Fn::Split of unknown values", span));
        };
        let delim = args.first().and_then(Node::as_str);
        let source = args.get(1).and_then(|s| self.resolve_at(s, depth + 1));
        match (delim, source.as_ref().and_then(Node::as_str)) {
            (Some(d), Some(s)) if !d.is_empty() => Some(Node::seq(
                s.split(d).map(|p| Node::string(p, span)).collect(),
                span,
            )),
            _ => Some(
                Node::unknown("Fn::Split of unknown values", span)
                    .supplied_if(source.as_ref().is_some_and(Node::has_supplied)),
            ),
        }
    }

    fn find_in_map(&self, arg: &Node, whole: &Node, depth: usize) -> Resolved {
        let span = whole.span;
        let Some(args) = arg.as_seq() else {
            return Some(Node::unknown("Fn::FindInMap with unknown keys", span));
        };
        let resolved: Vec<Option<Node>> = args
            .iter()
            .take(3)
            .map(|k| self.resolve_at(k, depth + 1))
            .collect();
        // A key the deployer supplies picks the entry: theirs too.
        let supplied = resolved.iter().flatten().any(Node::has_supplied);
        let unknown =
            || Some(Node::unknown("Fn::FindInMap with unknown keys", span).supplied_if(supplied));
        let keys: Vec<Option<String>> = resolved
            .iter()
            .map(|k| k.as_ref().and_then(|k| k.as_str().map(str::to_string)))
            .collect();
        let found = match (keys.first(), keys.get(1), keys.get(2)) {
            (Some(Some(a)), Some(Some(b)), Some(Some(c))) => self
                .mappings
                .and_then(|m| m.get_path(&[a.as_str(), b.as_str(), c.as_str()])),
            _ => None,
        };
        match found {
            Some(v) => {
                let mut v = v.clone();
                v.span = span;
                Some(v)
            }
            None => match args.get(3).and_then(|d| d.get("DefaultValue")) {
                Some(d) => self.resolve_at(d, depth + 1),
                None => unknown(),
            },
        }
    }

    fn if_(&self, arg: &Node, whole: &Node, depth: usize) -> Resolved {
        let span = whole.span;
        let Some(args) = arg.as_seq() else {
            return Some(Node::unknown("malformed Fn::If", span));
        };
        let cond = args.first().and_then(Node::as_str).unwrap_or("");
        match self.condition(cond, &mut Vec::new()) {
            Some(true) => args.get(1).and_then(|n| self.resolve_at(n, depth + 1)),
            Some(false) => args.get(2).and_then(|n| self.resolve_at(n, depth + 1)),
            // Parameters choose the branch: the deployer supplies the value
            // when the condition reads one of theirs.
            None => Some(
                Node::unknown(
                    format!("depends on condition {cond}, which is only known at deploy time"),
                    span,
                )
                .supplied_if(self.condition_supplied(cond, &mut Vec::new())),
            ),
        }
    }

    /// Whether named condition `name` reads a value the deployer supplies
    /// (a parameter without a default), itself or through another condition.
    fn condition_supplied(&self, name: &str, visiting: &mut Vec<String>) -> bool {
        if visiting.iter().any(|v| v == name) || visiting.len() > 32 {
            return false;
        }
        let Some(def) = self.conditions.and_then(|c| c.get(name)) else {
            return false;
        };
        visiting.push(name.to_string());
        let mut found = false;
        let mut stack = vec![def];
        while let Some(n) = stack.pop() {
            match &n.value {
                Value::Map(m) if m.len() == 1 => {
                    let e = &m.entries[0];
                    match e.key.as_str() {
                        "Condition" => {
                            if let Some(c) = e.value.as_str() {
                                found = self.condition_supplied(c, visiting);
                            }
                        }
                        "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" => stack.push(&e.value),
                        _ => found = self.resolve(n).is_some_and(|v| v.has_supplied()),
                    }
                }
                Value::Seq(items) => stack.extend(items.iter()),
                _ => {}
            }
            if found {
                break;
            }
        }
        visiting.pop();
        found
    }

    /// The value of a named condition, when it can be known.
    pub fn condition(&self, name: &str, visiting: &mut Vec<String>) -> Option<bool> {
        if visiting.iter().any(|v| v == name) || visiting.len() > 32 {
            return None;
        }
        let def = self.conditions?.get(name)?;
        visiting.push(name.to_string());
        let r = self.eval_condition(def, visiting);
        visiting.pop();
        r
    }

    fn eval_condition(&self, n: &Node, visiting: &mut Vec<String>) -> Option<bool> {
        let m = n.as_map()?;
        let e = m.entries.first()?;
        let args = e.value.as_seq();
        match e.key.as_str() {
            "Condition" => self.condition(e.value.as_str()?, visiting),
            "Fn::Equals" => {
                let a = self.resolve(args?.first()?)?;
                let b = self.resolve(args?.get(1)?)?;
                if a.is_unknown() || b.is_unknown() {
                    return None;
                }
                Some(scalar_text(&a)? == scalar_text(&b)?)
            }
            "Fn::Not" => Some(!self.eval_condition(args?.first()?, visiting)?),
            "Fn::And" => {
                let mut all = Some(true);
                for c in args? {
                    match self.eval_condition(c, visiting) {
                        Some(false) => return Some(false),
                        Some(true) => {}
                        None => all = None,
                    }
                }
                all
            }
            "Fn::Or" => {
                let mut any = Some(false);
                for c in args? {
                    match self.eval_condition(c, visiting) {
                        Some(true) => return Some(true),
                        Some(false) => {}
                        None => any = None,
                    }
                }
                any
            }
            _ => None,
        }
    }
}

/// Whether any value inside `n` is unknown.
/// A piece of an `Fn::Sub` template.
#[derive(Debug, PartialEq)]
pub(crate) enum SubPart<'a> {
    /// Text as written (an unterminated `${` and what follows it included).
    Text(&'a str),
    /// `${!Name}`: the literal `${Name}`.
    Literal(&'a str),
    /// `${Name}`, `${Res.Attr}`, `${AWS::Region}`: a variable.
    Var(&'a str),
}

/// An `Fn::Sub` template split into text, literals and variables, in order.
pub(crate) fn sub_parts(template: &str) -> Vec<SubPart<'_>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while let Some(pos) = rest.find("${") {
        if pos > 0 {
            parts.push(SubPart::Text(&rest[..pos]));
        }
        let after = &rest[pos + 2..];
        let Some(end) = after.find('}') else {
            parts.push(SubPart::Text(&rest[pos..]));
            return parts;
        };
        let var = &after[..end];
        parts.push(match var.strip_prefix('!') {
            Some(literal) => SubPart::Literal(literal),
            None => SubPart::Var(var),
        });
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        parts.push(SubPart::Text(rest));
    }
    parts
}

fn has_unknown(n: &Node) -> bool {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Unknown(_) => return true,
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(m) => stack.extend(m.entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
    false
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.as_str().to_owned()),
        Value::Number(x) => Some(x.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Whether a string holds a CloudFormation dynamic reference
/// (`{{resolve:ssm:...}}`, `{{resolve:secretsmanager:...}}`): CloudFormation
/// puts the stored value there at deploy time, so a value built around one
/// is that content, not the resource whose name or ARN went into it.
fn dynamic_reference(s: &str) -> bool {
    s.contains("{{resolve:")
}

fn linked(reason: String, res: &str, attr: Option<&str>, whole: &Node) -> Node {
    Node::new(
        Value::Unknown(Box::new(Unknown {
            reason,
            reference: Some(res.to_string()),
            attribute: attr.filter(|a| !a.is_empty()).map(str::to_string),
            supplied: false,
        })),
        whole.span,
    )
}

/// The logical id a resolved value refers to (`Ref X`, `Fn::GetAtt X.Arn`,
/// `Fn::Sub ${X.Arn}`), if any.
pub fn reference_of(n: &Node) -> Option<&str> {
    match &n.value {
        Value::Unknown(u) => u.reference.as_deref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn sub_templates_split_into_text_literals_and_variables() {
        use super::{sub_parts, SubPart::*};
        assert_eq!(
            sub_parts("arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}x${open"),
            vec![
                Text("arn:"),
                Var("AWS::Partition"),
                Text(":s3:::"),
                Var("Bucket"),
                Text("/"),
                Literal("Literal"),
                Text("x"),
                Text("${open"),
            ]
        );
        assert_eq!(sub_parts(""), vec![]);
    }

    use super::*;
    use crate::parse::yaml;
    use crate::source::FileId;

    fn ctx_for(doc: &Node) -> Context<'_> {
        let mut ctx = Context {
            mappings: doc.get("Mappings"),
            conditions: doc.get("Conditions"),
            ..Context::default()
        };
        if let Some(p) = doc.get("Parameters").and_then(Node::as_map) {
            for (k, v) in p.iter() {
                ctx.parameters.insert(k.to_string(), v.get("Default"));
            }
        }
        if let Some(r) = doc.get("Resources").and_then(Node::as_map) {
            ctx.resources = r.iter().map(|(k, _)| k.to_string()).collect();
        }
        ctx
    }

    fn resolve(text: &str) -> serde_json::Value {
        let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
        let ctx = ctx_for(&doc);
        ctx.resolve(doc.get("Value").unwrap())
            .map_or(serde_json::json!("<novalue>"), |n| n.to_json())
    }

    const HEAD: &str = "Parameters:\n  Env: {Type: String, Default: prod}\n  NoDef: {Type: String}\nMappings:\n  M: {prod: {t: 30}}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n  Unknowable: !Equals [!Ref NoDef, x]\nResources:\n  Bucket: {Type: AWS::S3::Bucket}\n";

    #[test]
    fn resolves_knowable_values() {
        let r = |v: &str| resolve(&format!("{HEAD}Value: {v}\n"));
        assert_eq!(r("!Ref Env"), serde_json::json!("prod"));
        assert_eq!(
            r("!Sub 'a-${Env}-${AWS::Partition}'"),
            serde_json::json!("a-prod-aws")
        );
        assert_eq!(r("!Join ['-', [a, !Ref Env]]"), serde_json::json!("a-prod"));
        assert_eq!(r("!Select [1, [a, b]]"), serde_json::json!("b"));
        assert_eq!(r("!Split [',', 'a,b']"), serde_json::json!(["a", "b"]));
        assert_eq!(r("!FindInMap [M, !Ref Env, t]"), serde_json::json!(30));
        assert_eq!(r("!If [IsProd, 1, 2]"), serde_json::json!(1));
        assert_eq!(r("!Sub '${!Literal}'"), serde_json::json!("${Literal}"));
        assert_eq!(r("[a, !Ref AWS::NoValue]"), serde_json::json!(["a"]));
    }

    #[test]
    fn unknowable_values_stay_unknown_and_linked() {
        let r = |v: &str| resolve(&format!("{HEAD}Value: {v}\n"));
        let v = r("!GetAtt Bucket.Arn");
        assert_eq!(v["unknown"], true);
        assert_eq!(v["ref"], "Bucket");
        assert_eq!(v["attr"], "Arn");
        assert_eq!(r("!Ref Bucket")["ref"], "Bucket");
        assert_eq!(r("!Sub '${Bucket.Arn}/*'")["ref"], "Bucket");
        assert_eq!(r("!Ref NoDef")["unknown"], true);
        assert_eq!(r("!If [Unknowable, 1, 2]")["unknown"], true);
        assert_eq!(r("!ImportValue x")["unknown"], true);
        assert_eq!(r("!Ref AWS::Region")["unknown"], true);
    }

    /// A value built around a dynamic reference is the stored value: it
    /// names no resource.
    #[test]
    fn dynamic_references_are_no_reference_to_the_resource() {
        let r = |v: &str| resolve(&format!("{HEAD}Value: {v}\n"));
        let v = r("!Sub '{{resolve:secretsmanager:${Bucket}:SecretString:password}}'");
        assert_eq!(v["unknown"], true);
        assert_eq!(v["ref"], serde_json::Value::Null);
        let v = r("!Join ['', ['{{resolve:ssm:', !Ref Bucket, '}}']]");
        assert_eq!(v["unknown"], true);
        assert_eq!(v["ref"], serde_json::Value::Null);
        assert_eq!(r("!Join ['', ['arn:', !Ref Bucket]]")["ref"], "Bucket");
    }

    /// A parameter without a default, and whatever is built from one, is
    /// supplied by the deployer; pseudo parameters and resources are not.
    #[test]
    fn parameters_are_supplied_by_the_deployer() {
        let r = |v: &str| resolve(&format!("{HEAD}Value: {v}\n"));
        let supplied = |v: &str| {
            let got = r(v);
            assert_eq!(got["unknown"], true, "{v}: {got}");
            got["supplied"] == true
        };
        assert!(supplied("!Ref NoDef"));
        assert_eq!(r("!Ref NoDef")["reason"], "parameter NoDef has no default");
        assert!(supplied(
            "!Sub 'arn:aws:iam::${AWS::AccountId}:role/${NoDef}'"
        ));
        // Named after what the deployer supplies.
        assert_eq!(
            r("!Sub 'arn:aws:iam::${AWS::AccountId}:role/${NoDef}'")["reason"],
            "Fn::Sub uses ${NoDef}"
        );
        assert!(supplied("!Sub 'arn:aws:iam::${NoDef}:role/${Bucket}'"));
        assert_eq!(
            r("!Sub 'arn:aws:iam::${NoDef}:role/${Bucket}'")["ref"],
            "Bucket"
        );
        assert!(supplied("!Sub ['arn:aws:iam::${A}:root', {A: !Ref NoDef}]"));
        assert!(supplied("!Join ['', [!GetAtt Bucket.Arn, !Ref NoDef]]"));
        assert_eq!(
            r("!Join ['', [!GetAtt Bucket.Arn, !Ref NoDef]]")["ref"],
            "Bucket"
        );
        assert!(supplied("!Select [0, !Split [',', !Ref NoDef]]"));
        assert!(supplied("!FindInMap [M, !Ref NoDef, t]"));
        assert!(supplied("!If [Unknowable, '*', x]"));
        assert!(supplied("!ImportValue shared-account"));
        // Computed by the template or AWS: the stack's own account and
        // region, a resource's name or attribute, and what is built from them.
        assert!(!supplied("!Ref AWS::AccountId"));
        assert!(!supplied("!Ref AWS::Region"));
        assert!(!supplied("!Sub 'arn:aws:iam::${AWS::AccountId}:root'"));
        assert!(!supplied("!GetAtt Bucket.Arn"));
        assert!(!supplied("!Sub '${Bucket.Arn}'"));
        assert!(!supplied("!Sub 'arn:aws:iam::${Bucket}:root'"));
        assert!(!supplied("!Join ['', [!GetAtt Bucket.Arn, x]]"));
        assert!(!supplied(
            "!Sub ['arn:aws:iam::${A}:root', {A: !Select [4, !Split [':', !GetAtt Bucket.Arn]]}]"
        ));
        assert!(!supplied("!GetAZs ''"));
        assert!(!supplied("!Ref Undefined"));
    }

    /// A condition reading the region (not given) is unknown, but not the
    /// deployer's to choose through a parameter.
    #[test]
    fn conditions_on_pseudo_parameters_are_not_supplied() {
        let text = "Conditions:\n  Eu: !Equals [!Ref AWS::Region, eu-west-1]\n  Both: !And [!Condition Eu, !Not [!Equals [!Ref P, x]]]\nParameters:\n  P: {Type: String}\nValue: [!If [Eu, a, b], !If [Both, a, b]]\n";
        let v = resolve(text);
        assert_eq!(v[0]["unknown"], true);
        assert_eq!(v[0]["supplied"], serde_json::Value::Null);
        assert_eq!(v[1]["supplied"], true);
    }

    #[test]
    fn language_extension_functions() {
        let head = "Parameters:\n  Subnets: {Type: CommaDelimitedList, Default: 'a, b,c'}\n  Open: {Type: String}\n";
        let r = |v: &str| {
            let text = format!("{head}Value: {v}\n");
            let doc = yaml::parse(&text, FileId(0)).unwrap().remove(0);
            let mut ctx = ctx_for(&doc);
            let list = Node::seq(
                vec![
                    Node::string("a", doc.span),
                    Node::string("b", doc.span),
                    Node::string("c", doc.span),
                ],
                doc.span,
            );
            ctx.parameters.insert("Subnets".into(), Some(&list));
            ctx.resolve(doc.get("Value").unwrap())
                .map_or(serde_json::json!("<novalue>"), |n| n.to_json())
        };
        assert_eq!(r("!Length [x, y]"), serde_json::json!(2));
        assert_eq!(r("{'Fn::Length': !Ref Subnets}"), serde_json::json!(3));
        assert_eq!(r("{'Fn::Length': !Ref Open}")["unknown"], true);
        assert_eq!(
            r("{'Fn::ToJsonString': {k: [1, !Select [0, !Ref Subnets]]}}"),
            serde_json::json!("{\"k\":[1,\"a\"]}")
        );
        assert_eq!(r("{'Fn::ToJsonString': {k: !Ref Open}}")["unknown"], true);
    }

    #[test]
    fn condition_cycles_do_not_hang() {
        let text = "Conditions:\n  A: !Condition B\n  B: !Condition A\nValue: !If [A, 1, 2]\n";
        assert_eq!(resolve(text)["unknown"], true);
    }
}
