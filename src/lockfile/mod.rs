//! Lockfiles: the packages a function ships, each with its name, version,
//! ecosystem, whether it is a dev dependency, and the span of its entry, so
//! an advisory finding points at the package's line.
//!
//! One file per format family; this module owns the shared types and the
//! dispatch. Every parser follows the same rules:
//! - spans are byte ranges of the text given, starting on the line that names
//!   the package (the name key, the header line, or the requirement itself);
//! - a file that is not the format at all (invalid JSON, YAML or TOML, a root
//!   that is not a table) is a [`ParseError`] with the offset of the problem;
//! - one bad entry in an otherwise fine file is skipped, not fatal;
//! - entries that are local source rather than a published package (workspace
//!   members, `link:`/`file:` specs, editable installs, the npm root entry)
//!   are not packages: no advisory can be about them.

use std::path::PathBuf;

use crate::discover::LockfileKind;
use crate::parse::ParseError;
use crate::source::{FileId, Span};

mod cargo;
mod gomod;
mod npm;
mod pipfile;
mod pnpm;
mod poetry;
#[cfg(test)]
mod props;
mod requirements;
#[cfg(test)]
mod tests;
mod toml_doc;
mod uv;
mod yarn;

/// A package ecosystem, named as OSV names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum Ecosystem {
    /// Rust crates (`Cargo.lock`).
    #[serde(rename = "crates.io")]
    CratesIo,
    /// npm packages (`package-lock.json`, `npm-shrinkwrap.json`, `yarn.lock`, `pnpm-lock.yaml`).
    #[serde(rename = "npm")]
    Npm,
    /// Python packages (`requirements*.txt`, `poetry.lock`, `Pipfile.lock`, `uv.lock`).
    #[serde(rename = "PyPI")]
    PyPI,
    /// Go modules (`go.mod`, `go.sum`).
    #[serde(rename = "Go")]
    Go,
}

impl Ecosystem {
    /// The OSV ecosystem name (`crates.io`, `npm`, `PyPI`, `Go`).
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::CratesIo => "crates.io",
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Go => "Go",
        }
    }

    /// From an OSV ecosystem name; `None` for ecosystems faasguard does not
    /// read lockfiles of (`Maven`, `RubyGems`, `Debian:12`, ...).
    pub fn from_osv(name: &str) -> Option<Ecosystem> {
        match name {
            "crates.io" => Some(Ecosystem::CratesIo),
            "npm" => Some(Ecosystem::Npm),
            "PyPI" => Some(Ecosystem::PyPI),
            "Go" => Some(Ecosystem::Go),
            _ => None,
        }
    }

    /// A package name as the ecosystem compares it: PyPI names are
    /// normalised (PEP 503: `Flask_Login` is `flask-login`); others as is.
    pub fn normalize(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                let mut sep = false;
                for c in name.trim().chars() {
                    if matches!(c, '-' | '_' | '.') {
                        sep = true;
                    } else {
                        if sep && !out.is_empty() {
                            out.push('-');
                        }
                        sep = false;
                        out.push(c.to_ascii_lowercase());
                    }
                }
                out
            }
            _ => name.to_string(),
        }
    }
}

/// One locked package.
#[derive(Clone, Debug, PartialEq)]
pub struct Package {
    /// As written in the lockfile.
    pub name: String,
    /// The exact version locked (`1.2.3`, `v0.0.0-2023...-abcdef` for Go).
    pub version: String,
    /// The ecosystem of the lockfile it came from.
    pub ecosystem: Ecosystem,
    /// Only needed to develop, not shipped (npm `dev`, poetry `category =
    /// "dev"` / groups, Pipfile `develop`, pnpm `dev: true`).
    pub dev: bool,
    /// The package's entry (its name, or its whole line in line-based files).
    pub span: Span,
}

/// A parsed lockfile.
#[derive(Clone, Debug, PartialEq)]
pub struct Lockfile {
    pub(crate) kind: LockfileKind,
    pub(crate) file: FileId,
    /// In file order; a package locked twice (nested npm copies) appears
    /// once per copy.
    pub packages: Vec<Package>,
    /// Requirements that pin no exact version (`flask>=1.0`): they cannot be
    /// checked, and are reported once per file, not as findings.
    pub unpinned: Vec<(String, Span)>,
    /// Other requirement files included with `-r`/`-c`, as written (relative
    /// paths are relative to the lockfile's directory: the caller, which knows
    /// it, resolves them), with the span of the include line.
    pub includes: Vec<(PathBuf, Span)>,
}

impl Lockfile {
    /// An empty lockfile of `kind`, filled by the format parsers.
    fn new(kind: LockfileKind, file: FileId) -> Self {
        Lockfile {
            kind,
            file,
            packages: Vec::new(),
            unpinned: Vec::new(),
            includes: Vec::new(),
        }
    }
}

/// Parse a lockfile's text.
pub fn parse(kind: LockfileKind, text: &str, file: FileId) -> Result<Lockfile, ParseError> {
    let mut out = Lockfile::new(kind, file);
    match kind {
        LockfileKind::Cargo => cargo::parse(text, file, &mut out)?,
        LockfileKind::NpmPackageLock | LockfileKind::NpmShrinkwrap => {
            npm::parse(text, file, &mut out)?
        }
        LockfileKind::Yarn => yarn::parse(text, file, &mut out)?,
        LockfileKind::Pnpm => pnpm::parse(text, file, &mut out)?,
        LockfileKind::RequirementsTxt => requirements::parse(text, file, &mut out),
        LockfileKind::Poetry => poetry::parse(text, file, &mut out)?,
        LockfileKind::Pipfile => pipfile::parse(text, file, &mut out)?,
        LockfileKind::Uv => uv::parse(text, file, &mut out)?,
        LockfileKind::GoMod => gomod::parse_mod(text, file, &mut out),
        LockfileKind::GoSum => gomod::parse_sum(text, file, &mut out),
    }
    // A blank name or version (`name = ""`) can match no advisory and would
    // only make an odd finding.
    out.packages
        .retain(|p| !p.name.trim().is_empty() && !p.version.trim().is_empty());
    // Tree walks (npm v1) find packages out of order; stable, so entries on
    // one line keep their order.
    out.packages.sort_by_key(|p| p.span.start);
    Ok(out)
}

/// Whether a locked version is a version at all, not a URL, path or git
/// reference that some formats write in its place: it starts with a digit
/// (Go versions, which keep their `v`, are checked by the Go parser).
fn is_version(v: &str) -> bool {
    v.as_bytes().first().is_some_and(u8::is_ascii_digit)
}

/// A YAML scalar as written: YAML reads `version: 1.0` or
/// `lockfileVersion: 5.4` as numbers, but the text is what the tool meant.
fn yaml_scalar<'t>(node: &'t crate::parse::Node, text: &'t str) -> Option<&'t str> {
    match &node.value {
        crate::parse::Value::String(s) => Some(s),
        crate::parse::Value::Number(_) => {
            text.get(node.span.start as usize..node.span.end as usize)
        }
        _ => None,
    }
}

/// A text without its UTF-8 byte order mark (Windows editors write one), and
/// the file offset the rest starts at, so spans still count from the file's
/// first byte.
fn without_bom(text: &str) -> (&str, usize) {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, text.len() - rest.len()),
        None => (text, 0),
    }
}
