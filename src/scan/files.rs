//! The scan's file list: every file the walk found (sharded), read and
//! classified, plus the files the scan reads beyond the walk (local
//! Terraform modules, `--var-file` files), as one list of [`ScanFile`]s
//! whose index is the file's [`FileId`]. Also the samconfig regions, the
//! Terraform file set and the units formed from the list ([`prepare`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{working_dir, Settings, NOT_READ};
use crate::adapt::cloudformation;
use crate::discover::{self, Candidate, Found, Kind, Skipped};
use crate::finding::{Diagnostic, Level};
use crate::source::FileId;

/// One file of the scan: where it is, how reports show it, its text and what
/// it holds. Its index in the scan's list is its [`FileId`].
pub(super) struct ScanFile {
    /// The path as on disk.
    pub path: PathBuf,
    /// The path reports show ([`display_path`]).
    pub display: String,
    /// What the file's name says it may be.
    pub candidate: Candidate,
    pub text: Option<Arc<str>>,
    /// What its content holds (`None`: none of the formats, or unread).
    pub kind: Option<Kind>,
    /// Why it could not be read.
    pub error: Option<String>,
}

impl ScanFile {
    /// A file the walk found: read and classified; standard input is the
    /// text the caller read ([`Settings::stdin`]).
    pub fn walked(found: Found, display: String, stdin: Option<&Arc<str>>, max: u64) -> ScanFile {
        if found.path.as_os_str() != discover::STDIN_PATH {
            return ScanFile::read(found, display, max);
        }
        let (text, kind, error) = match stdin {
            Some(text) => (
                Some(text.clone()),
                discover::classify(found.candidate, discover::STDIN_DISPLAY, text),
                None,
            ),
            None => (
                None,
                None,
                Some("standard input was not read (no text given for `-`)".to_owned()),
            ),
        };
        ScanFile {
            path: found.path,
            display,
            candidate: found.candidate,
            text,
            kind,
            error,
        }
    }

    /// Read a file from disk and classify it.
    pub fn read(found: Found, display: String, max: u64) -> ScanFile {
        let (text, kind, error) = match discover::read_text(&found.path, max) {
            Ok(text) => {
                let name = found
                    .path
                    .file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default();
                let kind = discover::classify(found.candidate, &name, &text);
                (Some(Arc::from(text)), kind, None)
            }
            Err(e) => (None, None, Some(e.to_string())),
        };
        ScanFile {
            path: found.path,
            display,
            candidate: found.candidate,
            text,
            kind,
            error,
        }
    }

    /// The file's folder (`""` for a bare name).
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }
}

/// What the units of a scan are formed from: the files read and
/// classified, the local modules they call, the units themselves. `scan` and
/// `faasguard model` share it, so the model shown is the model evaluated.
pub(super) struct Prepared {
    pub files: Vec<ScanFile>,
    /// Files named on the command line whose name the walk does not read.
    pub unread: Vec<Skipped>,
    pub envs: BTreeMap<PathBuf, cloudformation::Env>,
    pub tf_files: crate::terraform::FileSet,
    pub terraform: crate::terraform::Options,
    pub units: Vec<Unit>,
    pub diagnostics: Vec<Diagnostic>,
    /// The templates, by canonical path: a Serverless service that includes
    /// one through `${file()}` reads it under its own id.
    pub fragments: std::sync::Arc<BTreeMap<PathBuf, FileId>>,
}

