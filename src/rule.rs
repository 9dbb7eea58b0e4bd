//! Rule metadata: what every policy declares about itself (id, title,
//! severity, area, remediation, references) and its doc block, which is what
//! `faasguard explain` prints and what SARIF carries as help.

use std::fmt;
use std::str::FromStr;

/// How bad a finding is. Ordered: `Low < Medium < High < Critical`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The lowest, and the default `--fail-on` (SARIF `security-severity` 3.0; conftest `warn` results).
    Low,
    /// SARIF `security-severity` 5.5.
    Medium,
    /// SARIF `security-severity` 8.0; conftest `deny` and `violation` results.
    High,
    /// The highest (SARIF `security-severity` 9.5).
    Critical,
}

impl Severity {
    /// The lower-case name used in policies, reports and `--fail-on` (`high`).
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// GitHub's `security-severity` score for the level (its bands: low
    /// 0.1–3.9, medium 4–6.9, high 7–8.9, critical 9+).
    pub fn score(self) -> &'static str {
        match self {
            Severity::Low => "3.0",
            Severity::Medium => "5.5",
            Severity::High => "8.0",
            Severity::Critical => "9.5",
        }
    }

    pub(crate) const ALL: [Severity; 4] = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "low" | "info" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            other => Err(format!(
                "unknown severity `{other}` (expected low, medium, high or critical)"
            )),
        }
    }
}

/// The areas of `FG-<AREA>-<NNN>` ids.
pub const AREAS: &[(&str, &str)] = &[
    ("IAM", "least-privilege IAM"),
    ("ENC", "encryption at rest and in transit"),
    ("SEC", "hard-coded secrets"),
    ("TMO", "timeouts and limits"),
    ("RES", "region residency"),
    ("DEP", "dependency advisories"),
    ("NET", "public exposure"),
    ("OBS", "logging and tracing"),
    ("RUN", "deprecated runtimes"),
    ("GOV", "governance and recoverability"),
];

/// Whether `area` is one of [`AREAS`].
pub fn known_area(area: &str) -> bool {
    AREAS.iter().any(|(code, _)| *code == area)
}

/// A rule's declared metadata (the `metadata` object of its policy).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metadata {
    /// The rule's id: `FG-<AREA>-<NNN>` for built-in rules.
    pub id: String,
    /// One line saying what the rule finds.
    pub title: String,
    /// The severity of its findings unless the config overrides it.
    pub severity: Severity,
    /// One of [`AREAS`]' codes (`IAM`, `ENC`, ...).
    pub area: String,
    /// How to fix a finding, in CloudFormation's terms.
    pub remediation: String,
    /// Read only from policies whose doc block has no `## References`
    /// section: the section is the source (see [`crate::registry`]).
    #[serde(default)]
    pub references: Vec<String>,
    /// Which formats the rule applies to (documentation only).
    #[serde(default)]
    pub formats: Vec<String>,
    /// The fix in a format's own terms (`terraform`, `serverless`, `sam`,
    /// `cloudformation`), where `remediation` speaks CloudFormation. Shared
    /// (`Arc`) with every finding that carries it rather than copied into each.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fixes: std::collections::BTreeMap<String, std::sync::Arc<str>>,
}

/// A loaded rule: metadata plus where it came from.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Rule {
    /// What the policy declares about itself.
    #[serde(flatten)]
    pub meta: Metadata,
    /// The policy file, as given (`policies/iam/x.rego` for built-ins).
    pub source: String,
    /// The Rego package (`data.faasguard.rules.iam.x`).
    pub package: String,
    /// The doc block: the comment lines before `package`.
    pub doc: String,
    /// Shipped with faasguard (not a `--policy` file).
    pub builtin: bool,
}

impl Rule {
    /// The first paragraph of the doc block: a one-line description.
    pub fn summary(&self) -> String {
        let section = section(&self.doc, "What it does");
        let text = if section.is_empty() {
            self.meta.title.clone()
        } else {
            section
        };
        text.split("\n\n").next().unwrap_or("").replace('\n', " ")
    }
}

