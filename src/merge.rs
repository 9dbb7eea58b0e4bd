//! `faasguard merge`: joins the JSON or SARIF reports of several scans (the
//! shards of a matrix job, the repositories of an organisation) into one,
//! deduplicated and in the same deterministic order a single scan uses.
//! JSON reports are read as the one [`Report`] type; SARIF stays a JSON
//! document (faasguard writes it, it does not read it as a type).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::report::json::{Finding, Report, Summary, Tool, FORMAT_VERSION};
use crate::scope::Scope;

/// A set of reports that cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A report that is neither kind, or a JSON report that cannot be read.
    #[error("{path}: {message}")]
    Input {
        /// The report, as given (`merged report` when writing the result failed).
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// JSON and SARIF reports given together; the report named is the first of the other kind.
    #[error("cannot merge a faasguard JSON report with a SARIF report ({0})")]
    Mixed(String),
    /// No report given.
    #[error("nothing to merge")]
    Empty,
}

/// Which kind of report a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A faasguard JSON report (it has `format_version`).
    Json,
    /// A SARIF log (it has `runs`).
    Sarif,
}

fn kind_of(v: &Value) -> Option<Kind> {
    if v.get("runs").is_some() {
        Some(Kind::Sarif)
    } else if v.get("format_version").is_some() {
        Some(Kind::Json)
    } else {
        None
    }
}

/// Merge documents (path, parsed JSON) of one kind.
pub fn merge(docs: &[(String, Value)]) -> Result<(Kind, Value), MergeError> {
    let mut kind = None;
    for (path, doc) in docs {
        let k = kind_of(doc).ok_or_else(|| MergeError::Input {
            path: path.clone(),
            message: "not a faasguard JSON or SARIF report".into(),
        })?;
        match kind {
            None => kind = Some(k),
            Some(prev) if prev != k => return Err(MergeError::Mixed(path.clone())),
            _ => {}
        }
    }
    match kind.ok_or(MergeError::Empty)? {
        Kind::Json => Ok((Kind::Json, merge_json(docs)?)),
        Kind::Sarif => Ok((Kind::Sarif, merge_sarif(docs))),
    }
}

/// Join JSON reports: findings once each (by fingerprint and place), in
/// the report's order ([`Report::sort`]); counts summed; scopes joined; the
/// rule set and configuration of the first report that has them (shards of
/// one scan share both).
fn merge_json(docs: &[(String, Value)]) -> Result<Value, MergeError> {
    let mut reports = Vec::new();
    for (path, doc) in docs {
        let report = Report::from_value(doc.clone()).map_err(|e| MergeError::Input {
            path: path.clone(),
            message: e.to_string(),
        })?;
        reports.push(report);
    }
    let out = merge_reports(reports);
    serde_json::to_value(out).map_err(|e| MergeError::Input {
        path: "merged report".into(),
        message: e.to_string(),
    })
}

/// Several reports as one.
pub fn merge_reports(reports: Vec<Report>) -> Report {
    let mut out = Report {
        format_version: FORMAT_VERSION,
        tool: Tool::this(),
        summary: Summary::default(),
        findings: Vec::new(),
        suppressed: Vec::new(),
        baseline: None,
        baseline_commit: None,
        unknowns: Vec::new(),
        diagnostics: Vec::new(),
        scope: None,
        rule_set: None,
        config: None,
        dependencies: None,
    };
    let mut findings: BTreeMap<(String, String, u32), Finding> = BTreeMap::new();
    for r in reports {
        out.tool = r.tool;
        for f in r.suppressed {
            if !out.suppressed.contains(&f) {
                out.suppressed.push(f);
            }
        }
        if let Some(sc) = r.scope {
            match &mut out.scope {
                None => out.scope = Some(sc),
                Some(acc) => merge_scope(acc, sc),
            }
        }
        out.rule_set = out.rule_set.or(r.rule_set);
        out.config = out.config.or(r.config);
        for f in r.findings {
            let key = (f.fingerprint.clone(), f.file.clone(), f.start.line);
            findings.entry(key).or_insert(f);
        }
        // Checks that could not be decided, once each.
        for u in r.unknowns {
            if !out.unknowns.contains(&u) {
                out.unknowns.push(u);
            }
        }
        for d in r.diagnostics {
            if !out.diagnostics.contains(&d) {
                out.diagnostics.push(d);
            }
        }
        let (s, more) = (&mut out.summary, &r.summary);
        s.files_scanned += more.files_scanned;
        s.resources += more.resources;
        s.files_failed += more.files_failed;
        s.modules_unscanned += more.modules_unscanned;
        s.resources_unscanned += more.resources_unscanned;
    }
    out.findings = findings.into_values().collect();
    out.sort();
    out.diagnostics
        .sort_by_cached_key(|d| serde_json::to_string(d).unwrap_or_default());
    let suppressed = out.suppressed.len();
    out.summary.count(&out.findings, suppressed);
    out
}

