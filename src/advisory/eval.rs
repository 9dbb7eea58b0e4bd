//! Whether one version of a package is affected by one [`Affected`] entry:
//! OSV's evaluation algorithm (https://ossf.github.io/osv-schema/#evaluation)
//! for OSV ranges and `versions` lists, and "affected unless patched or
//! unaffected" for RustSec's native form.

use std::cell::OnceCell;

use super::version::{Scheme, SemVer, Version};
use super::{Affected, Event, Range, RustsecVersions};

/// The version is affected; `fixed` lists the versions that fix it (the
/// `fixed` event closing the range it falls in; RustSec's patched versions
/// above it), lowest first. Empty when no fix is known.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub fixed: Vec<String>,
}

/// A package version, parsed at most once per scheme.
pub(crate) struct Candidate<'a> {
    text: &'a str,
    semver: OnceCell<Option<Version>>,
    pep440: OnceCell<Option<Version>>,
}

impl<'a> Candidate<'a> {
    pub fn new(text: &'a str) -> Self {
        Candidate {
            text,
            semver: OnceCell::new(),
            pep440: OnceCell::new(),
        }
    }

    fn get(&self, scheme: Scheme) -> Option<&Version> {
        let cell = match scheme {
            Scheme::Semver => &self.semver,
            Scheme::Pep440 => &self.pep440,
        };
        cell.get_or_init(|| scheme.parse(self.text)).as_ref()
    }
}

/// An [`Affected`] entry prepared for matching: event and `versions`
/// strings parsed once (sorted), so each check is comparisons and a binary
/// search. PyPI records list every affected release (often hundreds), and
/// parsing those per check dominated matching time.
#[derive(Debug, Default)]
pub(crate) struct Compiled {
    ranges: Vec<CompiledRange>,
    /// `versions` entries that parse in the ecosystem's scheme, sorted.
    versions: Vec<Version>,
    /// `versions` entries that do not: compared as written.
    unparsed: Vec<String>,
}

#[derive(Debug)]
struct CompiledRange {
    scheme: Scheme,
    /// Sorted by version (`None` = OSV's "0", below everything); stable,
    /// so events at one version keep the record's order.
    events: Vec<(Option<Version>, Kind, usize)>,
    limits: Vec<Version>,
    /// Index of the range in [`Affected::ranges`], to quote `fixed` as written.
    index: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Introduced,
    Fixed,
    LastAffected,
}

impl Compiled {
    /// Prepares an entry. A range with an event that is not a version of
    /// its scheme is left out: it cannot be evaluated, and guessing would
    /// mislead either way. GIT ranges hold commits and never match.
    pub fn new(affected: &Affected) -> Compiled {
        if affected.rustsec.is_some() {
            return Compiled::default();
        }
        let ranges = affected
            .ranges
            .iter()
            .enumerate()
            .filter_map(|(index, r)| {
                let scheme = Scheme::for_range(affected.ecosystem, r.kind)?;
                compile_range(r, scheme, index)
            })
            .collect();
        let scheme = Scheme::of(affected.ecosystem);
        let mut versions = Vec::with_capacity(affected.versions.len());
        let mut unparsed = Vec::new();
        for v in &affected.versions {
            match scheme.parse(v) {
                Some(parsed) => versions.push(parsed),
                None => unparsed.push(v.clone()),
            }
        }
        versions.sort();
        Compiled {
            ranges,
            versions,
            unparsed,
        }
    }
}

fn compile_range(range: &Range, scheme: Scheme, index: usize) -> Option<CompiledRange> {
    let mut events = Vec::with_capacity(range.events.len());
    let mut limits = Vec::new();
    for (i, e) in range.events.iter().enumerate() {
        let (Event::Introduced(x) | Event::Fixed(x) | Event::LastAffected(x) | Event::Limit(x)) = e;
        let x = x.trim();
        // Some GitHub records write `"fixed": ""` for "no fix": not an event.
        if x.is_empty() {
            continue;
        }
        match e {
            Event::Introduced(_) if x == "0" => events.push((None, Kind::Introduced, i)),
            Event::Limit(_) if x == "*" => {}
            Event::Limit(_) => limits.push(scheme.parse(x)?),
            Event::Introduced(_) => events.push((Some(scheme.parse(x)?), Kind::Introduced, i)),
            Event::Fixed(_) => events.push((Some(scheme.parse(x)?), Kind::Fixed, i)),
            Event::LastAffected(_) => events.push((Some(scheme.parse(x)?), Kind::LastAffected, i)),
        }
    }
    events.sort_by(|a, b| a.0.cmp(&b.0));
    Some(CompiledRange {
        scheme,
        events,
        limits,
        index,
    })
}

