//! The coverage map: `rules/coverage.toml` maps every peer check of
//! `../shared/corpus/catalogue/*.tsv` to the faasguard rule that answers it,
//! a planned rule, or a reason it is left out; `docs/coverage.md` is rendered
//! from it here. The tests fail when the page and the map disagree, when the
//! map names a rule that does not exist or a planned rule that is not defined
//! (or that collides with a built-in rule), and when a catalogue check is
//! missing from the map or the map lists one the catalogue does not have.
//!
//! Regenerate the page after editing the map:
//! `FAASGUARD_BLESS=1 cargo test --test it coverage`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use crate::common;

/// The peers, in the order the page lists them: (key in the map and file
/// name in the catalogue, display name).
const PEERS: &[(&str, &str)] = &[
    ("checkov", "Checkov"),
    ("kics", "KICS"),
    ("trivy", "Trivy"),
    ("cfn-guard", "Guard"),
];

/// Areas a planned rule may use (the built-in rules' areas, see DESIGN.md).
const AREAS: &[&str] = &[
    "IAM", "ENC", "SEC", "TMO", "RES", "DEP", "NET", "OBS", "RUN", "GOV",
];
const SEVERITIES: &[&str] = &["low", "medium", "high", "critical"];
const FORMATS: &[&str] = &["cloudformation", "sam", "terraform", "serverless"];
const MODEL: &[&str] = &["yes", "partial", "no"];

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Map {
    family: Vec<Family>,
    #[serde(default)]
    concept: Vec<Concept>,
    #[serde(default)]
    planned: BTreeMap<String, Planned>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Family {
    id: String,
    title: String,
    about: String,
}

/// The rows of a concept or planned rule.
macro_rules! rows {
    ($x:expr) => {
        Rows {
            checkov: &$x.checkov,
            kics: &$x.kics,
            trivy: &$x.trivy,
            cfn_guard: &$x.cfn_guard,
        }
    };
}

/// The peer checks a concept or planned rule answers, per peer.
struct Rows<'a> {
    checkov: &'a [String],
    kics: &'a [String],
    trivy: &'a [String],
    cfn_guard: &'a [String],
}

impl<'a> Rows<'a> {
    fn of(&self, peer: &str) -> &'a [String] {
        match peer {
            "checkov" => self.checkov,
            "kics" => self.kics,
            "trivy" => self.trivy,
            _ => self.cfn_guard,
        }
    }

    fn keys(&self) -> impl Iterator<Item = (&'static str, &'a String)> + '_ {
        PEERS
            .iter()
            .flat_map(move |(peer, _)| self.of(peer).iter().map(move |id| (*peer, id)))
    }

    fn len(&self) -> usize {
        self.keys().count()
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Concept {
    family: String,
    concept: String,
    rule: Option<String>,
    gap: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    /// Who asks for a rule no catalogue check answers (an issue, a peer
    /// check outside the catalogue); only with `rule`.
    source: Option<String>,
    #[serde(default)]
    checkov: Vec<String>,
    #[serde(default)]
    kics: Vec<String>,
    #[serde(default)]
    trivy: Vec<String>,
    #[serde(default, rename = "cfn-guard")]
    cfn_guard: Vec<String>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Planned {
    family: String,
    title: String,
    area: String,
    severity: String,
    severity_note: Option<String>,
    formats: Vec<String>,
    needs: Vec<String>,
    model: String,
    model_note: String,
    source: Option<String>,
    note: Option<String>,
    #[serde(default)]
    checkov: Vec<String>,
    #[serde(default)]
    kics: Vec<String>,
    #[serde(default)]
    trivy: Vec<String>,
    #[serde(default, rename = "cfn-guard")]
    cfn_guard: Vec<String>,
}

impl Planned {
    fn rows(&self) -> Rows<'_> {
        rows!(self)
    }
}

/// What the page needs to know of a built-in rule.
struct Builtin {
    title: String,
    severity: String,
}

/// Where a concept stands.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Answered,
    Extension,
    Planned,
    LeftOut,
}

