//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice`
//! line per finding, which GitHub shows as annotations on the pull request
//! diff, without code scanning. Untrusted text is [`escape::line`]d before
//! GitHub's own escaping, so no finding can end its command line early (or
//! smuggle `::add-mask::` or ESC sequences into the log).

use std::fmt::Write as _;

use super::{escape, locate};
use crate::outcome::Outcome;
use crate::rule::Severity;

/// Escaping for a command's message (GitHub's `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping for a command's properties (GitHub's `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The outcome as GitHub Actions workflow commands, one line per finding.
pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for l in locate(outcome) {
        let f = l.finding;
        // `--baseline-commit`: annotate only what the change adds.
        if !crate::pr::counts(outcome, f) {
            continue;
        }
        let command = match f.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "notice",
        };
        let title = l.rule.map_or(f.rule_id.clone(), |r| {
            format!("{} {}", r.meta.id, r.meta.title)
        });
        // The one line break that is ours: between the message and the fix.
        let fix = l
            .rule
            .map(|r| format!("\nfix: {}", escape::line(f.remediation(r))))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{command} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            property(&escape::line(l.file)),
            l.start.line,
            l.end.line,
            l.start.column,
            l.end.column,
            property(&escape::line(&title)),
            data(&format!(
                "{} [{}]{fix}",
                escape::line(&f.message),
                f.severity
            ))
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(super::data("50%\nok"), "50%25%0Aok");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }
}