/// Checks one entry, preparing it on the spot (tests, one-off checks).
#[cfg(test)]
pub(crate) fn check(affected: &Affected, version: &Candidate<'_>) -> Option<Hit> {
    check_compiled(affected, &Compiled::new(affected), version)
}

/// Checks one entry prepared by [`Compiled::new`] from `affected`.
pub(crate) fn check_compiled(
    affected: &Affected,
    compiled: &Compiled,
    version: &Candidate<'_>,
) -> Option<Hit> {
    if let Some(rs) = &affected.rustsec {
        return check_rustsec(rs, version);
    }
    let mut fixed: Vec<String> = Vec::new();
    let mut hit = false;
    for range in &compiled.ranges {
        let Some(v) = version.get(range.scheme) else {
            continue;
        };
        if let Some(fix) = in_range(range, v) {
            hit = true;
            let text = fix.and_then(|i| {
                let r = affected.ranges.get(range.index)?;
                match r.events.get(i)? {
                    Event::Fixed(x) => Some(x.trim().to_string()),
                    _ => None,
                }
            });
            if let Some(text) = text.filter(|f| !fixed.contains(f)) {
                fixed.push(text);
            }
        }
    }
    if !hit {
        hit = version
            .get(Scheme::of(affected.ecosystem))
            .is_some_and(|v| compiled.versions.binary_search(v).is_ok())
            || compiled.unparsed.iter().any(|u| u == version.text);
    }
    hit.then_some(Hit { fixed })
}

/// OSV's `includes(v, events)`: walk the events in version order; an
/// `introduced` at or below `v` opens the range, a `fixed` at or below (or
/// a `last_affected` strictly below) closes it. `limit`s, when given, cap
/// the range from above. `Some(fix)` when `v` is inside, with the index of
/// the `fixed` event that closes the range above `v`, if any.
fn in_range(range: &CompiledRange, v: &Version) -> Option<Option<usize>> {
    if !range.limits.is_empty() && !range.limits.iter().any(|l| v < l) {
        return None;
    }
    let mut vulnerable = false;
    for (at, kind, _) in &range.events {
        match kind {
            Kind::Introduced if at.as_ref().is_none_or(|x| v >= x) => vulnerable = true,
            Kind::Fixed if at.as_ref().is_some_and(|x| v >= x) => vulnerable = false,
            Kind::LastAffected if at.as_ref().is_some_and(|x| v > x) => vulnerable = false,
            _ => {}
        }
    }
    if !vulnerable {
        return None;
    }
    let close = range.events.iter().find(|(at, kind, _)| {
        matches!(kind, Kind::Fixed | Kind::LastAffected) && at.as_ref().is_some_and(|x| x > v)
    });
    Some(match close {
        Some((_, Kind::Fixed, i)) => Some(*i),
        _ => None,
    })
}

