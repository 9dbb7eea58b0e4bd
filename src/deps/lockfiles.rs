//! The dependency stage's file handling: parse the lockfiles the scan found,
//! follow the requirement files they include (`-r other.txt`), drop the
//! `go.sum` lines `go.mod` already reports, then check what is locked
//! ([`super::check`]).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{FunctionCode, LockfileIn, Settings, Summary};
use crate::discover::{self, LockfileKind};
use crate::finding::{Diagnostic, Finding, Level};
use crate::source::{FileId, SourceFile, SourceMap};

/// A lockfile of the scan, as read.
pub struct Found<'a> {
    pub(crate) id: FileId,
    pub(crate) path: &'a Path,
    pub(crate) display: &'a str,
    pub(crate) kind: LockfileKind,
    pub(crate) text: &'a str,
}

/// Parse the lockfiles (and the requirement files they include, added to
/// `sources` after the scan's files), and match them against the advisory
/// data. Parsing runs on the current rayon pool.
pub fn check_files(
    locks: &[Found<'_>],
    functions: &[FunctionCode],
    settings: &Settings,
    max_file_size: u64,
    sources: &mut SourceMap,
    findings: &mut Vec<Finding>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Summary {
    if locks.is_empty() {
        return Summary::default();
    }
    let mut queue: Vec<(
        PathBuf,
        String,
        Result<crate::lockfile::Lockfile, crate::parse::ParseError>,
    )> = locks
        .par_iter()
        .map(|l| {
            (
                l.path.to_path_buf(),
                l.display.to_string(),
                crate::lockfile::parse(l.kind, l.text, l.id),
            )
        })
        .collect();
    let mut lockfiles = Vec::new();
    let mut seen: BTreeSet<PathBuf> = locks.iter().map(|l| l.path.to_path_buf()).collect();
    // `-r other.txt` includes outside the scanned files are read too (inside
    // the scan only: never above the including file's scan path).
    while let Some((path, display, result)) = queue.pop() {
        match result {
            Ok(lock) => {
                for (inc, span) in &lock.includes {
                    let dir = path.parent().unwrap_or(Path::new(""));
                    let target = dir.join(inc);
                    if seen.contains(&target) {
                        continue;
                    }
                    seen.insert(target.clone());
                    match discover::read_text(&target, max_file_size) {
                        Ok(text) => {
                            let id = FileId(sources.len() as u32);
                            let shown = display
                                .rsplit_once('/')
                                .map_or(inc.display().to_string(), |(d, _)| {
                                    format!("{d}/{}", inc.display())
                                });
                            let parsed =
                                crate::lockfile::parse(LockfileKind::RequirementsTxt, &text, id);
                            sources.add(SourceFile::new(
                                shown.clone(),
                                target.clone(),
                                Arc::from(text),
                            ));
                            queue.push((target, shown, parsed));
                        }
                        Err(e) => diagnostics.push(
                            Diagnostic::new(
                                Level::Warning,
                                "read-error",
                                format!("cannot read included requirements file: {e}"),
                            )
                            .in_file(&display, Some(*span)),
                        ),
                    }
                }
                lockfiles.push(LockfileIn {
                    path,
                    display,
                    lockfile: lock,
                });
            }
            Err(e) => diagnostics.push(
                Diagnostic::new(Level::Error, "parse-error", e.message.clone())
                    .in_file(&display, Some(e.span)),
            ),
        }
    }
    lockfiles.sort_by(|a, b| a.display.cmp(&b.display));
    drop_go_sum_duplicates(&mut lockfiles);
    let source = match super::source(settings, &lockfiles) {
        Ok(s) => s,
        Err(e) => {
            diagnostics.push(Diagnostic::new(
                Level::Error,
                "advisory-db",
                format!("dependencies were not checked: {e}"),
            ));
            return Summary {
                lockfiles: lockfiles.len(),
                inventory: super::inventory(&lockfiles, functions),
                ..Default::default()
            };
        }
    };
    let checked = super::check(&lockfiles, functions, settings, &source);
    findings.extend(checked.findings);
    diagnostics.extend(checked.diagnostics);
    checked.summary
}

/// A module version that `go.mod` requires is reported there, not again at
/// its `go.sum` hash lines beside it; go.sum keeps what go.mod does not list.
fn drop_go_sum_duplicates(lockfiles: &mut [LockfileIn]) {
    use LockfileKind::{GoMod, GoSum};
    let required: BTreeSet<(PathBuf, String, String)> = lockfiles
        .iter()
        .filter(|l| l.lockfile.kind == GoMod)
        .flat_map(|l| {
            let dir = l.path.parent().unwrap_or(Path::new("")).to_path_buf();
            l.lockfile
                .packages
                .iter()
                .map(move |p| (dir.clone(), p.name.clone(), p.version.clone()))
        })
        .collect();
    if required.is_empty() {
        return;
    }
    for l in lockfiles.iter_mut().filter(|l| l.lockfile.kind == GoSum) {
        let dir = l.path.parent().unwrap_or(Path::new("")).to_path_buf();
        l.lockfile
            .packages
            .retain(|p| !required.contains(&(dir.clone(), p.name.clone(), p.version.clone())));
    }
}
