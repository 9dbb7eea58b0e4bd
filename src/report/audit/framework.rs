//! Compliance frameworks: controls mapped to faasguard rules. The built-in
//! ones are `rules/frameworks/*.toml` (compiled into the binary); users add
//! their own in the same format with `--framework-file`. The format is
//! documented in `docs/audit-report.md`.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

/// Model collections a control's `scope` may name.
pub fn scope_kinds() -> impl Iterator<Item = &'static str> {
    crate::model::COLLECTIONS
        .iter()
        .copied()
        .filter(|k| *k != "hardcoded_secrets")
}

/// A framework: metadata and controls, in file order.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// Short id used on the command line and in anchors (`soc2`).
    pub id: String,
    pub(crate) name: String,
    /// For charts and cross-references (`CIS AWS`); the name when empty.
    #[serde(default)]
    pub short_name: String,
    #[serde(default)]
    pub(crate) version: String,
    #[serde(default)]
    pub(crate) publisher: String,
    #[serde(default)]
    pub(crate) url: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) controls: Vec<Control>,
    /// `built-in`, or the file it was read from.
    #[serde(skip)]
    pub origin: String,
}

impl Framework {
    pub(crate) fn short(&self) -> &str {
        if self.short_name.is_empty() {
            &self.name
        } else {
            &self.short_name
        }
    }
}

/// One control of a framework.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub(crate) id: String,
    pub(crate) title: String,
    #[serde(default)]
    pub(crate) description: String,
    /// Rules whose findings make the control fail.
    #[serde(default)]
    pub rules: Vec<String>,
    /// Model collections the control is about; with none of them in the
    /// scan, the control is not applicable.
    #[serde(default)]
    pub scope: Vec<String>,
    /// Infrastructure-as-code cannot show the control: it is reviewed by
    /// hand. Its rules (if any) can still make it fail, never pass.
    #[serde(default)]
    pub manual: bool,
    /// What an auditor should know about the mapping.
    #[serde(default)]
    pub note: String,
}

/// Frameworks that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FrameworkError {
    /// A framework file (`--framework-file`) cannot be read.
    #[error("cannot read framework file {path}: {message}")]
    Read {
        /// The file, as given.
        path: String,
        /// The operating system's error.
        message: String,
    },
    /// A framework file is not TOML of a framework's shape.
    #[error("invalid framework file {path}: {message}")]
    Parse {
        /// The file, as given.
        path: String,
        /// The TOML parser's error.
        message: String,
    },
    /// Frameworks whose controls are malformed or name rules and areas that do not exist.
    #[error("invalid framework mapping:\n  {}", .problems.join("\n  "))]
    Invalid {
        /// Every problem found, one line each, naming the framework and control.
        problems: Vec<String>,
    },
    /// `--framework` names no framework, built-in or loaded.
    #[error("unknown framework `{id}` (available: {available})")]
    Unknown {
        /// The id given.
        id: String,
        /// The ids that exist, comma-separated.
        available: String,
    },
}

pub(crate) const BUILTIN: &str = "built-in";

