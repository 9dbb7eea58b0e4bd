//! The `provider:` section: settings every function inherits unless it sets
//! its own (runtime, timeout, environment, tracing, IAM, ...), read from
//! the resolved document in the shapes Framework v3 and v4 accept. It also
//! keeps the value helpers the functions, events and state machines share
//! (numbers, booleans, intrinsics, overrides), so none imports another.

use crate::adapt::cloudformation::Adapter;
use crate::model::map_of;
use crate::parse::{Map, Node, Value};
use crate::source::Span;

/// The resolved `provider:` map (empty when absent).
pub(crate) struct Provider {
    pub node: Node,
    /// The `provider` key (where provider-wide findings point).
    pub span: Span,
}

impl Provider {
    pub fn of(doc: &Node) -> Self {
        let entry = doc.as_map().and_then(|m| m.entry("provider"));
        match entry {
            Some(e) if e.value.as_map().is_some() => Provider {
                node: e.value.clone(),
                span: e.key_span,
            },
            // `provider: aws` (a string) is the old short form.
            Some(e) => Provider {
                node: Node::map(Map::default(), e.value.span),
                span: e.key_span,
            },
            None => Provider {
                node: Node::map(Map::default(), doc.span),
                span: Span::new(
                    doc.span.file,
                    doc.span.start as usize,
                    doc.span.start as usize,
                ),
            },
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.node.get(key).filter(|n| !n.is_null())
    }

    pub fn path(&self, path: &[&str]) -> Option<&Node> {
        self.node.get_path(path).filter(|n| !n.is_null())
    }

    /// The cloud: `aws` unless `provider.name` says otherwise (v4 defaults
    /// to AWS too).
    pub fn is_aws(&self) -> bool {
        match self.get("name").and_then(Node::as_str) {
            Some(n) => n.eq_ignore_ascii_case("aws"),
            None => !matches!(self.get("name"), Some(n) if !n.is_unknown()),
        }
    }

    /// `iam.role` when it names an existing role (an ARN, a logical id, an
    /// intrinsic), or the v2 `provider.role`.
    pub fn custom_role(&self) -> Option<&Node> {
        let role = self.path(&["iam", "role"]).or_else(|| self.get("role"))?;
        custom_role(role)
    }

    /// The statements of the shared execution role, each with the path it
    /// is written under (`provider.iam.role.statements`).
    pub fn statements(&self) -> Vec<(&'static str, &Node)> {
        let mut out = Vec::new();
        if let Some(s) = self.path(&["iam", "role", "statements"]) {
            out.push(("provider.iam.role.statements", s));
        }
        if let Some(s) = self.get("iamRoleStatements") {
            out.push(("provider.iamRoleStatements", s));
        }
        out
    }

    pub fn managed_policies(&self) -> Option<&Node> {
        self.path(&["iam", "role", "managedPolicies"])
            .or_else(|| self.get("iamManagedPolicies"))
    }

    pub fn permissions_boundary(&self) -> Option<&Node> {
        self.path(&["iam", "role", "permissionsBoundary"])
            .or_else(|| self.get("rolePermissionsBoundary"))
    }

    /// `tracing.lambda` in the model's shape.
    pub fn lambda_tracing(&self) -> Option<Node> {
        self.path(&["tracing", "lambda"]).map(tracing_mode)
    }
}

/// A role value that names a role rather than configuring the generated
/// one: a string, or an intrinsic (`Fn::GetAtt`, `Ref`, ...).
pub(crate) fn custom_role(role: &Node) -> Option<&Node> {
    match &role.value {
        Value::String(_) | Value::Unknown(_) => Some(role),
        Value::Map(m)
            if m.len() == 1
                && m.entries
                    .first()
                    .is_some_and(|e| e.key == "Ref" || e.key.starts_with("Fn::")) =>
        {
            Some(role)
        }
        _ => None,
    }
}

/// `true`/`Active` → `Active`, `false`/`PassThrough` → `PassThrough`.
pub(crate) fn tracing_mode(n: &Node) -> Node {
    match n.as_bool() {
        Some(true) => Node::string("Active", n.span),
        Some(false) => Node::string("PassThrough", n.span),
        None => n.clone(),
    }
}

/// Numbers from numbers or numeric strings; anything else as it is.
pub(crate) fn num(n: Option<&Node>) -> Option<Node> {
    let n = n.filter(|n| !n.is_null())?;
    Some(match (&n.value, n.as_f64()) {
        (Value::String(_), Some(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
            Node::number(f as i64, n.span)
        }
        (Value::String(_), Some(f)) => match serde_json::Number::from_f64(f) {
            Some(x) => Node::number(x, n.span),
            None => n.clone(),
        },
        _ => n.clone(),
    })
}

/// Booleans from booleans or `"true"`/`"false"` strings.
pub(crate) fn boolean(n: Option<&Node>) -> Option<Node> {
    let n = n.filter(|n| !n.is_null())?;
    Some(match n.as_bool() {
        Some(b) => Node::bool(b, n.span),
        None => n.clone(),
    })
}

/// The provider's map merged under the function's, key by key (the
/// function's value wins). An unknown side makes the whole map unknown:
/// which keys it holds cannot be known.
pub(crate) fn merge_maps(base: Option<&Node>, own: Option<&Node>) -> Option<Node> {
    match (base, own) {
        (None, None) => None,
        (Some(b), None) => Some(b.clone()),
        (None, Some(o)) => Some(o.clone()),
        (Some(b), Some(o)) => {
            if o.is_unknown() || o.as_map().is_none() {
                return Some(o.clone());
            }
            if b.is_unknown() {
                return Some(b.clone());
            }
            let mut out = b.as_map().cloned().unwrap_or_default();
            for e in o.as_map().map(|m| m.entries.as_slice()).unwrap_or(&[]) {
                out.insert(e.key.clone(), e.key_span, e.value.clone());
            }
            Some(Node::map(out, o.span))
        }
    }
}

/// The assume-role policy of a Lambda execution role.
pub(crate) fn lambda_trust(span: Span) -> Node {
    service_trust("lambda.amazonaws.com", span)
}

/// An assume-role policy letting one AWS service (`states.amazonaws.com`)
/// assume the role.
pub(crate) fn service_trust(service: &str, span: Span) -> Node {
    let stmt = map_of(
        vec![
            ("effect", Node::string("Allow", span)),
            (
                "principal",
                map_of(
                    vec![(
                        "Service",
                        Node::seq(vec![Node::string(service, span)], span),
                    )],
                    span,
                ),
            ),
            (
                "action",
                Node::seq(vec![Node::string("sts:AssumeRole", span)], span),
            ),
        ],
        span,
    );
    map_of(vec![("statements", Node::seq(vec![stmt], span))], span)
}

/// Resolve CloudFormation intrinsics in a value (`!GetAtt Key.Arn`).
pub(crate) fn cfn(a: &Adapter<'_, '_>, n: Option<&Node>) -> Option<Node> {
    let n = n.filter(|n| !n.is_null())?;
    a.ctx.resolve(n)
}

/// An override that is written replaces the value; one that is not leaves it.
pub(crate) fn override_with(field: &mut Option<Node>, value: Option<Node>) {
    if value.is_some() {
        *field = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;
    use crate::source::FileId;

    fn provider(text: &str) -> Provider {
        Provider::of(&yaml::parse(text, FileId(0)).unwrap().remove(0))
    }

    #[test]
    fn custom_roles_and_generated_role_settings() {
        let p = provider("provider:\n  iam:\n    role: arn:aws:iam::1:role/x\n");
        assert_eq!(
            p.custom_role().and_then(Node::as_str),
            Some("arn:aws:iam::1:role/x")
        );
        let p = provider(
            "provider:\n  iam:\n    role:\n      statements: []\n      managedPolicies: [a]\n",
        );
        assert!(p.custom_role().is_none());
        assert_eq!(p.statements().len(), 1);
        assert!(p.managed_policies().is_some());
        let p = provider("provider:\n  role: {'Fn::GetAtt': [R, Arn]}\n  iamRoleStatements: []\n");
        assert!(p.custom_role().is_some());
        assert_eq!(p.statements()[0].0, "provider.iamRoleStatements");
    }

    #[test]
    fn provider_names_and_tracing() {
        assert!(provider("provider: {name: aws}\n").is_aws());
        assert!(provider("provider: {runtime: x}\n").is_aws());
        assert!(!provider("provider: {name: google}\n").is_aws());
        let p = provider("provider: {tracing: {lambda: true}}\n");
        assert_eq!(p.lambda_tracing().unwrap().as_str(), Some("Active"));
    }

    #[test]
    fn maps_merge_key_by_key() {
        let doc = yaml::parse("a: {X: '1', Y: '2'}\nb: {Y: '3'}\n", FileId(0))
            .unwrap()
            .remove(0);
        let m = merge_maps(doc.get("a"), doc.get("b")).unwrap();
        assert_eq!(m.to_json(), serde_json::json!({"X": "1", "Y": "3"}));
        assert_eq!(
            num(Some(&Node::string("30", Span::default())))
                .unwrap()
                .to_json(),
            30
        );
    }
}
