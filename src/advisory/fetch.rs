//! `faasguard db update`: downloads the advisory database into a cache directory.
//!
//! Each [`Source`] is an OSV per-ecosystem `all.zip`; all of them are
//! downloaded and verified into a fresh sibling directory, and only a whole
//! new database replaces the old one ([`swap`]). Layout of the database:
//! `osv/<source name>/all.zip` and [`MANIFEST`].

pub(crate) mod http;
mod swap;
mod verify;

use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use serde::{Deserialize, Serialize};

pub use http::Retry;

/// The file that records when and from where the database was fetched.
pub const MANIFEST: &str = "faasguard-db.json";

/// The marker that says a directory is a faasguard advisory database, which
/// `db update` may replace. It is written first into every database it
/// builds; a directory without it (or [`MANIFEST`], from databases built
/// before the marker existed) is replaced only when it is empty.
pub const MARKER: &str = ".faasguard-advisory-db";

/// Within every `timeout` window a download must receive at least this
/// much, or it has stalled: 8 KiB per 30 s is under 300 bytes a second,
/// far below any working mirror, far above a server dripping bytes.
pub const MIN_PROGRESS_BYTES: u64 = 8 << 10;

const MARKER_TEXT: &str = "This directory is a faasguard advisory database: \
`faasguard db update` replaces it as a whole.\n";

/// Where OSV publishes its per-ecosystem archives.
pub const OSV_ARCHIVES: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The OSV ecosystems faasguard reads lockfiles of.
const ECOSYSTEMS: [&str; 4] = ["crates.io", "npm", "PyPI", "Go"];

/// One archive to download.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The OSV ecosystem (`PyPI`); also the directory under `osv/`.
    pub name: String,
    pub(crate) url: String,
}

impl Source {
    /// OSV's own archives for every ecosystem faasguard reads.
    pub fn osv_defaults() -> Vec<Source> {
        Source::osv_mirror(OSV_ARCHIVES)
    }

    /// The same archives from a mirror laid out like OSV's bucket
    /// (`<base>/<ecosystem>/all.zip`).
    pub fn osv_mirror(base: &str) -> Vec<Source> {
        let base = base.trim_end_matches('/');
        ECOSYSTEMS
            .iter()
            .map(|eco| Source {
                name: (*eco).to_string(),
                url: format!("{base}/{eco}/all.zip"),
            })
            .collect()
    }
}

/// What `db update` does.
#[derive(Clone, Debug)]
pub struct UpdateOptions {
    /// The database directory the update replaces as a whole (`--db-dir`, or the user's cache
    /// directory).
    pub db_dir: PathBuf,
    /// The archives to download, one directory each under `osv/` (OSV's per-ecosystem `all.zip`
    /// unless a mirror is given).
    pub sources: Vec<Source>,
    /// Bounds connecting, waiting for an answer and every read of the
    /// body; a download that receives less than [`MIN_PROGRESS_BYTES`] in
    /// this long has stalled and fails too (a server dripping a byte a
    /// second never trips a read timeout). A slow download goes on.
    pub timeout: Duration,
    /// The whole update, every source and retry included, must finish in
    /// this long (`None`: no overall limit).
    pub deadline: Option<Duration>,
    /// How often and how long apart a failed download is tried again.
    pub retry: Retry,
    /// No archive may be larger (a misconfigured mirror could stream
    /// forever).
    pub max_bytes: u64,
    /// A progress bar on stderr, when stderr is a terminal.
    pub progress: bool,
}

impl UpdateOptions {
    /// OSV's archives into `db_dir`, 30 s timeout, 4 attempts, 4 GiB limit.
    pub fn new(db_dir: PathBuf) -> Self {
        UpdateOptions {
            db_dir,
            sources: Source::osv_defaults(),
            timeout: Duration::from_secs(30),
            deadline: None,
            retry: Retry::default(),
            max_bytes: 4 << 30,
            progress: false,
        }
    }
}

/// `faasguard-db.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// RFC 3339, UTC.
    pub fetched_at: String,
    /// What was downloaded, one entry per source in download order.
    pub sources: Vec<ManifestSource>,
}

