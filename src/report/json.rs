//! The JSON report, and the one type every reader of it shares.
//!
//! [`Report`] *is* the format (documented in `docs/json-report.md`): the
//! JSON renderer builds it from a scan, `merge` reads and joins several, and
//! the audit reports are made from one (read from a file or built from the
//! scan that just ran). `format_version` changes when a field changes meaning
//! or goes away. Fields added after version 1 default when absent, so an
//! older file still reads; a field a report lacks (the scope of a merged
//! report of old files) stays absent when written again.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{locate, locate_diagnostics, locate_suppressed, Located};
use crate::finding::{DependencyFacts, Level};
use crate::outcome::Outcome;
use crate::rule::Severity;
use crate::scope::Scope;
use crate::source::LineCol;

pub(crate) const FORMAT_VERSION: u32 = 1;

/// The JSON report (`--format json`, format version 1): written by the scan, read back by `merge`,
/// the audit reports and `--baseline-commit`. `docs/json-report.md` describes every field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub(crate) format_version: u32,
    pub(crate) tool: Tool,
    #[serde(default)]
    pub(crate) summary: Summary,
    /// Findings not suppressed, sorted by file, position and rule.
    pub findings: Vec<Finding>,
    /// Findings a comment, `Metadata` entry or the baseline accepted.
    #[serde(default)]
    pub suppressed: Vec<SuppressedFinding>,
    /// Only with `--baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::baseline::Status>,
    /// Only with `--baseline-commit`: the commit, new and unchanged counts,
    /// the findings fixed since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_commit: Option<crate::pr::comparison::Comparison>,
    /// Checks rules could not decide, because a value they needed is unknown
    /// before deployment (not findings).
    #[serde(default)]
    pub unknowns: Vec<Unknown>,
    #[serde(default)]
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// What the scan covered (files and items per format, cloud and kind).
    /// Absent in reports of older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<Scope>,
    /// The rules that ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_set: Option<RuleSet>,
    /// The configuration in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<Config>,
    /// The dependency advisory check: whether it ran, against what. Absent
    /// in reports made before it existed and in merged reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependencies: Option<crate::deps::Summary>,
}

/// A JSON report that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The text is not JSON, or not a report's shape.
    #[error("not a faasguard JSON report: {0}")]
    Syntax(#[from] serde_json::Error),
    /// The report's `format_version` is one this faasguard does not read.
    #[error(
        "JSON report format_version {0} is not supported (this faasguard reads {FORMAT_VERSION})"
    )]
    Version(u32),
}

impl Report {
    /// Read a JSON report.
    pub fn from_json(text: &str) -> Result<Report, ReadError> {
        Report::checked(serde_json::from_str(text)?)
    }

    /// A parsed JSON document as a report.
    pub fn from_value(value: serde_json::Value) -> Result<Report, ReadError> {
        Report::checked(serde_json::from_value(value)?)
    }

    fn checked(report: Report) -> Result<Report, ReadError> {
        match report.format_version {
            FORMAT_VERSION => Ok(report),
            v => Err(ReadError::Version(v)),
        }
    }

    /// The report as written: pretty JSON and a final newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }

    /// Put findings, suppressed findings and unknowns in report order
    /// ([`Finding::order`], [`Unknown::order`]).
    pub fn sort(&mut self) {
        self.findings.sort_by_cached_key(Finding::order);
        self.suppressed.sort_by_cached_key(|s| s.finding.order());
        self.unknowns.sort_by_cached_key(Unknown::order);
    }
}

/// The rules a scan ran, so a report made later from this file knows them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleSet {
    /// The built-in rules' version (the tool's).
    pub version: String,
    /// FNV-1a of every policy and rule data file that ran (built-in and
    /// custom): equal digests mean the same rules.
    pub digest: String,
    pub(crate) rules: Vec<RuleRef>,
}

/// One rule of the rule set: its id, title, severity, area and whether it is built in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleRef {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) title: String,
    pub(crate) severity: Severity,
    #[serde(default)]
    pub(crate) area: String,
    #[serde(default)]
    pub(crate) builtin: bool,
}

