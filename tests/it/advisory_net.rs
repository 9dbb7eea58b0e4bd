//! `db update` and `--online` against real HTTP servers on 127.0.0.1 (never
//! the internet): archives and API answers built in the test, with failures
//! (503, 404, HTML, truncation, stalls, bad JSON, a closed port) on demand.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use faasguard::advisory::fetch::{self, FetchError, Retry, Source, UpdateOptions};
use faasguard::advisory::online::{Client, ClientOptions, OnlineError, Query};
use serde_json::{json, Value};

// ---------------------------------------------------------------- server

/// One request the server received.
#[derive(Clone, Debug)]
struct Hit {
    method: String,
    url: String,
    body: String,
}

/// What the server answers.
struct Reply {
    status: u16,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
    /// Wait this long before answering at all.
    delay: Duration,
    /// Send the body in pieces of this size with this pause between them.
    trickle: Option<(usize, Duration)>,
}

impl Reply {
    fn new(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            body: body.into(),
            headers: Vec::new(),
            delay: Duration::ZERO,
            trickle: None,
        }
    }

    fn json(v: &Value) -> Reply {
        Reply::new(200, v.to_string())
    }
}

/// A body that arrives a piece at a time.
struct Trickle {
    data: Cursor<Vec<u8>>,
    piece: usize,
    pause: Duration,
    started: bool,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.started {
            std::thread::sleep(self.pause);
        }
        self.started = true;
        let n = self.piece.min(buf.len());
        self.data.read(&mut buf[..n])
    }
}

/// A tiny_http server on a free port; stops when dropped.
struct Server {
    base: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    inner: Arc<tiny_http::Server>,
}

impl Server {
    /// `handler(request, how many requests came before it)`.
    fn start(handler: impl Fn(&Hit, usize) -> Reply + Send + 'static) -> Server {
        let inner = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind"));
        let port = inner.server_addr().to_ip().expect("an IP listener").port();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let (srv, log) = (Arc::clone(&inner), Arc::clone(&hits));
        std::thread::spawn(move || {
            for mut req in srv.incoming_requests() {
                let mut body = String::new();
                let _ = req.as_reader().read_to_string(&mut body);
                let hit = Hit {
                    method: req.method().to_string(),
                    url: req.url().to_string(),
                    body,
                };
                let n = {
                    let mut log = log.lock().expect("log");
                    log.push(hit.clone());
                    log.len() - 1
                };
                let reply = handler(&hit, n);
                std::thread::sleep(reply.delay);
                let headers = reply
                    .headers
                    .iter()
                    .filter_map(|(k, v)| tiny_http::Header::from_bytes(*k, v.as_bytes()).ok())
                    .collect();
                let len = reply.body.len();
                let (piece, pause) = reply.trickle.unwrap_or((len.max(1), Duration::ZERO));
                let body = Trickle {
                    data: Cursor::new(reply.body),
                    piece,
                    pause,
                    started: false,
                };
                // The client may have given up (the timeout tests).
                let _ = req.respond(tiny_http::Response::new(
                    reply.status.into(),
                    headers,
                    body,
                    Some(len),
                    None,
                ));
            }
        });
        Server {
            base: format!("http://127.0.0.1:{port}"),
            hits,
            inner,
        }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("log").clone()
    }

    fn urls(&self) -> Vec<String> {
        self.hits().into_iter().map(|h| h.url).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.inner.unblock();
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

// ---------------------------------------------------------------- data

fn record(id: &str, ecosystem: &str, package: &str) -> Value {
    json!({
        "schema_version": "1.6.0",
        "id": id,
        "modified": "2024-05-01T00:00:00Z",
        "summary": format!("{package} is vulnerable"),
        "affected": [{
            "package": {"ecosystem": ecosystem, "name": package},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]
        }]
    })
}

fn zip_of(records: &[Value], method: zip::CompressionMethod) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    for r in records {
        let id = r["id"].as_str().expect("id");
        w.start_file(format!("{id}.json"), opts).expect("entry");
        w.write_all(r.to_string().as_bytes()).expect("write");
    }
    w.finish().expect("zip").into_inner()
}

