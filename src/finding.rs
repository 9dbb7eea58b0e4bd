//! Findings: rule results located in the source, with content-based
//! fingerprints, plus the diagnostics a scan gathers along the way.

use crate::rule::Severity;
use crate::secret::Replacer;
use crate::source::{SourceMap, Span};

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// The rule's id from its METADATA (`FG-IAM-001`).
    pub rule_id: String,
    /// The rule's severity, or the one `[rules]` in the config sets for it.
    pub severity: Severity,
    /// What is wrong, in the format's and cloud's own terms, as the rule wrote it (secrets
    /// redacted).
    pub message: String,
    /// The offending value (or, for something missing, its resource header).
    pub span: Span,
    /// The model item the rule named (`MyFunction`, `MyFunction/Role`).
    pub resource: Option<String>,
    /// Its source resource type, when known.
    pub resource_type: Option<String>,
    /// The model path the rule named (`environment.DB_PASSWORD`).
    pub path: Option<String>,
    /// Content-based: rule, file, resource and path, never the line.
    pub fingerprint: String,
    /// For dependency findings (`FG-DEP-*`): the advisory and the package.
    pub dependency: Option<Box<DependencyFacts>>,
    /// The rule's fix in the terms of the finding's format (its `fixes`
    /// entry), when the rule has one; reports fall back to `remediation`.
    pub fix: Option<std::sync::Arc<str>>,
    /// The AWS CDK construct that synthesized the resource
    /// (`OrdersStack/OrdersFunction/Resource`, from `Metadata."aws:cdk:path"`).
    pub construct_path: Option<String>,
    /// For a finding inside a Terraform module: every call that
    /// instantiates it (the root module's `module` block, and the module
    /// instance it made), sorted. The same module called from several
    /// roots gives one finding per location listing every call.
    pub instantiated_by: Vec<Instantiation>,
    /// The rule's single-value fix: the value at `span` is `from`, and
    /// `to` would fix it ([`crate::fix`] turns it into an edit).
    pub replace: Option<Box<Replace>>,
}

/// A rule's single-value fix (`"replace": {"from": "python3.8", "to":
/// "python3.14"}` in its result).
#[derive(Clone, Debug, PartialEq)]
pub struct Replace {
    pub(crate) from: serde_json::Value,
    pub(crate) to: serde_json::Value,
}

/// A module call that instantiated a finding's resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Instantiation {
    /// The `module` block in the root module (its header).
    pub span: Span,
    /// The module instance's address (`module.fn`, `module.fn["a"]`,
    /// `module.app.module.inner`).
    pub module: String,
}

impl Finding {
    /// How to fix it: the format's own fix, else the rule's remediation.
    pub fn remediation<'a>(&'a self, rule: &'a crate::rule::Rule) -> &'a str {
        self.fix.as_deref().unwrap_or(&rule.meta.remediation)
    }
}

/// What a dependency finding is about: the advisory, the locked package, and
/// the functions that ship it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DependencyFacts {
    /// The advisory id (`GHSA-...`, `PYSEC-...`, `RUSTSEC-...`).
    pub advisory: String,
    /// Other ids of the same vulnerability (`CVE-...`).
    pub aliases: Vec<String>,
    pub(crate) summary: String,
    pub(crate) url: String,
    /// The CVSS vector, when the advisory has one.
    pub cvss: Option<String>,
    /// RustSec informational kind (`unmaintained`, `unsound`).
    pub informational: Option<String>,
    /// OSV ecosystem name (`PyPI`, `npm`, `crates.io`, `Go`).
    pub ecosystem: String,
    pub(crate) package: String,
    pub(crate) version: String,
    /// Versions to upgrade to (the fixed version of the affected range).
    pub fixed: Vec<String>,
    /// Functions whose code ships the lockfile (ids, `file#id`).
    pub functions: Vec<String>,
    /// Only a development dependency.
    pub dev: bool,
}

/// How serious a diagnostic is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Worth knowing (lockfiles found but no advisory database to check them against).
    Note,
    /// Something was taken in part or with a caveat (an adapter's note, a refused config value).
    Warning,
    /// Something was not checked: a file that could not be read or parsed, a policy that failed.
    Error,
}

