//! What a scan produced: the [`Outcome`] every renderer takes, its
//! [`Stats`] and the `--profile` timings. Apart from the orchestrator
//! (`scan`), so that the report stage depends on this data and not on the
//! code that computed it.

use crate::baseline;
use crate::finding::{Diagnostic, Finding, Redactor};
use crate::rule::Rule;
use crate::settings::Settings;
use crate::source::SourceMap;
use crate::suppress::Suppressed;

/// Counts for summaries.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// IaC files scanned (templates, services, modules).
    pub files_scanned: usize,
    /// Resources across them.
    pub resources: usize,
    /// Files that could not be read or parsed.
    pub files_failed: usize,
    /// Terraform module calls not evaluated (a call cycle, a chain deeper
    /// than the bound, a module outside the repository): their resources
    /// are not scanned.
    #[serde(skip_serializing_if = "is_zero")]
    pub modules_unscanned: usize,
    /// Resources declared in the modules of those calls (and the local
    /// modules they call): not scanned.
    #[serde(skip_serializing_if = "is_zero")]
    pub resources_unscanned: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Everything a scan produced.
pub struct Outcome {
    /// Every file read, with its text: spans in findings and diagnostics index into it.
    pub sources: SourceMap,
    /// Findings standing after the suppress stage (what fails a scan).
    pub findings: Vec<Finding>,
    /// Findings a comment, `Metadata` entry or the baseline suppressed, in
    /// the same order; reports still show them.
    pub suppressed: Vec<Suppressed>,
    /// What the scan made of `--baseline`.
    pub baseline: Option<baseline::Status>,
    /// What the scanner itself reports: files it could not read or parse, policies that failed,
    /// notes.
    pub diagnostics: Vec<Diagnostic>,
    pub(crate) rules: Vec<Rule>,
    /// Replaces the secrets found with their redacted forms in any text a report prints.
    pub redactor: Redactor,
    /// Counts for summaries: files scanned and failed, resources, modules not evaluated.
    pub stats: Stats,
    /// What the scan covered: paths, files and items per kind, functions.
    pub scope: crate::scope::Scope,
    /// The settings it ran with (reports show the configuration in force).
    pub settings: Settings,
    /// How the dependency check went.
    pub dependencies: crate::deps::Summary,
    /// `--profile`: where the evaluation time went.
    pub profile: Option<Profile>,
    /// `--baseline-commit`: which findings are new since that commit, and
    /// which of its findings are fixed ([`crate::pr`] fills it in).
    pub pr: Option<crate::pr::comparison::Comparison>,
    /// Checks rules could not decide on unknown values, sorted.
    pub undecided: Vec<crate::undecided::Undecided>,
    /// `--show-unknown`: the text report lists them (else one line counts them).
    pub show_unknown: bool,
}

/// Where a scan's time went (`--profile`), slowest first.
#[derive(Debug, Default)]
pub struct Profile {
    /// Rule id, total evaluation time over every unit, units evaluated.
    pub rules: Vec<(String, std::time::Duration, usize)>,
    /// A unit (its file as shown), the time to parse, adapt and evaluate
    /// it, and the part of that its rules took.
    pub files: Vec<(String, std::time::Duration, std::time::Duration)>,
}
