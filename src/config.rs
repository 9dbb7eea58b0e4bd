//! `.faasguard.toml`: project settings, validated with every problem
//! reported at once, each pointing at its line in the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::rule::Severity;

/// The file as written.
#[derive(Debug, Default, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Lowest severity that fails the scan.
    pub fail_on: Option<Severity>,
    #[serde(default)]
    pub exclude: Vec<String>,
    pub threads: Option<usize>,
    /// Honour `# faasguard:ignore` comments and CloudFormation
    /// `Metadata.faasguard.ignore` entries (default true). When false, each
    /// one is reported as a finding of FG-GOV-001 and suppresses nothing;
    /// only a baseline can accept a finding.
    pub allow_inline_suppressions: Option<bool>,
    #[serde(default)]
    pub residency: Residency,
}

#[derive(Debug, Default, Deserialize, Clone, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Residency {
    /// Regions or region groups (`eu`, `us`) from `rules/regions.toml`.
    #[serde(default)]
    pub allowed_regions: Vec<String>,
}

/// A config file that is not valid.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("invalid configuration in {path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
    #[source_code]
    pub source_code: miette::NamedSource<String>,
    #[label("{message}")]
    pub span: Option<miette::SourceSpan>,
}

pub const FILE_NAME: &str = ".faasguard.toml";

/// The config file for a scan: the one given, else `.faasguard.toml` in the
/// first scan path (or the directory of a file), else in its parents up to
/// the working directory (pre-commit passes `infra/template.yaml` from the
/// repository root, where the config lives), else none.
pub fn find(explicit: Option<&Path>, scan_paths: &[PathBuf]) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let first = scan_paths.first()?;
    let cwd = std::env::current_dir().ok();
    let start = if first.is_dir() {
        first.clone()
    } else {
        first.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let start = match (&cwd, start.is_absolute()) {
        (Some(c), false) => c.join(start),
        _ => start,
    };
    // Parents are searched only up to the working directory, never above it.
    let under_cwd = cwd.as_deref().is_some_and(|c| start.starts_with(c));
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if !under_cwd || cwd.as_deref() == Some(dir) {
            break;
        }
    }
    None
}

/// Read and validate a config file.
pub fn load(path: &Path) -> Result<Config, Box<ConfigError>> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Box::new(ConfigError {
            path: shown.clone(),
            message: e.to_string(),
            source_code: miette::NamedSource::new(&shown, String::new()),
            span: None,
        })
    })?;
    parse(&shown, &text)
}

pub fn parse(shown: &str, text: &str) -> Result<Config, Box<ConfigError>> {
    toml::from_str::<Config>(text).map_err(|e| {
        Box::new(ConfigError {
            path: shown.to_string(),
            message: e.message().to_string(),
            span: e
                .span()
                .map(|r| (r.start, r.end.saturating_sub(r.start)).into()),
            source_code: miette::NamedSource::new(shown, text.to_string()),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings() {
        let c = parse(
            "c",
            "fail_on = \"high\"\n[residency]\nallowed_regions = [\"eu\"]\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(Severity::High));
        assert_eq!(c.residency.allowed_regions, vec!["eu".to_string()]);
    }

    #[test]
    fn inline_suppressions_switch() {
        let c = parse("c", "allow_inline_suppressions = false\n").unwrap();
        assert_eq!(c.allow_inline_suppressions, Some(false));
        assert_eq!(parse("c", "").unwrap().allow_inline_suppressions, None);
        let e = parse("c", "allow_inline_suppressions = \"no\"\n").unwrap_err();
        assert_eq!(e.span.unwrap().offset(), 28);
    }

    #[test]
    fn unknown_keys_point_at_their_line() {
        let e = parse("c", "fail_on = \"high\"\nfial_on = 1\n").unwrap_err();
        assert!(e.message.contains("unknown field"), "{}", e.message);
        let span = e.span.unwrap();
        assert_eq!(span.offset(), 17);
    }
}
