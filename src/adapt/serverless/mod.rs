//! The Serverless Framework adapter: one `serverless.yml` (v3/v4) in, one
//! [`Model`] out. Variables are resolved first ([`resolve`]), provider-level
//! defaults flow into functions ([`provider`], [`functions`]), events become
//! routes, schedules and event-source mappings ([`events`]), the
//! serverless-step-functions plugin's state machines ([`step_functions`]),
//! and the `resources:` section goes through the CloudFormation adapter
//! ([`cfn`]).

mod cfn;
mod events;
mod files;
mod functions;
mod provider;
mod resolve;
mod step_functions;
mod syntax;
mod usage_plan;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::adapt::cloudformation::{self, Adapter, Context};
use crate::adapt::secrets;
use crate::model::{Format, Header, Model};
use crate::parse::{Entry, Node, Value};
use crate::source::{FileId, Span};

pub use resolve::{resolve, Resolved};

/// What the adapter may know from outside the file.
#[derive(Debug, Default, Clone)]
pub struct Env {
    /// `--resolve-env`: resolve `${env:NAME}` from the scanner's environment.
    /// Off by default: resolving it can leak CI secrets into reports.
    pub resolve_env: bool,
    /// `${file(...)}` may only read files below this directory (the scan
    /// root or repository); `None` means the service file's own directory.
    pub root: Option<PathBuf>,
    /// `${opt:name}` values (`--sls-opt stage=prod`).
    pub options: BTreeMap<String, String>,
    /// Region from outside (unused by most services).
    pub region: Option<(String, Span)>,
    /// Templates of the scan by canonical path: a `${file()}` naming one
    /// reads it under its own file id, so findings on what it holds point
    /// into it (other included files take the use site's span).
    pub fragments: std::sync::Arc<BTreeMap<std::path::PathBuf, FileId>>,
}

/// Largest service file re-read for line numbers in `via` messages.
const MAX_TEXT_BYTES: u64 = 16 << 20;

/// Adapt one parsed service file at `path`. Also returns the secrets found.
pub fn adapt(doc: &Node, file: FileId, path: &Path, env: &Env) -> (Model, Vec<secrets::Found>) {
    // The text only serves `used at line N` in messages; the scan has it,
    // but the adapter's signature takes the tree, so read it again.
    let text = std::fs::metadata(path)
        .ok()
        .filter(|m| m.len() <= MAX_TEXT_BYTES)
        .and_then(|_| std::fs::read_to_string(path).ok());
    adapt_text(doc, file, path, text.as_deref(), env)
}

