//! The SAM and CloudFormation adapter: one template in, one [`Model`] out.
//!
//! Order matters: SAM `Globals` are merged into each serverless resource
//! first, then intrinsics are resolved per resource, then each resource type
//! maps to its model items ([`resources`], [`sam`]), and last the
//! cross-resource facts (failure destinations, async invocation, regions) are
//! filled in.

mod appsync;
mod cdk;
mod edge;
mod events;
mod foreach;
mod identity;
mod intrinsics;
mod platform;
mod resources;
mod sam;
pub(crate) mod samconfig;
mod storage;
mod table_protection;
mod throttling;

use std::collections::BTreeSet;

pub use crate::adapt::arn::{arn_region, is_region_code};
use crate::adapt::secrets;
use crate::model::collections::{Api, Head, Parameter, Resource, Update};
use crate::model::{Format, Header, Ignore, Model};
use crate::parse::{Map, Node, Value};
use crate::source::{FileId, Span};

pub use cdk::{nested_stacks, NestedStack};
pub use intrinsics::{reference_of, Context};

/// What the adapter may know from outside the template.
#[derive(Debug, Default, Clone)]
pub struct Env {
    /// Region from `samconfig.toml`, with the span of its value there.
    pub region: Option<(String, Span)>,
}

/// Adapt one parsed template. Also returns the secrets found in it (for
/// redaction in every output).
pub fn adapt(doc: &Node, file: FileId, env: &Env) -> (Model, Vec<secrets::Found>) {
    // `Fn::ForEach` loops first: everything below sees the resources they generate.
    let expanded = foreach::expand(doc);
    let (doc, loop_notes) = match &expanded {
        Some((d, notes)) => (d, notes.clone()),
        None => (doc, Vec::new()),
    };
    let sam = is_sam(doc);
    let mut model = Model::new(
        if sam {
            Format::Sam
        } else {
            Format::CloudFormation
        },
        file,
    );
    model.notes.extend(loop_notes);
    let empty = Map::default();
    let resources = doc
        .get("Resources")
        .and_then(Node::as_map)
        .unwrap_or(&empty);

    // A list parameter's `Ref` is a list (`CommaDelimitedList`, `List<...>`),
    // though its default is written as one comma-separated string.
    let list_defaults: std::collections::BTreeMap<&str, Node> = doc
        .get("Parameters")
        .and_then(Node::as_map)
        .map(|params| {
            params
                .entries
                .iter()
                .filter_map(|e| list_default(&e.value).map(|d| (e.key.as_str(), d)))
                .collect()
        })
        .unwrap_or_default();
    let mut ctx = Context {
        mappings: doc.get("Mappings"),
        conditions: doc.get("Conditions"),
        region: env.region.as_ref().map(|(r, _)| r.clone()),
        ..Context::default()
    };
    if let Some(params) = doc.get("Parameters").and_then(Node::as_map) {
        for e in &params.entries {
            let default = list_defaults
                .get(e.key.as_str())
                .or_else(|| e.value.get("Default"));
            ctx.parameters.insert(e.key.as_str().to_owned(), default);
            model.add(parameter(&e.key, e.key_span, &e.value));
            model.headers.push(header(e));
        }
    }
    for e in &resources.entries {
        model.headers.push(header(e));
        model.ignores.extend(metadata_ignores(&e.key, &e.value));
    }
    model.constructs.extend(cdk::construct_paths(resources));
    ctx.resources = resources
        .entries
        .iter()
        .map(|e| e.key.as_str().to_owned())
        .collect();
    let types: std::collections::BTreeMap<String, String> = resources
        .entries
        .iter()
        .filter_map(|e| {
            let t = e.value.get("Type")?.as_str()?;
            Some((e.key.as_str().to_owned(), t.to_string()))
        })
        .collect();

    let globals = doc.get("Globals");
    let mut adapter = Adapter {
        ctx: &ctx,
        model: &mut model,
        types: &types,
        implicit_apis: BTreeSet::new(),
        globals,
        updates: Vec::new(),
    };
    // The unit's time limit is checked per resource (crate::deadline): a
    // huge template is stopped here, and the scan reports it.
    let mut stopped = false;
    for e in &resources.entries {
        if crate::deadline::passed(e.key_span) {
            stopped = true;
            break;
        }
        adapter.resource(&e.key, e.key_span, &e.value);
    }
    adapter.finish();
    if stopped {
        return (model, Vec::new());
    }

    if let Some((region, span)) = &env.region {
        push_region(&mut model, region, "samconfig", None, *span);
    }
    collect_arn_regions(&mut model);

    // Secrets are looked for in the template as written, not as resolved, so
    // a parameter default is reported once, where it is written.
    let mut found = Vec::new();
    if let Some(params) = doc.get("Parameters").and_then(Node::as_map) {
        for e in &params.entries {
            if let Some(d) = e.value.get("Default") {
                secrets::scan_values(
                    &mut model,
                    &e.key,
                    "default",
                    Some(&e.key),
                    d,
                    None,
                    &mut found,
                );
            }
        }
    }
    for e in &resources.entries {
        if let Some(p) = e.value.get("Properties") {
            // An SSM parameter's `Value` is named by its `Name` (`/app/db/password`).
            if e.value.get("Type").and_then(Node::as_str) == Some("AWS::SSM::Parameter") {
                if let (Some(name), Some(v)) =
                    (p.get("Name").and_then(Node::as_str), p.get("Value"))
                {
                    let key = name.rsplit('/').next().unwrap_or(name);
                    let base = "properties.Value";
                    secrets::scan_values(&mut model, &e.key, base, Some(key), v, None, &mut found);
                }
            }
            secrets::scan_values(&mut model, &e.key, "properties", None, p, None, &mut found);
        }
    }
    if let Some(g) = globals {
        secrets::scan_values(&mut model, "Globals", "", None, g, None, &mut found);
    }
    secrets::mark_sensitive_names(&mut model, None);
    (model, found)
}

