//! Property tests: version ordering is a total order, agrees with the
//! order of the parts a version was built from, and does not depend on
//! how the version is spelt.

use std::cmp::Ordering;

use proptest::prelude::*;

use super::pep440::PreKind;
use super::{Pep440, SemVer};

/// SemVer parts: (major, minor, patch, prerelease identifiers).
type SemParts = (u64, u64, u64, Vec<String>);

fn ident() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("alpha".to_string()),
        Just("beta".to_string()),
        Just("rc".to_string()),
        Just("x-y".to_string()),
        (0u64..12).prop_map(|n| n.to_string()),
    ]
}

fn sem_parts() -> impl Strategy<Value = SemParts> {
    (
        0u64..3,
        0u64..3,
        0u64..3,
        prop::collection::vec(ident(), 0..3),
    )
}

/// Spells the parts in one of the forms the parser accepts.
fn sem_text(p: &SemParts, v_prefix: bool, build: bool) -> String {
    let mut s = format!("{}{}.{}.{}", if v_prefix { "v" } else { "" }, p.0, p.1, p.2);
    if !p.3.is_empty() {
        s.push('-');
        s.push_str(&p.3.join("."));
    }
    if build {
        s.push_str("+build.7");
    }
    s
}

/// SemVer precedence computed from the parts, independently of the parser.
fn sem_reference(a: &SemParts, b: &SemParts) -> Ordering {
    (a.0, a.1, a.2)
        .cmp(&(b.0, b.1, b.2))
        .then_with(|| match (a.3.is_empty(), b.3.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                for (x, y) in a.3.iter().zip(&b.3) {
                    let o = match (x.parse::<u64>(), y.parse::<u64>()) {
                        (Ok(m), Ok(n)) => m.cmp(&n),
                        (Ok(_), Err(_)) => Ordering::Less,
                        (Err(_), Ok(_)) => Ordering::Greater,
                        (Err(_), Err(_)) => x.cmp(y),
                    };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.3.len().cmp(&b.3.len())
            }
        })
}

/// PEP 440 parts: (epoch, release, pre, post, dev).
type PepParts = (u64, Vec<u64>, Option<(u8, u64)>, Option<u64>, Option<u64>);

fn pep_parts() -> impl Strategy<Value = PepParts> {
    (
        prop_oneof![9 => Just(0u64), 1 => Just(1u64)],
        prop::collection::vec(0u64..3, 1..4),
        prop::option::of((0u8..3, 0u64..3)),
        prop::option::of(0u64..3),
        prop::option::of(0u64..3),
    )
}

/// Spells the parts canonically, or with the alternative spellings PEP 440
/// normalises (`alpha`, `-preview.`, `_rev`, `-dev`, upper case).
fn pep_text(p: &PepParts, alternative: bool) -> String {
    let mut s = String::new();
    if p.0 != 0 {
        s.push_str(&format!("{}!", p.0));
    }
    let release: Vec<String> = p.1.iter().map(u64::to_string).collect();
    s.push_str(&release.join("."));
    if let Some((k, n)) = p.2 {
        let tag = match (k, alternative) {
            (0, false) => "a",
            (0, true) => "-ALPHA.",
            (1, false) => "b",
            (1, true) => ".beta",
            (_, false) => "rc",
            (_, true) => "-preview.",
        };
        s.push_str(&format!("{tag}{n}"));
    }
    if let Some(n) = p.3 {
        s.push_str(&if alternative {
            format!("_rev{n}")
        } else {
            format!(".post{n}")
        });
    }
    if let Some(n) = p.4 {
        s.push_str(&if alternative {
            format!("-dev{n}")
        } else {
            format!(".dev{n}")
        });
    }
    if alternative {
        format!("v{s}")
    } else {
        s
    }
}

/// PEP 440's sort key computed from the parts, independently of the parser.
/// (epoch, release, pre, post, dev), each part ordered as PEP 440 says.
type PepKey = (u64, Vec<u64>, (u8, u8, u64), (u8, u64), (u8, u64));

