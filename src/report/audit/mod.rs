//! Compliance audit reports: which framework controls the scanned estate
//! meets, which it fails and on what evidence, as GitHub-flavoured Markdown
//! (a job summary) or one self-contained HTML file (for auditors).
//!
//! Reports are made from a JSON report ([`input::ScanResult`]), never from
//! the scan's internals, so `faasguard report --input scan.json` gives the
//! same report as `faasguard scan --format html`. Frameworks are data
//! ([`framework`]); [`assess`] judges their controls; [`markdown`] and
//! [`html`] only lay the result out. The output depends on the scan and the
//! frameworks alone, except for the report date.

pub mod assess;
pub mod framework;
pub mod html;
pub mod input;
pub mod markdown;
mod svg;

use std::collections::BTreeSet;

pub use framework::{Framework, FrameworkError};
pub use input::ScanResult;

use assess::{Audit, ControlResult, Status};

/// Audit report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    Markdown,
    Html,
}

/// Render the audit report of a scan result for `frameworks`, dated `date`.
pub fn render(
    input: &ScanResult,
    frameworks: &[Framework],
    kind: Kind,
    date: &str,
) -> Result<String, FrameworkError> {
    if let Some(rs) = &input.rule_set {
        let known: BTreeSet<&str> = rs.rules.iter().map(|r| r.id.as_str()).collect();
        let problems = framework::check_rules(frameworks, &known);
        if !problems.is_empty() {
            return Err(FrameworkError::Invalid { problems });
        }
    }
    let audit = assess::assess(input, frameworks, date.to_string());
    Ok(match kind {
        Kind::Markdown => markdown::render(&audit),
        Kind::Html => html::render(&audit),
    })
}

/// Render the audit report of a scan that just ran.
pub fn render_outcome(
    outcome: &crate::scan::Outcome,
    frameworks: &[Framework],
    kind: Kind,
) -> Result<String, FrameworkError> {
    let input = ScanResult::from_outcome(outcome).map_err(|message| FrameworkError::Parse {
        path: "scan result".into(),
        message,
    })?;
    render(&input, frameworks, kind, &crate::scan::today())
}

// Wording shared by both layouts, so they cannot say different things.

pub(crate) fn format_name(format: &str) -> String {
    match format {
        "sam" => "SAM".into(),
        "cloudformation" => "CloudFormation".into(),
        "terraform" => "Terraform".into(),
        "serverless" => "Serverless Framework".into(),
        other => other.into(),
    }
}

pub(crate) fn cloud_name(cloud: &str) -> String {
    match cloud {
        "aws" => "AWS".into(),
        "azure" => "Azure".into(),
        "gcp" => "Google Cloud".into(),
        other => other.into(),
    }
}

