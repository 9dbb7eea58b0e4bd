//! The coverage map: `rules/coverage.toml` maps every peer check of
//! `../shared/corpus/catalogue/*.tsv` to the faasguard rule that answers it,
//! a planned rule, or a reason it is left out; `docs/coverage.md` is rendered
//! from it here. The tests fail when the page and the map disagree, when the
//! map names a rule that does not exist or a planned rule that is not defined
//! (or that collides with a built-in rule), and when a catalogue check is
//! missing from the map or the map lists one the catalogue does not have.
//! Checks a peer runs that the catalogue does not list are mapped apart, in
//! `[[outside]]` entries that name where the peer was seen running them
//! (`seen_in`): each must have a verdict there and must not be in the
//! catalogue, and every check with a verdict there must be placed, so an
//! unknown id in a `[[concept]]` (a typo) still fails.
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

/// Where a peer was seen running checks the catalogue does not list, for
/// `seen_in` of an `[[outside]]` entry: (key, what it is, the verdicts).
const SOURCES: &[(&str, &str, &str)] = &[(
    "real-proxy",
    "Checkov 3.3.30's verdicts on the real-repository proxy",
    "tests/data/real-proxy/checkov.json",
)];

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Map {
    family: Vec<Family>,
    #[serde(default)]
    concept: Vec<Concept>,
    #[serde(default)]
    planned: BTreeMap<String, Planned>,
    /// Peer checks outside the catalogue that a peer runs on real
    /// serverless repositories (`seen_in`), mapped like concepts.
    #[serde(default)]
    outside: Vec<Concept>,
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
    /// Other rules that answer part of the question (a `*` or `service:*`
    /// grant where `rule` reports named actions); only with `rule`.
    #[serde(default)]
    also: Vec<String>,
    gap: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    /// Where the peer runs a check outside the catalogue (a key of
    /// [`SOURCES`]); only, and always, in `[[outside]]`.
    seen_in: Option<String>,
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
    let entries = map
        .concept
        .iter()
        .map(|c| (c, false))
        .chain(map.outside.iter().map(|c| (c, true)));
    for (c, outside) in entries {
        let at = if outside {
            format!("outside \"{}\"", c.concept)
        } else {
            format!("concept \"{}\"", c.concept)
        };
        match (&c.seen_in, outside) {
            (Some(_), false) => problems.push(format!(
                "{at} has `seen_in`, which marks checks outside the catalogue: move it to [[outside]]"
            )),
            (None, true) => problems.push(format!(
                "{at} needs `seen_in`: where the peer runs these checks outside the catalogue"
            )),
            (Some(src), true) if !SOURCES.iter().any(|(key, _, _)| key == src) => problems.push(
                format!("{at} names an unknown source `{src}` in `seen_in`"),
            ),
            _ => {}
        }
        if outside && c.rows().len() != c.checkov.len() {
            problems.push(format!(
                "{at} lists checks of a peer other than Checkov: only Checkov's verdicts outside the catalogue are recorded"
            ));
        }
        if !c.also.is_empty() && c.rule.is_none() {
            problems.push(format!("{at} has `also` but no `rule`"));
        }
        for other in &c.also {
            if Some(other) == c.rule.as_ref() {
                problems.push(format!("{at} names {other} in both `rule` and `also`"));
            } else if !builtins.contains_key(other) {
                problems.push(format!(
                    "{at} names {other} in `also`, which is not a built-in rule"
                ));
            }
        }
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

/// The checks of the catalogue's concepts and planned rules, as `(peer, id)`.
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

/// The checks the map declares outside the catalogue, as `(peer, id)`.
fn outside_checks(map: &Map) -> BTreeSet<(String, String)> {
    map.outside
        .iter()
        .flat_map(|c| {
            c.rows()
                .keys()
                .map(|(peer, id)| (peer.to_string(), id.clone()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Checks of the catalogue the map does not place, checks the map places
/// in concepts or planned rules that the catalogue does not have, and
/// checks declared outside the catalogue that it does have.
fn compare(catalogue: &BTreeSet<(String, String)>, map: &Map) -> Vec<String> {
    let placed = map_checks(map);
    let mut problems: Vec<String> = catalogue
        .difference(&placed)
        .map(|(p, id)| format!("{p} {id} is in the catalogue but not in rules/coverage.toml"))
        .collect();
    problems.extend(placed.difference(catalogue).map(|(p, id)| {
        format!(
            "{p} {id} is in rules/coverage.toml but not in the catalogue \
             (a check outside it goes in [[outside]], with `seen_in`)"
        )
    }));
    problems.extend(outside_checks(map).intersection(catalogue).map(|(p, id)| {
        format!("{p} {id} is in the catalogue: map it in a [[concept]], not in [[outside]]")
    }));
    problems
}

/// Checks declared outside the catalogue that have no verdict in the source
/// they name, and checks with verdicts there that the map does not place:
/// `seen` is the Checkov check ids with a verdict in each source.
fn unseen_or_unplaced(map: &Map, seen: &BTreeMap<&str, BTreeSet<String>>) -> Vec<String> {
    let mut problems = Vec::new();
    for c in &map.outside {
        let Some(source) = &c.seen_in else { continue };
        let verdicts = seen.get(source.as_str());
        for id in &c.checkov {
            if !verdicts.is_some_and(|v| v.contains(id)) {
                problems.push(format!(
                    "outside \"{}\": checkov {id} has no verdict in {source} (a typo, or a check not seen there)",
                    c.concept
                ));
            }
        }
    }
    let placed: BTreeSet<String> = map_checks(map)
        .into_iter()
        .chain(outside_checks(map))
        .filter(|(peer, _)| peer == "checkov")
        .map(|(_, id)| id)
        .collect();
    for (source, ids) in seen {
        for id in ids.difference(&placed) {
            problems.push(format!(
                "checkov {id} has verdicts in {source} but no place in rules/coverage.toml"
            ));
        }
    }
    problems
}

/// The Checkov check ids with a verdict in each source of [`SOURCES`].
fn seen_checks() -> BTreeMap<&'static str, BTreeSet<String>> {
    SOURCES
        .iter()
        .map(|(key, _, file)| {
            let text = std::fs::read_to_string(common::root().join(file))
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            let verdicts: Vec<serde_json::Value> =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
            let ids = verdicts
                .iter()
                .filter_map(|v| v["check_id"].as_str().map(str::to_string))
                .collect();
            (*key, ids)
        })
        .collect()
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

/// A concept's name with its note and who asked for it.
fn concept_cell(c: &Concept) -> String {
    let mut concept = cell(&c.concept);
    if let Some(note) = &c.note {
        let _ = write!(concept, "<br>*{}*", cell(note));
    }
    if let Some(source) = &c.source {
        let _ = write!(concept, "<br>Asked for by: {}", cell(source));
    }
    concept
}

/// The rule (and the rules `also` named) that answer a concept.
fn answer(c: &Concept, rule: &str, builtins: &BTreeMap<String, Builtin>) -> String {
    let (title, severity) = builtins
        .get(rule)
        .map(|b| (b.title.as_str(), b.severity.as_str()))
        .unwrap_or(("?", "?"));
    let mut out = format!("`{rule}` {} ({severity})", cell(title));
    if !c.also.is_empty() {
        let also: Vec<String> = c.also.iter().map(|id| format!("`{id}`")).collect();
        let _ = write!(out, "; also {}", also.join(", "));
    }
    if let Some(gap) = &c.gap {
        let _ = write!(out, ", **extension planned**: {}", cell(gap));
    }
    out
}

/// The section on checks outside the catalogue, after the families'.
fn render_outside(w: &mut String, map: &Map, builtins: &BTreeMap<String, Builtin>) {
    if map.outside.is_empty() {
        return;
    }
    let _ = writeln!(w, "## Checkov checks outside the catalogue\n");
    let sources: BTreeSet<&str> = map
        .outside
        .iter()
        .filter_map(|c| c.seen_in.as_deref())
        .collect();
    let seen: Vec<String> = SOURCES
        .iter()
        .filter(|(key, _, _)| sources.contains(key))
        .map(|(_, what, file)| format!("{what} (`{file}`)"))
        .collect();
    let _ = writeln!(
        w,
        "Checkov runs checks that the catalogue does not list; these are the ones seen in {}. \
         They are mapped here like the catalogue's, are not counted in the summary above, and count in \
         the comparisons with Checkov's verdicts (`tests/it/real_proxy.rs`) when a rule answers them.\n",
        seen.join(" and ")
    );
    let family_title = |id: &str| {
        map.family
            .iter()
            .find(|f| f.id == id)
            .map_or(id.to_string(), |f| f.title.clone())
    };
    let answered: Vec<&Concept> = map.outside.iter().filter(|c| c.rule.is_some()).collect();
    if !answered.is_empty() {
        let _ = writeln!(w, "| family | concept | faasguard | Checkov checks |");
        let _ = writeln!(w, "|---|---|---|---|");
        for c in answered {
            let rule = c.rule.as_deref().unwrap_or_default();
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} |",
                family_title(&c.family),
                concept_cell(c),
                answer(c, rule, builtins),
                peer_list(&c.rows(), "<br>")
            );
        }
        let _ = writeln!(w);
    }
    let left: Vec<&Concept> = map.outside.iter().filter(|c| c.rule.is_none()).collect();
    if !left.is_empty() {
        let _ = writeln!(w, "Left out:\n");
        let _ = writeln!(w, "| family | concept | why | Checkov checks |");
        let _ = writeln!(w, "|---|---|---|---|");
        for c in left {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} |",
                family_title(&c.family),
                cell(&c.concept),
                cell(c.reason.as_deref().unwrap_or("")),
                peer_list(&c.rows(), "<br>")
            );
        }
        let _ = writeln!(w);
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
    if !map.outside.is_empty() {
        let checks = |f: fn(&&Concept) -> bool| -> usize {
            map.outside.iter().filter(f).map(|c| c.rows().len()).sum()
        };
        let (answered, left) = (checks(|c| c.rule.is_some()), checks(|c| c.rule.is_none()));
        let _ = writeln!(
            w,
            "Outside the catalogue, {} Checkov checks seen running on real repositories are mapped apart \
             ([list](#checkov-checks-outside-the-catalogue)): {answered} answered now, {left} left out, \
             none counted above.\n",
            answered + left
        );
    }
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
            lines.push((
                c.status(),
                concept_cell(c),
                answer(c, rule, builtins),
                peer_list(&c.rows(), "<br>"),
            ));
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

    render_outside(w, map, builtins);

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

/// Checkov check id → the rules that answer it (the concepts and the
/// entries outside the catalogue with a `rule`, and the rules they name in
/// `also`), for the comparisons with Checkov's verdicts.
pub(crate) fn checkov_rules() -> BTreeMap<String, BTreeSet<String>> {
    let path = common::root().join("rules/coverage.toml");
    let text = std::fs::read_to_string(&path).expect("rules/coverage.toml is readable");
    let map = parse(&text).unwrap_or_else(|e| panic!("{e}"));
    checkov_rules_of(&map)
}

fn checkov_rules_of(map: &Map) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for c in map.concept.iter().chain(&map.outside) {
        let Some(rule) = &c.rule else { continue };
        for id in &c.checkov {
            let rules = out.entry(id.clone()).or_default();
            rules.insert(rule.clone());
            rules.extend(c.also.iter().cloned());
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
    let problems = compare(&catalogue, &map);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // 255 Checkov, 284 KICS, 142 Trivy and 88 Guard checks (897 rows).
    assert_eq!(catalogue.len(), 769);
}

#[test]
fn coverage_map_places_every_check_checkov_runs_on_the_proxy() {
    let (map, _) = load();
    let problems = unseen_or_unplaced(&map, &seen_checks());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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
        compare(&catalogue, &map),
        vec![
            "trivy AWS-0057 is in the catalogue but not in rules/coverage.toml",
            "cfn-guard IAM_ROLE_TRUST is in rules/coverage.toml but not in the catalogue (a check outside it goes in [[outside]], with `seen_in`)",
            "trivy AWS-0320 is in rules/coverage.toml but not in the catalogue (a check outside it goes in [[outside]], with `seen_in`)",
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

/// A Checkov check the catalogue does not list, declared outside it.
const OUTSIDE: &str = r#"
[[outside]]
family = "iam"
concept = "Write access without constraints"
rule = "FG-IAM-002"
also = ["FG-IAM-001"]
seen_in = "real-proxy"
checkov = ["CKV_AWS_290"]

[[outside]]
family = "iam"
concept = "A load balancer check"
reason = "A different resource family: load balancers."
seen_in = "real-proxy"
checkov = ["CKV_AWS_2"]
"#;

#[test]
fn checks_outside_the_catalogue_are_declared_seen_and_rendered_apart() {
    let catalogue: BTreeSet<(String, String)> = [
        ("checkov", "CKV_AWS_63"),
        ("kics", "iam_policy_grants_full_permissions"),
        ("trivy", "AWS-0320"),
        ("cfn-guard", "IAM_ROLE_TRUST"),
    ]
    .into_iter()
    .map(|(p, id)| (p.to_string(), id.to_string()))
    .collect();
    let builtins = BTreeMap::from([
        ("FG-IAM-001".to_string(), builtin("Every action")),
        (
            "FG-IAM-002".to_string(),
            builtin("Writes on every resource"),
        ),
    ]);
    let seen = BTreeMap::from([(
        "real-proxy",
        BTreeSet::from([
            "CKV_AWS_63".to_string(),
            "CKV_AWS_290".to_string(),
            "CKV_AWS_2".to_string(),
        ]),
    )]);
    // Declared outside and seen in the source it names: no problem anywhere.
    let map = parse(&format!("{SMALL}{OUTSIDE}")).expect("parses");
    assert_eq!(validate(&map, &builtins), Vec::<String>::new());
    assert_eq!(compare(&catalogue, &map), Vec::<String>::new());
    assert_eq!(unseen_or_unplaced(&map, &seen), Vec::<String>::new());
    let page = render(&map, &builtins);
    assert!(
        page.contains("| **all** | **4** | **2** | **0** | **1** | **1** |\n"),
        "{page}"
    );
    assert!(page.contains("Outside the catalogue, 2 Checkov checks seen running on real repositories are mapped apart ([list](#checkov-checks-outside-the-catalogue)): 1 answered now, 1 left out, none counted above.\n"), "{page}");
    assert!(
        page.contains("## Checkov checks outside the catalogue\n"),
        "{page}"
    );
    assert!(page.contains(
        "| Least privilege | Write access without constraints | `FG-IAM-002` Writes on every resource (high); also `FG-IAM-001` | Checkov `CKV_AWS_290` |\n"
    ), "{page}");
    assert!(page.contains(
        "| Least privilege | A load balancer check | A different resource family: load balancers. | Checkov `CKV_AWS_2` |\n"
    ), "{page}");
    let rules = checkov_rules_of(&map);
    assert_eq!(
        rules["CKV_AWS_290"],
        BTreeSet::from(["FG-IAM-001".to_string(), "FG-IAM-002".to_string()])
    );

    // The same unknown id in a [[concept]], undeclared: still an error.
    let undeclared = format!(
        "{SMALL}{}",
        OUTSIDE.replacen("[[outside]]", "[[concept]]", 1).replacen(
            "seen_in = \"real-proxy\"\n",
            "",
            1
        )
    );
    let map = parse(&undeclared).expect("parses");
    assert_eq!(validate(&map, &builtins), Vec::<String>::new());
    assert_eq!(
        compare(&catalogue, &map),
        vec!["checkov CKV_AWS_290 is in rules/coverage.toml but not in the catalogue (a check outside it goes in [[outside]], with `seen_in`)"]
    );

    // Declared outside, but a catalogue check, a typo, unsourced, or not Checkov's.
    let wrong = format!("{SMALL}{OUTSIDE}")
        .replace("CKV_AWS_2\"]", "CKV_AWS_63\"]")
        .replace("CKV_AWS_290", "CKV_AWS_29O")
        .replacen("seen_in = \"real-proxy\"\n", "", 1)
        + "\n[[outside]]\nfamily = \"iam\"\nconcept = \"KICS\"\nreason = \"Not a Checkov check.\"\nseen_in = \"labelled\"\nkics = [\"k\"]\n";
    let map = parse(&wrong).expect("parses");
    assert_eq!(
        validate(&map, &builtins),
        vec![
            "outside \"Write access without constraints\" needs `seen_in`: where the peer runs these checks outside the catalogue".to_string(),
            "checkov CKV_AWS_63 is mapped twice: in concept \"Every action\" and in outside \"A load balancer check\"".to_string(),
            "outside \"KICS\" names an unknown source `labelled` in `seen_in`".to_string(),
            "outside \"KICS\" lists checks of a peer other than Checkov: only Checkov's verdicts outside the catalogue are recorded".to_string(),
        ]
    );
    assert_eq!(
        compare(&catalogue, &map),
        vec!["checkov CKV_AWS_63 is in the catalogue: map it in a [[concept]], not in [[outside]]"]
    );
    assert_eq!(
        unseen_or_unplaced(&map, &seen),
        vec![
            "checkov CKV_AWS_2 has verdicts in real-proxy but no place in rules/coverage.toml",
            "checkov CKV_AWS_290 has verdicts in real-proxy but no place in rules/coverage.toml",
        ]
    );
    let map =
        parse(&format!("{SMALL}{OUTSIDE}").replace("CKV_AWS_290", "CKV_AWS_29O")).expect("parses");
    assert_eq!(
        unseen_or_unplaced(&map, &seen),
        vec![
            "outside \"Write access without constraints\": checkov CKV_AWS_29O has no verdict in real-proxy (a typo, or a check not seen there)",
            "checkov CKV_AWS_290 has verdicts in real-proxy but no place in rules/coverage.toml",
        ]
    );

    // `also` needs a rule, names built-in rules, and not the rule itself.
    let map = parse(&format!("{SMALL}{OUTSIDE}").replace(
        "also = [\"FG-IAM-001\"]",
        "also = [\"FG-IAM-002\", \"FG-IAM-099\"]",
    ))
    .expect("parses");
    assert_eq!(
        validate(&map, &builtins),
        vec![
            "outside \"Write access without constraints\" names FG-IAM-002 in both `rule` and `also`".to_string(),
            "outside \"Write access without constraints\" names FG-IAM-099 in `also`, which is not a built-in rule".to_string(),
        ]
    );
}

#[test]
fn ids_are_found_in_free_text() {
    assert_eq!(
        mentioned_ids("see FG-IAM-006 and planned FG-NET-003, not FG-X or FG-ENC-1"),
        vec!["FG-IAM-006", "FG-NET-003"]
    );
}
