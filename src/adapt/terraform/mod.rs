//! The Terraform adapter: one evaluated [`Unit`] (a module tree or a plan
//! file) in, one [`Model`] out. AWS, Azure and Google Cloud resources map to
//! the same items as CloudFormation's, so every rule applies unchanged.
//!
//! Order matters: every resource is first indexed (address → type, and the
//! names it is known by), then mapped by its provider's module ([`aws`],
//! [`aws_iam`], [`aws_data`], [`aws_api`], [`azure`], [`gcp`], [`gcp_iam`], [`gcp_storage`], [`identity`]); facts one
//! resource adds to another (a split `aws_s3_bucket_versioning`, an API
//! stage, an IAM attachment) are applied once all items exist; regions and
//! secrets come last.

mod aws;
mod aws_api;
mod aws_appsync;
mod aws_data;
mod aws_edge;
mod aws_events;
mod aws_iam;
mod aws_platform;
mod aws_storage;
mod azure;
mod azure_cors;
mod azure_data;
mod gcp;
mod gcp_iam;
mod gcp_storage;
mod identity;
mod key_stores;
mod managed_keys;
mod pinned_defaults;
mod regions;
mod res;
mod throttling;

use std::collections::BTreeMap;

use crate::adapt::secrets;
use crate::model::collections::{self, Update};
use crate::model::{Format, Header, Model};
use crate::parse::{Node, Value};
use crate::terraform::{Mode, Resource, Unit};

pub(crate) use res::Res;

/// Adapt one unit. Also returns the secrets found in it (for redaction).
pub fn adapt(unit: &Unit) -> (Model, Vec<secrets::Found>) {
    let mut model = Model::new(Format::Terraform, unit.main_file);
    model.via = unit.via.clone();
    model.notes = unit.notes.clone();
    let mut a = Adapter::new(unit, &mut model);
    a.run();
    let mut found = Vec::new();
    for r in &unit.resources {
        if r.mode == Mode::Data {
            continue;
        }
        // An SSM parameter's `value` is judged under its name's last segment.
        if r.type_ == "aws_ssm_parameter" {
            if let (Some(name), Some(v)) = (
                r.values.get("name").and_then(Node::as_str),
                r.values
                    .get("value")
                    .or_else(|| r.values.get("insecure_value")),
            ) {
                let key = name.rsplit('/').next().unwrap_or(name);
                let base = "properties.value";
                secrets::scan_values(
                    &mut model,
                    &r.address,
                    base,
                    Some(key),
                    v,
                    Some(&unit.documents),
                    &mut found,
                );
            }
        }
        let values = without_references(&r.values, 0);
        secrets::scan_values(
            &mut model,
            &r.address,
            "properties",
            None,
            &values,
            Some(&unit.documents),
            &mut found,
        );
    }
    // A remote module is not scanned, but a literal passed to it is in the
    // repository: a secret among its arguments is reported on the call.
    for (address, args) in &unit.remote_inputs {
        let values = without_references(args, 0);
        secrets::scan_values(
            &mut model,
            address,
            "inputs",
            None,
            &values,
            Some(&unit.documents),
            &mut found,
        );
    }
    scan_variables(unit, &mut model, &mut found);
    secrets::mark_sensitive_names(&mut model, Some(&unit.documents));
    azure::unmark_key_vault_references(&mut model);
    (model, found)
}

/// A variable's value (its default, or a tfvars value) is judged under the
/// variable's name, as a template parameter's default is. A secret a
/// resource already reported where it is used (the value keeps the span of
/// its definition) is reported there only, where the message says how it
/// got in; one no resource reports is reported on the variable.
fn scan_variables(unit: &Unit, model: &mut Model, found: &mut Vec<secrets::Found>) {
    let reported: std::collections::HashSet<crate::source::Span> = model
        .items("hardcoded_secrets")
        .iter()
        .map(|n| n.span)
        .collect();
    for v in &unit.variables {
        let id = variable_id(v);
        let value = without_references(&v.value, 0);
        secrets::scan_values(
            model,
            &id,
            "default",
            Some(&v.name),
            &value,
            Some(&unit.documents),
            found,
        );
    }
    model.items_mut("hardcoded_secrets").retain(|n| {
        let of_variable = n
            .get("resource")
            .and_then(Node::as_str)
            .is_some_and(|r| r.starts_with("var."));
        !(of_variable && reported.contains(&n.span))
    });
}

