//! Expression evaluation: turns HCL (and JSON-syntax) expressions into
//! [`Node`]s, resolving `var.`, `local.`, `module.`, `data.`, resource
//! references, `each`/`count`/iterators, templates, operators, conditionals
//! and `for` expressions. Anything that cannot be known statically becomes an
//! unknown (never a wrong value); evaluation errors are counted so `try` and
//! `can` behave as in Terraform.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;

use super::document;
use super::syntax::{raw_matches, Expr, Src};
use super::value::{
    self, as_bool, as_number, as_string, derived_unknown, equal, num, sorted_entries, unknown_ref,
    MapBuilder,
};
use super::{FileSet, Provider, Resource};
use crate::parse::{Map, Node, ParseError, Value};
use crate::source::{FileId, Span};

/// Deepest expression recursion; hcl-edit already bounds parsed nesting, this
/// also covers templates and function arguments.
const MAX_EVAL_DEPTH: usize = 160;
/// Most elements a `for` expression, template `for` or `range` yields: as
/// many as the default bound of instances, so a `for_each` built by a `for`
/// is not cut shorter than the expansion itself (the fuel bounds the work).
pub(crate) const MAX_ITER: usize = 100_000;
/// Node copies one unit may make before everything else is unknown.
const FUEL: usize = 4_000_000;

/// What a file contributes to messages: its display name and line starts.
pub(crate) struct FileInfo<'a> {
    pub display: String,
    pub text: &'a str,
    line_starts: Vec<u32>,
}

impl<'a> FileInfo<'a> {
    pub fn new(display: String, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|(_, b)| *b == b'\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            )
            .collect();
        FileInfo {
            display,
            text,
            line_starts,
        }
    }

    /// The byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .map_or(0, |&s| s as usize)
    }

    pub fn line_of(&self, offset: u32) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i.max(1),
        }
    }
}

/// State shared by every module of one unit: what the unit collects, and
/// the budgets that bound its work.
pub(crate) struct Shared<'a> {
    pub files: &'a FileSet,
    /// The root module directory (Terraform's working directory).
    pub root: PathBuf,
    pub info: HashMap<FileId, FileInfo<'a>>,
    pub resources: Vec<Resource>,
    pub providers: Vec<Provider>,
    pub called_modules: Vec<PathBuf>,
    pub notes: Vec<(String, Span)>,
    pub errors: Vec<ParseError>,
    pub via: Vec<(Span, String)>,
    pub file_ids: Vec<FileId>,
    /// Structured forms of the JSON strings rendered (policy heredocs,
    /// `jsonencode`), for the adapter.
    pub documents: document::Documents,
    via_seen: HashSet<(Span, String)>,
    noted: HashSet<String>,
    fuel: usize,
    /// Module instances evaluated so far (bounded).
    pub module_instances: usize,
    /// Most instances one expansion yields, and most resource instances and
    /// module instances the unit evaluates ([`super::Options::max_instances`]).
    pub max_instances: usize,
    /// Errors that leave resources unscanned or misread although every file
    /// parsed: (code, message, span).
    pub problems: Vec<(&'static str, String, Span)>,
    /// Module calls not evaluated (cycles, depth, outside the repository).
    pub unscanned_calls: usize,
    /// Resources declared in the modules those calls name (and the local
    /// modules they call in turn), which are therefore not scanned.
    pub unscanned_resources: usize,
    /// Module instance address → the root module's call it descends from.
    pub calls: Vec<(String, Span)>,
}

impl<'a> Shared<'a> {
    pub fn new(files: &'a FileSet, root: PathBuf) -> Self {
        Shared {
            files,
            root,
            info: HashMap::new(),
            resources: Vec::new(),
            providers: Vec::new(),
            called_modules: Vec::new(),
            notes: Vec::new(),
            errors: Vec::new(),
            via: Vec::new(),
            file_ids: Vec::new(),
            documents: document::Documents::default(),
            via_seen: HashSet::new(),
            noted: HashSet::new(),
            fuel: FUEL,
            module_instances: 0,
            max_instances: super::DEFAULT_MAX_INSTANCES,
            problems: Vec::new(),
            unscanned_calls: 0,
            unscanned_resources: 0,
            calls: Vec::new(),
        }
    }

