//! Hard-coded secret detection: does this string contain a credential?
//!
//! This module owns that one question for every adapter. It knows nothing about
//! templates: an adapter hands it one value at a time, with the key the value
//! sits under when there is one (an environment variable name, a property name),
//! and gets back [`SecretHit`]s: a rule id, the byte span of the secret inside
//! the value and a [`redact`]ed preview. Turning hits into the model's
//! `hardcoded_secrets` is the adapters' job; the secret itself never needs to
//! leave this module.
//!
//! Two detectors run on each value:
//! - the pattern rules of `rules/secrets.toml` (ported from gitleaks, MIT; the
//!   file says which rules were left out and why), and
//! - [`NAMED_VALUE_RULE`]: a literal under a key that [`looks_sensitive_name`]
//!   (`DB_PASSWORD: hunter2!x`), for the secrets no pattern knows.
//!
//! Cost model, since every string of every template goes through [`SecretScanner::scan`]:
//! loading parses the TOML, checks the syntax of each regex (except in the
//! shipped file, which the unit tests check) and builds one Aho-Corasick
//! automaton over all rules' keywords; it compiles no regex. A
//! rule's regex is compiled the first time one of its keywords occurs in a
//! scanned value, and then shared between threads, so a scan costs one automaton
//! pass plus the few regexes whose keywords occur.
//!
//! The parts: [`rules`] reads the rules file, [`names`] judges key names,
//! [`entropy`] measures randomness and redacts; this file is the scanner
//! that runs them on a value.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::bytes::{Captures, Match};

/// The rules shipped with faasguard (`rules/secrets.toml`).
pub const BUILTIN_RULES: &str = include_str!("../../rules/secrets.toml");

/// Rule id of the key-name detector, which is built in rather than in the rules file.
pub const NAMED_VALUE_RULE: &str = "high-entropy-named-value";

const NAMED_VALUE_DESCRIPTION: &str = "A literal value under a name that says it is a secret \
     (password, token, API key, ...); keep it in Secrets Manager or SSM Parameter Store and \
     reference it from the template instead.";

/// Shorter values under a sensitive name are not reported (flags, ports, `true`).
const NAMED_VALUE_MIN_CHARS: usize = 8;
/// Below this, a value under a token/secret/key name looks like a word, not a key.
const NAMED_VALUE_MIN_ENTROPY: f64 = 3.0;

/// A secret found inside a scanned value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretHit {
    /// The rule's id from `rules/secrets.toml`, or [`NAMED_VALUE_RULE`].
    pub rule: String,
    pub(crate) description: String,
    /// Byte range of the secret inside the scanned value (always on char boundaries).
    pub start: usize,
    /// End of that byte range (exclusive).
    pub end: usize,
    /// [`redact`] of the secret: safe to print and to put in the model.
    pub redacted: String,
}