pub(super) fn prepare(settings: &Settings, pool: &rayon::ThreadPool) -> Prepared {
    let walk = discover::walk(&settings.paths, &settings.discover);
    let cwd = working_dir(settings);
    let mut found: Vec<(Found, String)> = walk
        .files
        .into_iter()
        .map(|f| {
            let shown = display_path(&f, cwd.as_deref());
            (f, shown)
        })
        .collect();
    if let Some((k, n)) = settings.shard {
        // samconfig and Terraform files stay in every shard: templates beside
        // them need them, and a module is sharded as a whole below.
        found.retain(|(f, d)| {
            matches!(
                f.candidate,
                Candidate::SamConfig
                    | Candidate::Terraform
                    | Candidate::TerraformJson
                    | Candidate::TfVars
                    | Candidate::TerraformLock
            ) || crate::discover::shard_of(d, n) == k
        });
    }

    let mut diagnostics: Vec<Diagnostic> = walk
        .skipped
        .iter()
        .map(|s| {
            Diagnostic::new(Level::Warning, "skipped", s.reason.clone()).in_file(&s.display, None)
        })
        .collect();
    diagnostics.extend(walk.unread.iter().map(|u| {
        Diagnostic::new(Level::Warning, NOT_READ, u.reason.clone()).in_file(&u.display, None)
    }));

    let max = settings.discover.max_file_size;

    // Read and classify every file. The text of a file that holds none of
    // the formats is let go at once, unless a user's policies (which may be
    // conftest policies, reading every YAML and JSON file) need it: the
    // scan holds every text to its end, and a tree of unrelated JSON (5,097
    // advisory files in `../shared/corpus`) would otherwise weigh on the
    // peak for nothing.
    let keep_unclassified = !settings.extra_policies.is_empty();
    let mut files: Vec<ScanFile> = pool.install(|| {
        found
            .into_par_iter()
            .map(|(f, shown)| {
                let mut file = ScanFile::walked(f, shown, settings.stdin.as_ref(), max);
                if file.kind.is_none() && !keep_unclassified {
                    file.text = None;
                }
                file
            })
            .collect()
    });
    // A file named on the command line (or standard input) that holds none of
    // the formats is said so: naming it asked for a scan.
    for f in &files {
        let named = settings.paths.contains(&f.path);
        if let (true, None, None, Some(why)) = (
            named,
            &f.error,
            f.kind,
            discover::unread_by_content(f.candidate),
        ) {
            diagnostics
                .push(Diagnostic::new(Level::Warning, NOT_READ, why).in_file(&f.display, None));
        }
    }
    // Local Terraform modules outside the scanned paths are read too (never
    // remote ones): their files get ids after the walked files.
    let walked = files.len();
    let module_calls = add_module_files(&settings.paths, &mut files, cwd.as_deref(), max);

    // samconfig files first: their region applies to templates beside them.
    let mut envs: BTreeMap<PathBuf, cloudformation::Env> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.candidate == Candidate::SamConfig {
            if let Some(text) = &f.text {
                if let Some(region) = cloudformation::samconfig::region(text, FileId(i as u32)) {
                    envs.insert(
                        f.dir().to_path_buf(),
                        cloudformation::Env {
                            region: Some(region),
                        },
                    );
                }
            }
        }
    }

    // `--var-file` files are read even when the walk did not find them.
    let mut terraform = settings.terraform.clone();
    terraform.var_files = add_var_files(
        &settings.terraform.var_files,
        &mut files,
        cwd.as_deref(),
        max,
    );
    let mut tf_files = crate::terraform::FileSet::default();
    for (i, f) in files.iter().enumerate() {
        if let (
            Some(text),
            Some(Kind::Terraform | Kind::TerraformJson | Kind::TfVars | Kind::TerraformLock),
        ) = (&f.text, f.kind)
        {
            tf_files
                .files
                .insert(f.path.clone(), (FileId(i as u32), text.clone()));
        }
    }
    tf_files.refused = module_calls.refused;
    let called = called_dirs(&files, walked, &module_calls.calls);
    let units = plan_units(&files, settings.shard, &called);
    let fragments = std::sync::Arc::new(templates_by_path(&files));
    Prepared {
        files,
        unread: walk.unread,
        envs,
        tf_files,
        terraform,
        units,
        diagnostics,
        fragments,
    }
}

/// The CloudFormation templates among `files`, by canonical path (what a
/// Serverless service's `${file()}` resolves to).
fn templates_by_path(files: &[ScanFile]) -> BTreeMap<PathBuf, FileId> {
    files
        .iter()
        .enumerate()
        .filter(|(_, f)| matches!(f.kind, Some(Kind::CloudFormation { .. })) && f.text.is_some())
        .filter_map(|(i, f)| Some((std::fs::canonicalize(&f.path).ok()?, FileId(i as u32))))
        .collect()
}

/// Paths are shown relative to the working directory when they are below it
/// (so SARIF URIs are relative to the checkout); other files relative to the
/// scan path they were found under, so no absolute path reaches a report.
pub(super) fn display_path(f: &Found, cwd: Option<&Path>) -> String {
    if f.path.as_os_str() == discover::STDIN_PATH {
        return f.display.clone();
    }
    let absolute = if f.path.is_absolute() {
        Some(f.path.clone())
    } else {
        cwd.map(|c| c.join(&f.path))
    };
    if let (Some(cwd), Some(abs)) = (cwd, absolute) {
        if let Ok(rel) = abs.strip_prefix(cwd) {
            let rel = rel.to_string_lossy().replace('\\', "/");
            if !rel.is_empty() && !rel.split('/').any(|c| c == "..") {
                return rel;
            }
        }
    }
    f.display.clone()
}

