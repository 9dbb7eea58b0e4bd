//! The walk: which files under the scan paths are candidates, judged by name
//! alone (ignore files, `--exclude` globs, directories never worth scanning,
//! the size limit), and how each is named in reports. The rules of who wins
//! are in the stage's header (`discover`).

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::OverrideBuilder;
use ignore::{Match, WalkBuilder};

use super::{
    Candidate, Found, InvalidExclude, Options, Skipped, Walk, ALWAYS_SKIPPED, IGNORE_FILE_NAME,
    STDIN_DISPLAY, STDIN_PATH, TERRAFORM_LOCK,
};

/// Walks the scan paths (files or directories) and returns the candidates, sorted by display path
/// then path and without duplicates (the same file reached twice, through two scan paths or a
/// followed link, appears once: the first in that order). Never panics and never stops early:
/// whatever cannot be walked becomes a [`Skipped`] entry.
pub fn walk(paths: &[PathBuf], opts: &Options) -> Walk {
    let mut out = Walk::default();
    let mut excludes = Vec::new();
    for glob in &opts.excludes {
        match check_exclude(glob) {
            Ok(()) => excludes.push(normalize_exclude(glob)),
            Err(err) => out.skipped.push(Skipped {
                path: PathBuf::from(glob),
                display: glob.clone(),
                reason: err.to_string(),
            }),
        }
    }
    for root in paths {
        if root.as_os_str() == STDIN_PATH {
            out.files.push(Found {
                path: root.clone(),
                display: STDIN_DISPLAY.to_owned(),
                candidate: Candidate::Template,
            });
            continue;
        }
        match fs::metadata(root) {
            Ok(meta) if meta.is_dir() => walk_dir(root, root, &excludes, opts, &mut out),
            Ok(meta) if meta.is_file() => given_file(root, meta.len(), &excludes, opts, &mut out),
            Ok(_) => out.skipped.push(Skipped {
                path: root.clone(),
                display: given_display(root),
                reason: "not a regular file or directory".to_owned(),
            }),
            Err(err) => out.skipped.push(Skipped {
                path: root.clone(),
                display: given_display(root),
                reason: format!("cannot read: {err}"),
            }),
        }
    }
    let may_repeat = paths.len() > 1 || opts.follow_links;
    finish(&mut out, may_repeat);
    out
}

/// Sorts both lists and drops repeats. Canonical paths are only computed when a file can be
/// reached twice (several scan paths, or links followed).
fn finish(out: &mut Walk, may_repeat: bool) {
    out.files.sort_by(|a, b| {
        (a.display.as_str(), &a.path, a.candidate).cmp(&(b.display.as_str(), &b.path, b.candidate))
    });
    out.skipped.sort_by(|a, b| {
        (a.display.as_str(), &a.path, a.reason.as_str()).cmp(&(
            b.display.as_str(),
            &b.path,
            b.reason.as_str(),
        ))
    });
    if may_repeat {
        let mut seen = HashSet::new();
        out.files
            .retain(|f| seen.insert(fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone())));
    }
    out.unread
        .sort_by(|a, b| (a.display.as_str(), &a.path).cmp(&(b.display.as_str(), &b.path)));
    out.unread.dedup_by(|a, b| a.path == b.path);
    let mut seen = HashSet::new();
    out.skipped.retain(|s| {
        let key = fs::canonicalize(&s.path).unwrap_or_else(|_| s.path.clone());
        seen.insert((key, s.reason.clone()))
    });
}

pub(super) fn check_exclude(glob: &str) -> Result<(), InvalidExclude> {
    let invalid = |message: String| InvalidExclude {
        glob: glob.to_owned(),
        message,
    };
    if glob.trim().is_empty() {
        return Err(invalid("empty glob".to_owned()));
    }
    if glob.starts_with('!') {
        return Err(invalid(
            "negated globs are not supported: an exclude only removes files".to_owned(),
        ));
    }
    let mut builder = OverrideBuilder::new(".");
    builder
        .add(&format!("!{}", normalize_exclude(glob)))
        .map(|_| ())
        .map_err(|err| invalid(err.to_string()))
}

