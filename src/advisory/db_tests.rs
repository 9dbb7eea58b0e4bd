//! Tests of the database: loading, deduplication, alias merging, and
//! matching against the real advisories in `../shared/corpus/advisories`
//! (those tests are ignored, visibly, when `../shared` is absent: see
//! `src/shared.rs`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::*;
use crate::advisory::version::SemVer;
use crate::advisory::{Event, RangeKind};

fn corpus() -> PathBuf {
    crate::shared::path("corpus/advisories")
}

/// The whole corpus, loaded once for all tests.
fn corpus_db() -> &'static Database {
    static DB: OnceLock<Database> = OnceLock::new();
    DB.get_or_init(|| Database::load(&corpus()).unwrap_or_else(|e| panic!("{e}")))
}

/// `id → fixed` of every match.
fn found(db: &Database, eco: Ecosystem, name: &str, version: &str) -> Vec<(String, Vec<String>)> {
    db.matches_version(eco, name, version)
        .into_iter()
        .map(|m| (m.advisory.id.clone(), m.fixed))
        .collect()
}

fn ids(db: &Database, eco: Ecosystem, name: &str, version: &str) -> Vec<String> {
    found(db, eco, name, version)
        .into_iter()
        .map(|(id, _)| id)
        .collect()
}

fn pair(id: &str, fixed: &[&str]) -> (String, Vec<String>) {
    (
        id.to_string(),
        fixed.iter().map(|s| s.to_string()).collect(),
    )
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn loads_the_corpus_without_warnings_and_deduplicates_rustsec() {
    let db = corpus_db();
    let warnings: Vec<String> = db.warnings().iter().map(ToString::to_string).collect();
    assert_eq!(warnings, Vec::<String>::new());
    let m = db.metadata();
    // 1,205 native RustSec files and 1,206 OSV copies are 1,206 advisories,
    // 13 of them withdrawn; PyPI has 2,661 records, 10 withdrawn.
    assert_eq!(m.counts.get(&Ecosystem::CratesIo), Some(&1193));
    assert_eq!(m.counts.get(&Ecosystem::PyPI), Some(&2651));
    assert_eq!(m.counts.get(&Ecosystem::Npm), Some(&5));
    assert_eq!(m.total, 1193 + 2651 + 5);
    assert_eq!(m.fetched_at_source, Some(FetchTimeSource::FileTime));
    assert!(db.get("RUSTSEC-2022-0044").is_none(), "withdrawn");
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn pyjwt_at_the_boundaries_of_its_ranges() {
    let db = corpus_db();
    let py = Ecosystem::PyPI;
    // PYSEC-2017-24: introduced 0, fixed 1.5.1.
    // PYSEC-2022-202: introduced 1.5.0, fixed 2.4.0.
    assert_eq!(
        found(db, py, "pyjwt", "1.4.2"),
        [pair("PYSEC-2017-24", &["1.5.1"])]
    );
    assert_eq!(
        found(db, py, "PyJWT", "1.5.0"),
        [
            pair("PYSEC-2017-24", &["1.5.1"]),
            pair("PYSEC-2022-202", &["2.4.0"])
        ]
    );
    assert_eq!(
        found(db, py, "pyjwt", "1.5.1"),
        [pair("PYSEC-2022-202", &["2.4.0"])]
    );
    assert_eq!(
        found(db, py, "pyjwt", "1.6.4"),
        [pair("PYSEC-2022-202", &["2.4.0"])]
    );
    assert_eq!(
        found(db, py, "pyjwt", "2.3.0"),
        [pair("PYSEC-2022-202", &["2.4.0"])]
    );
    assert_eq!(
        found(db, py, "pyjwt", "2.4.0rc1"),
        [pair("PYSEC-2022-202", &["2.4.0"])]
    );
    assert_eq!(found(db, py, "pyjwt", "2.4.0"), []);
    assert_eq!(found(db, py, "pyjwt", "2.4"), [], "2.4 is 2.4.0");
    let m = db.matches_version(py, "pyjwt", "1.6.4");
    assert_eq!(m[0].aliases, ["CVE-2022-29217", "GHSA-ffqj-6fqr-9h24"]);
    assert_eq!(
        m[0].advisory.url,
        "https://osv.dev/vulnerability/PYSEC-2022-202"
    );
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn cryptography_flask_werkzeug() {
    let db = corpus_db();
    let py = Ecosystem::PyPI;
    // PYSEC-2018-52 is fixed in exactly 2.3; 2.2.2 still has it.
    assert_eq!(
        found(db, py, "cryptography", "2.3"),
        [
            pair("PYSEC-2021-62", &["3.2.1"]),
            pair("PYSEC-2023-11", &["39.0.1"])
        ]
    );
    assert_eq!(
        ids(db, py, "cryptography", "2.2.2"),
        ["PYSEC-2018-52", "PYSEC-2021-62", "PYSEC-2023-11"]
    );
    // 1.1.4 is below PYSEC-2023-62's first fix (2.2.5) and above PYSEC-2019-179's (1.0).
    assert_eq!(
        found(db, py, "Flask", "1.1.4"),
        [pair("PYSEC-2023-62", &["2.2.5"])]
    );
    assert_eq!(
        ids(db, py, "flask", "0.12.2"),
        ["PYSEC-2018-66", "PYSEC-2019-179", "PYSEC-2023-62"]
    );
    // PYSEC-2023-62's second range: introduced 2.3.0, fixed 2.3.2.
    assert_eq!(found(db, py, "flask", "2.2.5"), []);
    assert_eq!(
        found(db, py, "flask", "2.3.0"),
        [pair("PYSEC-2023-62", &["2.3.2"])]
    );
    assert_eq!(found(db, py, "flask", "2.3.2"), []);
    assert_eq!(
        found(db, py, "Werkzeug", "1.0.1"),
        [
            pair("PYSEC-2022-203", &["2.1.1"]),
            pair("PYSEC-2023-221", &["2.3.8"]),
            pair("PYSEC-2023-57", &["2.2.3"]),
            pair("PYSEC-2023-58", &["2.2.3"]),
        ]
    );
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn rustsec_crate_below_and_at_its_patched_version() {
    let db = corpus_db();
    let c = Ecosystem::CratesIo;
    // RUSTSEC-2020-0019: patched >= 0.12.3, < 0.13.0 and >= 0.13.1;
    // unaffected < 0.12. Read twice (native and OSV copy), matched once.
    assert_eq!(ids(db, c, "tokio-rustls", "0.11.9"), Vec::<String>::new());
    assert_eq!(
        found(db, c, "tokio-rustls", "0.12.2"),
        [pair("RUSTSEC-2020-0019", &["0.12.3"])]
    );
    assert_eq!(found(db, c, "tokio-rustls", "0.12.3"), []);
    assert_eq!(
        found(db, c, "tokio-rustls", "0.13.0"),
        [pair("RUSTSEC-2020-0019", &["0.13.1"])]
    );
    assert_eq!(found(db, c, "tokio-rustls", "0.13.1"), []);
    let m = db.matches_version(c, "tokio-rustls", "0.12.2");
    assert_eq!(m[0].severity, Severity::High);
    assert_eq!(
        m[0].advisory.url,
        "https://rustsec.org/advisories/RUSTSEC-2020-0019.html"
    );
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn npm_packages_with_two_affected_entries() {
    let db = corpus_db();
    let n = Ecosystem::Npm;
    // GHSA-22h7-7wwg-qmgg: [8.3.2, 8.5.1) and [9.0.0, 9.0.3); GitHub says LOW.
    assert_eq!(found(db, n, "@hapi/hoek", "8.3.1"), []);
    assert_eq!(
        found(db, n, "@hapi/hoek", "8.5.0"),
        [pair("GHSA-22h7-7wwg-qmgg", &["8.5.1"])]
    );
    assert_eq!(found(db, n, "@hapi/hoek", "8.5.1"), []);
    assert_eq!(
        found(db, n, "@hapi/hoek", "9.0.2"),
        [pair("GHSA-22h7-7wwg-qmgg", &["9.0.3"])]
    );
    assert_eq!(found(db, n, "@hapi/hoek", "9.0.3"), []);
    assert_eq!(
        db.matches_version(n, "@hapi/hoek", "9.0.2")[0].severity,
        Severity::Low
    );
    // GHSA-226w-6hhj-69hp has `"fixed": ""`: every version, no fix.
    assert_eq!(
        found(db, n, "cal_rd", "3.0.0"),
        [pair("GHSA-226w-6hhj-69hp", &[])]
    );
}

/// Versions to probe an advisory with: every event version, its
/// neighbours, and a few fixed points.
fn probes(a: &Advisory) -> Vec<SemVer> {
    let mut out = vec![
        SemVer::new(0, 0, 0),
        SemVer::new(0, 1, 0),
        SemVer::new(1, 0, 0),
        SemVer::new(99, 0, 0),
    ];
    for aff in &a.affected {
        for r in &aff.ranges {
            for e in &r.events {
                let (Event::Introduced(x)
                | Event::Fixed(x)
                | Event::LastAffected(x)
                | Event::Limit(x)) = e;
                if let Some(v) = SemVer::parse(x) {
                    let (ma, mi, pa) = (v.major, v.minor, v.patch);
                    out.push(SemVer::new(ma, mi, pa));
                    out.push(SemVer::new(ma, mi, pa + 1));
                    out.push(SemVer::new(ma, mi + 1, 0));
                    if pa > 0 {
                        out.push(SemVer::new(ma, mi, pa - 1));
                    }
                }
            }
        }
    }
    out
}

/// RustSec's native requirements and its own OSV export must agree on
/// every release version around every boundary, for every advisory that is
/// in both copies. (Prereleases are left out: Cargo's requirement rules
/// and OSV's intervals deliberately differ there.)
#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn rustsec_native_and_osv_copies_agree() {
    let dir = corpus();
    let native = Database::load(&dir.join("rustsec-native")).unwrap_or_else(|e| panic!("{e}"));
    let osv = Database::load(&dir.join("rustsec-osv")).unwrap_or_else(|e| panic!("{e}"));
    assert!(native.warnings().is_empty() && osv.warnings().is_empty());
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for o in osv.advisories() {
        let Some(n) = native.get(&o.id) else { continue };
        let (Some(on), Some(nn)) = (o.affected.first(), n.affected.first()) else {
            continue;
        };
        for v in probes(o) {
            let text = v.to_string();
            let a = eval::check(on, &Candidate::new(&text)).is_some();
            let b = eval::check(nn, &Candidate::new(&text)).is_some();
            compared += 1;
            if a != b {
                disagreements.push(format!("{} {} {text}: osv {a}, native {b}", o.id, on.name));
            }
        }
    }
    assert!(compared > 10_000, "{compared}");
    assert_eq!(disagreements, Vec::<String>::new());
}

// ---- synthetic databases ----

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

fn record(id: &str, aliases: &[&str], eco: &str, name: &str, fixed: &str, extra: &str) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "2024-01-01T00:00:00Z", "aliases": {aliases:?}, "summary": "{id} summary",
            "affected": [{{"package": {{"ecosystem": "{eco}", "name": "{name}"}},
              "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}}, {{"fixed": "{fixed}"}}]}}]}}]{extra}}}"#
    )
}

#[test]
fn merges_aliases_into_one_match() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    write(
        d,
        "pypi/PYSEC-1.json",
        &record("PYSEC-1", &["CVE-1"], "PyPI", "Flask_Login", "0.10.0", ""),
    );
    write(
        d,
        "ghsa/GHSA-1.json",
        &record(
            "GHSA-1",
            &["CVE-1"],
            "PyPI",
            "flask-login",
            "0.9.0",
            r#", "database_specific": {"severity": "HIGH"}"#,
        ),
    );
    write(
        d,
        "pypi/PYSEC-2.json",
        &record("PYSEC-2", &[], "PyPI", "flask.login", "1.0", ""),
    );
    let db = Database::load(d).unwrap_or_else(|e| panic!("{e}"));
    let m = db.matches_version(Ecosystem::PyPI, "FLASK_LOGIN", "0.5.0");
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].advisory.id, "PYSEC-1");
    assert_eq!(m[0].aliases, ["CVE-1", "GHSA-1"]);
    assert_eq!(
        m[0].related
            .iter()
            .map(|a| a.id.as_str())
            .collect::<Vec<_>>(),
        ["GHSA-1"]
    );
    // In version order, not string order.
    assert_eq!(m[0].fixed, ["0.9.0", "0.10.0"]);
    // PYSEC-1 has no grade of its own; GitHub's HIGH wins over the default.
    assert_eq!(m[0].severity, Severity::High);
    assert_eq!(m[1].advisory.id, "PYSEC-2");
    assert_eq!(m[1].severity, Severity::Medium);
    // Only GHSA-1 is fixed by then: still one match, no longer merged.
    let m = db.matches_version(Ecosystem::PyPI, "flask-login", "0.9.0");
    assert_eq!(
        m.iter().map(|m| m.advisory.id.as_str()).collect::<Vec<_>>(),
        ["PYSEC-1", "PYSEC-2"]
    );
    assert!(m[0].related.is_empty());
}

#[test]
fn warns_on_bad_records_and_skips_withdrawn() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    write(
        d,
        "a/GOOD.json",
        &record("GO-1", &[], "Go", "example.com/m", "1.2.0", ""),
    );
    write(d, "a/BAD.json", "{\"id\": \"X\", \"affected\": 3}");
    write(
        d,
        "a/W.json",
        &record(
            "GO-2",
            &[],
            "Go",
            "example.com/m",
            "9.0.0",
            r#", "withdrawn": "2024-02-01T00:00:00Z""#,
        ),
    );
    write(d, "crates/foo/RUSTSEC-2099-0001.md", "no front matter");
    write(d, "crates/foo/README.md", "ignored");
    write(d, ".git/objects/x.json", "ignored: hidden");
    let db = Database::load(d).unwrap_or_else(|e| panic!("{e}"));
    let w: Vec<(String, bool)> = db
        .warnings()
        .iter()
        .map(|w| {
            let name = w
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, !w.reason.is_empty())
        })
        .collect();
    assert_eq!(
        w,
        [
            ("BAD.json".to_string(), true),
            ("RUSTSEC-2099-0001.md".to_string(), true)
        ]
    );
    assert_eq!(db.metadata().total, 1);
    assert_eq!(
        ids(&db, Ecosystem::Go, "example.com/m", "v1.1.9+incompatible"),
        ["GO-1"]
    );
    assert_eq!(
        ids(&db, Ecosystem::Go, "example.com/m", "v1.2.0"),
        Vec::<String>::new()
    );
}