/// A file found outside the walk, shown as [`display_path`] says.
pub(super) fn found_at(path: PathBuf, candidate: Candidate, cwd: Option<&Path>) -> (Found, String) {
    let found = Found {
        display: path.to_string_lossy().replace('\\', "/"),
        path,
        candidate,
    };
    let shown = display_path(&found, cwd);
    (found, shown)
}

/// Most rounds of following module calls into unread directories.
const MAX_MODULE_ROUNDS: usize = 32;

/// The local module calls between Terraform directories, read before the
/// units are formed (ADR 0012, 0015).
#[derive(Default)]
struct ModuleCalls {
    /// Caller directory → the directories its `module` blocks name (a
    /// directory calling itself left out).
    calls: BTreeMap<PathBuf, BTreeSet<PathBuf>>,
    /// Module directories not read, with the reason (outside the repository).
    refused: BTreeMap<PathBuf, String>,
}

/// Read the Terraform files of local module directories that modules in the
/// scan call but that lie outside the scanned paths, as long as they lie in
/// the repository of a scanned path (its git top level, else the scanned
/// path itself), after following links: a repository must not make the scan
/// read the rest of the machine.
fn add_module_files(
    paths: &[PathBuf],
    files: &mut Vec<ScanFile>,
    cwd: Option<&Path>,
    max: u64,
) -> ModuleCalls {
    let mut out = ModuleCalls::default();
    let mut known: BTreeSet<PathBuf> = files
        .iter()
        .filter(|f| is_terraform(f.candidate))
        .filter_map(|f| f.path.parent().map(Path::to_path_buf))
        .collect();
    let mut bounds: Option<Vec<PathBuf>> = None;
    let mut next = 0;
    for _ in 0..MAX_MODULE_ROUNDS {
        let mut wanted = BTreeSet::new();
        for f in &files[next..] {
            if f.kind != Some(Kind::Terraform) {
                continue;
            }
            if let (Some(text), Some(dir)) = (&f.text, f.path.parent()) {
                for d in crate::terraform::local_module_dirs(dir, text) {
                    // A module calling its own directory is not a call from elsewhere.
                    if d.as_path() != dir {
                        out.calls
                            .entry(crate::terraform::normalize_dir(dir))
                            .or_default()
                            .insert(d.clone());
                    }
                    if !known.contains(&d) {
                        wanted.insert(d);
                    }
                }
            }
        }
        next = files.len();
        if wanted.is_empty() {
            break;
        }
        let bounds = bounds.get_or_insert_with(|| repository_bounds(paths));
        for dir in wanted {
            known.insert(dir.clone());
            let Ok(canon) = std::fs::canonicalize(&dir) else {
                // Missing: the call says it has no files.
                continue;
            };
            if !bounds.iter().any(|b| canon.starts_with(b)) {
                let link = std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_symlink());
                let why = if link {
                    "it is a link to a folder outside the repository being scanned"
                } else {
                    "it is outside the repository being scanned"
                };
                out.refused
                    .insert(dir, format!("{why}; local modules are read only inside it"));
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let mut paths: Vec<(PathBuf, Candidate)> = entries
                .flatten()
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().to_string();
                    let c = Candidate::from_file_name(&name)?;
                    is_terraform(c).then(|| (e.path(), c))
                })
                .collect();
            paths.sort();
            for (path, candidate) in paths {
                let (found, shown) = found_at(path, candidate, cwd);
                files.push(ScanFile::read(found, shown, max));
            }
        }
    }
    out
}

/// The folders local modules may be read from: for each scan path, the
/// top level of the git repository holding it (the nearest folder above it
/// with a `.git`), else the scan path itself (its folder, for a file).
/// Canonical, so links cannot lead out.
fn repository_bounds(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths
        .iter()
        .filter_map(|p| {
            let base = if p.is_dir() {
                p.as_path()
            } else {
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .unwrap_or(Path::new("."))
            };
            let canon = std::fs::canonicalize(base).ok()?;
            let top = canon
                .ancestors()
                .find(|a| a.join(".git").exists())
                .map_or_else(|| canon.clone(), Path::to_path_buf);
            Some(top)
        })
        .collect()
}