/// `./tests/**` means `tests/**`: gitignore syntax has no `./`.
fn normalize_exclude(glob: &str) -> String {
    let mut glob = glob.trim();
    while let Some(rest) = glob.strip_prefix("./") {
        glob = rest;
    }
    glob.to_owned()
}

/// A file named on the command line: only its name and `--exclude` decide.
fn given_file(root: &Path, size: u64, excludes: &[String], opts: &Options, out: &mut Walk) {
    let display = given_display(root);
    let name = root
        .file_name()
        .map(OsStr::to_string_lossy)
        .unwrap_or_default();
    // An excluded file is left out on purpose, whatever its name: no diagnostic.
    if excluded_given_file(root, excludes) {
        return;
    }
    let Some(candidate) = Candidate::from_file_name(&name) else {
        out.unread.push(Skipped {
            path: root.to_path_buf(),
            display,
            reason: unread_by_name(&name),
        });
        return;
    };
    if size > opts.max_file_size {
        out.skipped
            .push(too_large(root.to_path_buf(), display, size, opts));
        return;
    }
    out.files.push(Found {
        path: root.to_path_buf(),
        display,
        candidate,
    });
}

/// Matches the path as given, and each of its parent directories, against the excludes.
fn excluded_given_file(path: &Path, excludes: &[String]) -> bool {
    if excludes.is_empty() {
        return false;
    }
    let mut builder = GitignoreBuilder::new(".");
    for glob in excludes {
        // Already validated; a failure here only loses that one glob.
        let _ = builder.add_line(None, glob);
    }
    let Ok(matcher) = builder.build() else {
        return false;
    };
    let path = path.strip_prefix(".").unwrap_or(path);
    let mut chain: Vec<&Path> = path
        .ancestors()
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    chain.reverse();
    let last = chain.len().saturating_sub(1);
    chain
        .iter()
        .enumerate()
        .any(|(i, p)| matcher.matched(p, i < last).is_ignore())
}