impl Concept {
    fn rows(&self) -> Rows<'_> {
        rows!(self)
    }

    fn status(&self) -> Status {
        match (&self.rule, &self.gap) {
            (Some(_), None) => Status::Answered,
            (Some(_), Some(_)) => Status::Extension,
            _ => Status::LeftOut,
        }
    }
}

fn parse(text: &str) -> Result<Map, String> {
    toml::from_str(text).map_err(|e| format!("rules/coverage.toml: {e}"))
}

/// The built-in rules: the engine's policies plus the rules the Rust side
/// reports (suppressions, dependency advisories), as `faasguard rules` lists.
fn builtins() -> BTreeMap<String, Builtin> {
    let engine = faasguard::scan::load_engine(&faasguard::scan::Settings::default())
        .expect("built-in policies load");
    faasguard::registry::Registry::new(&engine)
        .expect("registry")
        .into_rules()
        .into_iter()
        .map(|r| {
            (
                r.meta.id.clone(),
                Builtin {
                    title: r.meta.title.clone(),
                    severity: r.meta.severity.as_str().to_string(),
                },
            )
        })
        .collect()
}

/// `FG-<AREA>-<NNN>` ids mentioned in free text.
fn mentioned_ids(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("FG-") {
        let tail = &rest[at + 3..];
        let area: String = tail
            .chars()
            .take_while(|c| c.is_ascii_uppercase())
            .collect();
        let after = &tail[area.len()..];
        let digits: String = after
            .strip_prefix('-')
            .map(|d| d.chars().take_while(|c| c.is_ascii_digit()).collect())
            .unwrap_or_default();
        if !area.is_empty() && digits.len() == 3 {
            ids.push(format!("FG-{area}-{digits}"));
        }
        rest = tail;
    }
    ids
}