/// Why a rules file was rejected. Every rule-level problem names the rule.
#[derive(Debug, thiserror::Error)]
pub enum SecretRulesError {
    /// The rules file is not valid TOML or does not have the rules file's shape.
    #[error("secret rules are not valid: {0}")]
    Toml(#[from] toml::de::Error),
    /// A rule's `id` is empty.
    #[error("secret rule #{index} has an empty id")]
    EmptyId {
        /// The rule's position in the file, from 0 (as the message shows it).
        index: usize,
    },
    /// Two rules have the same `id`.
    #[error("secret rule `{id}` is defined twice")]
    DuplicateId {
        /// The repeated id.
        id: String,
    },
    /// A rule uses the built-in key-name check's id ([`NAMED_VALUE_RULE`]).
    #[error("secret rule id `{id}` is reserved for the built-in key-name check")]
    ReservedId {
        /// The reserved id.
        id: String,
    },
    /// A rule has no `regex`.
    #[error("secret rule `{id}` has no regex")]
    MissingRegex {
        /// The rule's id.
        id: String,
    },
    /// A rule's `regex` does not compile.
    #[error("secret rule `{id}` has an invalid regex: {source}")]
    Regex {
        /// The rule's id.
        id: String,
        /// The regex engine's error.
        #[source]
        source: regex::Error,
    },
    /// A rule's allowlist has a regex that does not compile.
    #[error("secret rule `{id}` has an invalid allowlist regex: {source}")]
    AllowlistRegex {
        /// The rule's id.
        id: String,
        /// The regex engine's error.
        #[source]
        source: regex::Error,
    },
    /// An allowlist's `regexTarget` is something other than `secret` (gitleaks' `match` and `line`
    /// are not supported).
    #[error(
        "secret rule `{id}`: allowlist regexTarget `{target}` is not supported (only `secret`)"
    )]
    AllowlistTarget {
        /// The rule's id.
        id: String,
        /// The `regexTarget` given.
        target: String,
    },
    /// `secretGroup` names a capture group the regex does not have.
    #[error("secret rule `{id}`: secretGroup {group} does not exist (the regex has {groups} capture groups)")]
    SecretGroup {
        /// The rule's id.
        id: String,
        /// The `secretGroup` given.
        group: usize,
        /// How many capture groups the regex has.
        groups: usize,
    },
    /// `entropy` is negative, infinite or not a number.
    #[error("secret rule `{id}`: entropy must be a finite number >= 0, not {entropy}")]
    Entropy {
        /// The rule's id.
        id: String,
        /// The value given.
        entropy: f64,
    },
    /// A rule's `keywords` list holds an empty string (it would match everywhere).
    #[error("secret rule `{id}` has an empty keyword")]
    EmptyKeyword {
        /// The rule's id.
        id: String,
    },
    /// The keyword pre-filter could not be built from all rules' keywords.
    #[error("cannot build the secret keyword automaton: {0}")]
    Keywords(#[from] aho_corasick::BuildError),
    /// More than one of the above: every problem in the file.
    #[error("{} problems in the secret rules:\n{}", .0.len(), list(.0))]
    Several(Vec<SecretRulesError>),
}

fn list(errors: &[SecretRulesError]) -> String {
    let lines: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
    lines.join("\n")
}

/// All problems at once (cargo-deny style), or the only one as itself.
fn collect(mut errors: Vec<SecretRulesError>) -> Result<(), SecretRulesError> {
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(SecretRulesError::Several(errors)),
    }
}

mod encoded;
mod entropy;
mod names;
mod replace;
mod rules;

pub use entropy::{redact, shannon_entropy};
use names::*;
pub use names::{looks_sensitive_name, looks_sensitive_parameter_name};
pub use replace::Replacer;
use rules::*;

// ---------------------------------------------------------------------------
// The scanner
// ---------------------------------------------------------------------------

/// The loaded rules plus the keyword automaton that decides which of them run.
pub struct SecretScanner {
    rules: Vec<Rule>,
    /// Over all distinct keywords, ASCII case-insensitive; `None` when no rule has any.
    keywords: Option<AhoCorasick>,
    /// For each automaton pattern, the rules listing it.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords, which run on every value.
    unconditional: Vec<usize>,
}

impl fmt::Debug for SecretScanner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretScanner")
            .field("rules", &self.rules.len())
            .field("keywords", &self.keyword_rules.len())
            .field("compiled", &self.compiled_count())
            .finish()
    }
}

/// A hit before dedup; `order` is the rule's index, `usize::MAX` for the named check.
struct Candidate {
    order: usize,
    start: usize,
    end: usize,
}

impl SecretScanner {
    /// Loads rules in the `rules/secrets.toml` format. Regex syntax is checked
    /// here; compilation (and the `secretGroup` range check, which needs it)
    /// happens on first use or in [`SecretScanner::compile_all`].
    pub fn from_toml(text: &str) -> Result<SecretScanner, SecretRulesError> {
        SecretScanner::load(text, Syntax::Check)
    }

