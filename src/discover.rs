//! Discover stage: which files a scan looks at, and what each one is.
//!
//! This module owns three decisions and nothing else:
//! - [`walk`]: which files under the scan paths are *candidates*, judged by name alone (ignore files,
//!   `--exclude` globs, directories that are never worth scanning, the size limit);
//! - [`read_text`]: turning a candidate into text, refusing binary data and invalid UTF-8;
//! - [`classify`]: what a candidate *is*, judged by a cheap scan of its content (a CloudFormation
//!   template is recognised by what it holds, not by its name).
//!
//! Parsing belongs to [`crate::parse`]; nothing here builds a tree.
//!
//! Ignore rules, in order of who wins:
//! 1. A file named on the command line is always a candidate when its name qualifies: only
//!    `--exclude` globs can drop it (matched against the path as given). Ignore files and hidden-name
//!    rules do not apply to it, as in ripgrep, so naming a file is a way to scan it anyway.
//! 2. Inside a directory: `--exclude` globs (gitignore syntax, relative to that directory), then
//!    `.faasguardignore`, `.ignore` and `.gitignore` files, honoured whether or not the directory is in
//!    a git repository, then hidden entries (names starting with `.`) and [`ALWAYS_SKIPPED`].
//! 3. Ignore files in the *parent* directories of a scan path count only up to the root of the git
//!    repository that holds it (the nearest ancestor with a `.git`). Outside a repository only the
//!    scan path and what is below it count. This keeps `faasguard scan infra/` honouring the
//!    repository's top-level `.gitignore` while a stray `.gitignore` in a home directory never changes
//!    results. The global git excludes file and `.git/info/exclude` are never read, for the same
//!    reason. Limitation: a `!pattern` in an ignore file *below* the scan path cannot re-include a
//!    file that a parent directory's ignore file excludes.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::overrides::OverrideBuilder;
use ignore::{Match, WalkBuilder};

/// Directory names that are never descended into, wherever they are: build output, dependency
/// caches and tool state. `vendor` is deliberately absent: Python Lambda code is often vendored
/// there, and Terraform modules too; `--exclude vendor/**` drops it when that is not wanted.
pub const ALWAYS_SKIPPED: &[&str] = &[
    ".aws-sam",
    ".git",
    ".serverless",
    ".terraform",
    ".terragrunt-cache",
    ".venv",
    "__pycache__",
    "cdk.out",
    "node_modules",
    "target",
    "venv",
];

/// The project's own ignore file, read like `.gitignore` (and winning over it).
pub const IGNORE_FILE_NAME: &str = ".faasguardignore";

/// The scan path that means standard input (`faasguard scan -`): a template read from it, classified
/// by content like a `*.template` file.
pub const STDIN_PATH: &str = "-";

/// How standard input is named in reports and diagnostics.
pub const STDIN_DISPLAY: &str = "<stdin>";

/// 64 MiB.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// How many leading bytes [`read_text`] inspects for a NUL byte.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// Settings for [`walk`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Gitignore-style globs, relative to the scan root (`tests/**`, `*.json`, `fixtures/`).
    pub excludes: Vec<String>,
    /// Candidates larger than this are reported as [`Skipped`], not read.
    pub max_file_size: u64,
    /// Follow symbolic links while walking directories (a link named on the command line is always
    /// followed).
    pub follow_links: bool,
    /// Walk the `cdk.out` directories found beside the walked ones (`scan_cdk_out` in the config):
    /// CDK's synthesized templates, nested stack templates and asset folders. Off by default, as
    /// for other tool output; a `cdk.out` named on the command line is walked either way.
    pub scan_cdk_out: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            excludes: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            follow_links: false,
            scan_cdk_out: false,
        }
    }
}

/// An `--exclude` glob that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid --exclude glob `{glob}`: {message}")]
pub struct InvalidExclude {
    pub glob: String,
    pub message: String,
}

impl Options {
    /// Checks every `--exclude` glob, so the command line can fail early (exit 2) on a bad one.
    /// [`walk`] itself reports a bad glob as a [`Skipped`] entry and goes on without it.
    pub fn validate(&self) -> Result<(), InvalidExclude> {
        self.excludes
            .iter()
            .try_for_each(|glob| check_exclude(glob))
    }
}

/// What a candidate file may be, by its name alone (content decides later).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Candidate {
    Yaml,
    Json,
    /// `*.tf`
    Terraform,
    /// `*.tf.json`
    TerraformJson,
    /// `*.tfvars`, `*.tfvars.json`
    TfVars,
    /// `samconfig.toml|yaml|yml`
    SamConfig,
    Lockfile(LockfileKind),
    /// `*.template` with no YAML/JSON extension: content sniffed as JSON if it starts with `{`,
    /// else YAML.
    Template,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LockfileKind {
    Cargo,
    NpmPackageLock,
    NpmShrinkwrap,
    Yarn,
    Pnpm,
    RequirementsTxt,
    Poetry,
    Pipfile,
    Uv,
    GoMod,
    GoSum,
}

/// JSON files that are never IaC: tool configuration that sits next to templates.
const NOT_IAC_JSON: &[&str] = &[
    "angular.json",
    "bower.json",
    "cdk.context.json",
    "cdk.json",
    "composer.json",
    "deno.json",
    "jsconfig.json",
    "lerna.json",
    "nx.json",
    "package.json",
    "renovate.json",
    "tsconfig.json",
    "turbo.json",
    "vercel.json",
];

