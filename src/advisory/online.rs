//! `--online`: the OSV API (`/v1/querybatch`, `/v1/vulns/{id}`).
//!
//! `querybatch` answers with vulnerability ids only, so the client asks it
//! which ids affect the packages (following `next_page_token` per query),
//! then fetches each full record, a few at a time. Matching the records
//! against the packages stays with the offline code (`osv::from_json`), so
//! online and offline scans report the same way.

use std::collections::BTreeSet;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use reqwest::blocking::Client as Http;
use reqwest::header::CONTENT_TYPE;
use reqwest::Url;
use serde_json::{json, Value};

use super::fetch::http::{self, Failure, Retry};

/// The public OSV API.
pub const DEFAULT_BASE: &str = "https://api.osv.dev";

/// OSV's limit on queries in one `querybatch` request.
pub const MAX_BATCH: usize = 1000;

/// An OSV answer larger than this is not an answer.
const MAX_BODY: u64 = 64 << 20;

/// One package version to ask about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// The OSV ecosystem name (`PyPI`): [`crate::lockfile::Ecosystem::as_str`].
    pub ecosystem: &'static str,
    /// The package name as the lockfile writes it.
    pub name: String,
    /// Empty asks for every advisory of the package.
    pub version: String,
}

/// How the client talks to the API.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// `https://api.osv.dev`, or a mirror serving the same API (may have a
    /// path prefix).
    pub base_url: String,
    /// Bounds connecting and each request.
    pub timeout: Duration,
    /// How often and how long apart a failed request is tried again.
    pub retry: Retry,
    /// Queries per `querybatch` request, at most [`MAX_BATCH`].
    pub batch_size: usize,
    /// Records fetched at the same time.
    pub parallel: usize,
    /// A query whose pages do not end after this many is an error (a
    /// server handing out tokens forever).
    pub max_pages: usize,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            base_url: DEFAULT_BASE.to_string(),
            timeout: Duration::from_secs(30),
            retry: Retry::default(),
            batch_size: MAX_BATCH,
            parallel: 4,
            max_pages: 100,
        }
    }
}

