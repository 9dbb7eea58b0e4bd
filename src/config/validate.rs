//! Reading `.faasguard.toml`: the TOML walked key by key against what each
//! setting accepts, every problem collected with its span, and the rule
//! names checked against the rules loaded.

use std::ops::Range;
use std::path::PathBuf;

use super::{Config, ConfigErrors, Named, Rules};
use crate::rule::Severity;

/// Parse and validate config text, reporting every problem at once.
pub fn parse(shown: &str, text: &str) -> Result<Config, Box<ConfigErrors>> {
    let doc = match toml_edit::ImDocument::parse(text.to_string()) {
        Ok(d) => d,
        Err(e) => {
            return Err(Box::new(ConfigErrors::new(
                shown,
                text,
                vec![(e.message().trim().to_string(), e.span())],
            )))
        }
    };
    let mut w = Walker::default();
    let config = w.document(doc.as_table());
    if w.problems.is_empty() {
        Ok(Config {
            origin: Some((shown.to_string(), text.to_string())),
            ..config
        })
    } else {
        w.problems
            .sort_by_key(|(_, s)| s.as_ref().map_or(0, |r| r.start));
        Err(Box::new(ConfigErrors::new(shown, text, w.problems)))
    }
}

/// Walks the parsed document, collecting every problem with its span.
#[derive(Default)]
struct Walker {
    problems: Vec<(String, Option<Range<usize>>)>,
}

type Entries<'a> = Vec<(&'a str, Option<Range<usize>>, &'a toml_edit::Item)>;

impl Walker {
    fn problem(&mut self, message: String, span: Option<Range<usize>>) {
        self.problems.push((message, span));
    }