/// `3 functions`, `1 log group`.
pub(crate) fn count_of(n: usize, kind: &str) -> String {
    let (one, many) = match kind {
        "functions" => ("function", "functions"),
        "roles" => ("IAM role", "IAM roles"),
        "policies" => ("IAM policy", "IAM policies"),
        "function_urls" => ("function URL", "function URLs"),
        "apis" => ("API", "APIs"),
        "routes" => ("API route", "API routes"),
        "domains" => ("custom domain", "custom domains"),
        "buckets" => ("bucket", "buckets"),
        "tables" => ("table", "tables"),
        "queues" => ("queue", "queues"),
        "topics" => ("topic", "topics"),
        "streams" => ("stream", "streams"),
        "log_groups" => ("log group", "log groups"),
        "keys" => ("KMS key", "KMS keys"),
        "secrets" => ("secret", "secrets"),
        "state_machines" => ("state machine", "state machines"),
        "event_source_mappings" => ("event source mapping", "event source mappings"),
        "parameters" => ("template parameter", "template parameters"),
        "regions" => ("region reference", "region references"),
        "resources" => ("source resource", "source resources"),
        other => (other, other),
    };
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The plural noun of a kind, for "no buckets or tables in scope".
fn kind_plural(kind: &str) -> String {
    let s = count_of(2, kind);
    s.trim_start_matches("2 ").to_string()
}

/// `a, b and c` / `a or b`.
pub(crate) fn join_words(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., end] => format!("{} {last} {end}", rest.join(", ")),
    }
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line result of a control (its "Result" cell).
pub(crate) fn result_line(audit: &Audit<'_>, c: &ControlResult<'_>) -> String {
    let input = audit.input;
    match c.status {
        Status::Fail => {
            let mut s = plural(c.findings.len(), "finding", "findings");
            if let Some(sev) = c.highest(input) {
                s.push_str(&format!(" (highest: {sev})"));
            }
            s
        }
        Status::Pass => {
            if c.in_scope.is_empty() {
                "No findings".into()
            } else {
                let parts: Vec<String> = c.in_scope.iter().map(|(k, n)| count_of(*n, k)).collect();
                format!("No findings on {}", join_words(&parts, "and"))
            }
        }
        Status::NotApplicable => {
            let kinds: Vec<String> = c.control.scope.iter().map(|k| kind_plural(k)).collect();
            format!("No {} in scope", join_words(&kinds, "or"))
        }
        Status::Manual => {
            if !c.control.manual {
                "Not evaluated: review by hand".into()
            } else if c.control.rules.is_empty() {
                "Review by hand".into()
            } else {
                "Review by hand; automated checks found nothing".into()
            }
        }
    }
}

/// Extra remarks on a control: rules that did not run, accepted risks.
pub(crate) fn remarks(c: &ControlResult<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for (rule, why) in &c.not_run {
        out.push(format!("{rule} {why}"));
    }
    if !c.suppressed.is_empty() {
        out.push(format!(
            "{} (see accepted risks)",
            plural(
                c.suppressed.len(),
                "suppressed finding",
                "suppressed findings"
            )
        ));
    }
    out
}

/// Lines that qualify the whole report (incomplete scans, old inputs).
pub(crate) fn caveats(input: &ScanResult) -> Vec<String> {
    let mut out = Vec::new();
    let failed = input.summary.files_failed;
    if failed > 0 {
        out.push(format!(
            "{} could not be read or parsed; no control covers {}. See the diagnostics.",
            plural(failed, "file", "files"),
            if failed == 1 { "it" } else { "them" }
        ));
    }
    if input.scope.is_none() {
        out.push(
            "The scan result does not record its scope (an older or merged report): \
             controls are never marked not applicable."
                .into(),
        );
    }
    if input.rule_set.is_none() {
        out.push("The scan result does not record its rule set.".into());
    }
    if input.summary.files_scanned == 0 {
        out.push("No infrastructure-as-code file was scanned.".into());
    }
    out
}

/// Files by format: `2 SAM, 1 CloudFormation`.
pub(crate) fn files_line(input: &ScanResult) -> String {
    let scanned = plural(input.summary.files_scanned, "file", "files");
    let by: Vec<String> = input
        .scope
        .iter()
        .flat_map(|s| &s.files)
        .map(|(f, n)| format!("{n} {}", format_name(f)))
        .collect();
    let mut s = if by.is_empty() {
        format!("{scanned} scanned")
    } else {
        format!("{scanned} scanned ({})", by.join(", "))
    };
    if input.summary.files_failed > 0 {
        s.push_str(&format!(", {} not scanned", input.summary.files_failed));
    }
    s
}

/// Functions by format and cloud: `5 (4 SAM on AWS, 1 CloudFormation on AWS)`.
pub(crate) fn functions_line(input: &ScanResult) -> String {
    let Some(scope) = &input.scope else {
        return "not recorded".into();
    };
    let by: Vec<String> = scope
        .count_by("functions")
        .into_iter()
        .map(|(f, c, n)| format!("{n} {} on {}", format_name(f), cloud_name(c)))
        .collect();
    let total = scope.count("functions");
    if by.is_empty() {
        total.to_string()
    } else {
        format!("{total} ({})", by.join(", "))
    }
}

