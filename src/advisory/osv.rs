//! OSV records (https://ossf.github.io/osv-schema/) into [`Advisory`].
//!
//! Our own serde structs, not the `osv` crate's: that one rejects a whole
//! record when one `affected` entry names an ecosystem it does not know,
//! and records mixing PyPI with Debian or Alpine entries are common. Here
//! an entry of an ecosystem faasguard does not read lockfiles of is
//! skipped, never the record. Fields that are not needed (`details`,
//! `credits`, `ecosystem_specific`) are never allocated; field shapes that
//! vary between databases (`database_specific`) are read leniently.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::Deserialize;

use super::{advisory_url, grade, Advisory, Affected, Event, Range, RangeKind};
use crate::lockfile::Ecosystem;

/// Why a record could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum OsvError {
    #[error("not an OSV record: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the record has an empty `id`")]
    NoId,
}

/// A string that may be borrowed from the input (serde only borrows a
/// `Cow` directly under `#[serde(borrow)]`, not inside `Vec`/`Option`).
#[derive(Deserialize)]
struct Str<'a>(#[serde(borrow)] Cow<'a, str>);

/// A value that is expected to be a string but may be anything in
/// databases that use the field differently; non-strings are ignored.
#[derive(Deserialize)]
#[serde(untagged)]
enum Lenient<'a> {
    Str(#[serde(borrow)] Cow<'a, str>),
    Other(IgnoredAny),
}

impl Lenient<'_> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Lenient::Str(s) => Some(s),
            Lenient::Other(_) => None,
        }
    }
}

#[derive(Deserialize)]
struct RawRecord<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(default, borrow)]
    modified: Option<Str<'a>>,
    #[serde(default, borrow)]
    withdrawn: Option<Str<'a>>,
    #[serde(default, borrow)]
    aliases: Option<Vec<Str<'a>>>,
    #[serde(default, borrow)]
    summary: Option<Str<'a>>,
    #[serde(default, borrow)]
    details: Option<Str<'a>>,
    #[serde(default, borrow)]
    severity: Option<Vec<RawSeverity<'a>>>,
    #[serde(default, borrow)]
    affected: Option<Vec<RawAffected<'a>>>,
    #[serde(default, borrow)]
    references: Option<Vec<RawReference<'a>>>,
    #[serde(default, borrow)]
    database_specific: Option<RawDatabaseSpecific<'a>>,
}

#[derive(Deserialize)]
struct RawSeverity<'a> {
    #[serde(rename = "type", borrow)]
    kind: Str<'a>,
    #[serde(borrow)]
    score: Str<'a>,
}

#[derive(Deserialize)]
struct RawAffected<'a> {
    #[serde(default, borrow)]
    package: Option<RawPackage<'a>>,
    #[serde(default, borrow)]
    severity: Option<Vec<RawSeverity<'a>>>,
    #[serde(default, borrow)]
    ranges: Option<Vec<RawRange<'a>>>,
    #[serde(default, borrow)]
    versions: Option<Vec<Str<'a>>>,
    #[serde(default, borrow)]
    database_specific: Option<RawDatabaseSpecific<'a>>,
}

#[derive(Deserialize)]
struct RawPackage<'a> {
    #[serde(borrow)]
    ecosystem: Str<'a>,
    #[serde(borrow)]
    name: Str<'a>,
}

#[derive(Deserialize)]
struct RawRange<'a> {
    #[serde(rename = "type", borrow)]
    kind: Str<'a>,
    #[serde(default, borrow)]
    events: Option<Vec<RawEvent<'a>>>,
}

/// One event object: exactly one of the four keys is meant to be set.
#[derive(Deserialize)]
struct RawEvent<'a> {
    #[serde(default, borrow)]
    introduced: Option<Str<'a>>,
    #[serde(default, borrow)]
    fixed: Option<Str<'a>>,
    #[serde(default, borrow)]
    last_affected: Option<Str<'a>>,
    #[serde(default, borrow)]
    limit: Option<Str<'a>>,
}

#[derive(Deserialize)]
struct RawReference<'a> {
    #[serde(rename = "type", borrow)]
    kind: Str<'a>,
    #[serde(borrow)]
    url: Str<'a>,
}

/// The parts of `database_specific` we read: GitHub's `severity`, and
/// RustSec's per-package `cvss` and `informational` (OSV export).
#[derive(Deserialize)]
struct RawDatabaseSpecific<'a> {
    #[serde(default, borrow)]
    severity: Option<Lenient<'a>>,
    #[serde(default, borrow)]
    cvss: Option<Lenient<'a>>,
    #[serde(default, borrow)]
    informational: Option<Lenient<'a>>,
}

