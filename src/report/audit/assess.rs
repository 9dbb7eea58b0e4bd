//! Judging controls: a control fails when a rule behind it has a finding,
//! is not applicable when nothing of the kinds it is about was scanned, is
//! manual when infrastructure-as-code cannot show it (or none of its rules
//! ran), and passes otherwise.

use std::collections::{BTreeMap, BTreeSet};

use super::framework::{Control, Framework};
use crate::report::json::Report;
use crate::rule::Severity;

/// A control's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Status {
    Fail,
    Pass,
    NotApplicable,
    Manual,
}

impl Status {
    pub(crate) const ALL: [Status; 4] = [
        Status::Pass,
        Status::Fail,
        Status::NotApplicable,
        Status::Manual,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Status::Fail => "Fail",
            Status::Pass => "Pass",
            Status::NotApplicable => "Not applicable",
            Status::Manual => "Manual",
        }
    }

    /// Short form for tables and CSS classes.
    pub fn short(self) -> &'static str {
        match self {
            Status::Fail => "fail",
            Status::Pass => "pass",
            Status::NotApplicable => "na",
            Status::Manual => "manual",
        }
    }
}

/// Rules that run only with some configuration, and what is missing.
fn unmet_requirement(rule: &str, input: &Report) -> Option<&'static str> {
    let regions = input
        .config
        .as_ref()
        .is_some_and(|c| !c.allowed_regions.is_empty());
    if rule == crate::deps::VULNERABLE_RULE || rule == crate::deps::INFORMATIONAL_RULE {
        // Without advisory data (or lockfiles) the dependency advisory rules
        // saw nothing: that is not a pass. The other DEP rules (code signing,
        // layers, ECR) read templates and always run.
        return super::dep_unmet(input);
    }
    (rule == "FG-RES-001" && !regions).then_some(
        "not evaluated: no allowed regions configured (`--allowed-regions` or `[residency]` in .faasguard.toml)",
    )
}

/// One control, judged.
#[derive(Debug)]
pub struct ControlResult<'a> {
    pub(crate) control: &'a Control,
    pub(crate) status: Status,
    /// Indices into [`Report::findings`]: highest severity first, then
    /// in report order.
    pub findings: Vec<usize>,
    /// Indices into [`Report::suppressed`].
    pub suppressed: Vec<usize>,
    /// Items in scope of the kinds the control is about (kinds with none
    /// left out); empty when the scan did not record its scope.
    pub in_scope: Vec<(&'a str, usize)>,
    /// Rules behind the control that did not run, and why.
    pub not_run: Vec<(&'a str, &'static str)>,
}

impl ControlResult<'_> {
    pub(crate) fn highest(&self, input: &Report) -> Option<Severity> {
        self.findings.first().map(|i| input.findings[*i].severity)
    }
}

/// One framework, judged.
#[derive(Debug)]
pub struct Assessed<'a> {
    pub(crate) framework: &'a Framework,
    pub(crate) controls: Vec<ControlResult<'a>>,
}

impl Assessed<'_> {
    pub(crate) fn count(&self, status: Status) -> usize {
        self.controls.iter().filter(|c| c.status == status).count()
    }

    /// Counts in [`Status::ALL`] order.
    pub fn counts(&self) -> [usize; 4] {
        Status::ALL.map(|s| self.count(s))
    }
}

/// The whole audit: the scan, its frameworks judged, and the report date.
pub struct Audit<'a> {
    pub(crate) input: &'a Report,
    pub(crate) frameworks: Vec<Assessed<'a>>,
    /// The day the report is made (`YYYY-MM-DD`).
    pub date: String,
    /// For each rule, the controls (framework, control) it stands behind.
    pub controls_of_rule: BTreeMap<&'a str, Vec<(&'a Framework, &'a Control)>>,
}

/// Judge every control of `frameworks` against a scan.
pub fn assess<'a>(input: &'a Report, frameworks: &'a [Framework], date: String) -> Audit<'a> {
    let ran: Option<BTreeSet<&str>> = input
        .rule_set
        .as_ref()
        .map(|rs| rs.rules.iter().map(|r| r.id.as_str()).collect());
    let mut controls_of_rule: BTreeMap<&str, Vec<(&Framework, &Control)>> = BTreeMap::new();
    let assessed = frameworks
        .iter()
        .map(|f| Assessed {
            framework: f,
            controls: f
                .controls
                .iter()
                .map(|c| {
                    for r in &c.rules {
                        controls_of_rule.entry(r.as_str()).or_default().push((f, c));
                    }
                    judge(input, c, ran.as_ref())
                })
                .collect(),
        })
        .collect();
    Audit {
        input,
        frameworks: assessed,
        date,
        controls_of_rule,
    }
}

