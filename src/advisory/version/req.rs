//! SemVer requirements as Cargo writes them (`>= 1.2.3`, `^0.3`, `~1.2`,
//! `< 0.2, >= 0.1.5`, `1.*`), which is how RustSec advisories list their
//! `patched` and `unaffected` versions.
//!
//! Matching follows Cargo's `semver` crate exactly, including its
//! prerelease rule: a prerelease version only matches when some comparator
//! names the same `major.minor.patch` with a prerelease, so `>= 1.0.0` does
//! not match `2.0.0-alpha`.

use std::fmt;

use super::semver::{number, Prerelease, SemVer};

/// A comma-separated list of comparators; a version matches when it
/// matches all of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionReq {
    comparators: Vec<Comparator>,
    text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Exact,
    Greater,
    GreaterEq,
    Less,
    LessEq,
    Tilde,
    Caret,
    Wildcard,
}

/// One comparator; `minor`/`patch` are `None` when written partially
/// (`^0.3`, `< 2`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Comparator {
    op: Op,
    major: u64,
    minor: Option<u64>,
    patch: Option<u64>,
    pre: Prerelease,
}

/// Why a requirement could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid version requirement `{text}`: {reason}")]
pub struct ReqError {
    pub(crate) text: String,
    pub(crate) reason: &'static str,
}

