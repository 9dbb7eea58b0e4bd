//! Provider version pins: which release of a provider a configuration would
//! install, as far as its version constraints tell, so the adapter can judge
//! an argument left unset by the default of that release rather than of
//! today's (azurerm 2 defaulted a storage account's `min_tls_version` to
//! `TLS1_0`, azurerm 3 to `TLS1_2`).
//!
//! Constraints come from every module of the tree: `terraform {
//! required_providers { azurerm = { version = "~> 2.46" } } }` (or the older
//! `azurerm = "~> 2.46"`) and the version argument of a `provider` block
//! (Terraform 0.12). Without a lock file `terraform init` installs the newest
//! release every constraint allows, so only the upper bounds matter: `=2.0.0`
//! and `<= 2.0.0` cap at 2.0.0, `< 3.0` and `~> 2.46` below 3.0. A dependency
//! lock file (`.terraform.lock.hcl`) is not read (the scan walks no hidden
//! file), so a looser constraint is judged by the newest release it allows.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, ObjectKey};

use super::syntax::{Block, Expr, Item};
use crate::source::Span;

/// A release number: major, minor, patch (missing parts are 0).
pub type Version = (u64, u64, u64);

/// The tightest upper bound the configuration puts on one provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// The constraint that sets the bound, as written (`=2.0.0`, `~> 2.46`).
    pub constraint: String,
    /// Where that constraint is written.
    pub span: Span,
    ceiling: Ceiling,
}

/// An upper bound: at most this release, or some release below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ceiling {
    AtMost(Version),
    Below(Version),
}

impl Ceiling {
    /// Tighter bounds sort first: `< 3.0.0` is tighter than `<= 3.0.0`.
    fn key(self) -> (Version, u8) {
        match self {
            Ceiling::Below(v) => (v, 0),
            Ceiling::AtMost(v) => (v, 1),
        }
    }
}

impl Pin {
    /// Whether the release `terraform init` would install is `at` or later.
    /// Below a bound, the newest release under it is taken to be at least any
    /// release number under it (`< 3.0` installs a 2.x at least 2.20).
    pub fn installs_at_least(&self, at: Version) -> bool {
        match self.ceiling {
            Ceiling::AtMost(v) => v >= at,
            Ceiling::Below(v) => v > at,
        }
    }
}