/// Add one report's scope to another: counts add up, lists are joined
/// (sorted, once each).
fn merge_scope(acc: &mut Scope, more: Scope) {
    for p in more.paths {
        if !acc.paths.contains(&p) {
            acc.paths.push(p);
        }
    }
    acc.paths.sort();
    for (format, n) in more.files {
        *acc.files.entry(format).or_default() += n;
    }
    for (format, clouds) in more.items {
        let a = acc.items.entry(format).or_default();
        for (cloud, kinds) in clouds {
            let a = a.entry(cloud).or_default();
            for (kind, n) in kinds {
                *a.entry(kind).or_default() += n;
            }
        }
    }
    for f in more.functions {
        if !acc.functions.contains(&f) {
            acc.functions.push(f);
        }
    }
    acc.functions.sort();
}

fn merge_sarif(docs: &[(String, Value)]) -> Value {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    let mut results: BTreeMap<(String, String, String), Value> = BTreeMap::new();
    let mut notifications: Vec<Value> = Vec::new();
    let mut driver = json!({});
    let mut successful = true;
    for (_, doc) in docs {
        for run in doc["runs"].as_array().into_iter().flatten() {
            let d = &run["tool"]["driver"];
            if driver.as_object().is_none_or(|o| o.is_empty()) {
                driver = d.clone();
            }
            for r in d["rules"].as_array().into_iter().flatten() {
                let id = r["id"].as_str().unwrap_or("").to_string();
                rules.entry(id).or_insert_with(|| r.clone());
            }
            for res in run["results"].as_array().into_iter().flatten() {
                let key = (
                    res["ruleId"].as_str().unwrap_or("").to_string(),
                    res["partialFingerprints"]["primaryLocationLineHash"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                    res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                        .as_str()
                        .unwrap_or("")
                        .to_string(),
                );
                results.entry(key).or_insert_with(|| res.clone());
            }
            for inv in run["invocations"].as_array().into_iter().flatten() {
                successful &= inv["executionSuccessful"].as_bool().unwrap_or(true);
                for n in inv["toolExecutionNotifications"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    if !notifications.contains(n) {
                        notifications.push(n.clone());
                    }
                }
            }
        }
    }
    let rules: Vec<Value> = rules.into_values().collect();
    let index: BTreeMap<String, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r["id"].as_str().unwrap_or("").to_string(), i))
        .collect();
    let mut results: Vec<Value> = results.into_values().collect();
    let loc = |r: &Value| {
        let p = &r["locations"][0]["physicalLocation"];
        (
            p["artifactLocation"]["uri"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            p["region"]["startLine"].as_u64().unwrap_or(0),
            p["region"]["startColumn"].as_u64().unwrap_or(0),
            r["ruleId"].as_str().unwrap_or("").to_string(),
        )
    };
    results.sort_by_key(loc);
    for r in &mut results {
        if let Some(i) = r["ruleId"].as_str().and_then(|id| index.get(id)) {
            r["ruleIndex"] = json!(i);
        }
    }
    notifications.sort_by_key(|n| n.to_string());
    driver["rules"] = Value::Array(rules);
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{
                "executionSuccessful": successful,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixed_kinds_are_refused() {
        let docs = vec![
            (
                "a".to_string(),
                json!({"format_version": 1, "findings": []}),
            ),
            ("b".to_string(), json!({"runs": []})),
        ];
        assert!(matches!(merge(&docs), Err(MergeError::Mixed(_))));
        assert!(matches!(merge(&[]), Err(MergeError::Empty)));
    }
}