/// A root module input variable as a `parameters` item (`var.<name>`), its
/// `default` the value it has in this scan (tfvars, `--var`, else its
/// default). Rules read it as they read a template parameter: an account id
/// variable tells a unit its own account.
fn variable(v: &crate::terraform::Variable) -> collections::Parameter {
    let id = variable_id(v);
    let mut item = collections::Parameter::new(collections::Head::new(
        &id, &v.name, "variable", "other", v.span,
    ));
    item.parameter_type = v.type_.as_ref().map(|t| Node::string(t.as_str(), v.span));
    item.default = Some(v.value.clone());
    item
}

fn variable_id(v: &crate::terraform::Variable) -> String {
    format!("var.{}", v.name)
}

/// Blocks that name a secret held elsewhere (Google Secret Manager
/// references), and Azure Key Vault references: they hold no secret, so the
/// secret detector does not see them.
const SECRET_REFERENCE_BLOCKS: &[&str] = &["secret_environment_variables", "secret_volumes"];

fn without_references(n: &Node, depth: usize) -> Node {
    match &n.value {
        Value::String(s) if s.trim_start().starts_with("@Microsoft.KeyVault(") => {
            Node::null(n.span)
        }
        Value::Map(m) if depth < crate::parse::MAX_DEPTH => {
            let mut out = crate::parse::Map::default();
            for e in &m.entries {
                if !SECRET_REFERENCE_BLOCKS.contains(&e.key.as_str()) {
                    out.insert(
                        e.key.clone(),
                        e.key_span,
                        without_references(&e.value, depth + 1),
                    );
                }
            }
            Node::map(out, n.span)
        }
        Value::Seq(items) if depth < crate::parse::MAX_DEPTH => Node::seq(
            items
                .iter()
                .map(|i| without_references(i, depth + 1))
                .collect(),
            n.span,
        ),
        _ => n.clone(),
    }
}

/// The cloud a resource type belongs to, by its provider prefix.
pub(crate) fn cloud_of(type_: &str) -> &'static str {
    if type_.starts_with("azurerm_") || type_.starts_with("azapi_") {
        "azure"
    } else if type_.starts_with("google_") {
        "gcp"
    } else if type_.starts_with("aws_") {
        "aws"
    } else {
        "other"
    }
}

/// State shared while adapting one unit.
pub(crate) struct Adapter<'u, 'm> {
    pub unit: &'u Unit,
    pub model: &'m mut Model,
    /// Address → resource type, for linking.
    types: BTreeMap<&'u str, &'u str>,
    /// (type, literal name) → address: a resource named by a literal string
    /// (`function_name = "orders"`) still links to the block that creates it.
    names: BTreeMap<(&'u str, String), &'u str>,
    /// Facts one resource adds to another item, applied once all exist.
    pub updates: Vec<Update>,
    /// Items added to a list field of another item (`attached_to`,
    /// `replication_regions`), applied after the updates.
    pub appends: Vec<Update>,
}

/// Attributes that name a resource, per type, for linking by literal.
const NAME_ATTRS: &[&str] = &["function_name", "name", "bucket", "arn", "id", "url"];

impl<'u, 'm> Adapter<'u, 'm> {
    fn new(unit: &'u Unit, model: &'m mut Model) -> Self {
        let mut types = BTreeMap::new();
        let mut names = BTreeMap::new();
        for r in &unit.resources {
            types.insert(r.address.as_str(), r.type_.as_str());
            for attr in NAME_ATTRS {
                if let Some(s) = r.values.get(attr).and_then(Node::as_str) {
                    if !s.is_empty() {
                        names
                            .entry((r.type_.as_str(), s.to_string()))
                            .or_insert(r.address.as_str());
                    }
                }
            }
        }
        Adapter {
            unit,
            model,
            types,
            names,
            updates: Vec::new(),
            appends: Vec::new(),
        }
    }

