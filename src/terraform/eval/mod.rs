//! Expression evaluation: turns HCL (and JSON-syntax) expressions into
//! [`Node`]s, resolving `var.`, `local.`, `module.`, `data.`, resource
//! references, `each`/`count`/iterators, templates, operators, conditionals
//! and `for` expressions. Anything that cannot be known statically becomes an
//! unknown (never a wrong value); evaluation errors are counted so `try` and
//! `can` behave as in Terraform.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, UnaryOperator};
use hcl_edit::Span as _;

mod call;
mod reference;
mod template;

pub(crate) use super::funcs::MAX_ITER;

use super::document;
use super::syntax::{raw_matches, Expr, Src};
use super::value::{self, as_bool, as_number, as_string, derived_unknown, equal, num, MapBuilder};
use super::{FileSet, Provider, Resource};
use crate::parse::{Node, ParseError, Value};
use crate::source::{FileId, Span};

/// Deepest expression recursion; hcl-edit already bounds parsed nesting, this
/// also covers templates and function arguments.
const MAX_EVAL_DEPTH: usize = 160;
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
    /// Remote module calls' evaluated arguments ([`crate::terraform::Unit::remote_inputs`]).
    pub remote_inputs: Vec<(String, Node)>,
    /// Provider version pins of every module read ([`crate::terraform::Unit::provider_pins`]).
    pub pins: BTreeMap<String, crate::terraform::pins::Pin>,
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
            remote_inputs: Vec::new(),
            pins: BTreeMap::new(),
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
                    out.insert(e.key.as_str().to_owned(), e.key_span, v);
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
                    // The deployer choosing the branch chooses the value.
                    None if cond.is_unknown() => Node::unknown("the condition is unknown", span)
                        .supplied_if(cond.is_supplied()),
                    None => self.error("the condition is not a bool", span),
                }
            }
            Expression::FuncCall(f) => call::call(self, f, src, span),
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
                            .supplied_if(l.is_supplied() || r.is_supplied())
                    }
                    _ => self.error("logical operators need bools", span),
                }
            }
            B::Eq | B::NotEq => match equal(l, r) {
                Some(eq) => Node::bool(eq == (op == B::Eq), span),
                None => Node::unknown("depends on an unknown value", span)
                    .supplied_if(l.has_supplied() || r.has_supplied()),
            },
            _ => {
                if l.is_unknown() || r.is_unknown() {
                    return Node::unknown("depends on an unknown value", span)
                        .supplied_if(l.is_supplied() || r.is_supplied());
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
}

/// `"key"` as Terraform writes instance keys.
pub(crate) fn quote(k: &str) -> String {
    serde_json::to_string(k).unwrap_or_else(|_| format!("\"{k}\""))
}