/// The built-in frameworks, ordered by id.
pub fn builtin() -> Result<Vec<Framework>, FrameworkError> {
    let mut out = Vec::new();
    for (path, text) in crate::embedded::RULE_DATA {
        if path.starts_with("rules/frameworks/") && path.ends_with(".toml") {
            let mut f = parse(path, text)?;
            f.origin = BUILTIN.to_string();
            out.push(f);
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// Parse a framework file's text (`shown` names it in errors).
pub fn parse(shown: &str, text: &str) -> Result<Framework, FrameworkError> {
    let mut f: Framework = toml::from_str(text).map_err(|e| FrameworkError::Parse {
        path: shown.to_string(),
        message: e.to_string().trim_end().to_string(),
    })?;
    f.origin = shown.to_string();
    Ok(f)
}

/// Read a user's framework file.
pub fn load(path: &Path) -> Result<Framework, FrameworkError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| FrameworkError::Read {
        path: shown.clone(),
        message: e.to_string(),
    })?;
    parse(&shown, &text)
}

/// Problems in the shape of frameworks (every one, not just the first):
/// ids, titles, scope kinds, controls without rules.
pub fn check_shape(frameworks: &[Framework]) -> Vec<String> {
    let kinds: BTreeSet<&str> = scope_kinds().collect();
    let mut problems = Vec::new();
    let mut ids = BTreeSet::new();
    for f in frameworks {
        let at = &f.origin;
        let well_formed = !f.id.is_empty()
            && f.id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !well_formed {
            problems.push(format!(
                "{at}: framework id `{}` must be lowercase letters, digits, `-` or `_`",
                f.id
            ));
        }
        if !ids.insert(f.id.as_str()) {
            problems.push(format!("{at}: framework id `{}` is used twice", f.id));
        }
        if f.name.trim().is_empty() {
            problems.push(format!("{at}: framework `{}` has no name", f.id));
        }
        if f.controls.is_empty() {
            problems.push(format!("{at}: framework `{}` has no controls", f.id));
        }
        let mut controls = BTreeSet::new();
        for c in &f.controls {
            let here = format!("{at}: control `{}` of `{}`", c.id, f.id);
            if c.id.trim().is_empty() {
                problems.push(format!("{at}: a control of `{}` has no id", f.id));
            } else if !controls.insert(c.id.as_str()) {
                problems.push(format!("{here} is listed twice"));
            }
            if c.title.trim().is_empty() {
                problems.push(format!("{here} has no title"));
            }
            if !c.manual && c.rules.is_empty() {
                problems.push(format!(
                    "{here} names no rules: list them in `rules` or set `manual = true`"
                ));
            }
            for k in &c.scope {
                if !kinds.contains(k.as_str()) {
                    problems.push(format!(
                        "{here}: unknown scope `{k}` (one of: {})",
                        kinds.iter().copied().collect::<Vec<_>>().join(", ")
                    ));
                }
            }
        }
    }
    problems
}

/// Rules named by user frameworks that the scan does not know. Built-in
/// frameworks are checked against the built-in rules by a test; a rule of
/// theirs missing from a scan was turned off, and shows as not run.
pub fn check_rules(frameworks: &[Framework], known: &BTreeSet<&str>) -> Vec<String> {
    let mut problems = Vec::new();
    for f in frameworks.iter().filter(|f| f.origin != BUILTIN) {
        for c in &f.controls {
            for r in &c.rules {
                if !known.contains(r.as_str()) {
                    problems.push(format!(
                        "{}: control `{}` names rule `{r}`, which the scan did not run \
                         (a typo, or a custom policy not loaded with --policy?)",
                        f.origin, c.id
                    ));
                }
            }
        }
    }
    problems
}

/// The frameworks to report on: the built-ins and the user's files, then
/// those named in `ids` (all when empty). A user file is always included:
/// naming it is choosing it.
pub fn select(
    ids: &[String],
    files: &[std::path::PathBuf],
) -> Result<Vec<Framework>, FrameworkError> {
    let mut all = builtin()?;
    let mut users = Vec::new();
    for p in files {
        users.push(load(p)?);
    }
    all.extend(users.iter().cloned());
    let problems = check_shape(&all);
    if !problems.is_empty() {
        return Err(FrameworkError::Invalid { problems });
    }
    if ids.is_empty() {
        return Ok(all);
    }
    let mut chosen = Vec::new();
    for id in ids {
        let id = id.trim();
        if id.is_empty() {
            continue;
        }
        if id == "all" {
            return Ok(all);
        }
        match all.iter().find(|f| f.id.eq_ignore_ascii_case(id)) {
            Some(f) if !chosen.iter().any(|c: &Framework| c.id == f.id) => chosen.push(f.clone()),
            Some(_) => {}
            None => {
                return Err(FrameworkError::Unknown {
                    id: id.to_string(),
                    available: all
                        .iter()
                        .map(|f| f.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
    }
    for u in users {
        if !chosen.iter().any(|c| c.id == u.id) {
            chosen.push(u);
        }
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn builtin_rule_ids() -> Vec<String> {
        let engine = crate::scan::load_engine(&crate::scan::Settings::default()).unwrap();
        let registry = crate::registry::Registry::new(&engine).unwrap();
        registry.ids().map(str::to_string).collect()
    }

    #[test]
    fn builtin_frameworks_are_well_formed() {
        let all = builtin().unwrap();
        let ids: Vec<&str> = all.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "cis-aws",
                "gdpr",
                "hipaa",
                "iso27001",
                "nist-800-53",
                "pci-dss",
                "soc2"
            ]
        );
        assert_eq!(check_shape(&all), Vec::<String>::new());
        for f in &all {
            assert!(!f.version.is_empty() && !f.url.is_empty(), "{}", f.id);
            assert!(
                f.controls.iter().any(|c| c.manual),
                "{} lists no manual control",
                f.id
            );
            for c in &f.controls {
                assert!(
                    !c.description.is_empty(),
                    "{} {} has no description",
                    f.id,
                    c.id
                );
                if !c.manual {
                    assert!(!c.scope.is_empty(), "{} {} has no scope", f.id, c.id);
                }
            }
        }
    }

    /// Every mapping names an existing rule, and every built-in rule maps to
    /// at least one control of at least one framework.
    #[test]
    fn mappings_and_rules_cover_each_other() {
        let rules = builtin_rule_ids();
        let mut mapped: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut problems = Vec::new();
        let all = builtin().unwrap();
        for f in &all {
            for c in &f.controls {
                for r in &c.rules {
                    if !rules.contains(r) {
                        problems.push(format!("{} {} names unknown rule {r}", f.id, c.id));
                    }
                    mapped
                        .entry(r.as_str())
                        .or_default()
                        .push(format!("{} {}", f.id, c.id));
                }
            }
        }
        for r in &rules {
            if !mapped.contains_key(r.as_str()) {
                problems.push(format!("rule {r} maps to no control"));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Dependency advisories stand behind each framework's vulnerability
    /// management control (CIS AWS Foundations has none: it is about account
    /// settings).
    #[test]
    fn dependency_rules_map_to_vulnerability_management() {
        let all = builtin().unwrap();
        let mut got: Vec<String> = Vec::new();
        for f in &all {
            for c in &f.controls {
                let rules: Vec<&str> = c
                    .rules
                    .iter()
                    .map(String::as_str)
                    .filter(|r| *r == "FG-DEP-001" || *r == "FG-DEP-002")
                    .collect();
                if !rules.is_empty() {
                    got.push(format!("{} {} {}", f.id, c.id, rules.join(",")));
                }
            }
        }
        assert_eq!(
            got,
            [
                "gdpr Art. 32(1)(b) FG-DEP-001,FG-DEP-002",
                "hipaa 164.308(a)(1)(ii)(B) FG-DEP-001,FG-DEP-002",
                "iso27001 A.8.8 FG-DEP-001,FG-DEP-002",
                "nist-800-53 RA-5 FG-DEP-001,FG-DEP-002",
                "nist-800-53 SA-22 FG-DEP-002",
                "nist-800-53 SI-2 FG-DEP-001",
                "pci-dss 6.3.3 FG-DEP-001,FG-DEP-002",
                "pci-dss 11.3.1 FG-DEP-001",
                "soc2 CC7.1 FG-DEP-001,FG-DEP-002",
            ]
        );
    }

    #[test]
    fn bad_files_report_every_problem() {
        let f = parse(
            "company.toml",
            r#"
id = "Company Std"
name = "Company standard"
[[controls]]
id = "C-1"
title = ""
scope = ["lambdas"]
[[controls]]
id = "C-1"
title = "Twice"
rules = ["FG-NOPE-001"]
"#,
        )
        .unwrap();
        let problems = check_shape(std::slice::from_ref(&f));
        assert_eq!(problems.len(), 5, "{problems:#?}");
        assert!(problems[0].contains("framework id `Company Std`"));
        let known: BTreeSet<&str> = ["FG-IAM-001"].into_iter().collect();
        let missing = check_rules(std::slice::from_ref(&f), &known);
        assert_eq!(missing.len(), 1);
        assert!(missing[0].contains("FG-NOPE-001"), "{missing:?}");

        let err = parse("x.toml", "id = \"x\"\nname = \"X\"\nfoo = 1\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `foo`"), "{err}");
    }

    #[test]
    fn selection_by_id() {
        let chosen = select(&["soc2".into(), "GDPR".into()], &[]).unwrap();
        let ids: Vec<&str> = chosen.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["soc2", "gdpr"]);
        let err = select(&["sox".into()], &[]).unwrap_err();
        assert!(err.to_string().contains("unknown framework `sox`"), "{err}");
        assert_eq!(select(&[], &[]).unwrap().len(), 7);
    }
}
