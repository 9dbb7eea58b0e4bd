//! The audit report's content, apart from its layout: what each section
//! holds, built once ([`build`]) from the assessed [`Report`] and printed by
//! the Markdown and HTML layouts, which only choose the markup (and which
//! facts a layout shows: the HTML names a rule's title beside its id).
//! Rows, their order, and the empty cases are decided here (ADR 0037, ADR
//! 0043). Which sections are here: findings, accepted risks, dependency
//! advisories per function, rule set, diagnostics; the summary, scope and
//! framework sections print from the shared wording in `audit/mod.rs`.

use super::assess::Audit;
use super::framework::{Control, Framework};
use super::{advisories_of, dep_check, DepCheck};
use crate::report::json::{Finding, Report, RuleRef};
use crate::rule::Severity;
use crate::scope::FunctionRef;

/// The controls a rule stands behind, (framework, control); empty when no
/// selected framework maps it.
pub type Controls<'a> = &'a [(&'a Framework, &'a Control)];

/// The report's sections that are built here.
pub struct Document<'a> {
    /// Open findings, most severe first; equal severities keep the scan's
    /// (deterministic) order.
    pub findings: Vec<FindingRow<'a>>,
    /// Suppressed findings, in the report's order.
    pub accepted: Vec<AcceptedRisk<'a>>,
    /// One row per function in scope: the advisories that reach it.
    pub functions: Vec<FunctionRow<'a>>,
    /// The rules that ran; `None` when the report does not record them.
    pub rules: Option<Vec<RuleRow<'a>>>,
    /// What the scan itself reported; `None` when nothing.
    pub diagnostics: Option<Table>,
}

/// One open finding.
pub struct FindingRow<'a> {
    /// The finding, as the report has it.
    pub finding: &'a Finding,
    /// The finding's title, or its rule's when the finding has none.
    pub title: &'a str,
    /// The controls its rule stands behind.
    pub controls: Controls<'a>,
}

/// One suppressed finding and why.
pub struct AcceptedRisk<'a> {
    /// The suppressed finding.
    pub finding: &'a Finding,
    /// The justification; `None` when none was written.
    pub reason: Option<&'a str>,
    /// The expiry date; `None`: no expiry.
    pub until: Option<&'a str>,
    /// `comment`, `metadata` or `baseline`.
    pub origin: &'a str,
    /// Where the suppression is written (`file:line`), when known.
    pub written_at: Option<String>,
}

/// One function in scope and the advisories of the packages it ships.
pub struct FunctionRow<'a> {
    /// The function, as the report's scope has it.
    pub function: &'a FunctionRef,
    /// Its advisory cell.
    pub advisories: Advisories,
}

/// A function's advisory cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Advisories {
    /// Checked, with these advisory ids (at least one).
    Found(Vec<String>),
    /// Nothing found, or not checked: the words the cell shows.
    None(&'static str),
}

/// One rule of the rule set.
pub struct RuleRow<'a> {
    /// The rule, as the report's rule set has it.
    pub rule: &'a RuleRef,
    /// A custom (user) rule, not a built-in one.
    pub custom: bool,
    /// Its severity.
    pub severity: Severity,
    /// The controls it stands behind.
    pub controls: Controls<'a>,
}