/// The default of a list-typed parameter as a list node (items spanning the
/// default as written), or `None` for other parameters.
pub(super) fn list_default(def: &Node) -> Option<Node> {
    let t = def.get("Type").and_then(Node::as_str)?;
    if t != "CommaDelimitedList" && !t.starts_with("List<") {
        return None;
    }
    let d = def.get("Default")?;
    let s = d.as_str()?;
    Some(Node::seq(
        foreach::split_list(s)
            .into_iter()
            .map(|item| Node::string(item, d.span))
            .collect(),
        d.span,
    ))
}

/// True for templates using the SAM transform (or SAM resource types).
pub fn is_sam(doc: &Node) -> bool {
    let names_sam = |n: &Node| n.as_str().is_some_and(|s| s.starts_with("AWS::Serverless"));
    match doc.get("Transform") {
        Some(t) if names_sam(t) => return true,
        Some(Node {
            value: Value::Seq(items),
            ..
        }) if items.iter().any(names_sam) => return true,
        _ => {}
    }
    doc.get("Resources")
        .and_then(Node::as_map)
        .is_some_and(|r| {
            r.iter().any(|(_, v)| {
                v.get("Type")
                    .and_then(Node::as_str)
                    .is_some_and(|t| t.starts_with("AWS::Serverless::"))
            })
        })
}

fn header(e: &crate::parse::Entry) -> Header {
    Header {
        id: e.key.as_str().to_owned(),
        key: e.key_span,
        body: e.key_span.join(e.value.span),
    }
}