impl Candidate {
    /// The candidate a file name makes, or `None` for a file the scan ignores.
    /// Lockfile names are matched exactly (their tools write them so); extensions ignore ASCII case.
    pub fn from_file_name(name: &str) -> Option<Candidate> {
        let lockfile = match name {
            "Cargo.lock" => Some(LockfileKind::Cargo),
            "package-lock.json" => Some(LockfileKind::NpmPackageLock),
            "npm-shrinkwrap.json" => Some(LockfileKind::NpmShrinkwrap),
            "yarn.lock" => Some(LockfileKind::Yarn),
            "pnpm-lock.yaml" => Some(LockfileKind::Pnpm),
            "poetry.lock" => Some(LockfileKind::Poetry),
            "Pipfile.lock" => Some(LockfileKind::Pipfile),
            "uv.lock" => Some(LockfileKind::Uv),
            "go.mod" => Some(LockfileKind::GoMod),
            "go.sum" => Some(LockfileKind::GoSum),
            _ if name.starts_with("requirements") && name.ends_with(".txt") => {
                Some(LockfileKind::RequirementsTxt)
            }
            _ => None,
        };
        if let Some(kind) = lockfile {
            return Some(Candidate::Lockfile(kind));
        }
        let lower = name.to_ascii_lowercase();
        let lower = lower.as_str();
        if matches!(lower, "samconfig.toml" | "samconfig.yaml" | "samconfig.yml") {
            return Some(Candidate::SamConfig);
        }
        if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
            return Some(Candidate::TfVars);
        }
        if lower.ends_with(".tf.json") {
            return Some(Candidate::TerraformJson);
        }
        if lower.ends_with(".tf") {
            return Some(Candidate::Terraform);
        }
        if lower.ends_with(".template") {
            return Some(Candidate::Template);
        }
        if lower.ends_with(".yaml") || lower.ends_with(".yml") {
            return Some(Candidate::Yaml);
        }
        if lower.ends_with(".json") {
            let tool_config = NOT_IAC_JSON.contains(&lower)
                || (lower.starts_with("tsconfig.") || lower.starts_with("jsconfig."))
                || lower.ends_with(".lock.json");
            return (!tool_config).then_some(Candidate::Json);
        }
        None
    }
}

/// A candidate file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// The path as on disk (the scan path joined with the walked part).
    pub path: PathBuf,
    /// Relative to the scan path it was found under, with `/` separators; for a file named on the
    /// command line, its path as given (a leading `./` dropped).
    pub display: String,
    pub candidate: Candidate,
}

/// Something the walk could not look at, worth one diagnostic: a file over the size limit, an
/// unreadable directory, a symbolic-link loop, a missing scan path, a bad ignore file or glob.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub display: String,
    pub reason: String,
}

/// The outcome of [`walk`]: every list sorted by `display`, then `path`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Walk {
    pub files: Vec<Found>,
    pub skipped: Vec<Skipped>,
    /// Files named on the command line whose name faasguard does not read, with why: naming a
    /// file is a request to scan it, so silence would read as "scanned, nothing found".
    pub unread: Vec<Skipped>,
}

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

fn check_exclude(glob: &str) -> Result<(), InvalidExclude> {
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
        .hidden(true)
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
fn given_display(path: &Path) -> String {
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

/// Why a file named on the command line (or standard input) is not scanned although its name
/// qualifies: [`classify`] found none of the formats in its content. `None` for candidates that are
/// read whatever they hold.
pub fn unread_by_content(candidate: Candidate) -> Option<&'static str> {
    match candidate {
        Candidate::Yaml | Candidate::Json | Candidate::Template => Some(
            "not read: not a CloudFormation/SAM template (no `AWSTemplateFormatVersion`, SAM \
             `Transform` or `Resources` with `AWS::` types), a Serverless Framework service (no \
             `service` and `provider` keys) or a Terraform plan (`terraform show -json`)",
        ),
        _ => None,
    }
}

/// A walked path relative to its scan path, with `/` separators.
fn relative_display(root: &Path, path: &Path) -> String {
    match path.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => slashed(rel),
        _ => given_display(path),
    }
}

fn slashed(path: &Path) -> String {
    let text = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// Why [`read_text`] refused a file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("file is {size} bytes, over the {limit}-byte limit; not read")]
    TooLarge { size: u64, limit: u64 },
    #[error("binary file (a NUL byte in the first 8 KiB); not scanned")]
    Binary,
    #[error("not valid UTF-8 (first bad byte at offset {offset}); not scanned")]
    InvalidUtf8 { offset: usize },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Reads a file for scanning. Refuses files over `max_size`, anything that is not a regular file
/// (a FIFO would block), binary content (a NUL byte in the first 8 KiB) and invalid UTF-8 (the
/// error names the byte offset). The text is returned exactly as stored, a byte-order mark
/// included, so byte spans computed on it are file offsets.
pub fn read_text(path: &Path, max_size: u64) -> Result<String, ReadError> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.len() > max_size {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max_size,
        });
    }
    let file = fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow between the stat and the read: never read past the limit.
    file.take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > max_size {
        return Err(ReadError::TooLarge {
            size: read,
            limit: max_size,
        });
    }
    if bytes.iter().take(BINARY_SNIFF_LEN).any(|&b| b == 0) {
        return Err(ReadError::Binary);
    }
    String::from_utf8(bytes).map_err(|err| ReadError::InvalidUtf8 {
        offset: err.utf8_error().valid_up_to(),
    })
}

