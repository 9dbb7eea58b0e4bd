//! SARIF 2.1.0 for GitHub code scanning: every rule in `tool.driver.rules`
//! with help and `security-severity`, every result with the region of the
//! offending value and a content-based `primaryLocationLineHash`, URIs
//! relative to the scan root, files that failed to parse as
//! `toolExecutionNotifications`.
//!
//! GitHub code scanning keeps at most 25,000 results per run and drops the
//! rest silently, so a larger report keeps the most severe [`MAX_RESULTS`]
//! (ties in the report's own order) and says what it left out in a
//! notification (`results-truncated`) rather than letting GitHub choose.
//!
//! Dependency findings get one `reportingDescriptor` per advisory (id
//! `PYSEC-2022-202`, name `FG-DEP-001`) after the faasguard rules, and their
//! results point at it: GitHub groups alerts by rule, so each advisory is
//! one alert group with its own title, help and severity, as in other
//! dependency scanners' SARIF.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::{locate, locate_diagnostics, locate_suppressed, Located};
use crate::finding::{DependencyFacts, Finding, Level};
use crate::outcome::Outcome;
use crate::rule::{Rule, Severity};
use crate::suppress::Kind;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Results GitHub code scanning accepts in one run.
pub const MAX_RESULTS: usize = 25_000;

/// Notification id of the note saying results were left out.
pub const TRUNCATED: &str = "results-truncated";

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
    // A reference may be a file of the repository (`docs/adr/...`); SARIF
    // wants an absolute URI here.
    let web = |u: &&String| u.starts_with("https://") || u.starts_with("http://");
    if let Some(uri) = r.meta.references.iter().find(web) {
        out["helpUri"] = json!(uri);
    }
    out
}

/// An advisory that dependency findings name, gathered over all of them.
struct Advisory<'a> {
    /// The first finding's facts (the advisory's own fields are the same in
    /// every finding that names it).
    facts: &'a DependencyFacts,
    /// `FG-DEP-001` or `FG-DEP-002`.
    rule: &'a str,
    /// The highest severity of its findings.
    severity: Severity,
    aliases: BTreeSet<&'a str>,
    /// (ecosystem, package) → fixed versions.
    packages: BTreeMap<(&'a str, &'a str), BTreeSet<&'a str>>,
}

/// The advisories of every dependency finding, standing or suppressed, by id.
fn advisories<'a>(findings: impl Iterator<Item = &'a Finding>) -> BTreeMap<&'a str, Advisory<'a>> {
    let mut out: BTreeMap<&str, Advisory<'_>> = BTreeMap::new();
    for f in findings {
        let Some(d) = f.dependency.as_deref() else {
            continue;
        };
        let a = out.entry(d.advisory.as_str()).or_insert_with(|| Advisory {
            facts: d,
            rule: &f.rule_id,
            severity: f.severity,
            aliases: BTreeSet::new(),
            packages: BTreeMap::new(),
        });
        a.severity = a.severity.max(f.severity);
        a.aliases.extend(d.aliases.iter().map(String::as_str));
        a.packages
            .entry((d.ecosystem.as_str(), d.package.as_str()))
            .or_default()
            .extend(d.fixed.iter().map(String::as_str));
    }
    out
}