/// The entries of a resource's `Metadata.faasguard.ignore` (a list, or a
/// single map), taken as written: the suppress stage validates them.
fn metadata_ignores(id: &str, def: &Node) -> Vec<Ignore> {
    let Some(list) = def.get_path(&["Metadata", "faasguard", "ignore"]) else {
        return Vec::new();
    };
    let entries: Vec<&Node> = match &list.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![list],
    };
    let text = |n: &Node| match &n.value {
        Value::String(s) => Some(s.as_str().to_owned()),
        Value::Number(x) => Some(x.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    entries
        .into_iter()
        .map(|entry| {
            let field = |k: &str| entry.get(k).and_then(|n| text(n).map(|t| (t, n.span)));
            let unknown_keys = entry
                .as_map()
                .map(|m| {
                    m.entries
                        .iter()
                        .filter(|e| !matches!(e.key.as_str(), "id" | "reason" | "until"))
                        .map(|e| (e.key.as_str().to_owned(), e.key_span))
                        .collect()
                })
                .unwrap_or_default();
            Ignore {
                resource: id.to_string(),
                rules: field("id"),
                reason: field("reason").map(|(r, _)| r),
                until: field("until"),
                unknown_keys,
                span: entry.span,
            }
        })
        .collect()
}

fn parameter(name: &str, key_span: Span, def: &Node) -> Parameter {
    let mut item = Parameter::new(Head::aws(name, "AWS::CloudFormation::Parameter", key_span));
    item.parameter_type = def.get("Type").cloned();
    item.default = def.get("Default").cloned();
    item.no_echo = def
        .get("NoEcho")
        .map(|n| Node::bool(n.as_bool().unwrap_or(false), n.span));
    item
}

/// State shared while adapting one template's resources.
pub(crate) struct Adapter<'a, 'm> {
    pub ctx: &'a Context<'a>,
    pub model: &'m mut Model,
    /// Logical id → resource type, for linking.
    pub types: &'a std::collections::BTreeMap<String, String>,
    /// Implicit SAM APIs to create (`ServerlessRestApi`, `ServerlessHttpApi`),
    /// with the span of the first event that needs them.
    pub implicit_apis: BTreeSet<(String, Span)>,
    pub globals: Option<&'a Node>,
    /// Facts one resource adds to another item, applied once all exist.
    pub updates: Vec<Update>,
}

impl Adapter<'_, '_> {
    fn resource(&mut self, id: &str, key_span: Span, def: &Node) {
        let Some(type_) = def.get("Type").and_then(Node::as_str) else {
            return;
        };
        // Resources whose condition is known false are not deployed.
        if let Some(cond) = def.get("Condition").and_then(Node::as_str) {
            if self.ctx.condition(cond, &mut Vec::new()) == Some(false) {
                return;
            }
        }
        let mut props = def
            .get("Properties")
            .cloned()
            .unwrap_or_else(|| Node::map(Map::default(), key_span));
        if type_.starts_with("AWS::Serverless::") {
            sam::merge_globals(self.globals, type_, &mut props);
        }
        let props = self
            .ctx
            .resolve(&props)
            .unwrap_or_else(|| Node::map(Map::default(), key_span));

        let mut raw = Resource::new(Head::aws(id, type_, key_span));
        raw.properties = Some(props.clone());
        // The language extensions let these be intrinsics (`!If`, `!Ref`).
        let policy = |key: &str| def.get(key).and_then(|v| self.ctx.resolve(v));
        raw.deletion_policy = policy("DeletionPolicy");
        raw.update_replace_policy = policy("UpdateReplacePolicy");
        self.model.add(raw);

        let r = Res {
            id,
            type_,
            span: key_span,
            props: &props,
            def,
        };
        if type_.starts_with("AWS::Serverless::") {
            sam::adapt(self, &r);
        } else {
            resources::adapt(self, &r);
        }
        edge::adapt(self, &r);
        storage::adapt(self, &r);
        throttling::adapt(self, &r);
        appsync::adapt(self, &r);
        platform::adapt(self, &r);
    }

    /// The logical id that a resolved value refers to, when it is a resource
    /// of this template.
    pub fn link(&self, n: Option<&Node>) -> Option<Node> {
        let n = n?;
        let id = match &n.value {
            Value::String(s) if self.types.contains_key(s.as_str()) => s.as_str(),
            _ => reference_of(n).filter(|r| self.types.contains_key(*r))?,
        };
        Some(Node::string(id, n.span))
    }

    /// Like [`Adapter::link`], but keeps the original value (an ARN, an
    /// unknown) when it names nothing in the template.
    pub fn link_or_value(&self, n: Option<&Node>) -> Option<Node> {
        self.link(n).or_else(|| n.cloned())
    }

    pub fn type_of(&self, id: &str) -> Option<&str> {
        self.types.get(id).map(String::as_str)
    }

    fn finish(&mut self) {
        sam::finish(self);
        resources::finish(self);
        identity::finish(self);
        let mut updates = std::mem::take(&mut self.updates);
        updates.extend(crate::adapt::further_stage_updates(self.model));
        self.model.apply(updates);
    }

    /// Record `stage` (a stage resource, or a deployment that creates one)
    /// as a stage of `api`: an item of its own (`stage_of` the API), so a
    /// finding about the stage names the resource that declares it, as the
    /// peers do. Returns the stage's item id.
    pub fn add_stage(&mut self, api: &str, stage: &str, type_: &str, span: Span) -> String {
        let mut item = Api::new(Head::new(stage, api, type_, "aws", span));
        item.stage_of = Some(Node::string(api, span));
        self.model.add(item);
        stage.to_string()
    }

    /// Managed policy ARNs attached to `owner`: AWS managed ones are expanded
    /// into what they grant; all are listed on the owner.
    pub fn attach_managed(&mut self, owner: &str, arns: Option<&Node>) {
        let Some(arns) = arns else { return };
        let list = crate::adapt::iam::as_array(arns);
        for (i, arn) in list.as_seq().unwrap_or(&[]).iter().enumerate() {
            let id = format!("{owner}/ManagedPolicy/{i}");
            let policy =
                crate::adapt::managed_policy::attached(&id, "AWS::IAM::ManagedPolicy", owner, arn);
            if let Some(p) = policy {
                self.model.add(p);
            }
        }
    }
}

/// Numbers from numbers or numeric strings; anything else as it is.
pub(crate) fn num(n: Option<&Node>) -> Option<Node> {
    let n = n?;
    Some(match (&n.value, n.as_f64()) {
        (Value::String(_), Some(f)) => match serde_json::Number::from_f64(f) {
            Some(_) if f.fract() == 0.0 && f.abs() < 9.0e15 => Node::number(f as i64, n.span),
            Some(x) => Node::number(x, n.span),
            None => n.clone(),
        },
        _ => n.clone(),
    })
}

/// Booleans from booleans or `"true"`/`"false"` strings.
pub(crate) fn boolean(n: Option<&Node>) -> Option<Node> {
    let n = n?;
    Some(match n.as_bool() {
        Some(b) => Node::bool(b, n.span),
        None => n.clone(),
    })
}

/// One resource being adapted.
pub(crate) struct Res<'a> {
    pub id: &'a str,
    pub type_: &'a str,
    /// The logical id key: where findings about missing properties point.
    pub span: Span,
    /// Properties with Globals merged and intrinsics resolved.
    pub props: &'a Node,
    /// The raw resource definition (for `Metadata`, `DependsOn`, and a
    /// `!Sub` template as written).
    pub def: &'a Node,
}