/// Why an online advisory lookup (`--online`) failed.
#[derive(Debug, thiserror::Error)]
pub enum OnlineError {
    /// `base_url` is not an http(s) URL that can take a path.
    #[error("{url}: not a usable OSV API address: {reason}")]
    BadBaseUrl {
        /// The address given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client (TLS set-up) could not be built.
    #[error("cannot set up the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    /// The API did not answer (DNS, connection, TLS or timeout), after every retry.
    #[error("cannot reach {base}: {reason} (use the offline database: faasguard db update)")]
    Unreachable {
        /// The API address.
        base: String,
        /// The client's error, or that the request timed out or stalled.
        reason: String,
    },
    /// The API answered with an error status after every retry, or a request did not complete.
    #[error("{endpoint}: {reason}")]
    Http {
        /// The request's URL.
        endpoint: String,
        /// The HTTP status and its reason, or what did not complete.
        reason: String,
    },
    /// An answer that is not the JSON the API documents.
    #[error("malformed JSON from {endpoint}: {reason}")]
    Malformed {
        /// The request's URL.
        endpoint: String,
        /// The parser's error, or which field is missing.
        reason: String,
    },
    /// A query's `next_page_token`s did not end within `max_pages`.
    #[error("{endpoint}: the results did not end after {pages} pages")]
    EndlessPages {
        /// The request's URL.
        endpoint: String,
        /// The page limit ([`ClientOptions::max_pages`]).
        pages: usize,
    },
}

/// A client of the OSV API.
#[derive(Clone, Debug)]
pub struct Client {
    http: Http,
    base: Url,
    opts: ClientOptions,
}

impl Client {
    /// A client for `opts.base_url`; fails when that is not a usable address or the HTTP client
    /// cannot be built.
    pub fn new(opts: ClientOptions) -> Result<Client, OnlineError> {
        let bad = |reason: String| OnlineError::BadBaseUrl {
            url: opts.base_url.clone(),
            reason,
        };
        let base = Url::parse(&opts.base_url).map_err(|e| bad(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(bad("expected an http(s) URL".into()));
        }
        let http =
            http::client(opts.timeout, &[opts.base_url.as_str()]).map_err(OnlineError::Client)?;
        Ok(Client { http, base, opts })
    }

    /// The full OSV records of every vulnerability that affects one of
    /// `packages`, each once, ordered by id.
    pub fn query(&self, packages: &[Query]) -> Result<Vec<Value>, OnlineError> {
        let mut ids = BTreeSet::new();
        for chunk in packages.chunks(self.opts.batch_size.clamp(1, MAX_BATCH)) {
            self.batch_ids(chunk, &mut ids)?;
        }
        let ids: Vec<String> = ids.into_iter().collect();
        self.records(&ids)
    }

    /// Asks `querybatch` about `queries`, page after page, into `ids`.
    fn batch_ids(&self, queries: &[Query], ids: &mut BTreeSet<String>) -> Result<(), OnlineError> {
        let url = self.endpoint(&["v1", "querybatch"]);
        // (query, page token): the queries that still have pages to fetch.
        let mut pending: Vec<(&Query, Option<String>)> =
            queries.iter().map(|q| (q, None)).collect();
        let mut pages = 0;
        while !pending.is_empty() {
            if pages == self.opts.max_pages {
                return Err(OnlineError::EndlessPages {
                    endpoint: url.to_string(),
                    pages,
                });
            }
            pages += 1;
            let body = json!({
                "queries": pending.iter().map(|(q, token)| query_json(q, token.as_deref())).collect::<Vec<_>>()
            });
            let answer = self.call(&url, Some(&body))?;
            let found =
                parse_batch(&answer, pending.len()).map_err(|reason| OnlineError::Malformed {
                    endpoint: url.to_string(),
                    reason,
                })?;
            let mut next = Vec::new();
            for ((query, _), page) in pending.into_iter().zip(found) {
                ids.extend(page.ids);
                if let Some(token) = page.next_page_token {
                    next.push((query, Some(token)));
                }
            }
            pending = next;
        }
        Ok(())
    }

    /// `GET /v1/vulns/{id}` for every id, `parallel` at a time; the first
    /// error (in id order) stops the rest.
    fn records(&self, ids: &[String]) -> Result<Vec<Value>, OnlineError> {
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let out: Mutex<Vec<Option<Result<Value, OnlineError>>>> =
            Mutex::new(ids.iter().map(|_| None).collect());
        let workers = self.opts.parallel.clamp(1, 16).min(ids.len());
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    while !failed.load(Ordering::Relaxed) {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(id) = ids.get(i) else { break };
                        let result = self.record(id);
                        if result.is_err() {
                            failed.store(true, Ordering::Relaxed);
                        }
                        // A poisoned lock means another worker panicked;
                        // its slot stays empty and is reported below.
                        if let Ok(mut slots) = out.lock() {
                            if let Some(slot) = slots.get_mut(i) {
                                *slot = Some(result);
                            }
                        }
                    }
                });
            }
        });
        let slots = out.into_inner().unwrap_or_else(|p| p.into_inner());
        let mut records = Vec::with_capacity(slots.len());
        let mut missing = None;
        for (slot, id) in slots.into_iter().zip(ids) {
            match slot {
                Some(Ok(v)) => records.push(v),
                Some(Err(e)) => return Err(e),
                None => missing = missing.or(Some(id)),
            }
        }
        match missing {
            // Only reachable if a worker died without recording an error.
            Some(id) => Err(OnlineError::Http {
                endpoint: self.endpoint(&["v1", "vulns", id]).to_string(),
                reason: "the request did not complete".into(),
            }),
            None => Ok(records),
        }
    }

    fn record(&self, id: &str) -> Result<Value, OnlineError> {
        let url = self.endpoint(&["v1", "vulns", id]);
        let v = self.call(&url, None)?;
        if v.get("id").is_some_and(Value::is_string) {
            Ok(v)
        } else {
            Err(OnlineError::Malformed {
                endpoint: url.to_string(),
                reason: "not an OSV record (no \"id\")".into(),
            })
        }
    }

    /// `<base>/<segments...>`, each segment percent-encoded (an id comes
    /// from the server and must not change the path).
    fn endpoint(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// One request with retries: POST `body` as JSON, or GET without one;
    /// the answer parsed as JSON.
    fn call(&self, url: &Url, body: Option<&Value>) -> Result<Value, OnlineError> {
        let bytes = http::retrying(&self.opts.retry, Failure::retry_after, |_| {
            let req = match body {
                Some(b) => self
                    .http
                    .post(url.clone())
                    .header(CONTENT_TYPE, "application/json")
                    .body(b.to_string()),
                None => self.http.get(url.clone()),
            };
            let resp = req.send().map_err(|e| http::classify(&e))?;
            let resp = http::check_status(resp)?;
            let mut buf = Vec::new();
            resp.take(MAX_BODY)
                .read_to_end(&mut buf)
                .map_err(|e| http::classify_read(&e))?;
            Ok(buf)
        })
        .map_err(|f| match f {
            Failure::Status { .. } => OnlineError::Http {
                endpoint: url.to_string(),
                reason: f.describe(self.opts.timeout),
            },
            _ => OnlineError::Unreachable {
                base: self.opts.base_url.trim_end_matches('/').to_string(),
                reason: f.describe(self.opts.timeout),
            },
        })?;
        serde_json::from_slice(&bytes).map_err(|e| OnlineError::Malformed {
            endpoint: url.to_string(),
            reason: e.to_string(),
        })
    }
}