fn pep_key(p: &PepParts) -> PepKey {
    let mut release = p.1.clone();
    while release.last() == Some(&0) {
        release.pop();
    }
    let pre = match (p.2, p.3, p.4) {
        (None, None, Some(_)) => (0, 0, 0),
        (Some((k, n)), _, _) => (1, k, n),
        (None, _, _) => (2, 0, 0),
    };
    let post = p.3.map_or((0, 0), |n| (1, n));
    let dev = p.4.map_or((1, 0), |n| (0, n));
    (p.0, release, pre, post, dev)
}

proptest! {
    #[test]
    fn semver_order_matches_the_parts(a in sem_parts(), b in sem_parts(), pa: bool, pb: bool, ba: bool, bb: bool) {
        let x = SemVer::parse(&sem_text(&a, pa, ba));
        let y = SemVer::parse(&sem_text(&b, pb, bb));
        prop_assert!(x.is_some() && y.is_some());
        let (x, y) = (x.unwrap_or_else(|| SemVer::new(0, 0, 0)), y.unwrap_or_else(|| SemVer::new(0, 0, 0)));
        prop_assert_eq!(x.cmp(&y), sem_reference(&a, &b));
        prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
        prop_assert_eq!(x == y, x.cmp(&y) == Ordering::Equal);
        // Display gives a spelling that parses back to the same version.
        prop_assert_eq!(SemVer::parse(&x.to_string()), Some(x.clone()));
    }

    #[test]
    fn semver_order_is_transitive(a in sem_parts(), b in sem_parts(), c in sem_parts()) {
        let p = |s: &SemParts| SemVer::parse(&sem_text(s, false, false));
        let (x, y, z) = (p(&a), p(&b), p(&c));
        if x <= y && y <= z {
            prop_assert!(x <= z);
        }
    }

    #[test]
    fn pep440_order_matches_the_parts(a in pep_parts(), b in pep_parts(), alt_a: bool, alt_b: bool) {
        let x = Pep440::parse(&pep_text(&a, alt_a));
        let y = Pep440::parse(&pep_text(&b, alt_b));
        prop_assert!(x.is_some(), "{}", pep_text(&a, alt_a));
        prop_assert!(y.is_some(), "{}", pep_text(&b, alt_b));
        let (Some(x), Some(y)) = (x, y) else { return Ok(()) };
        prop_assert_eq!(x.cmp(&y), pep_key(&a).cmp(&pep_key(&b)), "{} vs {}", x, y);
        prop_assert_eq!(x.cmp(&y), y.cmp(&x).reverse());
        prop_assert_eq!(x == y, x.cmp(&y) == Ordering::Equal);
        prop_assert_eq!(x.pre.map(|(k, _)| k as u8), a.2.map(|(k, _)| k));
        // The canonical spelling reads back as the same version.
        let again = Pep440::parse(&x.to_string());
        prop_assert_eq!(again.map(|v| v.cmp(&x)), Some(Ordering::Equal));
    }

    #[test]
    fn pep440_spellings_are_equal(a in pep_parts()) {
        let x = Pep440::parse(&pep_text(&a, false));
        let y = Pep440::parse(&pep_text(&a, true));
        prop_assert!(x.is_some() && x == y, "{} vs {}", pep_text(&a, false), pep_text(&a, true));
    }

    #[test]
    fn pep440_order_is_transitive(a in pep_parts(), b in pep_parts(), c in pep_parts()) {
        let p = |s: &PepParts| Pep440::parse(&pep_text(s, false));
        let (x, y, z) = (p(&a), p(&b), p(&c));
        if x <= y && y <= z {
            prop_assert!(x <= z);
        }
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,24}") {
        let _ = SemVer::parse(&s);
        let _ = Pep440::parse(&s);
        let _ = super::VersionReq::parse(&s);
    }
}

#[test]
fn pre_kinds_are_ordered() {
    assert!(PreKind::Alpha < PreKind::Beta && PreKind::Beta < PreKind::Rc);
}