/// One small archive per default ecosystem, by name.
fn archives() -> BTreeMap<String, Vec<u8>> {
    let deflate = zip::CompressionMethod::Deflated;
    BTreeMap::from([
        (
            "crates.io".into(),
            zip_of(&[record("RUSTSEC-2021-0001", "crates.io", "foo")], deflate),
        ),
        (
            "npm".into(),
            zip_of(
                &[
                    record("GHSA-aaaa-bbbb-cccc", "npm", "left-pad"),
                    record("MAL-2024-1", "npm", "evil"),
                ],
                deflate,
            ),
        ),
        (
            "PyPI".into(),
            zip_of(&[record("PYSEC-2020-1", "PyPI", "jinja2")], deflate),
        ),
        ("Go".into(), zip_of(&[], deflate)),
    ])
}

/// Serves [`archives`] at `/<name>/all.zip`; `override_` answers first
/// when it returns a reply.
fn archive_server(override_: impl Fn(&Hit, usize) -> Option<Reply> + Send + 'static) -> Server {
    let data = archives();
    Server::start(move |hit, n| {
        if let Some(r) = override_(hit, n) {
            return r;
        }
        let name = hit.url.trim_start_matches('/').trim_end_matches("/all.zip");
        match data.get(name) {
            Some(z) => Reply::new(200, z.clone()),
            None => Reply::new(404, "not found"),
        }
    })
}

fn quick_retry(attempts: u32) -> Retry {
    Retry {
        attempts,
        backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

fn options(db: &Path, server: &Server) -> UpdateOptions {
    UpdateOptions {
        sources: Source::osv_mirror(&server.base),
        timeout: Duration::from_secs(2),
        retry: quick_retry(3),
        ..UpdateOptions::new(db.to_path_buf())
    }
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("ls").flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root").to_path_buf();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("ls")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ---------------------------------------------------------------- db update

#[test]
fn update_downloads_verifies_and_records_every_archive() {
    let server = archive_server(|_, _| None);
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("cache").join("advisory-db");

    let report = fetch::update(&options(&db, &server)).expect("update");

    assert_eq!(report.records, vec![1, 2, 1, 0]);
    let served = archives();
    let files = snapshot(&db);
    let zips: Vec<_> = files
        .keys()
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    assert_eq!(
        zips,
        vec![
            "osv/Go/all.zip",
            "osv/PyPI/all.zip",
            "osv/crates.io/all.zip",
            "osv/npm/all.zip"
        ]
    );
    for (name, bytes) in &served {
        assert_eq!(
            files.get(&Path::new("osv").join(name).join("all.zip")),
            Some(bytes),
            "{name}"
        );
    }

    let manifest: Value =
        serde_json::from_slice(files.get(Path::new("faasguard-db.json")).expect("manifest"))
            .expect("manifest is JSON");
    let fetched_at = manifest["fetched_at"].as_str().expect("fetched_at");
    assert_eq!(fetched_at.len(), "2026-11-23T08:05:09Z".len());
    assert!(fetched_at.ends_with('Z'), "{fetched_at}");
    let sources = manifest["sources"].as_array().expect("sources");
    let got: Vec<(String, String, u64)> = sources
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or_default().to_string(),
                s["url"].as_str().unwrap_or_default().to_string(),
                s["bytes"].as_u64().unwrap_or_default(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64)> = ["crates.io", "npm", "PyPI", "Go"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                format!("{}/{n}/all.zip", server.base),
                served[*n].len() as u64,
            )
        })
        .collect();
    assert_eq!(got, want);
    let sums: Vec<&str> = sources
        .iter()
        .map(|s| s["sha256"].as_str().expect("sha256"))
        .collect();
    assert!(sums
        .iter()
        .all(|s| s.len() == 64 && s.bytes().all(|c| c.is_ascii_hexdigit())));
    assert_eq!(
        report.manifest,
        fetch::read_manifest(&db).expect("read back")
    );

    let age = fetch::db_age(&db).expect("age");
    assert!(age < Duration::from_secs(60), "{age:?}");
    // Nothing but the database is left next to it.
    assert_eq!(names_in(db.parent().expect("parent")), vec!["advisory-db"]);
    assert_eq!(server.hits().len(), 4);
    assert!(server.hits().iter().all(|h| h.method == "GET"));
}

#[test]
fn a_failed_update_leaves_the_old_database_byte_for_byte() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("advisory-db");
    let good = archive_server(|_, _| None);
    fetch::update(&options(&db, &good)).expect("first update");
    let before = snapshot(&db);

    // npm fails for good after two sources succeeded.
    let failing = archive_server(|hit, _| {
        hit.url
            .starts_with("/npm/")
            .then(|| Reply::new(503, "<html>down</html>"))
    });
    let mut opts = options(&db, &failing);
    opts.retry = quick_retry(2);
    let err = fetch::update(&opts).expect_err("npm is down");

    assert_eq!(
        err.to_string(),
        format!("{}/npm/all.zip: HTTP 503 Service Unavailable", failing.base)
    );
    assert_eq!(snapshot(&db), before);
    assert_eq!(names_in(tmp.path()), vec!["advisory-db"]);
    assert_eq!(
        failing.urls(),
        vec!["/crates.io/all.zip", "/npm/all.zip", "/npm/all.zip"]
    );
}