/// Item counts of every kind but functions and raw resources.
pub(crate) fn kinds_line(input: &ScanResult) -> String {
    let Some(scope) = &input.scope else {
        return "not recorded".into();
    };
    let parts: Vec<String> = scope
        .kinds()
        .into_iter()
        .filter(|(k, n)| *n > 0 && *k != "resources")
        .map(|(k, n)| count_of(n, k))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// The configuration in force, as (label, value) pairs.
pub(crate) fn config_rows(input: &ScanResult) -> Vec<(&'static str, String)> {
    let Some(c) = &input.config else {
        return vec![("Configuration", "not recorded".into())];
    };
    let list = |v: &[String], none: &str| {
        if v.is_empty() {
            none.to_string()
        } else {
            v.join(", ")
        }
    };
    let mut rows = vec![
        (
            "Configuration file",
            c.config_file.clone().unwrap_or_else(|| "none".into()),
        ),
        ("Fail on", format!("{} and above", c.fail_on)),
        (
            "Allowed regions",
            list(&c.allowed_regions, "not configured (residency not checked)"),
        ),
        ("Excluded paths", list(&c.excludes, "none")),
    ];
    if let Some(allow) = c.allow_inline_suppressions {
        rows.push((
            "Inline suppressions",
            if allow { "allowed" } else { "forbidden" }.into(),
        ));
    }
    rows.push((
        "Baseline",
        input.baseline.as_ref().map_or("none".into(), |b| {
            format!("{} ({} entries, {} matched)", b.file, b.entries, b.matched)
        }),
    ));
    rows.push(("Custom policies", list(&c.policies, "none")));
    rows.push(("Date for dated rules", c.today.clone()));
    rows
}

/// `faasguard 0.1.0` (and the reporting version when it differs).
pub(crate) fn tool_line(input: &ScanResult) -> String {
    let mut s = format!("{} {}", input.tool.name, input.tool.version);
    let me = env!("CARGO_PKG_VERSION");
    if input.tool.version != me {
        s.push_str(&format!(" (report made by faasguard {me})"));
    }
    s
}

/// `36 rules (35 built-in 0.1.0, 1 custom), digest 0123…`.
pub(crate) fn rule_set_line(input: &ScanResult) -> String {
    let Some(rs) = &input.rule_set else {
        return "not recorded".into();
    };
    let custom = rs.rules.iter().filter(|r| !r.builtin).count();
    let mut s = plural(rs.rules.len(), "rule", "rules");
    if custom > 0 {
        s.push_str(&format!(
            " ({} built-in {}, {custom} custom)",
            rs.rules.len() - custom,
            rs.version
        ));
    } else {
        s.push_str(&format!(", version {}", rs.version));
    }
    s.push_str(&format!(", digest {}", rs.digest));
    s
}

/// The report date line, with the scan's own date when it differs.
pub(crate) fn date_line(audit: &Audit<'_>) -> String {
    match &audit.input.config {
        Some(c) if !c.today.is_empty() && c.today != audit.date => {
            format!("{} (scanned {})", audit.date, c.today)
        }
        _ => audit.date.clone(),
    }
}

pub(crate) const ADVISORIES_NOT_CHECKED: &str = "not checked (no advisory database)";

/// What each status means, for the legend.
pub(crate) fn status_meaning(s: Status) -> &'static str {
    match s {
        Status::Pass => "the rules behind the control ran and found nothing on the resources in scope",
        Status::Fail => "at least one rule behind the control reported a finding (the evidence is listed)",
        Status::NotApplicable => "nothing of the kinds the control is about was in scope",
        Status::Manual => "infrastructure-as-code cannot show the control, or its rules did not run: review it by hand",
    }
}

pub(crate) const LIMITS: &str = "Automated checks read the infrastructure-as-code templates in scope: \
they show the configuration that would be deployed, not the running account, and a pass means the \
listed rules found nothing, not that the control is met in full. Manual controls need other evidence.";