/// One downloaded archive, as recorded in the manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestSource {
    /// The source's name: the ecosystem (`npm`, `PyPI`) and the directory under `osv/` it was saved
    /// in.
    pub name: String,
    /// The URL the archive was downloaded from.
    pub url: String,
    pub(crate) bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) sha256: Option<String>,
}

/// What an update did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UpdateReport {
    /// The database directory that was replaced.
    pub db_dir: PathBuf,
    /// The manifest written beside the archives.
    pub manifest: Manifest,
    /// Advisory records per source, in `sources` order.
    pub records: Vec<usize>,
}

/// Why `db update` failed; the database directory is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// No `--advisory-db` given and the platform has no user cache directory to default to.
    #[error("cannot find the user's cache directory; pass --advisory-db DIR")]
    NoCacheDir,
    /// The source list is empty.
    #[error("no advisory sources configured")]
    NoSources,
    /// A source name is empty, `.`/`..`, or holds a path separator, `:` or a control character (it
    /// names a directory under `osv/`).
    #[error("advisory source name {0:?} cannot be a directory name")]
    BadSourceName(String),
    /// The database path has no parent directory or file name to stage the new database beside.
    #[error("{0}: not a usable database directory")]
    BadDbDir(PathBuf),
    /// The path exists and is neither empty nor an earlier faasguard database, so replacing it
    /// could delete the user's files.
    #[error(
        "refusing to replace {}: {reason}; pass a new or empty directory, or one that \
         `faasguard db update` created",
        path.display()
    )]
    NotADatabase {
        /// The directory given as the database.
        path: PathBuf,
        /// Why it is not replaceable (`it is not a directory`, ...).
        reason: String,
    },
    /// The overall deadline passed before every download finished.
    #[error("{url}: no download finished within the {} deadline", http::seconds(*deadline))]
    Deadline {
        /// The source being downloaded when the deadline passed.
        url: String,
        /// The overall limit ([`UpdateOptions::deadline`]).
        deadline: Duration,
    },
    /// The HTTP client (TLS set-up) could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// No answer: DNS, connection, TLS or timeout failure, after every retry.
    #[error("cannot reach {url}: {reason}")]
    Unreachable {
        /// The source's URL.
        url: String,
        /// The client's error, or that the download timed out or stalled.
        reason: String,
    },
    /// The server answered with an error status, after every retry.
    #[error("{url}: {reason}")]
    Http {
        /// The source's URL.
        url: String,
        /// The HTTP status and its reason, with the start of the body when there is one.
        reason: String,
    },
    /// The download went over [`UpdateOptions::max_bytes`].
    #[error("{url}: larger than the {limit} byte limit")]
    TooLarge {
        /// The source's URL.
        url: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// The download is not a zip archive, or a cut-off one.
    #[error("{url}: {reason}")]
    NotZip {
        /// The source's URL.
        url: String,
        /// Why the zip reader refused it.
        reason: String,
    },
    /// The zip holds an entry that is not an OSV JSON record (or is larger than an advisory can
    /// be).
    #[error("{url}: entry {entry}: {reason}")]
    BadEntry {
        /// The source archive's URL.
        url: String,
        /// The entry's name inside the zip.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing the database directory failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory the operation was on.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The existing `faasguard-db.json` cannot be read as a manifest.
    #[error("{path}: not a faasguard database manifest: {reason}")]
    BadManifest {
        /// The manifest file.
        path: PathBuf,
        /// The JSON parser's error.
        reason: String,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> FetchError + '_ {
    move |source| FetchError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// `<user cache dir>/faasguard/advisory-db`.
pub fn default_db_dir() -> Result<PathBuf, FetchError> {
    dirs::cache_dir()
        .map(|d| d.join("faasguard").join("advisory-db"))
        .ok_or(FetchError::NoCacheDir)
}

/// Downloads every source and replaces the database at `opts.db_dir` with
/// them, all or nothing: on any error the old database is left as it was.
pub fn update(opts: &UpdateOptions) -> Result<UpdateReport, FetchError> {
    if opts.sources.is_empty() {
        return Err(FetchError::NoSources);
    }
    for s in &opts.sources {
        check_source_name(&s.name)?;
    }
    let db = &opts.db_dir;
    check_replaceable(db)?;
    let staged = swap::staging(db).ok_or_else(|| FetchError::BadDbDir(db.clone()))?;
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(io_err(parent))?;
    }
    swap::recover(db).map_err(io_err(db))?;
    // Left by an earlier run of this very pid (pids are reused).
    if staged.exists() {
        fs::remove_dir_all(&staged).map_err(io_err(&staged))?;
    }
    let built = build(opts, &staged).and_then(|report| {
        swap::replace(db, &staged).map_err(io_err(db))?;
        Ok(report)
    });
    if built.is_err() && staged.exists() {
        // The error being returned matters more than a failed clean-up,
        // which the next run retries.
        let _ = fs::remove_dir_all(&staged);
    }
    built
}

/// Whether `dir` holds a faasguard database (its [`MARKER`] or [`MANIFEST`]).
pub fn is_database(dir: &Path) -> bool {
    dir.join(MARKER).is_file() || dir.join(MANIFEST).is_file()
}

/// `update` replaces the database directory as a whole, deleting what was
/// there: only a missing or empty directory, or a faasguard database, may be
/// replaced (`--db-dir ~/projects` must not delete the projects).
fn check_replaceable(db: &Path) -> Result<(), FetchError> {
    let refuse = |reason: &str| FetchError::NotADatabase {
        path: db.to_path_buf(),
        reason: reason.to_string(),
    };
    match fs::metadata(db) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_err(db)(e)),
        Ok(m) if !m.is_dir() => Err(refuse("it is not a directory")),
        Ok(_) if is_database(db) => Ok(()),
        Ok(_) => {
            let mut entries = fs::read_dir(db).map_err(io_err(db))?;
            if entries.next().is_none() {
                Ok(())
            } else {
                Err(refuse(&format!(
                    "it is not empty and holds no faasguard advisory database (no {MARKER} or \
                     {MANIFEST} in it)"
                )))
            }
        }
    }
}

