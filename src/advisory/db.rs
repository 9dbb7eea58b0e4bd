//! The advisory database: every advisory found under a directory (OSV
//! `*.json` trees, OSV `all.zip` archives, RustSec `crates/*/RUSTSEC-*.md`),
//! deduplicated, indexed by (ecosystem, normalised package name), and the
//! matching of locked packages against it.
//!
//! Loading never stops at a bad record: it becomes a [`LoadWarning`] and
//! the rest loads. Files are parsed in parallel (rayon); results are folded
//! in path order so the database is the same at any thread count.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::fs;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

use rayon::prelude::*;

use super::eval::{self, Candidate, Compiled};
use super::version::{Scheme, Version};
use super::{osv, rustsec, Advisory, SeveritySource};
use crate::lockfile::{Ecosystem, Package};
use crate::parse::MAX_DEPTH;
use crate::rule::Severity;

/// The file `faasguard db update` writes next to the data it fetched.
pub const MANIFEST: &str = "faasguard-db.json";

/// An OSV record larger than this is not a record (zip bombs, stray data).
/// One OSV record is a few kB. The one limit for every reader of archive
/// entries: `db update` refuses an archive with a larger entry, so a
/// database it accepted never has entries the scan skips.
pub const MAX_ENTRY_BYTES: u64 = 16 << 20;

/// Why a database could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The path given does not exist.
    #[error("advisory database `{0}` does not exist")]
    NotFound(PathBuf),
    /// A file or directory of the database cannot be read.
    #[error("advisory database `{path}` cannot be read: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Nothing under the path is an advisory (the error message says which files were looked for).
    #[error(
        "no advisories under `{0}` (looked for OSV *.json files, OSV all.zip archives and RustSec crates/*/RUSTSEC-*.md files)"
    )]
    Empty(PathBuf),
}

/// A file or archive entry that was skipped, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadWarning {
    pub(crate) file: PathBuf,
    /// The entry inside a zip archive, when the problem is there.
    pub entry: Option<String>,
    pub(crate) reason: String,
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(entry) = &self.entry {
            write!(f, ":{entry}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Where [`Metadata::fetched_at`] came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchTimeSource {
    /// `faasguard-db.json`, written by `faasguard db update`.
    Manifest,
    /// The newest modification time of the files read.
    FileTime,
}

/// What the database holds, for reports (`advisories: 1,234 (fetched ...)`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Advisories with at least one affected package of the ecosystem.
    pub counts: BTreeMap<Ecosystem, usize>,
    /// All advisories, after deduplication and without withdrawn ones.
    pub total: usize,
    /// RFC 3339.
    pub fetched_at: Option<String>,
    pub(crate) fetched_at_source: Option<FetchTimeSource>,
    /// Where the data came from, as the manifest lists it.
    pub sources: Vec<String>,
}

/// One vulnerability a package version has: one or more advisories that
/// describe it (merged when they share an id or alias).
#[derive(Clone, Debug, PartialEq)]
pub struct Match<'a> {
    /// The advisory reported (the ecosystem's own database first:
    /// RUSTSEC, PYSEC, GO; then GHSA; then others).
    pub advisory: &'a Advisory,
    /// The other advisories merged into this match.
    pub related: Vec<&'a Advisory>,
    /// Every other id of the vulnerability (CVE, GHSA, merged advisories'
    /// ids), sorted.
    pub aliases: Vec<String>,
    /// Versions to upgrade to, lowest first; empty when none is known.
    pub fixed: Vec<String>,
    /// The highest graded severity among the merged advisories.
    pub severity: Severity,
}

/// The loaded database.
#[derive(Debug, Default)]
pub struct Database {
    advisories: Vec<Advisory>,
    /// (ecosystem, normalised name) → slots.
    index: HashMap<(Ecosystem, String), Vec<u32>>,
    /// Per slot: the (advisory, affected entry) it stands for, and that
    /// entry prepared for matching on first use. Lazily, because a scan
    /// touches few of the database's packages, and loading must stay fast.
    slots: Vec<(u32, u32)>,
    compiled: Vec<OnceLock<Compiled>>,
    by_id: HashMap<String, u32>,
    metadata: Metadata,
    warnings: Vec<LoadWarning>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Json,
    Zip,
    Rustsec,
}