/// What a file is, decided from its content (after reading it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    CloudFormation {
        json: bool,
        sam: bool,
    },
    Serverless {
        json: bool,
    },
    Terraform,
    TerraformJson,
    /// `terraform show -json` output (a plan or state).
    TerraformPlan,
    TfVars,
    SamConfig,
    Lockfile(LockfileKind),
}

/// Resource type prefixes that mark a CloudFormation `Resources` section.
const CFN_TYPE_PREFIXES: &[&str] = &["AWS::", "Alexa::", "Custom::"];

const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// What a candidate is, from a cheap scan of its text (no parsing: the parser runs later and
/// reports what is malformed). Returns `None` for files that are not IaC: GitHub workflows,
/// Kubernetes manifests, docker-compose and OpenAPI files, tool configuration.
///
/// - `serverless.yml|yaml|json` with a top-level `service` key, or any YAML/JSON file with
///   top-level `service` and `provider` keys: Serverless Framework.
/// - JSON with `format_version`, `terraform_version` and `planned_values` or `values`: a
///   `terraform show -json` plan or state.
/// - A top-level `AWSTemplateFormatVersion`; or a top-level `Transform` with the SAM transform; or a
///   top-level `Resources` with some `Type` value starting `AWS::`, `Alexa::` or `Custom::`:
///   CloudFormation, SAM when the SAM transform or an `AWS::Serverless::` type occurs.
/// - JSON when the first non-blank character (after a byte-order mark) is `{`.
pub fn classify(candidate: Candidate, file_name: &str, text: &str) -> Option<Kind> {
    match candidate {
        Candidate::Terraform => return Some(Kind::Terraform),
        Candidate::TerraformJson => return Some(Kind::TerraformJson),
        Candidate::TfVars => return Some(Kind::TfVars),
        Candidate::SamConfig => return Some(Kind::SamConfig),
        Candidate::Lockfile(kind) => return Some(Kind::Lockfile(kind)),
        Candidate::Yaml | Candidate::Json | Candidate::Template => {}
    }
    let body = text.trim_start_matches('\u{feff}');
    let json = body.trim_start().starts_with('{');
    let keys = if json {
        json_top_level_keys(body)
    } else {
        yaml_top_level_keys(body)
    };
    let has = |key: &str| keys.contains(&key);

    let name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_ascii_lowercase();
    let serverless_name = matches!(
        name.as_str(),
        "serverless.yml" | "serverless.yaml" | "serverless.json"
    );
    // Services under other names (`serverless.prod.yml`, test fixtures) are
    // recognised by their two required top-level keys.
    if has("service") && (serverless_name || has("provider")) {
        return Some(Kind::Serverless { json });
    }
    if json
        && has("format_version")
        && has("terraform_version")
        && (has("planned_values") || has("values"))
    {
        return Some(Kind::TerraformPlan);
    }

    let sam_transform = has("Transform") && body.contains(SAM_TRANSFORM);
    let types = if has("Resources") {
        resource_types(body)
    } else {
        TypeScan::default()
    };
    if has("AWSTemplateFormatVersion") || sam_transform || types.cloudformation {
        return Some(Kind::CloudFormation {
            json,
            sam: sam_transform || types.sam,
        });
    }
    None
}

/// Top-level mapping keys of a YAML text: `key:` lines (plain or quoted) at the column of the
/// document's first content line. That column is 0 almost always, but YAML lets a whole document be
/// indented (`---` then `  AWSTemplateFormatVersion: ...`, as some published templates are), so it is
/// taken per document rather than assumed. Comments, directives, document markers and sequences are
/// passed over; a document whose first content line is not at its top level (a sequence, a flow
/// collection) gives no keys at deeper columns.
fn yaml_top_level_keys(text: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    // The top-level column of the current document, once its first content line is seen.
    let mut top: Option<usize> = None;
    for line in text.lines() {
        if line.starts_with("---") || line.starts_with("...") {
            let rest = &line[3..];
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                top = None;
                continue;
            }
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        let Some(first) = body.chars().next() else {
            continue;
        };
        if first.is_whitespace() || first == '#' || (indent == 0 && first == '%') {
            continue;
        }
        let column = *top.get_or_insert(indent);
        if indent != column || matches!(first, '-' | '?' | '[' | '{' | '.') {
            continue;
        }
        let key = if first == '"' || first == '\'' {
            body.get(1..).and_then(|rest| {
                let end = rest.find(first)?;
                let after = rest.get(end + 1..)?;
                after
                    .trim_start()
                    .starts_with(':')
                    .then(|| rest.get(..end))?
            })
        } else {
            body.find(':').and_then(|at| {
                let after = body.get(at + 1..)?;
                let ends_key = after.is_empty() || after.starts_with([' ', '\t']);
                ends_key.then(|| body.get(..at).map(str::trim_end))?
            })
        };
        if let Some(key) = key {
            keys.push(key);
        }
    }
    keys
}

