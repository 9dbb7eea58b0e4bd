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

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::bytes::{Captures, Match, Regex, RegexBuilder};
use serde::Deserialize;

/// The rules shipped with faasguard (`rules/secrets.toml`).
pub const BUILTIN_RULES: &str = include_str!("../rules/secrets.toml");

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
    pub description: String,
    /// Byte range of the secret inside the scanned value (always on char boundaries).
    pub start: usize,
    pub end: usize,
    /// [`redact`] of the secret: safe to print and to put in the model.
    pub redacted: String,
}

/// Why a rules file was rejected. Every rule-level problem names the rule.
#[derive(Debug, thiserror::Error)]
pub enum SecretRulesError {
    #[error("secret rules are not valid: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("secret rule #{index} has an empty id")]
    EmptyId { index: usize },
    #[error("secret rule `{id}` is defined twice")]
    DuplicateId { id: String },
    #[error("secret rule id `{id}` is reserved for the built-in key-name check")]
    ReservedId { id: String },
    #[error("secret rule `{id}` has no regex")]
    MissingRegex { id: String },
    #[error("secret rule `{id}` has an invalid regex: {source}")]
    Regex {
        id: String,
        #[source]
        source: regex::Error,
    },
    #[error("secret rule `{id}` has an invalid allowlist regex: {source}")]
    AllowlistRegex {
        id: String,
        #[source]
        source: regex::Error,
    },
    #[error(
        "secret rule `{id}`: allowlist regexTarget `{target}` is not supported (only `secret`)"
    )]
    AllowlistTarget { id: String, target: String },
    #[error("secret rule `{id}`: secretGroup {group} does not exist (the regex has {groups} capture groups)")]
    SecretGroup {
        id: String,
        group: usize,
        groups: usize,
    },
    #[error("secret rule `{id}`: entropy must be a finite number >= 0, not {entropy}")]
    Entropy { id: String, entropy: f64 },
    #[error("secret rule `{id}` has an empty keyword")]
    EmptyKeyword { id: String },
    #[error("cannot build the secret keyword automaton: {0}")]
    Keywords(#[from] aho_corasick::BuildError),
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

// ---------------------------------------------------------------------------
// The rules file
// ---------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[allow(dead_code)] // documents the file; accepted so gitleaks files load
    title: Option<String>,
    #[serde(default)]
    rules: Vec<RuleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RuleSpec {
    id: String,
    #[serde(default)]
    description: String,
    regex: Option<String>,
    #[serde(default)]
    keywords: Vec<String>,
    entropy: Option<f64>,
    secret_group: Option<usize>,
    #[serde(default)]
    allowlists: Vec<AllowlistSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct AllowlistSpec {
    #[allow(dead_code)] // documentation only
    description: Option<String>,
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
}

/// One validated rule; its regexes are compiled on first use.
struct Rule {
    id: String,
    description: String,
    pattern: String,
    /// Secrets matching one of these are not reported.
    allowlist: Vec<String>,
    /// The secret's entropy must be strictly greater (gitleaks semantics).
    entropy: Option<f64>,
    /// `Some(0)`: the whole match; `None`: the first non-empty group.
    secret_group: Option<usize>,
    /// `Some(None)`: compiling failed; [`SecretScanner::compile_all`] says why.
    compiled: OnceLock<Option<Compiled>>,
}

struct Compiled {
    regex: Regex,
    allowlist: Vec<Regex>,
}

impl Rule {
    /// Checks everything that can be checked without compiling; the regex
    /// syntax only when `syntax` is [`Syntax::Check`].
    fn from_spec(index: usize, spec: RuleSpec, syntax: Syntax) -> Result<Rule, SecretRulesError> {
        let id = spec.id.trim().to_owned();
        if id.is_empty() {
            return Err(SecretRulesError::EmptyId { index });
        }
        if id == NAMED_VALUE_RULE {
            return Err(SecretRulesError::ReservedId { id });
        }
        let Some(pattern) = spec.regex.filter(|r| !r.is_empty()) else {
            return Err(SecretRulesError::MissingRegex { id });
        };
        if syntax == Syntax::Check {
            check_syntax(&pattern).map_err(|source| SecretRulesError::Regex {
                id: id.clone(),
                source,
            })?;
        }
        let entropy = match spec.entropy {
            Some(e) if !e.is_finite() || e < 0.0 => {
                return Err(SecretRulesError::Entropy { id, entropy: e })
            }
            Some(e) if e > 0.0 => Some(e),
            _ => None,
        };
        if spec.keywords.iter().any(|k| k.is_empty()) {
            return Err(SecretRulesError::EmptyKeyword { id });
        }
        let mut allowlist = Vec::new();
        for list in spec.allowlists {
            if let Some(target) = list.regex_target.filter(|t| t != "secret") {
                return Err(SecretRulesError::AllowlistTarget { id, target });
            }
            for pattern in list.regexes {
                if syntax == Syntax::Check {
                    check_syntax(&pattern).map_err(|source| SecretRulesError::AllowlistRegex {
                        id: id.clone(),
                        source,
                    })?;
                }
                allowlist.push(pattern);
            }
        }
        Ok(Rule {
            id,
            description: spec.description,
            pattern,
            allowlist,
            entropy,
            secret_group: spec.secret_group,
            compiled: OnceLock::new(),
        })
    }

    fn compiled(&self) -> Option<&Compiled> {
        self.compiled.get_or_init(|| self.compile().ok()).as_ref()
    }

    fn compile(&self) -> Result<Compiled, SecretRulesError> {
        let regex = build_regex(&self.pattern).map_err(|source| SecretRulesError::Regex {
            id: self.id.clone(),
            source,
        })?;
        if let Some(group) = self.secret_group {
            let groups = regex.captures_len() - 1;
            if group > groups {
                return Err(SecretRulesError::SecretGroup {
                    id: self.id.clone(),
                    group,
                    groups,
                });
            }
        }
        let allowlist = self
            .allowlist
            .iter()
            .map(|p| {
                build_regex(p).map_err(|source| SecretRulesError::AllowlistRegex {
                    id: self.id.clone(),
                    source,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Compiled { regex, allowlist })
    }
}

/// Bytes mode with Unicode off gives ASCII `\w`/`\s`/`\b` and far smaller
/// automata for the `[\w.-]{0,50}?` prefixes most rules share; patterns that
/// need Unicode (`\p{..}`) fall back to Unicode mode.
fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .or_else(|_| RegexBuilder::new(pattern).unicode(true).build())
}

/// Whether loading checks regex syntax. It costs about two thirds of the load
/// time of the shipped file (~15 ms), whose syntax the unit tests already
/// check, so only [`SecretScanner::builtin`] skips it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Check,
    Trust,
}

/// Checks a pattern's syntax without paying for compilation: with a zero size
/// limit the parser and translator still run and reject bad syntax, but the
/// compiler gives up at once with `CompiledTooBig`, which here means "valid".
fn check_syntax(pattern: &str) -> Result<(), regex::Error> {
    let attempt = |unicode: bool| match RegexBuilder::new(pattern)
        .unicode(unicode)
        .size_limit(0)
        .build()
    {
        Ok(_) | Err(regex::Error::CompiledTooBig(_)) => Ok(()),
        Err(e) => Err(e),
    };
    attempt(false).or_else(|_| attempt(true))
}

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
    pub fn scan(&self, key: Option<&str>, value: &str) -> Vec<SecretHit> {
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

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
    /// A human-chosen secret: any literal is a finding.
    Password,
    /// A token or key: must also look random.
    Secret,
}

/// Word parts meaning "secret" on their own.
#[rustfmt::skip]
const SECRET_WORDS: &[&str] = &[
    "secret", "secrets", "token", "tokens", "credential", "credentials", "creds",
    "cred", "auth", "authorization", "apikey", "apikeys", "apisecret", "privatekey",
    "secretkey", "accesskey", "authkey", "clientsecret", "sessionkey", "signingkey",
    "encryptionkey", "masterkey", "accesstoken", "refreshtoken", "authtoken",
];

/// Words that make a following `key` a secret (`API_KEY`, `privateKey`);
/// `KEY` alone is usually a KMS key id or an S3 object key.
#[rustfmt::skip]
const KEY_QUALIFIERS: &[&str] = &[
    "api", "private", "secret", "access", "signing", "encryption", "encrypt", "master",
    "session", "hmac", "client", "app", "account", "shared", "license", "auth", "ssh",
    "jwt", "webhook", "subscription",
];

/// Words that, after the sensitive word, say the value is about the secret
/// rather than the secret itself: `TOKEN_URL`, `SECRET_ARN`, `PASSWORD_LENGTH`.
#[rustfmt::skip]
const FALSE_FRIENDS: &[&str] = &[
    "url", "urls", "uri", "uris", "endpoint", "endpoints", "host", "hostname", "port",
    "domain", "arn", "arns", "name", "names", "id", "ids", "type", "types", "path",
    "paths", "file", "files", "dir", "length", "len", "size", "min", "max", "ttl",
    "expiry", "expiration", "expires", "expire", "timeout", "seconds", "secs",
    "minutes", "mins", "hours", "days", "lifetime", "validity", "age", "version",
    "enabled", "enable", "disabled", "required", "mode", "method", "methods",
    "provider", "scheme", "issuer", "audience", "scope", "scopes", "flow", "flows",
    "param", "params", "parameter", "parameters", "ssm", "ref", "reference", "field",
    "fields", "location", "region", "policy", "policies", "rotation", "count",
    "format", "prefix", "suffix", "pattern", "regex", "alias", "table", "bucket",
    "queue", "topic", "stream", "function", "role", "user", "username", "login",
    "email", "source", "level", "header", "headers", "template", "templates", "manager",
    "store", "spec", "specs", "usage", "algorithm",
];

/// Splits a key into lowercase word parts at `_`, `-`, `.`, spaces and other
/// punctuation, at camelCase humps (`DBPassword` → `db`, `password`) and at
/// letter/digit changes (`OAuth2Token` → `o`, `auth`, `2`, `token`).
fn word_parts(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if !word.is_empty() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (prev.is_lowercase() && c.is_uppercase())
                || (prev.is_alphabetic() != c.is_alphabetic())
                || (prev.is_uppercase() && c.is_uppercase() && next_lower);
            if boundary {
                words.push(std::mem::take(&mut word));
            }
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

fn is_password_word(word: &str, words: usize) -> bool {
    matches!(word, "password" | "passwords" | "passwd" | "passphrase" | "pass")
        || (word == "pwd" && words > 1) // `PWD` alone is the shell's working directory
        || ["password", "passwd", "passphrase"]
            .iter()
            .any(|w| word.contains(w))
}

fn is_secret_word(word: &str) -> bool {
    SECRET_WORDS.contains(&word)
        || ["secret", "token", "apikey"]
            .iter()
            .any(|s| word.len() > s.len() && word.ends_with(s))
}

fn classify_name(key: &str) -> Option<NameKind> {
    if is_condition_key(key) {
        return None;
    }
    let words = word_parts(key);
    let mut last = None;
    let mut password = false;
    for (i, word) in words.iter().enumerate() {
        let is_password = is_password_word(word, words.len());
        let qualified_key =
            word == "key" && i > 0 && KEY_QUALIFIERS.contains(&words[i - 1].as_str());
        if is_password || is_secret_word(word) || qualified_key {
            last = Some(i);
            password |= is_password;
        }
    }
    let last = last?;
    if words[last + 1..]
        .iter()
        .any(|w| FALSE_FRIENDS.contains(&w.as_str()))
    {
        return None;
    }
    Some(if password {
        NameKind::Password
    } else {
        NameKind::Secret
    })
}

/// Whether a key names a secret: PASSWORD, SECRET, TOKEN, API_KEY,
/// PRIVATE_KEY, CREDENTIAL, AUTH, ... as a word part of a snake, kebab or
/// camel case name, case-insensitively (`dbPassword`, `x-api-key`,
/// `GITHUB_TOKEN`). A sensitive word followed by a word saying the value is
/// *about* the secret (`TOKEN_URL`, `SECRET_ARN`, `PASSWORD_MIN_LENGTH`,
/// `ACCESS_KEY_ID`) does not count, nor does `KEY` alone (`KMS_KEY`).
pub fn looks_sensitive_name(key: &str) -> bool {
    classify_name(key).is_some()
}

// ---------------------------------------------------------------------------
// Entropy and redaction
// ---------------------------------------------------------------------------

/// Shannon entropy of the string's characters, in bits per character
/// (`"aaaa"` → 0, `"abcd"` → 2). gitleaks uses the same measure for its
/// thresholds, so they carry over.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut ascii = [0usize; 128];
    let mut other: HashMap<char, usize> = HashMap::new();
    let mut total = 0usize;
    for c in s.chars() {
        total += 1;
        match usize::try_from(u32::from(c)) {
            Ok(i) if i < ascii.len() => ascii[i] += 1,
            _ => *other.entry(c).or_default() += 1,
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    ascii
        .iter()
        .chain(other.values())
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Secrets shorter than this are shown as the mask alone.
const REDACT_MIN_CHARS: usize = 12;
const MASK: &str = "****";

/// A printable stand-in for a secret: a short recognizable prefix, the mask
/// and the last 2 characters (`sk_live_****Rb`, `AKIA****LE`), never more
/// than a third of the value; secrets under 12 characters become `****`. The
/// mask has a fixed width, so the length does not leak either.
pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    if n < REDACT_MIN_CHARS {
        return MASK.to_owned();
    }
    let head = recognizable_prefix(&chars).min(n / 3 - 2);
    let tail = &chars[n - 2..];
    let mut out: String = chars[..head].iter().collect();
    out.push_str(MASK);
    if tail.iter().all(|c| !c.is_whitespace() && !c.is_control()) {
        out.extend(tail);
    }
    out
}

/// The vendor prefix of a token: leading short alphabetic segments with their
/// separators (`sk_live_`, `ghp_`, `xoxb-`, `github_pat_`, `-----`), else up
/// to 4 leading alphanumerics (`AKIA`, `AIza`).
fn recognizable_prefix(chars: &[char]) -> usize {
    let is_separator = |c: char| matches!(c, '_' | '-' | '.' | ':' | '~');
    let mut len = 0;
    loop {
        let segment = chars[len..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        match chars.get(len + segment) {
            Some(&c) if segment <= 8 && is_separator(c) => len += segment + 1,
            _ => break,
        }
    }
    if len > 0 {
        return len;
    }
    chars
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count()
        .min(4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fresh() -> SecretScanner {
        SecretScanner::from_toml(BUILTIN_RULES).expect("builtin rules load")
    }

    fn rules(key: Option<&str>, value: &str) -> Vec<String> {
        SecretScanner::builtin()
            .scan(key, value)
            .into_iter()
            .map(|h| h.rule)
            .collect()
    }

    /// The one hit on `value`, which must cover `secret`.
    fn only_hit(key: Option<&str>, value: &str, secret: &str) -> SecretHit {
        let hits = SecretScanner::builtin().scan(key, value);
        assert_eq!(hits.len(), 1, "{key:?} = {value:?}: {hits:#?}");
        let hit = hits.into_iter().next().unwrap();
        assert_eq!(&value[hit.start..hit.end], secret, "{hit:#?}");
        hit
    }

    const GITHUB_PAT: &str = "ghp_Zx81Vq0pLm2Nb7Tr4Yc6Wd9Hs3Kf5Ga1Je0U";
    const STRIPE_LIVE: &str = "sk_live_51HxY2mKq8Pz3RtVw9LbN4cDfRb";
    const SLACK_BOT: &str = "xoxb-2871349501-4539018273645-Hq7ZpK2mXv9LcR4tWn8YbJd3";
    const SLACK_HOOK: &str =
        "https://hooks.slack.com/services/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";
    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    const GOOGLE_KEY: &str = "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe";
    const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    fn pem() -> String {
        format!(
            "-----BEGIN RSA PRIVATE KEY-----\n{}\n{}\n-----END RSA PRIVATE KEY-----",
            "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
            "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK"
        )
    }

    #[test]
    fn every_shipped_rule_compiles() {
        let scanner = fresh();
        // 212 ported from gitleaks plus our own; see the header of the rules file.
        assert!(scanner.rule_count() >= 218, "{}", scanner.rule_count());
        scanner.compile_all().expect("every rule compiles");
        assert_eq!(scanner.compiled_count(), scanner.rule_count());
        // And each in the fast mode: none of the shipped patterns needs Unicode.
        for rule in &scanner.rules {
            RegexBuilder::new(&rule.pattern)
                .unicode(false)
                .build()
                .unwrap_or_else(|e| panic!("{} needs Unicode mode: {e}", rule.id));
        }
    }

    #[test]
    fn every_shipped_rule_has_a_description_and_keywords() {
        for rule in &fresh().rules {
            assert!(!rule.description.is_empty(), "{}", rule.id);
        }
        assert!(
            fresh().unconditional.is_empty(),
            "every shipped rule has keywords"
        );
    }

    #[test]
    fn no_regex_is_compiled_until_a_keyword_occurs() {
        let scanner = fresh();
        assert_eq!(scanner.compiled_count(), 0, "loading compiles nothing");
        assert!(scanner.scan(None, "hello world").is_empty());
        assert!(scanner.scan(Some("Stage"), "production").is_empty());
        assert_eq!(scanner.compiled_count(), 0, "no keyword, no compile");
        assert_eq!(scanner.scan(None, GITHUB_PAT).len(), 1);
        let after = scanner.compiled_count();
        assert!(
            (1..10).contains(&after),
            "only the rules keyed on ghp_: {after}"
        );
        scanner.scan(None, GITHUB_PAT);
        assert_eq!(scanner.compiled_count(), after, "compiled once");
    }

    #[test]
    fn rules_without_keywords_run_on_every_value() {
        let scanner = SecretScanner::from_toml(
            r#"
            [[rules]]
            id = "always"
            description = "d"
            regex = '''zz(\d{4})'''
            [[rules]]
            id = "keyed"
            description = "d"
            regex = '''qq\d{4}'''
            keywords = ["qq"]
            "#,
        )
        .unwrap();
        let hits = scanner.scan(None, "a zz1234 b");
        assert_eq!(hits.len(), 1);
        assert_eq!(
            (hits[0].rule.as_str(), hits[0].start, hits[0].end),
            ("always", 4, 8)
        );
        assert_eq!(scanner.compiled_count(), 1);
    }

    #[test]
    fn aws_access_key_id_is_found_even_when_it_is_the_documentation_example() {
        let hit = only_hit(None, "AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(hit.rule, "aws-access-token");
        assert_eq!(hit.redacted, "AKIA****LE");
        let text = "aws configure set aws_access_key_id AKIAZ7QW3PLM4XK2N5RT --profile ci";
        only_hit(None, text, "AKIAZ7QW3PLM4XK2N5RT");
        // A low-entropy run is below the rule's threshold.
        assert!(rules(None, "AKIAAAAAAAAAAAAAAAAA").is_empty());
    }

    #[test]
    fn aws_secret_key_under_a_name() {
        let hit = only_hit(Some("AWS_SECRET_ACCESS_KEY"), AWS_SECRET, AWS_SECRET);
        assert_eq!(hit.rule, "aws-secret-access-key");
        // A name without "aws" still gives it away.
        let hit = only_hit(Some("SecretAccessKey"), AWS_SECRET, AWS_SECRET);
        assert_eq!(hit.rule, NAMED_VALUE_RULE);
        // Inside a script, the assignment is the key.
        let script = format!("export AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n./deploy.sh");
        only_hit(Some("UserData"), &script, AWS_SECRET);
    }

    #[test]
    fn vendor_tokens() {
        assert_eq!(GITHUB_PAT.len(), 40);
        assert_eq!(only_hit(None, GITHUB_PAT, GITHUB_PAT).rule, "github-pat");
        assert_eq!(
            only_hit(Some("GITHUB_TOKEN"), GITHUB_PAT, GITHUB_PAT).rule,
            "github-pat"
        );
        assert_eq!(only_hit(None, SLACK_BOT, SLACK_BOT).rule, "slack-bot-token");
        assert_eq!(
            only_hit(None, SLACK_HOOK, SLACK_HOOK).rule,
            "slack-webhook-url"
        );
        let hit = only_hit(Some("STRIPE_KEY"), STRIPE_LIVE, STRIPE_LIVE);
        assert_eq!(
            (hit.rule.as_str(), hit.redacted.as_str()),
            ("stripe-access-token", "sk_live_****Rb")
        );
        assert_eq!(only_hit(None, JWT, JWT).rule, "jwt");
        assert_eq!(GOOGLE_KEY.len(), 39);
        assert_eq!(
            only_hit(Some("MAPS_KEY"), GOOGLE_KEY, GOOGLE_KEY).rule,
            "gcp-api-key"
        );
    }

    #[test]
    fn private_key_blocks() {
        let pem = pem();
        let hit = only_hit(Some("SigningCert"), &pem, &pem);
        assert_eq!(hit.rule, "private-key");
        assert_eq!(hit.redacted, "-----****--");
        // Escaped newlines, as in a JSON string or a one-line env var.
        let escaped = pem.replace('\n', "\\n");
        assert_eq!(only_hit(None, &escaped, &escaped).rule, "private-key");
    }

    #[test]
    fn webhook_urls_and_connection_strings() {
        let discord = "https://discord.com/api/webhooks/1183920475615023104/Xq3vK9pLm2Zt7Rb4Nw8Yc1Hd6Jf0Gs5Ua3Ek7Mo9Qi2Vx4Bn8Cl1Dr6Ty0Wp5Hz";
        assert_eq!(only_hit(None, discord, discord).rule, "discord-webhook-url");
        let teams = "https://contoso.webhook.office.com/webhookb2/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a/6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
        assert_eq!(only_hit(None, teams, teams).rule, "microsoft-teams-webhook");
        let url = "postgres://app:N8vq2LxR4tZp@db.internal:5432/orders";
        assert_eq!(
            only_hit(Some("DATABASE_URL"), url, "N8vq2LxR4tZp").rule,
            "url-embedded-credentials"
        );
        let key = "bnfyjXvZZ5llxIJVeRTn4bLaE9EA0Xf9Bf7YGxisK8pw3g6Ip+KNOJW6YXEpXSgF3WAGgnVX5jhUtVkGKee97Q==";
        assert_eq!(key.len(), 88);
        let conn = format!("DefaultEndpointsProtocol=https;AccountName=fnstore;AccountKey={key};EndpointSuffix=core.windows.net");
        assert_eq!(
            only_hit(Some("AzureWebJobsStorage"), &conn, key).rule,
            "azure-storage-account-key"
        );
    }

    #[test]
    fn literal_passwords_under_password_names() {
        // Whichever rule reports it, it is reported.
        only_hit(Some("DB_PASSWORD"), "hunter2!x", "hunter2!x");
        let hit = only_hit(Some("ADMIN_PASSWORD"), "  hunter2!x ", "hunter2!x");
        assert_eq!(hit.rule, NAMED_VALUE_RULE);
        assert_eq!(hit.redacted, "****");
        assert_eq!(
            only_hit(Some("MasterUserPassword"), "changeme", "changeme").rule,
            NAMED_VALUE_RULE
        );
        // Tokens need to look random.
        assert_eq!(
            only_hit(Some("API_TOKEN"), "q8Zk3pLm7NvX2cR9", "q8Zk3pLm7NvX2cR9").rule,
            NAMED_VALUE_RULE
        );
        assert!(rules(Some("API_TOKEN"), "disabled").is_empty());
        assert!(rules(Some("AUTH_SECRET"), "see the runbook for this").is_empty());
    }

    #[test]
    fn references_and_placeholders_are_not_secrets() {
        let cases: &[(&str, &str)] = &[
            ("DB_PASSWORD", "${env:DB_PASSWORD}"),
            ("DB_PASSWORD", "${ssm:/myapp/prod/db-password}"),
            (
                "DB_PASSWORD",
                "{{resolve:secretsmanager:prod/db:SecretString:password}}",
            ),
            ("DB_PASSWORD", "{{resolve:ssm-secure:/db/pwd:1}}"),
            ("DB_PASSWORD", "prefix-${AWS::StackName}-suffix"),
            (
                "DB_SECRET",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
            ),
            (
                "DB_SECRET_ARN",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
            ),
            ("DB_PASSWORD", "/myapp/prod/db-password"),
            ("PASSWORD", "****"),
            ("PASSWORD", "********************"),
            ("PASSWORD", "xxxxxxxx"),
            ("PASSWORD", "<your-password>"),
            ("PASSWORD", "example"),
            ("PASSWORD", ""),
            ("API_KEY", "YOUR_API_KEY_HERE"),
            ("API_KEY", "$API_KEY"),
            ("TOKEN_URL", "https://auth.example.com/oauth2/token"),
            ("AUTH_TYPE", "AWS_IAM_AUTHORIZER"),
            ("ACCESS_KEY_ID", "not-a-key-at-all-really"),
            ("KMS_KEY", "alias/aws/lambda/production"),
            ("PASSWORD_MIN_LENGTH", "1234567890"),
            ("Stage", "production"),
            ("Description", "Rotates the database password every 30 days"),
        ];
        for (key, value) in cases {
            let hits = SecretScanner::builtin().scan(Some(key), value);
            assert!(hits.is_empty(), "{key} = {value:?}: {hits:#?}");
        }
        for value in [
            "hello world",
            "arn:aws:iam::123456789012:role/service-role",
            "python3.12",
        ] {
            assert!(rules(None, value).is_empty(), "{value}");
        }
        let url = "postgres://app:${DbPassword}@db.internal:5432/orders";
        assert!(rules(Some("DATABASE_URL"), url).is_empty());
        assert!(rules(None, "mysql://user:password@localhost/db").is_empty());
    }

    #[test]
    fn hits_are_sorted_and_nested_spans_collapse() {
        let value = format!("first {STRIPE_LIVE} then {GITHUB_PAT}");
        let hits = SecretScanner::builtin().scan(None, &value);
        let found: Vec<_> = hits.iter().map(|h| &value[h.start..h.end]).collect();
        assert_eq!(found, [STRIPE_LIVE, GITHUB_PAT]);
        // Two upstream Slack rules match this token with the same span: one hit,
        // from the rule listed first.
        let both = "xoxb-2871349501-4539018273645Hq7ZpK2mXv";
        assert_eq!(rules(None, both), ["slack-bot-token"]);
    }

    #[test]
    fn entropy_threshold_is_strict_and_secret_group_is_honoured() {
        let scanner = SecretScanner::from_toml(
            r#"
            [[rules]]
            id = "t"
            description = "d"
            regex = '''(k)=(\w+)'''
            secretGroup = 2
            entropy = 2
            keywords = ["k="]
            "#,
        )
        .unwrap();
        // "abcd" has exactly 2 bits per char: not above the threshold.
        assert!(scanner.scan(None, "k=abcd").is_empty());
        let hits = scanner.scan(None, "k=abcde");
        assert_eq!((hits[0].start, hits[0].end), (2, 7));
    }

    #[test]
    fn rule_errors_name_the_rule() {
        let err = |text: &str| SecretScanner::from_toml(text).unwrap_err().to_string();
        let e = err("[[rules]]\nid = \"bad\"\nregex = '''(unclosed'''\n");
        assert!(e.contains("`bad`") && e.contains("invalid regex"), "{e}");
        let e = err("[[rules]]\nid = \"a\"\nregex = 'x'\n[[rules]]\nid = \"a\"\nregex = 'y'\n");
        assert!(e.contains("`a` is defined twice"), "{e}");
        let e = err("[[rules]]\nid = \"nore\"\n");
        assert!(e.contains("`nore` has no regex"), "{e}");
        let e = err("[[rules]]\nid = \"p\"\nregex = 'x'\npath = 'y'\n");
        assert!(e.contains("unknown field"), "{e}");
        let e = err("[[rules]]\nid = \"one\"\nregex = '('\n[[rules]]\nid = \"two\"\nregex = ')'\n");
        assert!(
            e.contains("2 problems") && e.contains("`one`") && e.contains("`two`"),
            "{e}"
        );
        // The group count needs compilation: reported by compile_all, and the rule never fires.
        let scanner =
            SecretScanner::from_toml("[[rules]]\nid = \"g\"\nregex = '(a)b'\nsecretGroup = 2\n")
                .unwrap();
        assert!(scanner.scan(None, "ab").is_empty());
        let e = scanner.compile_all().unwrap_err().to_string();
        assert!(e.contains("`g`") && e.contains("secretGroup 2"), "{e}");
    }

    #[test]
    #[rustfmt::skip]
    fn sensitive_names() {
        for key in [
            "PASSWORD", "DB_PASSWORD", "dbPassword", "MasterUserPassword", "db-pass", "DB_PWD",
            "SECRET", "CLIENT_SECRET", "clientSecret", "GITHUB_TOKEN", "githubToken",
            "OAuth2Token", "API_KEY", "apiKey", "x-api-key", "APIKey", "PRIVATE_KEY",
            "privateKey", "CREDENTIALS", "BASIC_AUTH", "Authorization", "SECRET_KEY_BASE",
            "AWS_SECRET_ACCESS_KEY", "SecretString", "slackbottoken",
        ] {
            assert!(looks_sensitive_name(key), "{key}");
        }
        for key in [
            "TOKEN_URL", "tokenEndpoint", "DB_SECRET_ARN", "SECRET_NAME", "SECRET_ARN_PROD",
            "PASSWORD_MIN_LENGTH", "ACCESS_KEY_ID", "AUTH_TYPE", "AuthorizationType", "AUTHOR",
            "Authorizer", "KMS_KEY", "KEY", "PWD", "BYPASS_CACHE", "TABLE_NAME",
            "PRIVATE_KEY_PATH", "AccessTokenValidity",
            "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "SecretStringTemplate",
            "SecretsManagerSecretId", "customer_master_key_spec", "MasterKeySpec",
            "signing_key_usage", "encryption_key_algorithm",
        ] {
            assert!(!looks_sensitive_name(key), "{key}");
        }
    }

    #[test]
    fn oidc_condition_keys_audiences_subjects_and_principals_are_not_secrets() {
        let cases: &[(&str, &str)] = &[
            (
                "token.actions.githubusercontent.com:aud",
                "sts.amazonaws.com",
            ),
            (
                "token.actions.githubusercontent.com:sub",
                "repo:acme/orders:ref:refs/heads/main",
            ),
            ("token.actions.githubusercontent.com:sub", "repo:acme/*"),
            (
                "accounts.google.com:aud",
                "123456789012-abc.apps.googleusercontent.com",
            ),
            ("aws:SecureTransport", "false"),
            (
                "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub",
                "system:serviceaccount:prod:orders",
            ),
            ("AUTH_AUDIENCE_PRINCIPAL", "lambda.amazonaws.com"),
            (
                "TOKEN_SUBJECT_FILTER",
                "repo:Acme-Corp/Orders:environment:production",
            ),
            ("AUTH_SERVICE", "cognito-idp.eu-west-1.amazonaws.com"),
            ("AUTH_TOKEN", "https://auth.example.com/oauth2/token"),
        ];
        for (key, value) in cases {
            let hits = SecretScanner::builtin().scan(Some(key), value);
            assert!(hits.is_empty(), "{key} = {value:?}: {hits:#?}");
        }
        assert!(!looks_sensitive_name(
            "token.actions.githubusercontent.com:sub"
        ));
        // The names still work; the values decide.
        assert_eq!(
            only_hit(Some("API_TOKEN"), "q8Zk3pLm7NvX2cR9", "q8Zk3pLm7NvX2cR9").rule,
            NAMED_VALUE_RULE
        );
        // A random part inside a subject-shaped value is still a credential.
        let sneaky = "svc:Xk9fQ2mLp7Rz4TbW8vNc";
        assert_eq!(
            only_hit(Some("AUTH_TOKEN"), sneaky, sneaky).rule,
            NAMED_VALUE_RULE
        );
        // Password names report any literal that is not a host name.
        only_hit(Some("DB_PASSWORD"), "repo:hunter2", "repo:hunter2");
        only_hit(Some("ADMIN_PASSWORD"), "svc:hunter2!x", "svc:hunter2!x");
    }

    #[test]
    fn entropy_values() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-12);
        assert!(
            (shannon_entropy("ééaa") - 1.0).abs() < 1e-12,
            "counts chars, not bytes"
        );
        assert!(shannon_entropy(AWS_SECRET) > 4.0);
    }

    #[test]
    fn redaction() {
        assert_eq!(redact(STRIPE_LIVE), "sk_live_****Rb");
        assert_eq!(redact(GITHUB_PAT), "ghp_****0U");
        assert_eq!(redact(SLACK_BOT), "xoxb-****d3");
        assert_eq!(redact("hunter2!x"), "****");
        assert_eq!(redact(""), "****");
        assert_eq!(
            redact("hunter2!hunter"),
            "hu****er",
            "head capped at a third"
        );
        assert_eq!(
            redact("abcdefghijk\n"),
            "ab****",
            "no control characters shown"
        );
    }

    /// How many characters of `secret` a redaction reveals.
    fn revealed(redacted: &str) -> usize {
        redacted.chars().count() - MASK.len()
    }

    proptest! {
        #[test]
        fn redact_reveals_at_most_a_third(secret in "\\PC{0,80}") {
            let r = redact(&secret);
            let n = secret.chars().count();
            prop_assert!(r.contains(MASK));
            prop_assert!(revealed(&r) <= n / 3, "{r:?} for {secret:?}");
        }

        #[test]
        fn scan_never_panics_and_spans_are_valid(
            key in proptest::option::of("[A-Za-z_]{0,20}"),
            value in "(AKIA|ghp_|xoxb-|sk_live_|eyJ|-----BEGIN |://|:|@|\\$\\{|\\}|\\{\\{|=|[A-Za-z0-9+/_.-]{1,12}|\\s|é|日本|\u{1F600})*",
            raw in any::<String>(),
        ) {
            for value in [value.as_str(), raw.as_str()] {
                for hit in SecretScanner::builtin().scan(key.as_deref(), value) {
                    prop_assert!(hit.start < hit.end && hit.end <= value.len(), "{hit:?}");
                    prop_assert!(value.is_char_boundary(hit.start) && value.is_char_boundary(hit.end));
                    let secret = &value[hit.start..hit.end];
                    prop_assert_eq!(&hit.redacted, &redact(secret));
                    prop_assert!(revealed(&hit.redacted) <= secret.chars().count() / 3);
                }
            }
        }
    }
}