    /// An error-level problem (see [`Shared::problems`]).
    pub fn problem(&mut self, code: &'static str, msg: String, span: Span) {
        let p = (code, msg, span);
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    pub fn note(&mut self, msg: String, span: Span) {
        self.notes.push((msg, span));
    }

    /// A note given only once per `key` in the unit.
    pub fn note_once(&mut self, key: String, msg: String, span: Span) {
        if self.noted.insert(key) {
            self.notes.push((msg, span));
        }
    }

    /// Take `n` units of the evaluation budget; false once it is spent.
    pub fn spend(&mut self, n: usize, span: Span) -> bool {
        if self.fuel >= n {
            self.fuel -= n;
            true
        } else {
            self.fuel = 0;
            self.note_once(
                "fuel".into(),
                "evaluation budget exhausted; further values are unknown".into(),
                span,
            );
            false
        }
    }

    /// `main.tf:12` for a span.
    pub fn place(&self, span: Span) -> String {
        match self.info.get(&span.file) {
            Some(f) => format!("{}:{}", f.display, f.line_of(span.start)),
            None => "?".into(),
        }
    }

    /// `main.tf:3:5` (1-based line and character column).
    pub fn place_col(&self, span: Span) -> String {
        match self.info.get(&span.file) {
            Some(f) => {
                let line = f.line_of(span.start);
                let start = f.line_start(line);
                let col = f
                    .text
                    .get(start..span.start as usize)
                    .map_or(1, |t| t.chars().count() + 1);
                format!("{}:{line}:{col}", f.display)
            }
            None => "?".into(),
        }
    }

    fn push_via(&mut self, span: Span, msg: String) {
        if self.via_seen.insert((span, msg.clone())) {
            self.via.push((span, msg));
        }
    }
}

/// A value bound to a name, with the resource addresses it was built from.
#[derive(Clone, Debug)]
pub(crate) struct Bound {
    pub node: Node,
    pub refs: Vec<String>,
    /// From `--var`: carries no span of its own, so uses get the use site's.
    pub cli: bool,
    /// Nodes in `node`, measured once: what each use costs the budget.
    pub size: usize,
}

impl Bound {
    pub fn new(node: Node) -> Self {
        Bound::of(node, Vec::new(), false)
    }

    pub fn of(node: Node, refs: Vec<String>, cli: bool) -> Self {
        let size = value::measure(&node, usize::MAX).0;
        Bound {
            node,
            refs,
            cli,
            size,
        }
    }
}

/// The instances of a resource or module call.
#[derive(Clone, Debug)]
pub(crate) enum Instances {
    Single(Node),
    List(Vec<Node>),
    Keyed(Vec<(String, Node)>),
    /// `count`/`for_each` is not known.
    Unknown,
}

#[derive(Clone, Debug)]
pub(crate) struct ModVal {
    pub inst: Instances,
    /// Addresses each output was built from.
    pub out_refs: HashMap<String, Vec<String>>,
    /// Why outputs are unknown when the module was not evaluated.
    pub why: Option<String>,
}

/// Resolves a module's provider names to the root configuration in effect.
#[derive(Debug, Default)]
pub(crate) struct ProviderScope {
    pub prefix: String,
    /// `providers = { aws = aws.west }` of the call, already resolved.
    pub explicit: HashMap<String, String>,
    /// Configurations the module defines itself (`aws`, `aws.west`).
    pub own: HashSet<String>,
    pub parent: Option<Arc<ProviderScope>>,
}

impl ProviderScope {
    pub fn resolve(&self, local: &str) -> String {
        if self.own.contains(local) {
            return if self.prefix.is_empty() {
                local.to_string()
            } else {
                format!("{}.{local}", self.prefix)
            };
        }
        if let Some(v) = self.explicit.get(local) {
            return v.clone();
        }
        match &self.parent {
            // Default (unaliased) configurations are inherited implicitly.
            Some(p) if !local.contains('.') => p.resolve(local),
            _ => local.to_string(),
        }
    }
}

/// Everything one module instance has evaluated so far.
#[derive(Debug, Default)]
pub(crate) struct ModEnv {
    /// `""` or `module.app` (`module.app[0]`).
    pub prefix: String,
    /// `path.module`: `.` for the root, else relative to it.
    pub path_module: String,
    pub dir: PathBuf,
    pub vars: HashMap<String, Bound>,
    pub locals: HashMap<String, Bound>,
    pub declared_locals: HashSet<String>,
    pub resources: HashMap<(bool, String, String), Instances>,
    pub declared_resources: HashSet<(bool, String, String)>,
    pub modules: HashMap<String, ModVal>,
    pub declared_modules: HashSet<String>,
    pub providers: Arc<ProviderScope>,
    /// A `templatefile` scope: only its bindings are visible.
    pub isolated: bool,
    /// The root module's `module` block this instance descends from.
    pub root_call: Option<Span>,
}

impl ModEnv {
    pub fn isolated() -> Self {
        ModEnv {
            isolated: true,
            path_module: ".".into(),
            ..ModEnv::default()
        }
    }

    fn address(&self, data: bool, ty: &str, name: &str) -> String {
        let d = if data { "data." } else { "" };
        if self.prefix.is_empty() {
            format!("{d}{ty}.{name}")
        } else {
            format!("{}.{d}{ty}.{name}", self.prefix)
        }
    }
}

/// What a missing attribute means while traversing.
#[derive(Clone, Copy)]
enum Missing<'r> {
    /// An error in Terraform (counted for `try`).
    Error,
    /// Part of a resource: known only after apply.
    Ref(&'r str),
}

/// One evaluation in one module scope.
pub(crate) struct Ev<'s, 'a> {
    pub sh: &'s mut Shared<'a>,
    pub env: &'s ModEnv,
    /// `each`, `count`, `for` variables, dynamic iterators, template vars.
    pub binds: Vec<(String, Node)>,
    /// Resource addresses the evaluated expressions referred to.
    pub refs: Vec<String>,
    /// Evaluation errors seen (`try`/`can` compare before and after).
    pub errors: u32,
    depth: usize,
}

impl<'s, 'a> Ev<'s, 'a> {
    pub fn new(sh: &'s mut Shared<'a>, env: &'s ModEnv) -> Self {
        Ev {
            sh,
            env,
            binds: Vec::new(),
            refs: Vec::new(),
            errors: 0,
            depth: 0,
        }
    }