/// What one file yielded.
#[derive(Default)]
struct Loaded {
    advisories: Vec<Advisory>,
    warnings: Vec<LoadWarning>,
}

impl Database {
    /// Loads every advisory under `dir`.
    pub fn load(dir: &Path) -> Result<Database, DbError> {
        let meta = fs::metadata(dir).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DbError::NotFound(dir.to_path_buf()),
            _ => DbError::Io {
                path: dir.to_path_buf(),
                source: e,
            },
        })?;
        if !meta.is_dir() {
            return Err(DbError::NotFound(dir.to_path_buf()));
        }
        let mut files = Vec::new();
        let mut warnings = Vec::new();
        let mut newest: Option<SystemTime> = None;
        walk(dir, 0, &mut files, &mut warnings, &mut newest);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        if files.is_empty() {
            return Err(DbError::Empty(dir.to_path_buf()));
        }
        let loaded: Vec<Loaded> = files
            .par_iter()
            .map(|(path, kind)| load_file(path, *kind))
            .collect();
        let mut all = Vec::new();
        for l in loaded {
            all.extend(l.advisories);
            warnings.extend(l.warnings);
        }
        let mut db = Database::from_advisories(all);
        db.warnings = warnings;
        let (fetched_at, source, sources) = fetch_time(dir, newest, &mut db.warnings);
        db.metadata.fetched_at = fetched_at;
        db.metadata.fetched_at_source = source;
        db.metadata.sources = sources;
        Ok(db)
    }

    /// The copy of the RustSec advisory-db that cargo-audit keeps
    /// (`$CARGO_HOME/advisory-db`, by default `~/.cargo/advisory-db`),
    /// when it exists.
    pub fn cargo_audit_dir() -> Option<PathBuf> {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .or_else(|| dirs::home_dir().map(|h| h.join(".cargo")))?;
        advisory_db_in(&cargo_home)
    }

    /// A database of the given advisories (the `--online` path, tests).
    /// Duplicates by id are merged (the newest `modified` wins; a record
    /// with a date beats one without), withdrawn advisories and advisories
    /// with no package faasguard reads are dropped.
    pub fn from_advisories(advisories: Vec<Advisory>) -> Database {
        let mut kept: Vec<Advisory> = Vec::with_capacity(advisories.len());
        let mut by_id: HashMap<String, u32> = HashMap::with_capacity(advisories.len());
        for a in advisories {
            match by_id.get(&a.id).and_then(|&i| kept.get_mut(i as usize)) {
                Some(old) => {
                    if a.modified > old.modified {
                        *old = a;
                    }
                }
                None => {
                    by_id.insert(a.id.clone(), kept.len() as u32);
                    kept.push(a);
                }
            }
        }
        // Withdrawal is decided on the copy that won: a newer copy may
        // withdraw an advisory, or restore it.
        kept.retain(|a| !a.withdrawn && !a.affected.is_empty());
        let mut db = Database {
            advisories: kept,
            ..Database::default()
        };
        for (ai, a) in db.advisories.iter().enumerate() {
            db.by_id.insert(a.id.clone(), ai as u32);
            let mut ecosystems = BTreeSet::new();
            for (fi, aff) in a.affected.iter().enumerate() {
                ecosystems.insert(aff.ecosystem);
                db.index
                    .entry((aff.ecosystem, aff.ecosystem.normalize(&aff.name)))
                    .or_default()
                    .push(db.slots.len() as u32);
                db.slots.push((ai as u32, fi as u32));
            }
            for e in ecosystems {
                *db.metadata.counts.entry(e).or_default() += 1;
            }
        }
        db.metadata.total = db.advisories.len();
        db.compiled = db.slots.iter().map(|_| OnceLock::new()).collect();
        db
    }

    /// Every advisory kept: one per id (the most recently modified copy), none withdrawn.
    pub fn advisories(&self) -> &[Advisory] {
        &self.advisories
    }

    /// The advisory with this id (`GHSA-...`, `RUSTSEC-...`), if kept.
    pub fn get(&self, id: &str) -> Option<&Advisory> {
        self.by_id
            .get(id)
            .and_then(|&i| self.advisories.get(i as usize))
    }

    /// Counts, fetch time and sources, for reports.
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// Records and files that were skipped while loading.
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }

    /// No advisory was kept (the load itself fails on an empty database; a filtered one may be).
    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    /// The vulnerabilities of a locked package, sorted by advisory id.
    pub fn matches(&self, package: &Package) -> Vec<Match<'_>> {
        self.matches_version(package.ecosystem, &package.name, &package.version)
    }

    /// The vulnerabilities of `name` at `version` in `ecosystem`.
    pub fn matches_version(
        &self,
        ecosystem: Ecosystem,
        name: &str,
        version: &str,
    ) -> Vec<Match<'_>> {
        let Some(entries) = self.index.get(&(ecosystem, ecosystem.normalize(name))) else {
            return Vec::new();
        };
        let candidate = Candidate::new(version);
        // One advisory may list the package more than once (one entry per
        // range): gather its hits first.
        let mut hits: Vec<(&Advisory, Vec<String>)> = Vec::new();
        for &slot in entries {
            let Some((a, aff, compiled)) = self.slot(slot) else {
                continue;
            };
            let compiled = compiled.get_or_init(|| Compiled::new(aff));
            let Some(hit) = eval::check_compiled(aff, compiled, &candidate) else {
                continue;
            };
            // An advisory's slots are consecutive in the index.
            match hits.last_mut().filter(|(h, _)| std::ptr::eq(*h, a)) {
                Some((_, fixed)) => fixed.extend(hit.fixed),
                None => hits.push((a, hit.fixed)),
            }
        }
        let mut out: Vec<Match<'_>> = merge_aliases(hits)
            .into_iter()
            .filter_map(|group| into_match(group, Scheme::of(ecosystem)))
            .collect();
        out.sort_by(|a, b| a.advisory.id.cmp(&b.advisory.id));
        out
    }
}