/// Reads one OSV record from its JSON bytes.
pub fn from_slice(bytes: &[u8]) -> Result<Advisory, OsvError> {
    // serde_json does not skip a UTF-8 byte order mark; some editors write one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let raw: RawRecord = serde_json::from_slice(bytes)?;
    convert(raw)
}

/// Reads one OSV record from JSON already parsed (the `--online` path,
/// which gets records from the OSV API); `None` when it is not a record.
pub fn from_json(value: &serde_json::Value) -> Option<Advisory> {
    let raw = RawRecord::deserialize(value).ok()?;
    convert(raw).ok()
}

fn convert(raw: RawRecord<'_>) -> Result<Advisory, OsvError> {
    let id = raw.id.0.trim();
    if id.is_empty() {
        return Err(OsvError::NoId);
    }
    let raw_affected = raw.affected.unwrap_or_default();
    // Owned: the strings live in `raw_affected`, which is consumed below.
    let mut cvss_v3: Option<String> = None;
    let mut cvss_any: Option<String> = None;
    let mut note = |kind: &str, score: &str| {
        if kind == "CVSS_V3" && cvss_v3.is_none() {
            cvss_v3 = Some(score.trim().to_string());
        }
        if kind.starts_with("CVSS_") && cvss_any.is_none() {
            cvss_any = Some(score.trim().to_string());
        }
    };
    for s in raw.severity.iter().flatten() {
        note(&s.kind.0, &s.score.0);
    }
    for a in &raw_affected {
        for s in a.severity.iter().flatten() {
            note(&s.kind.0, &s.score.0);
        }
        if let Some(v) = a
            .database_specific
            .as_ref()
            .and_then(|d| d.cvss.as_ref()?.as_str())
        {
            note(
                if v.starts_with("CVSS:3") {
                    "CVSS_V3"
                } else {
                    "CVSS_V4"
                },
                v,
            );
        }
    }
    let informational = raw_affected
        .iter()
        .filter_map(|a| {
            a.database_specific
                .as_ref()?
                .informational
                .as_ref()?
                .as_str()
        })
        .find(|s| !s.is_empty())
        .map(str::to_string);
    let database_severity = raw
        .database_specific
        .as_ref()
        .and_then(|d| d.severity.as_ref()?.as_str());
    // A v3 vector first (what NVD and GitHub grade by), else a v4 one.
    let (severity, severity_source) = grade(
        cvss_v3.as_deref().or(cvss_any.as_deref()),
        database_severity,
        informational.is_some(),
    );

    let affected = raw_affected
        .into_iter()
        .filter_map(convert_affected)
        .collect();
    let summary = match (&raw.summary, &raw.details) {
        (Some(s), _) if !s.0.trim().is_empty() => s.0.trim().to_string(),
        // PyPI records have no summary: the first line of the details is
        // the nearest thing.
        (_, Some(d)) => first_sentence(&d.0),
        _ => String::new(),
    };
    let advisory_reference = raw
        .references
        .iter()
        .flatten()
        .find(|r| r.kind.0 == "ADVISORY")
        .map(|r| r.url.0.as_ref());
    Ok(Advisory {
        id: id.to_string(),
        aliases: raw
            .aliases
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.0.trim().to_string())
            .filter(|a| !a.is_empty() && a != id)
            .collect(),
        summary,
        severity,
        severity_source,
        cvss: cvss_v3.or(cvss_any),
        informational,
        affected,
        url: advisory_url(id, advisory_reference),
        withdrawn: raw.withdrawn.is_some_and(|w| !w.0.trim().is_empty()),
        modified: raw.modified.map(|m| m.0.into_owned()),
    })
}

fn convert_affected(raw: RawAffected<'_>) -> Option<Affected> {
    let package = raw.package?;
    let ecosystem = Ecosystem::from_osv(&package.ecosystem.0)?;
    let ranges = raw
        .ranges
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| {
            let kind = match r.kind.0.as_ref() {
                "SEMVER" => RangeKind::Semver,
                "ECOSYSTEM" => RangeKind::Ecosystem,
                "GIT" => RangeKind::Git,
                // An unknown range type cannot be evaluated: leave it out.
                _ => return None,
            };
            let events = r
                .events
                .unwrap_or_default()
                .into_iter()
                .filter_map(|e| {
                    if let Some(v) = e.introduced {
                        Some(Event::Introduced(v.0.into_owned()))
                    } else if let Some(v) = e.fixed {
                        Some(Event::Fixed(v.0.into_owned()))
                    } else if let Some(v) = e.last_affected {
                        Some(Event::LastAffected(v.0.into_owned()))
                    } else {
                        e.limit.map(|v| Event::Limit(v.0.into_owned()))
                    }
                })
                .collect();
            Some(Range { kind, events })
        })
        .collect();
    Some(Affected {
        ecosystem,
        name: ecosystem.normalize(&package.name.0),
        ranges,
        versions: raw
            .versions
            .unwrap_or_default()
            .into_iter()
            .map(|v| v.0.into_owned())
            .collect(),
        rustsec: None,
    })
}

