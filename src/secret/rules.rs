//! The rules file (`rules/secrets.toml`, gitleaks' format): its serde shape,
//! and each rule's keywords, allowlists and lazily compiled regex.

use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;

use super::{SecretRulesError, NAMED_VALUE_RULE};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RulesFile {
    #[allow(dead_code)] // documents the file; accepted so gitleaks files load
    pub(super) title: Option<String>,
    #[serde(default)]
    pub(super) rules: Vec<RuleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RuleSpec {
    pub(super) id: String,
    #[serde(default)]
    pub(super) description: String,
    pub(super) regex: Option<String>,
    #[serde(default)]
    pub(super) keywords: Vec<String>,
    pub(super) entropy: Option<f64>,
    pub(super) secret_group: Option<usize>,
    #[serde(default)]
    pub(super) allowlists: Vec<AllowlistSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct AllowlistSpec {
    #[allow(dead_code)] // documentation only
    pub(super) description: Option<String>,
    pub(super) regex_target: Option<String>,
    #[serde(default)]
    pub(super) regexes: Vec<String>,
}

/// One validated rule; its regexes are compiled on first use.
pub(super) struct Rule {
    pub(super) id: String,
    pub(super) description: String,
    pub(super) pattern: String,
    /// Secrets matching one of these are not reported.
    pub(super) allowlist: Vec<String>,
    /// The secret's entropy must be strictly greater (gitleaks semantics).
    pub(super) entropy: Option<f64>,
    /// `Some(0)`: the whole match; `None`: the first non-empty group.
    pub(super) secret_group: Option<usize>,
    /// `Some(None)`: compiling failed; [`SecretScanner::compile_all`] says why.
    pub(super) compiled: OnceLock<Option<Compiled>>,
}

pub(super) struct Compiled {
    pub(super) regex: Regex,
    pub(super) allowlist: Vec<Regex>,
}

impl Rule {
    /// Checks everything that can be checked without compiling; the regex
    /// syntax only when `syntax` is [`Syntax::Check`].
    pub(super) fn from_spec(
        index: usize,
        spec: RuleSpec,
        syntax: Syntax,
    ) -> Result<Rule, SecretRulesError> {
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

    pub(super) fn compiled(&self) -> Option<&Compiled> {
        self.compiled.get_or_init(|| self.compile().ok()).as_ref()
    }

    pub(super) fn compile(&self) -> Result<Compiled, SecretRulesError> {
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
pub(super) fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .or_else(|_| RegexBuilder::new(pattern).unicode(true).build())
}

/// Whether loading checks regex syntax. It costs about two thirds of the load
/// time of the shipped file (~15 ms), whose syntax the unit tests already
/// check, so only [`SecretScanner::builtin`] skips it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    Check,
    Trust,
}

/// Checks a pattern's syntax without paying for compilation: with a zero size
/// limit the parser and translator still run and reject bad syntax, but the
/// compiler gives up at once with `CompiledTooBig`, which here means "valid".
pub(super) fn check_syntax(pattern: &str) -> Result<(), regex::Error> {
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