/// Keys of the top-level object of a JSON text, raw (escapes not decoded). A byte scan that
/// tracks strings and nesting; malformed input gives a partial answer, never a panic.
fn json_top_level_keys(text: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0usize;
    // A string just closed at depth 1, waiting to see whether a ':' follows.
    let mut pending: Option<(usize, usize)> = None;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if depth == 1 {
                    pending = Some((start, i));
                }
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                start = i + 1;
                pending = None;
            }
            b':' => {
                if let Some((s, e)) = pending.take() {
                    if let Some(key) = text.get(s..e) {
                        keys.push(key);
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                pending = None;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                pending = None;
                if depth == 0 {
                    break;
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => pending = None,
        }
    }
    keys
}

#[derive(Default)]
struct TypeScan {
    /// Some `Type` value names a CloudFormation resource type.
    cloudformation: bool,
    /// Some `Type` value is an `AWS::Serverless::` type.
    sam: bool,
}

/// Looks for `Type: AWS::…` (YAML, block or flow) and `"Type": "AWS::…"` (JSON) anywhere.
fn resource_types(text: &str) -> TypeScan {
    let mut scan = TypeScan::default();
    for (at, _) in text.match_indices("Type") {
        let before = text.get(..at).and_then(|s| s.chars().next_back());
        if !before.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '{' | ',')) {
            continue;
        }
        let Some(rest) = text.get(at + "Type".len()..) else {
            continue;
        };
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
        let Some(rest) = rest.trim_start_matches([' ', '\t']).strip_prefix(':') else {
            continue;
        };
        let value = rest.trim_start_matches([' ', '\t']);
        let value = value.strip_prefix(['"', '\'']).unwrap_or(value);
        if CFN_TYPE_PREFIXES.iter().any(|p| value.starts_with(p)) {
            scan.cloudformation = true;
            if value.starts_with("AWS::Serverless::") {
                scan.sam = true;
                break;
            }
        }
    }
    scan
}