impl VersionReq {
    pub(crate) fn parse(text: &str) -> Result<VersionReq, ReqError> {
        let err = |reason| ReqError {
            text: text.to_string(),
            reason,
        };
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(err("empty requirement"));
        }
        let mut comparators = Vec::new();
        // `*` alone matches every release: no comparator at all.
        if trimmed != "*" {
            for part in trimmed.split(',') {
                comparators.push(Comparator::parse(part.trim()).map_err(err)?);
            }
        }
        Ok(VersionReq {
            comparators,
            text: trimmed.to_string(),
        })
    }

    pub(crate) fn matches(&self, v: &SemVer) -> bool {
        if !self.comparators.iter().all(|c| c.matches(v)) {
            return false;
        }
        v.pre.is_empty() || self.comparators.iter().any(|c| c.pre_is_compatible(v))
    }

    /// The smallest version the requirement admits (its lower bound), for
    /// telling a user which version to upgrade to. `None` when the bound is
    /// not a plain version (`> 1.2.3-alpha`).
    pub fn minimum(&self) -> Option<SemVer> {
        let mut low = SemVer::new(0, 0, 0);
        for c in &self.comparators {
            let bound = match c.op {
                Op::Less | Op::LessEq => continue,
                Op::Greater => match (c.minor, c.patch) {
                    (None, _) => SemVer::new(c.major.checked_add(1)?, 0, 0),
                    (Some(minor), None) => SemVer::new(c.major, minor.checked_add(1)?, 0),
                    (Some(minor), Some(patch)) if c.pre.is_empty() => {
                        SemVer::new(c.major, minor, patch.checked_add(1)?)
                    }
                    (Some(_), Some(_)) => return None,
                },
                _ => SemVer {
                    major: c.major,
                    minor: c.minor.unwrap_or(0),
                    patch: c.patch.unwrap_or(0),
                    pre: c.pre.clone(),
                },
            };
            if bound > low {
                low = bound;
            }
        }
        Some(low)
    }

    /// The requirement as written (`>=1.2, <1.4`).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for VersionReq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl Comparator {
    fn parse(s: &str) -> Result<Comparator, &'static str> {
        let (op, rest) = [
            (">=", Op::GreaterEq),
            ("<=", Op::LessEq),
            (">", Op::Greater),
            ("<", Op::Less),
            ("=", Op::Exact),
            ("^", Op::Caret),
            ("~", Op::Tilde),
        ]
        .iter()
        .find_map(|(p, op)| s.strip_prefix(p).map(|rest| (Some(*op), rest.trim_start())))
        .unwrap_or((None, s));
        if rest.is_empty() {
            return Err("missing version");
        }
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) => (core, Prerelease::parse(pre).ok_or("invalid prerelease")?),
            None => (rest, Prerelease::default()),
        };
        let core = core.split_once('+').map_or(core, |(c, _)| c);
        let mut parts = core.split('.');
        let major = number(parts.next().unwrap_or("")).ok_or("invalid major version")?;
        let wild = |p: &str| matches!(p, "*" | "x" | "X");
        let mut wildcard = false;
        let mut field = |p: Option<&str>| -> Result<Option<u64>, &'static str> {
            match p {
                None => Ok(None),
                Some(p) if wild(p) => {
                    wildcard = true;
                    Ok(None)
                }
                Some(_) if wildcard => Err("a number after a wildcard"),
                Some(p) => number(p).map(Some).ok_or("invalid version number"),
            }
        };
        let minor = field(parts.next())?;
        let patch = field(parts.next())?;
        if parts.next().is_some() {
            return Err("more than three version numbers");
        }
        if minor.is_none() && patch.is_some() {
            return Err("a patch without a minor version");
        }
        if !pre.is_empty() && patch.is_none() {
            return Err("a prerelease on a partial version");
        }
        let op = match op {
            Some(op) if wildcard && !matches!(op, Op::Exact) => {
                return Err("a wildcard after an operator")
            }
            _ if wildcard => Op::Wildcard,
            Some(op) => op,
            // A bare version means `^` in Cargo.
            None => Op::Caret,
        };
        Ok(Comparator {
            op,
            major,
            minor,
            patch,
            pre,
        })
    }

    fn matches(&self, v: &SemVer) -> bool {
        match self.op {
            Op::Exact | Op::Wildcard => self.matches_exact(v),
            Op::Greater => self.matches_greater(v),
            Op::GreaterEq => self.matches_exact(v) || self.matches_greater(v),
            Op::Less => self.matches_less(v),
            Op::LessEq => self.matches_exact(v) || self.matches_less(v),
            Op::Tilde => self.matches_tilde(v),
            Op::Caret => self.matches_caret(v),
        }
    }

    fn matches_exact(&self, v: &SemVer) -> bool {
        v.major == self.major
            && self.minor.is_none_or(|m| v.minor == m)
            && self.patch.is_none_or(|p| v.patch == p)
            && v.pre == self.pre
    }

    fn matches_greater(&self, v: &SemVer) -> bool {
        if v.major != self.major {
            return v.major > self.major;
        }
        let Some(minor) = self.minor else {
            return false;
        };
        if v.minor != minor {
            return v.minor > minor;
        }
        let Some(patch) = self.patch else {
            return false;
        };
        if v.patch != patch {
            return v.patch > patch;
        }
        v.pre > self.pre
    }

    fn matches_less(&self, v: &SemVer) -> bool {
        if v.major != self.major {
            return v.major < self.major;
        }
        let Some(minor) = self.minor else {
            return false;
        };
        if v.minor != minor {
            return v.minor < minor;
        }
        let Some(patch) = self.patch else {
            return false;
        };
        if v.patch != patch {
            return v.patch < patch;
        }
        v.pre < self.pre
    }

    fn matches_tilde(&self, v: &SemVer) -> bool {
        if v.major != self.major {
            return false;
        }
        if self.minor.is_some_and(|m| v.minor != m) {
            return false;
        }
        if let Some(patch) = self.patch {
            if v.patch != patch {
                return v.patch > patch;
            }
        }
        v.pre >= self.pre
    }

    fn matches_caret(&self, v: &SemVer) -> bool {
        if v.major != self.major {
            return false;
        }
        let Some(minor) = self.minor else {
            return true;
        };
        let Some(patch) = self.patch else {
            return if self.major > 0 {
                v.minor >= minor
            } else {
                v.minor == minor
            };
        };
        if self.major > 0 {
            if v.minor != minor {
                return v.minor > minor;
            } else if v.patch != patch {
                return v.patch > patch;
            }
        } else if minor > 0 {
            if v.minor != minor {
                return false;
            } else if v.patch != patch {
                return v.patch > patch;
            }
        } else if v.minor != minor || v.patch != patch {
            return false;
        }
        v.pre >= self.pre
    }

    fn pre_is_compatible(&self, v: &SemVer) -> bool {
        self.major == v.major
            && self.minor == Some(v.minor)
            && self.patch == Some(v.patch)
            && !self.pre.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(s: &str) -> VersionReq {
        VersionReq::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    fn yes(r: &str, vs: &[&str]) {
        let r = req(r);
        for v in vs {
            let ver = SemVer::parse(v).unwrap_or_else(|| panic!("{v}"));
            assert!(r.matches(&ver), "{r} should match {v}");
        }
    }

    fn no(r: &str, vs: &[&str]) {
        let r = req(r);
        for v in vs {
            let ver = SemVer::parse(v).unwrap_or_else(|| panic!("{v}"));
            assert!(!r.matches(&ver), "{r} should not match {v}");
        }
    }

    #[test]
    fn operators_match_like_cargo() {
        yes(">= 1.2.3", &["1.2.3", "1.2.4", "2.0.0"]);
        no(">= 1.2.3", &["1.2.2", "1.0.0", "2.0.0-alpha"]);
        yes("^0.3", &["0.3.0", "0.3.9"]);
        no("^0.3", &["0.2.9", "0.4.0"]);
        yes("^1.2.3", &["1.2.3", "1.9.0"]);
        no("^1.2.3", &["1.2.2", "2.0.0"]);
        yes("^0.0.3", &["0.0.3"]);
        no("^0.0.3", &["0.0.4"]);
        yes("0.3.2", &["0.3.2", "0.3.5"]);
        no("0.3.2", &["0.4.0", "0.3.1"]);
        yes("~1.2.3", &["1.2.3", "1.2.9"]);
        no("~1.2.3", &["1.3.0"]);
        yes("< 0.2, >= 0.1.5", &["0.1.5", "0.1.9"]);
        no("< 0.2, >= 0.1.5", &["0.1.4", "0.2.0"]);
        yes("<= 0.11.5", &["0.11.5", "0.1.0"]);
        no("<= 0.11.5", &["0.11.6"]);
        yes("<= 1.2", &["1.2.9"]);
        no("<= 1.2", &["1.3.0"]);
        yes("> 1.2", &["1.3.0"]);
        no("> 1.2", &["1.2.9"]);
        yes("= 0.12.0", &["0.12.0"]);
        no("= 0.12.0", &["0.12.1"]);
        yes("1.*", &["1.0.0", "1.9.9"]);
        no("1.*", &["2.0.0"]);
        yes("*", &["0.0.1", "9.0.0"]);
        no("*", &["1.0.0-rc.1"]);
        // A prerelease matches only a comparator that names its version.
        yes(
            ">= 1.0.0-alpha.2",
            &["1.0.0-alpha.2", "1.0.0-beta", "1.0.0"],
        );
        no(">= 1.0.0-alpha.2", &["1.0.0-alpha.1", "1.0.1-alpha.3"]);
    }

    #[test]
    fn rejects_malformed_requirements() {
        for bad in [
            "", ">=", ">= x", "1.*.3", "^1.2-rc", "1.2.3.4", ">= 1.*", "1.2.3,",
        ] {
            assert!(VersionReq::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn minimum_is_the_lower_bound() {
        let min = |s: &str| req(s).minimum().map(|v| v.to_string());
        assert_eq!(min(">= 0.11.6, < 0.12.0").as_deref(), Some("0.11.6"));
        assert_eq!(min("^0.3").as_deref(), Some("0.3.0"));
        assert_eq!(min("> 1.2.3").as_deref(), Some("1.2.4"));
        assert_eq!(min("> 1.2").as_deref(), Some("1.3.0"));
        assert_eq!(min("< 0.2").as_deref(), Some("0.0.0"));
    }
}
