//! Report stage: renders a scan [`Outcome`] as text, JSON, SARIF, JUnit,
//! GitHub annotations, GitLab SAST, CycloneDX, or an audit report.
//!
//! Every format reads the same [`Located`] view (line and column computed
//! once, secrets redacted once), so they cannot disagree about where a
//! finding is or leak what another format hides.

pub mod audit;
pub mod cyclonedx;
pub mod escape;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod text;

use crate::finding::{Diagnostic, Finding};
use crate::outcome::Outcome;
use crate::rule::Rule;
use crate::source::{LineCol, Span};
use crate::suppress::Suppression;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    // The first three are described in `--help` by their names alone, as
    // before they were documented: `help = None` keeps these comments out of
    // the possible values' help.
    /// Compiler-style text: each finding with its place, a snippet of the offending value and the fix.
    #[value(help = None::<&str>)]
    Text,
    /// The JSON report ([`json::Report`]).
    #[value(help = None::<&str>)]
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    #[value(help = None::<&str>)]
    Sarif,
    /// JUnit XML, for CI systems that show test reports.
    Junit,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// Compliance audit report, GitHub-flavoured Markdown.
    Markdown,
    /// Compliance audit report, one self-contained HTML file.
    Html,
    /// GitLab SAST report (schema 15.0.x), for `artifacts:reports:sast`.
    Gitlab,
    /// CycloneDX 1.6 SBOM: functions, their locked packages, advisories found.
    Cyclonedx,
}

/// A UTC time as `YYYY-MM-DDTHH:MM:SS`, or `SOURCE_DATE_EPOCH`'s when set
/// (reproducible reports and tests).
pub fn utc_time(t: std::time::SystemTime) -> String {
    let t = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .map_or(t, |secs| {
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs)
        });
    let s = crate::date::format_utc(t);
    s.trim_end_matches('Z').to_string()
}

/// A finding with its position resolved and its rule at hand.
pub struct Located<'a> {
    pub(crate) finding: &'a Finding,
    pub(crate) rule: Option<&'a Rule>,
    pub(crate) file: &'a str,
    pub(crate) start: LineCol,
    pub(crate) end: LineCol,
    /// The module calls that instantiate it (file, position, module).
    pub instantiated_by: Vec<(&'a str, LineCol, &'a str)>,
}

/// A diagnostic with its position resolved.
pub struct LocatedDiagnostic<'a> {
    pub(crate) diagnostic: &'a Diagnostic,
    pub(crate) start: Option<LineCol>,
}

/// Resolve every finding's position (end is exclusive in bytes, so the end
/// column is the column just past the value, as SARIF wants).
pub fn locate(outcome: &Outcome) -> Vec<Located<'_>> {
    outcome
        .findings
        .iter()
        .map(|f| locate_one(outcome, f))
        .collect()
}

fn locate_one<'a>(outcome: &'a Outcome, f: &'a Finding) -> Located<'a> {
    let (file, start, end) = position(outcome, f.span);
    Located {
        finding: f,
        rule: outcome.rules.iter().find(|r| r.meta.id == f.rule_id),
        file,
        start,
        end,
        instantiated_by: f
            .instantiated_by
            .iter()
            .map(|i| {
                let (file, start, _) = position(outcome, i.span);
                (file, start, i.module.as_str())
            })
            .collect(),
    }
}

/// A suppressed finding, located like the others, with where its
/// suppression is written (none for a baseline).
pub struct LocatedSuppressed<'a> {
    pub(crate) located: Located<'a>,
    pub(crate) suppression: &'a Suppression,
    pub(crate) at: Option<(&'a str, LineCol)>,
}

/// Resolve every suppressed finding's position and its suppression's.
pub fn locate_suppressed(outcome: &Outcome) -> Vec<LocatedSuppressed<'_>> {
    outcome
        .suppressed
        .iter()
        .map(|s| LocatedSuppressed {
            located: locate_one(outcome, &s.finding),
            suppression: &s.suppression,
            at: s.suppression.span.map(|span| {
                let (file, start, _) = position(outcome, span);
                (file, start)
            }),
        })
        .collect()
}

pub(crate) fn locate_diagnostics(outcome: &Outcome) -> Vec<LocatedDiagnostic<'_>> {
    outcome
        .diagnostics
        .iter()
        .map(|d| LocatedDiagnostic {
            diagnostic: d,
            start: d.span.map(|s| position(outcome, s).1),
        })
        .collect()
}

pub(crate) fn position(outcome: &Outcome, span: Span) -> (&str, LineCol, LineCol) {
    match outcome.sources.get(span.file) {
        Some(src) => {
            let start = src.line_col(span.start);
            let mut end = src.line_col(span.end);
            if end < start {
                end = start;
            }
            (src.display.as_str(), start, end)
        }
        None => (
            "",
            LineCol { line: 1, column: 1 },
            LineCol { line: 1, column: 1 },
        ),
    }
}

/// Counts of findings per severity, highest first.
pub fn severity_counts(findings: &[Finding]) -> Vec<(crate::rule::Severity, usize)> {
    crate::rule::Severity::ALL
        .iter()
        .rev()
        .map(|s| (*s, findings.iter().filter(|f| f.severity == *s).count()))
        .collect()
}