impl Database {
    fn slot(&self, slot: u32) -> Option<(&Advisory, &super::Affected, &OnceLock<Compiled>)> {
        let &(ai, fi) = self.slots.get(slot as usize)?;
        let a = self.advisories.get(ai as usize)?;
        Some((
            a,
            a.affected.get(fi as usize)?,
            self.compiled.get(slot as usize)?,
        ))
    }
}

/// cargo-audit's checkout under a Cargo home, when there is one.
fn advisory_db_in(cargo_home: &Path) -> Option<PathBuf> {
    let dir = cargo_home.join("advisory-db");
    dir.is_dir().then_some(dir)
}

/// Groups advisories that share an id or alias: one vulnerability, one
/// match. Union-find over the ids, so a package with hundreds of
/// advisories (tensorflow) stays linear.
fn merge_aliases(hits: Vec<(&Advisory, Vec<String>)>) -> Vec<Vec<(&Advisory, Vec<String>)>> {
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while let Some(&p) = parent.get(x) {
            if p == x {
                break;
            }
            // Path halving keeps the trees flat.
            let grand = parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = parent.get_mut(x) {
                *slot = grand;
            }
            x = p;
        }
        x
    }
    if hits.len() < 2 {
        return hits.into_iter().map(|h| vec![h]).collect();
    }
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (i, (a, _)) in hits.iter().enumerate() {
        for id in std::iter::once(&a.id).chain(&a.aliases) {
            match owner.get(id.as_str()) {
                Some(&j) => {
                    let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                    if let Some(slot) = parent.get_mut(ri.max(rj)) {
                        *slot = ri.min(rj);
                    }
                }
                None => {
                    owner.insert(id, i);
                }
            }
        }
    }
    let mut groups: Vec<Vec<(&Advisory, Vec<String>)>> = Vec::new();
    let mut group_of: HashMap<usize, usize> = HashMap::new();
    for (i, hit) in hits.into_iter().enumerate() {
        let r = root(&mut parent, i);
        let g = *group_of.entry(r).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        if let Some(group) = groups.get_mut(g) {
            group.push(hit);
        }
    }
    groups
}

/// Ecosystem databases know their packages best; GHSA next.
fn preference(id: &str) -> u8 {
    ["RUSTSEC-", "PYSEC-", "GO-", "GHSA-"]
        .iter()
        .position(|p| id.starts_with(p))
        .map_or(4, |p| p as u8)
}