    pub fn with_binds(mut self, binds: Vec<(String, Node)>) -> Self {
        self.binds = binds;
        self
    }

    /// An evaluation error: counted, and the value is unknown.
    pub fn error(&mut self, msg: impl Into<String>, span: Span) -> Node {
        self.errors += 1;
        Node::unknown(msg, span)
    }

    pub fn eval(&mut self, e: Expr<'_>) -> Node {
        match e {
            Expr::Hcl(x, src) => self.hcl(x, src),
            Expr::Json(n) => self.json(n, 0),
            Expr::Literal(n) => n.clone(),
        }
    }

    /// JSON syntax: strings are templates, everything else literal.
    fn json(&mut self, n: &Node, depth: usize) -> Node {
        match &n.value {
            Value::String(s) if s.contains("${") || s.contains("%{") => self.json_template(s, n),
            Value::Seq(items) if depth < crate::parse::MAX_DEPTH => Node::seq(
                items.iter().map(|i| self.json(i, depth + 1)).collect(),
                n.span,
            ),
            Value::Map(m) if depth < crate::parse::MAX_DEPTH => {
                let mut out = MapBuilder::default();
                for e in &m.entries {
                    let v = self.json(&e.value, depth + 1);
                    out.insert(e.key.clone(), e.key_span, v);
                }
                Node::map(out.finish(), n.span)
            }
            _ => n.clone(),
        }
    }

    fn json_template(&mut self, s: &str, n: &Node) -> Node {
        if super::nesting::template_too_deep(s).is_some() {
            return self.error("template nests too deeply", n.span);
        }
        let tpl = match hcl_edit::parser::parse_template(s) {
            Ok(t) => t,
            Err(e) => {
                self.sh.note(
                    format!("invalid template in JSON string: {}", e.message()),
                    n.span,
                );
                return self.error("invalid template", n.span);
            }
        };
        let text = self.sh.info.get(&n.span.file).map_or("", |f| f.text);
        let src = if raw_matches(text, n, s) {
            Src {
                file: n.span.file,
                base: n.span.start as usize + 1,
                fixed: None,
            }
        } else {
            Src::fixed(n.span)
        };
        self.template(&tpl, src, n.span, true)
    }

    pub fn hcl(&mut self, e: &Expression, src: Src) -> Node {
        let span = src.span(e.span());
        if self.depth >= MAX_EVAL_DEPTH {
            return self.error("expression nests too deeply", span);
        }
        self.depth += 1;
        let out = self.hcl_inner(e, src, span);
        self.depth -= 1;
        out
    }

    fn hcl_inner(&mut self, e: &Expression, src: Src, span: Span) -> Node {
        match e {
            Expression::Null(_) => Node::null(span),
            Expression::Bool(b) => Node::bool(*b.value(), span),
            Expression::Number(n) => {
                let n = n.value();
                if let Some(i) = n.as_i64() {
                    Node::number(i, span)
                } else if let Some(u) = n.as_u64() {
                    Node::number(u, span)
                } else {
                    num(n.as_f64().unwrap_or(f64::NAN), span)
                }
            }
            Expression::String(s) => Node::string(s.value().clone(), span),
            Expression::Array(a) => {
                let items = a.iter().map(|x| self.hcl(x, src)).collect();
                Node::seq(items, span)
            }
            Expression::Object(o) => {
                let mut m = MapBuilder::default();
                for (k, v) in o.iter() {
                    let key_span = src.span(k.span());
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(x) => {
                            // A bare name as key is a literal key in Terraform.
                            if let Expression::Variable(v) = x {
                                v.as_str().to_string()
                            } else {
                                let kn = self.hcl(x, src);
                                match as_string(&kn) {
                                    Some(s) => s,
                                    None if kn.is_unknown() => return derived_unknown(&kn, span),
                                    None => {
                                        return self.error("object key is not a string", key_span)
                                    }
                                }
                            }
                        }
                    };
                    let val = self.hcl(v.expr(), src);
                    m.insert(key, key_span, val);
                }
                Node::map(m.finish(), span)
            }
            Expression::StringTemplate(t) => self.template(t, src, span, true),
            Expression::HeredocTemplate(h) => self.template(&h.template, src, span, false),
            Expression::Parenthesis(p) => self.hcl(p.inner(), src),
            Expression::Variable(v) => self.root(v.as_str(), &[], src, span),
            Expression::Conditional(c) => {
                let cond = self.hcl(&c.cond_expr, src);
                match as_bool(&cond) {
                    Some(true) => self.hcl(&c.true_expr, src),
                    Some(false) => self.hcl(&c.false_expr, src),
                    None if cond.is_unknown() => Node::unknown("the condition is unknown", span),
                    None => self.error("the condition is not a bool", span),
                }
            }
            Expression::FuncCall(f) => super::funcs::call(self, f, src, span),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => self.root(v.as_str(), &t.operators, src, span),
                other => {
                    let base = self.hcl(other, src);
                    self.traverse(base, &t.operators, src, span, Missing::Error)
                }
            },
            Expression::UnaryOp(u) => {
                let v = self.hcl(&u.expr, src);
                if v.is_unknown() {
                    return derived_unknown(&v, span);
                }
                match *u.operator {
                    UnaryOperator::Neg => match as_number(&v) {
                        Some(f) => num(-f, span),
                        None => self.error("`-` needs a number", span),
                    },
                    UnaryOperator::Not => match as_bool(&v) {
                        Some(b) => Node::bool(!b, span),
                        None => self.error("`!` needs a bool", span),
                    },
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.hcl(&b.lhs_expr, src);
                let r = self.hcl(&b.rhs_expr, src);
                self.binary(*b.operator.value(), &l, &r, span)
            }
            Expression::ForExpr(f) => self.for_expr(f, src, span),
        }
    }