fn advisory_json(a: &Advisory<'_>, rule: Option<&Rule>) -> Value {
    let d = a.facts;
    let aliases: Vec<&str> = a.aliases.iter().copied().collect();
    let packages: Vec<String> = a
        .packages
        .keys()
        .map(|(eco, name)| format!("{name} ({eco})"))
        .collect();
    let short = if d.summary.trim().is_empty() {
        match &d.informational {
            Some(kind) => format!("{} is {kind}", packages.join(", ")),
            None => format!("Vulnerable package: {}", packages.join(", ")),
        }
    } else {
        d.summary.trim().to_string()
    };
    let aka = if aliases.is_empty() {
        String::new()
    } else {
        format!(" ({})", aliases.join(", "))
    };
    let affects: Vec<String> = a
        .packages
        .iter()
        .map(|((eco, name), fixed)| match fixed.len() {
            0 => format!("{name} ({eco}, no fixed version known)"),
            _ => format!(
                "{name} ({eco}, fixed in {})",
                fixed.iter().copied().collect::<Vec<_>>().join(", ")
            ),
        })
        .collect();
    let full = format!(
        "{}{aka}: {short} Affects {}.",
        d.advisory,
        affects.join("; ")
    );
    let (title, remediation) = rule.map_or(("", ""), |r| {
        (r.meta.title.as_str(), r.meta.remediation.as_str())
    });
    let mut markdown = format!("**{}**{aka}: {}\n\n", d.advisory, short);
    markdown.push_str("| Package | Ecosystem | Fixed in |\n|---|---|---|\n");
    for ((eco, name), fixed) in &a.packages {
        let fixed = if fixed.is_empty() {
            "none known".to_string()
        } else {
            fixed.iter().copied().collect::<Vec<_>>().join(", ")
        };
        markdown.push_str(&format!(
            "| {} | {} | {} |\n",
            cell(name),
            cell(eco),
            cell(&fixed)
        ));
    }
    markdown.push_str(&format!(
        "\n{remediation}\n\nReported by faasguard rule {} ({title}).",
        a.rule
    ));
    let mut help_text = format!("{full}\n\n{remediation}");
    if is_web_url(&d.url) {
        markdown.push_str(&format!(" Advisory: <{}>", d.url));
        help_text.push_str(&format!("\n\nAdvisory: {}", d.url));
    }
    let mut tags: Vec<String> = vec!["security".into(), "dependency".into()];
    if let Some(kind) = &d.informational {
        tags.push(kind.clone());
    } else {
        tags.push("vulnerability".into());
    }
    tags.extend(
        aliases
            .iter()
            .filter(|x| x.starts_with("CVE-"))
            .map(|x| x.to_string()),
    );
    tags.dedup();
    let mut out = json!({
        "id": d.advisory,
        "name": a.rule,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": level(a.severity)},
        "properties": {
            "tags": tags,
            "security-severity": a.severity.score(),
            "precision": "high",
            "problem.severity": level(a.severity),
            "aliases": aliases,
        },
    });
    if is_web_url(&d.url) {
        out["helpUri"] = json!(d.url);
    }
    if let Some(cvss) = &d.cvss {
        out["properties"]["cvss"] = json!(cvss);
    }
    // The faasguard rule the advisory is a case of. By id only: `faasguard
    // merge` re-sorts the rules, and an index would go stale.
    if rule.is_some() {
        out["relationships"] = json!([{
            "target": {"id": a.rule},
            "kinds": ["relevant"],
        }]);
    }
    out
}

fn is_web_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// The rule a result reports under: its advisory for dependency findings.
fn result_rule(f: &Finding) -> &str {
    f.dependency
        .as_deref()
        .map_or(f.rule_id.as_str(), |d| d.advisory.as_str())
}

/// The outcome as one SARIF 2.1.0 run, at most [`MAX_RESULTS`] results (the most severe kept).
pub fn build(outcome: &Outcome) -> Value {
    build_limited(outcome, MAX_RESULTS)
}

/// How many results a SARIF report of this outcome leaves out.
pub fn dropped(outcome: &Outcome) -> usize {
    (outcome.findings.len() + outcome.suppressed.len()).saturating_sub(MAX_RESULTS)
}

/// The most severe `max` of `severities` (ties: the earlier), as a mask
/// over the input that keeps the report's order.
fn keep_most_severe(severities: &[Severity], max: usize) -> Vec<bool> {
    let mut keep = vec![true; severities.len()];
    if severities.len() <= max {
        return keep;
    }
    let mut order: Vec<usize> = (0..severities.len()).collect();
    // Stable: equal severities keep the report's deterministic order.
    order.sort_by(|a, b| severities[*b].cmp(&severities[*a]));
    for i in &order[max..] {
        keep[*i] = false;
    }
    keep
}

