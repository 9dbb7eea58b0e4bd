//! Variable resolution on the parsed service file, before anything else
//! reads it: `${self:...}`, `${opt:...}`, `${sls:...}`, `${env:...}` (opt-in),
//! `${file(...)}` and fallbacks. Sources only known at deploy time
//! (`${ssm:}`, `${cf:}`, `${s3:}`, `${aws:accountId}`, unknown kinds) become
//! explicit unknowns, so rules never fire on a guess. Those whose value the
//! deployer gives from outside the service's files (`${param:}`, `${ssm:}`,
//! `${env:}`, an `${opt:}` not passed, a file outside the scanned
//! directory) are marked as supplied ([`Unknown::supplied`]); the account,
//! framework values and broken references are not.
//!
//! Resolution is lazy and memoized by path: a `${self:a.b}` resolves `a.b`
//! (and whatever it refers to) on first use. A path being resolved sits on a
//! stack; reaching it (or an ancestor of it) again is a cycle, reported as a
//! note. Stack depth, nesting and the amount of produced data are bounded.
//!
//! The data budget is charged *before* a value is copied, not after: every
//! memoized value carries its size, so a reference whose copy would push the
//! file past [`MAX_NODES`] or [`MAX_BYTES`] becomes unknown without being
//! copied, and a fan-out (`k0: [${self:custom.k1}, ×4]`, eighty levels deep)
//! stops after a bounded amount of work. Text copied from the file itself is
//! not charged (the parser already bounds it), so the rest of the file still
//! resolves after the budget is spent.
//!
//! This file holds the resolver, its budget and the walk over the document;
//! [`sources`] looks each variable source up.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::rc::Rc;

use super::files::{Loaded, Sandbox};
use super::syntax::{self, Piece, Source, Template, Var};
use super::Env;
use crate::parse::{Map, Node, Unknown, Value, MAX_DEPTH};
use crate::source::{FileId, Span};

mod sources;

/// Most variables being resolved inside one another (`a` → `b` → ...).
const MAX_CHAIN: usize = 64;
/// Most nodes variables may copy into one file's resolved document (each
/// copy of a `${self:}` subtree counts again, as does the memo's own copy),
/// so a small file cannot expand without bound.
pub(crate) const MAX_NODES: usize = 500_000;
/// Most bytes (strings and keys) variables may copy into one file's
/// resolved document.
pub(crate) const MAX_BYTES: usize = 32 << 20;
/// Past the budget, small values (an ordinary `${self:custom.timeout}`)
/// still draw on a reserve, so one runaway variable does not leave every
/// other variable of the file unknown.
const SMALL: Size = Size {
    nodes: 1_000,
    bytes: 64 << 10,
};
const RESERVE: Size = Size {
    nodes: 100_000,
    bytes: 4 << 20,
};
/// Longest string a template may produce.
const MAX_STRING: usize = 1 << 20;
/// Longest string value parsed for variables; longer ones stay as written.
const MAX_TEMPLATE: usize = 256 << 10;

const TOO_MUCH: &str = "variables expand too much to resolve";
const CHAIN_TOO_LONG: &str =
    "variables refer through more than 64 levels here (and wherever this chain is used); the value is unknown";

/// Separator of path segments in memo keys (never in a YAML key in practice).
const SEP: char = '\u{1f}';
const SELF_NS: &str = "self";

/// An amount of resolved data: nodes, and bytes of strings and keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Size {
    nodes: usize,
    bytes: usize,
}

impl Size {
    fn fits(self, room: Size) -> bool {
        self.nodes <= room.nodes && self.bytes <= room.bytes
    }
}

