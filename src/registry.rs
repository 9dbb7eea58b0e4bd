//! The rule registry: the one list of every rule a run knows, which `rules`,
//! `explain`, `scan` (known ids for suppressions, `[rules]` selection), SARIF
//! rule metadata and the audit reports all read.
//!
//! It holds the policy rules of a loaded [`Engine`] (built-in Rego rules,
//! user policies from `--policy`, conftest-style rules) and the native rules
//! that Rust code reports itself (`FG-DEP-001/002` from the dependency stage,
//! `FG-GOV-001` from the suppress stage). A native rule is documented like a
//! policy: a Markdown file under `policies/<area>/` whose TOML front matter is
//! the same [`Metadata`] a policy's `metadata` object declares, followed by
//! the same doc block sections. See `docs/adr/0014-rule-registry.md`.
//!
//! A rule's references have one source: the `## References` section of its
//! doc block. `metadata.references` is only read for policies without such a
//! section (user policies written before the section existed).

use std::collections::BTreeMap;

use crate::engine::{Engine, EngineError};
use crate::rule::{self, Metadata, Rule};

/// The native rules' documents, by path under the crate root, in the order
/// the reports list them after the policy rules.
const NATIVE: &[(&str, &str)] = &[
    (
        "policies/gov/inline_suppression_forbidden.md",
        include_str!("../policies/gov/inline_suppression_forbidden.md"),
    ),
    (
        "policies/dep/vulnerable_package.md",
        include_str!("../policies/dep/vulnerable_package.md"),
    ),
    (
        "policies/dep/unmaintained_package.md",
        include_str!("../policies/dep/unmaintained_package.md"),
    ),
];

/// The fence around a native rule's metadata.
const FRONT_MATTER: &str = "+++";

/// Every rule of a run, in a stable order: the engine's rules as it loaded
/// them, then the native rules.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    rules: Vec<Rule>,
}

impl Registry {
    /// The rules of `engine` and the native rules. A policy that declares
    /// the id of a native rule is an error, as two policies with one id are.
    pub fn new(engine: &Engine) -> Result<Registry, EngineError> {
        let mut rules = engine.rules().to_vec();
        rules.extend(native_rules()?);
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for r in &rules {
            if let Some(first) = seen.insert(&r.meta.id, &r.source) {
                return Err(EngineError::DuplicateId {
                    id: r.meta.id.clone(),
                    first: first.to_string(),
                    second: r.source.clone(),
                });
            }
        }
        for r in &mut rules {
            r.meta.references = references(&r.doc, &r.meta.references);
        }
        Ok(Registry { rules })
    }

    /// Every rule: the policies' rules in load order, then the native rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rules, taking them out of the registry.
    pub fn into_rules(self) -> Vec<Rule> {
        self.rules
    }

    /// The rule with this id (ids are upper case; the lookup ignores case).
    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.meta.id.eq_ignore_ascii_case(id))
    }

    /// Every rule id.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.meta.id.as_str())
    }

    /// The rules sorted by id (what `faasguard rules` lists).
    pub fn sorted(&self) -> Vec<&Rule> {
        let mut out: Vec<&Rule> = self.rules.iter().collect();
        out.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        out
    }
}

/// The rules Rust code reports, read from their documents.
pub fn native_rules() -> Result<Vec<Rule>, EngineError> {
    NATIVE
        .iter()
        .map(|(path, text)| native_rule(path, text))
        .collect()
}

/// The paths of the native rules' documents (for the registry test, which
/// checks that every `policies/**/*.md` is one of them).
pub fn native_paths() -> impl Iterator<Item = &'static str> {
    NATIVE.iter().map(|(path, _)| *path)
}

/// One native rule: TOML front matter (a policy's `metadata`, checked the
/// same way) between `+++` lines, then the doc block.
fn native_rule(path: &str, text: &str) -> Result<Rule, EngineError> {
    let error = |message: String| EngineError::Metadata {
        path: path.to_string(),
        message,
    };
    let rest = text
        .strip_prefix(FRONT_MATTER)
        .and_then(|r| r.strip_prefix('\n'))
        .ok_or_else(|| error(format!("must start with a `{FRONT_MATTER}` line")))?;
    let end = rest
        .find(&format!("\n{FRONT_MATTER}\n"))
        .ok_or_else(|| error(format!("the front matter has no closing `{FRONT_MATTER}`")))?;
    let meta: Metadata = toml::from_str(&rest[..end])
        .map_err(|e| error(format!("invalid metadata: {}", e.message())))?;
    let problems = rule::validate(&meta);
    if !problems.is_empty() {
        return Err(error(problems.join("; ")));
    }
    let doc = rest[end + FRONT_MATTER.len() + 2..].trim().to_string();
    let stem = path
        .rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".md"))
        .unwrap_or(path);
    Ok(Rule {
        package: format!("faasguard.native.{}.{stem}", meta.area.to_ascii_lowercase()),
        meta,
        source: path.to_string(),
        doc,
        builtin: true,
    })
}

/// A rule's references: the items of its doc block's `## References`
/// section, or, without one, what its metadata lists.
pub fn references(doc: &str, declared: &[String]) -> Vec<String> {
    let listed = rule::section_items(doc, "References");
    if listed.is_empty() {
        declared.to_vec()
    } else {
        listed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_rules_read_their_documents() {
        let rules = native_rules().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r.meta.id.as_str()).collect();
        assert_eq!(ids, ["FG-GOV-001", "FG-DEP-001", "FG-DEP-002"]);
        let dep = &rules[1];
        assert_eq!(dep.meta.area, "DEP");
        assert_eq!(dep.meta.severity, rule::Severity::High);
        assert_eq!(dep.source, "policies/dep/vulnerable_package.md");
        assert_eq!(dep.package, "faasguard.native.dep.vulnerable_package");
        assert!(dep
            .doc
            .starts_with("## What it does\nMatches every package"));
        assert!(!dep.doc.contains(FRONT_MATTER));
    }

    #[test]
    fn bad_native_documents_are_errors_naming_the_file() {
        let err = native_rule("policies/x/y.md", "## What it does\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "policies/x/y.md: must start with a `+++` line"
        );
        let err = native_rule("policies/x/y.md", "+++\nid = \"FG-X-001\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "policies/x/y.md: the front matter has no closing `+++`"
        );
        let text = "+++\nid = \"FG-GOV-01\"\ntitle = \"t\"\nseverity = \"low\"\narea = \"GOV\"\nremediation = \"r\"\n+++\ndoc\n";
        let err = native_rule("policies/x/y.md", text).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("policies/x/y.md: rule id `FG-GOV-01` is not of the form"),
            "{err}"
        );
        let text = "+++\nid = \"FG-GOV-001\"\ncolour = \"red\"\n+++\ndoc\n";
        let err = native_rule("policies/x/y.md", text).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn references_come_from_the_doc_section_first() {
        let doc = "## What it does\nx\n\n## References\n- https://a.example\n- https://b.example\n";
        let declared = vec!["https://c.example".to_string()];
        assert_eq!(
            references(doc, &declared),
            ["https://a.example", "https://b.example"]
        );
        assert_eq!(references("## What it does\nx\n", &declared), declared);
    }
}
