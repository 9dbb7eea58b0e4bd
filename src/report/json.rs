//! The JSON report. These serde structs *are* the format (documented in
//! `docs/json-report.md`); `format_version` changes when a field changes
//! meaning or goes away.

use serde::Serialize;

use super::{locate, locate_diagnostics, locate_suppressed, Located};
use crate::scan::{Outcome, Stats};
use crate::source::LineCol;

pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Report<'a> {
    pub format_version: u32,
    pub tool: Tool,
    pub summary: Summary<'a>,
    pub findings: Vec<Finding<'a>>,
    /// Findings a comment, `Metadata` entry or the baseline accepted.
    pub suppressed: Vec<SuppressedFinding<'a>>,
    /// Only with `--baseline`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<&'a crate::baseline::Status>,
    /// Only with `--baseline-commit`: the commit, new and unchanged counts,
    /// the findings fixed since.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_commit: Option<&'a crate::pr::comparison::Comparison>,
    /// Checks rules could not decide, because a value they needed is unknown
    /// before deployment (not findings).
    pub unknowns: Vec<Unknown<'a>>,
    pub diagnostics: Vec<Diagnostic<'a>>,
    /// What the scan covered (files and items per format, cloud and kind).
    pub scope: &'a crate::scope::Scope,
    /// The rules that ran.
    pub rule_set: RuleSet<'a>,
    /// The configuration in force.
    pub config: Config<'a>,
    /// The dependency advisory check: whether it ran, against what.
    pub dependencies: &'a crate::deps::Summary,
}

/// The rules a scan ran, so a report made later from this file knows them.
#[derive(Serialize)]
pub struct RuleSet<'a> {
    /// The built-in rules' version (the tool's).
    pub version: &'static str,
    /// FNV-1a of every policy and rule data file that ran (built-in and
    /// custom): equal digests mean the same rules.
    pub digest: String,
    pub rules: Vec<RuleRef<'a>>,
}

#[derive(Serialize)]
pub struct RuleRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub severity: &'static str,
    pub area: &'a str,
    pub builtin: bool,
}

/// Settings that decide what a scan reports.
#[derive(Serialize)]
pub struct Config<'a> {
    /// The configuration file read, if any.
    pub config_file: Option<String>,
    pub fail_on: &'static str,
    /// Empty: residency not checked.
    pub allowed_regions: &'a [String],
    pub excludes: &'a [String],
    pub max_file_size: u64,
    pub allow_inline_suppressions: bool,
    /// The date dated rules (runtime end of life) were judged against.
    pub today: &'a str,
    /// Custom policy files.
    pub policies: Vec<&'a str>,
    /// `[rules] enable`: when present, only these rules and areas ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rules_enabled: Option<&'a [String]>,
    /// `[rules] disable`: rules and areas that did not run.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub rules_disabled: &'a [String],
    /// `[rules.severity]`: rule id → the severity its findings were given.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub severity_overrides: &'a std::collections::BTreeMap<String, crate::rule::Severity>,
}

#[derive(Serialize)]
pub struct SuppressedFinding<'a> {
    #[serde(flatten)]
    pub finding: Finding<'a>,
    pub suppression: Suppression<'a>,
}

#[derive(Serialize)]
pub struct Suppression<'a> {
    /// `in_source` (comment, metadata) or `external` (baseline), as in SARIF.
    pub kind: crate::suppress::Kind,
    /// `comment`, `metadata` or `baseline`.
    pub origin: crate::suppress::Origin,
    pub justification: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<&'a str>,
    /// Where the comment or metadata entry is written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<LineCol>,
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
    /// Findings suppressed (not counted in `findings`).
    pub suppressed: usize,
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
    /// AWS CDK output: the construct that synthesized the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub construct_path: Option<&'a str>,
    pub remediation: &'a str,
    pub fingerprint: &'a str,
    /// Dependency findings (`FG-DEP-*`): the advisory and the package.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dependency: Option<&'a crate::finding::DependencyFacts>,
    /// A finding inside a Terraform module: every module call that
    /// instantiates it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub instantiated_by: Vec<Instantiation<'a>>,
    /// With `--baseline-commit`: `new` or `unchanged` since that commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<crate::pr::comparison::State>,
    /// A single-value fix (`scan --fix` applies it): the value's region
    /// and its replacement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacement: Option<Replacement>,
}