    fn binary(&mut self, op: BinaryOperator, l: &Node, r: &Node, span: Span) -> Node {
        use BinaryOperator as B;
        match op {
            B::And | B::Or => {
                let (lb, rb) = (as_bool(l), as_bool(r));
                // false && x and true || x are known whatever x is.
                let short = if op == B::And {
                    Some(false)
                } else {
                    Some(true)
                };
                if lb == short || rb == short {
                    return Node::bool(short == Some(true), span);
                }
                match (lb, rb) {
                    (Some(a), Some(b)) => {
                        Node::bool(if op == B::And { a && b } else { a || b }, span)
                    }
                    _ if l.is_unknown() || r.is_unknown() => {
                        Node::unknown("depends on an unknown value", span)
                    }
                    _ => self.error("logical operators need bools", span),
                }
            }
            B::Eq | B::NotEq => match equal(l, r) {
                Some(eq) => Node::bool(eq == (op == B::Eq), span),
                None => Node::unknown("depends on an unknown value", span),
            },
            _ => {
                if l.is_unknown() || r.is_unknown() {
                    return Node::unknown("depends on an unknown value", span);
                }
                let (Some(a), Some(b)) = (as_number(l), as_number(r)) else {
                    return self.error(format!("`{}` needs numbers", op.as_str()), span);
                };
                match op {
                    B::Less => Node::bool(a < b, span),
                    B::LessEq => Node::bool(a <= b, span),
                    B::Greater => Node::bool(a > b, span),
                    B::GreaterEq => Node::bool(a >= b, span),
                    B::Plus => num(a + b, span),
                    B::Minus => num(a - b, span),
                    B::Mul => num(a * b, span),
                    B::Div if b == 0.0 => self.error("division by zero", span),
                    B::Div => num(a / b, span),
                    B::Mod if b == 0.0 => self.error("modulo by zero", span),
                    B::Mod => num(a % b, span),
                    _ => self.error("unsupported operator", span),
                }
            }
        }
    }

    /// A template. `unwrap`: a quoted `"${x}"` is the value of `x` itself
    /// (any type, its own span), as in Terraform.
    pub fn template(&mut self, t: &Template, src: Src, span: Span, unwrap: bool) -> Node {
        if unwrap {
            if let Some(Element::Interpolation(i)) = t.as_single_element() {
                return self.hcl(&i.expr, src);
            }
        }
        let mut out = String::new();
        let mut unknown: Option<Node> = None;
        // A template that starts like JSON (a policy heredoc) keeps where
        // each byte came from, and its unknown interpolations as holes.
        let json_like = matches!(t.iter().next(), Some(Element::Literal(l)) if document::looks_like_json(l.value()));
        let mut rec = json_like.then(document::Recorder::default);
        self.render(t, src, (false, false), &mut out, &mut unknown, &mut rec);
        if let Some(u) = unknown {
            return derived_unknown(&u, span);
        }
        let Some(rec) = rec else {
            return value::string(out, span);
        };
        let doc = rec.document(&out, src.file);
        match (doc, rec.holes.first()) {
            (Some(doc), first) => {
                // With holes the text is the document with its unknowns in
                // the model's form, as `jsonencode` writes them.
                let text = if first.is_some() {
                    value::to_json_text(&doc)
                } else {
                    out
                };
                let n = value::string(text, span);
                if let Value::String(s) = &n.value {
                    if self.sh.spend(doc.count(), span) {
                        self.sh.documents.insert(span, s, doc);
                    }
                }
                n
            }
            (None, Some(hole)) => derived_unknown(hole, span),
            (None, None) => value::string(out, span),
        }
    }