/// Downloads and verifies every source into `staged`, then writes the
/// manifest.
fn build(opts: &UpdateOptions, staged: &Path) -> Result<UpdateReport, FetchError> {
    fs::create_dir_all(staged).map_err(io_err(staged))?;
    write_synced(&staged.join(MARKER), MARKER_TEXT.as_bytes())?;
    let urls: Vec<&str> = opts.sources.iter().map(|s| s.url.as_str()).collect();
    let client = http::client(opts.timeout, &urls).map_err(FetchError::Client)?;
    let deadline = opts.deadline.map(|d| (Instant::now() + d, d));
    let mut sources = Vec::new();
    let mut records = Vec::new();
    for source in &opts.sources {
        let dir = staged.join("osv").join(&source.name);
        fs::create_dir_all(&dir).map_err(io_err(&dir))?;
        let part = dir.join("all.zip.part");
        let (bytes, sha256) = download(&client, opts, source, &part, deadline)?;
        let count = verify::osv_archive(&part).map_err(|r| match r {
            verify::Rejection::NotZip(reason) => FetchError::NotZip {
                url: source.url.clone(),
                reason,
            },
            verify::Rejection::BadEntry { entry, reason } => FetchError::BadEntry {
                url: source.url.clone(),
                entry,
                reason,
            },
        })?;
        let zip = dir.join("all.zip");
        fs::rename(&part, &zip).map_err(io_err(&zip))?;
        sources.push(ManifestSource {
            name: source.name.clone(),
            url: source.url.clone(),
            bytes,
            sha256: Some(sha256),
        });
        records.push(count);
    }
    let manifest = Manifest {
        fetched_at: crate::date::format_utc(SystemTime::now()),
        sources,
    };
    let path = staged.join(MANIFEST);
    let mut json = serde_json::to_vec_pretty(&manifest).map_err(|e| FetchError::Io {
        path: path.clone(),
        source: e.into(),
    })?;
    json.push(b'\n');
    write_synced(&path, &json)?;
    Ok(UpdateReport {
        db_dir: opts.db_dir.clone(),
        manifest,
        records,
    })
}

/// Why one download attempt failed.
enum Attempt {
    /// Worth retrying when the failure is transient.
    Http(http::Failure),
    /// Retrying cannot help.
    Final(FetchError),
}

