//! Compliance audit reports: which framework controls the scanned estate
//! meets, which it fails and on what evidence, as GitHub-flavoured Markdown
//! (a job summary) or one self-contained HTML file (for auditors).
//!
//! Reports are made from a JSON report ([`Report`]), never from the scan's
//! internals, so `faasguard report --input scan.json` gives the
//! same report as `faasguard scan --format html`. Frameworks are data
//! ([`framework`]); [`assess`] judges their controls; [`markdown`] and
//! [`html`] only lay the result out. The output depends on the scan and the
//! frameworks alone, except for the report date.

pub(crate) mod assess;
pub(crate) mod change;
pub(crate) mod document;
pub mod framework;
pub(crate) mod html;
pub mod markdown;
mod svg;

use std::collections::BTreeSet;

use crate::deps::Summary as Dependencies;
use crate::finding::DependencyFacts as Dependency;
use crate::report::json::Report;
pub use framework::{Framework, FrameworkError};

use assess::{Audit, ControlResult, Status};

/// Audit report formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// GitHub-flavoured Markdown (a job summary).
    Markdown,
    /// One self-contained HTML file.
    Html,
}

/// Render the audit report of a scan result for `frameworks`, dated `date`;
/// Markdown is shortened to about `max_bytes` when given (`--max-bytes`).
pub fn render(
    input: &Report,
    frameworks: &[Framework],
    kind: Kind,
    date: &str,
    max_bytes: Option<usize>,
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
        Kind::Markdown => markdown::render_limited(&audit, max_bytes),
        Kind::Html => html::render(&audit),
    })
}