fn check_rustsec(rs: &RustsecVersions, version: &Candidate<'_>) -> Option<Hit> {
    let Some(Version::Semver(v)) = version.get(Scheme::Semver) else {
        return None;
    };
    if rs
        .patched
        .iter()
        .chain(&rs.unaffected)
        .any(|r| r.matches(v))
    {
        return None;
    }
    let mut fixed: Vec<SemVer> = rs
        .patched
        .iter()
        .filter_map(|r| r.minimum())
        .filter(|m| m > v)
        .collect();
    fixed.sort();
    fixed.dedup();
    Some(Hit {
        fixed: fixed.iter().map(SemVer::to_string).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advisory::version::VersionReq;
    use crate::advisory::RangeKind;
    use crate::lockfile::Ecosystem;

    fn affected(eco: Ecosystem, kind: RangeKind, events: &[Event], versions: &[&str]) -> Affected {
        Affected {
            ecosystem: eco,
            name: "p".into(),
            ranges: vec![Range {
                kind,
                events: events.to_vec(),
            }],
            versions: versions.iter().map(|s| s.to_string()).collect(),
            rustsec: None,
        }
    }

    fn at(a: &Affected, v: &str) -> Option<Vec<String>> {
        check(a, &Candidate::new(v)).map(|h| h.fixed)
    }

    use Event::*;

    #[test]
    fn introduced_fixed_boundaries() {
        let a = affected(
            Ecosystem::PyPI,
            RangeKind::Ecosystem,
            &[Introduced("1.5.0".into()), Fixed("2.4.0".into())],
            &[],
        );
        assert_eq!(at(&a, "1.4.9"), None);
        assert_eq!(at(&a, "1.5"), Some(vec!["2.4.0".into()]));
        assert_eq!(at(&a, "2.3.99"), Some(vec!["2.4.0".into()]));
        assert_eq!(at(&a, "2.4.0rc1"), Some(vec!["2.4.0".into()]));
        assert_eq!(at(&a, "2.4"), None);
        assert_eq!(at(&a, "not a version"), None);
    }

    #[test]
    fn several_ranges_in_one_event_list_out_of_order() {
        let a = affected(
            Ecosystem::CratesIo,
            RangeKind::Semver,
            &[
                Introduced("5.0.0".into()),
                Fixed("5.0.1".into()),
                Introduced("0.0.0-0".into()),
                Fixed("4.0.1".into()),
            ],
            &[],
        );
        assert_eq!(at(&a, "0.1.0"), Some(vec!["4.0.1".into()]));
        assert_eq!(at(&a, "4.0.1"), None);
        assert_eq!(at(&a, "4.9.9"), None);
        assert_eq!(at(&a, "5.0.0"), Some(vec!["5.0.1".into()]));
        assert_eq!(at(&a, "5.0.1"), None);
    }

    #[test]
    fn last_affected_and_limit() {
        let a = affected(
            Ecosystem::Npm,
            RangeKind::Semver,
            &[Introduced("0".into()), LastAffected("1.2.3".into())],
            &[],
        );
        assert_eq!(at(&a, "1.2.3"), Some(vec![]));
        assert_eq!(at(&a, "1.2.4-alpha"), None);
        let l = affected(
            Ecosystem::Go,
            RangeKind::Semver,
            &[Introduced("1.0.0".into()), Limit("1.5.0".into())],
            &[],
        );
        assert_eq!(at(&l, "v1.4.0"), Some(vec![]));
        assert_eq!(at(&l, "v1.5.0"), None);
    }

    #[test]
    fn go_pseudo_versions_and_incompatible() {
        let a = affected(
            Ecosystem::Go,
            RangeKind::Semver,
            &[
                Introduced("0".into()),
                Fixed("0.0.0-20210101000000-abcdefabcdef".into()),
            ],
            &[],
        );
        assert!(at(&a, "v0.0.0-20200101000000-abcdef123456").is_some());
        assert_eq!(at(&a, "v0.0.0-20220101000000-abcdef123456"), None);
        let b = affected(
            Ecosystem::Go,
            RangeKind::Semver,
            &[Introduced("2.0.0".into()), Fixed("2.1.0".into())],
            &[],
        );
        assert!(at(&b, "v2.0.5+incompatible").is_some());
    }

    #[test]
    fn git_ranges_never_match_but_versions_lists_do() {
        let a = affected(
            Ecosystem::PyPI,
            RangeKind::Git,
            &[Introduced("0".into()), Fixed("abc123".into())],
            &["1.0.0", "1.1"],
        );
        assert_eq!(at(&a, "1.0"), Some(vec![]));
        assert_eq!(at(&a, "1.1.0"), Some(vec![]));
        assert_eq!(at(&a, "1.2"), None);
    }

    #[test]
    fn empty_events_are_ignored() {
        // GHSA-226w-6hhj-69hp writes `"fixed": ""`.
        let a = affected(
            Ecosystem::Npm,
            RangeKind::Ecosystem,
            &[Introduced("0.0.0".into()), Fixed("".into())],
            &[],
        );
        assert_eq!(at(&a, "1.0.0"), Some(vec![]));
    }

    #[test]
    fn unparseable_event_skips_the_range() {
        let a = affected(
            Ecosystem::CratesIo,
            RangeKind::Semver,
            &[Introduced("0".into()), Fixed("abc123".into())],
            &[],
        );
        assert_eq!(at(&a, "1.0.0"), None);
    }

    #[test]
    fn rustsec_native_requirements() {
        let reqs = |r: &[&str]| r.iter().filter_map(|s| VersionReq::parse(s).ok()).collect();
        let a = Affected {
            ecosystem: Ecosystem::CratesIo,
            name: "tokio-rustls".into(),
            ranges: vec![],
            versions: vec![],
            rustsec: Some(RustsecVersions {
                patched: reqs(&[">= 0.12.3, < 0.13.0", ">= 0.13.1"]),
                unaffected: reqs(&["< 0.12"]),
            }),
        };
        assert_eq!(at(&a, "0.11.9"), None);
        assert_eq!(
            at(&a, "0.12.0"),
            Some(vec!["0.12.3".into(), "0.13.1".into()])
        );
        assert_eq!(
            at(&a, "0.12.2"),
            Some(vec!["0.12.3".into(), "0.13.1".into()])
        );
        assert_eq!(at(&a, "0.12.3"), None);
        assert_eq!(at(&a, "0.13.0"), Some(vec!["0.13.1".into()]));
        assert_eq!(at(&a, "0.13.1"), None);
    }
}