    fn render(
        &mut self,
        t: &Template,
        src: Src,
        trim: (bool, bool),
        out: &mut String,
        unknown: &mut Option<Node>,
        rec: &mut Option<document::Recorder>,
    ) {
        let els: Vec<&Element> = t.iter().collect();
        for (i, el) in els.iter().enumerate() {
            if unknown.is_some() {
                return;
            }
            match el {
                Element::Literal(s) => {
                    let mut v: &str = s.value();
                    let after = if i == 0 {
                        trim.0
                    } else {
                        els.get(i - 1).is_some_and(|p| strips_after(p))
                    };
                    let before = if i + 1 == els.len() {
                        trim.1
                    } else {
                        els.get(i + 1).is_some_and(|n| strips_before(n))
                    };
                    if after {
                        v = v.trim_start();
                    }
                    if before {
                        v = v.trim_end();
                    }
                    out.push_str(v);
                    if let Some(rec) = rec.as_mut() {
                        let whole = src.span(s.span());
                        let source =
                            match src.fixed {
                                Some(_) => None,
                                None => self.sh.info.get(&src.file).and_then(|f| {
                                    f.text.get(whole.start as usize..whole.end as usize)
                                }),
                            };
                        rec.literal(v, source, whole.start, whole);
                    }
                }
                Element::Interpolation(x) => {
                    let v = self.hcl(&x.expr, src);
                    let at = src.span(x.expr.span());
                    match as_string(&v) {
                        Some(s) => {
                            out.push_str(&s);
                            if let Some(rec) = rec.as_mut() {
                                rec.value(s.len(), at);
                            }
                        }
                        None if v.is_unknown() => match rec.as_mut() {
                            Some(rec) => rec.hole(out, v, at),
                            None => *unknown = Some(v),
                        },
                        None => {
                            let sp = v.span;
                            *unknown =
                                Some(self.error(
                                    "only strings, numbers and bools can be interpolated",
                                    sp,
                                ));
                        }
                    }
                }
                Element::Directive(d) => match &**d {
                    Directive::If(d) => {
                        let cond = self.hcl(&d.if_expr.cond_expr, src);
                        let close = d.endif_expr.strip.strip_start();
                        match as_bool(&cond) {
                            Some(true) => {
                                let end = d
                                    .else_expr
                                    .as_ref()
                                    .map_or(close, |e| e.strip.strip_start());
                                self.render(
                                    &d.if_expr.template,
                                    src,
                                    (d.if_expr.strip.strip_end(), end),
                                    out,
                                    unknown,
                                    rec,
                                );
                            }
                            Some(false) => {
                                if let Some(e) = &d.else_expr {
                                    self.render(
                                        &e.template,
                                        src,
                                        (e.strip.strip_end(), close),
                                        out,
                                        unknown,
                                        rec,
                                    );
                                }
                            }
                            None => {
                                *unknown =
                                    Some(Node::unknown("template condition is unknown", cond.span))
                            }
                        }
                    }
                    Directive::For(d) => {
                        let coll = self.hcl(&d.for_expr.collection_expr, src);
                        let Some(items) = self.iterate(&coll) else {
                            *unknown = Some(derived_unknown(&coll, coll.span));
                            return;
                        };
                        let trim_in = (
                            d.for_expr.strip.strip_end(),
                            d.endfor_expr.strip.strip_start(),
                        );
                        for (k, v) in items {
                            let mark = self.binds.len();
                            if let Some(kv) = &d.for_expr.key_var {
                                self.binds.push((kv.as_str().to_string(), k));
                            }
                            self.binds
                                .push((d.for_expr.value_var.as_str().to_string(), v));
                            self.render(&d.for_expr.template, src, trim_in, out, unknown, rec);
                            self.binds.truncate(mark);
                            if unknown.is_some() {
                                return;
                            }
                        }
                    }
                },
            }
            if out.len() > value::MAX_STRING {
                *unknown = Some(Node::unknown(
                    "string longer than 1 MiB",
                    src.span(t.span()),
                ));
                return;
            }
        }
    }

