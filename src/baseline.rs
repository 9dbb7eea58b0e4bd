//! Baselines: the fingerprints of findings a project accepts as they are
//! today, so that a scan reports only new ones (`faasguard baseline create`,
//! then `scan --baseline FILE`).
//!
//! Fingerprints are content-based (rule, file, resource, property; see
//! [`crate::finding::fingerprint`]), so entries keep matching when lines move.
//! The file is written sorted, one entry per line, so that a change to it
//! reads as a small diff in review:
//!
//! ```json
//! {
//!   "version": 1,
//!   "tool": "faasguard",
//!   "findings": [
//!     {"fingerprint": "2dabc7a38062ff63", "rule_id": "FG-SEC-002", "file": "template.yaml", "resource": "DbPassword"}
//!   ]
//! }
//! ```
//!
//! Only `fingerprint` is matched; the other fields are there for people
//! reading the file and for the list of fixed findings.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::source::SourceMap;

/// Where `baseline create` writes by default.
pub const DEFAULT_FILE: &str = ".faasguard-baseline.json";

/// The file format's version.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub(crate) fingerprint: String,
    #[serde(default)]
    pub(crate) rule_id: String,
    /// The file's display path when the baseline was written.
    #[serde(default)]
    pub file: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) resource: Option<String>,
}

impl Entry {
    fn sort_key(&self) -> (&str, &str, Option<&str>, &str) {
        (
            &self.file,
            &self.rule_id,
            self.resource.as_deref(),
            &self.fingerprint,
        )
    }
}

/// A loaded baseline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Baseline {
    /// The path as given (what reports show).
    pub path: String,
    pub(crate) entries: Vec<Entry>,
}

/// What a scan made of its baseline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// The baseline file, as given.
    pub file: String,
    /// Entries in it.
    pub entries: usize,
    /// Findings it suppressed in this scan.
    pub matched: usize,
    /// Entries that matched no finding: fixed (or moved to another file)
    /// since the baseline was written.
    pub fixed: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    version: u32,
    #[serde(default)]
    #[allow(dead_code)]
    tool: Option<String>,
    findings: Vec<Entry>,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot use baseline {path}: {message}")]
pub struct BaselineError {
    pub(crate) path: String,
    pub(crate) message: String,
}

impl Baseline {
    /// Entries for findings, sorted by file, rule, resource and fingerprint,
    /// one per fingerprint.
    pub fn from_findings(findings: &[Finding], sources: &SourceMap) -> Vec<Entry> {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                file: sources
                    .get(f.span.file)
                    .map(|s| s.display.clone())
                    .unwrap_or_default(),
                resource: f.resource.clone(),
            })
            .collect();
        entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        entries
    }

    /// The file text: sorted, one entry per line, a final newline.
    pub fn render(entries: &[Entry]) -> String {
        let mut entries: Vec<&Entry> = entries.iter().collect();
        entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut out = format!("{{\n  \"version\": {VERSION},\n  \"tool\": \"faasguard\",\n");
        if entries.is_empty() {
            out.push_str("  \"findings\": []\n}\n");
            return out;
        }
        out.push_str("  \"findings\": [\n");
        for (i, e) in entries.iter().enumerate() {
            let line = serde_json::to_string(e).unwrap_or_default();
            // `{"a":1,"b":2}` → `{"a": 1, "b": 2}`: easier on the eye, still one line.
            out.push_str("    ");
            out.push_str(&spaced(&line));
            out.push_str(if i + 1 < entries.len() { ",\n" } else { "\n" });
        }
        out.push_str("  ]\n}\n");
        out
    }

    /// Read a baseline file (`--baseline`); an error names the file and what is wrong (unreadable,
    /// not JSON, another version).
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError {
            path: shown.clone(),
            message: e.to_string(),
        })?;
        Baseline::parse(&shown, &text)
    }

    pub(crate) fn parse(shown: &str, text: &str) -> Result<Baseline, BaselineError> {
        let err = |message: String| BaselineError {
            path: shown.to_string(),
            message,
        };
        let file: FileFormat = serde_json::from_str(text).map_err(|e| err(e.to_string()))?;
        if file.version != VERSION {
            return Err(err(format!(
                "version {} is not supported (expected {VERSION})",
                file.version
            )));
        }
        Ok(Baseline {
            path: shown.to_string(),
            entries: file.findings,
        })
    }
}

/// Adds a space after the `:` and `,` separating members of compact JSON
/// (not inside strings).
fn spaced(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    for c in compact.chars() {
        out.push(c);
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        } else if c == ':' || c == ',' {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(fp: &str, rule: &str, file: &str) -> Entry {
        Entry {
            fingerprint: fp.into(),
            rule_id: rule.into(),
            file: file.into(),
            resource: Some("Fn".into()),
        }
    }

    #[test]
    fn renders_sorted_one_entry_per_line_and_reads_back() {
        let entries = vec![
            entry("bb", "FG-TMO-001", "b.yaml"),
            entry("aa", "FG-IAM-001", "b.yaml"),
            entry("cc", "FG-TMO-001", "a.yaml"),
        ];
        let text = Baseline::render(&entries);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 9, "{text}");
        assert!(lines[4].contains("\"cc\"") && lines[4].contains("a.yaml"));
        assert!(lines[5].contains("\"aa\""));
        assert_eq!(
            lines[6],
            r#"    {"fingerprint": "bb", "rule_id": "FG-TMO-001", "file": "b.yaml", "resource": "Fn"}"#
        );
        let back = Baseline::parse("b", &text).unwrap();
        assert_eq!(back.entries.len(), 3);
        assert_eq!(Baseline::render(&back.entries), text, "rendering is stable");
    }

    #[test]
    fn empty_baselines_and_bad_versions() {
        let text = Baseline::render(&[]);
        assert!(Baseline::parse("b", &text).unwrap().entries.is_empty());
        let e = Baseline::parse("b", r#"{"version": 9, "findings": []}"#).unwrap_err();
        assert!(e.to_string().contains("version 9"), "{e}");
        assert!(Baseline::parse("b", "{").is_err());
    }

    #[test]
    fn spacing_leaves_strings_alone() {
        assert_eq!(
            spaced(r#"{"a":"x:,\"y","b":1}"#),
            r#"{"a": "x:,\"y", "b": 1}"#
        );
    }
}