/// The region of a value and the text that fixes it.
#[derive(Serialize)]
pub struct Replacement {
    pub start: LineCol,
    pub end: LineCol,
    pub text: String,
}

/// A `module` block (in a root module) that instantiates a finding.
#[derive(Serialize)]
pub struct Instantiation<'a> {
    pub file: &'a str,
    pub line: u32,
    pub column: u32,
    /// The module instance's address (`module.fn`, `module.fn["a"]`).
    pub module: &'a str,
}

/// A check a rule could not decide.
#[derive(Serialize)]
pub struct Unknown<'a> {
    pub rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
    /// Where the unknown value is written (a variable's use, an `Fn::If`).
    pub file: &'a str,
    pub start: LineCol,
    pub end: LineCol,
    /// Why it is unknown: "variable runtime has no value".
    pub reason: &'a str,
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
    let mut findings: Vec<Finding<'_>> = locate(outcome).iter().map(finding).collect();
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
                justification: &s.suppression.justification,
                until: s.suppression.until.as_deref(),
                file: s.at.map(|(file, _)| file),
                start: s.at.map(|(_, start)| start),
            },
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
            suppressed: outcome.suppressed.len(),
        },
        findings,
        suppressed,
        baseline: outcome.baseline.as_ref(),
        baseline_commit: outcome.pr.as_ref(),
        unknowns: outcome
            .undecided
            .iter()
            .map(|u| {
                let (file, start, end) = super::position(outcome, u.span);
                Unknown {
                    rule_id: &u.rule_id,
                    resource: u.resource.as_deref(),
                    path: u.path.as_deref(),
                    file,
                    start,
                    end,
                    reason: &u.reason,
                }
            })
            .collect(),
        diagnostics,
        scope: &outcome.scope,
        rule_set: RuleSet {
            version: env!("CARGO_PKG_VERSION"),
            digest: rule_set_digest(&outcome.settings.extra_policies),
            rules: outcome
                .rules
                .iter()
                .map(|r| RuleRef {
                    id: &r.meta.id,
                    title: &r.meta.title,
                    severity: r.meta.severity.as_str(),
                    area: &r.meta.area,
                    builtin: r.builtin,
                })
                .collect(),
        },
        config: config(&outcome.settings),
        dependencies: &outcome.dependencies,
    }
}

fn config(s: &crate::scan::Settings) -> Config<'_> {
    Config {
        config_file: s
            .config_file
            .as_deref()
            .map(|p| crate::scope::show_path(p, std::env::current_dir().ok().as_deref())),
        fail_on: s.fail_on.as_str(),
        allowed_regions: &s.allowed_regions,
        excludes: &s.discover.excludes,
        max_file_size: s.discover.max_file_size,
        allow_inline_suppressions: s.allow_inline_suppressions,
        today: &s.today,
        policies: s.extra_policies.iter().map(|p| p.path.as_str()).collect(),
        rules_enabled: s.rules.enable.as_deref(),
        rules_disabled: &s.rules.disable,
        severity_overrides: &s.rules.severity,
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

fn finding<'a>(l: &Located<'a>) -> Finding<'a> {
    Finding {
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
        construct_path: l.finding.construct_path.as_deref(),
        remediation: l.rule.map_or("", |r| l.finding.remediation(r)),
        fingerprint: &l.finding.fingerprint,
        dependency: l.finding.dependency.as_deref(),
        instantiated_by: l
            .instantiated_by
            .iter()
            .map(|&(file, at, module)| Instantiation {
                file,
                line: at.line,
                column: at.column,
                module,
            })
            .collect(),
        baseline: None,
        replacement: None,
    }
}

pub fn render(outcome: &Outcome) -> String {
    let mut s = serde_json::to_string_pretty(&build(outcome)).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
