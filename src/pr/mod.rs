//! Pull-request mode (`--baseline-commit REF`): which findings a change
//! adds. The same paths are read at `REF` from the git object database
//! ([`git`]), scanned with the same settings, and each finding of the
//! current scan is matched against that scan's findings by content: rule,
//! file, resource, model path (the fingerprint) and the offending value's
//! text, never the line. Matched findings are *unchanged*, the others *new*;
//! findings at `REF` that match nothing (standing or suppressed now) are
//! *fixed*. Reports mark each finding; only new ones fail `--fail-on`.
//! Undecided checks (`unknowns`) are matched the same way, by their own
//! fingerprint, and only new ones fail `--fail-on-unknown`.
//!
//! docs/adr/0030-pull-request-mode.md records the choices.

pub(crate) mod comparison;
pub(crate) mod git;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Component, Path, PathBuf};

use crate::finding::Finding;
use crate::scan::{self, Outcome, ScanError, Settings};
use crate::source::{LineCol, SourceMap};
use crate::undecided::Undecided;

pub use comparison::{Comparison, Fixed, State};
pub use git::GitError;

use comparison::{identity, unknown_fingerprint, unknown_identity};

/// Whether a finding counts (fails `--fail-on`, shows in text): every
/// finding without `--baseline-commit`, only new ones with it.
pub fn counts(outcome: &Outcome, f: &Finding) -> bool {
    outcome.pr.as_ref().is_none_or(|p| p.is_new(f))
}

/// Whether an undecided check counts (fails `--fail-on-unknown`, shows in
/// text): every one without `--baseline-commit`, only new ones with it.
pub fn unknown_counts(outcome: &Outcome, u: &Undecided) -> bool {
    outcome
        .pr
        .as_ref()
        .is_none_or(|p| p.unknown_state(u, &outcome.sources) == State::New)
}

