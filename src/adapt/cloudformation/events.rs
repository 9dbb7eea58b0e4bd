//! `AWS::Events::Rule`: an `event_rules` item with its targets, and the
//! functions it invokes marked asynchronously invoked.
//!
//! A target's account is read from its `Arn` as written, before
//! resolution: `!Sub ...:${AWS::AccountId}:event-bus/x` (or a `!Join` with
//! `!Ref AWS::AccountId`) names the deploying account even though its value
//! is only known at deploy time.

use super::{Adapter, Res};
use crate::adapt::event_target::{self, HOLE, OWN};
use crate::model::collections::EventRule;
use crate::parse::{Map, Node, Value};

pub(crate) fn rule(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut item = EventRule::new(r.head());
    item.event_bus = a.link_or_value(r.get("EventBusName"));
    item.role = a.link_or_value(r.get("RoleArn"));
    let raw_targets = r
        .def
        .get_path(&["Properties", "Targets"])
        .and_then(Node::as_seq);
    match r.get("Targets") {
        Some(Node {
            value: Value::Seq(targets),
            span,
        }) => {
            let mut out = Vec::new();
            for (i, t) in targets.iter().enumerate() {
                let raw = raw_targets
                    .and_then(|ts| ts.get(i))
                    .and_then(|t| t.get("Arn"));
                out.push(target(a, t, raw));
            }
            item.targets = Some(Node::seq(out, *span));
        }
        other => item.targets = other.cloned(),
    }
    a.model.add(item);
}

fn target(a: &mut Adapter<'_, '_>, t: &Node, raw_arn: Option<&Node>) -> Node {
    let arn = t.get("Arn");
    if let Some(f) = a.link(arn) {
        let id = f.as_str().unwrap_or("");
        if a.type_of(id).is_some_and(|ty| ty.contains("Function")) {
            a.updates.push(crate::adapt::async_invoked(&f));
        }
    }
    let written = raw_arn
        .and_then(|n| text(a, n, 0))
        .or_else(|| arn.and_then(Node::as_str).map(str::to_string));
    let (bus_account, own_account) = match (written, arn) {
        (Some(text), Some(arn)) => event_target::fields(
            &text,
            arn.span,
            "the event bus's account is only known at deploy time",
            arn.has_supplied(),
        ),
        _ => (None, None),
    };
    event_target::target(
        t.span,
        &[
            ("id", t.get("Id").cloned()),
            ("arn", a.link_or_value(arn)),
            ("role", a.link_or_value(t.get("RoleArn"))),
            ("bus_account", bus_account),
            ("own_account", own_account),
        ],
    )
}

/// The ARN as text, the deploying account's id as [`OWN`] and any other
/// unknown part as [`HOLE`]; `None` when it is not built from strings.
fn text(a: &Adapter<'_, '_>, n: &Node, depth: usize) -> Option<String> {
    if depth > 8 {
        return None;
    }
    if let Value::String(s) = &n.value {
        return Some(s.as_str().to_owned());
    }
    let m = n.as_map().filter(|m| m.len() == 1)?;
    let e = m.entries.first()?;
    match (e.key.as_str(), &e.value.value) {
        ("Ref", Value::String(name)) if name == "AWS::AccountId" => Some(OWN.to_string()),
        ("Fn::Sub", _) => sub(a, &e.value, depth),
        ("Fn::Join", Value::Seq(args)) => {
            let delim = args.first()?.as_str()?;
            let parts = args.get(1)?.as_seq()?;
            let texts: Vec<String> = parts
                .iter()
                .map(|p| text(a, p, depth + 1).unwrap_or_else(|| HOLE.to_string()))
                .collect();
            Some(texts.join(delim))
        }
        _ => resolved(a, n),
    }
}

/// A value resolved as the template would: its text, or [`HOLE`].
fn resolved(a: &Adapter<'_, '_>, n: &Node) -> Option<String> {
    let v = a.ctx.resolve(n)?;
    Some(match &v.value {
        Value::String(s) => s.as_str().to_owned(),
        Value::Number(x) => x.to_string(),
        _ => HOLE.to_string(),
    })
}

fn sub(a: &Adapter<'_, '_>, arg: &Node, depth: usize) -> Option<String> {
    let (template, vars) = match &arg.value {
        Value::String(s) => (s.as_str(), None),
        Value::Seq(items) => (
            items.first()?.as_str()?,
            items.get(1).and_then(Node::as_map),
        ),
        _ => return None,
    };
    let mut out = String::new();
    let mut rest = template;
    while let Some(pos) = rest.find("${") {
        out.push_str(rest.get(..pos)?);
        let after = rest.get(pos + 2..)?;
        let Some(end) = after.find('}') else {
            out.push_str(rest.get(pos..)?);
            return Some(out);
        };
        let var = after.get(..end)?;
        rest = after.get(end + 1..)?;
        if let Some(lit) = var.strip_prefix('!') {
            out.push_str("${");
            out.push_str(lit);
            out.push('}');
            continue;
        }
        let piece = match vars.and_then(|m| m.get(var)) {
            Some(v) => text(a, v, depth + 1).unwrap_or_else(|| HOLE.to_string()),
            None if var == "AWS::AccountId" => OWN.to_string(),
            None if var.contains('.') => HOLE.to_string(),
            None => {
                let mut m = Map::default();
                m.insert("Ref", arg.span, Node::string(var, arg.span));
                resolved(a, &Node::map(m, arg.span)).unwrap_or_else(|| HOLE.to_string())
            }
        };
        out.push_str(&piece);
    }
    out.push_str(rest);
    Some(out)
}