    fn load(text: &str, syntax: Syntax) -> Result<SecretScanner, SecretRulesError> {
        let file: RulesFile = toml::from_str(text)?;
        let mut errors = Vec::new();
        let mut rules = Vec::with_capacity(file.rules.len());
        let mut seen = HashSet::new();
        let mut pattern_of: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut unconditional = Vec::new();

        for (index, spec) in file.rules.into_iter().enumerate() {
            let keywords: Vec<String> = spec.keywords.iter().map(|k| k.to_lowercase()).collect();
            let rule = match Rule::from_spec(index, spec, syntax) {
                Ok(rule) => rule,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            if !seen.insert(rule.id.clone()) {
                errors.push(SecretRulesError::DuplicateId { id: rule.id });
                continue;
            }
            let at = rules.len();
            if keywords.is_empty() {
                unconditional.push(at);
            }
            for keyword in keywords {
                let p = *pattern_of.entry(keyword).or_insert_with_key(|k| {
                    patterns.push(k.clone());
                    keyword_rules.push(Vec::new());
                    patterns.len() - 1
                });
                if !keyword_rules[p].contains(&at) {
                    keyword_rules[p].push(at);
                }
            }
            rules.push(rule);
        }
        collect(errors)?;

        let keywords = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .ascii_case_insensitive(true)
                    .build(&patterns)?,
            )
        };
        Ok(SecretScanner {
            rules,
            keywords,
            keyword_rules,
            unconditional,
        })
    }

    /// The shipped rules, loaded once per process (in a few milliseconds: no
    /// regex is compiled, and their syntax is checked by the unit tests rather
    /// than at every start).
    ///
    /// # Panics
    /// If `rules/secrets.toml` does not load, which the unit tests rule out.
    // The rules are compiled into the binary, not read from input: every
    // unit test run loads them, so a failure here is a build defect no input
    // can cause.
    #[allow(clippy::panic)]
    pub fn builtin() -> &'static SecretScanner {
        static BUILTIN: OnceLock<SecretScanner> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            SecretScanner::load(BUILTIN_RULES, Syntax::Trust)
                .unwrap_or_else(|e| panic!("rules/secrets.toml does not load: {e}"))
        })
    }

    /// Secrets in `value`, sorted by position, at most one per span (when two
    /// rules find the same or nested spans, the wider span wins, then the rule
    /// listed first). `key` is the name the value sits under, if any: rules see
    /// `key=value`, so `TWITTER_API_SECRET` + a bare token reads like the
    /// assignment those rules expect, and the key-name check runs when no rule
    /// found anything.
    ///
    /// Base64 runs of the value that decode to text are scanned too
    /// ([`encoded`]): a hit there spans the whole run.
    pub fn scan(&self, key: Option<&str>, value: &str) -> Vec<SecretHit> {
        let mut hits = self.scan_plain(key, value);
        let encoded = encoded::hits(self, value, &hits);
        if !encoded.is_empty() {
            hits.extend(encoded);
            hits.sort_by_key(|h| h.start);
        }
        hits
    }

    /// [`SecretScanner::scan`] without opening base64.
    fn scan_plain(&self, key: Option<&str>, value: &str) -> Vec<SecretHit> {
        let key = key.filter(|k| !k.is_empty());
        let haystack: Cow<'_, str> = match key {
            Some(k) => Cow::Owned(format!("{k}={value}")),
            None => Cow::Borrowed(value),
        };
        // Where `value` starts inside the haystack; spans before it are in the key.
        let offset = haystack.len() - value.len();
        let hay = haystack.as_bytes();
        let references = reference_spans(value);

        let triggered = self.triggered(hay);
        let mut candidates = Vec::new();
        for (order, rule) in self.rules.iter().enumerate() {
            if !triggered[order] {
                continue;
            }
            let Some(compiled) = rule.compiled() else {
                continue;
            };
            for caps in compiled.regex.captures_iter(hay) {
                let Some(m) = secret_span(&caps, rule.secret_group) else {
                    continue;
                };
                if m.start() < offset {
                    continue;
                }
                let (start, end) = snap_to_chars(value, m.start() - offset, m.end() - offset);
                if start >= end || overlaps(&references, start, end) {
                    continue;
                }
                let secret = &value[start..end];
                if is_placeholder(secret)
                    || rule
                        .entropy
                        .is_some_and(|min| shannon_entropy(secret) <= min)
                    || compiled
                        .allowlist
                        .iter()
                        .any(|a| a.is_match(secret.as_bytes()))
                {
                    continue;
                }
                candidates.push(Candidate { order, start, end });
            }
        }

        if candidates.is_empty() {
            if let Some((start, end)) = key.and_then(|k| named_value_span(k, value)) {
                candidates.push(Candidate {
                    order: usize::MAX,
                    start,
                    end,
                });
            }
        }

        candidates.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(b.end.cmp(&a.end))
                .then(a.order.cmp(&b.order))
        });
        let mut hits: Vec<SecretHit> = Vec::with_capacity(candidates.len());
        let mut reach = 0;
        for c in candidates {
            // Sorted by start, so a span is nested in a kept one iff it ends by `reach`.
            if !hits.is_empty() && c.end <= reach {
                continue;
            }
            reach = reach.max(c.end);
            let (rule, description) = match self.rules.get(c.order) {
                Some(rule) => (rule.id.as_str(), rule.description.as_str()),
                None => (NAMED_VALUE_RULE, NAMED_VALUE_DESCRIPTION),
            };
            hits.push(SecretHit {
                rule: rule.to_owned(),
                description: description.to_owned(),
                start: c.start,
                end: c.end,
                redacted: redact(&value[c.start..c.end]),
            });
        }
        hits
    }

    /// Which rules must run on `hay`: those without keywords, and those with a
    /// keyword in it (one automaton pass, all overlapping matches).
    fn triggered(&self, hay: &[u8]) -> Vec<bool> {
        let mut on = vec![false; self.rules.len()];
        for &i in &self.unconditional {
            on[i] = true;
        }
        if let Some(ac) = &self.keywords {
            for m in ac.find_overlapping_iter(hay) {
                for &i in &self.keyword_rules[m.pattern().as_usize()] {
                    on[i] = true;
                }
            }
        }
        on
    }

    /// Compiles every rule now (for a `--check`-style command, or to move the
    /// cost out of a timed section) and reports every rule that fails.
    pub fn compile_all(&self) -> Result<(), SecretRulesError> {
        let mut errors = Vec::new();
        for rule in &self.rules {
            if let Some(Some(_)) = rule.compiled.get() {
                continue;
            }
            match rule.compile() {
                // `set` fails only if another thread compiled it meanwhile: same result.
                Ok(compiled) => {
                    let _ = rule.compiled.set(Some(compiled));
                }
                Err(e) => errors.push(e),
            }
        }
        collect(errors)
    }

    /// How many rules have been compiled (or tried) so far.
    pub fn compiled_count(&self) -> usize {
        self.rules
            .iter()
            .filter(|r| r.compiled.get().is_some())
            .count()
    }

    /// How many pattern rules are loaded (the key-name check is not counted).
    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }
}