fn into_match(mut members: Vec<(&Advisory, Vec<String>)>, scheme: Scheme) -> Option<Match<'_>> {
    members.sort_by(|(a, _), (b, _)| (preference(&a.id), &a.id).cmp(&(preference(&b.id), &b.id)));
    let graded = members
        .iter()
        .filter(|(a, _)| a.severity_source != SeveritySource::Default)
        .map(|(a, _)| a.severity)
        .max();
    // Version order, unparseable ones last; each string parsed once.
    let mut fixed: Vec<((bool, Option<Version>), String)> = members
        .iter()
        .flat_map(|(_, f)| f.iter())
        .map(|f| {
            let parsed = scheme.parse(f);
            ((parsed.is_none(), parsed), f.clone())
        })
        .collect();
    fixed.sort();
    fixed.dedup_by(|a, b| a.1 == b.1);
    let fixed: Vec<String> = fixed.into_iter().map(|(_, f)| f).collect();
    let mut advisories = members.into_iter().map(|(a, _)| a);
    // Every group starts with one advisory, so there is a first.
    let primary = advisories.next()?;
    let related: Vec<&Advisory> = advisories.collect();
    let mut aliases: Vec<&str> = primary.aliases.iter().map(String::as_str).collect();
    for r in &related {
        aliases.push(&r.id);
        aliases.extend(r.aliases.iter().map(String::as_str));
    }
    aliases.retain(|a| *a != primary.id);
    aliases.sort_unstable();
    aliases.dedup();
    Some(Match {
        advisory: primary,
        related,
        aliases: aliases.into_iter().map(str::to_string).collect(),
        fixed,
        severity: graded.unwrap_or(Severity::Medium),
    })
}

/// Collects the files to read. Hidden entries (`.git` of an advisory-db
/// checkout) are skipped; symlinked directories are not followed (loops).
fn walk(
    dir: &Path,
    depth: usize,
    out: &mut Vec<(PathBuf, Kind)>,
    warnings: &mut Vec<LoadWarning>,
    newest: &mut Option<SystemTime>,
) {
    if depth >= MAX_DEPTH {
        warnings.push(LoadWarning {
            file: dir.to_path_buf(),
            entry: None,
            reason: format!("directories nested deeper than {MAX_DEPTH} levels are not read"),
        });
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            warnings.push(LoadWarning {
                file: dir.to_path_buf(),
                entry: None,
                reason: e.to_string(),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            walk(&path, depth + 1, out, warnings, newest);
            continue;
        }
        let kind = if name.ends_with(".json") && name != MANIFEST {
            Kind::Json
        } else if name.ends_with(".zip") {
            Kind::Zip
        } else if name.starts_with("RUSTSEC-")
            && name.ends_with(".md")
            && dir
                .parent()
                .and_then(Path::file_name)
                .is_some_and(|p| p == "crates")
        {
            Kind::Rustsec
        } else {
            continue;
        };
        // `fs::metadata` follows a symlinked file; a dangling one is skipped.
        let Ok(meta) = fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        if let Ok(m) = meta.modified() {
            if newest.is_none_or(|n| m > n) {
                *newest = Some(m);
            }
        }
        out.push((path, kind));
    }
}

fn load_file(path: &Path, kind: Kind) -> Loaded {
    let warn = |reason: String| Loaded {
        advisories: Vec::new(),
        warnings: vec![LoadWarning {
            file: path.to_path_buf(),
            entry: None,
            reason,
        }],
    };
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => return warn(e.to_string()),
    };
    match kind {
        Kind::Json => match osv::from_slice(&bytes) {
            Ok(a) => Loaded {
                advisories: vec![a],
                warnings: Vec::new(),
            },
            Err(e) => warn(e.to_string()),
        },
        Kind::Rustsec => match std::str::from_utf8(&bytes) {
            Ok(text) => match rustsec::parse(text) {
                Ok(a) => Loaded {
                    advisories: vec![a],
                    warnings: Vec::new(),
                },
                Err(e) => warn(e.to_string()),
            },
            Err(_) => warn("not UTF-8".to_string()),
        },
        Kind::Zip => load_zip(path, &bytes),
    }
}