/// Every problem of the map, not just the first.
fn validate(map: &Map, builtins: &BTreeMap<String, Builtin>) -> Vec<String> {
    let mut problems = Vec::new();
    let families: BTreeSet<&str> = map.family.iter().map(|f| f.id.as_str()).collect();
    if families.len() != map.family.len() {
        problems.push("a family id is defined twice".to_string());
    }
    let known = |id: &str| builtins.contains_key(id) || map.planned.contains_key(id);
    // Where each peer check is mapped, to find the ones mapped twice.
    let mut placed: BTreeMap<(&str, String), String> = BTreeMap::new();
    let mut place = |rows: Rows<'_>, at: String, problems: &mut Vec<String>| {
        for (peer, id) in rows.keys() {
            if let Some(first) = placed.insert((peer, id.clone()), at.clone()) {
                problems.push(format!(
                    "{peer} {id} is mapped twice: in {first} and in {at}"
                ));
            }
        }
    };
    for c in &map.concept {
        let at = format!("concept \"{}\"", c.concept);
        if !families.contains(c.family.as_str()) {
            problems.push(format!("{at} names an undefined family `{}`", c.family));
        }
        match (&c.rule, &c.reason) {
            (Some(_), Some(_)) => {
                problems.push(format!("{at} has both `rule` and `reason`: choose one"))
            }
            (None, None) => problems.push(format!(
                "{at} has neither `rule` nor `reason` (a new rule goes in [planned.\"FG-...\"])"
            )),
            _ => {}
        }
        if c.gap.is_some() && c.rule.is_none() {
            problems.push(format!("{at} has a `gap` but no `rule` it extends"));
        }
        if let Some(rule) = &c.rule {
            if !builtins.contains_key(rule) {
                let hint = if map.planned.contains_key(rule) {
                    " (it is a planned rule: list the checks in its [planned] table)"
                } else {
                    ""
                };
                problems.push(format!(
                    "{at} names {rule}, which is not a built-in rule{hint}"
                ));
            }
        }
        if let Some(reason) = &c.reason {
            let lower = reason.to_lowercase();
            if lower.contains("not modelled") || lower.contains("not modeled") {
                problems.push(format!(
                    "{at}: \"not modelled\" is a plan, not a reason: plan a rule instead"
                ));
            }
            if reason.trim().is_empty() {
                problems.push(format!("{at} has an empty reason"));
            }
        }
        if c.source.is_some() && c.rule.is_none() {
            problems.push(format!("{at} has a `source` but no `rule` answering it"));
        }
        if c.rows().len() == 0 && c.source.is_none() {
            problems.push(format!("{at} answers no peer check"));
        }
        for text in [&c.gap, &c.reason, &c.note, &c.source]
            .into_iter()
            .flatten()
        {
            for id in mentioned_ids(text) {
                if !known(&id) {
                    problems.push(format!(
                        "{at} mentions {id}, which is neither built in nor planned"
                    ));
                }
            }
        }
        place(c.rows(), at, &mut problems);
    }
    for (id, p) in &map.planned {
        let at = format!("planned {id}");
        let parts: Vec<&str> = id.split('-').collect();
        let well_formed = parts.len() == 3
            && parts[0] == "FG"
            && parts[2].len() == 3
            && parts[2].bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            problems.push(format!("{at}: the id is not of the form FG-<AREA>-<NNN>"));
        } else if parts[1] != p.area {
            problems.push(format!(
                "{at} declares area {} but its id says {}",
                p.area, parts[1]
            ));
        }
        if !AREAS.contains(&p.area.as_str()) {
            problems.push(format!("{at} has an unknown area {}", p.area));
        }
        if builtins.contains_key(id) {
            problems.push(format!(
                "{at} collides with the built-in rule {id} ({}): planned ids continue an area's numbering",
                builtins[id].title
            ));
        }
        if !families.contains(p.family.as_str()) {
            problems.push(format!("{at} names an undefined family `{}`", p.family));
        }
        if !SEVERITIES.contains(&p.severity.as_str()) {
            problems.push(format!("{at} has an unknown severity `{}`", p.severity));
        }
        if !MODEL.contains(&p.model.as_str()) {
            problems.push(format!(
                "{at} has model = `{}` (expected yes, partial or no)",
                p.model
            ));
        }
        for f in &p.formats {
            if !FORMATS.contains(&f.as_str()) {
                problems.push(format!("{at} names an unknown format `{f}`"));
            }
        }
        if p.formats.is_empty() || p.needs.is_empty() || p.title.trim().is_empty() {
            problems.push(format!("{at} needs a title, formats and needs"));
        }
        if p.rows().len() == 0 && p.source.is_none() {
            problems.push(format!(
                "{at} answers no peer check and names no `source` asking for it"
            ));
        }
        let texts = [&p.severity_note, &p.note, &p.source];
        for text in texts.into_iter().flatten() {
            for m in mentioned_ids(text) {
                if !known(&m) {
                    problems.push(format!(
                        "{at} mentions {m}, which is neither built in nor planned"
                    ));
                }
            }
        }
        place(p.rows(), at, &mut problems);
    }
    problems
}

/// The checks of the catalogue, as `(peer, id)`: a check that runs on
/// several formats is several rows there and one check here.
fn read_catalogue(dir: &Path) -> Result<BTreeSet<(String, String)>, String> {
    let mut checks = BTreeSet::new();
    for (peer, _) in PEERS {
        let path = dir.join(format!("{peer}.tsv"));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split('\t').collect();
        let (Some(pi), Some(ii)) = (
            header.iter().position(|h| *h == "peer"),
            header.iter().position(|h| *h == "id"),
        ) else {
            return Err(format!("{}: no `peer` and `id` columns", path.display()));
        };
        for (n, line) in lines.enumerate() {
            let cols: Vec<&str> = line.split('\t').collect();
            match (cols.get(pi), cols.get(ii)) {
                (Some(p), Some(id)) if *p == *peer && !id.is_empty() => {
                    checks.insert((peer.to_string(), id.to_string()));
                }
                _ => {
                    return Err(format!(
                        "{}:{}: expected peer `{peer}` and an id",
                        path.display(),
                        n + 2
                    ))
                }
            }
        }
    }
    Ok(checks)
}