/// Settings that decide what a scan reports.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The configuration file read, if any.
    pub config_file: Option<String>,
    pub(crate) fail_on: String,
    /// Empty: residency not checked.
    pub allowed_regions: Vec<String>,
    pub(crate) excludes: Vec<String>,
    pub(crate) max_file_size: u64,
    /// Absent in reports made before the setting existed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_inline_suppressions: Option<bool>,
    /// The date dated rules (runtime end of life) were judged against.
    pub today: String,
    /// Custom policy files.
    pub policies: Vec<String>,
    /// `[rules] enable`: when present, only these rules and areas ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_enabled: Option<Vec<String>>,
    /// `[rules] disable`: rules and areas that did not run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules_disabled: Vec<String>,
    /// `[rules.severity]`: rule id → the severity its findings were given.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub severity_overrides: BTreeMap<String, Severity>,
}

/// A finding with how it was suppressed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuppressedFinding {
    /// The finding, its fields at the top level of the JSON object.
    #[serde(flatten)]
    pub finding: Finding,
    pub(crate) suppression: Suppression,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Suppression {
    /// `in_source` (comment, metadata) or `external` (baseline), as in SARIF.
    pub kind: crate::suppress::Kind,
    /// `comment`, `metadata` or `baseline`.
    pub origin: crate::suppress::Origin,
    #[serde(default)]
    pub(crate) justification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) until: Option<String>,
    /// Where the comment or metadata entry is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) start: Option<LineCol>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Tool {
    pub(crate) name: String,
    pub(crate) version: String,
}

impl Tool {
    /// This faasguard.
    pub fn this() -> Tool {
        Tool {
            name: "faasguard".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// The scan's counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// IaC files scanned (templates, services, modules).
    pub files_scanned: usize,
    /// Resources across them.
    pub resources: usize,
    /// Files that could not be read or parsed.
    pub files_failed: usize,
    /// Terraform module calls not evaluated (a call cycle, a chain deeper
    /// than the bound, a module outside the repository).
    #[serde(skip_serializing_if = "is_zero")]
    pub modules_unscanned: usize,
    /// Resources declared in the modules of those calls: not scanned.
    #[serde(skip_serializing_if = "is_zero")]
    pub resources_unscanned: usize,
    pub(crate) findings: usize,
    /// Standing findings per severity (every severity, by name).
    pub by_severity: BTreeMap<String, usize>,
    /// Findings suppressed (not counted in `findings`).
    pub suppressed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// Set the finding counts from the findings themselves.
    pub fn count(&mut self, findings: &[Finding], suppressed: usize) {
        self.findings = findings.len();
        self.by_severity = Severity::ALL
            .iter()
            .map(|s| {
                let n = findings.iter().filter(|f| f.severity == *s).count();
                (s.as_str().to_string(), n)
            })
            .collect();
        self.suppressed = suppressed;
    }
}

/// One finding as the report writes it: rule, severity, message, file and positions (1-based lines
/// and columns), resource, fingerprint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's id (`FG-IAM-001`).
    pub rule_id: String,
    /// The severity the finding was given (after `[rules.severity]`).
    pub severity: Severity,
    #[serde(default)]
    pub(crate) title: String,
    /// What is wrong and where, secrets redacted.
    pub message: String,
    pub(crate) file: String,
    pub(crate) start: LineCol,
    pub(crate) end: LineCol,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resource_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    /// AWS CDK output: the construct that synthesized the resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub construct_path: Option<String>,
    #[serde(default)]
    pub(crate) remediation: String,
    #[serde(default)]
    pub(crate) fingerprint: String,
    /// Dependency findings (`FG-DEP-*`): the advisory and the package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dependency: Option<DependencyFacts>,
    /// A finding inside a Terraform module: every module call that
    /// instantiates it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instantiated_by: Vec<Instantiation>,
    /// With `--baseline-commit`: `new` or `unchanged` since that commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::pr::comparison::State>,
    /// A single-value fix (`scan --fix` applies it): the value's region
    /// and its replacement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<Replacement>,
}

/// The order key of a finding.
pub type Order = (
    String,
    LineCol,
    LineCol,
    String,
    Option<String>,
    Option<String>,
    String,
);

impl Finding {
    /// Report order: file, position, rule, then the rest. The scan sorts its
    /// findings by the same key on byte offsets (`finding::sort`), which
    /// give the same order as lines and columns; `merge` sorts by this one.
    pub fn order(&self) -> Order {
        (
            self.file.clone(),
            self.start,
            self.end,
            self.rule_id.clone(),
            self.resource.clone(),
            self.path.clone(),
            self.message.clone(),
        )
    }
}

/// The region of a value and the text that fixes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Replacement {
    pub(crate) start: LineCol,
    pub(crate) end: LineCol,
    pub(crate) text: String,
}