/// [`build`] with a cap other than GitHub's (tests).
pub fn build_limited(outcome: &Outcome, max_results: usize) -> Value {
    let mut descriptors: Vec<Value> = outcome.rules.iter().map(rule_json).collect();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, r) in outcome.rules.iter().enumerate() {
        index.entry(r.meta.id.as_str()).or_insert(i);
    }
    let all = outcome
        .findings
        .iter()
        .chain(outcome.suppressed.iter().map(|s| &s.finding));
    for (id, a) in advisories(all) {
        // An advisory id equal to a rule id cannot be told apart: such
        // results stay under the rule.
        if index.contains_key(id) {
            continue;
        }
        let rule = outcome.rules.iter().find(|r| r.meta.id == a.rule);
        index.insert(id, descriptors.len());
        descriptors.push(advisory_json(&a, rule));
    }
    let severities: Vec<Severity> = outcome
        .findings
        .iter()
        .chain(outcome.suppressed.iter().map(|s| &s.finding))
        .map(|f| f.severity)
        .collect();
    let keep = keep_most_severe(&severities, max_results);
    let mut results: Vec<Value> = locate(outcome)
        .iter()
        .map(|l| {
            let mut result = result_json(&index, l);
            // `--baseline-commit`: SARIF's own field for "new in this change".
            if let Some(pr) = &outcome.pr {
                result["baselineState"] = json!(pr.state(l.finding).as_str());
            }
            if let Some(fix) = fix_json(outcome, l) {
                result["fixes"] = json!([fix]);
            }
            result
        })
        .collect();
    // Suppressed findings stay visible to auditors: same result, with the
    // suppression that accepted it.
    results.extend(locate_suppressed(outcome).iter().map(|s| {
        let mut result = result_json(&index, &s.located);
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
    let total = results.len();
    let mut kept = keep.iter();
    results.retain(|_| kept.next().copied().unwrap_or(true));
    // Checks that could not be decided: for review, not alerts.
    results.extend(
        outcome
            .undecided
            .iter()
            .map(|u| undecided_json(outcome, &index, u)),
    );
    let mut notifications: Vec<Value> = locate_diagnostics(outcome)
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
    if results.len() < total {
        notifications.push(truncated_notification(&severities, &keep, total));
    }
    let execution_successful = !outcome.diagnostics.iter().any(|d| d.code == "policy-error");
    let mut run_properties = serde_json::Map::new();
    if let Some(pr) = &outcome.pr {
        // Fixed findings are not results (code scanning would show them as
        // alerts): the run says how many, and which, in its properties.
        run_properties.insert("baselineCommit".into(), json!(pr));
    }
    let mut run = json!({
            "tool": {"driver": {
                "name": "faasguard",
                "informationUri": "https://github.com/faasguard/faasguard",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": descriptors,
            }},
            "invocations": [{
                "executionSuccessful": execution_successful,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
    });
    if !run_properties.is_empty() {
        run["properties"] = Value::Object(run_properties);
    }
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    })
}

/// What was left out: how many of each severity, and where to find them.
fn truncated_notification(severities: &[Severity], keep: &[bool], total: usize) -> Value {
    let kept = keep.iter().filter(|k| **k).count();
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter_map(|s| {
            let n = severities
                .iter()
                .zip(keep)
                .filter(|(sev, k)| **sev == *s && !**k)
                .count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    json!({
        "level": "warning",
        "message": {"text": format!(
            "{} of {total} results left out ({}): GitHub code scanning keeps {kept} per run, \
             so the most severe were kept; `--format json` or `--format html` reports them all",
            total - kept,
            by_severity.join(", "),
        )},
        "descriptor": {"id": TRUNCATED},
        "properties": {"total": total, "kept": kept, "dropped": total - kept},
    })
}

/// One SARIF result.
fn result_json(rules: &BTreeMap<&str, usize>, l: &Located<'_>) -> Value {
    let f = l.finding;
    let rule_id = result_rule(f);
    let index = rules.get(rule_id);
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
        let mut logical = vec![logical];
        // CDK output: the construct path is where the user wrote the resource.
        if let Some(c) = &f.construct_path {
            logical.push(json!({
                "name": c.rsplit('/').find(|p| *p != "Resource").unwrap_or(c),
                "fullyQualifiedName": c,
                "kind": "module",
            }));
        }
        loc["logicalLocations"] = json!(logical);
    }
    let mut result = json!({
        "ruleId": rule_id,
        "level": level(f.severity),
        "message": {"text": f.message},
        "locations": [loc],
        "partialFingerprints": {"primaryLocationLineHash": format!("{}:1", f.fingerprint)},
    });
    if let Some(i) = index {
        result["ruleIndex"] = json!(i);
    }
    if !l.instantiated_by.is_empty() {
        let related: Vec<Value> = l
            .instantiated_by
            .iter()
            .enumerate()
            .map(|(n, (file, at, module))| {
                json!({
                    "id": n,
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(file), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": at.line, "startColumn": at.column},
                    },
                    "message": {"text": format!("instantiated by {module}")},
                })
            })
            .collect();
        result["relatedLocations"] = Value::Array(related);
    }
    let mut properties = serde_json::Map::new();
    if let Some(p) = &f.path {
        properties.insert("modelPath".into(), json!(p));
    }
    if let Some(d) = f.dependency.as_deref() {
        properties.insert("faasguardRule".into(), json!(f.rule_id));
        properties.insert("ecosystem".into(), json!(d.ecosystem));
        properties.insert("package".into(), json!(d.package));
        properties.insert("version".into(), json!(d.version));
        properties.insert("fixed".into(), json!(d.fixed));
        properties.insert("functions".into(), json!(d.functions));
        if d.dev {
            properties.insert("dev".into(), json!(true));
        }
    }
    if !properties.is_empty() {
        result["properties"] = Value::Object(properties);
    }
    result
}

/// A check a rule could not decide, as a result of kind `review` and level
/// `none` (GitHub code scanning does not raise an alert for it).
fn undecided_json(
    outcome: &Outcome,
    rules: &BTreeMap<&str, usize>,
    u: &crate::undecided::Undecided,
) -> Value {
    let (file, start, end) = super::position(outcome, u.span);
    let mut result = json!({
        "ruleId": u.rule_id,
        "kind": "review",
        "level": "none",
        "message": {"text": u.message()},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(file), "uriBaseId": "%SRCROOT%"},
                "region": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column.max(if end.line == start.line { start.column + 1 } else { 1 }),
                }
            }
        }],
        "partialFingerprints": {"primaryLocationLineHash": format!("{}:1", u.fingerprint(file))},
    });
    if let Some(i) = rules.get(u.rule_id.as_str()) {
        result["ruleIndex"] = json!(i);
    }
    if let Some(pr) = &outcome.pr {
        result["baselineState"] = json!(pr.unknown_state(u, &outcome.sources).as_str());
    }
    if let Some(res) = &u.resource {
        result["locations"][0]["logicalLocations"] = json!([{"name": res, "kind": "resource"}]);
    }
    let mut properties = serde_json::Map::new();
    properties.insert("reason".into(), json!(u.reason));
    if let Some(p) = &u.path {
        properties.insert("modelPath".into(), json!(p));
    }
    result["properties"] = Value::Object(properties);
    result
}

