//! `faasguard merge`: joins the JSON or SARIF reports of several scans (the
//! shards of a matrix job, the repositories of an organisation) into one,
//! deduplicated and in the same deterministic order a single scan uses.

use std::collections::BTreeMap;

use serde_json::{json, Value};

/// A set of reports that cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    #[error("cannot merge a faasguard JSON report with a SARIF report ({0})")]
    Mixed(String),
    #[error("nothing to merge")]
    Empty,
}

/// Which kind of report a document is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Json,
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
        Kind::Json => Ok((Kind::Json, merge_json(docs))),
        Kind::Sarif => Ok((Kind::Sarif, merge_sarif(docs))),
    }
}

fn sort_key(f: &Value) -> (String, u64, u64, String, String, String, String) {
    let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
    (
        s("file"),
        f["start"]["line"].as_u64().unwrap_or(0),
        f["start"]["column"].as_u64().unwrap_or(0),
        s("rule_id"),
        s("resource"),
        s("path"),
        s("message"),
    )
}

fn merge_json(docs: &[(String, Value)]) -> Value {
    let mut findings: BTreeMap<(String, String, u64), Value> = BTreeMap::new();
    let mut diagnostics: Vec<Value> = Vec::new();
    let mut stats: BTreeMap<String, u64> = BTreeMap::new();
    let mut tool = json!({"name": "faasguard", "version": env!("CARGO_PKG_VERSION")});
    let mut suppressed: BTreeMap<String, Value> = BTreeMap::new();
    let mut unknowns: Vec<Value> = Vec::new();
    let mut scope: Option<Value> = None;
    let mut rule_set: Option<Value> = None;
    let mut config: Option<Value> = None;
    for (_, doc) in docs {
        if let Some(t) = doc.get("tool") {
            tool = t.clone();
        }
        for f in doc["suppressed"].as_array().into_iter().flatten() {
            suppressed.entry(f.to_string()).or_insert_with(|| f.clone());
        }
        if let Some(sc) = doc.get("scope").filter(|v| v.is_object()) {
            scope = Some(match scope.take() {
                None => sc.clone(),
                Some(mut acc) => {
                    merge_scope(&mut acc, sc);
                    acc
                }
            });
        }
        // Shards of one scan share the rule set and configuration.
        if rule_set.is_none() {
            rule_set = doc.get("rule_set").cloned();
        }
        if config.is_none() {
            config = doc.get("config").cloned();
        }
        for f in doc["findings"].as_array().into_iter().flatten() {
            let key = (
                f["fingerprint"].as_str().unwrap_or("").to_string(),
                f["file"].as_str().unwrap_or("").to_string(),
                f["start"]["line"].as_u64().unwrap_or(0),
            );
            findings.entry(key).or_insert_with(|| f.clone());
        }
        // Checks that could not be decided, once each.
        for u in doc["unknowns"].as_array().into_iter().flatten() {
            if !unknowns.contains(u) {
                unknowns.push(u.clone());
            }
        }
        for d in doc["diagnostics"].as_array().into_iter().flatten() {
            if !diagnostics.contains(d) {
                diagnostics.push(d.clone());
            }
        }
        for k in ["files_scanned", "resources", "files_failed"] {
            *stats.entry(k.to_string()).or_default() += doc["summary"][k].as_u64().unwrap_or(0);
        }
    }
    let mut findings: Vec<Value> = findings.into_values().collect();
    findings.sort_by_key(sort_key);
    diagnostics.sort_by_key(|d| d.to_string());
    let mut by_severity = serde_json::Map::new();
    for s in ["critical", "high", "low", "medium"] {
        let n = findings.iter().filter(|f| f["severity"] == s).count();
        by_severity.insert(s.into(), json!(n));
    }
    let mut summary = serde_json::Map::new();
    for (k, v) in stats {
        summary.insert(k, json!(v));
    }
    summary.insert("findings".into(), json!(findings.len()));
    summary.insert("by_severity".into(), Value::Object(by_severity));
    let mut suppressed: Vec<Value> = suppressed.into_values().collect();
    suppressed.sort_by_key(sort_key);
    summary.insert("suppressed".into(), json!(suppressed.len()));
    let mut out = json!({
        "format_version": crate::report::json::FORMAT_VERSION,
        "tool": tool,
        "summary": summary,
        "findings": findings,
        "diagnostics": diagnostics,
        "suppressed": suppressed,
    });
    if !unknowns.is_empty() {
        unknowns.sort_by_key(|u| {
            let s = |k: &str| u[k].as_str().unwrap_or("").to_string();
            (
                s("file"),
                u["start"]["line"].as_u64(),
                u["start"]["column"].as_u64(),
                s("rule_id"),
            )
        });
        out["unknowns"] = Value::Array(unknowns);
    }
    for (key, value) in [("scope", scope), ("rule_set", rule_set), ("config", config)] {
        if let Some(v) = value {
            out[key] = v;
        }
    }
    out
}

/// Add one report's scope to another: counts add up, lists are joined.
fn merge_scope(acc: &mut Value, more: &Value) {
    match (acc, more) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(existing) => merge_scope(existing, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            *a = (a.as_u64().unwrap_or(0) + b.as_u64().unwrap_or(0)).into();
        }
        (Value::Array(a), Value::Array(b)) => {
            for v in b {
                if !a.contains(v) {
                    a.push(v.clone());
                }
            }
            a.sort_by_key(|v| v.to_string());
        }
        _ => {}
    }
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