/// The first line of a text, cut at the first sentence end, at most 200
/// characters (cut on a character boundary).
fn first_sentence(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    let end = line.find(". ").map_or(line.len(), |i| i + 1);
    let sentence = line.get(..end).unwrap_or(line);
    match sentence.char_indices().nth(200) {
        Some((i, _)) => format!("{}…", sentence.get(..i).unwrap_or(sentence)),
        None => sentence.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Severity;

    const MIXED: &str = r#"{
      "id": "PYSEC-2099-1",
      "modified": "2024-01-01T00:00:00Z",
      "aliases": ["CVE-2099-1", "GHSA-aaaa-bbbb-cccc"],
      "details": "A bad bug. More text here.\nSecond line.",
      "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}],
      "affected": [
        {"package": {"ecosystem": "Debian:12", "name": "python-foo"},
         "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.0-1"}]}]},
        {"package": {"ecosystem": "PyPI", "name": "Foo_Bar"},
         "ranges": [{"type": "GIT", "repo": "https://x", "events": [{"introduced": "abc"}]},
                    {"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"fixed": "1.2"}, {"limit": "*"}]},
                    {"type": "WEIRD", "events": []}],
         "versions": ["1.0", "1.1"],
         "ecosystem_specific": {"anything": [1, 2, {"deep": null}]},
         "database_specific": {"severity": {"not": "a string"}}}
      ],
      "references": [{"type": "ADVISORY", "url": "https://example.com/adv"}],
      "database_specific": {"severity": "LOW"}
    }"#;

    #[test]
    fn skips_entries_of_other_ecosystems_not_the_record() {
        let a = from_slice(MIXED.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.id, "PYSEC-2099-1");
        assert_eq!(a.aliases, ["CVE-2099-1", "GHSA-aaaa-bbbb-cccc"]);
        assert_eq!(a.summary, "A bad bug.");
        assert_eq!(a.severity, Severity::High);
        assert_eq!(a.url, "https://osv.dev/vulnerability/PYSEC-2099-1");
        assert_eq!(a.modified.as_deref(), Some("2024-01-01T00:00:00Z"));
        assert!(!a.withdrawn);
        assert_eq!(a.affected.len(), 1);
        let aff = &a.affected[0];
        assert_eq!(
            (aff.ecosystem, aff.name.as_str()),
            (Ecosystem::PyPI, "foo-bar")
        );
        assert_eq!(aff.versions, ["1.0", "1.1"]);
        assert_eq!(aff.ranges.len(), 2);
        assert_eq!(aff.ranges[0].kind, RangeKind::Git);
        assert_eq!(
            aff.ranges[1].events,
            [
                Event::Introduced("1.0".into()),
                Event::Fixed("1.2".into()),
                Event::Limit("*".into())
            ]
        );
    }

    #[test]
    fn from_json_reads_the_same_record() {
        let value: serde_json::Value = serde_json::from_str(MIXED).unwrap_or_default();
        let a = from_json(&value).map(|a| a.id);
        assert_eq!(a.as_deref(), Some("PYSEC-2099-1"));
        assert!(from_json(&serde_json::json!({"no": "id"})).is_none());
    }

    #[test]
    fn nulls_withdrawn_and_database_severity() {
        let a = from_slice(
            br#"{"id": "GHSA-x", "aliases": null, "summary": "s", "withdrawn": "2024-01-01T00:00:00Z",
                 "affected": [{"package": {"ecosystem": "npm", "name": "Left-Pad"}, "ranges": null}],
                 "database_specific": {"severity": "CRITICAL"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(a.withdrawn);
        assert_eq!(a.severity, Severity::Critical);
        assert_eq!(a.affected[0].name, "Left-Pad");
        assert!(a.aliases.is_empty());
    }

    #[test]
    fn reads_a_record_with_a_byte_order_mark() {
        let a = from_slice(b"\xEF\xBB\xBF{\"id\": \"GHSA-bom\"}").map(|a| a.id);
        assert_eq!(a.ok().as_deref(), Some("GHSA-bom"));
    }

    #[test]
    fn rejects_non_records() {
        assert!(from_slice(b"[1, 2]").is_err());
        assert!(from_slice(br#"{"id": "  "}"#).is_err());
        assert!(from_slice(b"{\"id\": \"X\", ").is_err());
    }
}
