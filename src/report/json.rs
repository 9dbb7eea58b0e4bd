//! The JSON report. These serde structs *are* the format (documented in
//! `docs/json-report.md`); `format_version` changes when a field changes
//! meaning or goes away.

use serde::Serialize;

use super::{locate, locate_diagnostics};
use crate::scan::{Outcome, Stats};
use crate::source::LineCol;

pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Report<'a> {
    pub format_version: u32,
    pub tool: Tool,
    pub summary: Summary<'a>,
    pub findings: Vec<Finding<'a>>,
    pub diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Serialize)]
pub struct Summary<'a> {
    #[serde(flatten)]
    pub stats: &'a Stats,
    pub findings: usize,
    pub by_severity: std::collections::BTreeMap<&'static str, usize>,
}

#[derive(Serialize)]
pub struct Finding<'a> {
    pub rule_id: &'a str,
    pub severity: &'static str,
    pub title: &'a str,
    pub message: &'a str,
    pub file: &'a str,
    pub start: LineCol,
    pub end: LineCol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
    pub remediation: &'a str,
    pub fingerprint: &'a str,
}

#[derive(Serialize)]
pub struct Diagnostic<'a> {
    pub level: crate::finding::Level,
    pub code: &'a str,
    pub message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<LineCol>,
}

pub fn build(outcome: &Outcome) -> Report<'_> {
    let findings: Vec<Finding<'_>> = locate(outcome)
        .into_iter()
        .map(|l| Finding {
            rule_id: &l.finding.rule_id,
            severity: l.finding.severity.as_str(),
            title: l.rule.map_or("", |r| r.meta.title.as_str()),
            message: &l.finding.message,
            file: l.file,
            start: l.start,
            end: l.end,
            resource: l.finding.resource.as_deref(),
            resource_type: l.finding.resource_type.as_deref(),
            path: l.finding.path.as_deref(),
            remediation: l.rule.map_or("", |r| r.meta.remediation.as_str()),
            fingerprint: &l.finding.fingerprint,
        })
        .collect();
    let diagnostics = locate_diagnostics(outcome)
        .into_iter()
        .map(|d| Diagnostic {
            level: d.diagnostic.level,
            code: d.diagnostic.code,
            message: &d.diagnostic.message,
            file: d.diagnostic.file.as_deref(),
            start: d.start,
        })
        .collect();
    Report {
        format_version: FORMAT_VERSION,
        tool: Tool {
            name: "faasguard",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            stats: &outcome.stats,
            findings: outcome.findings.len(),
            by_severity: super::severity_counts(&outcome.findings)
                .into_iter()
                .map(|(s, n)| (s.as_str(), n))
                .collect(),
        },
        findings,
        diagnostics,
    }
}

pub fn render(outcome: &Outcome) -> String {
    let mut s = serde_json::to_string_pretty(&build(outcome)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