/// An OSV `all.zip`: one JSON record per entry. The archive is read once
/// into memory; entries are inflated and parsed in parallel, each worker
/// with its own handle on the shared central directory.
fn load_zip(path: &Path, bytes: &[u8]) -> Loaded {
    let archive = match zip::ZipArchive::new(Cursor::new(bytes)) {
        Ok(a) => a,
        Err(e) => {
            return Loaded {
                advisories: Vec::new(),
                warnings: vec![LoadWarning {
                    file: path.to_path_buf(),
                    entry: None,
                    reason: format!("not a zip archive: {e}"),
                }],
            }
        }
    };
    let indices: Vec<usize> = (0..archive.len()).collect();
    let chunk = indices.len() / (rayon::current_num_threads() * 4) + 1;
    let parts: Vec<Loaded> = indices
        .par_chunks(chunk)
        .map(|chunk| {
            let mut archive = archive.clone();
            let mut out = Loaded::default();
            let mut buf = Vec::new();
            for &i in chunk {
                let mut file = match archive.by_index(i) {
                    Ok(f) => f,
                    Err(e) => {
                        out.warnings.push(LoadWarning {
                            file: path.to_path_buf(),
                            entry: Some(format!("#{i}")),
                            reason: e.to_string(),
                        });
                        continue;
                    }
                };
                let name = file
                    .name()
                    .map_or_else(|_| format!("#{i}"), |n| n.into_owned());
                if file.is_dir() || !name.ends_with(".json") {
                    continue;
                }
                buf.clear();
                let read = (&mut file).take(MAX_ENTRY_BYTES + 1).read_to_end(&mut buf);
                let problem = match read {
                    Err(e) => Some(e.to_string()),
                    Ok(_) if buf.len() as u64 > MAX_ENTRY_BYTES => {
                        Some(format!("larger than {} MiB", MAX_ENTRY_BYTES >> 20))
                    }
                    Ok(_) => match osv::from_slice(&buf) {
                        Ok(a) => {
                            out.advisories.push(a);
                            None
                        }
                        Err(e) => Some(e.to_string()),
                    },
                };
                if let Some(reason) = problem {
                    out.warnings.push(LoadWarning {
                        file: path.to_path_buf(),
                        entry: Some(name),
                        reason,
                    });
                }
            }
            out
        })
        .collect();
    let mut all = Loaded::default();
    for p in parts {
        all.advisories.extend(p.advisories);
        all.warnings.extend(p.warnings);
    }
    all
}

#[derive(serde::Deserialize)]
struct Manifest {
    fetched_at: String,
    #[serde(default)]
    sources: Vec<serde_json::Value>,
}

/// The fetch time from the manifest `db update` writes, else the newest
/// file's modification time.
fn fetch_time(
    dir: &Path,
    newest: Option<SystemTime>,
    warnings: &mut Vec<LoadWarning>,
) -> (Option<String>, Option<FetchTimeSource>, Vec<String>) {
    let path = dir.join(MANIFEST);
    if let Ok(bytes) = fs::read(&path) {
        match serde_json::from_slice::<Manifest>(&bytes) {
            Ok(m) => {
                let sources = m
                    .sources
                    .iter()
                    .map(|s| match s {
                        serde_json::Value::String(s) => s.clone(),
                        other => ["url", "name"]
                            .iter()
                            .find_map(|k| other.get(k).and_then(|v| v.as_str()).map(str::to_string))
                            .unwrap_or_else(|| other.to_string()),
                    })
                    .collect();
                return (Some(m.fetched_at), Some(FetchTimeSource::Manifest), sources);
            }
            Err(e) => warnings.push(LoadWarning {
                file: path,
                entry: None,
                reason: format!("unreadable manifest, using file times: {e}"),
            }),
        }
    }
    match newest {
        Some(t) => (
            Some(crate::date::format_utc(t)),
            Some(FetchTimeSource::FileTime),
            Vec::new(),
        ),
        None => (None, None, Vec::new()),
    }
}

#[cfg(test)]
#[path = "db_tests.rs"]
mod tests;
