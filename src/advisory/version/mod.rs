//! Versions and their order, per ecosystem: SemVer for crates.io, npm and
//! Go ([`semver`]), PEP 440 for PyPI ([`pep440`]), and the SemVer
//! requirements RustSec advisories are written in ([`req`]).

pub(crate) mod pep440;
#[cfg(test)]
mod props;
pub(crate) mod req;
pub(crate) mod semver;

use std::cmp::Ordering;
use std::fmt;

use super::RangeKind;
use crate::lockfile::Ecosystem;

pub use pep440::Pep440;
pub use req::VersionReq;
pub use semver::{Prerelease, SemVer};

/// Which ordering a version is read with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Scheme {
    Semver,
    Pep440,
}

impl Scheme {
    /// The ecosystem's own ordering (OSV `ECOSYSTEM` ranges, `versions`
    /// lists, lockfile versions).
    pub fn of(ecosystem: Ecosystem) -> Scheme {
        match ecosystem {
            Ecosystem::PyPI => Scheme::Pep440,
            // Go module versions are SemVer with a `v`; `+incompatible` is
            // build metadata and pseudo-versions are prereleases.
            Ecosystem::CratesIo | Ecosystem::Npm | Ecosystem::Go => Scheme::Semver,
        }
    }

    /// The ordering a range's events use: `SEMVER` ranges are SemVer
    /// whatever the ecosystem; `GIT` ranges hold commits, not versions.
    pub fn for_range(ecosystem: Ecosystem, kind: RangeKind) -> Option<Scheme> {
        match kind {
            RangeKind::Semver => Some(Scheme::Semver),
            RangeKind::Ecosystem => Some(Scheme::of(ecosystem)),
            RangeKind::Git => None,
        }
    }

    pub(crate) fn parse(self, text: &str) -> Option<Version> {
        match self {
            Scheme::Semver => SemVer::parse(text).map(Version::Semver),
            Scheme::Pep440 => Pep440::parse(text).map(Version::Pep440),
        }
    }
}

/// A version of either scheme. Versions are only compared within one
/// scheme; across schemes the order is fixed (SemVer first) so that `Ord`
/// stays total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Version {
    Semver(SemVer),
    Pep440(Pep440),
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => a.cmp(b),
            (Version::Pep440(a), Version::Pep440(b)) => a.cmp(b),
            (Version::Semver(_), Version::Pep440(_)) => Ordering::Less,
            (Version::Pep440(_), Version::Semver(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Version::Semver(v) => v.fmt(f),
            Version::Pep440(v) => v.fmt(f),
        }
    }
}

/// Compares two versions with the ecosystem's rules; `None` when either is
/// not a version of that ecosystem.
pub fn compare(ecosystem: Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    let scheme = Scheme::of(ecosystem);
    Some(scheme.parse(a)?.cmp(&scheme.parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_with_each_ecosystems_rules() {
        assert_eq!(
            compare(Ecosystem::PyPI, "1.0", "1.0.0"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Ecosystem::PyPI, "1.0.dev1", "1.0a1"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::CratesIo, "1.0.0-alpha", "1.0.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare(Ecosystem::Npm, "1.0.0+build", "1.0.0"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(Ecosystem::Go, "v1.2.3+incompatible", "1.2.3"),
            Some(Ordering::Equal)
        );
        assert_eq!(compare(Ecosystem::CratesIo, "1.0.0.dev1", "1.0.0"), None);
        assert_eq!(Scheme::for_range(Ecosystem::PyPI, RangeKind::Git), None);
        assert_eq!(
            Scheme::for_range(Ecosystem::PyPI, RangeKind::Semver),
            Some(Scheme::Semver)
        );
    }
}
