//! The audit report as GitHub-flavoured Markdown: tables, `<details>` for
//! evidence, emoji status marks. Renders on github.com and as a GitHub
//! Actions job summary (`>> $GITHUB_STEP_SUMMARY`). Every value from the
//! scan is escaped: Markdown punctuation, HTML and table pipes.

use crate::report::escape::{markdown as esc, markdown_code as code};
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::assess::{self, Assessed, Audit, ControlResult, Status};
use super::document::{self, Advisories, Cell, Controls, Document, Table};
use super::{
    advisory_db_line, caveats, config_rows, date_line, dep_findings, dep_not_checked_text,
    dep_rows, files_line, fixed_label, functions_line, kinds_line, plural, remarks, result_line,
    rule_set_line, status_meaning, tool_line, LIMITS,
};
use crate::report::json::Finding;

fn mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅",
        Status::Fail => "❌",
        Status::NotApplicable => "➖",
        Status::Manual => "📝",
    }
}

/// Framework-authored text: `code` between backticks, the rest escaped.
fn rich(s: &str) -> String {
    s.split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { code(part) } else { esc(part) })
        .collect()
}

/// HTML-escape (inside `<summary>`, where Markdown is not rendered).
fn html(s: &str) -> String {
    crate::report::escape::html(s)
}

/// GitHub's heading anchors: lower case, punctuation dropped, spaces to `-`,
/// `-1`, `-2` for repeats.
struct Slugs(BTreeMap<String, usize>);

impl Slugs {
    fn slug(&mut self, heading: &str) -> String {
        let base: String = heading
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let n = self.0.entry(base.clone()).or_insert(0);
        let slug = if *n == 0 { base } else { format!("{base}-{n}") };
        *n += 1;
        slug
    }
}

fn location(f: &Finding) -> String {
    code(&format!("{}:{}", f.file, f.start.line))
}

fn resource(f: &Finding) -> String {
    f.resource.as_deref().map_or("—".into(), code)
}

/// GitHub's cap on one step's job summary (`$GITHUB_STEP_SUMMARY`).
pub const DEFAULT_MAX_BYTES: usize = 1_048_576;

/// Room kept for the note on what was left out and the footer.
const NOTE_RESERVE: usize = 2_048;

/// The whole report, however long.
pub fn render(audit: &Audit<'_>) -> String {
    render_limited(audit, None)
}

/// The report, at most about `max_bytes` long when given (`--max-bytes`).
///
/// When the whole report does not fit, the control tables stay (they are
/// what an auditor reads first), the evidence under each failing control
/// goes (its findings are in the Findings table), the Findings table keeps
/// the most severe rows that fit, and the later sections stay only when
/// whole. A note says how many findings were left out and where the full
/// report is. Control tables larger than the limit are still written: a
/// report without them would say nothing.
pub fn render_limited(audit: &Audit<'_>, max_bytes: Option<usize>) -> String {
    let doc = document::build(audit);
    let full = assemble(audit, &doc, true, usize::MAX);
    let Some(max) = max_bytes.filter(|m| *m > 0) else {
        return full;
    };
    if full.len() <= max {
        return full;
    }
    // First pass without findings rows: what the fixed parts cost.
    let fixed = assemble(audit, &doc, false, 0);
    let budget = max.saturating_sub(fixed.len() + NOTE_RESERVE);
    assemble(audit, &doc, false, budget)
}

/// A section writer.
type Section = fn(&mut String, &Audit<'_>, &Document<'_>);

