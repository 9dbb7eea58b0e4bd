//! SARIF 2.1.0 for GitHub code scanning: every rule in `tool.driver.rules`
//! with help and `security-severity`, every result with the region of the
//! offending value and a content-based `primaryLocationLineHash`, URIs
//! relative to the scan root, files that failed to parse as
//! `toolExecutionNotifications`.

use serde_json::{json, Value};

use super::{locate, locate_diagnostics, locate_suppressed, Located};
use crate::finding::Level;
use crate::rule::{Rule, Severity};
use crate::scan::Outcome;
use crate::suppress::Kind;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// `FG-IAM-001` → `AllowWildcardAction` from the package's last segment.
fn rule_name(r: &Rule) -> String {
    let last = r.package.rsplit('.').next().unwrap_or(&r.meta.id);
    last.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_json(r: &Rule) -> Value {
    let mut markdown = format!("**{}** ({})\n\n", r.meta.title, r.meta.id);
    if r.doc.is_empty() {
        markdown.push_str(&r.meta.remediation);
    } else {
        markdown.push_str(&r.doc);
    }
    let mut help_text = r.doc.clone();
    if help_text.is_empty() {
        help_text = r.meta.remediation.clone();
    }
    let mut out = json!({
        "id": r.meta.id,
        "name": rule_name(r),
        "shortDescription": {"text": r.meta.title},
        "fullDescription": {"text": r.summary()},
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": level(r.meta.severity)},
        "properties": {
            "tags": ["security", r.meta.area.to_lowercase()],
            "security-severity": r.meta.severity.score(),
            "precision": "high",
            "problem.severity": level(r.meta.severity),
        },
    });
    if let Some(uri) = r.meta.references.first() {
        out["helpUri"] = json!(uri);
    }
    out
}

pub fn build(outcome: &Outcome) -> Value {
    let rules: Vec<&Rule> = outcome.rules.iter().collect();
    let mut results: Vec<Value> = locate(outcome)
        .iter()
        .map(|l| result_json(&rules, l))
        .collect();
    // Suppressed findings stay visible to auditors: same result, with the
    // suppression that accepted it.
    results.extend(locate_suppressed(outcome).iter().map(|s| {
        let mut result = result_json(&rules, &s.located);
        let mut suppression = json!({
            "kind": match s.suppression.origin.kind() {
                Kind::InSource => "inSource",
                Kind::External => "external",
            },
            "status": "accepted",
            "justification": s.suppression.justification,
        });
        if let Some((file, start)) = s.at {
            suppression["location"] = json!({"physicalLocation": {
                "artifactLocation": {"uri": uri(file), "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": start.line, "startColumn": start.column},
            }});
        }
        if let Some(until) = &s.suppression.until {
            suppression["properties"] = json!({"until": until});
        }
        result["suppressions"] = json!([suppression]);
        result
    }));
    let notifications: Vec<Value> = locate_diagnostics(outcome)
        .into_iter()
        .filter(|d| d.diagnostic.level >= Level::Warning)
        .map(|d| {
            let mut n = json!({
                "level": if d.diagnostic.level == Level::Error { "error" } else { "warning" },
                "message": {"text": d.diagnostic.message},
                "descriptor": {"id": d.diagnostic.code},
            });
            if let Some(file) = &d.diagnostic.file {
                let mut phys =
                    json!({"artifactLocation": {"uri": uri(file), "uriBaseId": "%SRCROOT%"}});
                if let Some(start) = d.start {
                    phys["region"] = json!({"startLine": start.line, "startColumn": start.column});
                }
                n["locations"] = json!([{"physicalLocation": phys}]);
            }
            n
        })
        .collect();
    let execution_successful = !outcome.diagnostics.iter().any(|d| d.code == "policy-error");
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "faasguard",
                "informationUri": "https://github.com/faasguard/faasguard",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| rule_json(r)).collect::<Vec<_>>(),
            }},
            "invocations": [{
                "executionSuccessful": execution_successful,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

/// One SARIF result.
fn result_json(rules: &[&Rule], l: &Located<'_>) -> Value {
    let f = l.finding;
    let index = rules.iter().position(|r| r.meta.id == f.rule_id);
    let mut loc = json!({
        "physicalLocation": {
            "artifactLocation": {"uri": uri(l.file), "uriBaseId": "%SRCROOT%"},
            "region": {
                "startLine": l.start.line,
                "startColumn": l.start.column,
                "endLine": l.end.line,
                "endColumn": l.end.column.max(if l.end.line == l.start.line { l.start.column + 1 } else { 1 }),
            }
        }
    });
    if let Some(res) = &f.resource {
        let mut logical = json!({"name": res, "kind": "resource"});
        if let Some(t) = &f.resource_type {
            logical["fullyQualifiedName"] = json!(format!("{t}/{res}"));
        }
        loc["logicalLocations"] = json!([logical]);
    }
    let mut result = json!({
        "ruleId": f.rule_id,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [loc],
        "partialFingerprints": {"primaryLocationLineHash": format!("{}:1", f.fingerprint)},
    });
    if let Some(i) = index {
        result["ruleIndex"] = json!(i);
    }
    if let Some(p) = &f.path {
        result["properties"] = json!({"modelPath": p});
    }
    result
}

/// A relative URI: `/` separators, percent-encoding what URIs cannot hold.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn render(outcome: &Outcome) -> String {
    let mut s = serde_json::to_string_pretty(&build(outcome)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(super::uri("a b/ü.yaml"), "a%20b/%C3%BC.yaml");
    }
}