/// Which shard (1-based `k` of `n`) a file belongs to: a stable hash of its
/// display path, so every matrix job agrees without coordination.
pub fn shard_of(display: &str, n: u32) -> u32 {
    (crate::finding::fnv1a(&[display]) % u64::from(n.max(1))) as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_and_cover_everything() {
        let files: Vec<String> = (0..100).map(|i| format!("svc{i}/template.yaml")).collect();
        let counts: Vec<usize> = (1..=3)
            .map(|k| files.iter().filter(|f| shard_of(f, 3) == k).count())
            .collect();
        assert_eq!(counts.iter().sum::<usize>(), 100);
        assert!(counts.iter().all(|&c| c > 15), "{counts:?}");
        assert_eq!(shard_of("a.yaml", 1), 1);
    }
    use std::fs;

    fn write(root: &Path, rel: &str, text: &str) {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(path, text).unwrap();
    }

    fn displays(walk: &Walk) -> Vec<&str> {
        walk.files.iter().map(|f| f.display.as_str()).collect()
    }

    fn walk_one(root: &Path, opts: &Options) -> Walk {
        walk(&[root.to_path_buf()], opts)
    }

    const SAM_YAML: &str = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Runtime: python3.12\n";

    #[test]
    fn gitignore_honoured_outside_a_git_repo() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", "generated/\n*.gen.yaml\n");
        write(root, "template.yaml", SAM_YAML);
        write(root, "a.gen.yaml", SAM_YAML);
        write(root, "generated/template.yaml", SAM_YAML);
        write(root, "sub/.ignore", "skip.yaml\n");
        write(root, "sub/skip.yaml", SAM_YAML);
        write(root, "sub/keep.yaml", SAM_YAML);
        let got = walk_one(root, &Options::default());
        assert_eq!(displays(&got), ["sub/keep.yaml", "template.yaml"]);
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    }

    #[test]
    fn faasguardignore_honoured_and_wins_over_gitignore() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", "*.yaml\n");
        write(root, ".faasguardignore", "!keep.yaml\nfixtures/\n");
        write(root, "keep.yaml", SAM_YAML);
        write(root, "other.yaml", SAM_YAML);
        write(root, "fixtures/bad.json", "{}");
        write(root, "main.tf", "");
        let got = walk_one(root, &Options::default());
        assert_eq!(displays(&got), ["keep.yaml", "main.tf"]);
    }

    #[test]
    fn parent_ignore_files_count_only_inside_a_git_repo() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", "*.gen.yaml\n");
        write(root, "infra/a.gen.yaml", SAM_YAML);
        write(root, "infra/template.yaml", SAM_YAML);
        let infra = root.join("infra");
        let outside = walk_one(&infra, &Options::default());
        assert_eq!(displays(&outside), ["a.gen.yaml", "template.yaml"]);
        fs::create_dir(root.join(".git")).unwrap();
        let inside = walk_one(&infra, &Options::default());
        assert_eq!(displays(&inside), ["template.yaml"]);
    }

    #[test]
    fn excludes_remove_files_relative_to_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "tests/t.yaml", SAM_YAML);
        write(root, "src/tests/t.yaml", SAM_YAML);
        write(root, "a.json", "{}");
        write(root, "deep/b.json", "{}");
        write(root, "template.yaml", SAM_YAML);
        let opts = Options {
            excludes: vec!["tests/**".into(), "*.json".into()],
            ..Options::default()
        };
        assert!(opts.validate().is_ok());
        let got = walk_one(root, &opts);
        assert_eq!(displays(&got), ["src/tests/t.yaml", "template.yaml"]);
        assert!(got.skipped.is_empty());

        // A leading `./` in a glob means the scan root.
        let opts = Options {
            excludes: vec!["./src/**".into()],
            ..Options::default()
        };
        let got = walk_one(root, &opts);
        assert!(!displays(&got).contains(&"src/tests/t.yaml"));
        assert!(displays(&got).contains(&"tests/t.yaml"));
    }

    #[test]
    fn excludes_apply_to_files_named_directly() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "tests/t.yaml", SAM_YAML);
        let file = root.join("tests/t.yaml");
        let opts = Options {
            excludes: vec!["*.yaml".into()],
            ..Options::default()
        };
        assert!(walk(std::slice::from_ref(&file), &opts).files.is_empty());
        let opts = Options {
            excludes: vec!["tests/".into()],
            ..Options::default()
        };
        assert!(walk(std::slice::from_ref(&file), &opts).files.is_empty());
        assert_eq!(walk(&[file], &Options::default()).files.len(), 1);
    }

    #[test]
    fn invalid_exclude_is_reported_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "template.yaml", SAM_YAML);
        let opts = Options {
            excludes: vec!["a[".into(), "!keep".into()],
            ..Options::default()
        };
        assert!(opts.validate().is_err());
        let got = walk_one(dir.path(), &opts);
        assert_eq!(displays(&got), ["template.yaml"]);
        assert_eq!(got.skipped.len(), 2, "{:?}", got.skipped);
        assert!(got.skipped.iter().all(|s| s.reason.contains("--exclude")));
    }

    #[test]
    fn tool_directories_and_hidden_directories_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for skipped in [
            "node_modules/pkg/template.yaml",
            ".aws-sam/build/template.yaml",
            "cdk.out/Stack.template.json",
            ".terraform/modules/m/main.tf",
            ".serverless/cloudformation-template-update-stack.json",
            "target/x.yaml",
            "__pycache__/x.yaml",
            ".venv/x.yaml",
            "venv/x.yaml",
            ".github/workflows/ci.yml",
            "app/node_modules/x/serverless.yml",
        ] {
            write(root, skipped, SAM_YAML);
        }
        write(root, "vendor/lib/requirements.txt", "");
        write(root, ".hidden.yaml", SAM_YAML);
        write(root, "template.yaml", SAM_YAML);
        let got = walk_one(root, &Options::default());
        assert_eq!(
            displays(&got),
            ["template.yaml", "vendor/lib/requirements.txt"]
        );
        // A hidden file or a tool directory named directly is scanned.
        let hidden = root.join(".hidden.yaml");
        let named = walk(&[hidden], &Options::default());
        assert_eq!(displays(&named).len(), 1);
        let modules = walk_one(&root.join("node_modules"), &Options::default());
        assert_eq!(displays(&modules), ["pkg/template.yaml"]);
    }

    #[test]
    fn names_decide_candidates() {
        use Candidate as C;
        use LockfileKind as L;
        let cases = [
            ("template.yaml", Some(C::Yaml)),
            ("stack.YML", Some(C::Yaml)),
            ("Stack.template.json", Some(C::Json)),
            ("app.template", Some(C::Template)),
            ("serverless.yml", Some(C::Yaml)),
            ("serverless.json", Some(C::Json)),
            ("main.tf", Some(C::Terraform)),
            ("main.tf.json", Some(C::TerraformJson)),
            ("prod.tfvars", Some(C::TfVars)),
            ("prod.tfvars.json", Some(C::TfVars)),
            ("samconfig.toml", Some(C::SamConfig)),
            ("samconfig.yaml", Some(C::SamConfig)),
            ("Cargo.lock", Some(C::Lockfile(L::Cargo))),
            ("package-lock.json", Some(C::Lockfile(L::NpmPackageLock))),
            ("npm-shrinkwrap.json", Some(C::Lockfile(L::NpmShrinkwrap))),
            ("yarn.lock", Some(C::Lockfile(L::Yarn))),
            ("pnpm-lock.yaml", Some(C::Lockfile(L::Pnpm))),
            ("requirements.txt", Some(C::Lockfile(L::RequirementsTxt))),
            (
                "requirements-dev.txt",
                Some(C::Lockfile(L::RequirementsTxt)),
            ),
            ("poetry.lock", Some(C::Lockfile(L::Poetry))),
            ("Pipfile.lock", Some(C::Lockfile(L::Pipfile))),
            ("uv.lock", Some(C::Lockfile(L::Uv))),
            ("go.mod", Some(C::Lockfile(L::GoMod))),
            ("go.sum", Some(C::Lockfile(L::GoSum))),
            ("package.json", None),
            ("tsconfig.json", None),
            ("tsconfig.build.json", None),
            ("deps.lock.json", None),
            ("cdk.json", None),
            ("handler.py", None),
            ("README.md", None),
            ("Pipfile", None),
            ("notes.txt", None),
            ("", None),
        ];
        for (name, want) in cases {
            assert_eq!(Candidate::from_file_name(name), want, "{name}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_with_follow_links_becomes_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a/template.yaml", SAM_YAML);
        std::os::unix::fs::symlink("..", root.join("a/up")).unwrap();
        std::os::unix::fs::symlink("self", root.join("self")).unwrap();
        let opts = Options {
            follow_links: true,
            ..Options::default()
        };
        let got = walk_one(root, &opts);
        assert_eq!(displays(&got), ["a/template.yaml"]);
        assert!(
            got.skipped
                .iter()
                .any(|s| s.display == "a/up" && s.reason.contains("loop")),
            "{:?}",
            got.skipped
        );
        // The self-referencing link is reported too (the OS calls it a loop), and nothing hangs.
        assert!(
            got.skipped.iter().any(|s| s.display == "self"),
            "{:?}",
            got.skipped
        );
        // Without following, links are passed over silently.
        let got = walk_one(root, &Options::default());
        assert_eq!(displays(&got), ["a/template.yaml"]);
        assert!(got.skipped.is_empty(), "{:?}", got.skipped);
    }

    #[cfg(unix)]
    #[test]
    fn a_file_reached_twice_is_listed_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "real/template.yaml", SAM_YAML);
        std::os::unix::fs::symlink("real", root.join("link")).unwrap();
        let opts = Options {
            follow_links: true,
            ..Options::default()
        };
        let got = walk_one(root, &opts);
        assert_eq!(displays(&got), ["link/template.yaml"]);
        let file = root.join("real/template.yaml");
        let got = walk(&[file.clone(), file.clone()], &Options::default());
        assert_eq!(got.files.len(), 1);
        let got = walk(&[root.join("real"), file], &Options::default());
        assert_eq!(got.files.len(), 1);
    }

    #[test]
    fn output_is_sorted_and_independent_of_argument_and_creation_order() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let names = ["z.yaml", "a.yaml", "m/x.json", "B.tf", "m/a.yaml", "k.yml"];
        for name in names {
            write(a.path(), name, "x");
        }
        for name in names.iter().rev() {
            write(b.path(), name, "x");
        }
        let wa = walk_one(a.path(), &Options::default());
        let wb = walk_one(b.path(), &Options::default());
        assert_eq!(displays(&wa), displays(&wb));
        assert_eq!(
            displays(&wa),
            ["B.tf", "a.yaml", "k.yml", "m/a.yaml", "m/x.json", "z.yaml"]
        );
        let both = walk(
            &[a.path().to_path_buf(), b.path().to_path_buf()],
            &Options::default(),
        );
        let reversed = walk(
            &[b.path().to_path_buf(), a.path().to_path_buf()],
            &Options::default(),
        );
        assert_eq!(both, reversed);
        assert_eq!(both.files.len(), 12);
    }

    #[test]
    fn too_large_and_missing_are_skipped_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "big.yaml", &"a: b\n".repeat(100));
        write(root, "big.bin", &"x".repeat(1000)); // not a candidate: no diagnostic
        write(root, "small.yaml", "a: b\n");
        let opts = Options {
            max_file_size: 100,
            ..Options::default()
        };
        let got = walk_one(root, &opts);
        assert_eq!(displays(&got), ["small.yaml"]);
        assert_eq!(got.skipped.len(), 1);
        assert_eq!(got.skipped[0].display, "big.yaml");
        assert!(got.skipped[0].reason.contains("500 bytes"));
        assert!(got.skipped[0].reason.contains("100-byte limit"));

        let got = walk(&[root.join("big.yaml")], &opts);
        assert!(got.files.is_empty());
        assert_eq!(got.skipped.len(), 1);

        let missing = root.join("nope");
        let got = walk(&[missing], &opts);
        assert!(got.files.is_empty());
        assert!(got.skipped[0].reason.contains("cannot read"));
    }

    #[test]
    fn named_files_that_are_not_read_say_why() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "README.md", "# hi\n");
        write(dir.path(), "package.json", "{}\n");
        write(dir.path(), "skip.md", "# excluded\n");
        let paths = ["README.md", "package.json", "skip.md"].map(|n| dir.path().join(n));
        let opts = Options {
            excludes: vec!["skip.md".to_owned()],
            ..Options::default()
        };
        let got = walk(&paths, &opts);
        assert!(got.files.is_empty());
        assert!(got.skipped.is_empty());
        let shown: Vec<(&str, &str)> = got
            .unread
            .iter()
            .map(|u| {
                (
                    u.display.rsplit('/').next().unwrap_or(""),
                    u.reason.as_str(),
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "README.md",
                    "not read: faasguard reads templates and services (`.yaml`, `.yml`, `.json`, \
                     `.template`), Terraform (`.tf`, `.tf.json`, `.tfvars`), `samconfig` files and \
                     lockfiles; this file's name is none of these"
                ),
                (
                    "package.json",
                    "not read: `package.json` is tool configuration, not infrastructure-as-code \
                     (faasguard never reads it as a template)"
                ),
            ]
        );
        // Inside a directory such files are passed over quietly.
        assert!(walk_one(dir.path(), &Options::default()).unread.is_empty());
    }

    #[test]
    fn dash_is_standard_input_and_is_never_looked_up_on_disk() {
        let got = walk(&[PathBuf::from("-")], &Options::default());
        assert_eq!(
            got.files,
            [Found {
                path: PathBuf::from("-"),
                display: "<stdin>".to_owned(),
                candidate: Candidate::Template,
            }]
        );
        assert!(got.skipped.is_empty() && got.unread.is_empty());
        assert_eq!(unread_by_content(Candidate::Terraform), None);
        assert!(unread_by_content(Candidate::Template).is_some());
    }

    #[test]
    fn display_of_a_file_named_directly_is_the_path_as_given() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "infra/template.yaml", SAM_YAML);
        let file = dir.path().join("infra/template.yaml");
        let got = walk(std::slice::from_ref(&file), &Options::default());
        assert_eq!(got.files[0].display, slashed(&file));
        assert_eq!(got.files[0].path, file);
        assert_eq!(given_display(Path::new("./infra/t.yaml")), "infra/t.yaml");
        assert_eq!(given_display(Path::new("./")), "./");
    }

    #[test]
    fn classify_sam_yaml() {
        assert_eq!(
            classify(Candidate::Yaml, "template.yaml", SAM_YAML),
            Some(Kind::CloudFormation {
                json: false,
                sam: true
            })
        );
        // Transform alone is enough, in list form too.
        let text = "Transform:\n  - AWS::Serverless-2016-10-31\nResources: {}\n";
        assert_eq!(
            classify(Candidate::Yaml, "t.yml", text),
            Some(Kind::CloudFormation {
                json: false,
                sam: true
            })
        );
    }

    #[test]
    fn classify_cfn_json() {
        let text = r#"
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Resources": { "B": { "Type": "AWS::S3::Bucket" } }
        }"#;
        assert_eq!(
            classify(Candidate::Json, "Stack.template.json", text),
            Some(Kind::CloudFormation {
                json: true,
                sam: false
            })
        );
        // No version key: Resources with a CloudFormation type is enough.
        let text = "{\"Resources\":{\"F\":{\"Type\":\"AWS::Serverless::Function\"}}}";
        assert_eq!(
            classify(Candidate::Template, "x.template", text),
            Some(Kind::CloudFormation {
                json: true,
                sam: true
            })
        );
        // A nested "Resources" key is not top-level.
        let text = r#"{"x": {"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}}"#;
        assert_eq!(classify(Candidate::Json, "x.json", text), None);
        // Escaped quotes inside strings do not confuse the key scan.
        let text =
            r#"{"d": "a \"Resources\": b", "Resources": {"B": {"Type": "AWS::SQS::Queue"}}}"#;
        assert!(classify(Candidate::Json, "x.json", text).is_some());
    }

    #[test]
    fn classify_stack_yml_by_content() {
        let text = "# my stack\n---\nResources:\n  Queue:\n    Type: \"AWS::SQS::Queue\"\n";
        assert_eq!(
            classify(Candidate::Yaml, "stack.yml", text),
            Some(Kind::CloudFormation {
                json: false,
                sam: false
            })
        );
        let text = "\u{feff}Resources:\n  Skill: {Type: 'Alexa::ASK::Skill'}\n";
        assert!(classify(Candidate::Yaml, "stack.yml", text).is_some());
        // Resources without a CloudFormation type: not a template.
        let text = "Resources:\n  cpu: 2\n  Type: big\n";
        assert_eq!(classify(Candidate::Yaml, "stack.yml", text), None);
        // A type-looking value under another key: not a template.
        let text = "resources:\n  Resources:\n    T:\n      Type: AWS::SNS::Topic\n";
        assert_eq!(classify(Candidate::Yaml, "conf.yml", text), None);
        let text = "Resources:\n  T:\n    ContentType: AWS::SNS::Topic\n";
        assert_eq!(classify(Candidate::Yaml, "conf.yml", text), None);
    }

    #[test]
    fn classify_indented_top_level_mapping() {
        // The whole document indented under `---` (cfn-lint's quickstart templates).
        let text = "---\n  AWSTemplateFormatVersion: '2010-09-09'\n  Resources:\n    Fn:\n      Type: AWS::Lambda::Function\n";
        assert_eq!(
            classify(Candidate::Yaml, "cis.yaml", text),
            Some(Kind::CloudFormation {
                json: false,
                sam: false
            })
        );
        assert_eq!(
            yaml_top_level_keys(text),
            ["AWSTemplateFormatVersion", "Resources"]
        );
        // Each document has its own top-level column.
        let two = "a: 1\n---\n    b: 2\n    c:\n      d: 3\n...\n  e: 4\n";
        assert_eq!(yaml_top_level_keys(two), ["a", "b", "c", "e"]);
        // Ordinary indented YAML stays ordinary: only the keys at the first column count.
        let k8s =
            "---\n  kind: ConfigMap\n  data:\n    Resources: x\n    AWSTemplateFormatVersion: y\n";
        assert_eq!(yaml_top_level_keys(k8s), ["kind", "data"]);
        assert_eq!(classify(Candidate::Yaml, "cm.yaml", k8s), None);
        // A document that starts with a sequence has no top-level keys.
        let seq = "  - AWSTemplateFormatVersion: x\n  - Resources: y\n";
        assert_eq!(classify(Candidate::Yaml, "list.yaml", seq), None);
    }

    #[test]
    fn classify_rejects_other_yaml_and_json() {
        let workflow = "name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/configure-aws-credentials@v4\n      - run: aws cloudformation deploy --template-file template.yaml # Type: AWS::S3::Bucket\n";
        assert_eq!(classify(Candidate::Yaml, "ci.yml", workflow), None);
        let k8s = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          resources:\n            limits:\n              cpu: 500m\n";
        assert_eq!(classify(Candidate::Yaml, "deploy.yaml", k8s), None);
        let compose = "services:\n  web:\n    image: nginx\n";
        assert_eq!(
            classify(Candidate::Yaml, "docker-compose.yml", compose),
            None
        );
        let openapi = "openapi: 3.0.0\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration:\n        type: aws_proxy\n";
        assert_eq!(classify(Candidate::Yaml, "api.yaml", openapi), None);
        let package = r#"{"name": "x", "dependencies": {"aws-sdk": "^2"}}"#;
        assert_eq!(classify(Candidate::Json, "x.json", package), None);
        assert_eq!(classify(Candidate::Yaml, "empty.yaml", ""), None);
        assert_eq!(classify(Candidate::Json, "a.json", "[1, 2]"), None);
        assert_eq!(classify(Candidate::Json, "a.json", "{\"a\": [}}}}"), None);
    }

    #[test]
    fn classify_serverless() {
        let text = "service: my-service\nprovider:\n  name: aws\n  runtime: nodejs20.x\nresources:\n  Resources:\n    T:\n      Type: AWS::SNS::Topic\n";
        assert_eq!(
            classify(Candidate::Yaml, "serverless.yml", text),
            Some(Kind::Serverless { json: false })
        );
        assert_eq!(
            classify(
                Candidate::Json,
                "serverless.json",
                r#"{"service": "x", "provider": {"name": "aws"}}"#
            ),
            Some(Kind::Serverless { json: true })
        );
        // Under another name, `service` and `provider` still make a service.
        assert_eq!(
            classify(Candidate::Yaml, "fail.serverless.yml", text),
            Some(Kind::Serverless { json: false })
        );
        assert_eq!(classify(Candidate::Yaml, "other.yml", "service: x\n"), None);
        let plan = r#"{"format_version":"1.2","terraform_version":"1.9.0","planned_values":{}}"#;
        assert_eq!(
            classify(Candidate::Json, "plan.json", plan),
            Some(Kind::TerraformPlan)
        );
        // Non-content candidates are decided by name.
        assert_eq!(
            classify(Candidate::Terraform, "main.tf", ""),
            Some(Kind::Terraform)
        );
        assert_eq!(
            classify(Candidate::Lockfile(LockfileKind::Yarn), "yarn.lock", "\0"),
            Some(Kind::Lockfile(LockfileKind::Yarn))
        );
    }

    #[test]
    fn top_level_keys_are_cheap_and_panic_free() {
        assert_eq!(
            yaml_top_level_keys("a: 1\n\"b c\": 2\n'd' : 3\n  e: 4\nf:\nurl: http://x\n- g: 1\n"),
            ["a", "b c", "d", "f", "url"]
        );
        for text in [
            "\"",
            "'",
            "\"abc",
            "{",
            "{\"",
            "{\"a\\",
            "}}}",
            ":",
            "é: ü",
            "{\"é\":1}",
        ] {
            let _ = yaml_top_level_keys(text);
            let _ = json_top_level_keys(text);
            let _ = resource_types(text);
            let _ = classify(Candidate::Template, "x", text);
        }
    }

    #[test]
    fn read_text_refuses_binary_and_invalid_utf8() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let bin = root.join("a.yaml");
        fs::write(&bin, b"Resources:\0\x01\x02").unwrap();
        assert!(matches!(read_text(&bin, 1 << 20), Err(ReadError::Binary)));

        let bad = root.join("b.yaml");
        fs::write(&bad, b"key: caf\xc3\xa9 \xff\n").unwrap();
        let err = read_text(&bad, 1 << 20).unwrap_err();
        assert!(
            matches!(err, ReadError::InvalidUtf8 { offset: 11 }),
            "{err:?}"
        );
        assert!(err.to_string().contains("offset 11"));

        let empty = root.join("c.yaml");
        fs::write(&empty, b"").unwrap();
        assert_eq!(read_text(&empty, 1 << 20).unwrap(), "");

        let bom = root.join("d.yaml");
        fs::write(&bom, "\u{feff}a: 1\n").unwrap();
        assert_eq!(read_text(&bom, 1 << 20).unwrap(), "\u{feff}a: 1\n");

        let big = root.join("e.yaml");
        fs::write(&big, "a: 1\n".repeat(10)).unwrap();
        assert!(matches!(
            read_text(&big, 49),
            Err(ReadError::TooLarge {
                size: 50,
                limit: 49
            })
        ));
        assert_eq!(read_text(&big, 50).unwrap().len(), 50);

        assert!(matches!(
            read_text(&root.join("nope"), 10),
            Err(ReadError::Io(_))
        ));
        assert!(matches!(read_text(root, 10), Err(ReadError::Io(_))));
    }

    #[test]
    fn fifty_megabyte_file_is_read_and_classified() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.yaml");
        let mut text = String::from("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n");
        let block = "  Q0:\n    Type: AWS::SQS::Queue\n    Properties: {QueueName: a-long-enough-queue-name}\n";
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(block);
        }
        fs::write(&path, &text).unwrap();
        let got = walk_one(dir.path(), &Options::default());
        assert_eq!(displays(&got), ["big.yaml"]);
        let read = read_text(&path, DEFAULT_MAX_FILE_SIZE).unwrap();
        assert_eq!(
            classify(Candidate::Yaml, "big.yaml", &read),
            Some(Kind::CloudFormation {
                json: false,
                sam: false
            })
        );
    }

    /// The public corpus of real serverless.yml files (../shared/corpus).
    #[test]
    #[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
    fn corpus_serverless_examples_are_found_and_classified() {
        let root = crate::shared::path("corpus/real/serverless-examples");
        let got = walk_one(&root, &Options::default());
        let serverless: Vec<&Found> = got
            .files
            .iter()
            .filter(|f| {
                let name = f.display.rsplit('/').next().unwrap_or("");
                matches!(
                    name,
                    "serverless.yml" | "serverless.yaml" | "serverless.json"
                )
            })
            .collect();
        assert_eq!(serverless.len(), 191);
        for found in serverless {
            let text = read_text(&found.path, DEFAULT_MAX_FILE_SIZE).unwrap();
            let name = found.display.rsplit('/').next().unwrap_or("");
            let kind = classify(found.candidate, name, &text);
            assert!(
                matches!(kind, Some(Kind::Serverless { json: false })),
                "{}: {kind:?}",
                found.display
            );
        }
        // Every other candidate reads and classifies without a panic.
        for found in &got.files {
            if let Ok(text) = read_text(&found.path, DEFAULT_MAX_FILE_SIZE) {
                let name = found.display.rsplit('/').next().unwrap_or("");
                let _ = classify(found.candidate, name, &text);
            }
        }
    }
}