/// gitleaks' choice of secret: `secretGroup` if set (0 = whole match), else
/// the first non-empty group, else the whole match.
fn secret_span<'h>(caps: &Captures<'h>, group: Option<usize>) -> Option<Match<'h>> {
    match group {
        Some(g) => caps.get(g),
        None => caps
            .iter()
            .skip(1)
            .flatten()
            .find(|m| !m.is_empty())
            .or_else(|| caps.get(0)),
    }
}

/// Widens a byte span to char boundaries: with Unicode off, a class such as
/// `[^"]` can stop inside a multi-byte character.
fn snap_to_chars(value: &str, start: usize, end: usize) -> (usize, usize) {
    let mut end = end.min(value.len());
    let mut start = start.min(end);
    while !value.is_char_boundary(start) {
        start -= 1;
    }
    while !value.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

fn overlaps(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    spans.iter().any(|&(s, e)| s < end && start < e)
}

/// Spans of template references inside a value: `${...}` (CloudFormation
/// `!Sub`, Serverless, Terraform), `%{...}` (Terraform directives), `{{...}}`
/// (dynamic references such as `{{resolve:secretsmanager:...}}`, Jinja, Go
/// templates) and `$(...)` (shell substitution in scripts). A match that
/// touches one is not a literal secret. Unclosed references run to the end.
fn reference_spans(value: &str) -> Vec<(usize, usize)> {
    let bytes = value.as_bytes();
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let end = match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => value[i + 2..]
                .find("}}")
                .map_or(bytes.len(), |at| i + 2 + at + 2),
            (b'$' | b'%', b'{') => closing(bytes, i + 2, b'{', b'}'),
            (b'$', b'(') => closing(bytes, i + 2, b'(', b')'),
            _ => {
                i += 1;
                continue;
            }
        };
        spans.push((i, end));
        i = end;
    }
    spans
}