/// One query of a `querybatch` request.
fn query_json(q: &Query, page_token: Option<&str>) -> Value {
    let mut v = json!({"package": {"name": q.name, "ecosystem": q.ecosystem}});
    if let Some(obj) = v.as_object_mut() {
        if !q.version.is_empty() {
            obj.insert("version".into(), Value::String(q.version.clone()));
        }
        if let Some(t) = page_token {
            obj.insert("page_token".into(), Value::String(t.to_string()));
        }
    }
    v
}

/// One query's part of a `querybatch` answer.
#[derive(Debug, PartialEq, Eq)]
struct Page {
    ids: Vec<String>,
    next_page_token: Option<String>,
}

/// Per query, in order: the vulnerability ids and the next page token.
fn parse_batch(answer: &Value, expected: usize) -> Result<Vec<Page>, String> {
    let results = answer
        .get("results")
        .and_then(Value::as_array)
        .ok_or("expected an object with a \"results\" array")?;
    if results.len() != expected {
        return Err(format!("{} results for {expected} queries", results.len()));
    }
    results
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let r = r
                .as_object()
                .ok_or_else(|| format!("results[{i}] is not an object"))?;
            let ids = match r.get("vulns") {
                None | Some(Value::Null) => Vec::new(),
                Some(Value::Array(vulns)) => vulns
                    .iter()
                    .map(|v| {
                        v.get("id")
                            .and_then(Value::as_str)
                            .filter(|id| !id.is_empty())
                            .map(str::to_string)
                            .ok_or_else(|| format!("results[{i}].vulns has an entry without an id"))
                    })
                    .collect::<Result<_, _>>()?,
                Some(_) => return Err(format!("results[{i}].vulns is not an array")),
            };
            let token = match r.get("next_page_token") {
                None | Some(Value::Null) => None,
                Some(Value::String(t)) if t.is_empty() => None,
                Some(Value::String(t)) => Some(t.clone()),
                Some(_) => return Err(format!("results[{i}].next_page_token is not a string")),
            };
            Ok(Page {
                ids,
                next_page_token: token,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(name: &str, version: &str) -> Query {
        Query {
            ecosystem: "PyPI",
            name: name.into(),
            version: version.into(),
        }
    }

    #[test]
    fn builds_queries_with_optional_version_and_token() {
        assert_eq!(
            query_json(&q("jinja2", "2.4.1"), None),
            json!({"package": {"name": "jinja2", "ecosystem": "PyPI"}, "version": "2.4.1"})
        );
        assert_eq!(
            query_json(&q("jinja2", ""), Some("tok")),
            json!({"package": {"name": "jinja2", "ecosystem": "PyPI"}, "page_token": "tok"})
        );
    }

    #[test]
    fn reads_ids_and_page_tokens_per_query() {
        let answer = json!({"results": [
            {"vulns": [{"id": "PYSEC-1", "modified": "x"}, {"id": "GHSA-2"}], "next_page_token": "p2"},
            {},
            {"vulns": [], "next_page_token": ""}
        ]});
        assert_eq!(
            parse_batch(&answer, 3),
            Ok(vec![
                Page {
                    ids: vec!["PYSEC-1".to_string(), "GHSA-2".to_string()],
                    next_page_token: Some("p2".to_string()),
                },
                Page {
                    ids: vec![],
                    next_page_token: None
                },
                Page {
                    ids: vec![],
                    next_page_token: None
                },
            ])
        );
    }

    #[test]
    fn rejects_answers_that_do_not_fit_the_queries() {
        assert_eq!(
            parse_batch(&json!({"results": [{}]}), 2),
            Err("1 results for 2 queries".to_string())
        );
        assert_eq!(
            parse_batch(&json!([]), 0),
            Err("expected an object with a \"results\" array".to_string())
        );
        assert_eq!(
            parse_batch(&json!({"results": [{"vulns": [{"modified": "x"}]}]}), 1),
            Err("results[0].vulns has an entry without an id".to_string())
        );
        assert_eq!(
            parse_batch(&json!({"results": [{"vulns": {}}]}), 1),
            Err("results[0].vulns is not an array".to_string())
        );
        assert_eq!(
            parse_batch(&json!({"results": [{"next_page_token": 3}]}), 1),
            Err("results[0].next_page_token is not a string".to_string())
        );
    }

    #[test]
    fn endpoints_keep_a_path_prefix_and_encode_ids() {
        let c = Client::new(ClientOptions {
            base_url: "https://mirror.example/osv/".into(),
            ..ClientOptions::default()
        })
        .expect("client");
        assert_eq!(
            c.endpoint(&["v1", "querybatch"]).as_str(),
            "https://mirror.example/osv/v1/querybatch"
        );
        assert_eq!(
            c.endpoint(&["v1", "vulns", "../x?y"]).as_str(),
            "https://mirror.example/osv/v1/vulns/..%2Fx%3Fy"
        );
        let c = Client::new(ClientOptions::default()).expect("client");
        assert_eq!(
            c.endpoint(&["v1", "vulns", "GHSA-abcd-efgh-ijkl"]).as_str(),
            "https://api.osv.dev/v1/vulns/GHSA-abcd-efgh-ijkl"
        );
    }

    #[test]
    fn rejects_unusable_base_urls() {
        for bad in ["api.osv.dev", "ftp://x", "mailto:a@b"] {
            let r = Client::new(ClientOptions {
                base_url: bad.into(),
                ..ClientOptions::default()
            });
            assert!(matches!(r, Err(OnlineError::BadBaseUrl { .. })), "{bad}");
        }
    }

    #[test]
    fn no_packages_means_no_request() {
        // A closed port: any request would fail.
        let c = Client::new(ClientOptions {
            base_url: "http://127.0.0.1:9".into(),
            ..ClientOptions::default()
        })
        .expect("client");
        assert_eq!(c.query(&[]).ok(), Some(vec![]));
    }
}