fn judge<'a>(input: &'a Report, c: &'a Control, ran: Option<&BTreeSet<&str>>) -> ControlResult<'a> {
    let rules: BTreeSet<&str> = c.rules.iter().map(String::as_str).collect();
    let mut findings: Vec<usize> = (0..input.findings.len())
        .filter(|i| rules.contains(input.findings[*i].rule_id.as_str()))
        .collect();
    // Stable: within a severity, the report's own order (file, position).
    findings.sort_by_key(|i| std::cmp::Reverse(input.findings[*i].severity));
    let suppressed = (0..input.suppressed.len())
        .filter(|i| rules.contains(input.suppressed[*i].finding.rule_id.as_str()))
        .collect();
    let mut not_run = Vec::new();
    for r in &c.rules {
        if ran.is_some_and(|ran| !ran.contains(r.as_str())) {
            not_run.push((r.as_str(), "not run: not in this scan's rule set"));
        } else if let Some(why) = unmet_requirement(r, input) {
            not_run.push((r.as_str(), why));
        }
    }
    let in_scope: Vec<(&str, usize)> = match &input.scope {
        Some(scope) => c
            .scope
            .iter()
            .map(|k| (k.as_str(), scope.count(k)))
            .filter(|(_, n)| *n > 0)
            .collect(),
        None => Vec::new(),
    };
    let status = if !findings.is_empty() {
        Status::Fail
    } else if c.manual || not_run.len() == c.rules.len() {
        Status::Manual
    } else if input.scope.is_some() && !c.scope.is_empty() && in_scope.is_empty() {
        Status::NotApplicable
    } else {
        Status::Pass
    };
    ControlResult {
        control: c,
        status,
        findings,
        suppressed,
        in_scope,
        not_run,
    }
}

/// Findings per severity, highest first (standing findings only).
pub fn by_severity(input: &Report) -> Vec<(Severity, usize)> {
    Severity::ALL
        .iter()
        .rev()
        .map(|s| {
            (
                *s,
                input.findings.iter().filter(|f| f.severity == *s).count(),
            )
        })
        .collect()
}

/// Findings per rule area (`IAM`, `ENC`, ...), in the order of
/// [`crate::rule::AREAS`], then any other area; areas without findings are
/// left out.
pub fn by_area(input: &Report) -> Vec<(String, usize)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for f in &input.findings {
        let area = f.rule_id.split('-').nth(1).unwrap_or("other").to_string();
        *counts.entry(area).or_default() += 1;
    }
    let mut out = Vec::new();
    for (code, _) in crate::rule::AREAS {
        if let Some(n) = counts.remove(*code) {
            out.push(((*code).to_string(), n));
        }
    }
    out.extend(counts);
    out
}

/// The long name of an area code.
pub fn area_name(code: &str) -> &str {
    crate::rule::AREAS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(if code == "GOV" { "governance" } else { code }, |(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::audit::framework;

    fn input(json: serde_json::Value) -> Report {
        serde_json::from_value(json).unwrap()
    }

    fn finding(rule: &str, severity: &str) -> serde_json::Value {
        serde_json::json!({"rule_id": rule, "severity": severity, "message": "m",
            "file": "t.yaml", "start": {"line": 1, "column": 1},
            "end": {"line": 1, "column": 2}})
    }

    const FW: &str = r#"
id = "t"
name = "T"
[[controls]]
id = "fails"
title = "t"
rules = ["FG-IAM-001", "FG-IAM-002"]
scope = ["policies"]
[[controls]]
id = "passes"
title = "t"
rules = ["FG-ENC-002"]
scope = ["buckets"]
[[controls]]
id = "na"
title = "t"
rules = ["FG-ENC-007"]
scope = ["streams"]
[[controls]]
id = "manual"
title = "t"
manual = true
[[controls]]
id = "residency"
title = "t"
rules = ["FG-RES-001"]
scope = ["regions"]
"#;

    #[test]
    fn statuses() {
        let fw = vec![framework::parse("t.toml", FW).unwrap()];
        let scan = input(serde_json::json!({
            "format_version": 1,
            "tool": {"name": "faasguard", "version": "0"},
            "summary": {},
            "findings": [finding("FG-IAM-002", "medium"), finding("FG-IAM-001", "high")],
            "scope": {"items": {"sam": {"aws": {"policies": 2, "buckets": 1, "regions": 1}}}},
            "config": {"allowed_regions": []},
        }));
        let audit = assess(&scan, &fw, "2026-01-01".into());
        let got: Vec<(&str, Status)> = audit.frameworks[0]
            .controls
            .iter()
            .map(|c| (c.control.id.as_str(), c.status))
            .collect();
        assert_eq!(
            got,
            [
                ("fails", Status::Fail),
                ("passes", Status::Pass),
                ("na", Status::NotApplicable),
                ("manual", Status::Manual),
                // Residency without allowed regions did not run: not a pass.
                ("residency", Status::Manual),
            ]
        );
        // Highest severity first.
        assert_eq!(audit.frameworks[0].controls[0].findings, [1, 0]);
        assert_eq!(audit.frameworks[0].counts(), [1, 1, 1, 2]);
    }

    #[test]
    fn without_scope_nothing_is_not_applicable() {
        let fw = vec![framework::parse("t.toml", FW).unwrap()];
        let scan = input(serde_json::json!({
            "format_version": 1,
            "tool": {"name": "faasguard", "version": "0"},
            "summary": {}, "findings": [],
        }));
        let audit = assess(&scan, &fw, "2026-01-01".into());
        assert_eq!(audit.frameworks[0].controls[2].status, Status::Pass);
    }
}