/// End (exclusive) of a bracketed reference whose body starts at `from`.
fn closing(bytes: &[u8], from: usize, open: u8, close: u8) -> usize {
    let mut depth = 1usize;
    for (j, &b) in bytes.iter().enumerate().skip(from) {
        if b == open {
            depth += 1;
        } else if b == close {
            depth -= 1;
            if depth == 0 {
                return j + 1;
            }
        }
    }
    bytes.len()
}

/// Values that hold no secret: empty, a run of one mask character (`****`,
/// `xxxx`), `<your-token>`, or a word that says "no value here". Weak but real
/// values (`changeme`, `password`) are NOT placeholders: a template that
/// deploys them deploys a guessable credential.
fn is_placeholder(secret: &str) -> bool {
    const WORDS: &[&str] = &[
        "example",
        "placeholder",
        "redacted",
        "none",
        "null",
        "nil",
        "undefined",
        "todo",
        "tbd",
        "n/a",
    ];
    const LEADS: &[&str] = &["your", "replace", "insert", "enter"];
    let s = secret.trim();
    let Some(first) = s.chars().next() else {
        return true;
    };
    if s.chars().all(|c| c == first)
        || s.chars()
            .all(|c| matches!(c, '*' | 'x' | 'X' | '#' | '.' | '-' | '_' | ' '))
        || (s.starts_with('<') && s.ends_with('>'))
        || (s.starts_with('[') && s.ends_with(']'))
    {
        return true;
    }
    let lower = s.to_ascii_lowercase();
    WORDS.contains(&lower.as_str())
        || LEADS.iter().any(|lead| {
            lower
                .strip_prefix(lead)
                .is_some_and(|rest| rest.starts_with(['_', '-', ' ']))
        })
}

/// References to a value kept elsewhere, as a whole value.
fn is_reference(value: &str) -> bool {
    const PREFIXES: &[&str] = &["arn:", "ssm:", "ssm-secure:", "secretsmanager:", "resolve:"];
    let lower = value.to_ascii_lowercase();
    if PREFIXES.iter().any(|p| lower.starts_with(p)) || !reference_spans(value).is_empty() {
        return true;
    }
    // `$NAME`, `%NAME%`, `@NAME@`: variables of shells, Windows and build tools.
    let is_name =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    value.strip_prefix('$').is_some_and(is_name)
        || ['%', '@'].iter().any(|&d| {
            value
                .strip_prefix(d)
                .and_then(|v| v.strip_suffix(d))
                .is_some_and(is_name)
        })
}

/// `scheme://...`: a URL with a password is reported by `url-embedded-credentials`.
fn looks_like_url(value: &str) -> bool {
    value.split_once("://").is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
    })
}

