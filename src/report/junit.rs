//! JUnit XML for CI systems that show test reports: one test suite per rule,
//! one failing test case per finding (a rule without findings is one
//! passing case), so a report reads as "which policies failed, where".
//! With `--baseline-commit` only new findings fail; unchanged ones are left
//! out, or skipped test cases with `--show-unchanged`.

use std::fmt::Write as _;

use super::{locate, Located};
use crate::outcome::Outcome;

/// XML-escape text for attributes and content.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters and the
            // non-characters U+FFFE and U+FFFF, even as character references.
            c if ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
                || matches!(c, '\u{fffe}' | '\u{ffff}') =>
            {
                out.push('\u{fffd}')
            }
            c => out.push(c),
        }
    }
    out
}

/// The outcome as JUnit XML: one test suite per rule, one failing test case per finding.
pub fn render(outcome: &Outcome) -> String {
    let pr = outcome.pr.as_ref();
    // With --baseline-commit, a finding already there at the commit is not
    // this change's failure: left out, or with --show-unchanged a skipped
    // test case that says so.
    let located: Vec<(Located<'_>, bool)> = locate(outcome)
        .into_iter()
        .map(|l| {
            let unchanged = pr.is_some_and(|p| !p.is_new(l.finding));
            (l, unchanged)
        })
        .filter(|(_, unchanged)| !unchanged || pr.is_some_and(|p| p.show_unchanged))
        .collect();
    let failures = located.iter().filter(|(_, u)| !u).count();
    let skipped = located.len() - failures;
    let tests: usize = outcome
        .rules
        .iter()
        .map(|r| {
            located
                .iter()
                .filter(|(l, _)| l.finding.rule_id == r.meta.id)
                .count()
                .max(1)
        })
        .sum();
    let skipped_attr = |n: usize| {
        if pr.is_some() {
            format!(" skipped=\"{n}\"")
        } else {
            String::new()
        }
    };
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"faasguard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\"{}>",
        skipped_attr(skipped)
    );
    for rule in &outcome.rules {
        let mine: Vec<_> = located
            .iter()
            .filter(|(l, _)| l.finding.rule_id == rule.meta.id)
            .collect();
        let mine_skipped = mine.iter().filter(|(_, u)| *u).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{} {}\" tests=\"{}\" failures=\"{}\" errors=\"0\"{}>",
            esc(&rule.meta.id),
            esc(&rule.meta.title),
            mine.len().max(1),
            mine.len() - mine_skipped,
            skipped_attr(mine_skipped)
        );
        if mine.is_empty() {
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"/>",
                esc(&rule.meta.id),
                match pr {
                    Some(p) => format!("no new findings since {}", esc(&p.reference)),
                    None => "no findings".into(),
                }
            );
        }
        for (l, unchanged) in mine {
            let f = l.finding;
            let name = format!(
                "{}:{}:{}{}",
                l.file,
                l.start.line,
                l.start.column,
                f.resource
                    .as_deref()
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default()
            );
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\">",
                esc(&rule.meta.id),
                esc(&name),
                esc(l.file),
                l.start.line
            );
            match pr.filter(|_| *unchanged) {
                Some(p) => {
                    let _ = writeln!(
                        out,
                        "      <skipped message=\"unchanged since {}\">{}</skipped>",
                        esc(&p.reference),
                        esc(&f.message)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "      <failure type=\"{}\" message=\"{}\">{}\n\n{}: {}\nfix: {}</failure>",
                        f.severity,
                        esc(&f.message),
                        esc(&f.message),
                        esc(&name),
                        f.severity,
                        esc(f.remediation(rule))
                    );
                }
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            super::esc("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;\u{fffd}"
        );
        assert_eq!(super::esc("x\u{fffe}y\u{ffff}"), "x\u{fffd}y\u{fffd}");
    }
}
