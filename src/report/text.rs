//! Compiler-style text: `severity[RULE]: message`, the `file:line:col`, a
//! snippet with the offending value underlined, and the fix. Colour only when
//! the writer supports it (`anstream` honours `NO_COLOR` and non-TTYs).
//! Diagnostics (unparseable files) go to stderr through `miette`, not here.
//! Every string that comes from the scanned files (messages, ids, paths,
//! snippet lines) goes through [`escape::line`]: a finding can never start an
//! output line of its own choosing.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};

use super::{escape, locate, severity_counts};
use crate::outcome::Outcome;
use crate::rule::Severity;

fn severity_style(s: Severity) -> Style {
    let color = match s {
        Severity::Critical => AnsiColor::BrightRed,
        Severity::High => AnsiColor::Red,
        Severity::Medium => AnsiColor::Yellow,
        Severity::Low => AnsiColor::Cyan,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// Render with ANSI styles; the caller strips them when colour is off.
pub fn render(outcome: &Outcome) -> String {
    let bold = Style::new().bold();
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    let mut out = String::new();
    for l in locate(outcome) {
        let f = l.finding;
        // `--baseline-commit`: findings already at that commit only on request.
        if let Some(pr) = &outcome.pr {
            if !pr.show_unchanged && !pr.is_new(f) {
                continue;
            }
        }
        let sev = severity_style(f.severity);
        let _ = writeln!(
            out,
            "{sev}{}[{}]{sev:#}{bold}: {}{bold:#}",
            f.severity,
            escape::line(&f.rule_id),
            escape::line(&f.message)
        );
        let _ = writeln!(
            out,
            "  {blue}-->{blue:#} {}:{}:{}",
            escape::line(l.file),
            l.start.line,
            l.start.column
        );
        if let Some(src) = outcome.sources.get(f.span.file) {
            let line_no = l.start.line.to_string();
            let pad = " ".repeat(line_no.len());
            let raw = src.line_text(l.start.line);
            let line = outcome.redactor.mask(raw).replace('\t', " ");
            let start_col = l.start.column as usize;
            let width = if l.end.line == l.start.line {
                (l.end.column as usize).saturating_sub(start_col).max(1)
            } else {
                raw.chars().count().saturating_sub(start_col - 1).max(1)
            };
            // Escapes widen the line: the caret moves by what they add.
            let chars: Vec<char> = line.chars().collect();
            let escaped_width = |from: usize, to: usize| {
                let part: String = chars
                    .get(from.min(chars.len())..to.min(chars.len()))
                    .map(|c| c.iter().collect())
                    .unwrap_or_default();
                escape::line(&part).chars().count() + to.saturating_sub(chars.len().max(from))
            };
            let lead = escaped_width(0, start_col - 1);
            let width = escaped_width(start_col - 1, start_col - 1 + width).max(1);
            let _ = writeln!(out, "{pad} {blue}|{blue:#}");
            let _ = writeln!(out, "{blue}{line_no} |{blue:#} {}", escape::line(&line));
            let _ = writeln!(
                out,
                "{pad} {blue}|{blue:#} {}{sev}{}{sev:#}",
                " ".repeat(lead),
                "^".repeat(width)
            );
            if let Some(res) = &f.resource {
                let ty = f
                    .resource_type
                    .as_deref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "{pad} {blue}={blue:#} resource: {}{}",
                    escape::line(res),
                    escape::line(&ty)
                );
            }
            // Shown with --show-unchanged: say which ones were already there.
            if let Some(pr) = outcome.pr.as_ref().filter(|p| !p.is_new(f)) {
                let _ = writeln!(
                    out,
                    "{pad} {blue}={blue:#} note: unchanged since {}",
                    escape::line(&pr.reference)
                );
            }
            if let Some(c) = &f.construct_path {
                let _ = writeln!(out, "{pad} {blue}={blue:#} construct: {c}");
            }
            if !l.instantiated_by.is_empty() {
                let calls: Vec<String> = l
                    .instantiated_by
                    .iter()
                    .map(|(file, at, module)| {
                        format!("{module} at {file}:{}:{}", at.line, at.column)
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "{pad} {blue}={blue:#} note: instantiated by {}",
                    calls.join(", ")
                );
            }
            // Dependency findings: where to read the advisory in full.
            if let Some(d) = f.dependency.as_deref().filter(|d| !d.url.is_empty()) {
                let _ = writeln!(
                    out,
                    "{pad} {blue}={blue:#} advisory: {}",
                    escape::line(&outcome.redactor.redact(&d.url))
                );
            }
            if let Some(rule) = l.rule {
                let _ = writeln!(
                    out,
                    "{pad} {blue}={blue:#} {bold}help{bold:#}: {}",
                    escape::line(f.remediation(rule))
                );
            }
        }
        out.push('\n');
    }
    if outcome.show_unknown {
        for u in &outcome.undecided {
            // With --baseline-commit, as findings: the unchanged ones only
            // with --show-unchanged, and marked.
            let unchanged = outcome.pr.as_ref().filter(|pr| {
                pr.unknown_state(u, &outcome.sources) == crate::pr::comparison::State::Unchanged
            });
            if unchanged.is_some_and(|pr| !pr.show_unchanged) {
                continue;
            }
            let (file, start, _) = super::position(outcome, u.span);
            let _ = writeln!(
                out,
                "{bold}unknown[{}]{bold:#}: {}\n  {blue}-->{blue:#} {}:{}:{}",
                escape::line(&u.rule_id),
                escape::line(&u.message()),
                escape::line(file),
                start.line,
                start.column
            );
            if let Some(pr) = unchanged {
                let _ = writeln!(
                    out,
                    "   {blue}={blue:#} note: unchanged since {}",
                    escape::line(&pr.reference)
                );
            }
            out.push('\n');
        }
    }
    if let Some(b) = outcome.baseline.as_ref().filter(|b| !b.fixed.is_empty()) {
        let heading = format!("fixed since the baseline {}", escape::line(&b.file));
        let rows = b
            .fixed
            .iter()
            .map(|e| (&e.rule_id, e.file.clone(), &e.resource));
        fixed_list(&mut out, &heading, rows);
    }
    if let Some(pr) = outcome.pr.as_ref().filter(|p| !p.fixed.is_empty()) {
        let heading = format!("fixed since {}", escape::line(&pr.reference));
        let rows = pr.fixed.iter().map(|f| {
            let place = format!("{}:{}:{}", f.file, f.start.line, f.start.column);
            (&f.rule_id, place, &f.resource)
        });
        fixed_list(&mut out, &heading, rows);
    }
    if let Some(pr) = &outcome.pr {
        return pr_summary(outcome, pr, out);
    }
    let counts: Vec<String> = severity_counts(&outcome.findings)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let total = outcome.findings.len();
    let files = outcome.stats.files_scanned;
    let _ = write!(
        out,
        "{bold}{total} finding{}{bold:#}",
        if total == 1 { "" } else { "s" }
    );
    if !counts.is_empty() {
        let _ = write!(out, " ({})", counts.join(", "));
    }
    let _ = write!(out, " in {files} file{}", if files == 1 { "" } else { "s" });
    // conftest exceptions are counted apart, as conftest counts them.
    let exceptions = outcome
        .suppressed
        .iter()
        .filter(|s| s.suppression.origin == crate::suppress::Origin::Exception)
        .count();
    if outcome.suppressed.len() > exceptions {
        let _ = write!(
            out,
            ", {} suppressed",
            outcome.suppressed.len() - exceptions
        );
    }
    if exceptions > 0 {
        let _ = write!(
            out,
            ", {exceptions} exception{}",
            if exceptions == 1 { "" } else { "s" }
        );
    }
    if let Some(b) = &outcome.baseline {
        let _ = write!(out, ", {} fixed since the baseline", b.fixed.len());
    }
    failures(outcome, &mut out);
    out.push('\n');
    undecided_line(outcome, &mut out);
    out
}

/// The summary line with `--baseline-commit`: new findings by severity,
/// then how many were already there and how many are fixed.
fn pr_summary(
    outcome: &Outcome,
    pr: &crate::pr::comparison::Comparison,
    mut out: String,
) -> String {
    let bold = Style::new().bold();
    let new: Vec<crate::finding::Finding> = outcome
        .findings
        .iter()
        .filter(|f| pr.is_new(f))
        .cloned()
        .collect();
    let counts: Vec<String> = severity_counts(&new)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let total = new.len();
    let _ = write!(
        out,
        "{bold}{total} new finding{}{bold:#}",
        if total == 1 { "" } else { "s" }
    );
    if !counts.is_empty() {
        let _ = write!(out, " ({})", counts.join(", "));
    }
    let files = outcome.stats.files_scanned;
    let _ = write!(
        out,
        " since {} in {files} file{}; {} unchanged{}, {} fixed",
        escape::line(&pr.reference),
        if files == 1 { "" } else { "s" },
        pr.unchanged,
        if pr.show_unchanged || pr.unchanged == 0 {
            ""
        } else {
            " (see --show-unchanged)"
        },
        pr.fixed.len()
    );
    if !outcome.suppressed.is_empty() {
        let _ = write!(out, ", {} suppressed", outcome.suppressed.len());
    }
    failures(outcome, &mut out);
    out.push('\n');
    undecided_line(outcome, &mut out);
    out
}

/// The summary's tail: files and module calls that were not scanned.
fn failures(outcome: &Outcome, out: &mut String) {
    if outcome.stats.files_failed > 0 {
        let _ = write!(out, "; {} could not be scanned", outcome.stats.files_failed);
    }
    if outcome.stats.modules_unscanned > 0 {
        let n = outcome.stats.modules_unscanned;
        let _ = write!(
            out,
            "; {n} module call{} not scanned",
            if n == 1 { "" } else { "s" }
        );
        // Counted where the module's files were read (a chain too deep); a
        // module outside the repository is never read, so it adds nothing.
        let r = outcome.stats.resources_unscanned;
        if r > 0 {
            let _ = write!(
                out,
                " ({r} resource{} in them left out)",
                if r == 1 { "" } else { "s" }
            );
        }
    }
}

/// One line for the checks rules could not decide (unknown values).
/// With `--baseline-commit`, the new ones, then how many were already
/// undecided at the commit.
fn undecided_line(outcome: &Outcome, out: &mut String) {
    let n = outcome.undecided.len();
    if n == 0 {
        return;
    }
    let listed = if outcome.show_unknown {
        " (listed above)"
    } else {
        "; see --show-unknown"
    };
    let Some(pr) = &outcome.pr else {
        let _ = writeln!(
            out,
            "{n} check{} could not be decided{listed}",
            if n == 1 { "" } else { "s" },
        );
        return;
    };
    // `1 new check could not be decided since HEAD, 2 unchanged; see
    // --show-unknown`; once listed, where the unchanged ones are.
    let new = pr.unknowns_new;
    let mut line = format!(
        "{new} new check{} could not be decided since {}",
        if new == 1 { "" } else { "s" },
        escape::line(&pr.reference),
    );
    let unchanged = pr.unknowns_unchanged;
    match (outcome.show_unknown, unchanged) {
        (_, 0) => line.push_str(listed),
        (false, _) => {
            let _ = write!(line, ", {unchanged} unchanged{listed}");
        }
        (true, _) if pr.show_unchanged => {
            let _ = write!(line, ", {unchanged} unchanged{listed}");
        }
        (true, _) => {
            let _ = write!(
                line,
                "{listed}, {unchanged} unchanged (see --show-unchanged)"
            );
        }
    }
    let _ = writeln!(out, "{line}");
}

/// Findings a baseline (file or commit) had and this scan does not: a
/// heading, then one line per finding (rule, place, resource).
fn fixed_list<'a>(
    out: &mut String,
    heading: &str,
    rows: impl Iterator<Item = (&'a String, String, &'a Option<String>)>,
) {
    let bold = Style::new().bold();
    let _ = writeln!(out, "{bold}{heading}:{bold:#}");
    for (rule_id, place, resource) in rows {
        let resource = resource
            .as_deref()
            .map(|r| format!(" ({r})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {} {}{}",
            escape::line(rule_id),
            escape::line(&place),
            escape::line(&resource)
        );
    }
    out.push('\n');
}