/// `/myapp/prod/db-password`: an SSM parameter name or a file path, which code
/// reads the secret from. Random keys that happen to start with `/` have more
/// entropy than a path of words.
fn looks_like_path(value: &str) -> bool {
    value.starts_with('/')
        && value[1..].contains('/')
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'.'))
        && shannon_entropy(value) < 4.2
}

/// `sts.amazonaws.com`, `lambda.amazonaws.com`, `api.example.org`: a host
/// name or service principal (dot-separated labels, the last one a word),
/// which names who is trusted or where to connect, never a credential.
fn looks_like_host(value: &str) -> bool {
    let labels: Vec<&str> = value.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_lowercase()))
        && !value.bytes().any(|b| b.is_ascii_uppercase())
}

/// `repo:acme/orders:ref:refs/heads/main`, `system:serviceaccount:ns:app`,
/// `urn:ietf:params:oauth`: a `scheme:` word followed by colon- or
/// slash-separated parts, none of which looks random. OIDC subjects and
/// audiences, URNs and similar identifiers sit under token-named keys
/// (`token.actions.githubusercontent.com:sub`) without being secrets.
fn looks_like_subject(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    (2..=20).contains(&scheme.len())
        && scheme.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        && !rest.is_empty()
        && rest.split([':', '/']).all(|part| !looks_random(part))
}

/// A part of an identifier that reads like a generated key: long, mixed
/// case with digits, and high entropy.
fn looks_random(part: &str) -> bool {
    let has = |f: fn(&u8) -> bool| part.as_bytes().iter().any(f);
    part.chars().count() >= 16
        && has(u8::is_ascii_digit)
        && has(u8::is_ascii_uppercase)
        && has(u8::is_ascii_lowercase)
        && shannon_entropy(part) > 3.5
}

/// IAM and trust-policy condition keys (`aws:SourceArn`,
/// `token.actions.githubusercontent.com:aud`, `accounts.google.com:sub`)
/// name an attribute of a request: `namespace:name`, never a variable that
/// holds a secret, however the namespace is spelt.
fn is_condition_key(key: &str) -> bool {
    let ident = |s: &str, extra: &[u8]| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || extra.contains(&b))
    };
    key.split_once(':')
        .is_some_and(|(ns, name)| ident(ns, b"_") && ident(name, b"_:/"))
}

/// The span of the trimmed value when it is a literal secret under a sensitive
/// name. Password-like names report any literal (`hunter2!x` is a finding);
/// other names need an entropy of at least 3.0 and a value that looks like a
/// token (no spaces after an optional `Bearer `, not only digits).
fn named_value_span(key: &str, value: &str) -> Option<(usize, usize)> {
    let kind = classify_name(key)?;
    let trimmed = value.trim();
    let start = value.len() - value.trim_start().len();
    let end = start + trimmed.len();
    if trimmed.chars().count() < NAMED_VALUE_MIN_CHARS
        || is_placeholder(trimmed)
        || is_reference(trimmed)
        || looks_like_url(trimmed)
        || looks_like_path(trimmed)
        || looks_like_host(trimmed)
    {
        return None;
    }
    if kind == NameKind::Password {
        return Some((start, end));
    }
    // A name that sounds like a secret is not enough: the value must look
    // like a credential, not like an identifier of a principal or a subject.
    if looks_like_subject(trimmed) {
        return None;
    }
    let token = ["Bearer ", "Basic ", "Token "]
        .iter()
        .find_map(|scheme| trimmed.strip_prefix(scheme))
        .unwrap_or(trimmed);
    let token_like =
        !token.contains(char::is_whitespace) && !token.bytes().all(|b| b.is_ascii_digit());
    (token_like && shannon_entropy(trimmed) >= NAMED_VALUE_MIN_ENTROPY).then_some((start, end))
}

#[cfg(test)]
mod tests;
