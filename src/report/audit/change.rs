//! What a pull request changes, in the audit reports (`--baseline-commit`):
//! the summary says how many findings are new, unchanged and fixed since
//! the commit and lists the fixed ones; a "New in this change" section
//! lists the new ones. Read from the JSON report (each finding's
//! `baseline`, the `baseline_commit` object), like the rest of the audit,
//! so `faasguard report --input` gives the same. Controls are still judged
//! on every finding: an audit is of the estate, not of the change.

use std::fmt::Write as _;

use super::plural;
use crate::pr::comparison::{Comparison, State};
use crate::report::escape::html;
use crate::report::escape::{markdown as md, markdown_code as code};
use crate::report::json::{Finding, Report};

/// The comparison and the findings it marks new, most severe first (equal
/// severities in the scan's order). `None` without `--baseline-commit`.
fn change(input: &Report) -> Option<(&Comparison, Vec<&Finding>)> {
    let pr = input.baseline_commit.as_ref()?;
    let mut new: Vec<&Finding> = input
        .findings
        .iter()
        .filter(|f| f.baseline == Some(State::New))
        .collect();
    new.sort_by_key(|f| std::cmp::Reverse(f.severity));
    Some((pr, new))
}

/// `HEAD` (`0123456789ab`): the reference as given and the commit it named.
fn since(pr: &Comparison, quote: impl Fn(&str) -> String) -> String {
    match &pr.commit {
        Some(c) => format!(
            "{} ({})",
            quote(&pr.reference),
            quote(c.get(..12).unwrap_or(c))
        ),
        None => format!(
            "{} (no commit yet: every finding is new)",
            quote(&pr.reference)
        ),
    }
}

/// `1 new finding, 2 unchanged, 1 fixed; 1 new undecided check (1 unchanged)`.
fn counts(pr: &Comparison, new: usize) -> String {
    let mut s = format!(
        "{}, {} unchanged, {} fixed",
        plural(new, "new finding", "new findings"),
        pr.unchanged,
        pr.fixed.len()
    );
    if pr.unknowns_new + pr.unknowns_unchanged > 0 {
        let _ = write!(
            s,
            "; {} ({} unchanged)",
            plural(
                pr.unknowns_new,
                "new undecided check",
                "new undecided checks"
            ),
            pr.unknowns_unchanged
        );
    }
    s
}

/// Markdown, in the summary: the counts since the commit and the fixed
/// findings.
pub fn markdown_summary(o: &mut String, input: &Report) {
    let Some((pr, new)) = change(input) else {
        return;
    };
    let _ = writeln!(
        o,
        "**Since {}:** {}.\n",
        since(pr, code),
        md(&counts(pr, new.len()))
    );
    if pr.fixed.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "Fixed in this change (where each was at the commit):\n\n\
         | Severity | Rule | Resource | Location | Message |\n|---|---|---|---|---|"
    );
    for f in &pr.fixed {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            f.severity,
            code(&f.rule_id),
            f.resource.as_deref().map_or("—".into(), code),
            code(&format!("{}:{}", f.file, f.start.line)),
            md(&f.message)
        );
    }
    o.push('\n');
}

/// The Markdown section's heading, when there is one (its anchor is taken
/// in order with the others).
pub fn markdown_heading(input: &Report) -> Option<&'static str> {
    input.baseline_commit.as_ref().map(|_| "New in this change")
}

/// Markdown: the "New in this change" section.
pub fn markdown_section(o: &mut String, input: &Report) {
    let Some((pr, new)) = change(input) else {
        return;
    };
    o.push_str("## New in this change\n\n");
    if new.is_empty() {
        let _ = writeln!(o, "None: no finding is new since {}.\n", since(pr, code));
        return;
    }
    let _ = writeln!(
        o,
        "{} since {}, highest severity first (the rest of the report covers every finding).\n",
        plural(new.len(), "finding is new", "findings are new"),
        since(pr, code)
    );
    o.push_str("| Severity | Rule | Resource | Location | Message |\n|---|---|---|---|---|\n");
    for f in new {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {}<br><sub>Fix: {}</sub> |",
            f.severity,
            code(&f.rule_id),
            f.resource.as_deref().map_or("—".into(), code),
            code(&format!("{}:{}", f.file, f.start.line)),
            md(&f.message),
            md(&f.remediation)
        );
    }
    o.push('\n');
}

fn html_code(s: &str) -> String {
    format!("<code>{}</code>", html(s))
}

fn html_row(
    o: &mut String,
    severity: crate::rule::Severity,
    rule: &str,
    resource: Option<&str>,
    place: &str,
    message: &str,
) {
    let _ = writeln!(
        o,
        "<tr class=\"f sev-{sev}\"><td><span class=\"sev {sev}\">{sev}</span></td><td><code class=\"rid\">{}</code></td><td class=\"where\">{}<div class=\"loc\">{}</div></td><td>{}</td></tr>",
        html(rule),
        resource.map(html_code).unwrap_or_default(),
        html_code(place),
        html(message),
        sev = severity.as_str(),
    );
}

/// HTML, in the summary: "New in this change" (the counts and the new
/// findings), then the fixed findings.
pub fn html_summary(o: &mut String, input: &Report) {
    let Some((pr, new)) = change(input) else {
        return;
    };
    o.push_str("<div class=\"change\">\n<h3 id=\"s-new\">New in this change</h3>\n");
    let _ = writeln!(
        o,
        "<p><b>Since {}:</b> {}.</p>",
        since(pr, html_code),
        html(&counts(pr, new.len()))
    );
    let head = "<table class=\"findings\">\n<thead><tr><th class=\"w-sev\">Severity</th><th class=\"w-rule\">Rule</th><th class=\"w-where\">Resource and location</th><th>Message</th></tr></thead>\n<tbody>\n";
    if new.is_empty() {
        o.push_str("<p>No finding is new in this change.</p>\n");
    } else {
        o.push_str(head);
        for f in new {
            let place = format!("{}:{}", f.file, f.start.line);
            html_row(
                o,
                f.severity,
                &f.rule_id,
                f.resource.as_deref(),
                &place,
                &f.message,
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    if !pr.fixed.is_empty() {
        o.push_str("<h4>Fixed in this change</h4>\n<p>Where each was at the commit.</p>\n");
        o.push_str(head);
        for f in &pr.fixed {
            let place = format!("{}:{}", f.file, f.start.line);
            html_row(
                o,
                f.severity,
                &f.rule_id,
                f.resource.as_deref(),
                &place,
                &f.message,
            );
        }
        o.push_str("</tbody>\n</table>\n");
    }
    o.push_str("</div>\n");
}