/// A finding's single-value fix as a SARIF `fix`: the value's exact region
/// and the text that replaces it ([`crate::fix`]).
fn fix_json(outcome: &Outcome, l: &Located<'_>) -> Option<Value> {
    let edit = crate::fix::edit(l.finding, &outcome.sources)?;
    let src = outcome.sources.get(edit.file)?;
    let (start, end) = (
        src.line_col(edit.start as u32),
        src.line_col(edit.end as u32),
    );
    let old = src.text.get(edit.start..edit.end).unwrap_or("");
    Some(json!({
        "description": {"text": format!("Replace {old} with {}", edit.text)},
        "artifactChanges": [{
            "artifactLocation": {"uri": uri(&src.display), "uriBaseId": "%SRCROOT%"},
            "replacements": [{
                "deletedRegion": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                },
                "insertedContent": {"text": edit.text},
            }],
        }],
    }))
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

/// [`build`], pretty-printed with a final newline.
pub fn render(outcome: &Outcome) -> String {
    let mut s = serde_json::to_string_pretty(&build(outcome)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(super::uri("a b/ü.yaml"), "a%20b/%C3%BC.yaml");
    }

    fn dep_finding(
        rule: &str,
        severity: Severity,
        advisory: &str,
        package: &str,
        fixed: &[&str],
    ) -> Finding {
        Finding {
            rule_id: rule.into(),
            severity,
            message: format!("{package} is affected by {advisory}"),
            span: Span {
                file: FileId(0),
                start: 0,
                end: 12,
            },
            resource: Some(format!("{package}@1.6.4")),
            resource_type: Some("PyPI package".into()),
            path: None,
            fingerprint: "0123456789abcdef".into(),
            fix: None,
            construct_path: None,
            instantiated_by: Vec::new(),
            replace: None,
            dependency: Some(Box::new(DependencyFacts {
                advisory: advisory.into(),
                aliases: vec!["GHSA-ffqj-6fqr-9h24".into(), "CVE-2022-29217".into()],
                summary: "PyJWT is a Python implementation of RFC 7519.".into(),
                url: format!("https://osv.dev/vulnerability/{advisory}"),
                cvss: None,
                informational: None,
                ecosystem: "PyPI".into(),
                package: package.into(),
                version: "1.6.4".into(),
                fixed: fixed.iter().map(|s| s.to_string()).collect(),
                functions: vec!["ApiFunction".into()],
                dev: false,
            })),
        }
    }

    #[test]
    fn one_descriptor_per_advisory_with_the_highest_severity() {
        let findings = [
            dep_finding(
                "FG-DEP-001",
                Severity::Medium,
                "PYSEC-2022-202",
                "pyjwt",
                &["2.4.0"],
            ),
            // The same advisory in another lockfile, shipped by a production function.
            dep_finding(
                "FG-DEP-001",
                Severity::High,
                "PYSEC-2022-202",
                "pyjwt",
                &["2.4.0"],
            ),
            dep_finding("FG-DEP-001", Severity::Low, "PYSEC-2023-62", "flask", &[]),
        ];
        let map = advisories(findings.iter());
        assert_eq!(
            map.keys().copied().collect::<Vec<_>>(),
            ["PYSEC-2022-202", "PYSEC-2023-62"]
        );
        let jwt = &map["PYSEC-2022-202"];
        assert_eq!(jwt.severity, Severity::High);
        let v = advisory_json(jwt, None);
        assert_eq!(v["id"], "PYSEC-2022-202");
        assert_eq!(v["name"], "FG-DEP-001");
        assert_eq!(
            v["shortDescription"]["text"],
            "PyJWT is a Python implementation of RFC 7519."
        );
        assert_eq!(
            v["fullDescription"]["text"],
            "PYSEC-2022-202 (CVE-2022-29217, GHSA-ffqj-6fqr-9h24): PyJWT is a Python \
             implementation of RFC 7519. Affects pyjwt (PyPI, fixed in 2.4.0)."
        );
        assert_eq!(v["helpUri"], "https://osv.dev/vulnerability/PYSEC-2022-202");
        assert_eq!(v["defaultConfiguration"]["level"], "error");
        assert_eq!(v["properties"]["security-severity"], "8.0");
        assert_eq!(
            v["properties"]["tags"],
            json!(["security", "dependency", "vulnerability", "CVE-2022-29217"])
        );
        let flask = advisory_json(&map["PYSEC-2023-62"], None);
        assert!(flask["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .ends_with("Affects flask (PyPI, no fixed version known)."));
        assert!(flask["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("| flask | PyPI | none known |"));
    }

    #[test]
    fn dependency_results_report_under_their_advisory() {
        let f = dep_finding(
            "FG-DEP-001",
            Severity::High,
            "PYSEC-2022-202",
            "pyjwt",
            &["2.4.0"],
        );
        assert_eq!(result_rule(&f), "PYSEC-2022-202");
        let mut plain = f.clone();
        plain.dependency = None;
        assert_eq!(result_rule(&plain), "FG-DEP-001");
        let l = Located {
            finding: &f,
            rule: None,
            file: "app/requirements.txt",
            start: crate::source::LineCol { line: 3, column: 1 },
            end: crate::source::LineCol {
                line: 3,
                column: 13,
            },
            instantiated_by: Vec::new(),
        };
        let index: BTreeMap<&str, usize> = [("FG-DEP-001", 0), ("PYSEC-2022-202", 7)].into();
        let r = result_json(&index, &l);
        assert_eq!(r["ruleId"], "PYSEC-2022-202");
        assert_eq!(r["ruleIndex"], 7);
        assert_eq!(r["properties"]["faasguardRule"], "FG-DEP-001");
        assert_eq!(r["properties"]["package"], "pyjwt");
        assert_eq!(r["properties"]["fixed"], json!(["2.4.0"]));
        assert_eq!(
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            3
        );
    }

    #[test]
    fn advisories_without_summary_or_web_url_still_describe_themselves() {
        let mut f = dep_finding(
            "FG-DEP-002",
            Severity::Low,
            "RUSTSEC-2021-0139",
            "ansi_term",
            &[],
        );
        if let Some(d) = f.dependency.as_mut() {
            d.summary = String::new();
            d.url = "javascript:alert(1)".into();
            d.informational = Some("unmaintained".into());
            d.ecosystem = "crates.io".into();
        }
        let map = advisories(std::iter::once(&f));
        let v = advisory_json(&map["RUSTSEC-2021-0139"], None);
        assert_eq!(
            v["shortDescription"]["text"],
            "ansi_term (crates.io) is unmaintained"
        );
        assert!(v.get("helpUri").is_none());
        assert_eq!(v["properties"]["tags"][2], "unmaintained");
        assert_eq!(v["name"], "FG-DEP-002");
    }
}
