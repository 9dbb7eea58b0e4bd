//! RustSec advisory-db's native format (`crates/<name>/RUSTSEC-*.md`): TOML
//! front matter in a ```` ```toml ```` fence, then Markdown whose first
//! `# ` heading is the title. This is what cargo-audit keeps under
//! `~/.cargo/advisory-db`.
//!
//! `[versions]` lists the versions that are *not* affected (`patched`,
//! `unaffected`) as Cargo requirements; they are kept as requirements (see
//! [`RustsecVersions`]). `[affected]` (functions, OS, arch) is not read: a
//! lockfile does not say which functions or targets are used.

use serde::Deserialize;

use super::version::req::ReqError;
use super::version::VersionReq;
use super::{advisory_url, grade, Advisory, Affected, RustsecVersions};
use crate::lockfile::Ecosystem;

/// Why a RustSec file could not be read.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RustsecError {
    #[error("no ```toml front matter at the start of the file")]
    NoFrontMatter,
    #[error("front matter: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("[versions]: {0}")]
    Req(#[from] ReqError),
}

#[derive(Deserialize)]
struct Front {
    advisory: RawAdvisory,
    #[serde(default)]
    versions: RawVersions,
}

#[derive(Deserialize)]
struct RawAdvisory {
    id: String,
    package: String,
    #[serde(default)]
    cvss: Option<String>,
    #[serde(default)]
    informational: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    /// A date, written as a string or a TOML date: either way, present
    /// means withdrawn.
    #[serde(default)]
    withdrawn: Option<toml::Value>,
}

#[derive(Deserialize, Default)]
struct RawVersions {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

/// The TOML between the opening ```` ```toml ```` line and the closing
/// fence, and the Markdown after it.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let rest = text.strip_prefix("```toml")?;
    let rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let end = rest.find("\n```")?;
    let toml = rest.get(..end)?;
    let body = rest.get(end + 4..).unwrap_or("");
    Some((toml, body))
}

/// Reads one advisory file's text.
pub fn parse(text: &str) -> Result<Advisory, RustsecError> {
    let (front, body) = split_front_matter(text).ok_or(RustsecError::NoFrontMatter)?;
    let front: Front = toml::from_str(front)?;
    let a = front.advisory;
    let parse_all = |reqs: &[String]| -> Result<Vec<VersionReq>, ReqError> {
        reqs.iter().map(|r| VersionReq::parse(r)).collect()
    };
    let versions = RustsecVersions {
        patched: parse_all(&front.versions.patched)?,
        unaffected: parse_all(&front.versions.unaffected)?,
    };
    let title = body
        .lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("# "))
        .unwrap_or("")
        .trim()
        .to_string();
    let informational = a.informational.filter(|i| !i.trim().is_empty());
    // RustSec vectors are v3.x or v4; `grade` only scores v3.
    let (severity, severity_source) = grade(a.cvss.as_deref(), None, informational.is_some());
    Ok(Advisory {
        // The advisory's own page is rustsec.org, not the issue `url` links.
        url: advisory_url(&a.id, None),
        aliases: a.aliases.into_iter().filter(|x| *x != a.id).collect(),
        summary: title,
        severity,
        severity_source,
        cvss: a.cvss,
        informational,
        affected: vec![Affected {
            ecosystem: Ecosystem::CratesIo,
            name: a.package,
            ranges: Vec::new(),
            versions: Vec::new(),
            rustsec: Some(versions),
        }],
        withdrawn: a.withdrawn.is_some(),
        modified: None,
        id: a.id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Severity;

    const TOKIO_RUSTLS: &str = r#"```toml
[advisory]
id = "RUSTSEC-2020-0019"
package = "tokio-rustls"
aliases = ["CVE-2020-35875", "GHSA-2jfv-g3fh-xq3v"]
cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"
categories = ["denial-of-service"]
date = "2020-05-19"
url = "https://github.com/tokio-rs/tls/pull/14"

[versions]
patched = [">= 0.12.3, < 0.13.0", ">= 0.13.1"]
unaffected = ["< 0.12"]
```

# tokio-rustls reads may cause excessive memory usage

Body.
"#;

    #[test]
    fn reads_front_matter_and_title() {
        let a = parse(TOKIO_RUSTLS).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.id, "RUSTSEC-2020-0019");
        assert_eq!(
            a.summary,
            "tokio-rustls reads may cause excessive memory usage"
        );
        assert_eq!(a.aliases, ["CVE-2020-35875", "GHSA-2jfv-g3fh-xq3v"]);
        assert_eq!(a.severity, Severity::High); // 7.5
        assert_eq!(
            a.url,
            "https://rustsec.org/advisories/RUSTSEC-2020-0019.html"
        );
        assert!(!a.withdrawn);
        let aff = &a.affected[0];
        assert_eq!(
            (aff.ecosystem, aff.name.as_str()),
            (Ecosystem::CratesIo, "tokio-rustls")
        );
        let v = aff.rustsec.as_ref().map(|v| {
            let p: Vec<&str> = v.patched.iter().map(VersionReq::as_str).collect();
            let u: Vec<&str> = v.unaffected.iter().map(VersionReq::as_str).collect();
            (p, u)
        });
        assert_eq!(
            v,
            Some((vec![">= 0.12.3, < 0.13.0", ">= 0.13.1"], vec!["< 0.12"]))
        );
    }

    #[test]
    fn informational_and_withdrawn() {
        let text = "```toml\n[advisory]\nid = \"RUSTSEC-2022-0044\"\npackage = \"markdown\"\n\
                    withdrawn = 2025-04-28\ninformational = \"unmaintained\"\n\n[versions]\npatched = []\n```\n# t\n";
        let a = parse(text).unwrap_or_else(|e| panic!("{e}"));
        assert!(a.withdrawn);
        assert_eq!(a.informational.as_deref(), Some("unmaintained"));
        assert_eq!(a.severity, Severity::Low);
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(matches!(
            parse("# no front matter"),
            Err(RustsecError::NoFrontMatter)
        ));
        assert!(matches!(
            parse("```toml\n[advisory]\nid = 1\n```\n"),
            Err(RustsecError::Toml(_))
        ));
        let bad_req = "```toml\n[advisory]\nid = \"R\"\npackage = \"p\"\n[versions]\npatched = [\">= x\"]\n```\n";
        assert!(matches!(parse(bad_req), Err(RustsecError::Req(_))));
    }
}