impl Res<'_> {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.props.get(key)
    }

    pub fn path(&self, path: &[&str]) -> Option<&Node> {
        self.props.get_path(path)
    }

    /// The head of a typed item built from this resource.
    pub fn head(&self) -> Head {
        Head::aws(self.id, self.type_, self.span)
    }
}

/// Record a region in use.
pub(crate) fn push_region(
    model: &mut Model,
    region: &str,
    source: &str,
    resource: Option<&str>,
    span: Span,
) {
    crate::adapt::push_region(model, "aws", region, source, resource, span);
}

/// Regions named in ARNs anywhere in the resources' properties
/// (`arn:aws:sqs:eu-west-1:...`), but not those the service imposes (see
/// [`crate::adapt::arn`]).
fn collect_arn_regions(model: &mut Model) {
    let mut found: Vec<(String, String, Span)> = Vec::new();
    for res in model.items("resources") {
        let id = crate::model::item_id(res).unwrap_or("");
        let type_ = res.get("type").and_then(Node::as_str).unwrap_or("");
        let Some(props) = res.get("properties").and_then(Node::as_map) else {
            continue;
        };
        for (region, n) in crate::adapt::arn::regions_in(type_, props.iter()) {
            found.push((region.to_string(), id.to_string(), n.span));
        }
    }
    found.sort_by(|a, b| (a.2, &a.0).cmp(&(b.2, &b.0)));
    for (region, id, span) in found {
        push_region(model, &region, "arn", Some(&id), span);
    }
}