/// Downloads `source` to `dest` with retries; returns its size and SHA-256.
fn download(
    client: &reqwest::blocking::Client,
    opts: &UpdateOptions,
    source: &Source,
    dest: &Path,
    deadline: Option<(Instant, Duration)>,
) -> Result<(u64, String), FetchError> {
    let bar = progress_bar(opts.progress, &source.name);
    let result = http::retrying(
        &opts.retry,
        |a: &Attempt| match a {
            Attempt::Http(f) => f.retry_after(),
            Attempt::Final(_) => None,
        },
        |_| {
            bar.set_position(0);
            attempt(client, opts, source, dest, &bar, deadline)
        },
    );
    bar.finish_and_clear();
    result.map_err(|a| match a {
        Attempt::Final(e) => e,
        Attempt::Http(f @ http::Failure::Status { .. }) => FetchError::Http {
            url: source.url.clone(),
            reason: f.describe(opts.timeout),
        },
        Attempt::Http(f) => FetchError::Unreachable {
            url: source.url.clone(),
            reason: f.describe(opts.timeout),
        },
    })
}

fn attempt(
    client: &reqwest::blocking::Client,
    opts: &UpdateOptions,
    source: &Source,
    dest: &Path,
    bar: &indicatif::ProgressBar,
    deadline: Option<(Instant, Duration)>,
) -> Result<(u64, String), Attempt> {
    let past_deadline = || match deadline {
        Some((at, limit)) if Instant::now() >= at => Some(Attempt::Final(FetchError::Deadline {
            url: source.url.clone(),
            deadline: limit,
        })),
        _ => None,
    };
    if let Some(e) = past_deadline() {
        return Err(e);
    }
    let too_large = || {
        Attempt::Final(FetchError::TooLarge {
            url: source.url.clone(),
            limit: opts.max_bytes,
        })
    };
    let resp = client
        .get(&source.url)
        .send()
        .map_err(|e| Attempt::Http(http::classify(&e)))?;
    let mut resp = http::check_status(resp).map_err(Attempt::Http)?;
    let expected = resp.content_length();
    if expected.is_some_and(|n| n > opts.max_bytes) {
        return Err(too_large());
    }
    if let Some(n) = expected {
        bar.set_length(n);
    }
    let final_io = |e| Attempt::Final(io_err(dest)(e));
    let mut file = File::create(dest).map_err(final_io)?;
    let mut hash = Sha256::new();
    let mut total = 0u64;
    let mut buf = vec![0u8; 64 * 1024];
    // Progress is counted per `timeout` window: a read timeout alone never
    // fires on a server that sends one byte just often enough.
    let mut window = (Instant::now(), 0u64);
    loop {
        let n = match resp.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Attempt::Http(http::classify_read(&e))),
        };
        if let Some(e) = past_deadline() {
            return Err(e);
        }
        window.1 += n as u64;
        if window.1 >= MIN_PROGRESS_BYTES {
            window = (Instant::now(), 0);
        } else if window.0.elapsed() >= opts.timeout {
            return Err(Attempt::Http(http::Failure::Stalled));
        }
        let chunk = buf.get(..n).unwrap_or_default();
        total += n as u64;
        if total > opts.max_bytes {
            return Err(too_large());
        }
        file.write_all(chunk).map_err(final_io)?;
        hash.update(chunk);
        bar.inc(n as u64);
    }
    // hyper reports a short body as an error already; this also covers a
    // server that lies about the length the other way.
    if let Some(n) = expected.filter(|n| *n != total) {
        return Err(Attempt::Http(http::Failure::Unreachable(format!(
            "connection lost: got {total} of {n} bytes"
        ))));
    }
    file.sync_all().map_err(final_io)?;
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((total, hex))
}