/// Add the constraints of one module's `terraform` and `provider` blocks to
/// `pins` (provider type name → tightest pin).
pub(crate) fn collect(blocks: &[Block<'_>], pins: &mut BTreeMap<String, Pin>) {
    for b in blocks {
        match b.kind {
            "terraform" => {
                for rp in b.body.blocks() {
                    if rp.kind == "required_providers" {
                        required_providers(&rp, pins);
                    }
                }
            }
            "provider" => {
                let (Some((name, _)), Some(v)) = (b.labels.first(), b.body.attr("version")) else {
                    continue;
                };
                if let Some((text, span)) = literal(v.expr) {
                    add(pins, name, &text, span);
                }
            }
            _ => {}
        }
    }
}

/// The releases a dependency lock file (`.terraform.lock.hcl`, blocks
/// `provider "registry.terraform.io/hashicorp/azurerm" { version = "2.46.0" }`)
/// records: `terraform init` installs exactly these, whatever the
/// constraints allow, so each replaces the provider's pin.
pub(crate) fn lock(blocks: &[Block<'_>], pins: &mut BTreeMap<String, Pin>) {
    for b in blocks {
        let (true, Some((source, _)), Some(v)) = (
            b.kind == "provider",
            b.labels.first(),
            b.body.attr("version"),
        ) else {
            continue;
        };
        let Some((text, span)) = literal(v.expr) else {
            continue;
        };
        let Some((release, _)) = version(text.trim()) else {
            continue;
        };
        pins.insert(
            type_name(source, Some(source)),
            Pin {
                constraint: text.trim().to_string(),
                span,
                ceiling: Ceiling::AtMost(release),
            },
        );
    }
}

/// `azurerm = "~> 2.0"`, `azurerm = { source = "hashicorp/azurerm", version
/// = "..." }`, and in JSON `"azurerm": {"version": "..."}` (read as a block).
fn required_providers(b: &Block<'_>, pins: &mut BTreeMap<String, Pin>) {
    for item in b.body.items() {
        match item {
            Item::Attr(a) => {
                if let Some((text, span)) = literal(a.expr) {
                    add(pins, a.name, &text, span);
                    continue;
                }
                let source = member(a.expr, "source").map(|(s, _)| s);
                if let Some((text, span)) = member(a.expr, "version") {
                    add(pins, &type_name(a.name, source.as_deref()), &text, span);
                }
            }
            Item::Block(inner) => {
                let source = inner.body.attr("source").and_then(|s| literal(s.expr));
                let version = inner.body.attr("version").and_then(|v| literal(v.expr));
                if let Some((text, span)) = version {
                    let name = type_name(inner.kind, source.as_ref().map(|s| s.0.as_str()));
                    add(pins, &name, &text, span);
                }
            }
        }
    }
}

/// The provider's type name: the last part of its `source`
/// (`hashicorp/azurerm`), else its local name.
fn type_name(local: &str, source: Option<&str>) -> String {
    source
        .and_then(|s| s.rsplit('/').next())
        .filter(|s| !s.is_empty())
        .unwrap_or(local)
        .to_string()
}

fn add(pins: &mut BTreeMap<String, Pin>, name: &str, constraint: &str, span: Span) {
    let Some(ceiling) = ceiling(constraint) else {
        return;
    };
    let pin = Pin {
        constraint: constraint.trim().to_string(),
        span,
        ceiling,
    };
    match pins.get(name) {
        Some(old) if old.ceiling.key() <= ceiling.key() => {}
        _ => {
            pins.insert(name.to_string(), pin);
        }
    }
}

/// The tightest upper bound of a constraint string (`>= 2.0, < 3.0`), or
/// none when it has none (`>= 2.0`) or cannot be read.
fn ceiling(constraint: &str) -> Option<Ceiling> {
    constraint
        .split(',')
        .filter_map(|part| {
            let part = part.trim();
            let (op, rest) = ["~>", ">=", "<=", "!=", "=", ">", "<"]
                .into_iter()
                .find_map(|op| part.strip_prefix(op).map(|r| (op, r)))
                .unwrap_or(("=", part));
            let (v, parts) = version(rest.trim())?;
            match op {
                "=" | "<=" => Some(Ceiling::AtMost(v)),
                "<" => Some(Ceiling::Below(v)),
                // `~> 2` and `~> 2.46` allow any 2.x; `~> 2.46.1` any 2.46.x.
                "~>" if parts < 3 => Some(Ceiling::Below((v.0 + 1, 0, 0))),
                "~>" => Some(Ceiling::Below((v.0, v.1 + 1, 0))),
                _ => None,
            }
        })
        .min_by_key(|c| c.key())
}

/// `2.46.1` (a pre-release suffix ignored) and how many parts are written.
fn version(s: &str) -> Option<(Version, usize)> {
    let s = s.trim_start_matches('v');
    let s = s.split(['-', '+']).next()?;
    let mut parts = [0u64; 3];
    let mut n = 0;
    for p in s.split('.') {
        if n == 3 {
            return None;
        }
        parts[n] = p.parse().ok()?;
        n += 1;
    }
    Some(((parts[0], parts[1], parts[2]), n))
}

/// A literal string and its span (a template with interpolation is not one).
fn literal(e: Expr<'_>) -> Option<(String, Span)> {
    match e {
        Expr::Hcl(Expression::String(s), _) => Some((s.value().to_string(), e.span())),
        Expr::Json(n) | Expr::Literal(n) => {
            let s = n.as_str()?;
            (!s.contains("${")).then(|| (s.to_string(), n.span))
        }
        Expr::Hcl(..) => None,
    }
}

/// A literal string member of an object expression.
fn member(e: Expr<'_>, key: &str) -> Option<(String, Span)> {
    match e {
        Expr::Hcl(Expression::Object(o), src) => o.iter().find_map(|(k, v)| {
            let name = match k {
                ObjectKey::Ident(i) => i.as_str().to_string(),
                ObjectKey::Expression(x) => literal(Expr::Hcl(x, src))?.0,
            };
            (name == key).then(|| literal(Expr::Hcl(v.expr(), src)))?
        }),
        Expr::Json(n) | Expr::Literal(n) => {
            let v = n.as_map()?.get(key)?;
            literal(Expr::Json(v))
        }
        Expr::Hcl(..) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pin(c: &str) -> Pin {
        Pin {
            constraint: c.to_string(),
            span: Span::default(),
            ceiling: ceiling(c).expect("a bound"),
        }
    }

    #[test]
    fn upper_bounds_decide_what_is_installed() {
        assert!(!pin("=2.0.0").installs_at_least((2, 19, 0)));
        assert!(pin("=2.0.0").installs_at_least((2, 0, 0)));
        assert!(pin("2.20.0").installs_at_least((2, 20, 0)));
        assert!(pin("~> 2.0").installs_at_least((2, 20, 0)));
        assert!(!pin("~> 2.0").installs_at_least((3, 0, 0)));
        assert!(!pin("~> 2.18.0").installs_at_least((2, 19, 0)));
        assert!(pin("~> 2.18.0").installs_at_least((2, 18, 4)));
        assert!(!pin(">= 1.0, < 3.0.0").installs_at_least((3, 0, 0)));
        assert!(pin("<= 3.0.0").installs_at_least((3, 0, 0)));
        assert!(!pin("~> 1").installs_at_least((2, 0, 0)));
    }

    #[test]
    fn constraints_without_an_upper_bound_pin_nothing() {
        for c in [">= 2.0", "> 1.0, != 2.1.0", "", "latest", "~> x"] {
            assert_eq!(ceiling(c), None, "{c}");
        }
    }

    #[test]
    fn the_tightest_of_several_constraints_wins() {
        let mut pins = BTreeMap::new();
        add(&mut pins, "azurerm", "~> 3.0", Span::default());
        add(&mut pins, "azurerm", "<= 2.46.0", Span::default());
        add(&mut pins, "azurerm", ">= 2.0, < 4.0", Span::default());
        assert_eq!(pins["azurerm"].constraint, "<= 2.46.0");
    }
}