/// The report; without `evidence`, shortened to fit `budget` bytes of
/// findings and later sections.
fn assemble(audit: &Audit<'_>, doc: &Document<'_>, evidence: bool, budget: usize) -> String {
    let input = audit.input;
    let mut slugs = Slugs(BTreeMap::new());
    let mut o = String::new();
    slugs.slug("Compliance report");
    o.push_str("# Compliance report\n\n");
    let names: Vec<String> = audit
        .frameworks
        .iter()
        .map(|a| esc(&a.framework.name))
        .collect();
    o.push_str("| | |\n|---|---|\n");
    let _ = writeln!(o, "| **Date** | {} |", esc(&date_line(audit)));
    let _ = writeln!(o, "| **Tool** | {} |", esc(&tool_line(input)));
    let _ = writeln!(o, "| **Rule set** | {} |", esc(&rule_set_line(input)));
    let _ = writeln!(o, "| **Frameworks** | {} |", names.join(", "));
    let _ = writeln!(
        o,
        "| **Advisory database** | {} |",
        esc(&advisory_db_line(audit))
    );
    o.push('\n');

    let caveats = caveats(audit);
    if !caveats.is_empty() {
        o.push_str("> [!WARNING]\n");
        for c in &caveats {
            let _ = writeln!(o, "> {}", esc(c));
        }
        o.push('\n');
    }

    // Framework sections get their anchors in order, after the fixed ones.
    let fixed = ["Summary", "Scope"];
    for h in fixed {
        slugs.slug(h);
    }
    if let Some(h) = super::change::markdown_heading(input) {
        slugs.slug(h);
    }
    let fw_slugs: Vec<String> = audit
        .frameworks
        .iter()
        .map(|a| slugs.slug(&a.framework.name))
        .collect();

    summary(&mut o, audit, &fw_slugs);
    super::change::markdown_section(&mut o, input);
    scope(&mut o, audit);
    for (a, _) in audit.frameworks.iter().zip(&fw_slugs) {
        framework(&mut o, audit, a, evidence);
    }
    let limited = !evidence;
    let mut rows = String::new();
    let shown = findings(&mut rows, doc, limited.then_some(budget));
    o.push_str(&rows);
    let mut left_budget = budget.saturating_sub(rows.len());
    let mut left_out: Vec<&str> = Vec::new();
    let sections: [(&str, Section); 4] = [
        ("the accepted risks", accepted_risks),
        ("the dependency advisories", advisories),
        ("the rule set", rule_set),
        ("the diagnostics", diagnostics),
    ];
    for (name, section) in sections {
        let mut part = String::new();
        section(&mut part, audit, doc);
        if !limited || part.len() <= left_budget {
            left_budget = left_budget.saturating_sub(part.len());
            o.push_str(&part);
        } else {
            left_out.push(name);
        }
    }
    if limited {
        let total = input.findings.len();
        let mut what = vec![format!(
            "{} of {total} findings (the least severe)",
            total - shown
        )];
        what.push("the evidence under each failing control".into());
        what.extend(left_out.iter().map(|s| s.to_string()));
        let _ = writeln!(
            o,
            "> [!NOTE]\n> This report was shortened to fit `--max-bytes`. Left out: {}. \
             The full report: `faasguard scan --format html` or `--format json` \
             (then `faasguard report --input FILE`), or `--max-bytes 0`.\n",
            what.join("; ")
        );
    }
    let _ = writeln!(
        o,
        "---\n<sub>Generated by {} from a scan of {}. The same scan gives the same report, except for the date.</sub>",
        esc(&tool_line(input)),
        esc(&paths(audit))
    );
    o
}

fn paths(audit: &Audit<'_>) -> String {
    match &audit.input.scope {
        Some(s) if !s.paths.is_empty() => s.paths.join(", "),
        _ => "the paths given".into(),
    }
}

fn summary(o: &mut String, audit: &Audit<'_>, slugs: &[String]) {
    let input = audit.input;
    o.push_str("## Summary\n\n");
    if audit.frameworks.is_empty() {
        o.push_str("No framework selected.\n\n");
    } else {
        o.push_str("| Framework | ✅ Pass | ❌ Fail | ➖ N/A | 📝 Manual | Controls |\n");
        o.push_str("|:--|--:|--:|--:|--:|--:|\n");
        for (a, slug) in audit.frameworks.iter().zip(slugs) {
            let [pass, fail, na, manual] = a.counts();
            let _ = writeln!(
                o,
                "| [{}](#{slug}) | {pass} | {} | {na} | {manual} | {} |",
                esc(&a.framework.name),
                if fail > 0 {
                    format!("**{fail}**")
                } else {
                    "0".into()
                },
                a.controls.len()
            );
        }
        o.push('\n');
    }
    let sev: Vec<String> = assess::by_severity(input)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let _ = write!(
        o,
        "**{}**",
        plural(input.findings.len(), "finding", "findings")
    );
    if !sev.is_empty() {
        let _ = write!(o, " ({})", sev.join(", "));
    }
    let _ = writeln!(
        o,
        " · **{}** · {} · {}\n",
        plural(input.suppressed.len(), "accepted risk", "accepted risks"),
        plural(input.summary.files_scanned, "file", "files"),
        plural(
            input.scope.as_ref().map_or(0, |s| s.count("functions")),
            "function",
            "functions"
        )
    );
    super::change::markdown_summary(o, input);
    let legend: Vec<String> = Status::ALL
        .iter()
        .map(|s| {
            format!(
                "{} **{}**: {}",
                mark(*s),
                s.label().to_lowercase(),
                status_meaning(*s)
            )
        })
        .collect();
    let _ = writeln!(o, "<sub>{}.</sub>\n", legend.join(". "));
}

