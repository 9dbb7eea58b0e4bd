//! Checks a rule could not decide: its answer hinged on a value that is
//! unknown before deployment (a variable without a default, an `Fn::If` on
//! a deploy-time condition, an `${ssm:}` lookup, a module output). Rules
//! never report on such values (they stay unknown, docs/adr/0030); a rule
//! that defines `undecided contains {"resource", "path", "reason"}` (through
//! `lib.undecided`) says which check was skipped, and the reports list them
//! apart from findings: JSON `unknowns`, SARIF results of kind `review`,
//! a one-line count in text (`--show-unknown` lists them), and
//! `--fail-on-unknown` fails on them.

use crate::source::{SourceMap, Span};

/// One undecided check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undecided {
    pub rule_id: String,
    /// The model item (`aws_lambda_function.orders`).
    pub resource: Option<String>,
    /// The model path of the unknown value (`runtime`).
    pub path: Option<String>,
    /// Why it is unknown (`variable runtime has no value`).
    pub reason: String,
    /// Where the unknown value is written (the variable's use, the
    /// `Fn::If`), else the resource.
    pub span: Span,
}

/// Report order: file, position, rule, resource; one entry per place and
/// rule (a module called from several roots gives one).
pub fn sort(list: &mut Vec<Undecided>, sources: &SourceMap) {
    list.sort_by_cached_key(|u| {
        (
            sources.get(u.span.file).map(|s| s.display.clone()),
            u.span.start,
            u.span.end,
            u.rule_id.clone(),
            u.resource.clone(),
            u.path.clone(),
            u.reason.clone(),
        )
    });
    list.dedup_by(|a, b| a.rule_id == b.rule_id && a.span == b.span && a.path == b.path);
}

impl Undecided {
    /// One line for reports: what is unknown, why, and which rule could
    /// not check it.
    pub fn message(&self) -> String {
        let what = match (&self.path, &self.resource) {
            (Some(p), Some(r)) => format!("{p} of {r}"),
            (None, Some(r)) => r.clone(),
            (Some(p), None) => p.clone(),
            (None, None) => "a value".to_string(),
        };
        format!(
            "{what} is unknown ({}): {} could not check it",
            self.reason, self.rule_id
        )
    }

    /// Content-based, as a finding's: rule, file, resource, path and the
    /// reason, never the line, so a moved check keeps it (`--baseline-commit`
    /// matches on it) while another cause of the same unknown (a parameter
    /// instead of a variable) is a different check.
    pub fn fingerprint(&self, file: &str) -> String {
        format!(
            "{:016x}",
            crate::finding::fnv1a(&[
                &self.rule_id,
                file,
                self.resource.as_deref().unwrap_or(""),
                "undecided",
                self.path.as_deref().unwrap_or(""),
                &self.reason,
            ])
        )
    }
}
