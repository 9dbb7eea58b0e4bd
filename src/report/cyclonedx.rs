//! CycloneDX 1.6 JSON: the scan as a software bill of materials. Each
//! function is an `application` component; the packages locked by the
//! lockfiles in its code directory are `library` components it depends on
//! (`dependencies`); the advisories the dependency stage found are
//! `vulnerabilities` whose `affects` point at those packages.
//!
//! Packages are identified by their package URL, which is also their
//! `bom-ref`, so the same version locked by two functions is one component
//! with two dependents. The document carries no timestamp or serial
//! number: the same scan gives the same bytes, like the other formats.
//! Suppressed dependency findings are left out: an accepted advisory is
//! not one the BOM's consumers should act on.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::finding::{DependencyFacts, Finding};
use crate::outcome::Outcome;
use crate::rule::Severity;

/// The package URL of a locked package (purl spec types per ecosystem).
pub fn purl(ecosystem: &str, name: &str, version: &str) -> String {
    let (kind, name) = match ecosystem {
        "npm" => ("npm", name.replace('@', "%40")),
        // PyPI names are case-insensitive, `_` and `.` folding to `-`.
        "PyPI" => ("pypi", name.to_ascii_lowercase().replace(['_', '.'], "-")),
        "crates.io" => ("cargo", name.to_string()),
        "Go" => ("golang", name.to_string()),
        other => (other, name.to_string()),
    };
    format!("pkg:{kind}/{name}@{}", version.replace('@', "%40"))
}

/// A library component being assembled: who locks it, whether only to develop.
struct Library {
    name: String,
    version: String,
    ecosystem: &'static str,
    dev_only: bool,
    lockfiles: Vec<String>,
}

fn function_ref(file: &str, id: &str) -> String {
    format!("function:{file}#{id}")
}

pub(crate) fn build(outcome: &Outcome) -> Value {
    let inventory = &outcome.dependencies.inventory;
    let mut libraries: BTreeMap<String, Library> = BTreeMap::new();
    for lock in inventory {
        for p in &lock.packages {
            let lib = libraries
                .entry(purl(p.ecosystem, &p.name, &p.version))
                .or_insert_with(|| Library {
                    name: p.name.clone(),
                    version: p.version.clone(),
                    ecosystem: p.ecosystem,
                    dev_only: true,
                    lockfiles: Vec::new(),
                });
            lib.dev_only &= p.dev;
            if !lib.lockfiles.contains(&lock.display) {
                lib.lockfiles.push(lock.display.clone());
            }
        }
    }
    let mut components = Vec::new();
    let mut dependencies = Vec::new();
    for f in &outcome.scope.functions {
        let bom_ref = function_ref(&f.file, &f.id);
        let mut properties = vec![
            json!({"name": "faasguard:file", "value": f.file}),
            json!({"name": "faasguard:format", "value": f.format}),
            json!({"name": "faasguard:cloud", "value": f.cloud}),
        ];
        if let Some(rt) = &f.runtime {
            properties.push(json!({"name": "faasguard:runtime", "value": rt}));
        }
        components.push(json!({
            "type": "application",
            "bom-ref": bom_ref,
            "name": f.id,
            "properties": properties,
        }));
        // A lockfile belongs to the functions whose code directory holds
        // it (the dependency stage decides; see `deps::functions_shipping`).
        let mut depends: Vec<String> = inventory
            .iter()
            .filter(|l| l.functions.contains(&f.id))
            .flat_map(|l| {
                l.packages
                    .iter()
                    .map(|p| purl(p.ecosystem, &p.name, &p.version))
            })
            .collect();
        depends.sort();
        depends.dedup();
        dependencies.push(json!({"ref": bom_ref, "dependsOn": depends}));
    }
    for (purl, lib) in &libraries {
        let mut c = json!({
            "type": "library",
            "bom-ref": purl,
            "name": lib.name,
            "version": lib.version,
            "purl": purl,
            "properties": lib.lockfiles.iter().map(|l| json!({"name": "faasguard:lockfile", "value": l}))
                .chain([json!({"name": "faasguard:ecosystem", "value": lib.ecosystem})])
                .collect::<Vec<_>>(),
        });
        if lib.dev_only {
            // Development-only packages are not shipped with the function.
            c["scope"] = json!("excluded");
        }
        components.push(c);
    }
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "tools": {"components": [{
                "type": "application",
                "name": "faasguard",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
        },
        "components": components,
        "dependencies": dependencies,
        "vulnerabilities": vulnerabilities(&outcome.findings, &libraries),
    })
}

/// One vulnerability per advisory, affecting every package version it was
/// found in, at the highest severity found.
fn vulnerabilities(findings: &[Finding], libraries: &BTreeMap<String, Library>) -> Vec<Value> {
    let mut by_advisory: BTreeMap<&str, (&DependencyFacts, Severity, Vec<String>)> =
        BTreeMap::new();
    for f in findings {
        let Some(d) = f.dependency.as_deref() else {
            continue;
        };
        let p = purl(&d.ecosystem, &d.package, &d.version);
        let entry = by_advisory
            .entry(d.advisory.as_str())
            .or_insert((d, f.severity, Vec::new()));
        entry.1 = entry.1.max(f.severity);
        // `affects` may only name components of this BOM.
        if libraries.contains_key(&p) && !entry.2.contains(&p) {
            entry.2.push(p);
        }
    }
    by_advisory
        .into_values()
        .map(|(d, severity, mut affects)| {
            affects.sort();
            let mut rating = json!({
                "source": {"name": "faasguard"},
                "severity": severity.as_str(),
            });
            if let Some(vector) = &d.cvss {
                let method = if vector.starts_with("CVSS:4") {
                    "CVSSv4"
                } else if vector.starts_with("CVSS:3.1") {
                    "CVSSv31"
                } else if vector.starts_with("CVSS:3") {
                    "CVSSv3"
                } else {
                    "other"
                };
                rating["method"] = json!(method);
                rating["vector"] = json!(vector);
            }
            let mut v = json!({
                "id": d.advisory,
                "source": {"name": "OSV", "url": d.url},
                "ratings": [rating],
                "description": d.summary,
                "affects": affects.iter().map(|r| json!({"ref": r})).collect::<Vec<_>>(),
            });
            if !d.aliases.is_empty() {
                v["references"] = json!(d
                    .aliases
                    .iter()
                    .map(|a| json!({"id": a, "source": {"name": "OSV"}}))
                    .collect::<Vec<_>>());
            }
            if !d.fixed.is_empty() {
                v["recommendation"] =
                    json!(format!("Upgrade {} to {}", d.package, d.fixed.join(" or ")));
            }
            v
        })
        .collect()
}

/// The outcome as a CycloneDX 1.6 JSON document (the same scan gives the same bytes).
pub fn render(outcome: &Outcome) -> String {
    let mut s = serde_json::to_string_pretty(&build(outcome)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::purl;

    #[test]
    fn package_urls_follow_the_purl_types() {
        assert_eq!(
            purl("npm", "@aws-sdk/client-s3", "3.1.0"),
            "pkg:npm/%40aws-sdk/client-s3@3.1.0"
        );
        assert_eq!(purl("PyPI", "Py_JWT", "1.6.4"), "pkg:pypi/py-jwt@1.6.4");
        assert_eq!(purl("crates.io", "serde", "1.0.0"), "pkg:cargo/serde@1.0.0");
        assert_eq!(
            purl("Go", "golang.org/x/net", "v0.1.0"),
            "pkg:golang/golang.org/x/net@v0.1.0"
        );
    }
}