/// The size of `n`, or `None` once it exceeds `room` (counting stops there,
/// so a failed check costs no more than the room left).
fn size_within(n: &Node, room: Size) -> Option<Size> {
    let mut size = Size::default();
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        size.nodes += 1;
        match &n.value {
            Value::String(s) => size.bytes += s.len(),
            Value::Unknown(u) => size.bytes += u.reason.len(),
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(m) => {
                for e in &m.entries {
                    size.bytes += e.key.len();
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
        if !size.fits(room) {
            return None;
        }
    }
    Some(size)
}

/// A memoized value and its size.
struct Cached {
    node: Node,
    size: Size,
}

/// What a variable source gave.
#[derive(Clone, Debug)]
enum Got {
    Value(Node),
    /// No value here: the next fallback applies.
    Undefined,
    /// A value exists but is not knowable now.
    Unknown(Unknown),
}

pub struct Resolver<'a> {
    raw: &'a Node,
    env: &'a Env,
    sandbox: Sandbox,
    file: FileId,
    text: Option<&'a str>,
    cache: HashMap<String, Cached>,
    stack: Vec<String>,
    loaded: HashMap<PathBuf, Rc<Loaded>>,
    /// Templates of the scan read through `${file()}`.
    fragments: BTreeSet<FileId>,
    /// Inside an included file: its spans are not this file's, so values
    /// take the use site's span and no `via` is recorded.
    in_file: usize,
    /// The service-file string being resolved (where notes point).
    site: Span,
    /// Data copied by variables so far (see [`MAX_NODES`]).
    produced: Size,
    /// Whether the spent budget has been reported (once per file: every
    /// later value that does not fit is a consequence).
    budget_noted: bool,
    notes: Vec<(String, Span)>,
    /// Span of a value → the variables that brought it → the lines using them.
    via: BTreeMap<Span, BTreeMap<String, BTreeSet<u32>>>,
}

/// The resolved document, with what resolution had to say.
pub struct Resolved {
    pub(crate) doc: Node,
    pub(crate) notes: Vec<(String, Span)>,
    pub(crate) via: Vec<(Span, String)>,
    /// Templates of the scan ([`super::Env::fragments`]) this service
    /// included, sorted: they are part of it, not stacks of their own.
    pub(crate) fragments: Vec<FileId>,
}

/// Resolve every variable of `raw`, the service file at `path`, whose text
/// (for `used at line N` messages) is `text`.
pub fn resolve(
    raw: &Node,
    file: FileId,
    path: &std::path::Path,
    text: Option<&str>,
    env: &Env,
) -> Resolved {
    let mut r = Resolver {
        raw,
        env,
        sandbox: Sandbox::new(path, env.root.as_deref()),
        file,
        text,
        cache: HashMap::new(),
        stack: Vec::new(),
        loaded: HashMap::new(),
        fragments: BTreeSet::new(),
        in_file: 0,
        site: raw.span,
        produced: Size::default(),
        budget_noted: false,
        notes: Vec::new(),
        via: BTreeMap::new(),
    };
    let doc = r.tree(raw, SELF_NS.to_string(), 0);
    let via = r
        .via
        .into_iter()
        .map(|(span, vars)| {
            let parts: Vec<String> = vars
                .iter()
                .map(|(var, lines)| {
                    let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
                    match lines.len() {
                        0 => format!("through {var}"),
                        1 => format!("through {var}, used at line {}", lines.join("")),
                        _ => format!("through {var}, used at lines {}", lines.join(", ")),
                    }
                })
                .collect();
            (span, parts.join("; "))
        })
        .collect();
    Resolved {
        doc,
        notes: r.notes,
        via,
        fragments: r.fragments.into_iter().collect(),
    }
}

fn child_key(key: &str, seg: &str) -> String {
    let mut k = String::with_capacity(key.len() + seg.len() + 1);
    k.push_str(key);
    k.push(SEP);
    k.push_str(seg);
    k
}

/// The child of a map (by key) or sequence (by index).
fn child<'n>(n: &'n Node, seg: &str) -> Option<&'n Node> {
    match &n.value {
        Value::Map(m) => m.get(seg),
        Value::Seq(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

fn is_template(n: &Node) -> bool {
    n.as_str()
        .is_some_and(|s| syntax::has_variable(s) && s.len() <= MAX_TEMPLATE)
}

/// Depth of a tree, counted without recursion.
fn depth_of(n: &Node) -> usize {
    let mut max = 0;
    let mut stack = vec![(n, 1usize)];
    while let Some((n, d)) = stack.pop() {
        max = max.max(d);
        match &n.value {
            Value::Seq(items) => stack.extend(items.iter().map(|c| (c, d + 1))),
            Value::Map(m) => stack.extend(m.entries.iter().map(|e| (&e.value, d + 1))),
            _ => {}
        }
    }
    max
}

fn scalar_text(n: &Node) -> Option<String> {
    match &n.value {
        Value::String(s) => Some(s.as_str().to_owned()),
        Value::Number(x) => Some(x.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("null".into()),
        _ => None,
    }
}

/// A memo key as the user wrote it: `${self:custom.a}`, or `a.b in x.yml`.
fn shown(key: &str) -> String {
    let mut parts = key.split(SEP);
    let ns = parts.next().unwrap_or("");
    let path: Vec<&str> = parts.collect();
    if ns == SELF_NS {
        format!("${{self:{}}}", path.join("."))
    } else {
        format!("{} in {}", path.join("."), ns.trim_start_matches("file:"))
    }
}

/// Follow `segs` down a resolved value: `Err` holds what the path gives
/// when it cannot go on (an unknown on the way, or nothing there).
fn descend<'n>(mut n: &'n Node, segs: &[&str]) -> Result<&'n Node, Got> {
    for seg in segs {
        if let Value::Unknown(u) = &n.value {
            return Err(Got::Unknown(Unknown::new(u.reason.clone(), u.supplied)));
        }
        n = child(n, seg).ok_or(Got::Undefined)?;
    }
    Ok(n)
}

/// Whether the deployer gives a variable that has no value now: one of its
/// sources is a command-line option or an environment variable (not given
/// to the scan), which the deployment may set.
fn deployer_gives(var: &Var) -> bool {
    var.sources.iter().any(|s| match s {
        Source::Ref { kind, .. } => matches!(kind.as_str(), "opt" | "env"),
        Source::Nested(v) => deployer_gives(v),
        _ => false,
    })
}

/// The unknown a variable without a value gives.
fn no_value(var: &Var) -> Unknown {
    Unknown::new(
        format!("{} has no value", short(&var.text)),
        deployer_gives(var),
    )
}

fn short(text: &str) -> String {
    if text.chars().count() <= 80 {
        text.to_string()
    } else {
        let s: String = text.chars().take(77).collect();
        format!("{s}...")
    }
}

impl Resolver<'_> {
    fn note(&mut self, msg: String, span: Span) {
        let span = if self.in_file > 0 { self.site } else { span };
        // One chain too long is reached from every place that uses it: the
        // first place says it.
        let once = msg == CHAIN_TOO_LONG;
        if !self
            .notes
            .iter()
            .any(|(m, s)| *m == msg && (once || *s == span))
        {
            self.notes.push((msg, span));
        }
    }

    fn line_of(&self, span: Span) -> Option<u32> {
        let text = self.text?;
        let end = (span.start as usize).min(text.len());
        let before = text.get(..end)?;
        Some(before.bytes().filter(|b| *b == b'\n').count() as u32 + 1)
    }

    /// What the budget still allows, counting the reserve for small values
    /// (the most any one copy may take; [`Resolver::allows`] decides).
    fn room(&self) -> Size {
        Size {
            nodes: (MAX_NODES + RESERVE.nodes).saturating_sub(self.produced.nodes),
            bytes: (MAX_BYTES + RESERVE.bytes).saturating_sub(self.produced.bytes),
        }
    }

    /// Whether a copy of `size` may be made now: within the budget, or
    /// small and within the reserve.
    fn allows(&self, size: Size) -> bool {
        let main = Size {
            nodes: MAX_NODES.saturating_sub(self.produced.nodes),
            bytes: MAX_BYTES.saturating_sub(self.produced.bytes),
        };
        size.fits(main) || (size.fits(SMALL) && size.fits(self.room()))
    }

    fn charge(&mut self, size: Size) {
        self.produced.nodes = self.produced.nodes.saturating_add(size.nodes);
        self.produced.bytes = self.produced.bytes.saturating_add(size.bytes);
    }

    /// A value (`what`: the variable, or the string using it) does not fit
    /// in what is left: report it (once per file: every later value that
    /// does not fit is a consequence) and give the unknown that replaces it.
    fn too_big(&mut self, what: impl FnOnce() -> String, span: Span) -> Node {
        if !self.budget_noted {
            self.budget_noted = true;
            self.note(
                format!(
                    "{} expands beyond what faasguard resolves (at most {MAX_NODES} values or {} MiB copied by variables per file); it and any value that would exceed that are unknown",
                    short(&what()),
                    MAX_BYTES >> 20
                ),
                span,
            );
        }
        Node::unknown(TOO_MUCH, span)
    }

    /// A copy of the memoized value at `key`, charged to the budget, or an
    /// unknown when it does not fit (checked before copying). `None` when
    /// nothing is memoized there.
    fn copy_cached(
        &mut self,
        key: &str,
        what: impl FnOnce() -> String,
        span: Span,
    ) -> Option<Node> {
        let size = self.cache.get(key)?.size;
        if !self.allows(size) {
            return Some(self.too_big(what, span));
        }
        let c = self.cache.get(key)?;
        let (node, size) = (c.node.clone(), c.size);
        self.charge(size);
        Some(node)
    }

    /// Memoize a value just built at `key`, charging the copy kept; a value
    /// too large for what is left is memoized (and given) as unknown, so
    /// later references fail at once.
    fn keep(&mut self, key: String, v: Node, what: impl FnOnce() -> String, span: Span) -> Node {
        match size_within(&v, self.room()).filter(|s| self.allows(*s)) {
            Some(size) => {
                self.charge(size);
                self.cache.insert(
                    key,
                    Cached {
                        node: v.clone(),
                        size,
                    },
                );
                v
            }
            None => {
                let u = self.too_big(what, span);
                self.cache.insert(
                    key,
                    Cached {
                        node: u.clone(),
                        size: Size {
                            nodes: 1,
                            bytes: TOO_MUCH.len(),
                        },
                    },
                );
                u
            }
        }
    }

    /// Resolve every variable in a tree whose memo key is `key`.
    fn tree(&mut self, n: &Node, key: String, depth: usize) -> Node {
        if depth > MAX_DEPTH {
            return Node::unknown("nesting too deep to resolve", n.span);
        }
        // A subtree some `${self:}` already resolved is copied, not walked
        // again (and the copy is charged like any other).
        if matches!(n.value, Value::Map(_) | Value::Seq(_)) {
            if let Some(v) = self.copy_cached(&key, || shown(&key), n.span) {
                if depth + depth_of(&v) > MAX_DEPTH {
                    return Node::unknown("nesting too deep to resolve", n.span);
                }
                return v;
            }
        }
        match &n.value {
            Value::String(_) if is_template(n) => self.leaf(n, key, depth),
            Value::Map(m) => {
                let mut out = Map::default();
                for e in &m.entries {
                    let v = self.tree(&e.value, child_key(&key, &e.key), depth + 1);
                    out.entries.push(crate::parse::Entry {
                        key: e.key.clone(),
                        key_span: e.key_span,
                        value: v,
                    });
                }
                Node::map(out, n.span)
            }
            Value::Seq(items) => {
                let out = items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| self.tree(c, child_key(&key, &i.to_string()), depth + 1))
                    .collect();
                Node::seq(out, n.span)
            }
            _ => n.clone(),
        }
    }

    /// Whether resolving `key` now would need its own value: it, or a path
    /// under it, is being resolved.
    fn cyclic(&self, key: &str) -> bool {
        self.stack.iter().any(|s| {
            s == key
                || (s.len() > key.len() && s.starts_with(key) && s[key.len()..].starts_with(SEP))
        })
    }

    /// A string holding variables, memoized by its path.
    fn leaf(&mut self, n: &Node, key: String, depth: usize) -> Node {
        let text = n.as_str().unwrap_or_default();
        if let Some(v) = self.copy_cached(&key, || text.to_string(), n.span) {
            return v;
        }
        if self.cyclic(&key) {
            return self.cycle(&key, n.span);
        }
        let outer_site = self.site;
        if self.in_file == 0 {
            self.site = n.span;
        }
        let v = self.guarded(&key, n.span, |r| r.template(n, depth));
        self.site = outer_site;
        self.keep(key, v, || text.to_string(), n.span)
    }

    /// Note a cycle at `key` and give the unknown that replaces its value.
    fn cycle(&mut self, key: &str, span: Span) -> Node {
        let shown = shown(key);
        self.note(
            format!("variable cycle: {shown} refers back to itself; the value is unknown"),
            span,
        );
        Node::unknown(format!("{shown} refers back to itself"), span)
    }

    /// Run `f` with `key` on the stack, unless that is a cycle or too deep.
    fn guarded(&mut self, key: &str, span: Span, f: impl FnOnce(&mut Self) -> Node) -> Node {
        if self.stack.len() >= MAX_CHAIN {
            self.note(CHAIN_TOO_LONG.to_string(), span);
            return Node::unknown("variables nest too deep to resolve", span);
        }
        self.stack.push(key.to_string());
        let v = f(self);
        self.stack.pop();
        v
    }

    fn template(&mut self, n: &Node, depth: usize) -> Node {
        let span = n.span;
        let Some(s) = n.as_str() else {
            return n.clone();
        };
        let t = match syntax::parse_template(s) {
            Ok(t) => t,
            Err(e) => {
                self.note(format!("cannot resolve {}: {e}", short(s)), span);
                return Node::unknown(e.to_string(), span);
            }
        };
        if let Some(var) = syntax::whole_var(&t) {
            let (got, label) = self.var(var, span);
            return match got {
                Got::Value(v) => {
                    if depth + depth_of(&v) > MAX_DEPTH {
                        self.note(
                            format!(
                                "{} nests the document too deep; the value is unknown",
                                short(&var.text)
                            ),
                            span,
                        );
                        return Node::unknown("nesting too deep to resolve", span);
                    }
                    if let Some(label) = label {
                        self.record_via(&v, &label, span);
                    }
                    v
                }
                Got::Undefined => no_value(var).at(span),
                Got::Unknown(u) => u.at(span),
            };
        }
        match self.render(&t, span) {
            Ok(s) => Node::string(s, span),
            Err(u) => u.at(span),
        }
    }

    /// A template as a string; `Err` holds why it is unknown: the first
    /// unknown piece the deployer supplies, else the first unknown piece
    /// (the pieces after a first one the deployer does not supply are
    /// resolved to find out).
    fn render(&mut self, t: &Template, span: Span) -> Result<String, Unknown> {
        let mut out = String::new();
        let mut first: Option<Unknown> = None;
        for p in t {
            let piece = match p {
                Piece::Lit(s) => Ok(Cow::Borrowed(s.as_str())),
                Piece::Var(v) => match self.var(v, span).0 {
                    Got::Value(n) => match (scalar_text(&n), n.value) {
                        (Some(s), _) => Ok(Cow::Owned(s)),
                        (None, Value::Unknown(u)) => Err(Unknown::new(u.reason, u.supplied)),
                        (None, _) => Err(Unknown::new(
                            format!("{} is a map or list inside a string", short(&v.text)),
                            false,
                        )),
                    },
                    Got::Undefined => Err(no_value(v)),
                    Got::Unknown(u) => Err(u),
                },
            };
            match (piece, &mut first) {
                (Ok(s), None) => out.push_str(&s),
                (Ok(_), Some(_)) => {}
                (Err(u), _) if u.supplied => return Err(u),
                (Err(u), None) => first = Some(u),
                (Err(_), Some(_)) => {}
            }
            if out.len() > MAX_STRING {
                self.note(
                    "a variable builds a string too long to resolve".into(),
                    span,
                );
                return Err(Unknown::new("string too long to resolve", false));
            }
        }
        match first {
            Some(u) => Err(u),
            None => Ok(out),
        }
    }

    fn record_via(&mut self, v: &Node, label: &str, use_span: Span) {
        if self.in_file > 0 {
            return;
        }
        let line = self.line_of(use_span);
        let mut stack = vec![v];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 256 {
                break;
            }
            if n.span != use_span && n.span != Span::default() && n.span.file == self.file {
                self.via
                    .entry(n.span)
                    .or_default()
                    .entry(label.to_string())
                    .or_default()
                    .extend(line);
            }
            match &n.value {
                Value::Seq(items) => stack.extend(items.iter()),
                Value::Map(m) => stack.extend(m.entries.iter().map(|e| &e.value)),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests;