    fn run(&mut self) {
        let unit = self.unit;
        for v in &unit.variables {
            self.model.add(variable(v));
            self.model.headers.push(Header {
                id: variable_id(v),
                key: v.span,
                body: v.span,
            });
        }
        for r in &unit.resources {
            self.model.headers.push(Header {
                id: r.address.clone(),
                key: r.span,
                body: r.span.join(r.body),
            });
            let cloud = cloud_of(&r.type_);
            let mut raw = collections::Resource::new(Res::new(r).head());
            raw.properties = Some(aws_data::http_request_values(unit, r));
            if r.mode == Mode::Data {
                raw.mode = Some(Node::string("data", r.span));
            }
            self.model.add(raw);
            let res = Res::new(r);
            match cloud {
                "aws" if r.mode == Mode::Managed => {
                    aws::adapt(self, &res);
                    aws_iam::adapt(self, &res);
                    aws_data::adapt(self, &res);
                    aws_api::adapt(self, &res);
                    throttling::adapt(self, &res);
                    aws_storage::adapt(self, &res);
                    aws_platform::adapt(self, &res);
                    aws_edge::adapt(self, &res);
                    aws_appsync::adapt(self, &res);
                    aws_events::adapt(self, &res);
                    identity::adapt(self, &res);
                }
                "azure" if r.mode == Mode::Managed => {
                    azure::adapt(self, &res);
                    azure_cors::adapt(self, &res);
                    key_stores::adapt(self, &res);
                }
                "gcp" if r.mode == Mode::Managed => {
                    gcp::adapt(self, &res);
                    gcp_iam::adapt(self, &res);
                    gcp_storage::adapt(self, &res);
                    key_stores::adapt(self, &res);
                    identity::adapt(self, &res);
                }
                _ => {}
            }
        }
        aws_api::finish(self);
        gcp::finish(self);
        let mut updates = std::mem::take(&mut self.updates);
        updates.extend(crate::adapt::further_stage_updates(self.model));
        self.model.apply(updates);
        let appends = std::mem::take(&mut self.appends);
        self.model.apply(appends);
        managed_keys::resolve(self);
        regions::collect(self);
    }

    pub fn type_of(&self, address: &str) -> Option<&'u str> {
        self.types.get(address).copied()
    }

    /// The address of a resource in this unit that `target` names: exactly,
    /// or the first instance of a `count`/`for_each` block (`x.y` → `x.y[0]`).
    fn resolve(&self, target: &str, types: &[&str]) -> Option<&'u str> {
        let ok = |t: &str| types.is_empty() || types.contains(&t);
        if let Some((k, t)) = self.types.get_key_value(target) {
            return ok(t).then_some(*k);
        }
        let prefix = format!("{target}[");
        self.types
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(|(k, _)| k.starts_with(&prefix))
            .find(|(_, t)| ok(t))
            .map(|(k, _)| *k)
    }

    /// The id of the resource (of one of `types`, any when empty) that
    /// argument `arg` of `r` refers to: through the expression's references,
    /// an unknown value's reference, or a literal name of such a resource.
    /// The node carries the argument value's span.
    pub fn link(
        &self,
        r: &Res<'_>,
        arg: &str,
        value: Option<&Node>,
        types: &[&str],
    ) -> Option<Node> {
        let span = value.map_or(r.span, |v| v.span);
        if let Some(refs) = r.r.refs.get(arg) {
            // Prefer the reference whose text the value is (one argument may
            // name several resources, `"${aws_s3_bucket.a.arn}/*"`).
            for t in refs {
                if let Some(addr) = self.resolve(t, types) {
                    return Some(Node::string(addr, span));
                }
            }
        }
        let v = value?;
        if let Value::Unknown(u) = &v.value {
            let addr = u
                .reference
                .as_deref()
                .and_then(|t| self.resolve(t, types))?;
            return Some(Node::string(addr, span));
        }
        let s = v.as_str()?;
        if let Some(addr) = self.resolve(s, types) {
            return Some(Node::string(addr, span));
        }
        let candidates: Vec<&str> = if types.is_empty() {
            self.types.values().copied().collect()
        } else {
            types.to_vec()
        };
        candidates.iter().find_map(|t| {
            let addr = self.names.get(&(*t, s.to_string()))?;
            Some(Node::string(*addr, span))
        })
    }

    /// [`Adapter::link`] of a top-level argument, keeping the value itself
    /// (an ARN, an unknown) when it names nothing in the unit.
    pub fn link_arg(&self, r: &Res<'_>, arg: &str, types: &[&str]) -> Option<Node> {
        let v = r.get(arg);
        self.link(r, arg, v, types).or_else(|| v.cloned())
    }

    /// The provider configuration a resource uses.
    pub fn provider_of(&self, r: &Resource) -> Option<&'u crate::terraform::Provider> {
        let (name, alias) = match r.provider.split_once('.') {
            Some((n, a)) => (n, Some(a)),
            None => (r.provider.as_str(), None),
        };
        let matches =
            |p: &&crate::terraform::Provider| p.name == name && p.alias.as_deref() == alias;
        let module = crate::terraform::plan::strip_instance_keys(&r.module);
        self.unit
            .providers
            .iter()
            .filter(matches)
            .find(|p| crate::terraform::plan::strip_instance_keys(&p.module) == module)
            .or_else(|| {
                self.unit
                    .providers
                    .iter()
                    .filter(matches)
                    .find(|p| p.module.is_empty())
            })
    }
}

#[cfg(test)]
mod tests;