#[test]
fn reads_osv_zip_archives_and_the_manifest() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let file = std::fs::File::create(d.join("all.zip")).unwrap_or_else(|e| panic!("{e}"));
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..50 {
        let name = format!("left-pad-{i}");
        zip.start_file(format!("GHSA-{i}.json"), options)
            .unwrap_or_else(|e| panic!("{e}"));
        zip.write_all(record(&format!("GHSA-{i}"), &[], "npm", &name, "1.0.0", "").as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    zip.start_file("broken.json", options)
        .unwrap_or_else(|e| panic!("{e}"));
    zip.write_all(b"{").unwrap_or_else(|e| panic!("{e}"));
    zip.finish().unwrap_or_else(|e| panic!("{e}"));
    write(d, "not-a-zip.zip", "plain text");
    write(
        d,
        MANIFEST,
        r#"{"fetched_at": "2025-06-01T12:00:00Z", "sources": ["https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip", {"url": "rustsec"}]}"#,
    );
    let db = Database::load(d).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(db.metadata().counts.get(&Ecosystem::Npm), Some(&50));
    assert_eq!(
        ids(&db, Ecosystem::Npm, "left-pad-49", "0.9.0"),
        ["GHSA-49"]
    );
    let w: Vec<String> = db
        .warnings()
        .iter()
        .map(|w| w.entry.clone().unwrap_or_default())
        .collect();
    assert_eq!(w, ["broken.json", ""]);
    let m = db.metadata();
    assert_eq!(m.fetched_at.as_deref(), Some("2025-06-01T12:00:00Z"));
    assert_eq!(m.fetched_at_source, Some(FetchTimeSource::Manifest));
    assert_eq!(
        m.sources,
        [
            "https://osv-vulnerabilities.storage.googleapis.com/npm/all.zip",
            "rustsec"
        ]
    );
}

#[test]
fn duplicate_ids_keep_the_newest_copy() {
    let a = |modified: Option<&str>, fixed: &str| Advisory {
        id: "GHSA-1".into(),
        aliases: vec![],
        summary: String::new(),
        severity: Severity::Medium,
        severity_source: SeveritySource::Default,
        cvss: None,
        informational: None,
        affected: vec![crate::advisory::Affected {
            ecosystem: Ecosystem::Npm,
            name: "x".into(),
            ranges: vec![crate::advisory::Range {
                kind: RangeKind::Semver,
                events: vec![Event::Introduced("0".into()), Event::Fixed(fixed.into())],
            }],
            versions: vec![],
            rustsec: None,
        }],
        url: String::new(),
        withdrawn: false,
        modified: modified.map(str::to_string),
    };
    let db = Database::from_advisories(vec![
        a(None, "1.0.0"),
        a(Some("2024-02-01T00:00:00Z"), "3.0.0"),
        a(Some("2024-01-01T00:00:00Z"), "2.0.0"),
    ]);
    assert_eq!(db.advisories().len(), 1);
    assert_eq!(
        found(&db, Ecosystem::Npm, "x", "2.5.0"),
        [pair("GHSA-1", &["3.0.0"])]
    );
}

#[test]
fn finds_cargo_audits_copy_and_loads_its_layout() {
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(advisory_db_in(home.path()), None);
    // cargo-audit's checkout: crates/<name>/RUSTSEC-*.md, toolchain
    // advisories under rust/ (not crates), a .git directory.
    let db_dir = home.path().join("advisory-db");
    write(
        &db_dir,
        "crates/smallvec/RUSTSEC-2021-0003.md",
        "```toml\n[advisory]\nid = \"RUSTSEC-2021-0003\"\npackage = \"smallvec\"\n\n[versions]\npatched = [\">= 1.6.1\"]\nunaffected = [\"< 1.3.0\"]\n```\n\n# Buffer overflow in SmallVec::insert_many\n",
    );
    write(&db_dir, "rust/std/RUSTSEC-2021-0001.md", "not read");
    write(&db_dir, ".git/HEAD", "ref: refs/heads/main");
    assert_eq!(
        advisory_db_in(home.path()).as_deref(),
        Some(db_dir.as_path())
    );
    let db = Database::load(&db_dir).unwrap_or_else(|e| panic!("{e}"));
    assert!(db.warnings().is_empty());
    let c = Ecosystem::CratesIo;
    assert_eq!(ids(&db, c, "smallvec", "1.2.9"), Vec::<String>::new());
    assert_eq!(
        found(&db, c, "smallvec", "1.6.0"),
        [pair("RUSTSEC-2021-0003", &["1.6.1"])]
    );
    assert_eq!(found(&db, c, "smallvec", "1.6.1"), []);
    let m = db.matches_version(c, "smallvec", "1.3.0");
    assert_eq!(
        m[0].advisory.summary,
        "Buffer overflow in SmallVec::insert_many"
    );
}

#[test]
fn load_errors() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    assert!(matches!(
        Database::load(&dir.path().join("missing")),
        Err(DbError::NotFound(_))
    ));
    write(dir.path(), "README.md", "nothing here");
    assert!(matches!(Database::load(dir.path()), Err(DbError::Empty(_))));
}
