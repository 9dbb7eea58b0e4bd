//! Regions in use by a Terraform unit: provider configurations (`provider
//! "aws" { region }`, also aliases, and `provider "google" { region }`),
//! per-resource `region`/`location` arguments (AWS, Azure, Google Cloud),
//! DynamoDB replicas, S3 replication destinations, and regions named in ARNs
//! (not those the service imposes: see [`crate::adapt::arn`]).

use super::res::present;
use super::{cloud_of, Adapter};
use crate::model::Model;
use crate::parse::Node;
use crate::terraform::Mode;

/// A resource's own identifiers: their region is its provider's, already counted.
const OWN_IDS: &[&str] = &[
    "arn",
    "id",
    "invoke_arn",
    "qualified_arn",
    "qualified_invoke_arn",
];

pub(crate) fn collect(a: &mut Adapter<'_, '_>) {
    for p in &a.unit.providers {
        let cloud = match p.name.as_str() {
            "aws" => "aws",
            "google" | "google-beta" => "gcp",
            _ => continue,
        };
        let Some(region) = present(p.values.get("region")) else {
            continue;
        };
        // Named like a plan's provider key (`aws.west`, `module.app:aws`);
        // the default provider of the root module needs no name.
        let key = match &p.alias {
            Some(alias) => format!("{}.{alias}", p.name),
            None => p.name.clone(),
        };
        let label = match (p.alias.is_some(), p.module.is_empty()) {
            (_, false) => Some(format!("{}:{key}", p.module)),
            (true, true) => Some(key),
            (false, true) => None,
        };
        match region.as_str() {
            Some(code) => push(a.model, cloud, code, "provider", label.as_deref(), region),
            None if region.is_unknown() => crate::adapt::push_unknown_region(
                a.model,
                cloud,
                region,
                "provider",
                label.as_deref(),
            ),
            None => {}
        }
    }
    let mut arns: Vec<(String, String, Node)> = Vec::new();
    for r in &a.unit.resources {
        if r.mode != Mode::Managed {
            continue;
        }
        let cloud = cloud_of(&r.type_);
        let arg = match cloud {
            "azure" => "location",
            "gcp" if present(r.values.get("region")).is_none() => "location",
            "aws" | "gcp" => "region",
            _ => continue,
        };
        if let Some(v) = present(r.values.get(arg)) {
            if v.is_unknown() {
                crate::adapt::push_unknown_region(a.model, cloud, v, "property", Some(&r.address));
            }
            if let Some(s) = v.as_str() {
                let code = normalize(cloud, s);
                // Multi-region GCP locations (`US`, `EU`) are no region.
                if cloud != "gcp" || code.contains('-') {
                    push(a.model, cloud, &code, "property", Some(&r.address), v);
                }
            }
        }
        if cloud != "aws" {
            continue;
        }
        let Some(m) = r.values.as_map() else { continue };
        let fields = m
            .entries
            .iter()
            .filter(|e| !OWN_IDS.contains(&e.key.as_str()))
            .map(|e| (e.key.as_str(), &e.value));
        for (reg, n) in crate::adapt::arn::regions_in(&r.type_, fields) {
            arns.push((reg.to_string(), r.address.clone(), n.clone()));
        }
    }
    let mut derived: Vec<(&str, String, String, Node)> = Vec::new();
    for (collection, field, source) in [
        ("tables", "replica_regions", "replica"),
        ("buckets", "replication_regions", "replication"),
    ] {
        for item in a.model.items(collection) {
            let id = crate::model::item_id(item).unwrap_or_default().to_string();
            for reg in item.get(field).and_then(Node::as_seq).unwrap_or(&[]) {
                if let Some(s) = reg.as_str() {
                    derived.push((source, s.to_string(), id.clone(), reg.clone()));
                }
            }
        }
    }
    for (source, region, id, n) in derived {
        push(a.model, "aws", &region, source, Some(&id), &n);
    }
    arns.sort_by(|x, y| (x.2.span, &x.0).cmp(&(y.2.span, &y.0)));
    for (region, id, n) in arns {
        push(a.model, "aws", &region, "arn", Some(&id), &n);
    }
}

/// Azure writes locations as display names too (`West Europe` → `westeurope`).
pub(crate) fn normalize(cloud: &str, s: &str) -> String {
    match cloud {
        "azure" => s
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect(),
        _ => s.trim().to_string(),
    }
}

fn push(
    model: &mut Model,
    cloud: &'static str,
    region: &str,
    source: &str,
    resource: Option<&str>,
    at: &Node,
) {
    crate::adapt::push_region(model, cloud, region, source, resource, at.span);
}