impl Level {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Something the scanner itself has to say: a file it could not parse, a
/// policy that failed, a setting that does not apply.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// How serious it is.
    pub level: Level,
    /// Stable kind for machines: `parse-error`, `read-error`, `skipped`, ...
    pub code: &'static str,
    /// What happened, for a person (secrets redacted).
    pub message: String,
    /// The file (display path), if the diagnostic is about one.
    pub file: Option<String>,
    /// Where in the file, when the diagnostic is about a place.
    pub span: Option<Span>,
}

impl Diagnostic {
    /// A diagnostic not about any file; `code` is its stable kind.
    pub fn new(level: Level, code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            level,
            code,
            message: message.into(),
            file: None,
            span: None,
        }
    }

    /// The diagnostic about `file` (its display path), at `span` when known.
    pub fn in_file(mut self, file: impl Into<String>, span: Option<Span>) -> Self {
        self.file = Some(file.into());
        self.span = span;
        self
    }
}

/// FNV-1a, 64 bit: stable across platforms and releases (unlike std's hasher).
pub fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The fingerprint of a finding: same rule, file, resource and property give
/// the same fingerprint wherever the lines move.
pub fn fingerprint(
    rule: &str,
    file: &str,
    resource: Option<&str>,
    path: Option<&str>,
    message: &str,
) -> String {
    // Rules that report no resource (conftest-style) are told apart by message.
    let tail = if resource.is_none() && path.is_none() {
        message
    } else {
        ""
    };
    format!(
        "{:016x}",
        fnv1a(&[rule, file, resource.unwrap_or(""), path.unwrap_or(""), tail])
    )
}

/// Deterministic order: file, position, rule, then the rest.
pub fn sort(findings: &mut [Finding], sources: &SourceMap) {
    let key = |f: &Finding| {
        (
            sources
                .get(f.span.file)
                .map(|s| s.display.clone())
                .unwrap_or_default(),
            f.span.start,
            f.span.end,
            f.rule_id.clone(),
            f.resource.clone(),
            f.path.clone(),
            f.message.clone(),
        )
    };
    findings.sort_by_cached_key(key);
}

/// Replaces every occurrence of the secrets a scan found with their redacted
/// forms, in any text that reaches an output (snippets, messages). A secret
/// made only of letters is left alone inside a longer word (ADR 0057).
#[derive(Clone, Debug, Default)]
pub struct Redactor {
    /// (secret, redacted, masked), in the order added; each secret once.
    pairs: Vec<(String, String, String)>,
    seen: std::collections::HashSet<String>,
    /// The matchers for [`Redactor::redact`] and [`Redactor::mask`], built on
    /// first use after the last [`Redactor::add`].
    matchers: std::sync::OnceLock<(Replacer, Replacer)>,
}

impl Redactor {
    pub(crate) fn add(&mut self, secret: &str, redacted: &str) {
        if secret.len() >= 4 && self.seen.insert(secret.to_string()) {
            self.pairs.push((
                secret.to_string(),
                redacted.to_string(),
                mask(secret, redacted),
            ));
            self.matchers = std::sync::OnceLock::new();
        }
    }

    fn matchers(&self) -> &(Replacer, Replacer) {
        self.matchers.get_or_init(|| {
            let by = |pick: fn(&(String, String, String)) -> &str| {
                Replacer::new(self.pairs.iter().map(|p| (p.0.as_str(), pick(p))))
                    .keep_inside_words()
            };
            (by(|p| p.1.as_str()), by(|p| p.2.as_str()))
        })
    }

    /// Secrets replaced by their short redacted form (`sk_live_****Rb`): for
    /// messages.
    pub fn redact(&self, text: &str) -> String {
        if self.pairs.is_empty() {
            return text.to_string();
        }
        self.matchers().0.replace(text).into_owned()
    }

    /// Secrets masked with `*` keeping the text's length in bytes and
    /// characters, so columns and byte offsets still line up: for snippets.
    pub fn mask(&self, text: &str) -> String {
        if self.pairs.is_empty() {
            return text.to_string();
        }
        self.matchers().1.replace(text).into_owned()
    }

