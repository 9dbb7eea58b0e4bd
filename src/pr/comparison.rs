//! What `--baseline-commit` found: each standing finding's and undecided
//! check's state (new or unchanged) and the findings the change fixed. A
//! leaf of the pull-request stage: the scan's outcome and the reports hold
//! it without importing the stage that computes it.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::source::{LineCol, SourceMap};
use crate::undecided::Undecided;

/// A finding's state against the baseline commit (SARIF's `baselineState`
/// values that apply).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Not found at the baseline commit: the change introduced it.
    New,
    /// Found at the baseline commit too (same fingerprint).
    Unchanged,
}

impl State {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::New => "new",
            State::Unchanged => "unchanged",
        }
    }
}

/// A finding at the baseline commit that the change removed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fixed {
    pub(crate) rule_id: String,
    pub(crate) severity: crate::rule::Severity,
    pub(crate) message: String,
    /// The file as shown, and where the finding was at the baseline commit.
    pub file: String,
    pub(crate) start: LineCol,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) resource: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) path: Option<String>,
    pub(crate) fingerprint: String,
}

/// What `--baseline-commit` found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The commit as given (`origin/main`, `HEAD`).
    pub reference: String,
    /// Its full object name; `null` for `HEAD` before the first commit
    /// (then every finding is new).
    pub commit: Option<String>,
    /// Standing findings the change adds.
    pub new: usize,
    /// Standing findings already there at the commit.
    pub unchanged: usize,
    /// Findings at the commit that are gone now.
    pub fixed: Vec<Fixed>,
    /// Files at the commit that could not be read or parsed: their
    /// findings are unknown, so this change's findings there show as new.
    pub files_failed_at_commit: usize,
    /// Undecided checks (`unknowns`) the change adds: the ones
    /// `--fail-on-unknown` counts.
    #[serde(default)]
    pub unknowns_new: usize,
    /// Undecided checks already there at the commit.
    #[serde(default)]
    pub unknowns_unchanged: usize,
    /// `--show-unchanged`: the text report lists unchanged findings too.
    #[serde(skip)]
    pub show_unchanged: bool,
    /// Unchanged findings of this scan, by identity.
    #[serde(skip)]
    pub(super) unchanged_ids: BTreeSet<Identity>,
    /// Unchanged undecided checks of this scan, by identity.
    #[serde(skip)]
    pub(super) unchanged_unknowns: BTreeSet<UnknownIdentity>,
}

/// A finding of one scan: its fingerprint and where it is.
pub(super) type Identity = (String, u32, u32, u32);

pub(super) fn identity(f: &Finding) -> Identity {
    (
        f.fingerprint.clone(),
        f.span.file.0,
        f.span.start,
        f.span.end,
    )
}

/// An undecided check of one scan: its fingerprint and where it is.
pub(super) type UnknownIdentity = (String, u32, u32, u32);

pub(super) fn unknown_identity(u: &Undecided, sources: &SourceMap) -> UnknownIdentity {
    (
        unknown_fingerprint(u, sources),
        u.span.file.0,
        u.span.start,
        u.span.end,
    )
}

/// An undecided check's fingerprint, with its file as shown.
pub(super) fn unknown_fingerprint(u: &Undecided, sources: &SourceMap) -> String {
    u.fingerprint(sources.get(u.span.file).map_or("", |s| s.display.as_str()))
}

impl Comparison {
    /// A standing finding's state.
    pub fn state(&self, f: &Finding) -> State {
        if self.unchanged_ids.contains(&identity(f)) {
            State::Unchanged
        } else {
            State::New
        }
    }

    pub(crate) fn is_new(&self, f: &Finding) -> bool {
        self.state(f) == State::New
    }

    /// An undecided check's state.
    pub fn unknown_state(&self, u: &Undecided, sources: &SourceMap) -> State {
        if self
            .unchanged_unknowns
            .contains(&unknown_identity(u, sources))
        {
            State::Unchanged
        } else {
            State::New
        }
    }
}