fn map_checks(map: &Map) -> BTreeSet<(String, String)> {
    map.concept
        .iter()
        .map(|c| c.rows())
        .chain(map.planned.values().map(|p| p.rows()))
        .flat_map(|rows| {
            rows.keys()
                .map(|(peer, id)| (peer.to_string(), id.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Checks of the catalogue the map does not place, and checks the map
/// places that the catalogue does not have.
fn compare(
    catalogue: &BTreeSet<(String, String)>,
    map: &BTreeSet<(String, String)>,
) -> Vec<String> {
    let mut problems: Vec<String> = catalogue
        .difference(map)
        .map(|(p, id)| format!("{p} {id} is in the catalogue but not in rules/coverage.toml"))
        .collect();
    problems.extend(
        map.difference(catalogue)
            .map(|(p, id)| format!("{p} {id} is in rules/coverage.toml but not in the catalogue")),
    );
    problems
}

// ───────────────────────────── rendering

/// Text for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn peer_list(rows: &Rows<'_>, sep: &str) -> String {
    PEERS
        .iter()
        .filter(|(peer, _)| !rows.of(peer).is_empty())
        .map(|(peer, name)| {
            let ids: Vec<String> = rows.of(peer).iter().map(|id| format!("`{id}`")).collect();
            format!("{name} {}", ids.join(", "))
        })
        .collect::<Vec<_>>()
        .join(sep)
}

fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

/// Counts of peer checks by status.
#[derive(Default, Clone, Copy)]
struct Counts {
    answered: usize,
    extension: usize,
    planned: usize,
    left_out: usize,
}

impl Counts {
    fn add(&mut self, status: Status, n: usize) {
        match status {
            Status::Answered => self.answered += n,
            Status::Extension => self.extension += n,
            Status::Planned => self.planned += n,
            Status::LeftOut => self.left_out += n,
        }
    }

    fn total(&self) -> usize {
        self.answered + self.extension + self.planned + self.left_out
    }
}

fn render(map: &Map, builtins: &BTreeMap<String, Builtin>) -> String {
    let mut out = String::new();
    let w = &mut out;
    // Counts per peer and per family.
    let mut per_peer: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut per_family: BTreeMap<&str, Counts> = BTreeMap::new();
    let entries = map
        .concept
        .iter()
        .map(|c| (c.family.as_str(), c.status(), c.rows()))
        .chain(
            map.planned
                .values()
                .map(|p| (p.family.as_str(), Status::Planned, p.rows())),
        );
    for (family, status, rows) in entries {
        per_family
            .entry(family)
            .or_default()
            .add(status, rows.len());
        for (peer, _) in PEERS {
            per_peer
                .entry(peer)
                .or_default()
                .add(status, rows.of(peer).len());
        }
    }
    let all = per_peer.values().fold(Counts::default(), |mut a, c| {
        a.answered += c.answered;
        a.extension += c.extension;
        a.planned += c.planned;
        a.left_out += c.left_out;
        a
    });

    let _ = writeln!(w, "# Coverage: what faasguard checks, next to its peers\n");
    let _ = writeln!(
        w,
        "<!-- Rendered from rules/coverage.toml by tests/it/coverage.rs. Do not edit: edit the TOML, then run\n     FAASGUARD_BLESS=1 cargo test --test it coverage -->\n"
    );
    let _ = writeln!(
        w,
        "Does faasguard check X? Find X below. Each concept names the faasguard rule that answers it \
         (`faasguard explain <ID>` prints its documentation), the rule planned for it, or the reason it is \
         left out, with the peer checks that ask the same question: every check of Checkov, KICS, Trivy and \
         the AWS Guard rules registry whose resource types belong to a serverless estate \
         (`../shared/corpus/catalogue`). A check that runs on several formats is counted once.\n"
    );
    let _ = writeln!(w, "## Summary\n");
    let _ = writeln!(
        w,
        "| peer | checks | answered now | planned: a rule to extend | planned: a new rule | left out, with a reason |"
    );
    let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|");
    for (peer, name) in PEERS {
        let c = per_peer.get(peer).copied().unwrap_or_default();
        let _ = writeln!(
            w,
            "| {name} | {} | {} | {} | {} | {} |",
            c.total(),
            c.answered,
            c.extension,
            c.planned,
            c.left_out
        );
    }
    let _ = writeln!(
        w,
        "| **all** | **{}** | **{}** | **{}** | **{}** | **{}** |\n",
        all.total(),
        all.answered,
        all.extension,
        all.planned,
        all.left_out
    );
    let from_issue = map.planned.values().filter(|p| p.rows().len() == 0).count();
    let _ = writeln!(
        w,
        "{} rules are planned ([list](#planned-rules)): {} answer peer checks, {} come from issue #16 alone.\n",
        map.planned.len(),
        map.planned.len() - from_issue,
        from_issue
    );
    let _ = writeln!(w, "| family | checks | answered now | planned | left out |");
    let _ = writeln!(w, "|---|--:|--:|--:|--:|");
    for f in &map.family {
        let c = per_family.get(f.id.as_str()).copied().unwrap_or_default();
        let _ = writeln!(
            w,
            "| [{}](#{}) | {} | {} | {} | {} |",
            f.title,
            anchor(&f.title),
            c.total(),
            c.answered,
            c.extension + c.planned,
            c.left_out
        );
    }
    let _ = writeln!(w);

    for f in &map.family {
        let _ = writeln!(w, "## {}\n", f.title);
        let _ = writeln!(w, "{}\n", f.about);
        // Answered, then extensions, then planned rules (by id); left out apart.
        let mut lines: Vec<(Status, String, String, String)> = Vec::new();
        for c in map.concept.iter().filter(|c| c.family == f.id) {
            let Some(rule) = &c.rule else { continue };
            let (title, severity) = builtins
                .get(rule)
                .map(|b| (b.title.as_str(), b.severity.as_str()))
                .unwrap_or(("?", "?"));
            let mut concept = cell(&c.concept);
            if let Some(note) = &c.note {
                let _ = write!(concept, "<br>*{}*", cell(note));
            }
            if let Some(source) = &c.source {
                let _ = write!(concept, "<br>Asked for by: {}", cell(source));
            }
            let answer = match &c.gap {
                None => format!("`{rule}` {} ({severity})", cell(title)),
                Some(gap) => format!(
                    "`{rule}` {} ({severity}), **extension planned**: {}",
                    cell(title),
                    cell(gap)
                ),
            };
            lines.push((c.status(), concept, answer, peer_list(&c.rows(), "<br>")));
        }
        for (id, p) in map.planned.iter().filter(|(_, p)| p.family == f.id) {
            let peers = if p.rows().len() == 0 {
                format!("none ({})", cell(p.source.as_deref().unwrap_or("")))
            } else {
                peer_list(&p.rows(), "<br>")
            };
            lines.push((
                Status::Planned,
                cell(&p.title),
                format!(
                    "`{id}` **planned** ({}), [details](#{})",
                    p.severity,
                    anchor(&format!("{id} {}", p.title))
                ),
                peers,
            ));
        }
        lines.sort_by_key(|l| l.0);
        if !lines.is_empty() {
            let _ = writeln!(w, "| concept | faasguard | peer checks |");
            let _ = writeln!(w, "|---|---|---|");
            for (_, concept, answer, peers) in &lines {
                let _ = writeln!(w, "| {concept} | {answer} | {peers} |");
            }
            let _ = writeln!(w);
        }
        let left: Vec<&Concept> = map
            .concept
            .iter()
            .filter(|c| c.family == f.id && c.status() == Status::LeftOut)
            .collect();
        if !left.is_empty() {
            let _ = writeln!(w, "Left out:\n");
            let _ = writeln!(w, "| concept | why | peer checks |");
            let _ = writeln!(w, "|---|---|---|");
            for c in left {
                let _ = writeln!(
                    w,
                    "| {} | {} | {} |",
                    cell(&c.concept),
                    cell(c.reason.as_deref().unwrap_or("")),
                    peer_list(&c.rows(), "<br>")
                );
            }
            let _ = writeln!(w);
        }
    }

    let _ = writeln!(w, "## Planned rules\n");
    let _ = writeln!(
        w,
        "What each planned rule needs from the normalized model (`docs/model.md`), and whether the model \
         has it today (yes, partial, no).\n"
    );
    for f in &map.family {
        let planned: Vec<(&String, &Planned)> = map
            .planned
            .iter()
            .filter(|(_, p)| p.family == f.id)
            .collect();
        if planned.is_empty() {
            continue;
        }
        for (id, p) in planned {
            let _ = writeln!(w, "### {id} {}\n", p.title);
            let severity = match &p.severity_note {
                Some(why) => format!("{} ({why})", p.severity),
                None => p.severity.clone(),
            };
            let _ = writeln!(
                w,
                "- Family: {}; area {}; severity {severity}",
                f.title, p.area
            );
            let _ = writeln!(w, "- Formats: {}", p.formats.join(", "));
            let _ = writeln!(
                w,
                "- Needs: {}. Model today: **{}**. {}",
                p.needs.join("; "),
                p.model,
                p.model_note
            );
            if let Some(note) = &p.note {
                let _ = writeln!(w, "- Note: {note}");
            }
            if let Some(source) = &p.source {
                let _ = writeln!(w, "- Asked for by: {source}");
            }
            if p.rows().len() > 0 {
                let n = p.rows().len();
                let _ = writeln!(
                    w,
                    "- Answers {n} peer check{}: {}",
                    if n == 1 { "" } else { "s" },
                    peer_list(&p.rows(), "; ")
                );
            }
            let _ = writeln!(w);
        }
    }
    out.trim_end().to_string() + "\n"
}

/// Checkov check id → the rules that answer it (the concepts with a
/// `rule`), for the comparisons with Checkov's verdicts.
pub(crate) fn checkov_rules() -> BTreeMap<String, BTreeSet<String>> {
    let path = common::root().join("rules/coverage.toml");
    let text = std::fs::read_to_string(&path).expect("rules/coverage.toml is readable");
    let map = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in &map.concept {
        let Some(rule) = &c.rule else { continue };
        for id in &c.checkov {
            out.entry(id.clone()).or_default().insert(rule.clone());
        }
    }
    out
}

fn load() -> (Map, BTreeMap<String, Builtin>) {
    let path = common::root().join("rules/coverage.toml");
    let text = std::fs::read_to_string(&path).expect("rules/coverage.toml is readable");
    let map = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    (map, builtins())
}

#[test]
fn coverage_map_names_real_rules_and_defines_every_planned_one() {
    let (map, builtins) = load();
    let problems = validate(&map, &builtins);
    assert!(
        problems.is_empty(),
        "rules/coverage.toml:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn coverage_map_places_every_catalogue_check_once() {
    let dir = faasguard::shared::path("corpus/catalogue");
    let catalogue = read_catalogue(&dir).unwrap_or_else(|e| panic!("{e}"));
    let (map, _) = load();
    let problems = compare(&catalogue, &map_checks(&map));
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // 255 Checkov, 284 KICS, 142 Trivy and 88 Guard checks (897 rows).
    assert_eq!(catalogue.len(), 769);
}

#[test]
fn coverage_doc_is_rendered_from_the_map() {
    let (map, builtins) = load();
    let rendered = render(&map, &builtins);
    let path = common::root().join("docs/coverage.md");
    if std::env::var("FAASGUARD_BLESS").is_ok_and(|v| !v.is_empty() && v != "0") {
        std::fs::write(&path, &rendered).expect("write docs/coverage.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or_else(|| committed.lines().count().min(rendered.lines().count()) + 1);
        panic!(
            "docs/coverage.md is not the render of rules/coverage.toml (first difference at line {line}).\n\
             Regenerate it with: FAASGUARD_BLESS=1 cargo test --test it coverage"
        );
    }
}

// ───────────────────────────── the checks themselves

fn builtin(title: &str) -> Builtin {
    Builtin {
        title: title.to_string(),
        severity: "high".to_string(),
    }
}

const SMALL: &str = r#"
[[family]]
id = "iam"
title = "Least privilege"
about = "Too broad."

[[concept]]
family = "iam"
concept = "Every action"
rule = "FG-IAM-001"
checkov = ["CKV_AWS_63"]
kics = ["iam_policy_grants_full_permissions"]

[[concept]]
family = "iam"
concept = "A style check"
reason = "Style: no effect on access. See FG-IAM-007."
trivy = ["AWS-0320"]

[planned."FG-IAM-007"]
family = "iam"
title = "Role trusts a whole account"
area = "IAM"
severity = "high"
formats = ["terraform"]
needs = ["roles.assume_role_policy"]
model = "yes"
model_note = "Modelled."
cfn-guard = ["IAM_ROLE_TRUST"]
"#;

#[test]
fn a_well_formed_map_has_no_problems_and_renders_its_counts() {
    let map = parse(SMALL).expect("parses");
    let builtins = BTreeMap::from([(
        "FG-IAM-001".to_string(),
        builtin("Identity policy allows every action"),
    )]);
    assert_eq!(validate(&map, &builtins), Vec::<String>::new());
    let page = render(&map, &builtins);
    assert!(page.contains("| Checkov | 1 | 1 | 0 | 0 | 0 |\n"), "{page}");
    assert!(page.contains("| Trivy | 1 | 0 | 0 | 0 | 1 |\n"), "{page}");
    assert!(page.contains("| Guard | 1 | 0 | 0 | 1 | 0 |\n"), "{page}");
    assert!(
        page.contains("| **all** | **4** | **2** | **0** | **1** | **1** |\n"),
        "{page}"
    );
    assert!(page.contains(
        "| Every action | `FG-IAM-001` Identity policy allows every action (high) | Checkov `CKV_AWS_63`<br>KICS `iam_policy_grants_full_permissions` |\n"
    ), "{page}");
    assert!(page.contains(
        "| Role trusts a whole account | `FG-IAM-007` **planned** (high), [details](#fg-iam-007-role-trusts-a-whole-account) | Guard `IAM_ROLE_TRUST` |\n"
    ), "{page}");
    assert!(
        page.contains(
            "| A style check | Style: no effect on access. See FG-IAM-007. | Trivy `AWS-0320` |\n"
        ),
        "{page}"
    );
    assert!(
        page.contains("### FG-IAM-007 Role trusts a whole account\n"),
        "{page}"
    );
    assert!(
        page.contains("- Answers 1 peer check: Guard `IAM_ROLE_TRUST`\n"),
        "{page}"
    );
}

#[test]
fn wrong_rules_undefined_plans_collisions_and_duplicates_are_reported() {
    let text = SMALL.replace("rule = \"FG-IAM-001\"", "rule = \"FG-IAM-099\"")
        + r#"
[[concept]]
family = "nope"
concept = "Twice"
reason = "Not modelled yet."
checkov = ["CKV_AWS_63"]

[[concept]]
family = "iam"
concept = "Points at a plan"
rule = "FG-IAM-007"
note = "See FG-NET-042."
kics = ["k"]

[planned."FG-IAM-001"]
family = "iam"
title = "Reuses an id"
area = "ENC"
severity = "huge"
formats = ["cdk"]
needs = ["x"]
model = "maybe"
model_note = "."
"#;
    let map = parse(&text).expect("parses");
    let builtins = BTreeMap::from([("FG-IAM-001".to_string(), builtin("Every action"))]);
    assert_eq!(
        validate(&map, &builtins),
        vec![
            "concept \"Every action\" names FG-IAM-099, which is not a built-in rule".to_string(),
            "concept \"Twice\" names an undefined family `nope`".to_string(),
            "concept \"Twice\": \"not modelled\" is a plan, not a reason: plan a rule instead".to_string(),
            "checkov CKV_AWS_63 is mapped twice: in concept \"Every action\" and in concept \"Twice\"".to_string(),
            "concept \"Points at a plan\" names FG-IAM-007, which is not a built-in rule (it is a planned rule: list the checks in its [planned] table)".to_string(),
            "concept \"Points at a plan\" mentions FG-NET-042, which is neither built in nor planned".to_string(),
            "planned FG-IAM-001 declares area ENC but its id says IAM".to_string(),
            "planned FG-IAM-001 collides with the built-in rule FG-IAM-001 (Every action): planned ids continue an area's numbering".to_string(),
            "planned FG-IAM-001 has an unknown severity `huge`".to_string(),
            "planned FG-IAM-001 has model = `maybe` (expected yes, partial or no)".to_string(),
            "planned FG-IAM-001 names an unknown format `cdk`".to_string(),
            "planned FG-IAM-001 answers no peer check and names no `source` asking for it".to_string(),
        ]
    );
}

#[test]
fn an_unknown_field_in_the_map_is_an_error() {
    let text = SMALL.replace("rule = \"FG-IAM-001\"", "rules = \"FG-IAM-001\"");
    let err = parse(&text).expect_err("`rules` is not a field");
    assert!(err.starts_with("rules/coverage.toml: "), "{err}");
    assert!(err.contains("unknown field `rules`"), "{err}");
}

#[test]
fn catalogue_checks_missing_from_or_unknown_to_the_map_are_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let header = "peer\tid\ttitle\tseverity\tformat\tresource_types\tsource\n";
    for (peer, rows) in [
        ("checkov", "checkov\tCKV_AWS_63\tt\t\tterraform\tx\ts\ncheckov\tCKV_AWS_63\tt\t\tcloudformation\tx\ts\n"),
        ("kics", "kics\tiam_policy_grants_full_permissions\tt\tHIGH\tterraform/aws\tx\ts\n"),
        ("trivy", "trivy\tAWS-0057\tt\tHIGH\tcloud\tx\ts\n"),
        ("cfn-guard", ""),
    ] {
        std::fs::write(dir.path().join(format!("{peer}.tsv")), format!("{header}{rows}"))
            .expect("write tsv");
    }
    let catalogue = read_catalogue(dir.path()).expect("reads");
    assert_eq!(catalogue.len(), 3, "a check on two formats is one check");
    let map = parse(SMALL).expect("parses");
    assert_eq!(
        compare(&catalogue, &map_checks(&map)),
        vec![
            "trivy AWS-0057 is in the catalogue but not in rules/coverage.toml",
            "cfn-guard IAM_ROLE_TRUST is in rules/coverage.toml but not in the catalogue",
            "trivy AWS-0320 is in rules/coverage.toml but not in the catalogue",
        ]
    );
    std::fs::write(
        dir.path().join("trivy.tsv"),
        format!("{header}kics\tAWS-1\tt\t\t\t\t\n"),
    )
    .expect("write tsv");
    let err = read_catalogue(dir.path()).expect_err("wrong peer");
    assert!(
        err.ends_with("trivy.tsv:2: expected peer `trivy` and an id"),
        "{err}"
    );
}

#[test]
fn ids_are_found_in_free_text() {
    assert_eq!(
        mentioned_ids("see FG-IAM-006 and planned FG-NET-003, not FG-X or FG-ENC-1"),
        vec!["FG-IAM-006", "FG-NET-003"]
    );
}