/// Why pull-request mode could not run.
#[derive(Debug, thiserror::Error)]
pub enum PrError {
    /// Reading the other commit with git failed.
    #[error(transparent)]
    Git(#[from] GitError),
    /// The scan of either commit failed.
    #[error(transparent)]
    Scan(#[from] ScanError),
    /// Standard input was among the scan paths: it has no version at another commit.
    #[error("--baseline-commit cannot compare standard input (`-`): name the files")]
    Stdin,
    /// A scan path cannot be resolved (canonicalized) to place it in the repository.
    #[error("cannot use {path} for --baseline-commit: {detail}")]
    Path {
        /// The scan path.
        path: String,
        /// The operating system's error.
        detail: String,
    },
    /// The temporary directory for the other commit's files could not be made.
    #[error("cannot make a temporary directory for the files of {commit}: {detail}")]
    TempDir {
        /// The commit given.
        commit: String,
        /// The operating system's error.
        detail: String,
    },
}

/// Scan `settings.paths` now and at `reference`, and mark the current
/// findings new or unchanged.
pub fn scan_against(
    settings: &Settings,
    reference: &str,
    show_unchanged: bool,
) -> Result<Outcome, PrError> {
    if settings
        .paths
        .iter()
        .any(|p| p.as_os_str() == crate::discover::STDIN_PATH)
    {
        return Err(PrError::Stdin);
    }
    let canonical = |p: &Path| {
        std::fs::canonicalize(p).map_err(|e| PrError::Path {
            path: p.display().to_string(),
            detail: e.to_string(),
        })
    };
    let first = settings
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| ".".into());
    let first = canonical(&first)?;
    let probe = if first.is_dir() {
        first.clone()
    } else {
        first
            .parent()
            .map_or_else(|| first.clone(), Path::to_path_buf)
    };
    let top = git::toplevel(&probe)?;
    let Some(commit) = git::resolve(&top, reference)? else {
        let mut now = scan::scan(settings)?;
        now.pr = Some(compare(&now, None, reference, None, show_unchanged));
        return Ok(now);
    };

    // Each scan path relative to the repository's top.
    let mut scan_rel: Vec<String> = Vec::new();
    for p in &settings.paths {
        let abs = canonical(p)?;
        let rel = abs.strip_prefix(&top).map_err(|_| GitError::Outside {
            path: p.display().to_string(),
            top: top.display().to_string(),
        })?;
        scan_rel.push(slashed(rel));
    }
    let var_rel: Vec<Option<String>> = settings
        .terraform
        .var_files
        .iter()
        .map(|p| {
            std::fs::canonicalize(p)
                .ok()
                .and_then(|a| a.strip_prefix(&top).ok().map(slashed))
        })
        .collect();

    let max = settings.discover.max_file_size;
    let wanted = |path: &str| {
        scan_rel
            .iter()
            .any(|r| r.is_empty() || path == r || path.starts_with(&format!("{r}/")))
            || var_rel.iter().flatten().any(|v| v == path)
            || needed_anywhere(path)
    };
    let blobs: Vec<git::Blob> = git::files(&top, &commit)?
        .into_iter()
        .filter(|b| b.size <= max && wanted(&b.path))
        .collect();
    let tmp = tempfile::Builder::new()
        .prefix("faasguard-base-")
        .tempdir()
        .map_err(|e| PrError::TempDir {
            commit: commit.clone(),
            detail: e.to_string(),
        })?;
    let root = canonical(tmp.path())?;
    // The copy mirrors the absolute layout (`<tmp>/home/me/repo/...`), and
    // the base scan shows paths relative to the working directory's mirror:
    // both scans then show every file under the same name, and their
    // fingerprints (which hold it) can match.
    let base_top = mirror(&root, &top);
    // A `.git` marks the copy's top as a repository's, so ignore files
    // above a scan path and local modules count up to it, as in the work tree.
    std::fs::create_dir_all(base_top.join(".git")).map_err(|e| GitError::Write {
        commit: commit.clone(),
        dir: base_top.display().to_string(),
        detail: e.to_string(),
    })?;
    git::write_blobs(&top, &commit, &blobs, &base_top)?;

    let mut base = settings.clone();
    base.paths = scan_rel
        .iter()
        .map(|r| base_top.join(r))
        .filter(|p| p.exists())
        .collect();
    base.working_dir = std::env::current_dir()
        .ok()
        .and_then(|c| std::fs::canonicalize(c).ok())
        .map(|c| mirror(&root, &c));
    base.terraform.var_files = settings
        .terraform
        .var_files
        .iter()
        .zip(&var_rel)
        .filter_map(|(p, rel)| match rel {
            Some(r) => Some(base_top.join(r)).filter(|b| b.exists()),
            None => Some(p.clone()),
        })
        .collect();
    base.stdin = None;
    base.progress = scan::Progress::default();
    base.profile = false;
    // Every finding at the commit is known, whatever a baseline file accepts.
    base.baseline = None;
    let before = if base.paths.is_empty() {
        None
    } else {
        Some(scan::scan(&base)?)
    };
    let mut now = scan::scan(settings)?;
    now.pr = Some(compare(
        &now,
        before.as_ref(),
        reference,
        Some(&commit),
        show_unchanged,
    ));
    drop(tmp);
    Ok(now)
}

/// Files read from outside the scan paths: Terraform files (local modules
/// anywhere in the repository) and ignore files (those above a scan path
/// count up to the repository's top).
fn needed_anywhere(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(name, ".gitignore" | ".ignore") || name == crate::discover::IGNORE_FILE_NAME || {
        let lower = name.to_ascii_lowercase();
        lower.ends_with(".tf") || lower.ends_with(".tf.json")
    }
}

/// `<root>/<path without its root or prefix>`.
fn mirror(root: &Path, path: &Path) -> PathBuf {
    let mut out = root.to_path_buf();
    for c in path.components() {
        if let Component::Normal(n) = c {
            out.push(n);
        }
    }
    out
}

fn slashed(rel: &Path) -> String {
    rel.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The matching key: the fingerprint (rule, file, resource, model path)
/// and the offending value's text when it is on one line (a resource
/// header or a block spans many lines, and any edit in it would otherwise
/// make its findings new).
fn key(f: &Finding, sources: &SourceMap) -> (String, String) {
    let value = sources
        .get(f.span.file)
        .and_then(|s| s.text.get(f.span.start as usize..f.span.end as usize))
        .filter(|v| !v.contains('\n') && v.len() <= 1024)
        .unwrap_or("")
        .trim()
        .to_string();
    (f.fingerprint.clone(), value)
}

/// Match `now`'s findings against `before`'s: equal keys pair up in
/// report order (two equal findings at the commit cover two now).
pub fn compare(
    now: &Outcome,
    before: Option<&Outcome>,
    reference: &str,
    commit: Option<&str>,
    show_unchanged: bool,
) -> Comparison {
    let mut open: BTreeMap<(String, String), VecDeque<&Finding>> = BTreeMap::new();
    if let Some(b) = before {
        for f in &b.findings {
            open.entry(key(f, &b.sources)).or_default().push_back(f);
        }
    }
    let mut unchanged_ids = BTreeSet::new();
    let mut new = 0;
    for f in &now.findings {
        match open
            .get_mut(&key(f, &now.sources))
            .and_then(VecDeque::pop_front)
        {
            Some(_) => {
                unchanged_ids.insert(identity(f));
            }
            None => new += 1,
        }
    }
    // A finding suppressed now is not fixed.
    for s in &now.suppressed {
        if let Some(q) = open.get_mut(&key(&s.finding, &now.sources)) {
            q.pop_front();
        }
    }
    let mut fixed: Vec<Fixed> = Vec::new();
    if let Some(b) = before {
        let mut left: Vec<&Finding> = open.into_values().flatten().collect();
        left.sort_by_cached_key(|f| {
            let file = b.sources.get(f.span.file).map(|s| s.display.clone());
            (file, f.span.start, f.rule_id.clone(), f.fingerprint.clone())
        });
        for f in left {
            let src = b.sources.get(f.span.file);
            fixed.push(Fixed {
                rule_id: f.rule_id.clone(),
                severity: f.severity,
                message: b.redactor.redact(&f.message),
                file: src.map(|s| s.display.clone()).unwrap_or_default(),
                start: src.map_or(LineCol { line: 1, column: 1 }, |s| s.line_col(f.span.start)),
                resource: f.resource.clone(),
                path: f.path.clone(),
                fingerprint: f.fingerprint.clone(),
            });
        }
    }
    // Undecided checks pair up the same way, by fingerprint alone (rule,
    // file, resource, path, reason): the unknown's text is an expression
    // (`var.runtime`) that says nothing more.
    let mut open_unknowns: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(b) = before {
        for u in &b.undecided {
            *open_unknowns
                .entry(unknown_fingerprint(u, &b.sources))
                .or_default() += 1;
        }
    }
    let mut unchanged_unknowns = BTreeSet::new();
    let mut unknowns_new = 0;
    for u in &now.undecided {
        match open_unknowns.get_mut(&unknown_fingerprint(u, &now.sources)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                unchanged_unknowns.insert(unknown_identity(u, &now.sources));
            }
            _ => unknowns_new += 1,
        }
    }
    Comparison {
        unknowns_new,
        unknowns_unchanged: unchanged_unknowns.len(),
        unchanged_unknowns,
        reference: reference.to_string(),
        commit: commit.map(str::to_string),
        new,
        unchanged: unchanged_ids.len(),
        fixed,
        files_failed_at_commit: before.map_or(0, |b| b.stats.files_failed),
        show_unchanged,
        unchanged_ids,
    }
}
