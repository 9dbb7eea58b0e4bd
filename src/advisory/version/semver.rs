//! SemVer 2.0 versions, as crates.io, npm and Go order them.
//!
//! Parsing is lenient where lockfiles and advisories are (a leading `v`,
//! missing minor or patch meaning 0, leading zeros); ordering is strict
//! SemVer: prereleases sort before their release, identifiers compare
//! numerically or in ASCII order, build metadata (and Go's `+incompatible`)
//! is ignored. Go pseudo-versions (`v0.0.0-20200101000000-abcdef123456`)
//! are ordinary prereleases and order by their timestamp.

use std::cmp::Ordering;
use std::fmt;

/// A SemVer version without build metadata.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SemVer {
    pub(crate) major: u64,
    pub(crate) minor: u64,
    pub(crate) patch: u64,
    pub(crate) pre: Prerelease,
}

/// Dot-separated prerelease identifiers; empty for a release. Numeric
/// identifiers are stored without leading zeros, so equal means equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Prerelease(Box<str>);

impl Prerelease {
    /// Parses `alpha.1`; `None` for an empty identifier or a character
    /// SemVer does not allow.
    pub fn parse(s: &str) -> Option<Prerelease> {
        if s.is_empty() {
            return Some(Prerelease::default());
        }
        let mut out = String::with_capacity(s.len());
        for (i, ident) in s.split('.').enumerate() {
            if ident.is_empty()
                || !ident
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                return None;
            }
            if i > 0 {
                out.push('.');
            }
            if ident.bytes().all(|b| b.is_ascii_digit()) {
                let trimmed = ident.trim_start_matches('0');
                out.push_str(if trimmed.is_empty() { "0" } else { trimmed });
            } else {
                out.push_str(ident);
            }
        }
        Some(Prerelease(out.into_boxed_str()))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl Ord for Prerelease {
    fn cmp(&self, other: &Self) -> Ordering {
        // A release sorts after all of its prereleases.
        match (self.is_empty(), other.is_empty()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            (false, false) => {}
        }
        let mut a = self.0.split('.');
        let mut b = other.0.split('.');
        loop {
            match (a.next(), b.next()) {
                (None, None) => return Ordering::Equal,
                (None, Some(_)) => return Ordering::Less,
                (Some(_), None) => return Ordering::Greater,
                (Some(x), Some(y)) => {
                    let ord = compare_identifier(x, y);
                    if ord != Ordering::Equal {
                        return ord;
                    }
                }
            }
        }
    }
}

impl PartialOrd for Prerelease {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Numeric identifiers compare as numbers (of any length: they are stored
/// without leading zeros, so the longer is the larger) and sort before
/// alphanumeric ones, which compare in ASCII order.
fn compare_identifier(x: &str, y: &str) -> Ordering {
    let xn = x.bytes().all(|b| b.is_ascii_digit());
    let yn = y.bytes().all(|b| b.is_ascii_digit());
    match (xn, yn) {
        (true, true) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => x.cmp(y),
    }
}

impl SemVer {
    pub(crate) fn new(major: u64, minor: u64, patch: u64) -> SemVer {
        SemVer {
            major,
            minor,
            patch,
            pre: Prerelease::default(),
        }
    }

    /// Parses `1.2.3`, `v1.2.3-rc.1+build`, `1.2` (= `1.2.0`); `None` when
    /// the text is not a version.
    pub fn parse(s: &str) -> Option<SemVer> {
        let s = s.trim();
        let s = s
            .strip_prefix('v')
            .or_else(|| s.strip_prefix('V'))
            .unwrap_or(s);
        // Build metadata never takes part in ordering; only check its shape.
        let (rest, build) = match s.split_once('+') {
            Some((rest, build)) => (rest, Some(build)),
            None => (s, None),
        };
        if let Some(build) = build {
            let ok = build.split('.').all(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
            if !ok {
                return None;
            }
        }
        let (core, pre) = match rest.split_once('-') {
            Some((core, pre)) if !pre.is_empty() => (core, Prerelease::parse(pre)?),
            Some(_) => return None,
            None => (rest, Prerelease::default()),
        };
        let mut parts = core.split('.');
        let major = number(parts.next()?)?;
        let minor = parts.next().map(number).unwrap_or(Some(0))?;
        let patch = parts.next().map(number).unwrap_or(Some(0))?;
        if parts.next().is_some() {
            return None;
        }
        Some(SemVer {
            major,
            minor,
            patch,
            pre,
        })
    }
}

/// A non-empty run of ASCII digits that fits in u64.
pub(crate) fn number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| self.pre.cmp(&other.pre))
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for SemVer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> SemVer {
        SemVer::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn parses_lenient_forms() {
        assert_eq!(v("1.2.3"), SemVer::new(1, 2, 3));
        assert_eq!(v("v1.2"), SemVer::new(1, 2, 0));
        assert_eq!(v("0"), SemVer::new(0, 0, 0));
        assert_eq!(v("1.2.3+build.5"), SemVer::new(1, 2, 3));
        assert_eq!(v("v2.0.0+incompatible"), SemVer::new(2, 0, 0));
        assert_eq!(v("1.0.0-rc.01").pre.as_str(), "rc.1");
        for bad in [
            "",
            "1.2.3.4",
            "1.x",
            "1.2.3-",
            "1..2",
            "1.2.3-a..b",
            "1.2.3+",
            "a.b.c",
            "99999999999999999999",
        ] {
            assert_eq!(SemVer::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn orders_prereleases_per_semver() {
        // The example chain from semver.org section 11.
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1-0",
            "1.0.1",
            "2.0.0",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
        assert_eq!(v("1.0.0+a").cmp(&v("1.0.0+b")), Ordering::Equal);
    }

    #[test]
    fn orders_go_pseudo_versions() {
        assert!(v("v0.0.0-20200101000000-abcdef123456") < v("v0.0.0-20210101000000-000000000000"));
        assert!(v("v0.0.0-20210101000000-000000000000") < v("v0.0.1"));
        // A pseudo-version based on v1.2.3 sorts after it and before v1.2.4.
        assert!(v("v1.2.3") < v("v1.2.4-0.20200101000000-abcdef123456"));
        assert!(v("v1.2.4-0.20200101000000-abcdef123456") < v("v1.2.4"));
    }

    #[test]
    fn displays_canonically() {
        assert_eq!(v("v1.2-rc.01+x").to_string(), "1.2.0-rc.1");
    }
}
