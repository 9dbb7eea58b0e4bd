//! The `serverless-step-functions` plugin: `stepFunctions.stateMachines`
//! become state machines (the items CloudFormation's
//! `AWS::StepFunctions::StateMachine` gives), with the execution role the
//! plugin generates when no `role` is named, its `iamRoleStatements`, and
//! `http` events as REST API routes. Read only when the plugin is listed in
//! `plugins:`: without it the Framework ignores the section.

use super::events;
use super::functions::push_statements;
use super::provider::{boolean, cfn, service_trust};
use super::{normalize, Service};
use crate::adapt::cloudformation::Adapter;
use crate::model::collections::{Head, Resource, Role, StateMachine};
use crate::model::map_of;
use crate::parse::{Entry, Node, Value};

pub(crate) const PLUGIN: &str = "serverless-step-functions";

/// The entries of `stepFunctions.stateMachines`.
pub(crate) fn entries(doc: &Node) -> Vec<&Entry> {
    doc.get_path(&["stepFunctions", "stateMachines"])
        .and_then(Node::as_map)
        .map(|m| {
            m.entries
                .iter()
                .filter(|e| e.value.as_map().is_some())
                .collect()
        })
        .unwrap_or_default()
}

/// The plugin's logical id: `id` or `name` normalized, else
/// `<Key>StepFunctionsStateMachine`.
pub(crate) fn logical_id(e: &Entry) -> String {
    let custom = ["id", "name"]
        .iter()
        .find_map(|k| e.value.get(k).and_then(Node::as_str));
    match custom {
        Some(c) => normalize(c),
        None => format!("{}StepFunctionsStateMachine", normalize(&e.key)),
    }
}

/// The role the plugin generates for a state machine without `role`.
pub(crate) fn role_id(e: &Entry) -> Option<String> {
    match e.value.get("role").filter(|n| !n.is_null()) {
        Some(_) => None,
        None => Some(format!("{}Role", logical_id(e))),
    }
}

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, svc: &Service<'_>) {
    for e in &svc.state_machines {
        state_machine(a, svc, e);
    }
}

fn state_machine(a: &mut Adapter<'_, '_>, svc: &Service<'_>, e: &Entry) {
    let def = &e.value;
    let own = |k: &str| def.get(k).filter(|n| !n.is_null());
    let id = logical_id(e);
    let name = own("name").and_then(Node::as_str).unwrap_or(&e.key);
    let span = e.key_span;
    let mut m = StateMachine::new(Head::new(
        &id,
        name,
        "AWS::StepFunctions::StateMachine",
        "aws",
        span,
    ));
    m.workflow_type = own("type").cloned();
    // The plugin's schema defaults `enabled` to false and `level` to OFF
    // when the block is written without them.
    if let Some(t) = own("tracingConfig") {
        let enabled = match t.get("enabled") {
            Some(v) => boolean(Some(v)),
            None if t.is_unknown() => Some(t.clone()),
            None => Some(Node::bool(false, t.span)),
        };
        m.tracing = enabled;
    }
    if let Some(l) = own("loggingConfig") {
        m.logging = Some(logging(a, l));
    }
    if let Some(enc) = own("encryptionConfig") {
        let node = match &enc.value {
            Value::Map(_) => {
                let mut fields = Vec::new();
                if let Some(v) = enc.get("Type") {
                    fields.push(("type", v.clone()));
                }
                if let Some(v) = enc.get("KmsKeyId") {
                    fields.push(("kms_key", cfn(a, Some(v)).unwrap_or_else(|| v.clone())));
                }
                map_of(fields, enc.span)
            }
            _ => enc.clone(),
        };
        m.encryption = Some(node);
    }
    m.definition = own("definition").and_then(|d| definition(a, d));

    let role = match own("role") {
        Some(r) => {
            let resolved = cfn(a, Some(r)).unwrap_or_else(|| r.clone());
            a.link_or_value(Some(&resolved)).unwrap_or(resolved)
        }
        None => {
            let role_id = format!("{id}Role");
            generated_role(a, e, &role_id);
            Node::string(role_id, span)
        }
    };
    m.role = Some(role);

    let mut evs = Vec::new();
    if let Some(list) = own("events").and_then(Node::as_seq) {
        for (i, ev) in list.iter().enumerate() {
            let Some(first) = ev.as_map().and_then(|m| m.entries.first()) else {
                continue;
            };
            evs.push(map_of(
                vec![
                    ("name", Node::string(i.to_string(), first.key_span)),
                    ("type", Node::string(first.key.clone(), first.key_span)),
                ],
                ev.span,
            ));
            if first.key == "http" {
                let route = format!("{id}/events/{i}");
                events::state_machine_route(a, svc, &route, &id, span, first);
            }
        }
    }
    m.events = Some(Node::seq(evs, def.span));
    a.model.add(m);

    let mut raw = Resource::new(Head::new(
        &id,
        name,
        "AWS::StepFunctions::StateMachine",
        "aws",
        span,
    ));
    raw.properties = Some(def.clone());
    a.model.add(raw);
}

/// `loggingConfig` in the shape CloudFormation's `LoggingConfiguration`
/// gives: `level` (`OFF` when not written, as the plugin defaults it) and
/// `destinations` as `[{CloudWatchLogsLogGroup: {LogGroupArn}}]`.
fn logging(a: &Adapter<'_, '_>, l: &Node) -> Node {
    if l.is_unknown() {
        return l.clone();
    }
    let level = l
        .get("level")
        .cloned()
        .unwrap_or_else(|| Node::string("OFF", l.span));
    let mut fields = vec![("level", level)];
    if let Some(d) = l.get("destinations") {
        let list = match &d.value {
            Value::Seq(items) => Node::seq(
                items
                    .iter()
                    .map(|arn| {
                        let arn = cfn(a, Some(arn)).unwrap_or_else(|| arn.clone());
                        let group = map_of(vec![("LogGroupArn", arn.clone())], arn.span);
                        map_of(vec![("CloudWatchLogsLogGroup", group)], arn.span)
                    })
                    .collect(),
                d.span,
            ),
            _ => d.clone(),
        };
        fields.push(("destinations", list));
    }
    map_of(fields, l.span)
}

/// The definition as a tree: written as YAML, or a JSON string (as
/// `DefinitionString` is read by the CloudFormation adapter).
fn definition(a: &Adapter<'_, '_>, d: &Node) -> Option<Node> {
    match &d.value {
        Value::String(text) => crate::parse::json::parse(text, d.span.file)
            .ok()
            .map(|mut n| {
                n.respan(d.span);
                n
            }),
        _ => Some(cfn(a, Some(d)).unwrap_or_else(|| d.clone())),
    }
}

/// `<Id>Role`, which Step Functions assumes; `iamRoleStatements` are added
/// to the statements the plugin derives from the definition's tasks (those
/// are not modelled: they grant what each task calls).
fn generated_role(a: &mut Adapter<'_, '_>, e: &Entry, role_id: &str) {
    let span = e.key_span;
    let mut role = Role::new(Head::aws(role_id, "AWS::IAM::Role", span));
    role.assume_role_policy = Some(service_trust("states.amazonaws.com", span));
    role.implicit = Some(Node::bool(true, span));
    a.model.add(role);
    if let Some(stmts) = e.value.get("iamRoleStatements").filter(|n| !n.is_null()) {
        let path = format!("stepFunctions.stateMachines.{}.iamRoleStatements", e.key);
        push_statements(a, role_id, &path, stmts);
    }
}