/// Check a metadata object; returns every problem, not just the first.
pub fn validate(meta: &Metadata) -> Vec<String> {
    let mut problems = Vec::new();
    let parts: Vec<&str> = meta.id.split('-').collect();
    let well_formed = parts.len() == 3
        && parts[0] == "FG"
        && !parts[1].is_empty()
        && parts[1].bytes().all(|b| b.is_ascii_uppercase())
        && parts[2].len() == 3
        && parts[2].bytes().all(|b| b.is_ascii_digit());
    if !well_formed && !meta.id.starts_with("CUSTOM-") {
        problems.push(format!(
            "rule id `{}` is not of the form FG-<AREA>-<NNN> (custom rules may use CUSTOM-...)",
            meta.id
        ));
    }
    if well_formed && parts[1] != meta.area {
        problems.push(format!(
            "rule {} declares area `{}` but its id says `{}`",
            meta.id, meta.area, parts[1]
        ));
    }
    if meta.title.trim().is_empty() {
        problems.push(format!("rule {} has an empty title", meta.id));
    }
    if meta.remediation.trim().is_empty() {
        problems.push(format!("rule {} has no remediation", meta.id));
    }
    for format in meta.fixes.keys() {
        if !["cloudformation", "sam", "terraform", "serverless"].contains(&format.as_str()) {
            problems.push(format!(
                "fixes names an unknown format `{format}` (expected cloudformation, sam, terraform or serverless)"
            ));
        }
    }
    problems
}

/// Extract the doc block (leading `#` comment lines) of a Rego file.
pub fn doc_block(rego: &str) -> String {
    let mut lines = Vec::new();
    for line in rego.lines() {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix('#') {
            lines.push(rest.strip_prefix(' ').unwrap_or(rest).to_string());
        } else if t.is_empty() && !lines.is_empty() {
            lines.push(String::new());
        } else if t.is_empty() {
            continue;
        } else {
            break;
        }
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

/// The text of a `## Heading` section of a doc block (without the heading).
pub fn section(doc: &str, heading: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            inside = h
                .trim()
                .trim_end_matches('?')
                .eq_ignore_ascii_case(heading.trim_end_matches('?'));
            continue;
        }
        if inside {
            out.push(line);
        }
    }
    out.join("\n").trim().to_string()
}

/// The list items (`- item`) of a `## Heading` section of a doc block.
pub fn section_items(doc: &str, heading: &str) -> Vec<String> {
    section(doc, heading)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str, area: &str) -> Metadata {
        Metadata {
            id: id.into(),
            title: "t".into(),
            severity: Severity::High,
            area: area.into(),
            remediation: "r".into(),
            references: vec![],
            formats: vec![],
            fixes: Default::default(),
        }
    }

    #[test]
    fn fixes_name_known_formats() {
        let mut m = meta("FG-TMO-001", "TMO");
        m.fixes.insert("terraform".into(), "Set timeout.".into());
        assert!(validate(&m).is_empty());
        m.fixes.insert("pulumi".into(), "x".into());
        assert_eq!(validate(&m).len(), 1);
    }

    #[test]
    fn ids_are_checked() {
        assert!(validate(&meta("FG-IAM-001", "IAM")).is_empty());
        assert_eq!(validate(&meta("FG-IAM-01", "IAM")).len(), 1);
        assert_eq!(validate(&meta("FG-IAM-001", "ENC")).len(), 1);
    }

    #[test]
    fn doc_blocks_and_sections() {
        let rego = "# Title\n#\n# ## What it does\n# Finds x.\n#\n# ## Why is this bad?\n# Because.\npackage a\n# not doc\n";
        let doc = doc_block(rego);
        assert!(doc.starts_with("Title"));
        assert_eq!(section(&doc, "What it does"), "Finds x.");
        assert_eq!(section(&doc, "Why is this bad?"), "Because.");
        assert!(!doc.contains("not doc"));
    }

    #[test]
    fn section_items_are_the_list_lines() {
        let doc = "## References\n- https://a.example\n  - https://b.example\nprose\n-\n\n## Next\n- no\n";
        assert_eq!(
            section_items(doc, "References"),
            ["https://a.example", "https://b.example"]
        );
        assert!(section_items(doc, "Example").is_empty());
    }

    #[test]
    fn areas_include_governance() {
        assert!(known_area("GOV") && known_area("DEP") && !known_area("XYZ"));
    }

    #[test]
    fn severities_order_and_parse() {
        assert!(Severity::Low < Severity::Critical);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("urgent".parse::<Severity>().is_err());
    }
}