/// The document of an assessed report.
pub fn build<'a>(audit: &'a Audit<'a>) -> Document<'a> {
    let input = audit.input;
    let controls = |rule: &str| -> Controls<'a> {
        audit
            .controls_of_rule
            .get(rule)
            .map_or(&[][..], |list| list.as_slice())
    };
    let title = |f: &'a Finding| -> &'a str {
        if !f.title.is_empty() {
            return &f.title;
        }
        input
            .rule_set
            .as_ref()
            .and_then(|rs| rs.rules.iter().find(|r| r.id == f.rule_id))
            .map_or("", |r| r.title.as_str())
    };
    let mut order: Vec<&Finding> = input.findings.iter().collect();
    // Stable: equal severities keep the scan's deterministic order.
    order.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let findings = order
        .into_iter()
        .map(|finding| FindingRow {
            finding,
            title: title(finding),
            controls: controls(&finding.rule_id),
        })
        .collect();
    let accepted = input
        .suppressed
        .iter()
        .map(|sf| {
            let s = &sf.suppression;
            AcceptedRisk {
                finding: &sf.finding,
                reason: (!s.justification.is_empty()).then_some(s.justification.as_str()),
                until: s.until.as_deref(),
                origin: s.origin.as_str(),
                written_at: match (&s.file, s.start) {
                    (Some(file), Some(p)) => Some(format!("{file}:{}", p.line)),
                    _ => None,
                },
            }
        })
        .collect();
    let check = dep_check(input);
    let functions = input
        .scope
        .iter()
        .flat_map(|s| &s.functions)
        .map(|function| {
            let ids = advisories_of(input, function);
            let advisories = match &check {
                DepCheck::Checked(_) if !ids.is_empty() => Advisories::Found(ids),
                other => Advisories::None(other.not_checked_cell()),
            };
            FunctionRow {
                function,
                advisories,
            }
        })
        .collect();
    let rules = input.rule_set.as_ref().map(|rs| {
        rs.rules
            .iter()
            .map(|rule| RuleRow {
                rule,
                custom: !rule.builtin,
                severity: rule.severity,
                controls: controls(&rule.id),
            })
            .collect()
    });
    Document {
        findings,
        accepted,
        functions,
        rules,
        diagnostics: diagnostics(input),
    }
}

/// One cell: what it holds, not how it looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Prose (escaped by the printer).
    Text(String),
    /// An identifier or a place (`fixtures/a.yaml:3`), printed as code.
    Code(String),
    /// No value (printed as a dash).
    Empty,
}

/// A table: column headings and rows of cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// One per column.
    pub headings: Vec<&'static str>,
    /// Each as long as `headings`.
    pub rows: Vec<Vec<Cell>>,
}

/// The Diagnostics section's table: what the scan itself reported (level,
/// code, where, message); none when there was nothing.
pub fn diagnostics(input: &Report) -> Option<Table> {
    if input.diagnostics.is_empty() {
        return None;
    }
    let rows = input
        .diagnostics
        .iter()
        .map(|d| {
            let file = match (&d.file, d.start) {
                (Some(f), Some(p)) => Cell::Code(format!("{f}:{}", p.line)),
                (Some(f), None) => Cell::Code(f.clone()),
                _ => Cell::Empty,
            };
            vec![
                Cell::Text(d.level.as_str().into()),
                Cell::Code(d.code.clone()),
                file,
                Cell::Text(d.message.clone()),
            ]
        })
        .collect();
    Some(Table {
        headings: vec!["Level", "Code", "File", "Message"],
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_say_where_when_they_can() {
        let input = Report::from_value(serde_json::json!({
            "format_version": 1,
            "tool": {"name": "faasguard", "version": "0"},
            "findings": [],
            "diagnostics": [
                {"level": "error", "code": "parse-error", "message": "bad", "file": "a.yaml",
                 "start": {"line": 3, "column": 1}},
                {"level": "warning", "code": "no-db", "message": "none", "file": "b.tf"},
                {"level": "note", "code": "x", "message": "m"}
            ]
        }))
        .expect("report");
        let t = diagnostics(&input).expect("table");
        assert_eq!(t.headings, ["Level", "Code", "File", "Message"]);
        assert_eq!(
            t.rows,
            vec![
                vec![
                    Cell::Text("error".into()),
                    Cell::Code("parse-error".into()),
                    Cell::Code("a.yaml:3".into()),
                    Cell::Text("bad".into()),
                ],
                vec![
                    Cell::Text("warning".into()),
                    Cell::Code("no-db".into()),
                    Cell::Code("b.tf".into()),
                    Cell::Text("none".into()),
                ],
                vec![
                    Cell::Text("note".into()),
                    Cell::Code("x".into()),
                    Cell::Empty,
                    Cell::Text("m".into()),
                ],
            ]
        );
        let mut none = input.clone();
        none.diagnostics.clear();
        assert_eq!(diagnostics(&none), None);
    }
}