    /// Key/value pairs of a collection (lists by index, maps by sorted key);
    /// `None` when it is unknown or not a collection (an error is counted).
    pub fn iterate(&mut self, coll: &Node) -> Option<Vec<(Node, Node)>> {
        let items: Vec<(Node, Node)> = match &coll.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Node::number(i as u64, v.span), v.clone()))
                .collect(),
            Value::Map(m) => sorted_entries(m)
                .into_iter()
                .map(|(k, v, ks)| (Node::string(k, ks), v.clone()))
                .collect(),
            Value::Unknown(_) => return None,
            _ => {
                self.errors += 1;
                return None;
            }
        };
        if items.len() > MAX_ITER || !self.sh.spend(items.len(), coll.span) {
            return None;
        }
        Some(items)
    }

    fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr, src: Src, span: Span) -> Node {
        let coll = self.hcl(&f.intro.collection_expr, src);
        let Some(items) = self.iterate(&coll) else {
            return derived_unknown(&coll, span);
        };
        let mut list = Vec::new();
        let mut map = Map::default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (k, v) in items {
            let mark = self.binds.len();
            if let Some(kv) = &f.intro.key_var {
                self.binds.push((kv.as_str().to_string(), k));
            }
            self.binds.push((f.intro.value_var.as_str().to_string(), v));
            let result = self.for_item(f, src, span, &mut list, &mut map, &mut seen);
            self.binds.truncate(mark);
            if let Err(n) = result {
                return n;
            }
        }
        if f.key_expr.is_some() {
            Node::map(map, span)
        } else {
            Node::seq(list, span)
        }
    }

    fn for_item(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        src: Src,
        span: Span,
        list: &mut Vec<Node>,
        map: &mut Map,
        seen: &mut HashMap<String, usize>,
    ) -> Result<(), Node> {
        if let Some(c) = &f.cond {
            let cv = self.hcl(&c.expr, src);
            match as_bool(&cv) {
                Some(true) => {}
                Some(false) => return Ok(()),
                None if cv.is_unknown() => {
                    return Err(Node::unknown("a `for` condition is unknown", span))
                }
                None => return Err(self.error("a `for` condition is not a bool", span)),
            }
        }
        let Some(kx) = &f.key_expr else {
            list.push(self.hcl(&f.value_expr, src));
            return Ok(());
        };
        let kn = self.hcl(kx, src);
        let Some(key) = as_string(&kn) else {
            return Err(if kn.is_unknown() {
                Node::unknown("a `for` key is unknown", span)
            } else {
                self.error("a `for` key is not a string", span)
            });
        };
        let val = self.hcl(&f.value_expr, src);
        if f.grouping {
            match seen.get(&key).and_then(|&i| map.entries.get_mut(i)) {
                Some(e) => {
                    if let Value::Seq(items) = &mut e.value.value {
                        items.push(val);
                    }
                }
                None => {
                    seen.insert(key.clone(), map.entries.len());
                    let vs = val.span;
                    map.entries.push(crate::parse::Entry {
                        key,
                        key_span: kn.span,
                        value: Node::seq(vec![val], vs),
                    });
                }
            }
        } else if seen.insert(key.clone(), map.entries.len()).is_some() {
            return Err(self.error(format!("duplicate key {key:?} in a `for` expression"), span));
        } else {
            map.entries.push(crate::parse::Entry {
                key,
                key_span: kn.span,
                value: val,
            });
        }
        Ok(())
    }

    fn bind(&self, name: &str) -> Option<&Node> {
        self.binds
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// A traversal starting at a name: bindings first, then Terraform's
    /// namespaces, then resource types.
    fn root(
        &mut self,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
    ) -> Node {
        if let Some(v) = self.bind(name).cloned() {
            if !self.sh.spend(value::measure(&v, usize::MAX).0, span) {
                return Node::unknown("evaluation budget exhausted", span);
            }
            return self.traverse(v, ops, src, span, Missing::Error);
        }
        if self.env.isolated {
            return self.error(format!("`{name}` is not available here"), span);
        }
        let attr = |i: usize| match ops.get(i).map(|o| &**o) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match name {
            "var" | "local" => {
                let Some(n) = attr(0) else {
                    return self.error(format!("`{name}` needs an attribute"), span);
                };
                let base = if name == "var" {
                    self.var(n, span)
                } else {
                    self.local(n, span)
                };
                self.traverse(base, ops.get(1..).unwrap_or(&[]), src, span, Missing::Error)
            }
            "module" => {
                let Some(n) = attr(0) else {
                    return self.error("`module` needs a name", span);
                };
                self.module_ref(n, ops.get(1..).unwrap_or(&[]), src, span)
            }
            "data" => {
                let (Some(t), Some(n)) = (attr(0), attr(1)) else {
                    return self.error("`data` needs a type and a name", span);
                };
                self.resource_ref(true, t, n, ops.get(2..).unwrap_or(&[]), src, span)
            }
            "path" => {
                let v = match attr(0) {
                    Some("module") => Node::string(self.env.path_module.clone(), span),
                    Some("root") => Node::string(".", span),
                    _ => Node::unknown("path.cwd depends on where Terraform runs", span),
                };
                self.traverse(v, ops.get(1..).unwrap_or(&[]), src, span, Missing::Error)
            }
            "terraform" => match attr(0) {
                Some("workspace") => Node::string("default", span),
                _ => Node::unknown("terraform metadata is not known statically", span),
            },
            "self" => Node::unknown("`self` is known only after apply", span),
            "each" | "count" => self.error(format!("`{name}` is not available here"), span),
            _ => match attr(0) {
                Some(n) => {
                    self.resource_ref(false, name, n, ops.get(1..).unwrap_or(&[]), src, span)
                }
                None => self.error(format!("unknown name `{name}`"), span),
            },
        }
    }

    fn var(&mut self, name: &str, use_span: Span) -> Node {
        let Some(b) = self.env.vars.get(name) else {
            return self.error(format!("var.{name} is not declared"), use_span);
        };
        if !self.sh.spend(b.size, use_span) {
            return Node::unknown("evaluation budget exhausted", use_span);
        }
        self.refs.extend(b.refs.iter().cloned());
        let mut node = b.node.clone();
        // An unknown is shown where it is used (`runtime = var.runtime`),
        // where a reader looks for why a check was not decided.
        if b.cli || node.is_unknown() {
            value::respan(&mut node, use_span);
        } else {
            let msg = format!("through var.{name}, used at {}", self.sh.place(use_span));
            self.sh.push_via(node.span, msg);
        }
        node
    }

    fn local(&mut self, name: &str, use_span: Span) -> Node {
        let Some(b) = self.env.locals.get(name) else {
            if self.env.declared_locals.contains(name) {
                return Node::unknown(
                    format!("local.{name} is part of a dependency cycle"),
                    use_span,
                );
            }
            return self.error(format!("local.{name} is not declared"), use_span);
        };
        if !self.sh.spend(b.size, use_span) {
            return Node::unknown("evaluation budget exhausted", use_span);
        }
        self.refs.extend(b.refs.iter().cloned());
        b.node.clone()
    }

    fn module_ref(
        &mut self,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
    ) -> Node {
        let Some(m) = self.env.modules.get(name) else {
            if self.env.declared_modules.contains(name) {
                return Node::unknown(format!("module.{name} is part of a dependency cycle"), span);
            }
            return self.error(format!("module.{name} is not declared"), span);
        };
        if let Some(why) = &m.why {
            return Node::unknown(why.clone(), span);
        }
        // The outputs this traversal names contribute their references.
        let out_name = ops.iter().find_map(|o| match &**o {
            TraversalOperator::GetAttr(a) => Some(a.as_str()),
            _ => None,
        });
        let refs: Vec<String> = match out_name.and_then(|o| m.out_refs.get(o)) {
            Some(r) => r.clone(),
            None => m.out_refs.values().flatten().cloned().collect(),
        };
        self.refs.extend(refs);
        let inst = m.inst.clone();
        let addr = if self.env.prefix.is_empty() {
            format!("module.{name}")
        } else {
            format!("{}.module.{name}", self.env.prefix)
        };
        match self.instance(&inst, &addr, ops, src, span) {
            Ok((v, _, rest)) => self.traverse(v, rest, src, span, Missing::Error),
            Err(n) => n,
        }
    }

    fn resource_ref(
        &mut self,
        data: bool,
        ty: &str,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
    ) -> Node {
        let key = (data, ty.to_string(), name.to_string());
        let base = self.env.address(data, ty, name);
        let first_attr = |ops: &[hcl_edit::Decorated<TraversalOperator>]| {
            ops.iter().find_map(|o| match &**o {
                TraversalOperator::GetAttr(a) => Some(a.as_str().to_string()),
                _ => None,
            })
        };
        let Some(inst) = self.env.resources.get(&key) else {
            self.refs.push(base.clone());
            let why = if self.env.declared_resources.contains(&key) {
                format!("{base} is part of a dependency cycle")
            } else {
                self.errors += 1;
                format!("{base} is not declared")
            };
            return unknown_ref(why, base, first_attr(ops), span);
        };
        if matches!(inst, Instances::Unknown) {
            self.refs.push(base.clone());
            return unknown_ref(
                format!("the instances of {base} are unknown"),
                base,
                first_attr(ops),
                span,
            );
        }
        let inst = inst.clone();
        let (obj, addr, rest) = match self.instance(&inst, &base, ops, src, span) {
            Ok(x) => x,
            Err(n) => return n,
        };
        self.refs.push(addr.clone());
        match rest.first().map(|o| &**o) {
            Some(TraversalOperator::GetAttr(a)) if obj.as_map().is_some() => {
                match obj.get(a.as_str()) {
                    Some(v) => {
                        let v = v.clone();
                        self.traverse(
                            v,
                            rest.get(1..).unwrap_or(&[]),
                            src,
                            span,
                            Missing::Ref(&addr),
                        )
                    }
                    None => {
                        let when = if data {
                            "read at plan time"
                        } else {
                            "known only after apply"
                        };
                        unknown_ref(
                            format!("{addr}.{} is {when}", a.as_str()),
                            addr.clone(),
                            Some(a.as_str().to_string()),
                            span,
                        )
                    }
                }
            }
            _ => self.traverse(obj, rest, src, span, Missing::Ref(&addr)),
        }
    }

    /// Select an instance by the traversal's first index when the resource or
    /// module has several; returns the value, its address and the rest.
    #[allow(clippy::type_complexity)]
    fn instance<'o>(
        &mut self,
        inst: &Instances,
        base: &str,
        ops: &'o [hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
    ) -> Result<(Node, String, &'o [hcl_edit::Decorated<TraversalOperator>]), Node> {
        let rest = ops.get(1..).unwrap_or(&[]);
        let index = match ops.first().map(|o| &**o) {
            Some(TraversalOperator::Index(x)) => Some(self.hcl(x, src)),
            Some(TraversalOperator::LegacyIndex(i)) => Some(Node::number(*i.value(), span)),
            _ => None,
        };
        let whole = |inst: &Instances| match inst {
            Instances::Single(v) => v.clone(),
            Instances::List(vs) => Node::seq(vs.clone(), span),
            Instances::Keyed(vs) => value::map_of(vs.clone(), span),
            Instances::Unknown => Node::unknown("instances are unknown", span),
        };
        let n = match inst {
            Instances::Single(v) => v.clone(),
            Instances::List(vs) => {
                match index {
                    Some(ix) if ix.is_unknown() => {
                        return Err(unknown_ref(
                            "the index is unknown".into(),
                            base.into(),
                            None,
                            span,
                        ))
                    }
                    Some(ix) => {
                        let i = as_number(&ix).filter(|f| *f >= 0.0 && f.fract() == 0.0);
                        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                        let got = i.and_then(|f| vs.get(f as usize).map(|v| (f as usize, v)));
                        return match got {
                            Some((i, v)) => Ok((v.clone(), format!("{base}[{i}]"), rest)),
                            None => Err(self
                                .error(format!("{base} has no instance {}", ix.to_json()), span)),
                        };
                    }
                    None => whole(inst),
                }
            }
            Instances::Keyed(vs) => match index {
                Some(ix) if ix.is_unknown() => {
                    return Err(unknown_ref(
                        "the key is unknown".into(),
                        base.into(),
                        None,
                        span,
                    ))
                }
                Some(ix) => {
                    let k = as_string(&ix).unwrap_or_default();
                    return match vs.iter().find(|(kk, _)| *kk == k) {
                        Some((k, v)) => Ok((v.clone(), format!("{base}[{}]", quote(k)), rest)),
                        None => {
                            Err(self.error(format!("{base} has no instance {}", quote(&k)), span))
                        }
                    };
                }
                None => whole(inst),
            },
            Instances::Unknown => return Err(Node::unknown("instances are unknown", span)),
        };
        Ok((n, base.to_string(), ops))
    }

    /// Apply traversal operators to a value.
    fn traverse(
        &mut self,
        mut cur: Node,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
        missing: Missing<'_>,
    ) -> Node {
        for (i, op) in ops.iter().enumerate() {
            if cur.is_unknown() {
                return cur;
            }
            match &**op {
                TraversalOperator::GetAttr(a) => {
                    cur = match cur.value {
                        Value::Map(mut m) => match m.remove(a.as_str()) {
                            Some(v) => v,
                            None => self.missing(a.as_str(), missing, span),
                        },
                        _ => self.missing(a.as_str(), missing, span),
                    };
                }
                TraversalOperator::Index(x) => {
                    let ix = self.hcl(x, src);
                    cur = self.index(cur, &ix, span, missing);
                }
                TraversalOperator::LegacyIndex(n) => {
                    let ix = Node::number(*n.value(), span);
                    cur = self.index(cur, &ix, span, missing);
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = ops.get(i + 1..).unwrap_or(&[]);
                    let cs = cur.span;
                    return match cur.value {
                        Value::Null => Node::seq(Vec::new(), span),
                        Value::Seq(items) => {
                            let out = items
                                .into_iter()
                                .map(|v| self.traverse(v, rest, src, span, missing))
                                .collect();
                            Node::seq(out, cs)
                        }
                        _ => {
                            let one = self.traverse(cur, rest, src, span, missing);
                            Node::seq(vec![one], span)
                        }
                    };
                }
            }
        }
        cur
    }

    fn missing(&mut self, attr: &str, missing: Missing<'_>, span: Span) -> Node {
        match missing {
            Missing::Error => self.error(format!("no attribute `{attr}`"), span),
            Missing::Ref(addr) => unknown_ref(
                format!("{addr} attribute `{attr}` is known only after apply"),
                addr.to_string(),
                Some(attr.to_string()),
                span,
            ),
        }
    }

    fn index(&mut self, cur: Node, ix: &Node, span: Span, missing: Missing<'_>) -> Node {
        if ix.is_unknown() {
            return Node::unknown("the index is unknown", span);
        }
        match cur.value {
            Value::Seq(mut items) => {
                let i = as_number(ix).filter(|f| *f >= 0.0 && f.fract() == 0.0);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                match i.map(|f| f as usize).filter(|&i| i < items.len()) {
                    Some(i) => items.swap_remove(i),
                    None => match missing {
                        Missing::Ref(a) => {
                            unknown_ref(format!("{a}: index out of range"), a.into(), None, span)
                        }
                        Missing::Error => self.error("index out of range", span),
                    },
                }
            }
            Value::Map(mut m) => match as_string(ix).and_then(|k| m.remove(&k)) {
                Some(v) => v,
                None => self.missing(&as_string(ix).unwrap_or_default(), missing, span),
            },
            _ => self.error("only lists and maps can be indexed", span),
        }
    }
}

/// `"key"` as Terraform writes instance keys.
pub(crate) fn quote(k: &str) -> String {
    serde_json::to_string(k).unwrap_or_else(|_| format!("\"{k}\""))
}

fn strips_after(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match &**d {
            Directive::If(d) => d.endif_expr.strip.strip_end(),
            Directive::For(d) => d.endfor_expr.strip.strip_end(),
        },
    }
}

fn strips_before(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match &**d {
            Directive::If(d) => d.if_expr.strip.strip_start(),
            Directive::For(d) => d.for_expr.strip.strip_start(),
        },
    }
}