/// Walks `root`, showing paths relative to `display_root` (the scan path: `root` itself, or, for a
/// `cdk.out` walked because of `scan_cdk_out`, the scan path it was found under).
fn walk_dir(root: &Path, display_root: &Path, excludes: &[String], opts: &Options, out: &mut Walk) {
    let mut overrides = OverrideBuilder::new(display_root);
    for glob in excludes {
        // Already validated: this cannot fail, and if it did only that glob would be lost.
        let _ = overrides.add(&format!("!{glob}"));
    }
    let overrides = match overrides.build() {
        Ok(overrides) => overrides,
        Err(err) => {
            out.skipped.push(Skipped {
                path: root.to_path_buf(),
                display: given_display(root),
                reason: format!("--exclude globs not usable here: {err}"),
            });
            return;
        }
    };
    let (parents, errors) = ParentIgnores::for_root(root);
    for err in errors {
        out.skipped
            .push(walk_error(root, &err, "ignore file not fully read: "));
    }
    let parents = parents.map(Arc::new);

    let mut builder = WalkBuilder::new(root);
    builder
        .standard_filters(false)
        // Hidden entries are left out below, all but Terraform's lock file.
        .hidden(false)
        .ignore(true)
        .git_ignore(true)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        // Parent directories are handled by `ParentIgnores`, bounded by the git repository.
        .parents(false)
        .add_custom_ignore_filename(IGNORE_FILE_NAME)
        .follow_links(opts.follow_links)
        .overrides(overrides);
    let filter_root = root.to_path_buf();
    builder.filter_entry(move |entry| {
        let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
        if entry.depth() > 0 && hidden(entry.file_name()) && !terraform_lock(entry) {
            return false;
        }
        if is_dir
            && ALWAYS_SKIPPED
                .iter()
                .any(|d| entry.file_name() == OsStr::new(d))
        {
            return false;
        }
        match &parents {
            Some(parents) => !parents.ignores(&filter_root, entry.path(), is_dir),
            None => true,
        }
    });

    // Directories walked, when `cdk.out` folders beside them are wanted.
    let mut dirs: Vec<PathBuf> = Vec::new();
    let in_cdk_out = root.components().any(|c| c.as_os_str() == CDK_OUT);
    for result in builder.build() {
        let entry = match result {
            Ok(entry) => entry,
            Err(err) => {
                out.skipped.push(walk_error(root, &err, ""));
                continue;
            }
        };
        if let Some(err) = entry.error() {
            out.skipped
                .push(walk_error(root, err, "ignore file not fully read: "));
        }
        if opts.scan_cdk_out && !in_cdk_out && entry.file_type().is_some_and(|t| t.is_dir()) {
            dirs.push(entry.path().to_path_buf());
        }
        if entry.depth() == 0 || !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        let Some(candidate) = Candidate::from_file_name(&name) else {
            continue;
        };
        let path = entry.path().to_path_buf();
        let display = relative_display(display_root, &path);
        match entry.metadata() {
            Ok(meta) if meta.len() > opts.max_file_size => {
                out.skipped.push(too_large(path, display, meta.len(), opts));
            }
            Ok(_) => out.files.push(Found {
                path,
                display,
                candidate,
            }),
            Err(err) => out.skipped.push(Skipped {
                path,
                display,
                reason: format!("cannot read metadata: {}", error_reason(&err)),
            }),
        }
    }
    // `cdk.out` is pruned above like any tool folder, and CDK projects list it in `.gitignore`
    // too, so it is looked for beside every walked directory rather than met in the walk.
    for dir in dirs {
        let cdk_out = dir.join(CDK_OUT);
        if cdk_out.is_dir() {
            walk_dir(&cdk_out, display_root, excludes, opts, out);
        }
    }
}

/// A name starting with `.` (as the `ignore` crate judges hidden on Unix).
fn hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// Terraform's lock file, a plain file (a link is not followed to it: a
/// link named so could lead out of the repository).
fn terraform_lock(entry: &ignore::DirEntry) -> bool {
    entry.file_name() == OsStr::new(TERRAFORM_LOCK)
        && !entry.path_is_symlink()
        && entry.file_type().is_some_and(|t| t.is_file())
}

/// The AWS CDK's output folder.
const CDK_OUT: &str = "cdk.out";

fn too_large(path: PathBuf, display: String, size: u64, opts: &Options) -> Skipped {
    Skipped {
        path,
        display,
        reason: format!(
            "file is {size} bytes, over the {}-byte limit (max_file_size); not read",
            opts.max_file_size
        ),
    }
}

/// Ignore files in the directories between a scan path and the root of its git repository.
struct ParentIgnores {
    canonical_root: PathBuf,
    /// From the repository root down to the scan path's parent: the last one wins.
    levels: Vec<Gitignore>,
}

impl ParentIgnores {
    fn for_root(root: &Path) -> (Option<ParentIgnores>, Vec<ignore::Error>) {
        let mut errors = Vec::new();
        let Ok(canonical_root) = fs::canonicalize(root) else {
            return (None, errors);
        };
        let Some(repo) = canonical_root
            .ancestors()
            .find(|dir| dir.join(".git").symlink_metadata().is_ok())
        else {
            return (None, errors);
        };
        let mut dirs: Vec<&Path> = canonical_root
            .ancestors()
            .skip(1)
            .take_while(|dir| dir.starts_with(repo))
            .collect();
        dirs.reverse();
        let mut levels = Vec::new();
        for dir in dirs {
            let mut builder = GitignoreBuilder::new(dir);
            // Later files win within one directory, as in the walk: .faasguardignore > .ignore > .gitignore.
            for name in [".gitignore", ".ignore", IGNORE_FILE_NAME] {
                let file = dir.join(name);
                if file.is_file() {
                    if let Some(err) = builder.add(&file) {
                        errors.push(err);
                    }
                }
            }
            match builder.build() {
                // A `cdk.out` being walked was named or asked for (`scan_cdk_out`): the ignore
                // files that leave generated output out (CDK's own `.gitignore` lists it) do not
                // apply to it.
                Ok(gi) if ignores_cdk_out(&gi, dir, &canonical_root) => {}
                Ok(gi) if gi.num_ignores() + gi.num_whitelists() > 0 => levels.push(gi),
                Ok(_) => {}
                Err(err) => errors.push(err),
            }
        }
        let parents = (!levels.is_empty()).then_some(ParentIgnores {
            canonical_root,
            levels,
        });
        (parents, errors)
    }