    /// No secret was added: every text passes through unchanged.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// The redacted form stretched to the secret's length: the prefix and suffix
/// the redacted form shows, `*` in between. Non-ASCII secrets are all `*`.
fn mask(secret: &str, redacted: &str) -> String {
    if !secret.is_ascii() {
        return "*".repeat(secret.len());
    }
    let (prefix, suffix) = match redacted.find('*') {
        Some(i) => (&redacted[..i], redacted[i..].trim_start_matches('*')),
        None => ("", ""),
    };
    let keep = prefix.len() + suffix.len();
    if keep >= secret.len() || !secret.starts_with(prefix) || !secret.ends_with(suffix) {
        return "*".repeat(secret.len());
    }
    format!("{prefix}{}{suffix}", "*".repeat(secret.len() - keep))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_length() {
        let mut r = Redactor::default();
        r.add("sk_live_4eC39HqLyjWDarjtT1zdp7dcRb", "sk_live_****Rb");
        let line = "KEY: sk_live_4eC39HqLyjWDarjtT1zdp7dcRb # x";
        let masked = r.mask(line);
        assert_eq!(masked.len(), line.len());
        assert!(masked.starts_with("KEY: sk_live_*"));
        assert!(masked.ends_with("Rb # x"));
        assert!(!masked.contains("4eC39"));
    }

    #[test]
    fn fingerprints_ignore_position_but_not_content() {
        let a = fingerprint(
            "FG-IAM-001",
            "t.yaml",
            Some("Fn"),
            Some("statements.0"),
            "m1",
        );
        let b = fingerprint(
            "FG-IAM-001",
            "t.yaml",
            Some("Fn"),
            Some("statements.0"),
            "m2",
        );
        let c = fingerprint(
            "FG-IAM-001",
            "t.yaml",
            Some("Fn2"),
            Some("statements.0"),
            "m1",
        );
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.len(), 16);
    }

    #[test]
    fn a_word_like_secret_inside_a_longer_name_is_left_alone() {
        let mut r = Redactor::default();
        r.add("secretsmanager", "se****er");
        assert_eq!(
            r.redact("Secret aws_secretsmanager_secret.x: Password secretsmanager"),
            "Secret aws_secretsmanager_secret.x: Password se****er"
        );
        // Next to an escape or a quote it is the value itself, so it is masked.
        let line = r#"  "Password": "a\nsecretsmanager\n", x: [secretsmanager]"#;
        let masked = r.mask(line);
        assert!(!masked.contains("secretsmanager"), "{masked}");
        assert_eq!(masked.len(), line.len());
        // A secret with a digit is replaced even inside a word.
        r.add("hunter2x", "hu****2x");
        assert_eq!(r.redact("id_hunter2x_y"), "id_hu****2x_y");
    }

    proptest::proptest! {
        /// Wherever a secret stands next to anything but a letter, digit or
        /// `_`, neither a message nor a snippet shows it.
        #[test]
        fn a_secret_next_to_a_delimiter_never_shows(
            secret in "[A-Za-z0-9!#%+/=_-]{4,24}",
            before in "[A-Za-z0-9_]{0,3}[ \"'\\\\:=,\\[\\]{}$@.-]",
            after in "[ \"'\\\\:=,\\[\\]{}@.-]{0,1}[A-Za-z0-9_]{0,3}",
        ) {
            let mut r = Redactor::default();
            r.add(&secret, &crate::secret::redact(&secret));
            for text in [format!("{before}{secret}{after}"), format!("{secret}{after}{before}{secret}")] {
                let masked = r.mask(&text);
                proptest::prop_assert_eq!(masked.len(), text.len());
                proptest::prop_assert!(!masked.contains(secret.as_str()), "{masked:?}");
                proptest::prop_assert!(!r.redact(&text).contains(secret.as_str()));
            }
        }
    }

    #[test]
    fn redactor_replaces_longest_first() {
        let mut r = Redactor::default();
        r.add("AKIAABCD", "AK****");
        r.add("AKIAABCDEFGHIJKLMNOP", "AKIA****OP");
        assert_eq!(r.redact("key: AKIAABCDEFGHIJKLMNOP"), "key: AKIA****OP");
    }
}