    /// The entries of a table, each with the span of its key; unknown keys
    /// are reported.
    fn entries<'a>(
        &mut self,
        table: &'a dyn toml_edit::TableLike,
        section: &str,
        known: &[&str],
    ) -> Entries<'a> {
        let mut out = Vec::new();
        for (name, item) in table.iter() {
            let span = table
                .key(name)
                .and_then(|k| k.span())
                .or_else(|| item.span());
            if !known.contains(&name) {
                let expected = known
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                self.problem(
                    format!("unknown field `{name}`{section}, expected one of {expected}"),
                    span,
                );
                continue;
            }
            out.push((name, span, item));
        }
        out
    }

    fn document(&mut self, root: &toml_edit::Table) -> Config {
        let mut c = Config::default();
        let known = [
            "fail_on",
            "exclude",
            "threads",
            "allow_inline_suppressions",
            "scan_cdk_out",
            "residency",
            "rules",
            "policies",
            "advisories",
            "limits",
        ];
        for (name, key_span, item) in self.entries(root, "", &known) {
            match name {
                "fail_on" => c.fail_on = self.severity(name, item, key_span),
                "exclude" => {
                    for n in self.strings(name, item, key_span) {
                        let check = crate::discover::Options {
                            excludes: vec![n.name.clone()],
                            ..crate::discover::Options::default()
                        };
                        match check.validate() {
                            Ok(()) => c.exclude.push(n.name),
                            Err(e) => self.problem(e.to_string(), Some(n.span)),
                        }
                    }
                }
                "threads" => c.threads = self.integer(name, item, key_span).map(|n| n as usize),
                "allow_inline_suppressions" => {
                    c.allow_inline_suppressions = self.boolean(name, item, key_span)
                }
                "scan_cdk_out" => c.scan_cdk_out = self.boolean(name, item, key_span),
                "policies" => {
                    for (i, n) in self.strings(name, item, key_span).into_iter().enumerate() {
                        c.reach_spans.insert(format!("policies.{i}"), n.span);
                        c.policies.push(PathBuf::from(n.name));
                    }
                }
                "residency" => {
                    if let Some(t) = self.table(name, item, key_span) {
                        for (k, ks, v) in self.entries(t, " in [residency]", &["allowed_regions"]) {
                            c.residency.allowed_regions =
                                self.strings(k, v, ks).into_iter().map(|n| n.name).collect();
                        }
                    }
                }
                "advisories" => {
                    if let Some(t) = self.table(name, item, key_span) {
                        let known = ["db", "max_age_days", "online", "update_deadline"];
                        for (k, ks, v) in self.entries(t, " in [advisories]", &known) {
                            if let Some(span) = ks.clone().or_else(|| v.span()) {
                                c.reach_spans.insert(format!("advisories.{k}"), span);
                            }
                            match k {
                                "db" => c.advisories.db = self.string(k, v, ks).map(|n| n.name),
                                "max_age_days" => {
                                    c.advisories.max_age_days =
                                        self.integer(k, v, ks).map(|n| n as u32)
                                }
                                "update_deadline" => {
                                    c.advisories.update_deadline = self.integer(k, v, ks)
                                }
                                _ => c.advisories.online = self.boolean(k, v, ks),
                            }
                        }
                    }
                }
                "limits" => {
                    if let Some(t) = self.table(name, item, key_span) {
                        let known = ["rule_timeout", "file_timeout"];
                        for (k, ks, v) in self.entries(t, " in [limits]", &known) {
                            let seconds = self.seconds(k, v, ks);
                            match k {
                                "rule_timeout" => c.limits.rule_timeout = seconds,
                                _ => c.limits.file_timeout = seconds,
                            }
                        }
                    }
                }
                _ => {
                    if let Some(t) = self.table(name, item, key_span) {
                        c.rules = self.rules(t);
                    }
                }
            }
        }
        c
    }

    fn rules(&mut self, t: &dyn toml_edit::TableLike) -> Rules {
        let mut r = Rules::default();
        for (k, ks, v) in self.entries(t, " in [rules]", &["enable", "disable", "severity"]) {
            match k {
                "enable" => r.enable = Some(self.rule_names(k, v, ks)),
                "disable" => r.disable = self.rule_names(k, v, ks),
                _ => {
                    let Some(t) = self.table(k, v, ks) else {
                        continue;
                    };
                    for (id, sev) in t.iter() {
                        let ids = t.key(id).and_then(|k| k.span()).or_else(|| sev.span());
                        let named = Named {
                            name: id.to_string(),
                            span: ids.clone().unwrap_or_default(),
                        };
                        if let Some(p) = rule_name_problem(id, false) {
                            self.problem(p, ids.clone());
                        }
                        if let Some(s) = self.severity(id, sev, ids) {
                            r.severity.push((named, s));
                        }
                    }
                }
            }
        }
        r
    }

    fn rule_names(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
        span: Option<Range<usize>>,
    ) -> Vec<Named> {
        let names = self.strings(key, item, span);
        for n in &names {
            if let Some(p) = rule_name_problem(&n.name, true) {
                self.problem(p, Some(n.span.clone()));
            }
        }
        names
    }

    fn table<'a>(
        &mut self,
        key: &str,
        item: &'a toml_edit::Item,
        span: Option<Range<usize>>,
    ) -> Option<&'a dyn toml_edit::TableLike> {
        let t = item.as_table_like();
        if t.is_none() {
            self.problem(format!("`{key}` must be a table"), item.span().or(span));
        }
        t
    }

    fn value<'a>(
        &mut self,
        key: &str,
        item: &'a toml_edit::Item,
        span: Option<Range<usize>>,
        what: &str,
    ) -> Option<&'a toml_edit::Value> {
        let v = item.as_value();
        if v.is_none() {
            self.problem(format!("invalid type for `{key}`: expected {what}"), span);
        }
        v
    }

    fn string(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
        span: Option<Range<usize>>,
    ) -> Option<Named> {
        let v = self.value(key, item, span.clone(), "a string")?;
        match v.as_str() {
            Some(s) => Some(Named {
                name: s.to_string(),
                span: v.span().or(span).unwrap_or_default(),
            }),
            None => {
                self.problem(
                    format!(
                        "invalid type for `{key}`: expected a string, found {}",
                        v.type_name()
                    ),
                    v.span().or(span),
                );
                None
            }
        }
    }

    fn strings(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
        span: Option<Range<usize>>,
    ) -> Vec<Named> {
        let Some(v) = self.value(key, item, span.clone(), "an array of strings") else {
            return Vec::new();
        };
        let Some(array) = v.as_array() else {
            self.problem(
                format!(
                    "invalid type for `{key}`: expected an array of strings, found {}",
                    v.type_name()
                ),
                v.span().or(span),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in array.iter() {
            match e.as_str() {
                Some(s) => out.push(Named {
                    name: s.to_string(),
                    span: e.span().unwrap_or_default(),
                }),
                None => self.problem(
                    format!(
                        "invalid type in `{key}`: expected a string, found {}",
                        e.type_name()
                    ),
                    e.span(),
                ),
            }
        }
        out
    }

    fn boolean(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
        span: Option<Range<usize>>,
    ) -> Option<bool> {
        let v = self.value(key, item, span.clone(), "a boolean")?;
        let b = v.as_bool();
        if b.is_none() {
            self.problem(
                format!(
                    "invalid type for `{key}`: expected a boolean, found {}",
                    v.type_name()
                ),
                v.span().or(span),
            );
        }
        b
    }

    /// A duration in seconds: a non-negative integer or decimal number.
    fn seconds(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
        span: Option<Range<usize>>,
    ) -> Option<f64> {
        let v = self.value(key, item, span.clone(), "a number of seconds")?;
        let n = match (v.as_integer(), v.as_float()) {
            (Some(n), _) => n as f64,
            (_, Some(f)) => f,
            _ => {
                self.problem(
                    format!(
                        "invalid type for `{key}`: expected a number of seconds, found {}",
                        v.type_name()
                    ),
                    v.span().or(span),
                );
                return None;
            }
        };
        if n.is_finite() && n >= 0.0 {
            Some(n)
        } else {
            self.problem(
                format!("invalid value for `{key}`: {n} is not a number of seconds (0: no limit)"),
                v.span().or(span),
            );
            None
        }
    }

    fn integer(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
        span: Option<Range<usize>>,
    ) -> Option<u64> {
        let v = self.value(key, item, span.clone(), "a non-negative integer")?;
        match v.as_integer() {
            Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => Some(n as u64),
            Some(n) => {
                self.problem(
                    format!("invalid value for `{key}`: {n} is out of range"),
                    v.span().or(span),
                );
                None
            }
            None => {
                self.problem(
                    format!(
                        "invalid type for `{key}`: expected an integer, found {}",
                        v.type_name()
                    ),
                    v.span().or(span),
                );
                None
            }
        }
    }

    fn severity(
        &mut self,
        key: &str,
        item: &toml_edit::Item,
        span: Option<Range<usize>>,
    ) -> Option<Severity> {
        let n = self.string(key, item, span)?;
        match n.name.parse::<Severity>() {
            Ok(s) => Some(s),
            Err(e) => {
                self.problem(format!("invalid value for `{key}`: {e}"), Some(n.span));
                None
            }
        }
    }
}

/// Why a name in `[rules]` cannot be a rule id (`FG-OBS-001`, `CUSTOM-...`)
/// or, where allowed, an area (`OBS`).
fn rule_name_problem(name: &str, area_allowed: bool) -> Option<String> {
    let parts: Vec<&str> = name.split('-').collect();
    let upper = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_uppercase());
    let id = parts.len() == 3
        && parts[0] == "FG"
        && upper(parts[1])
        && parts[2].len() == 3
        && parts[2].bytes().all(|b| b.is_ascii_digit());
    let custom = name.starts_with("CUSTOM-") && name.len() > 7;
    let area = area_allowed && parts.len() == 1 && upper(name);
    if id || custom || area {
        return None;
    }
    Some(if area_allowed {
        format!(
            "`{name}` is not a rule id (FG-<AREA>-<NNN>, CUSTOM-...) or an area (OBS, IAM, ...)"
        )
    } else {
        format!("`{name}` is not a rule id (FG-<AREA>-<NNN>, CUSTOM-...)")
    })
}

/// Check the rule ids and areas a config names against the rules loaded
/// (built-in, suppression and custom); every unknown one is reported.
pub fn check_rules(config: &Config, rules: &[crate::rule::Rule]) -> Result<(), Box<ConfigErrors>> {
    let mut problems = Vec::new();
    for n in config.rules.names() {
        let known = rules
            .iter()
            .any(|r| r.meta.id == n.name || r.meta.area == n.name);
        if !known {
            problems.push((
                format!("unknown rule or area `{}` (see `faasguard rules`)", n.name),
                Some(n.span.clone()),
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    let (shown, text) = config.origin.clone().unwrap_or_default();
    Err(Box::new(ConfigErrors::new(&shown, &text, problems)))
}