fn scope(o: &mut String, audit: &Audit<'_>) {
    let input = audit.input;
    o.push_str("## Scope\n\n| | |\n|---|---|\n");
    let paths: Vec<String> = input
        .scope
        .iter()
        .flat_map(|s| &s.paths)
        .map(|p| code(p))
        .collect();
    let _ = writeln!(
        o,
        "| Paths | {} |",
        if paths.is_empty() {
            "not recorded".into()
        } else {
            paths.join(", ")
        }
    );
    let _ = writeln!(o, "| Files | {} |", esc(&files_line(input)));
    let _ = writeln!(
        o,
        "| Resources | {} |",
        esc(&super::count_of(input.summary.resources, "resources"))
    );
    let _ = writeln!(o, "| Functions | {} |", esc(&functions_line(input)));
    let _ = writeln!(o, "| Items by kind | {} |", esc(&kinds_line(input)));
    for (label, value) in config_rows(input) {
        let _ = writeln!(o, "| {label} | {} |", esc(&value));
    }
    let _ = writeln!(o, "\n<sub>{}</sub>\n", esc(LIMITS));
}

fn rule_codes(c: &ControlResult<'_>) -> String {
    if c.control.rules.is_empty() {
        return "—".into();
    }
    c.control
        .rules
        .iter()
        .map(|r| {
            if c.not_run.iter().any(|(id, _)| id == r) {
                format!("~~{}~~", code(r))
            } else {
                code(r)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn framework(o: &mut String, audit: &Audit<'_>, a: &Assessed<'_>, evidence: bool) {
    let f = a.framework;
    let _ = writeln!(o, "## {}\n", esc(&f.name));
    let mut meta: Vec<String> = [&f.version, &f.publisher]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| esc(s))
        .collect();
    if !f.url.is_empty() {
        meta.push(format!("<{}>", f.url.replace(['<', '>', ' '], "")));
    }
    if f.origin != super::framework::BUILTIN {
        meta.push(format!("from {}", code(&f.origin)));
    }
    if !meta.is_empty() {
        let _ = writeln!(o, "{}  ", meta.join(" · "));
    }
    if !f.description.is_empty() {
        let _ = writeln!(o, "{}", rich(&f.description));
    }
    let counts: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {} {}", mark(*s), a.count(*s), s.label().to_lowercase()))
        .collect();
    let _ = writeln!(o, "\n{}\n", counts.join(" · "));
    o.push_str("| Status | Control | Checks | Result |\n|---|---|---|---|\n");
    for c in &a.controls {
        let mut control = format!("**{}** {}", esc(&c.control.id), esc(&c.control.title));
        if !c.control.description.is_empty() {
            let _ = write!(control, "<br><sub>{}</sub>", rich(&c.control.description));
        }
        if !c.control.note.is_empty() {
            let _ = write!(control, "<br><sub>Note: {}</sub>", rich(&c.control.note));
        }
        let mut result = esc(&result_line(audit, c));
        if c.status == Status::Fail {
            result = format!("**{result}**");
        }
        for r in remarks(c) {
            let _ = write!(result, "<br><sub>{}</sub>", esc(&r));
        }
        let _ = writeln!(
            o,
            "| {} {} | {control} | {} | {result} |",
            mark(c.status),
            c.status.label(),
            rule_codes(c)
        );
    }
    o.push('\n');
    let failing: Vec<&ControlResult<'_>> = a
        .controls
        .iter()
        .filter(|c| c.status == Status::Fail)
        .collect();
    if !evidence {
        return;
    }
    if !failing.is_empty() {
        o.push_str("Evidence:\n\n");
    }
    for c in failing {
        let _ = writeln!(
            o,
            "<details><summary>❌ <b>{}</b> {} — {}</summary>\n",
            html(&c.control.id),
            html(&c.control.title),
            html(&result_line(audit, c))
        );
        o.push_str("| Severity | Rule | Resource | Location | Message |\n|---|---|---|---|---|\n");
        for i in &c.findings {
            let f = &audit.input.findings[*i];
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} | {} |",
                f.severity,
                code(&f.rule_id),
                resource(f),
                location(f),
                esc(&f.message)
            );
        }
        o.push_str("\n</details>\n\n");
    }
}

/// The controls a rule stands behind, as text.
fn controls(list: Controls<'_>) -> String {
    if list.is_empty() {
        return "—".into();
    }
    list.iter()
        .map(|(f, c)| format!("{} {}", esc(f.short()), esc(&c.id)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The Findings table, most severe first; with a byte budget, only the
/// rows that fit. Returns how many findings it shows.
fn findings(o: &mut String, doc: &Document<'_>, budget: Option<usize>) -> usize {
    let start = o.len();
    o.push_str("## Findings\n\n");
    if doc.findings.is_empty() {
        o.push_str("None.\n\n");
        return 0;
    }
    o.push_str("| Severity | Rule | Resource | Location | Message | Controls |\n|---|---|---|---|---|---|\n");
    let mut shown = 0;
    for row in &doc.findings {
        let f = row.finding;
        let line = format!(
            "| {} | {} | {} | {} | {}<br><sub>Fix: {}</sub> | {} |\n",
            f.severity,
            code(&f.rule_id),
            resource(f),
            location(f),
            esc(&f.message),
            esc(&f.remediation),
            controls(row.controls)
        );
        if budget.is_some_and(|b| o.len() - start + line.len() + 1 > b) {
            break;
        }
        o.push_str(&line);
        shown += 1;
    }
    o.push('\n');
    shown
}

fn accepted_risks(o: &mut String, _: &Audit<'_>, doc: &Document<'_>) {
    o.push_str("## Accepted risks\n\nFindings suppressed by an inline comment, resource metadata or a baseline.\n\n");
    if doc.accepted.is_empty() {
        o.push_str("None.\n\n");
        return;
    }
    o.push_str("| Severity | Rule | Resource | Location | Reason | Until | Suppressed by |\n|---|---|---|---|---|---|---|\n");
    for risk in &doc.accepted {
        let f = risk.finding;
        let by = match &risk.written_at {
            Some(at) => format!("{} {}", esc(risk.origin), code(at)),
            None => esc(risk.origin),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {by} |",
            f.severity,
            code(&f.rule_id),
            resource(f),
            location(f),
            risk.reason.map_or("—".into(), esc),
            risk.until.map_or("no expiry".into(), esc),
        );
    }
    o.push('\n');
}

fn advisories(o: &mut String, audit: &Audit<'_>, doc: &Document<'_>) {
    let input = audit.input;
    o.push_str("## Dependency advisories\n\n");
    match dep_not_checked_text(input) {
        Some(why) => {
            let _ = writeln!(o, "{}\n", rich(&why));
        }
        None => dependency_table(o, audit),
    }
    if doc.functions.is_empty() {
        o.push_str("No functions in scope.\n\n");
        return;
    }
    o.push_str("| Function | Runtime | File | Advisories |\n|---|---|---|---|\n");
    for row in &doc.functions {
        let f = row.function;
        let cell = match &row.advisories {
            Advisories::Found(ids) => ids.iter().map(|i| code(i)).collect::<Vec<_>>().join(" "),
            Advisories::None(why) => why.to_string(),
        };
        let _ = writeln!(
            o,
            "| {} | {} | {} | {cell} |",
            code(&f.id),
            f.runtime.as_deref().map_or("—".into(), code),
            code(&f.file)
        );
    }
    o.push('\n');
}

/// The check's facts and one row per vulnerable package version.
fn dependency_table(o: &mut String, audit: &Audit<'_>) {
    let input = audit.input;
    o.push_str("| | |\n|---|---|\n");
    for (label, value) in dep_rows(audit) {
        let _ = writeln!(o, "| {label} | {} |", esc(&value));
    }
    o.push('\n');
    let rows = dep_findings(input);
    if rows.is_empty() {
        o.push_str("No locked package version has a known advisory.\n\n");
    } else {
        o.push_str("| Package | Version | Ecosystem | Advisory | Severity | Fixed in | Functions | Evidence |\n|---|---|---|---|---|---|---|---|\n");
        for i in rows {
            let f = &input.findings[i];
            let Some(d) = &f.dependency else { continue };
            let mut advisory = match safe_url(&d.url) {
                Some(url) => format!("[{}]({url})", esc(&d.advisory)),
                None => esc(&d.advisory),
            };
            if !d.aliases.is_empty() {
                let _ = write!(advisory, " ({})", esc(&d.aliases.join(", ")));
            }
            if let Some(kind) = &d.informational {
                let _ = write!(advisory, " — {}", esc(kind));
            }
            if !d.summary.is_empty() {
                let _ = write!(advisory, "<br><sub>{}</sub>", esc(&d.summary));
            }
            let functions = if d.functions.is_empty() {
                "—".to_string()
            } else {
                d.functions
                    .iter()
                    .map(|x| code(x))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let _ = writeln!(
                o,
                "| {}{} | {} | {} | {advisory} | {} | {} | {functions} | {} |",
                code(&d.package),
                if d.dev { " (dev)" } else { "" },
                code(&d.version),
                esc(&d.ecosystem),
                f.severity,
                esc(&fixed_label(d)),
                location(f)
            );
        }
        o.push('\n');
    }
    let accepted = input
        .suppressed
        .iter()
        .filter(|s| s.finding.dependency.is_some())
        .count();
    if accepted > 0 {
        let _ = writeln!(
            o,
            "{} (see [Accepted risks](#accepted-risks)).\n",
            plural(
                accepted,
                "more advisory match was accepted",
                "more advisory matches were accepted"
            )
        );
    }
}

/// A URL safe to put in `[text](url)` as is: http(s), no spaces, brackets,
/// quotes or pipes (anything else is shown as text only).
fn safe_url(url: &str) -> Option<&str> {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#@!$&*+,;=%".contains(&b));
    ok.then_some(url)
}

fn rule_set(o: &mut String, audit: &Audit<'_>, doc: &Document<'_>) {
    let Some(rules) = &doc.rules else {
        return;
    };
    o.push_str("## Rule set\n\n");
    let _ = writeln!(
        o,
        "<details><summary>{}</summary>\n",
        html(&rule_set_line(audit.input))
    );
    o.push_str("| Rule | Severity | Title | Controls |\n|---|---|---|---|\n");
    for r in rules {
        let _ = writeln!(
            o,
            "| {}{} | {} | {} | {} |",
            code(&r.rule.id),
            if r.custom { " (custom)" } else { "" },
            r.severity,
            esc(&r.rule.title),
            controls(r.controls)
        );
    }
    o.push_str("\n</details>\n\n");
}

fn diagnostics(o: &mut String, _: &Audit<'_>, doc: &Document<'_>) {
    let Some(table) = &doc.diagnostics else {
        return;
    };
    o.push_str("## Diagnostics\n\n");
    print_table(o, table);
    o.push('\n');
}

/// A document table as a Markdown table.
fn print_table(o: &mut String, t: &Table) {
    let _ = writeln!(o, "| {} |", t.headings.join(" | "));
    let _ = writeln!(o, "|{}", "---|".repeat(t.headings.len()));
    for row in &t.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cell::Text(s) => esc(s),
                Cell::Code(s) => code(s),
                Cell::Empty => "—".into(),
            })
            .collect();
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("a|b *c* <x> _y_ [z](u)"),
            r"a\|b \*c\* \<x\> \_y\_ \[z\](u)"
        );
        assert_eq!(esc("a\nb & c"), "a b &amp; c");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("a|b"), r"`a\|b`");
    }

    #[test]
    fn slugs_follow_github() {
        let mut s = Slugs(BTreeMap::new());
        assert_eq!(s.slug("ISO/IEC 27001"), "isoiec-27001");
        assert_eq!(s.slug("NIST SP 800-53"), "nist-sp-800-53");
        assert_eq!(s.slug("Summary"), "summary");
        assert_eq!(s.slug("Summary"), "summary-1");
    }
}