/// A `module` block (in a root module) that instantiates a finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instantiation {
    pub(crate) file: String,
    pub(crate) line: u32,
    pub(crate) column: u32,
    /// The module instance's address (`module.fn`, `module.fn["a"]`).
    pub module: String,
}

/// A check a rule could not decide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unknown {
    pub(crate) rule_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    /// Where the unknown value is written (a variable's use, an `Fn::If`).
    pub file: String,
    pub(crate) start: LineCol,
    pub(crate) end: LineCol,
    /// Why it is unknown: "variable runtime has no value".
    pub reason: String,
    /// Content-based (rule, file, resource, path, reason; never the line):
    /// what `--baseline-commit` matches on.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    /// `--baseline-commit`: whether the change adds this check.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::pr::comparison::State>,
}

impl Unknown {
    /// Report order, as the scan's (`undecided::sort`): file, position,
    /// rule, then the rest.
    pub fn order(&self) -> Order {
        (
            self.file.clone(),
            self.start,
            self.end,
            self.rule_id.clone(),
            self.resource.clone(),
            self.path.clone(),
            self.reason.clone(),
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Diagnostic {
    pub level: Level,
    pub(crate) code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) start: Option<LineCol>,
}

/// The JSON report of a scan.
pub fn build(outcome: &Outcome) -> Report {
    let mut findings: Vec<Finding> = locate(outcome).iter().map(finding).collect();
    for (out, f) in findings.iter_mut().zip(&outcome.findings) {
        out.replacement = crate::fix::edit(f, &outcome.sources).and_then(|e| {
            let src = outcome.sources.get(e.file)?;
            Some(Replacement {
                start: src.line_col(e.start as u32),
                end: src.line_col(e.end as u32),
                text: e.text,
            })
        });
    }
    if let Some(pr) = &outcome.pr {
        for (out, f) in findings.iter_mut().zip(&outcome.findings) {
            out.baseline = Some(pr.state(f));
        }
    }
    let suppressed = locate_suppressed(outcome)
        .iter()
        .map(|s| SuppressedFinding {
            finding: finding(&s.located),
            suppression: Suppression {
                kind: s.suppression.origin.kind(),
                origin: s.suppression.origin,
                justification: s.suppression.justification.clone(),
                until: s.suppression.until.clone(),
                file: s.at.map(|(file, _)| file.to_string()),
                start: s.at.map(|(_, start)| start),
            },
        })
        .collect();
    let diagnostics = locate_diagnostics(outcome)
        .into_iter()
        .map(|d| Diagnostic {
            level: d.diagnostic.level,
            code: d.diagnostic.code.to_string(),
            message: d.diagnostic.message.clone(),
            file: d.diagnostic.file.clone(),
            start: d.start,
        })
        .collect();
    let stats = &outcome.stats;
    let mut summary = Summary {
        files_scanned: stats.files_scanned,
        resources: stats.resources,
        files_failed: stats.files_failed,
        modules_unscanned: stats.modules_unscanned,
        resources_unscanned: stats.resources_unscanned,
        ..Summary::default()
    };
    summary.count(&findings, outcome.suppressed.len());
    let mut report = Report {
        format_version: FORMAT_VERSION,
        tool: Tool::this(),
        summary,
        findings,
        suppressed,
        baseline: outcome.baseline.clone(),
        baseline_commit: outcome.pr.clone(),
        unknowns: outcome
            .undecided
            .iter()
            .map(|u| {
                let (file, start, end) = super::position(outcome, u.span);
                Unknown {
                    rule_id: u.rule_id.clone(),
                    resource: u.resource.clone(),
                    path: u.path.clone(),
                    file: file.to_string(),
                    start,
                    end,
                    reason: u.reason.clone(),
                    fingerprint: u.fingerprint(file),
                    baseline: outcome
                        .pr
                        .as_ref()
                        .map(|pr| pr.unknown_state(u, &outcome.sources)),
                }
            })
            .collect(),
        diagnostics,
        scope: Some(outcome.scope.clone()),
        rule_set: Some(RuleSet {
            version: env!("CARGO_PKG_VERSION").into(),
            digest: rule_set_digest(&outcome.settings.extra_policies),
            rules: outcome
                .rules
                .iter()
                .map(|r| RuleRef {
                    id: r.meta.id.clone(),
                    title: r.meta.title.clone(),
                    severity: r.meta.severity,
                    area: r.meta.area.clone(),
                    builtin: r.builtin,
                })
                .collect(),
        }),
        config: Some(config(&outcome.settings)),
        dependencies: Some(outcome.dependencies.clone()),
    };
    // Already in this order (the scan's): sorting again keeps one
    // definition of the report's order for scans and merges alike.
    report.sort();
    report
}

fn config(s: &crate::settings::Settings) -> Config {
    Config {
        config_file: s
            .config_file
            .as_deref()
            .map(|p| crate::scope::show_path(p, std::env::current_dir().ok().as_deref())),
        fail_on: s.fail_on.as_str().into(),
        allowed_regions: s.allowed_regions.clone(),
        excludes: s.discover.excludes.clone(),
        max_file_size: s.discover.max_file_size,
        allow_inline_suppressions: Some(s.allow_inline_suppressions),
        today: s.today.clone(),
        policies: s.extra_policies.iter().map(|p| p.path.clone()).collect(),
        rules_enabled: s.rules.enable.clone(),
        rules_disabled: s.rules.disable.clone(),
        severity_overrides: s.rules.severity.clone(),
    }
}

/// The digest of the rule set: built-in policies and rule data (not the
/// framework mappings, which only reports read) and custom policies.
fn rule_set_digest(extra: &[crate::engine::PolicyFile]) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let data = crate::embedded::RULE_DATA
        .iter()
        .filter(|(path, _)| !path.starts_with("rules/frameworks/"));
    for (path, text) in crate::embedded::POLICIES.iter().chain(data) {
        parts.push(path);
        parts.push(text);
    }
    for p in extra {
        parts.push(&p.path);
        parts.push(&p.text);
    }
    format!("{:016x}", crate::finding::fnv1a(&parts))
}

fn finding(l: &Located<'_>) -> Finding {
    Finding {
        rule_id: l.finding.rule_id.clone(),
        severity: l.finding.severity,
        title: l.rule.map_or_else(String::new, |r| r.meta.title.clone()),
        message: l.finding.message.clone(),
        file: l.file.to_string(),
        start: l.start,
        end: l.end,
        resource: l.finding.resource.clone(),
        resource_type: l.finding.resource_type.clone(),
        path: l.finding.path.clone(),
        construct_path: l.finding.construct_path.clone(),
        remediation: l
            .rule
            .map_or_else(String::new, |r| l.finding.remediation(r).to_string()),
        fingerprint: l.finding.fingerprint.clone(),
        dependency: l.finding.dependency.as_deref().cloned(),
        instantiated_by: l
            .instantiated_by
            .iter()
            .map(|&(file, at, module)| Instantiation {
                file: file.to_string(),
                line: at.line,
                column: at.column,
                module: module.to_string(),
            })
            .collect(),
        baseline: None,
        replacement: None,
    }
}

/// The scan's outcome as the JSON report, pretty-printed with a final newline.
pub fn render(outcome: &Outcome) -> String {
    build(outcome).to_json()
}