/// Render the audit report of a scan that just ran.
pub fn render_outcome(
    outcome: &crate::outcome::Outcome,
    frameworks: &[Framework],
    kind: Kind,
    max_bytes: Option<usize>,
) -> Result<String, FrameworkError> {
    let input = crate::report::json::build(outcome);
    render(&input, frameworks, kind, &crate::date::today(), max_bytes)
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
        "method_settings" => ("API method setting", "API method settings"),
        "domains" => ("custom domain", "custom domains"),
        "buckets" => ("bucket", "buckets"),
        "tables" => ("table", "tables"),
        "queues" => ("queue", "queues"),
        "topics" => ("topic", "topics"),
        "subscriptions" => ("topic subscription", "topic subscriptions"),
        "streams" => ("stream", "streams"),
        "delivery_streams" => ("delivery stream", "delivery streams"),
        "file_systems" => ("file system", "file systems"),
        "caches" => ("cache cluster", "cache clusters"),
        "objects" => ("bucket object", "bucket objects"),
        "log_groups" => ("log group", "log groups"),
        "keys" => ("KMS key", "KMS keys"),
        "secrets" => ("secret", "secrets"),
        "ssm_parameters" => ("SSM parameter", "SSM parameters"),
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
            } else if c.not_run.len() == c.control.rules.len() {
                "Review by hand; its automated checks did not run".into()
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

/// Lines that qualify the whole report (incomplete scans, old inputs,
/// dependencies unchecked or checked against a stale database).
pub(crate) fn caveats(audit: &Audit<'_>) -> Vec<String> {
    let input = audit.input;
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
    match dep_check(input) {
        DepCheck::NoDatabase | DepCheck::Failed(_) => out.push(
            "Dependencies were not checked against advisories although lockfiles were found: \
             controls that rely on FG-DEP rules are not evaluated (see Dependency advisories)."
                .into(),
        ),
        _ => {}
    }
    if let Some((age, max)) = db_too_old(audit) {
        out.push(format!(
            "The advisory database was {age} days old at the scan, more than the {max} days \
             `[advisories] max_age_days` allows: advisories published since are missing. \
             Run `faasguard db update`."
        ));
    }
    out
}

/// Files by format: `2 SAM, 1 CloudFormation`.
pub(crate) fn files_line(input: &Report) -> String {
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
pub(crate) fn functions_line(input: &Report) -> String {
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
pub(crate) fn kinds_line(input: &Report) -> String {
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
pub(crate) fn config_rows(input: &Report) -> Vec<(&'static str, String)> {
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
pub(crate) fn tool_line(input: &Report) -> String {
    let mut s = format!("{} {}", input.tool.name, input.tool.version);
    let me = env!("CARGO_PKG_VERSION");
    if input.tool.version != me {
        s.push_str(&format!(" (report made by faasguard {me})"));
    }
    s
}

/// `36 rules (35 built-in 0.1.0, 1 custom), digest 0123…`.
pub(crate) fn rule_set_line(input: &Report) -> String {
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

/// How the dependency check of a scan went, as the reports tell it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DepCheck<'a> {
    /// The scan result predates dependency checks.
    NotRecorded,
    /// No lockfile in the scanned paths: nothing to match.
    NoLockfile,
    /// Lockfiles, but no advisory database and no `--online`.
    NoDatabase,
    /// The database (or the OSV API) failed; the diagnostic's message.
    Failed(&'a str),
    Checked(&'a Dependencies),
}

impl DepCheck<'_> {
    /// The per-function "Advisories" cell for a function with no advisory
    /// reported: why, when the check did not run.
    pub(crate) fn not_checked_cell(&self) -> &'static str {
        match self {
            DepCheck::NotRecorded => "not recorded",
            DepCheck::NoLockfile => "not checked (no lockfile found)",
            DepCheck::NoDatabase => "not checked (no advisory database)",
            DepCheck::Failed(_) => "not checked (advisory database failed to load)",
            DepCheck::Checked(_) => "none reported",
        }
    }
}

pub(crate) fn dep_check(input: &Report) -> DepCheck<'_> {
    let Some(d) = &input.dependencies else {
        return DepCheck::NotRecorded;
    };
    if d.checked {
        return DepCheck::Checked(d);
    }
    if d.lockfiles == 0 {
        return DepCheck::NoLockfile;
    }
    // The scan says why a database it was given could not be used.
    match input
        .diagnostics
        .iter()
        .find(|x| x.code == "advisory-db" && x.level == crate::finding::Level::Error)
    {
        Some(x) => DepCheck::Failed(&x.message),
        None => DepCheck::NoDatabase,
    }
}

/// Why the dependency rules did not run, for controls that list them
/// (`None`: they ran).
pub(crate) fn dep_unmet(input: &Report) -> Option<&'static str> {
    match dep_check(input) {
        DepCheck::Checked(_) => None,
        DepCheck::NotRecorded => {
            Some("not evaluated: the scan result does not record a dependency check")
        }
        DepCheck::NoLockfile => {
            Some("not evaluated: no lockfile was found beside the functions' code")
        }
        DepCheck::NoDatabase => Some(
            "not evaluated: no advisory database (`faasguard db update`, `--advisory-db DIR` or `--online`)",
        ),
        DepCheck::Failed(_) => {
            Some("not evaluated: the advisory database could not be loaded (see the diagnostics)")
        }
    }
}

/// The date the scan judged things by: its own, else the report's.
fn scan_date<'a>(audit: &'a Audit<'_>) -> &'a str {
    match &audit.input.config {
        Some(c) if !c.today.is_empty() => &c.today,
        _ => &audit.date,
    }
}

/// How old the advisory database was on the scan date, in days.
pub(crate) fn db_age_days(audit: &Audit<'_>) -> Option<i64> {
    let DepCheck::Checked(d) = dep_check(audit.input) else {
        return None;
    };
    let fetched = crate::date::days_since_epoch(d.fetched_at.as_deref()?)?;
    Some(crate::date::days_since_epoch(scan_date(audit))? - fetched)
}

/// The database was older than `[advisories] max_age_days` allows.
fn db_too_old(audit: &Audit<'_>) -> Option<(i64, u64)> {
    let DepCheck::Checked(d) = dep_check(audit.input) else {
        return None;
    };
    let max = Some(d.max_age_days).filter(|m| *m > 0)?;
    let age = db_age_days(audit)?;
    (age > max as i64).then_some((age, max))
}

/// The "Advisory database" line of the report header.
pub(crate) fn advisory_db_line(audit: &Audit<'_>) -> String {
    match dep_check(audit.input) {
        DepCheck::Checked(d) => {
            let mut s = if d.mode == "online" {
                "OSV API (online)".to_string()
            } else {
                format!(
                    "{} (offline)",
                    d.database.as_deref().unwrap_or("local database")
                )
            };
            if let Some(at) = &d.fetched_at {
                s.push_str(&format!(", fetched {}", at.get(..10).unwrap_or(at)));
                if let Some(age) = db_age_days(audit) {
                    s.push_str(&format!(", {}", plural(age.max(0) as usize, "day", "days")));
                    s.push_str(" old at the scan");
                }
            }
            s
        }
        other => other.not_checked_cell().to_string(),
    }
}

/// Why the dependency check did not run, as a sentence (`None`: it ran).
pub(crate) fn dep_not_checked_text(input: &Report) -> Option<String> {
    Some(match dep_check(input) {
        DepCheck::Checked(_) => return None,
        DepCheck::NotRecorded => "Not recorded: the scan result has no `dependencies` section (made by a faasguard that did not check dependencies), so nothing can be said about the packages the functions ship.".into(),
        DepCheck::NoLockfile => "Not checked: no lockfile (requirements.txt, package-lock.json, yarn.lock, pnpm-lock.yaml, poetry.lock, Pipfile.lock, uv.lock, Cargo.lock, go.mod) was found in the scanned paths, so there were no locked package versions to match against advisories.".into(),
        DepCheck::NoDatabase => {
            let d = input.dependencies.clone().unwrap_or_default();
            format!(
                "Not checked: the scan had no advisory database, so the {} in {} were not matched against known vulnerabilities. Run `faasguard db update`, pass `--advisory-db DIR`, or scan with `--online`.",
                plural(d.packages, "locked package", "locked packages"),
                plural(d.lockfiles, "lockfile", "lockfiles")
            )
        }
        DepCheck::Failed(why) => format!("Not checked: the advisory database could not be used ({why})."),
    })
}

/// Facts about the check that ran, as (label, value) pairs.
pub(crate) fn dep_rows(audit: &Audit<'_>) -> Vec<(&'static str, String)> {
    let DepCheck::Checked(d) = dep_check(audit.input) else {
        return Vec::new();
    };
    let mut rows = vec![(
        "Database",
        if d.mode == "online" {
            "OSV API, queried during the scan (online)".to_string()
        } else {
            format!(
                "{} (offline)",
                d.database.as_deref().unwrap_or("local database")
            )
        },
    )];
    let fetched = match (&d.fetched_at, db_age_days(audit)) {
        (Some(at), Some(age)) => format!(
            "{at} ({} before the scan on {})",
            plural(age.max(0) as usize, "day", "days"),
            scan_date(audit)
        ),
        (Some(at), None) => at.clone(),
        (None, _) => "not known".into(),
    };
    rows.push(("Fetched at", fetched));
    rows.push((
        "Maximum age",
        match (Some(d.max_age_days).filter(|m| *m > 0), db_too_old(audit)) {
            (Some(_), Some((age, max))) => {
                format!("{max} days: exceeded by {} days", age - max as i64)
            }
            (Some(max), None) => format!("{max} days: within"),
            (None, _) => "not configured ([advisories] max_age_days in .faasguard.toml)".into(),
        },
    ));
    rows.push(("Advisories", d.advisories.to_string()));
    rows.push(("Lockfiles", d.lockfiles.to_string()));
    rows.push(("Locked packages", d.packages.to_string()));
    rows.push(("Vulnerable package versions", d.vulnerable.to_string()));
    rows
}

/// Standing dependency findings (indices into `findings`), highest
/// severity first, then in report order.
pub(crate) fn dep_findings(input: &Report) -> Vec<usize> {
    let mut out: Vec<usize> = (0..input.findings.len())
        .filter(|i| input.findings[*i].dependency.is_some())
        .collect();
    out.sort_by_key(|i| std::cmp::Reverse(input.findings[*i].severity));
    out
}

/// The advisories a function ships (ids, sorted, once each). Findings name
/// functions by id (or `file#id`); when two templates in scope have a
/// function of the same id, a lockfile belongs to the one whose template
/// directory holds it.
pub(crate) fn advisories_of(input: &Report, function: &crate::scope::FunctionRef) -> Vec<String> {
    let qualified = format!("{}#{}", function.file, function.id);
    let same_id = input
        .scope
        .iter()
        .flat_map(|s| &s.functions)
        .filter(|f| f.id == function.id)
        .count();
    let dir = function.file.rsplit_once('/').map_or("", |(d, _)| d);
    let mut ids: Vec<String> = input
        .findings
        .iter()
        .filter_map(|f| f.dependency.as_ref().map(|d| (f, d)))
        .filter(|(f, d)| {
            d.functions.iter().any(|x| {
                *x == qualified
                    || (*x == function.id
                        && (same_id <= 1
                            || dir.is_empty()
                            || f.file.starts_with(&format!("{dir}/"))))
            })
        })
        .map(|(_, d)| d.advisory.clone())
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// `2.4.0`, `2.2.5 or 2.3.2`, or `none known`.
pub(crate) fn fixed_label(d: &Dependency) -> String {
    if d.fixed.is_empty() {
        "none known".into()
    } else {
        join_words(&d.fixed, "or")
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(extra: serde_json::Value) -> Report {
        let mut v = serde_json::json!({
            "format_version": 1,
            "tool": {"name": "faasguard", "version": "0"},
            "summary": {"files_scanned": 1},
            "findings": [],
            "config": {"today": "2025-07-16"},
        });
        if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
            for (k, x) in e {
                o.insert(k.clone(), x.clone());
            }
        }
        serde_json::from_value(v).unwrap()
    }

    fn pyjwt() -> serde_json::Value {
        serde_json::json!({
            "rule_id": "FG-DEP-001", "severity": "high", "message": "pyjwt 1.6.4 is affected",
            "file": "app/requirements.txt", "start": {"line": 3, "column": 1}, "end": {"line": 3, "column": 12},
            "resource": "pyjwt@1.6.4",
            "dependency": {
                "advisory": "PYSEC-2022-202", "aliases": ["CVE-2022-29217"],
                "summary": "PyJWT is a Python implementation of RFC 7519.",
                "url": "https://osv.dev/vulnerability/PYSEC-2022-202",
                "ecosystem": "PyPI", "package": "pyjwt", "version": "1.6.4",
                "fixed": ["2.4.0"], "functions": ["ApiFunction"], "dev": false
            }
        })
    }

    const FW: &str = r#"
id = "t"
name = "T"
[[controls]]
id = "deps"
title = "Vulnerable components"
rules = ["FG-DEP-001", "FG-DEP-002"]
scope = ["functions"]
"#;

    fn audit_of(input: &Report, fw: &[Framework]) -> String {
        let a = assess::assess(input, fw, "2025-07-20".into());
        markdown::render(&a)
    }

    #[test]
    fn why_dependencies_were_not_checked() {
        assert_eq!(
            dep_check(&scan(serde_json::json!({}))),
            DepCheck::NotRecorded
        );
        let none = scan(serde_json::json!({"dependencies": {"checked": false, "lockfiles": 0}}));
        assert_eq!(dep_check(&none), DepCheck::NoLockfile);
        let no_db = scan(serde_json::json!({
            "dependencies": {"checked": false, "lockfiles": 2, "packages": 40}
        }));
        assert_eq!(dep_check(&no_db), DepCheck::NoDatabase);
        assert_eq!(
            dep_not_checked_text(&no_db).unwrap(),
            "Not checked: the scan had no advisory database, so the 40 locked packages in 2 \
             lockfiles were not matched against known vulnerabilities. Run `faasguard db update`, \
             pass `--advisory-db DIR`, or scan with `--online`."
        );
        let failed = scan(serde_json::json!({
            "dependencies": {"checked": false, "lockfiles": 1},
            "diagnostics": [{"level": "error", "code": "advisory-db",
                "message": "dependencies were not checked: no advisories under `x`"}]
        }));
        assert_eq!(
            dep_check(&failed),
            DepCheck::Failed("dependencies were not checked: no advisories under `x`")
        );
    }

    #[test]
    fn unchecked_dependencies_do_not_pass_a_control() {
        let fw = vec![framework::parse("t.toml", FW).unwrap()];
        let input = scan(serde_json::json!({
            "dependencies": {"checked": false, "lockfiles": 1, "packages": 3},
            "scope": {"items": {"sam": {"aws": {"functions": 1}}}},
        }));
        let a = assess::assess(&input, &fw, "2025-07-20".into());
        let c = &a.frameworks[0].controls[0];
        assert_eq!(c.status, Status::Manual);
        assert_eq!(c.not_run.len(), 2);
        assert!(
            c.not_run[0].1.contains("no advisory database"),
            "{:?}",
            c.not_run
        );
        let md = markdown::render(&a);
        assert!(md.contains("| **Advisory database** | not checked (no advisory database) |"));
        assert!(md.contains(
            "Dependencies were not checked against advisories although lockfiles were found"
        ));
    }

    #[test]
    fn checked_dependencies_get_a_table_row_per_advisory() {
        let fw = vec![framework::parse("t.toml", FW).unwrap()];
        let input = scan(serde_json::json!({
            "findings": [pyjwt()],
            "dependencies": {"checked": true, "mode": "offline", "database": "db",
                "fetched_at": "2025-06-01T00:00:00Z", "max_age_days": 30,
                "advisories": 3, "lockfiles": 1, "packages": 3, "vulnerable": 1},
            "scope": {"items": {"sam": {"aws": {"functions": 1}}},
                "functions": [{"file": "template.yaml", "id": "ApiFunction", "format": "sam",
                    "cloud": "aws", "runtime": "python3.12"}]},
        }));
        let md = audit_of(&input, &fw);
        assert!(md.contains(
            "| `pyjwt` | `1.6.4` | PyPI | [PYSEC-2022-202](https://osv.dev/vulnerability/PYSEC-2022-202) \
             (CVE-2022-29217)<br><sub>PyJWT is a Python implementation of RFC 7519.</sub> | high | \
             2.4.0 | `ApiFunction` | `app/requirements.txt:3` |"
        ), "{md}");
        assert!(
            md.contains("| `ApiFunction` | `python3.12` | `template.yaml` | `PYSEC-2022-202` |")
        );
        assert!(md.contains(
            "| **Advisory database** | db (offline), fetched 2025-06-01, 45 days old at the scan |"
        ));
        assert!(
            md.contains("| Maximum age | 30 days: exceeded by 15 days |"),
            "{md}"
        );
        assert!(
            md.contains("The advisory database was 45 days old at the scan, more than the 30 days")
        );
        assert!(
            md.contains("| ❌ Fail | **deps** Vulnerable components |"),
            "{md}"
        );
    }

    /// Two services each with a function `api`: a lockfile's advisories go
    /// to the one whose template directory holds it.
    #[test]
    fn same_function_ids_are_told_apart_by_directory() {
        let mut f = pyjwt();
        f["file"] = "svc-a/requirements.txt".into();
        f["dependency"]["functions"] = serde_json::json!(["api"]);
        let fn_ref = |file: &str| serde_json::json!({"file": file, "id": "api", "format": "serverless", "cloud": "aws"});
        let input = scan(serde_json::json!({
            "findings": [f],
            "scope": {"functions": [fn_ref("svc-a/serverless.yml"), fn_ref("svc-b/serverless.yml")]},
        }));
        let functions = &input.scope.as_ref().unwrap().functions;
        assert_eq!(advisories_of(&input, &functions[0]), ["PYSEC-2022-202"]);
        assert!(advisories_of(&input, &functions[1]).is_empty());
    }
}