#[test]
fn an_html_page_is_rejected_without_retrying() {
    let server = archive_server(|hit, _| {
        hit.url.starts_with("/crates.io/").then(|| {
            Reply::new(
                200,
                "<!DOCTYPE html>\n<html><body>Please sign in to the Wi-Fi</body></html>",
            )
        })
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("advisory-db");

    let err = fetch::update(&options(&db, &server)).expect_err("html");

    assert!(matches!(err, FetchError::NotZip { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        format!(
            "{}/crates.io/all.zip: the server sent an HTML page, not a zip archive",
            server.base
        )
    );
    assert_eq!(server.urls(), vec!["/crates.io/all.zip"]);
    assert!(
        names_in(tmp.path()).is_empty(),
        "{:?}",
        names_in(tmp.path())
    );
}

#[test]
fn a_truncated_archive_is_rejected() {
    let half = {
        let z = &archives()["PyPI"];
        z[..z.len() / 2].to_vec()
    };
    let server = archive_server(move |hit, _| {
        hit.url
            .starts_with("/PyPI/")
            .then(|| Reply::new(200, half.clone()))
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("advisory-db");

    let err = fetch::update(&options(&db, &server)).expect_err("truncated");

    let msg = err.to_string();
    let prefix = format!(
        "{}/PyPI/all.zip: not a zip archive (truncated or corrupt",
        server.base
    );
    assert!(msg.starts_with(&prefix), "{msg}");
    assert!(!db.exists());
}

#[test]
fn a_503_then_a_429_are_retried_until_success() {
    // Count only the Go requests: the first gets 503, the second 429 (with
    // a Retry-After the client honours within its cap), the third the file.
    let go_seen = Arc::new(Mutex::new(0usize));
    let seen = Arc::clone(&go_seen);
    let server = archive_server(move |hit, _| {
        if !hit.url.starts_with("/Go/") {
            return None;
        }
        let mut n = seen.lock().expect("count");
        *n += 1;
        match *n {
            1 => Some(Reply::new(503, "")),
            2 => {
                let mut r = Reply::new(429, "slow down");
                r.headers.push(("Retry-After", "0".into()));
                Some(r)
            }
            _ => None,
        }
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("advisory-db");

    let report = fetch::update(&options(&db, &server)).expect("third time lucky");

    assert_eq!(report.records, vec![1, 2, 1, 0]);
    assert_eq!(*go_seen.lock().expect("count"), 3);
    assert_eq!(
        server.urls(),
        vec![
            "/crates.io/all.zip",
            "/npm/all.zip",
            "/PyPI/all.zip",
            "/Go/all.zip",
            "/Go/all.zip",
            "/Go/all.zip"
        ]
    );
}

#[test]
fn a_404_is_not_retried() {
    let server = archive_server(|hit, _| {
        hit.url
            .starts_with("/crates.io/")
            .then(|| Reply::new(404, ""))
    });
    let tmp = tempfile::tempdir().expect("tempdir");

    let err = fetch::update(&options(&tmp.path().join("db"), &server)).expect_err("404");

    assert_eq!(
        err.to_string(),
        format!("{}/crates.io/all.zip: HTTP 404 Not Found", server.base)
    );
    assert_eq!(server.urls(), vec!["/crates.io/all.zip"]);
}

#[test]
fn a_server_that_does_not_answer_times_out() {
    let server = archive_server(|_, _| {
        let mut r = Reply::new(200, "late");
        r.delay = Duration::from_millis(1500);
        Some(r)
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&tmp.path().join("db"), &server);
    opts.timeout = Duration::from_millis(200);
    opts.retry = quick_retry(1);

    let err = fetch::update(&opts).expect_err("timeout");

    assert_eq!(
        err.to_string(),
        format!(
            "cannot reach {}/crates.io/all.zip: timed out after 0.2 s",
            server.base
        )
    );
}

#[test]
fn the_timeout_bounds_each_read_not_the_whole_download() {
    // ~24 kB in 4 kB pieces 80 ms apart: 400 ms in all, longer than the
    // 250 ms timeout, but never 250 ms without data.
    let padded = {
        let mut r = record("PYSEC-2020-1", "PyPI", "jinja2");
        r["details"] = Value::String("x".repeat(24_000));
        zip_of(&[r], zip::CompressionMethod::Stored)
    };
    let stalled = padded.clone();
    let server = archive_server(move |hit, _| {
        if hit.url.starts_with("/PyPI/") {
            let mut r = Reply::new(200, padded.clone());
            r.trickle = Some((4096, Duration::from_millis(80)));
            Some(r)
        } else if hit.url.starts_with("/npm/") {
            // Stops sending after the first piece.
            let mut r = Reply::new(200, stalled.clone());
            r.trickle = Some((4096, Duration::from_millis(1500)));
            Some(r)
        } else {
            None
        }
    });
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&tmp.path().join("db"), &server);
    opts.timeout = Duration::from_millis(250);
    opts.retry = quick_retry(1);

    opts.sources.retain(|s| s.name == "PyPI");
    let report = fetch::update(&opts).expect("slow but steady");
    assert_eq!(report.records, vec![1]);

    opts.sources = Source::osv_mirror(&server.base);
    opts.sources.retain(|s| s.name == "npm");
    let err = fetch::update(&opts).expect_err("stalled");
    assert_eq!(
        err.to_string(),
        format!(
            "cannot reach {}/npm/all.zip: timed out after 0.25 s",
            server.base
        )
    );
}

#[test]
fn an_archive_over_the_size_limit_is_refused() {
    let server = archive_server(|_, _| None);
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut opts = options(&tmp.path().join("db"), &server);
    opts.max_bytes = 100;

    let err = fetch::update(&opts).expect_err("too large");

    assert_eq!(
        err.to_string(),
        format!(
            "{}/crates.io/all.zip: larger than the 100 byte limit",
            server.base
        )
    );
    assert_eq!(server.urls(), vec!["/crates.io/all.zip"]);
}

#[test]
fn an_unreachable_mirror_is_named_in_the_error() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let base = format!("http://127.0.0.1:{}", closed_port());
    let opts = UpdateOptions {
        sources: Source::osv_mirror(&base),
        timeout: Duration::from_secs(2),
        retry: quick_retry(2),
        ..UpdateOptions::new(tmp.path().join("db"))
    };

    let err = fetch::update(&opts).expect_err("refused");

    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("cannot reach {base}/crates.io/all.zip: ")),
        "{msg}"
    );
    assert!(msg.to_lowercase().contains("refused"), "{msg}");
}

#[test]
fn leftovers_of_a_killed_run_are_cleaned_up() {
    let server = archive_server(|_, _| None);
    let tmp = tempfile::tempdir().expect("tempdir");
    let db = tmp.path().join("advisory-db");
    // Above Linux's largest pid: no such process.
    let stale = tmp.path().join("advisory-db.tmp-4000000000");
    std::fs::create_dir_all(stale.join("osv/PyPI")).expect("mkdir");
    std::fs::write(stale.join("osv/PyPI/all.zip.part"), b"half").expect("write");
    let unrelated = tmp.path().join("advisory-db-notes.txt");
    std::fs::write(&unrelated, b"mine").expect("write");

    fetch::update(&options(&db, &server)).expect("update");

    assert_eq!(
        names_in(tmp.path()),
        vec!["advisory-db", "advisory-db-notes.txt"]
    );
}

// ---------------------------------------------------------------- online

fn query(ecosystem: &'static str, name: &str, version: &str) -> Query {
    Query {
        ecosystem,
        name: name.into(),
        version: version.into(),
    }
}

fn client(server_base: &str) -> Client {
    Client::new(ClientOptions {
        base_url: server_base.to_string(),
        timeout: Duration::from_secs(2),
        retry: quick_retry(2),
        ..ClientOptions::default()
    })
    .expect("client")
}

/// An OSV API: `answers` maps a package name to the ids of its
/// vulnerabilities; every id has a record.
fn api_server(answers: BTreeMap<&'static str, Vec<&'static str>>) -> Server {
    Server::start(move |hit, _| {
        if hit.method == "POST" && hit.url == "/v1/querybatch" {
            let body: Value = serde_json::from_str(&hit.body).unwrap_or_default();
            let results: Vec<Value> = body["queries"]
                .as_array()
                .map(|qs| {
                    qs.iter()
                        .map(|q| {
                            let name = q["package"]["name"].as_str().unwrap_or_default();
                            match answers.get(name) {
                                Some(ids) => json!({"vulns": ids
                                    .iter()
                                    .map(|id| json!({"id": id, "modified": "2024-05-01T00:00:00Z"}))
                                    .collect::<Vec<_>>()}),
                                None => json!({}),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            return Reply::json(&json!({ "results": results }));
        }
        match hit.url.strip_prefix("/v1/vulns/") {
            Some(id) if hit.method == "GET" => Reply::json(&record(id, "PyPI", "pkg")),
            _ => Reply::new(404, r#"{"code":5,"message":"Bug not found."}"#),
        }
    })
}

#[test]
fn online_query_batches_dedupes_and_fetches_each_record_once() {
    let server = api_server(BTreeMap::from([
        ("jinja2", vec!["PYSEC-2019-217", "GHSA-462w-v97r-4m45"]),
        ("flask", vec!["PYSEC-2019-179"]),
        ("werkzeug", vec!["GHSA-462w-v97r-4m45"]),
    ]));
    let c = Client::new(ClientOptions {
        base_url: server.base.clone(),
        timeout: Duration::from_secs(2),
        retry: quick_retry(1),
        batch_size: 2,
        parallel: 2,
        ..ClientOptions::default()
    })
    .expect("client");

    let records = c
        .query(&[
            query("PyPI", "jinja2", "2.4.1"),
            query("PyPI", "flask", "0.12"),
            query("PyPI", "werkzeug", "0.1"),
            query("npm", "left-pad", "1.0.0"),
        ])
        .expect("query");

    let ids: Vec<&str> = records.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(
        ids,
        vec!["GHSA-462w-v97r-4m45", "PYSEC-2019-179", "PYSEC-2019-217"]
    );
    assert_eq!(records[0]["affected"][0]["package"]["ecosystem"], "PyPI");

    let hits = server.hits();
    let batches: Vec<Value> = hits
        .iter()
        .filter(|h| h.url == "/v1/querybatch")
        .map(|h| serde_json::from_str(&h.body).expect("request JSON"))
        .collect();
    assert_eq!(
        batches,
        vec![
            json!({"queries": [
                {"package": {"name": "jinja2", "ecosystem": "PyPI"}, "version": "2.4.1"},
                {"package": {"name": "flask", "ecosystem": "PyPI"}, "version": "0.12"}
            ]}),
            json!({"queries": [
                {"package": {"name": "werkzeug", "ecosystem": "PyPI"}, "version": "0.1"},
                {"package": {"name": "left-pad", "ecosystem": "npm"}, "version": "1.0.0"}
            ]}),
        ]
    );
    let mut fetched: Vec<String> = hits
        .iter()
        .filter(|h| h.method == "GET")
        .map(|h| h.url.clone())
        .collect();
    fetched.sort();
    assert_eq!(
        fetched,
        vec![
            "/v1/vulns/GHSA-462w-v97r-4m45",
            "/v1/vulns/PYSEC-2019-179",
            "/v1/vulns/PYSEC-2019-217"
        ]
    );
}

#[test]
fn online_query_follows_next_page_token_per_query() {
    let server = Server::start(|hit, _| {
        if hit.url == "/v1/querybatch" {
            let body: Value = serde_json::from_str(&hit.body).unwrap_or_default();
            let first = &body["queries"][0];
            return match first["page_token"].as_str() {
                None => Reply::json(&json!({"results": [
                    {"vulns": [{"id": "GHSA-1"}], "next_page_token": "page-2"},
                    {"vulns": [{"id": "GHSA-9"}]}
                ]})),
                Some("page-2") => Reply::json(&json!({"results": [
                    {"vulns": [{"id": "GHSA-2"}], "next_page_token": "page-3"}
                ]})),
                Some(_) => Reply::json(&json!({"results": [{"vulns": [{"id": "GHSA-3"}]}]})),
            };
        }
        let id = hit.url.trim_start_matches("/v1/vulns/");
        Reply::json(&record(id, "npm", "pkg"))
    });

    let records = client(&server.base)
        .query(&[query("npm", "a", "1.0.0"), query("npm", "b", "2.0.0")])
        .expect("query");

    let ids: Vec<&str> = records.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, vec!["GHSA-1", "GHSA-2", "GHSA-3", "GHSA-9"]);
    let batches: Vec<Value> = server
        .hits()
        .iter()
        .filter(|h| h.url == "/v1/querybatch")
        .map(|h| serde_json::from_str(&h.body).expect("request JSON"))
        .collect();
    assert_eq!(batches.len(), 3);
    // Later pages ask again for the unfinished query only, with its token.
    assert_eq!(
        batches[1],
        json!({"queries": [{"package": {"name": "a", "ecosystem": "npm"}, "version": "1.0.0", "page_token": "page-2"}]})
    );
    assert_eq!(batches[2]["queries"][0]["page_token"], "page-3");
}

#[test]
fn online_query_gives_up_on_endless_pages() {
    let server = Server::start(|hit, _| {
        if hit.url == "/v1/querybatch" {
            Reply::json(&json!({"results": [{"vulns": [], "next_page_token": "again"}]}))
        } else {
            Reply::new(404, "")
        }
    });
    let c = Client::new(ClientOptions {
        base_url: server.base.clone(),
        retry: quick_retry(1),
        max_pages: 3,
        ..ClientOptions::default()
    })
    .expect("client");

    let err = c
        .query(&[query("Go", "example.com/m", "v1.0.0")])
        .expect_err("endless");

    assert!(
        matches!(err, OnlineError::EndlessPages { pages: 3, .. }),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "{}/v1/querybatch: the results did not end after 3 pages",
            server.base
        )
    );
    assert_eq!(server.hits().len(), 3);
}

#[test]
fn online_malformed_json_names_the_endpoint() {
    let server = Server::start(|_, _| Reply::new(200, r#"{"results": [{"vulns": "#));

    let err = client(&server.base)
        .query(&[query("PyPI", "jinja2", "2.4.1")])
        .expect_err("malformed");

    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!(
            "malformed JSON from {}/v1/querybatch: EOF while parsing",
            server.base
        )),
        "{msg}"
    );
    // Well-formed JSON of the wrong shape is malformed too.
    let server = Server::start(|_, _| Reply::json(&json!({"results": [{}, {}]})));
    let err = client(&server.base)
        .query(&[query("PyPI", "jinja2", "2.4.1")])
        .expect_err("wrong count");
    assert_eq!(
        err.to_string(),
        format!(
            "malformed JSON from {}/v1/querybatch: 2 results for 1 queries",
            server.base
        )
    );
}

#[test]
fn online_client_errors_are_shown_and_not_retried() {
    let server = Server::start(|_, _| Reply::new(400, r#"{"code":3,"message":"Invalid query."}"#));

    let err = client(&server.base)
        .query(&[query("PyPI", "jinja2", "not a version")])
        .expect_err("400");

    assert_eq!(
        err.to_string(),
        format!(
            r#"{}/v1/querybatch: HTTP 400 Bad Request: {{"code":3,"message":"Invalid query."}}"#,
            server.base
        )
    );
    assert_eq!(server.hits().len(), 1);
}

#[test]
fn online_a_missing_record_fails_the_query() {
    let server = Server::start(|hit, _| match hit.url.as_str() {
        "/v1/querybatch" => Reply::json(&json!({"results": [
            {"vulns": [{"id": "PYSEC-1"}, {"id": "PYSEC-2"}]}
        ]})),
        "/v1/vulns/PYSEC-1" => Reply::json(&record("PYSEC-1", "PyPI", "jinja2")),
        _ => Reply::new(404, r#"{"code":5,"message":"Bug not found."}"#),
    });

    let err = client(&server.base)
        .query(&[query("PyPI", "jinja2", "2.0")])
        .expect_err("404 record");

    assert_eq!(
        err.to_string(),
        format!(
            r#"{}/v1/vulns/PYSEC-2: HTTP 404 Not Found: {{"code":5,"message":"Bug not found."}}"#,
            server.base
        )
    );
}

#[test]
fn online_offline_points_to_the_offline_database() {
    let base = format!("http://127.0.0.1:{}", closed_port());

    let err = client(&base)
        .query(&[query("PyPI", "jinja2", "2.4.1")])
        .expect_err("offline");

    assert!(matches!(err, OnlineError::Unreachable { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.starts_with(&format!("cannot reach {base}: ")), "{msg}");
    assert!(
        msg.ends_with("(use the offline database: faasguard db update)"),
        "{msg}"
    );
}

#[test]
fn online_timeout_is_reported_as_unreachable() {
    let server = Server::start(|_, _| {
        let mut r = Reply::json(&json!({"results": [{}]}));
        r.delay = Duration::from_millis(1500);
        r
    });
    let c = Client::new(ClientOptions {
        base_url: server.base.clone(),
        timeout: Duration::from_millis(200),
        retry: quick_retry(1),
        ..ClientOptions::default()
    })
    .expect("client");

    let err = c
        .query(&[query("PyPI", "jinja2", "2.4.1")])
        .expect_err("timeout");

    assert_eq!(
        err.to_string(),
        format!(
            "cannot reach {}: timed out after 0.2 s (use the offline database: faasguard db update)",
            server.base
        )
    );
}

// ------------------------------------------------------- through the binary

/// `faasguard scan --online` asks the OSV API once per batch, then for each
/// record, and reports what matches at the lockfile line, naming the function.
#[test]
fn scan_online_reports_vulnerable_packages_from_the_api() {
    let record: Value = serde_json::from_str(
        &std::fs::read_to_string(
            crate::common::root().join("fixtures/deps/advisory-db/PYSEC-2022-202.json"),
        )
        .expect("fixture record"),
    )
    .expect("JSON");
    let server = Server::start(move |hit, _| {
        if hit.url.ends_with("/v1/querybatch") {
            let asked: Value = serde_json::from_str(&hit.body).unwrap_or(Value::Null);
            let results: Vec<Value> = asked["queries"]
                .as_array()
                .map(|qs| {
                    qs.iter()
                        .map(|q| {
                            if q["package"]["name"].as_str().map(str::to_ascii_lowercase)
                                == Some("pyjwt".into())
                            {
                                serde_json::json!({"vulns": [{"id": "PYSEC-2022-202", "modified": "2023-01-01T00:00:00Z"}]})
                            } else {
                                serde_json::json!({})
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            Reply::json(&serde_json::json!({ "results": results }))
        } else if hit.url.ends_with("/v1/vulns/PYSEC-2022-202") {
            Reply::json(&record)
        } else {
            Reply::new(404, "not found")
        }
    });
    let (code, report) = crate::common::json_run(
        &[
            "scan",
            "fixtures/deps",
            "--online",
            "--osv-url",
            &server.base,
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    let deps: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "FG-DEP-001")
        .collect();
    assert_eq!(deps.len(), 1, "{report:#}");
    assert_eq!(deps[0]["file"], "fixtures/deps/app/requirements.txt");
    assert_eq!(deps[0]["dependency"]["advisory"], "PYSEC-2022-202");
    assert_eq!(deps[0]["dependency"]["fixed"][0], "2.4.0");
    assert!(deps[0]["dependency"]["functions"]
        .as_array()
        .is_some_and(|f| !f.is_empty()));
    assert_eq!(report["dependencies"]["mode"], "online");
    let urls = server.urls();
    assert_eq!(
        urls.iter()
            .filter(|u| u.ends_with("/v1/querybatch"))
            .count(),
        1
    );
}

/// Offline, `--online` fails clearly and everything else is still scanned.
#[test]
fn scan_online_without_a_network_says_so_and_scans_the_rest() {
    let base = format!("http://127.0.0.1:{}", closed_port());
    let (code, report) = crate::common::json_run(
        &[
            "scan",
            "fixtures/deps",
            "--online",
            "--osv-url",
            &base,
            "--format",
            "json",
        ],
        &[],
    );
    // The template's only finding is its function's missing code signing;
    // what fails is said, not turned into findings.
    assert_eq!(code, Some(1));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["rule_id"].as_str())
        .collect();
    assert_eq!(rules, ["FG-DEP-003"]);
    let diags = report["diagnostics"].to_string();
    assert!(diags.contains("dependencies were not checked"), "{diags}");
    assert!(diags.contains("cannot reach"), "{diags}");
    assert_eq!(report["summary"]["files_scanned"], 1);
    assert_eq!(report["dependencies"]["checked"], false);
}

/// `faasguard db update --mirror URL` fills the directory a scan then reads.
#[test]
fn db_update_from_a_mirror_then_scan_offline() {
    let server = archive_server(|_, _| None);
    let dir = tempfile::tempdir().expect("tmp");
    let db = dir.path().join("db");
    let out = assert_cmd::Command::cargo_bin("faasguard")
        .expect("binary")
        .args(["db", "update", "--db-dir"])
        .arg(&db)
        .args(["--mirror", &server.base, "--timeout", "5"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(db.join("faasguard-db.json").is_file());
    let (_, report) = crate::common::json_run(
        &[
            "scan",
            "fixtures/deps",
            "--advisory-db",
            db.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(report["dependencies"]["checked"], true, "{report:#}");
    assert_eq!(report["dependencies"]["mode"], "offline");
}