    fn ignores(&self, root: &Path, path: &Path, is_dir: bool) -> bool {
        let relative = path.strip_prefix(root).unwrap_or(path);
        let absolute = self.canonical_root.join(relative);
        for level in self.levels.iter().rev() {
            match level.matched(&absolute, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }
}

/// Whether `gi`, the ignore files of `dir`, ignores the `cdk.out` directory that `root` is (or is
/// inside).
fn ignores_cdk_out(gi: &Gitignore, dir: &Path, root: &Path) -> bool {
    root.ancestors()
        .find(|d| d.file_name() == Some(OsStr::new(CDK_OUT)))
        // The matcher only takes paths below its own directory (it panics otherwise).
        .filter(|cdk| cdk.starts_with(dir) && *cdk != dir)
        .is_some_and(|cdk| gi.matched_path_or_any_parents(cdk, true).is_ignore())
}

/// Turns an error of the walk into a diagnostic on the path it concerns.
fn walk_error(root: &Path, err: &ignore::Error, prefix: &str) -> Skipped {
    let path = error_path(err).map_or_else(|| root.to_path_buf(), Path::to_path_buf);
    let display = if path == root {
        given_display(root)
    } else {
        relative_display(root, &path)
    };
    Skipped {
        path,
        display,
        reason: format!("{prefix}{}", error_reason(err)),
    }
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

/// The message of an error without the path it is attached to (the diagnostic names the path).
fn error_reason(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } | ignore::Error::WithDepth { err, .. } => {
            error_reason(err)
        }
        ignore::Error::WithLineNumber { line, err } => {
            format!("line {line}: {}", error_reason(err))
        }
        ignore::Error::Loop { ancestor, .. } => format!(
            "symbolic link loop: it leads back to {}; not followed",
            ancestor.display()
        ),
        ignore::Error::Partial(errs) => {
            errs.iter().map(error_reason).collect::<Vec<_>>().join("; ")
        }
        ignore::Error::Io(err) => err.to_string(),
        other => other.to_string(),
    }
}

/// A scan path as given, with `/` separators and without a leading `./`.
pub(super) fn given_display(path: &Path) -> String {
    let mut text = slashed(path);
    while text.len() > 2 {
        match text.strip_prefix("./") {
            Some(rest) => text = rest.to_owned(),
            None => break,
        }
    }
    text
}

/// Why a file named on the command line is not read, judged by its name alone (for a name that
/// [`Candidate::from_file_name`] refuses).
fn unread_by_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        return format!(
            "not read: `{name}` is tool configuration, not infrastructure-as-code (faasguard never \
             reads it as a template)"
        );
    }
    "not read: faasguard reads templates and services (`.yaml`, `.yml`, `.json`, `.template`), \
     Terraform (`.tf`, `.tf.json`, `.tfvars`), `samconfig` files and lockfiles; this file's name is \
     none of these"
        .to_owned()
}

/// A walked path relative to its scan path, with `/` separators.
fn relative_display(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => slashed(rel),
        _ => given_display(path),
    }
}

pub(super) fn slashed(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}
