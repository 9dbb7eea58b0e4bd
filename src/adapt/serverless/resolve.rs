//! Variable resolution on the parsed service file, before anything else
//! reads it: `${self:...}`, `${opt:...}`, `${sls:...}`, `${env:...}` (opt-in),
//! `${file(...)}` and fallbacks. Sources only known at deploy time
//! (`${ssm:}`, `${cf:}`, `${s3:}`, `${aws:accountId}`, unknown kinds) become
//! explicit unknowns, so rules never fire on a guess.
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

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::rc::Rc;

use super::files::{Loaded, Sandbox};
use super::syntax::{self, Piece, Source, Template, Var};
use super::Env;
use crate::parse::{Map, Node, Value, MAX_DEPTH};
use crate::source::{FileId, Span};

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
    Unknown(String),
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
    pub doc: Node,
    pub notes: Vec<(String, Span)>,
    pub via: Vec<(Span, String)>,
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
        Value::String(s) => Some(s.clone()),
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
            return Err(Got::Unknown(u.reason.clone()));
        }
        n = child(n, seg).ok_or(Got::Undefined)?;
    }
    Ok(n)
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
                Got::Undefined => Node::unknown(format!("{} has no value", short(&var.text)), span),
                Got::Unknown(reason) => Node::unknown(reason, span),
            };
        }
        match self.render(&t, span) {
            Ok(s) => Node::string(s, span),
            Err(reason) => Node::unknown(reason, span),
        }
    }

    /// A template as a string; `Err` holds why it is unknown.
    fn render(&mut self, t: &Template, span: Span) -> Result<String, String> {
        let mut out = String::new();
        for p in t {
            match p {
                Piece::Lit(s) => out.push_str(s),
                Piece::Var(v) => match self.var(v, span).0 {
                    Got::Value(n) => match scalar_text(&n) {
                        Some(s) => out.push_str(&s),
                        None if n.is_unknown() => {
                            return Err(match &n.value {
                                Value::Unknown(u) => u.reason.clone(),
                                _ => String::new(),
                            })
                        }
                        None => {
                            return Err(format!(
                                "{} is a map or list inside a string",
                                short(&v.text)
                            ))
                        }
                    },
                    Got::Undefined => return Err(format!("{} has no value", short(&v.text))),
                    Got::Unknown(reason) => return Err(reason),
                },
            }
            if out.len() > MAX_STRING {
                self.note(
                    "a variable builds a string too long to resolve".into(),
                    span,
                );
                return Err("string too long to resolve".into());
            }
        }
        Ok(out)
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

    /// The first source of a variable with a value (or unknown), and for a
    /// `${self:...}` value, the label saying where it came from.
    fn var(&mut self, var: &Var, span: Span) -> (Got, Option<String>) {
        let last = var.sources.len().saturating_sub(1);
        for (i, src) in var.sources.iter().enumerate() {
            let (got, label) = self.source(src, span);
            match got {
                Got::Undefined => continue,
                Got::Value(v) if v.is_null() && i < last => continue,
                other => return (other, label),
            }
        }
        (Got::Undefined, None)
    }

    fn source(&mut self, src: &Source, span: Span) -> (Got, Option<String>) {
        let lit = |v: Value| (Got::Value(Node::new(v, span)), None);
        match src {
            Source::Str(s) => lit(Value::String(s.clone())),
            Source::Num(n) => lit(Value::Number(n.clone())),
            Source::Bool(b) => lit(Value::Bool(*b)),
            Source::Null => lit(Value::Null),
            Source::Nested(v) => self.var(v, span),
            Source::Ref {
                kind,
                params,
                address,
            } => {
                let address = match address {
                    Some(t) => match self.render(t, span) {
                        Ok(s) => Some(s),
                        Err(reason) => return (Got::Unknown(reason), None),
                    },
                    None => None,
                };
                let params = match params {
                    Some(t) => match self.render(t, span) {
                        Ok(s) => Some(s),
                        Err(reason) => return (Got::Unknown(reason), None),
                    },
                    None => None,
                };
                self.reference(kind, params.as_deref(), address.as_deref(), span)
            }
        }
    }

    fn reference(
        &mut self,
        kind: &str,
        params: Option<&str>,
        address: Option<&str>,
        span: Span,
    ) -> (Got, Option<String>) {
        let addr = address.unwrap_or("").trim();
        match kind {
            "self" => {
                let got = self.self_path(addr, span);
                let label = match &got {
                    Got::Value(v) if v.span != span => Some(format!("${{self:{addr}}}")),
                    _ => None,
                };
                (got, label)
            }
            "opt" => (self.option(addr, span), None),
            "sls" => match addr {
                "stage" => self.stage(span),
                _ => (
                    Got::Unknown(format!("${{sls:{addr}}} is only known at deploy time")),
                    None,
                ),
            },
            "aws" if addr == "region" => self.region(span),
            "env" => (self.env_var(addr, span), None),
            "file" => (self.file_source(params.unwrap_or(""), address, span), None),
            _ => {
                let shown = match (params, address) {
                    (Some(p), Some(a)) => format!("${{{kind}({p}):{a}}}"),
                    (Some(p), None) => format!("${{{kind}({p})}}"),
                    (None, _) => format!("${{{kind}:{addr}}}"),
                };
                (
                    Got::Unknown(format!("{} is only known at deploy time", short(&shown))),
                    None,
                )
            }
        }
    }

    fn option(&self, name: &str, span: Span) -> Got {
        match self.env.options.get(name) {
            Some(v) => Got::Value(Node::string(v.clone(), span)),
            None => Got::Undefined,
        }
    }

    fn env_var(&self, name: &str, span: Span) -> Got {
        if !self.env.resolve_env {
            return Got::Unknown(format!(
                "${{env:{name}}} is not resolved (resolving environment variables is off)"
            ));
        }
        match std::env::var(name) {
            Ok(v) => Got::Value(Node::string(v, span)),
            Err(_) => Got::Undefined,
        }
    }

    /// `${sls:stage}`: the `--stage` option, else `provider.stage`, else `dev`.
    fn stage(&mut self, span: Span) -> (Got, Option<String>) {
        self.option_or_provider("stage", "dev", span)
    }

    /// `${aws:region}`: the `--region` option, else `provider.region`, else
    /// the Framework's default `us-east-1`.
    fn region(&mut self, span: Span) -> (Got, Option<String>) {
        self.option_or_provider("region", "us-east-1", span)
    }

    fn option_or_provider(
        &mut self,
        name: &str,
        default: &str,
        span: Span,
    ) -> (Got, Option<String>) {
        if let Got::Value(v) = self.option(name, span) {
            return (Got::Value(v), None);
        }
        match self.self_path(&format!("provider.{name}"), span) {
            Got::Value(v) => {
                let label = (v.span != span).then(|| format!("${{self:provider.{name}}}"));
                (Got::Value(v), label)
            }
            Got::Unknown(r) => (Got::Unknown(r), None),
            Got::Undefined => (Got::Value(Node::string(default, span)), None),
        }
    }

    /// `${self:a.b.0}` in the service file. `provider.stage` and
    /// `provider.region` have the Framework's defaults.
    fn self_path(&mut self, addr: &str, span: Span) -> Got {
        let segs: Vec<&str> = addr.split('.').filter(|s| !s.is_empty()).collect();
        let raw = self.raw;
        let got = self.path_in(SELF_NS, raw, &segs, span);
        if matches!(got, Got::Undefined) {
            match segs.as_slice() {
                ["provider", "stage"] => return Got::Value(Node::string("dev", span)),
                ["provider", "region"] => return Got::Value(Node::string("us-east-1", span)),
                _ => {}
            }
        }
        got
    }

    /// The resolved value at `segs` under `root` (namespace `ns`).
    fn path_in(&mut self, ns: &str, root: &Node, segs: &[&str], span: Span) -> Got {
        let mut key = ns.to_string();
        for s in segs {
            key = child_key(&key, s);
        }
        if let Some(v) = self.copy_cached(&key, || shown(&key), span) {
            return Got::Value(v);
        }
        if self.cyclic(&key) {
            return match self.cycle(&key, span).value {
                Value::Unknown(u) => Got::Unknown(u.reason),
                _ => Got::Undefined,
            };
        }
        // Walk the raw tree; a variable on the way is resolved first (its
        // value may be a map the rest of the path goes into).
        let mut cur = root;
        let mut cur_key = ns.to_string();
        for (i, seg) in segs.iter().enumerate() {
            if is_template(cur) {
                // Resolved (and memoized) once; the rest of the path is
                // read from the memo without copying the whole value.
                let fresh = match self.cache.contains_key(&cur_key) {
                    true => None,
                    false => Some(self.leaf(cur, cur_key.clone(), 0)),
                };
                let room = self.room();
                let found = {
                    let base = match (&fresh, self.cache.get(&cur_key)) {
                        (Some(v), _) => v,
                        (None, Some(c)) => &c.node,
                        (None, None) => return Got::Undefined,
                    };
                    match descend(base, &segs[i..]) {
                        Ok(n) => match size_within(n, room).filter(|s| self.allows(*s)) {
                            Some(size) => Ok((n.clone(), size)),
                            None => Err(None),
                        },
                        Err(got) => Err(Some(got)),
                    }
                };
                return match found {
                    Ok((v, size)) => {
                        self.charge(size);
                        let what = || shown(&key);
                        Got::Value(self.keep(key.clone(), v, what, span))
                    }
                    Err(Some(got)) => got,
                    Err(None) => Got::Value(self.too_big(|| shown(&key), span)),
                };
            }
            match child(cur, seg) {
                Some(c) => cur = c,
                None => return Got::Undefined,
            }
            cur_key = child_key(&cur_key, seg);
        }
        if is_template(cur) {
            // A string guards and memoizes itself, under the same key.
            return Got::Value(self.leaf(cur, key, 0));
        }
        let v = self.guarded(&key, span, |r| r.tree(cur, key.clone(), 0));
        let what = || shown(&key);
        Got::Value(self.keep(key.clone(), v, what, span))
    }

    /// `${file(path):address}`: a value from an included file, with the
    /// use site's span.
    fn file_source(&mut self, rel: &str, address: Option<&str>, span: Span) -> Got {
        let rel = rel.trim();
        if rel.is_empty() {
            return Got::Unknown("${file()} names no file".into());
        }
        let (path, loaded) = match self.sandbox.locate(rel) {
            Ok(p) => match self.loaded.get(&p) {
                Some(l) => (Some(p), l.clone()),
                None => {
                    let (_, l) = self.sandbox.load(rel, self.file);
                    let l = Rc::new(l);
                    self.loaded.insert(p.clone(), l.clone());
                    (Some(p), l)
                }
            },
            Err(l) => (None, Rc::new(l)),
        };
        let doc = match &*loaded {
            Loaded::Doc(d) => d,
            Loaded::Missing => return Got::Undefined,
            Loaded::Unreadable { reason, note } => {
                if *note {
                    self.note(format!("${{file({rel})}}: {reason}"), span);
                }
                return Got::Unknown(reason.clone());
            }
        };
        let ns = format!(
            "file:{}",
            path.map(|p| p.display().to_string()).unwrap_or_default()
        );
        let segs: Vec<&str> = address
            .unwrap_or("")
            .split('.')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        self.in_file += 1;
        let got = self.path_in(&ns, doc, &segs, span);
        self.in_file -= 1;
        match got {
            Got::Value(mut v) => {
                v.respan(span);
                Got::Value(v)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn run(text: &str, env: &Env) -> Resolved {
        let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
        resolve(
            &doc,
            FileId(0),
            std::path::Path::new("serverless.yml"),
            Some(text),
            env,
        )
    }

    fn json(text: &str) -> serde_json::Value {
        run(text, &Env::default()).doc.to_json()
    }

    #[test]
    fn self_references_keep_the_definition_span_and_say_so() {
        let text =
            "custom:\n  timeout: 30\nfunctions:\n  a:\n    timeout: ${self:custom.timeout}\n";
        let r = run(text, &Env::default());
        let t = r.doc.get_path(&["functions", "a", "timeout"]).unwrap();
        assert_eq!(t.to_json(), serde_json::json!(30));
        let def = text.find("30").unwrap();
        assert_eq!((t.span.start as usize, t.span.end as usize), (def, def + 2));
        assert_eq!(
            r.via,
            vec![(
                t.span,
                "through ${self:custom.timeout}, used at line 5".to_string()
            )]
        );
    }

    #[test]
    fn options_defaults_and_nested_fallbacks() {
        let text = "provider:\n  stage: ${opt:stage, ${self:custom.stage}, 'dev'}\n  region: ${opt:region, 'eu-west-1'}\ncustom:\n  stage: qa\nx: arn:${self:provider.region}:${sls:stage}\ny: ${opt:nope, 'dev'}\nz: ${sls:instanceId}\n";
        let v = json(text);
        assert_eq!(v["provider"]["stage"], "qa");
        assert_eq!(v["provider"]["region"], "eu-west-1");
        assert_eq!(v["x"], "arn:eu-west-1:qa");
        assert_eq!(v["y"], "dev");
        assert_eq!(v["z"]["unknown"], true);
        let env = Env {
            options: [("stage".to_string(), "prod".to_string())].into(),
            ..Env::default()
        };
        let r = run(text, &env);
        assert_eq!(r.doc.to_json()["x"], "arn:eu-west-1:prod");
        // A value given on the command line is found where it is used.
        let stage = r.doc.get_path(&["provider", "stage"]).unwrap();
        assert_eq!(stage.span.start as usize, text.find("${opt:stage").unwrap());
    }

    #[test]
    fn framework_defaults_and_whole_sections() {
        let text = "service: svc\nprovider: {name: aws}\ncustom:\n  env: {A: '1'}\nx: ${self:service}-${self:provider.stage}-${self:provider.region}\ne: ${self:custom.env}\ni: ${self:list.1}\nlist: [a, b]\n";
        let v = json(text);
        assert_eq!(v["x"], "svc-dev-us-east-1");
        assert_eq!(v["e"], serde_json::json!({"A": "1"}));
        assert_eq!(v["i"], "b");
    }

    #[test]
    fn deploy_time_sources_are_unknown_and_env_is_opt_in() {
        let text = "a: ${ssm:/x/y}\nb: ${cf:stack.out}\nc: ${env:FG_TEST_VAR}\nd: ${aws:accountId}\ne: ${unknownsource:x}\nf: pre-${s3:b/k}\ng: ${env:FG_TEST_UNSET_VAR, 'd'}\nh: '${AWS::Region}-${Bucket.Arn}'\n";
        let v = json(text);
        for k in ["a", "b", "c", "d", "e", "f", "g"] {
            assert_eq!(v[k]["unknown"], true, "{k}: {v}");
        }
        assert_eq!(v["a"]["reason"], "${ssm:/x/y} is only known at deploy time");
        assert_eq!(v["h"], "${AWS::Region}-${Bucket.Arn}");
        std::env::set_var("FG_TEST_VAR", "from-env");
        let env = Env {
            resolve_env: true,
            ..Env::default()
        };
        let v = run(text, &env).doc.to_json();
        assert_eq!(v["c"], "from-env");
        assert_eq!(v["g"], "d");
    }

    #[test]
    fn cycles_are_notes_not_hangs() {
        let text = "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n  whole: ${self:}\n  up: ${self:custom}\nok: ${self:custom.c, 'fallback'}\n";
        let r = run(text, &Env::default());
        let v = r.doc.to_json();
        assert_eq!(v["custom"]["a"]["unknown"], true);
        assert_eq!(v["custom"]["whole"]["unknown"], true);
        assert_eq!(v["custom"]["up"]["unknown"], true);
        assert_eq!(v["ok"], "fallback");
        assert!(
            r.notes.iter().any(|(m, _)| m
                == "variable cycle: ${self:custom.a} refers back to itself; the value is unknown"),
            "{:?}",
            r.notes
        );
        assert!(
            r.notes.iter().any(|(m, _)| m.contains("${self:}")),
            "{:?}",
            r.notes
        );
    }

    #[test]
    fn long_chains_and_deep_fallbacks_are_bounded() {
        let mut text = String::from("custom:\n");
        for i in 0..200 {
            text.push_str(&format!("  v{i}: ${{self:custom.v{}}}\n", i + 1));
        }
        text.push_str("  v200: end\n");
        let r = run(&text, &Env::default());
        assert_eq!(r.doc.to_json()["custom"]["v0"]["unknown"], true);
        assert!(r
            .notes
            .iter()
            .any(|(m, _)| m.contains("more than 64 levels")));
        assert!(CHAIN_TOO_LONG.contains(&format!("more than {MAX_CHAIN} levels")));
        // The end of the chain is within reach.
        assert_eq!(r.doc.to_json()["custom"]["v195"], "end");

        let mut deep = String::from("x: '");
        for _ in 0..10_000 {
            deep.push_str("${opt:a, ");
        }
        deep.push('1');
        deep.push_str(&"}".repeat(10_000));
        deep.push_str("'\n");
        let r = run(&deep, &Env::default());
        assert_eq!(r.doc.to_json()["x"]["unknown"], true);
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn exponential_expansion_is_cut_off() {
        let mut text = String::from("custom:\n  v0: [aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbb]\n");
        for i in 1..40 {
            text.push_str(&format!(
                "  v{i}: ['${{self:custom.v{0}}}', '${{self:custom.v{0}}}']\n",
                i - 1
            ));
        }
        let r = run(&text, &Env::default());
        assert!(
            r.notes.iter().any(|(m, _)| m.contains("expand")),
            "{:?}",
            r.notes
        );
        let mut s = String::from("custom:\n  v0: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
        for i in 1..40 {
            s.push_str(&format!(
                "  v{i}: ${{self:custom.v{0}}}${{self:custom.v{0}}}\n",
                i - 1
            ));
        }
        let r = run(&s, &Env::default());
        assert_eq!(r.doc.to_json()["custom"]["v39"]["unknown"], true);
    }

    /// `custom.k0` lists `${self:custom.k1}` four times, `k1` lists `k2`
    /// four times, ...: 4^levels values if every reference were copied.
    fn fan_out(levels: usize) -> String {
        let mut text = String::from("custom:\n");
        for i in 0..levels {
            let r = format!("'${{self:custom.k{}}}'", i + 1);
            text.push_str(&format!("  k{i}: [{r}, {r}, {r}, {r}]\n"));
        }
        text.push_str(&format!(
            "  k{levels}: leaf\n  small: s\nafter: ${{self:custom.small}}\n"
        ));
        text
    }

    #[test]
    fn fan_out_is_cut_off_as_it_grows_with_one_note_at_its_place() {
        let text = fan_out(30);
        let start = std::time::Instant::now();
        let r = run(&text, &Env::default());
        // Generous: the point is minutes and gigabytes before the fix.
        assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
        let notes: Vec<(String, usize)> = r
            .notes
            .iter()
            .map(|(m, s)| (m.clone(), s.start as usize))
            .collect();
        // The first reference whose copy would not fit, named and placed.
        let line = "  k21: ['${self:custom.k22}', ";
        let at = text.find(line).unwrap() + line.len();
        assert_eq!(
            notes,
            vec![(
                format!(
                    "${{self:custom.k22}} expands beyond what faasguard resolves (at most {MAX_NODES} values or 32 MiB copied by variables per file); it and any value that would exceed that are unknown"
                ),
                at
            )]
        );
        let v = r.doc.to_json();
        // The levels above the cut hold unknowns where copies did not fit.
        let top = v["custom"]["k0"].to_string();
        assert!(top.contains(&format!("\"reason\":\"{TOO_MUCH}\"")), "{top}");
        // Deep levels fit and stay resolved; so does the rest of the file.
        let leaves = serde_json::json!(["leaf", "leaf", "leaf", "leaf"]);
        assert_eq!(v["custom"]["k29"], leaves);
        assert_eq!(
            v["custom"]["k28"],
            serde_json::json!([leaves, leaves, leaves, leaves])
        );
        assert_eq!(v["after"], "s");
        // What the budget allowed was copied, no more.
        assert!(r.doc.count() <= 2 * MAX_NODES, "{}", r.doc.count());
    }

    #[test]
    fn long_strings_are_bounded_by_bytes_not_only_values() {
        // Few values, each 200 KB: 16 copies of 16 copies is 51 MB.
        let big = "x".repeat(200_000);
        let r16 = |k: &str| vec![format!("'${{self:custom.{k}}}'"); 16].join(", ");
        let text = format!(
            "custom:\n  a: {big}\n  b: [{}]\n  c: [{}]\nafter: ${{self:custom.a}}\n",
            r16("a"),
            r16("b")
        );
        let r = run(&text, &Env::default());
        let v = r.doc.to_json();
        assert_eq!(v["custom"]["b"][15].as_str().map(str::len), Some(200_000));
        // `c` gets one copy of `b` (3.2 MB); the next would pass 32 MiB
        // counting every copy made, memo included.
        let c = v["custom"]["c"].as_array().unwrap();
        assert_eq!(c[0][15].as_str().map(str::len), Some(200_000));
        assert_eq!(c[15]["unknown"], true);
        let first_unknown = c.iter().position(|x| x["unknown"] == true).unwrap();
        let c_line = text.find("  c: [").unwrap() + "  c: [".len();
        let item = "'${self:custom.b}', ".len();
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert_eq!(
            r.notes[0].1.start as usize,
            c_line + first_unknown * item,
            "{first_unknown}"
        );
        assert!(r.notes[0].0.starts_with("${self:custom.b} expands beyond"));
    }

    #[test]
    fn included_files_take_the_use_site_span() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("c.yml"),
            "timeout: 20\nnested:\n  stage: ${sls:stage}\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("loop.yml"), "a: ${file(./loop.yml):a}\n").unwrap();
        let text = "a: ${file(./c.yml):timeout}\nb: ${file(./c.yml):nested}\nc: ${file(./missing.yml):x, 'fb'}\nd: ${file(./missing.yml)}\ne: ${file(./loop.yml):a}\n";
        let doc = yaml::parse(text, FileId(0)).unwrap().remove(0);
        let svc = dir.path().join("serverless.yml");
        let r = resolve(&doc, FileId(0), &svc, Some(text), &Env::default());
        let v = r.doc.to_json();
        assert_eq!(v["a"], 20);
        assert_eq!(v["b"], serde_json::json!({"stage": "dev"}));
        assert_eq!(v["c"], "fb");
        assert_eq!(v["d"]["unknown"], true);
        assert_eq!(v["e"]["unknown"], true);
        let a = r.doc.get("a").unwrap();
        assert_eq!(
            a.span.start as usize,
            text.find("${file(./c.yml):timeout}").unwrap()
        );
        assert!(r.via.is_empty());
        assert!(r
            .notes
            .iter()
            .any(|(m, s)| m.contains("cycle")
                && s.start as usize == text.find("${file(./loop").unwrap()));
    }

    #[test]
    fn huge_strings_do_not_explode() {
        let big = "${x".repeat(200_000);
        let text = format!("a: '{big}'\nb: '{}'\n", "${self:a}".repeat(1000));
        let r = run(&text, &Env::default());
        assert_eq!(
            r.doc.get("a").and_then(Node::as_str).map(str::len),
            Some(big.len())
        );
    }
}