/// [`adapt`] with the file's text given.
pub fn adapt_text(
    doc: &Node,
    file: FileId,
    path: &Path,
    text: Option<&str>,
    env: &Env,
) -> (Model, Vec<secrets::Found>) {
    let resolved = resolve(doc, file, path, text, env);
    let svc = Service::new(&resolved.doc, doc, env);
    let fragments = resolved.fragments.clone();
    let mut found = Vec::new();
    if !svc.provider.is_aws() {
        // Other clouds' services are not modelled; their functions still
        // get headers so suppression comments are checked.
        let mut model = Model::new(Format::Serverless, file);
        model.headers = svc.headers();
        model.notes = resolved.notes;
        model.fragments = fragments;
        return (model, found);
    }

    let generated = svc.generated();
    let section = cfn::Section::collect(&resolved.doc, &generated);
    let template = section.template(&generated, resolved.doc.span);
    let (mut model, cfn_found, facts) = cfn::adapt(&template, file, &generated);
    model.format = Format::Serverless;
    found.extend(cfn_found);

    let mut ctx = Context {
        mappings: template.get("Mappings"),
        conditions: template.get("Conditions"),
        region: svc.region.as_ref().map(|(r, _)| r.clone()),
        ..Context::default()
    };
    let types: BTreeMap<String, String> = template
        .get("Resources")
        .and_then(Node::as_map)
        .map(|m| {
            m.entries
                .iter()
                .filter_map(|e| {
                    Some((
                        e.key.as_str().to_owned(),
                        e.value.get("Type")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    ctx.resources = types.keys().cloned().collect();

    let mut a = Adapter {
        ctx: &ctx,
        model: &mut model,
        types: &types,
        implicit_apis: BTreeSet::new(),
        globals: None,
        updates: Vec::new(),
    };
    functions::adapt(&mut a, &svc, &section.overrides);
    step_functions::adapt(&mut a, &svc);
    events::adapt(&mut a, &svc, &section.overrides);
    functions::deployment_bucket(&mut a, &svc);

    let rename = svc.function_names();
    cfn::merge_facts(&mut model, facts, &rename);
    cfn::rename_references(&mut model, &rename);
    if let Some((region, span)) = &svc.region {
        cloudformation::push_region(&mut model, region, "provider", None, *span);
    } else if let Some(unknown) = svc.provider.get("region").filter(|r| r.is_unknown()) {
        // `${env:AWS_REGION, 'us-east-1'}` not resolved, `${param:region}`:
        // whatever region is deployed to is not known here.
        crate::adapt::push_unknown_region(&mut model, "aws", unknown, "provider", None);
    }
    functions::arn_regions(&mut model, &svc);

    let mut headers = svc.headers();
    headers.append(&mut model.headers);
    model.headers = headers;
    svc.scan_secrets(&mut model, &mut found);
    dedup_secrets(&mut model);
    secrets::mark_sensitive_names(&mut model, None);
    model.notes.extend(resolved.notes);
    model.via = resolved.via;
    model.fragments = fragments;
    (model, found)
}

/// The resolved service: its provider, functions and derived names.
pub(crate) struct Service<'a> {
    pub doc: &'a Node,
    /// The document as written (secrets are reported where written).
    pub raw: &'a Node,
    pub provider: provider::Provider,
    pub functions: Vec<&'a Entry>,
    pub raw_functions: Vec<&'a Entry>,
    /// `stepFunctions.stateMachines` (empty unless the plugin is listed).
    pub state_machines: Vec<&'a Entry>,
    pub raw_state_machines: Vec<&'a Entry>,
    /// `service` (a string, or `service.name` in the old object form).
    pub name: Option<String>,
    pub stage: Option<String>,
    pub region: Option<(String, Span)>,
    /// The names listed in `plugins:` (or `plugins.modules`).
    pub plugins: BTreeSet<String>,
}

/// The plugins a service declares: `plugins: [...]`, or
/// `plugins: {modules: [...]}`.
fn plugins(doc: &Node) -> BTreeSet<String> {
    let plugins = doc.get("plugins");
    let list = plugins.and_then(|p| p.get("modules")).or(plugins);
    list.and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .filter_map(Node::as_str)
        .map(|n| n.trim().to_string())
        .collect()
}

/// The entries of `functions:` (a map, or a list of maps since v3).
fn function_entries(doc: &Node) -> Vec<&Entry> {
    match doc.get("functions").map(|n| &n.value) {
        Some(Value::Map(m)) => m.entries.iter().collect(),
        Some(Value::Seq(items)) => items
            .iter()
            .filter_map(Node::as_map)
            .flat_map(|m| m.entries.iter())
            .collect(),
        _ => Vec::new(),
    }
}

impl<'a> Service<'a> {
    fn new(doc: &'a Node, raw: &'a Node, env: &Env) -> Self {
        let provider = provider::Provider::of(doc);
        let name = match doc.get("service") {
            Some(n) => n
                .as_str()
                .or_else(|| n.get("name").and_then(Node::as_str))
                .map(str::to_string),
            None => None,
        };
        let stage = match env.options.get("stage") {
            Some(s) => Some(s.clone()),
            None => match provider.get("stage") {
                Some(s) => s.as_str().map(str::to_string),
                None => Some("dev".to_string()),
            },
        };
        let region = match env.options.get("region") {
            Some(r) => Some((r.clone(), provider.span)),
            None => match provider.get("region") {
                Some(r) => r.as_str().map(|s| (s.to_string(), r.span)),
                None => match &env.region {
                    Some(r) => Some(r.clone()),
                    None => Some(("us-east-1".to_string(), provider.span)),
                },
            },
        };
        let plugins = plugins(doc);
        let step_functions = plugins.contains(step_functions::PLUGIN);
        let (state_machines, raw_state_machines) = match step_functions {
            true => (step_functions::entries(doc), step_functions::entries(raw)),
            false => (Vec::new(), Vec::new()),
        };
        Service {
            doc,
            raw,
            provider,
            functions: function_entries(doc),
            raw_functions: function_entries(raw),
            state_machines,
            raw_state_machines,
            plugins,
            name,
            stage,
            region,
        }
    }

    /// Whether `plugins:` lists `name`.
    pub fn has_plugin(&self, name: &str) -> bool {
        self.plugins.contains(name)
    }

    /// The logical ids the Framework generates that the template may use.
    fn generated(&self) -> Vec<cfn::Generated> {
        let span = self.provider.span;
        let mut out = Vec::new();
        for e in &self.functions {
            let n = normalize(&e.key);
            out.push((
                format!("{n}LambdaFunction"),
                "AWS::Lambda::Function",
                e.key_span,
            ));
            out.push((format!("{n}LogGroup"), "AWS::Logs::LogGroup", e.key_span));
            let events = e.value.get("events").and_then(Node::as_seq);
            for (id, name) in events
                .into_iter()
                .flatten()
                .filter_map(events::created_topic)
            {
                if !out.iter().any(|(g, _, _)| *g == id) {
                    out.push((id, "AWS::SNS::Topic", name.span));
                }
            }
            if e.value.get("iamRoleStatements").is_some() {
                out.push((
                    format!("{n}IamRoleLambdaExecution"),
                    "AWS::IAM::Role",
                    e.key_span,
                ));
            }
        }
        for e in &self.state_machines {
            let id = step_functions::logical_id(e);
            out.push((id, "AWS::StepFunctions::StateMachine", e.key_span));
            if let Some(role) = step_functions::role_id(e) {
                out.push((role, "AWS::IAM::Role", e.key_span));
            }
        }
        out.push(("IamRoleLambdaExecution".into(), "AWS::IAM::Role", span));
        out.push(("ServerlessDeploymentBucket".into(), "AWS::S3::Bucket", span));
        out.push(("ApiGatewayRestApi".into(), "AWS::ApiGateway::RestApi", span));
        out.push(("HttpApi".into(), "AWS::ApiGatewayV2::Api", span));
        out.push(("WebsocketsApi".into(), "AWS::ApiGatewayV2::Api", span));
        out
    }

    /// Generated function logical id → function key.
    fn function_names(&self) -> BTreeMap<String, String> {
        self.functions
            .iter()
            .map(|e| {
                (
                    format!("{}LambdaFunction", normalize(&e.key)),
                    e.key.as_str().to_owned(),
                )
            })
            .collect()
    }

    /// One header per function, so `# faasguard:ignore` above a function
    /// key covers its findings.
    fn headers(&self) -> Vec<Header> {
        let functions = self.raw_functions.iter().map(|e| Header {
            id: e.key.as_str().to_owned(),
            key: e.key_span,
            body: e.key_span.join(e.value.span),
        });
        // State machines are items under their logical id.
        let machines = self.raw_state_machines.iter().map(|e| Header {
            // The id from the resolved entry (`name: ${self:...}`).
            id: self
                .state_machines
                .iter()
                .find(|r| r.key == e.key)
                .map_or_else(
                    || step_functions::logical_id(e),
                    |r| step_functions::logical_id(r),
                ),
            key: e.key_span,
            body: e.key_span.join(e.value.span),
        });
        functions.chain(machines).collect()
    }

    /// Secrets in the file as written: each literal is reported once, where
    /// it is written, not again where a variable copies it.
    fn scan_secrets(&self, model: &mut Model, found: &mut Vec<secrets::Found>) {
        for e in &self.raw_functions {
            secrets::scan_values(model, &e.key, "", None, &e.value, None, found);
        }
        for section in ["provider", "custom", "params"] {
            if let Some(n) = self.raw.get(section) {
                secrets::scan_values(model, section, "", None, n, None, found);
            }
        }
    }
}

/// Hardcoded secrets found twice at one place (a `custom:` value copied
/// into `resources:` by a variable) are one finding.
fn dedup_secrets(model: &mut Model) {
    let mut seen = BTreeSet::new();
    model
        .items_mut("hardcoded_secrets")
        .retain(|n| seen.insert(n.span));
}

/// The Framework's logical-id form of a function key: first letter upper
/// case, `-` → `Dash`, `_` → `Underscore`, other symbols dropped.
pub(crate) fn normalize(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        match c {
            '-' => out.push_str("Dash"),
            '_' => out.push_str("Underscore"),
            c if c.is_ascii_alphanumeric() => {
                if i == 0 {
                    out.push(c.to_ascii_uppercase());
                } else {
                    out.push(c);
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