/// The Terraform directories scanned through a call rather than as roots of
/// their own. A directory no other one calls is a root; so is the first (in
/// walk order) of directories that call each other in a cycle no root
/// reaches, so a cycle never hides its modules' resources. Only walked
/// directories become roots.
fn called_dirs(
    files: &[ScanFile],
    walked: usize,
    calls: &BTreeMap<PathBuf, BTreeSet<PathBuf>>,
) -> BTreeSet<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for f in files.iter().take(walked) {
        if matches!(f.kind, Some(Kind::Terraform | Kind::TerraformJson)) {
            let d = crate::terraform::normalize_dir(f.dir());
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
    }
    let callees: BTreeSet<&PathBuf> = calls.values().flatten().collect();
    let mut roots: BTreeSet<PathBuf> = BTreeSet::new();
    let mut reached: BTreeSet<PathBuf> = BTreeSet::new();
    let visit = |from: &PathBuf, reached: &mut BTreeSet<PathBuf>| {
        let mut todo = vec![from.clone()];
        while let Some(d) = todo.pop() {
            for c in calls.get(&d).into_iter().flatten() {
                if reached.insert(c.clone()) {
                    todo.push(c.clone());
                }
            }
        }
    };
    for d in dirs.iter().filter(|d| !callees.contains(d)) {
        roots.insert(d.clone());
        visit(d, &mut reached);
    }
    for d in &dirs {
        if !roots.contains(d) && !reached.contains(d) {
            roots.insert(d.clone());
            visit(d, &mut reached);
        }
    }
    reached.retain(|d| !roots.contains(d));
    reached
}

/// The `--var-file` paths as the scan's file list holds them: a file the
/// walk found is matched by its canonical path, any other is read and added.
fn add_var_files(
    wanted: &[PathBuf],
    files: &mut Vec<ScanFile>,
    cwd: Option<&Path>,
    max: u64,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for w in wanted {
        let canon = std::fs::canonicalize(w).unwrap_or_else(|_| w.clone());
        // Only variable files can be the one named (no canonicalize of the whole tree).
        let known = files
            .iter()
            .filter(|f| f.candidate == Candidate::TfVars)
            .find(|f| std::fs::canonicalize(&f.path).is_ok_and(|c| c == canon));
        if let Some(f) = known {
            out.push(f.path.clone());
            continue;
        }
        let (found, shown) = found_at(w.clone(), Candidate::TfVars, cwd);
        let mut file = ScanFile::read(found, shown, max);
        if file.text.is_some() {
            file.kind = Some(Kind::TfVars);
        }
        files.push(file);
        out.push(w.clone());
    }
    out
}

pub(super) fn is_terraform(c: Candidate) -> bool {
    matches!(
        c,
        Candidate::Terraform | Candidate::TerraformJson | Candidate::TfVars
    )
}

/// What is scanned as one model.
pub(super) enum Unit {
    /// A CloudFormation/SAM template, a serverless service or a plan file.
    File(usize),
    /// A Terraform module directory (the files are its `.tf`/`.tf.json`).
    Terraform { dir: PathBuf, files: Vec<usize> },
}

/// The units of a scan, in file order (a module where its first file is).
pub(super) fn plan_units(
    files: &[ScanFile],
    shard: Option<(u32, u32)>,
    called: &BTreeSet<PathBuf>,
) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut modules: BTreeMap<PathBuf, usize> = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        match f.kind {
            Some(Kind::CloudFormation { .. } | Kind::Serverless { .. } | Kind::TerraformPlan) => {
                units.push(Unit::File(i));
            }
            Some(Kind::Terraform | Kind::TerraformJson) => {
                let dir = f.dir().to_path_buf();
                // A directory another module calls is scanned through that
                // call (with its inputs), not again as a root of its own.
                if called.contains(&crate::terraform::normalize_dir(&dir)) {
                    continue;
                }
                match modules.get(&dir) {
                    Some(&u) => {
                        if let Unit::Terraform { files, .. } = &mut units[u] {
                            files.push(i);
                        }
                    }
                    None => {
                        if let Some((k, n)) = shard {
                            let shown = f.display.rsplit_once('/').map_or("", |(d, _)| d);
                            if crate::discover::shard_of(shown, n) != k {
                                continue;
                            }
                        }
                        modules.insert(dir.clone(), units.len());
                        units.push(Unit::Terraform {
                            dir,
                            files: vec![i],
                        });
                    }
                }
            }
            _ => {}
        }
    }
    units
}