fn progress_bar(wanted: bool, name: &str) -> indicatif::ProgressBar {
    if !(wanted && std::io::stderr().is_terminal()) {
        return indicatif::ProgressBar::hidden();
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(name.to_string());
    bar
}

/// A source name becomes a directory: one plain path component.
fn check_source_name(name: &str) -> Result<(), FetchError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && !name
            .chars()
            .any(|c| matches!(c, '/' | '\\' | ':' | '\0') || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(FetchError::BadSourceName(name.to_string()))
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), FetchError> {
    let mut f = File::create(path).map_err(io_err(path))?;
    f.write_all(bytes).map_err(io_err(path))?;
    f.sync_all().map_err(io_err(path))
}

/// The database's manifest.
pub fn read_manifest(db_dir: &Path) -> Result<Manifest, FetchError> {
    let path = db_dir.join(MANIFEST);
    let text = fs::read(&path).map_err(io_err(&path))?;
    serde_json::from_slice(&text).map_err(|e| FetchError::BadManifest {
        path,
        reason: e.to_string(),
    })
}

/// How long ago the database was fetched; `None` without a readable
/// manifest. A `fetched_at` in the future (clock skew) counts as now.
pub fn db_age(db_dir: &Path) -> Option<Duration> {
    let fetched = crate::date::parse_timestamp(&read_manifest(db_dir).ok()?.fetched_at)?;
    Some(
        SystemTime::now()
            .duration_since(fetched)
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_sources_are_osv_archives_per_ecosystem() {
        let urls: Vec<_> = Source::osv_defaults()
            .into_iter()
            .map(|s| (s.name, s.url))
            .collect();
        assert_eq!(
            urls,
            vec![
                (
                    "crates.io".into(),
                    "https://osv-vulnerabilities.storage.googleapis.com/crates.io/all.zip".into()
                ),
                (
                    "npm".into(),
                    "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip".into()
                ),
                (
                    "PyPI".into(),
                    "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip".into()
                ),
                (
                    "Go".into(),
                    "https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip".into()
                ),
            ]
        );
        assert_eq!(
            Source::osv_mirror("https://mirror.example/osv/")
                .first()
                .map(|s| s.url.clone()),
            Some("https://mirror.example/osv/crates.io/all.zip".into())
        );
    }

    #[test]
    fn source_names_must_be_one_path_component() {
        for ok in ["PyPI", "crates.io", "Go", "npm-internal"] {
            assert!(check_source_name(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "..\\x", "c:", "a\nb"] {
            assert!(check_source_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn db_age_reads_fetched_at() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(db_age(dir.path()), None);
        let two_hours_ago = SystemTime::now() - Duration::from_secs(7200);
        let manifest = Manifest {
            fetched_at: crate::date::format_utc(two_hours_ago),
            sources: vec![],
        };
        fs::write(
            dir.path().join(MANIFEST),
            serde_json::to_vec(&manifest).expect("json"),
        )
        .expect("write");
        let age = db_age(dir.path()).expect("age");
        assert!((7199..=7202).contains(&age.as_secs()), "{age:?}");

        fs::write(
            dir.path().join(MANIFEST),
            r#"{"fetched_at":"2999-01-01T00:00:00Z","sources":[]}"#,
        )
        .expect("write");
        assert_eq!(db_age(dir.path()), Some(Duration::ZERO));
        fs::write(
            dir.path().join(MANIFEST),
            r#"{"fetched_at":"yesterday","sources":[]}"#,
        )
        .expect("write");
        assert_eq!(db_age(dir.path()), None);
        fs::write(dir.path().join(MANIFEST), "<html>").expect("write");
        assert_eq!(db_age(dir.path()), None);
    }

    #[test]
    fn manifest_omits_a_missing_checksum() {
        let m = Manifest {
            fetched_at: "2026-11-23T08:05:09Z".into(),
            sources: vec![ManifestSource {
                name: "PyPI".into(),
                url: "http://m/PyPI/all.zip".into(),
                bytes: 12,
                sha256: None,
            }],
        };
        assert_eq!(
            serde_json::to_string(&m).expect("json"),
            r#"{"fetched_at":"2026-11-23T08:05:09Z","sources":[{"name":"PyPI","url":"http://m/PyPI/all.zip","bytes":12}]}"#
        );
    }

    #[test]
    fn update_refuses_bad_configuration_before_touching_anything() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut opts = UpdateOptions::new(dir.path().join("db"));
        opts.sources.clear();
        assert!(matches!(update(&opts), Err(FetchError::NoSources)));
        opts.sources = vec![Source {
            name: "../escape".into(),
            url: "http://127.0.0.1:1/x".into(),
        }];
        assert!(matches!(update(&opts), Err(FetchError::BadSourceName(n)) if n == "../escape"));
        assert_eq!(fs::read_dir(dir.path()).map(|d| d.count()).ok(), Some(0));
    }
}
