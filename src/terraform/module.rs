//! One module directory: reads its files, collects its declarations, and
//! evaluates locals, resources, data sources and module calls in dependency
//! order (cycles noted, their values unknown), then its outputs and provider
//! configurations. Local module calls recurse into child directories of the
//! [`FileSet`](super::FileSet), bounded in depth and instances; remote ones are
//! noted and their outputs are unknown.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use super::body::{self, Expansion, Key};
use super::deps::{self, Dep};
use super::eval::{Bound, Ev, FileInfo, Instances, ModEnv, ModVal, ProviderScope, Shared};
use super::syntax::{self, Attr, Block, Expr, ParsedFile};
use super::value;
use super::{Mode, Provider, Resource};
use crate::parse::{Map, Node, Value};
use crate::source::Span;

/// Deepest chain of module calls followed.
const MAX_MODULE_DEPTH: usize = 16;
/// Most nodes a local or argument value may have.
const MAX_VALUE_NODES: usize = 200_000;

pub(crate) struct VarDecl<'a> {
    pub name: &'a str,
    pub header: Span,
    pub default: Option<Expr<'a>>,
    /// `string`, `number`, `bool`, `list`, `map`, `object`, ...
    pub ty: Option<String>,
}

pub(crate) struct ResDecl<'a> {
    pub data: bool,
    pub ty: &'a str,
    /// The label, or `name#2` for a second declaration of the same address
    /// (kept apart, never merged: see [`Decls::duplicates`]).
    pub name: String,
    pub block: Block<'a>,
}

/// The declarations of one module directory.
#[derive(Default)]
pub(crate) struct Decls<'a> {
    pub vars: Vec<VarDecl<'a>>,
    pub locals: Vec<Attr<'a>>,
    pub resources: Vec<ResDecl<'a>>,
    /// Module calls by name (`name#2` for a second call of the same name).
    pub modules: Vec<(String, Block<'a>)>,
    pub providers: Vec<Block<'a>>,
    pub outputs: Vec<(&'a str, Block<'a>)>,
    /// Names declared twice, which Terraform refuses.
    pub duplicates: Vec<Duplicate>,
}

/// A second declaration of a name in one module. Resources and module
/// calls keep their own item (as `name#2`); a second variable, local or
/// output is ignored. References resolve to the first, as they would in the
/// file Terraform's error points at.
pub(crate) struct Duplicate {
    /// Terraform's words: `resource configuration`, `variable declaration`.
    pub title: &'static str,
    /// `aws_lambda_function.fn`, `var.x`.
    pub what: String,
    /// `aws_lambda_function.fn#2` when it is kept apart.
    pub kept_as: Option<String>,
    pub first: Span,
    pub again: Span,
}

impl Duplicate {
    fn message(&self, sh: &Shared<'_>) -> String {
        let then = match &self.kept_as {
            Some(k) => {
                format!("this one is scanned apart as {k}, and references resolve to the first")
            }
            None => "this one is ignored".to_string(),
        };
        format!(
            "Duplicate {}: {} was already declared at {}; {then}",
            self.title,
            self.what,
            sh.place_col(self.first)
        )
    }
}

/// Report a module's duplicate declarations (once per place, however many
/// times the module is instantiated).
pub(crate) fn report_duplicates(sh: &mut Shared<'_>, decls: &Decls<'_>) {
    for d in &decls.duplicates {
        let msg = d.message(sh);
        sh.problem("duplicate-declaration", msg, d.again);
    }
}

/// Parse the `.tf`/`.tf.json` files directly in `dir` (sorted by path).
/// How many resources (not data sources) the module in `dir` and the local
/// modules it calls declare: what a call that is not evaluated leaves
/// unscanned. Only counted: the files are parsed again but not registered,
/// evaluated or reported on, and each directory is read once.
fn resources_below(sh: &Shared<'_>, dir: &Path) -> usize {
    let mut seen: HashSet<PathBuf> = HashSet::new();
    let mut queue = vec![dir.to_path_buf()];
    let mut count = 0;
    while let Some(d) = queue.pop() {
        if !seen.insert(d.clone()) {
            continue;
        }
        let files: Vec<ParsedFile> = sh
            .files
            .in_dir(&d)
            .filter(|(path, _, _)| {
                let name = path.to_string_lossy();
                name.ends_with(".tf") || name.ends_with(".tf.json")
            })
            .map(|(path, id, text)| syntax::parse_file(path, id, text).0)
            .collect();
        let decls = collect(&files);
        count += decls.resources.iter().filter(|r| !r.data).count();
        for (_, b) in &decls.modules {
            if let Some(s) = local_source(b) {
                queue.push(normalize(&d.join(s)));
            }
        }
    }
    count
}

pub(crate) fn load_dir<'a>(sh: &mut Shared<'a>, dir: &Path) -> Vec<ParsedFile> {
    let mut out = Vec::new();
    let files = sh.files;
    for (path, id, text) in files.in_dir(dir) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if !(name.ends_with(".tf") || name.ends_with(".tf.json")) {
            continue;
        }
        register(sh, path, id, text);
        let (file, err) = syntax::parse_file(path, id, text);
        sh.errors.extend(err);
        out.push(file);
    }
    out
}

/// Record a file as read by the unit.
pub(crate) fn register<'a>(
    sh: &mut Shared<'a>,
    path: &Path,
    id: crate::source::FileId,
    text: &'a str,
) {
    if sh.info.contains_key(&id) {
        return;
    }
    let display = match path.strip_prefix(&sh.root) {
        Ok(rel) => slash(rel),
        Err(_) => slash(path),
    };
    sh.info.insert(id, FileInfo::new(display, text));
    sh.file_ids.push(id);
}

fn slash(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

pub(crate) fn collect(files: &[ParsedFile]) -> Decls<'_> {
    let mut d = Decls::default();
    // Name → first declaration, per kind of name.
    let mut seen: HashMap<(u8, String), (Span, usize)> = HashMap::new();
    // Returns the ordinal of this declaration of `key` (1 for the first) and
    // the first's span.
    let mut count = |kind: u8, key: String, at: Span| -> (usize, Span) {
        let e = seen.entry((kind, key)).or_insert((at, 0));
        e.1 += 1;
        (e.1, e.0)
    };
    for f in files {
        for b in syntax::top_blocks(f) {
            let label = |i: usize| b.labels.get(i).map(|l| l.0);
            match b.kind {
                "variable" => {
                    let Some(name) = label(0) else { continue };
                    let (n, first) = count(0, name.to_string(), b.header);
                    if n > 1 {
                        d.duplicates.push(Duplicate {
                            title: "variable declaration",
                            what: format!("var.{name}"),
                            kept_as: None,
                            first,
                            again: b.header,
                        });
                        continue;
                    }
                    let default = b.body.attr("default").map(|a| match a.expr {
                        Expr::Json(n) => Expr::Literal(n),
                        e => e,
                    });
                    let ty = b.body.attr("type").and_then(|a| type_head(a.expr));
                    d.vars.push(VarDecl {
                        name,
                        header: b.header,
                        default,
                        ty,
                    });
                }
                "locals" => {
                    for a in b.body.attrs() {
                        let (n, first) = count(1, a.name.to_string(), a.name_span);
                        if n > 1 {
                            d.duplicates.push(Duplicate {
                                title: "local value definition",
                                what: format!("local.{}", a.name),
                                kept_as: None,
                                first,
                                again: a.name_span,
                            });
                            continue;
                        }
                        d.locals.push(a);
                    }
                }
                "resource" | "data" => {
                    let (Some(ty), Some(name)) = (label(0), label(1)) else {
                        continue;
                    };
                    let data = b.kind == "data";
                    let what = format!("{}{ty}.{name}", if data { "data." } else { "" });
                    let (n, first) = count(2, what.clone(), b.header);
                    let name = if n > 1 {
                        let kept = format!("{name}#{n}");
                        d.duplicates.push(Duplicate {
                            title: if data {
                                "data configuration"
                            } else {
                                "resource configuration"
                            },
                            kept_as: Some(format!(
                                "{}{ty}.{kept}",
                                if data { "data." } else { "" }
                            )),
                            what,
                            first,
                            again: b.header,
                        });
                        kept
                    } else {
                        name.to_string()
                    };
                    d.resources.push(ResDecl {
                        data,
                        ty,
                        name,
                        block: b,
                    });
                }
                "module" => {
                    if let Some(name) = label(0) {
                        let (n, first) = count(3, name.to_string(), b.header);
                        let name = if n > 1 {
                            let kept = format!("{name}#{n}");
                            d.duplicates.push(Duplicate {
                                title: "module call",
                                what: format!("module.{name}"),
                                kept_as: Some(format!("module.{kept}")),
                                first,
                                again: b.header,
                            });
                            kept
                        } else {
                            name.to_string()
                        };
                        d.modules.push((name, b));
                    }
                }
                "output" => {
                    if let Some(name) = label(0) {
                        let (n, first) = count(4, name.to_string(), b.header);
                        if n > 1 {
                            d.duplicates.push(Duplicate {
                                title: "output definition",
                                what: format!("output.{name}"),
                                kept_as: None,
                                first,
                                again: b.header,
                            });
                            continue;
                        }
                        d.outputs.push((name, b));
                    }
                }
                "provider" => d.providers.push(b),
                _ => {}
            }
        }
    }
    d
}

/// `list(string)` → `list`; `string` → `string`.
fn type_head(e: Expr<'_>) -> Option<String> {
    match e {
        Expr::Hcl(hcl_edit::expr::Expression::FuncCall(f), _) => {
            Some(f.name.name.as_str().to_string())
        }
        Expr::Hcl(x, _) => x.as_variable().map(|v| v.as_str().to_string()),
        Expr::Json(n) | Expr::Literal(n) => n.as_str().map(|s| {
            let s = s.trim().trim_start_matches("${").trim_end_matches('}');
            s.split('(').next().unwrap_or(s).trim().to_string()
        }),
    }
}

/// Convert a value to a variable's declared primitive type, as Terraform
/// does (`"30"` for a number is 30); other types are left as written.
pub(crate) fn convert(mut n: Node, ty: Option<&str>) -> Node {
    let converted = match (ty, &n.value) {
        (Some("number"), Value::String(_)) => value::as_number(&n).map(|f| value::num(f, n.span)),
        (Some("bool"), Value::String(_)) => value::as_bool(&n).map(|b| Node::bool(b, n.span)),
        (Some("string"), Value::Number(_) | Value::Bool(_)) => {
            value::as_string(&n).map(|s| Node::string(s, n.span))
        }
        _ => None,
    };
    if let Some(c) = converted {
        n = c;
    }
    n
}

/// A value too large or deep to keep becomes an unknown.
fn bounded(n: Node, what: &str) -> Node {
    let (count, deep) = value::measure(&n, MAX_VALUE_NODES);
    if deep || count > MAX_VALUE_NODES {
        Node::unknown(
            format!("{what} is too large or deeply nested to evaluate"),
            n.span,
        )
    } else {
        n
    }
}

/// Evaluate one module instance whose variables are already bound.
/// Returns its outputs (a map) and what each output refers to.
pub(crate) fn run(
    sh: &mut Shared<'_>,
    decls: &Decls<'_>,
    mut env: ModEnv,
    stack: &mut Vec<PathBuf>,
) -> (Node, HashMap<String, Vec<String>>) {
    // Items of the dependency graph.
    enum It {
        Local(usize),
        Res(usize),
        Mod(usize),
    }
    let mut items = Vec::new();
    let mut index: HashMap<Dep, usize> = HashMap::new();
    for (i, l) in decls.locals.iter().enumerate() {
        index.insert(Dep::Local(l.name.to_string()), items.len());
        env.declared_locals.insert(l.name.to_string());
        items.push(It::Local(i));
    }
    for (i, r) in decls.resources.iter().enumerate() {
        index.insert(
            Dep::Resource(r.data, r.ty.to_string(), r.name.to_string()),
            items.len(),
        );
        env.declared_resources
            .insert((r.data, r.ty.to_string(), r.name.to_string()));
        items.push(It::Res(i));
    }
    for (i, (name, _)) in decls.modules.iter().enumerate() {
        index.insert(Dep::Module((*name).to_string()), items.len());
        env.declared_modules.insert((*name).to_string());
        items.push(It::Mod(i));
    }
    let edges: Vec<Vec<usize>> = items
        .iter()
        .map(|it| {
            let mut found = Vec::new();
            match it {
                It::Local(i) => decls
                    .locals
                    .get(*i)
                    .into_iter()
                    .for_each(|l| deps::expr(l.expr, &mut found)),
                It::Res(i) => decls
                    .resources
                    .get(*i)
                    .into_iter()
                    .for_each(|r| deps::body(r.block.body, &mut found, 0)),
                It::Mod(i) => decls
                    .modules
                    .get(*i)
                    .into_iter()
                    .for_each(|m| deps::body(m.1.body, &mut found, 0)),
            }
            let mut e: Vec<usize> = found.iter().filter_map(|d| index.get(d).copied()).collect();
            e.sort_unstable();
            e.dedup();
            e
        })
        .collect();
    let describe = |it: &It| -> (String, Span) {
        match it {
            It::Local(i) => decls.locals.get(*i).map_or_else(Default::default, |l| {
                (format!("local.{}", l.name), l.name_span)
            }),
            It::Res(i) => decls.resources.get(*i).map_or_else(Default::default, |r| {
                let d = if r.data { "data." } else { "" };
                (format!("{d}{}.{}", r.ty, r.name), r.block.header)
            }),
            It::Mod(i) => decls.modules.get(*i).map_or_else(Default::default, |m| {
                (format!("module.{}", m.0), m.1.header)
            }),
        }
    };
    for comp in super::graph::components(&edges) {
        let cyclic = comp.len() > 1
            || comp
                .first()
                .is_some_and(|&i| edges.get(i).is_some_and(|e| e.contains(&i)));
        if cyclic {
            let names: Vec<String> = comp
                .iter()
                .filter_map(|&i| items.get(i))
                .map(|it| describe(it).0)
                .collect();
            for &i in &comp {
                if let Some(it) = items.get(i) {
                    let (name, span) = describe(it);
                    let what = if matches!(it, It::Local(_)) {
                        "its value is unknown"
                    } else {
                        "references within it are unknown"
                    };
                    sh.note(
                        format!(
                            "{name} is part of a dependency cycle ({}); {what}",
                            names.join(", ")
                        ),
                        span,
                    );
                }
            }
        }
        for &i in &comp {
            match items.get(i) {
                Some(It::Local(l)) if !cyclic => {
                    let Some(attr) = decls.locals.get(*l) else {
                        continue;
                    };
                    let mut ev = Ev::new(sh, &env);
                    let node = bounded(ev.eval(attr.expr), &format!("local.{}", attr.name));
                    let mut refs = std::mem::take(&mut ev.refs);
                    refs.sort();
                    refs.dedup();
                    env.locals
                        .insert(attr.name.to_string(), Bound::of(node, refs, false));
                }
                Some(It::Res(r)) => {
                    let Some(decl) = decls.resources.get(*r) else {
                        continue;
                    };
                    let inst = resource(sh, &env, decl);
                    env.resources.insert(
                        (decl.data, decl.ty.to_string(), decl.name.to_string()),
                        inst,
                    );
                }
                Some(It::Mod(m)) => {
                    let Some((name, block)) = decls.modules.get(*m) else {
                        continue;
                    };
                    let mv = call(sh, &env, name, block, stack);
                    env.modules.insert(name.clone(), mv);
                }
                _ => {}
            }
        }
    }
    for b in &decls.providers {
        provider(sh, &env, b);
    }
    let mut outputs = Map::default();
    let mut out_refs = HashMap::new();
    for (name, b) in &decls.outputs {
        let Some(a) = b.body.attr("value") else {
            continue;
        };
        let mut ev = Ev::new(sh, &env);
        let v = bounded(ev.eval(a.expr), &format!("output {name}"));
        let mut refs = std::mem::take(&mut ev.refs);
        refs.sort();
        refs.dedup();
        out_refs.insert((*name).to_string(), refs);
        outputs.insert(*name, b.header, v);
    }
    let span = decls
        .outputs
        .first()
        .map_or_else(Span::default, |o| o.1.header);
    (Node::map(outputs, span), out_refs)
}

fn default_provider(ty: &str) -> &str {
    ty.split('_').next().unwrap_or(ty)
}

/// Evaluate a resource or data block into its instances.
fn resource(sh: &mut Shared<'_>, env: &ModEnv, r: &ResDecl<'_>) -> Instances {
    let b = &r.block;
    let what = format!("{}{}.{}", if r.data { "data." } else { "" }, r.ty, r.name);
    let expansion = {
        let mut ev = Ev::new(sh, env);
        body::expand(
            &mut ev,
            b.body.attr("count").map(|a| a.expr),
            b.body.attr("for_each").map(|a| a.expr),
            &what,
            b.header,
        )
    };
    let kind = match &expansion {
        Expansion::Single => 0,
        Expansion::Count(_) => 1,
        Expansion::ForEach(_) => 2,
        Expansion::Unknown(_) => 3,
    };
    let local = b
        .body
        .attr("provider")
        .and_then(|a| a.expr.static_ref())
        .unwrap_or_else(|| default_provider(r.ty).to_string());
    let provider = env.providers.resolve(&local);
    let base = if env.prefix.is_empty() {
        what.clone()
    } else {
        format!("{}.{what}", env.prefix)
    };
    let mut list = Vec::new();
    let mut keyed = Vec::new();
    let mut single = None;
    for inst in expansion.instances() {
        if sh.resources.len() >= sh.max_instances {
            if sh.problems.iter().all(|p| p.0 != "resource-limit") {
                let max = sh.max_instances;
                sh.problem(
                    "resource-limit",
                    format!("more than {max} resource instances in this module tree (--max-expansion); the rest, from {what} on, are not evaluated"),
                    b.header,
                );
            }
            break;
        }
        let mut refs = BTreeMap::new();
        let values = {
            let mut ev = Ev::new(sh, env).with_binds(inst.binds);
            body::eval_body(&mut ev, b.body, Some(&mut refs), b.whole, 0)
        };
        let values = match bounded(values, &what) {
            v if v.is_unknown() => {
                sh.note(
                    format!("{what}: arguments are too large or deeply nested to evaluate"),
                    b.header,
                );
                Node::map(Map::default(), b.whole)
            }
            v => v,
        };
        match &inst.key {
            Key::Int(_) => list.push(values.clone()),
            Key::Str(k) => keyed.push((k.clone(), values.clone())),
            Key::None => single = Some(values.clone()),
        }
        sh.resources.push(Resource {
            address: format!("{base}{}", inst.key.suffix()),
            mode: if r.data { Mode::Data } else { Mode::Managed },
            type_: r.ty.to_string(),
            name: r.name.to_string(),
            module: env.prefix.clone(),
            values,
            span: b.header,
            body: b.whole,
            provider: provider.clone(),
            refs,
        });
    }
    match (kind, single) {
        (0, Some(v)) => Instances::Single(v),
        (1, _) => Instances::List(list),
        (2, _) => Instances::Keyed(keyed),
        _ => Instances::Unknown,
    }
}

fn provider(sh: &mut Shared<'_>, env: &ModEnv, b: &Block<'_>) {
    let Some(&(name, _)) = b.labels.first() else {
        return;
    };
    let mut ev = Ev::new(sh, env);
    let values = body::eval_body(&mut ev, b.body, None, b.whole, 0);
    let alias = values
        .get("alias")
        .and_then(Node::as_str)
        .map(str::to_string);
    sh.providers.push(Provider {
        name: name.to_string(),
        alias,
        module: env.prefix.clone(),
        values,
        span: b.header,
    });
}

/// `providers = { aws = aws.west }` as static name pairs.
fn provider_pairs(e: Expr<'_>) -> Vec<(String, String)> {
    match e {
        Expr::Hcl(hcl_edit::expr::Expression::Object(o), src) => o
            .iter()
            .filter_map(|(k, v)| {
                let key = match k {
                    hcl_edit::expr::ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                    hcl_edit::expr::ObjectKey::Expression(x) => Expr::Hcl(x, src).static_ref(),
                }?;
                Some((key, Expr::Hcl(v.expr(), src).static_ref()?))
            })
            .collect(),
        Expr::Json(n) | Expr::Literal(n) => n
            .as_map()
            .map(|m| {
                m.entries
                    .iter()
                    .filter_map(|e| Some((e.key.clone(), Expr::Json(&e.value).static_ref()?)))
                    .collect()
            })
            .unwrap_or_default(),
        Expr::Hcl(..) => Vec::new(),
    }
}

/// Is a module source a local path (`./x`, `../x`)?
/// A `module` block's `source` when it is written as a literal local path
/// (what the scan reads before any evaluation).
pub(crate) fn local_source(b: &Block<'_>) -> Option<String> {
    let source = b.body.attr("source").and_then(|a| match a.expr {
        syntax::Expr::Hcl(x, _) => x.as_str().map(str::to_string),
        syntax::Expr::Json(n) | syntax::Expr::Literal(n) => n.as_str().map(str::to_string),
    });
    source.filter(|s| is_local_source(s))
}

pub(crate) fn is_local_source(s: &str) -> bool {
    s == "."
        || s == ".."
        || s.starts_with("./")
        || s.starts_with("../")
        || s.starts_with(".\\")
        || s.starts_with("..\\")
}

/// Join and normalize without touching the filesystem (the FileSet's paths
/// are what matter, and they need not exist on disk). Lexical, as Terraform
/// resolves a local source: `..` removes the name before it. A path that
/// starts at `.` (the walk of `faasguard scan .` gives `./examples/x`) keeps
/// `.` as its root, so `./examples/x/../..` is `.`, the directory whose files
/// are `./main.tf`, never the empty path.
pub(crate) fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for (i, c) in p.components().enumerate() {
        match c {
            Component::CurDir if i == 0 => out.push("."),
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `./..` is `..`: the root `.` says nothing once we go above it.
                Some(Component::CurDir) => out = PathBuf::from(".."),
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    // `examples/x/../..` is the working directory too.
    if out.as_os_str().is_empty() && !p.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// A module directory as messages name it: its folder name (`app`), or its
/// path from the root when it has none (`..`).
fn dir_name(root: &Path, dir: &Path) -> String {
    match dir.file_name() {
        Some(n) => n.to_string_lossy().into_owned(),
        None => relative(root, dir),
    }
}

/// `path.module` of a child: its directory relative to the root.
fn relative(root: &Path, dir: &Path) -> String {
    let (r, d): (Vec<Component>, Vec<Component>) =
        (root.components().collect(), dir.components().collect());
    let common = r.iter().zip(d.iter()).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = r.iter().skip(common).map(|_| "..".to_string()).collect();
    parts.extend(
        d.iter()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

const CALL_META: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
];

/// Evaluate a `module` block: its child directory once per instance.
fn call(
    sh: &mut Shared<'_>,
    env: &ModEnv,
    name: &str,
    b: &Block<'_>,
    stack: &mut Vec<PathBuf>,
) -> ModVal {
    let unknown = |why: String| ModVal {
        inst: Instances::Unknown,
        out_refs: HashMap::new(),
        why: Some(why),
    };
    let Some(src_attr) = b.body.attr("source") else {
        sh.note(format!("module {name}: no source"), b.header);
        return unknown(format!("module {name} has no source"));
    };
    let source = {
        let mut ev = Ev::new(sh, env);
        ev.eval(src_attr.expr)
    };
    let Some(source) = source.as_str().map(str::to_string) else {
        sh.note(
            format!("module {name}: source is not a literal string"),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} has no literal source"));
    };
    if !is_local_source(&source) {
        sh.note(
            format!("module {name}: remote source `{source}` is not downloaded; its resources are not scanned"),
            src_attr.expr.span(),
        );
        return unknown(format!(
            "module {name} comes from a remote source that is not downloaded"
        ));
    }
    let dir = normalize(&env.dir.join(&source));
    if let Some(at) = stack.iter().position(|d| *d == dir) {
        // Terraform refuses a cycle of calls; the resources of every module
        // in it are still scanned, each once, from the first call.
        let mut chain: Vec<String> = stack
            .get(at..)
            .unwrap_or_default()
            .iter()
            .map(|d| dir_name(&sh.root, d))
            .collect();
        chain.push(dir_name(&sh.root, &dir));
        sh.unscanned_calls += 1;
        sh.problem(
            "module-cycle",
            format!(
                "module {name}: `{source}` is a cycle of module calls ({}); it is not evaluated again",
                chain.join(" -> ")
            ),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} calls itself"));
    }
    if stack.len() >= MAX_MODULE_DEPTH {
        sh.unscanned_calls += 1;
        let skipped = resources_below(sh, &dir);
        sh.unscanned_resources += skipped;
        sh.problem(
            "module-depth",
            format!("module {name}: the chain of module calls is deeper than {MAX_MODULE_DEPTH}; `{source}` and the modules it calls are not scanned ({skipped} resource{} left out)", if skipped == 1 { "" } else { "s" }),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} nests too deeply"));
    }
    if let Some(why) = sh.files.refused.get(&dir) {
        sh.unscanned_calls += 1;
        sh.problem(
            "module-outside",
            format!("module {name}: `{source}` is not read: {why}"),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} is outside the repository"));
    }
    let files = load_dir(sh, &dir);
    if files.is_empty() {
        sh.note(
            format!("module {name}: `{source}` has no Terraform files in the scan; its resources are not scanned"),
            src_attr.expr.span(),
        );
        return unknown(format!("module {name} was not found"));
    }
    if !sh.called_modules.contains(&dir) {
        sh.called_modules.push(dir.clone());
    }
    let decls = collect(&files);
    report_duplicates(sh, &decls);
    let explicit: HashMap<String, String> = b
        .body
        .attr("providers")
        .map(|a| provider_pairs(a.expr))
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, env.providers.resolve(&v)))
        .collect();
    let own = own_providers(&decls);
    let expansion = {
        let mut ev = Ev::new(sh, env);
        body::expand(
            &mut ev,
            b.body.attr("count").map(|a| a.expr),
            b.body.attr("for_each").map(|a| a.expr),
            &format!("module.{name}"),
            b.header,
        )
    };
    let kind = match &expansion {
        Expansion::Single => 0,
        Expansion::Count(_) => 1,
        Expansion::ForEach(_) => 2,
        Expansion::Unknown(_) => 3,
    };
    let mut list = Vec::new();
    let mut keyed = Vec::new();
    let mut single = None;
    let mut all_refs: HashMap<String, Vec<String>> = HashMap::new();
    let base = if env.prefix.is_empty() {
        format!("module.{name}")
    } else {
        format!("{}.module.{name}", env.prefix)
    };
    stack.push(dir.clone());
    for inst in expansion.instances() {
        sh.module_instances += 1;
        if sh.module_instances > sh.max_instances {
            if sh.problems.iter().all(|p| p.0 != "module-limit") {
                let max = sh.max_instances;
                sh.problem(
                    "module-limit",
                    format!("more than {max} module instances in this module tree (--max-expansion); the rest, from module.{name} on, are not evaluated"),
                    b.header,
                );
            }
            sh.unscanned_calls += 1;
            break;
        }
        let prefix = format!("{base}{}", inst.key.suffix());
        let mut inputs: HashMap<String, Bound> = HashMap::new();
        {
            let mut ev = Ev::new(sh, env).with_binds(inst.binds);
            for a in b.body.attrs() {
                if CALL_META.contains(&a.name) {
                    continue;
                }
                ev.refs.clear();
                let node = bounded(ev.eval(a.expr), &format!("module {name} input {}", a.name));
                let mut refs = std::mem::take(&mut ev.refs);
                refs.sort();
                refs.dedup();
                inputs.insert(a.name.to_string(), Bound::of(node, refs, false));
            }
        }
        let root_call = env.root_call.unwrap_or(b.header);
        sh.calls.push((prefix.clone(), root_call));
        let mut child = ModEnv {
            root_call: Some(root_call),
            prefix: prefix.clone(),
            path_module: relative(&sh.root, &dir),
            dir: dir.clone(),
            providers: Arc::new(ProviderScope {
                prefix,
                explicit: explicit.clone(),
                own: own.clone(),
                parent: Some(env.providers.clone()),
            }),
            ..ModEnv::default()
        };
        for v in &decls.vars {
            let bound = match inputs.remove(v.name) {
                Some(mut b) => {
                    b.node = convert(b.node, v.ty.as_deref());
                    b
                }
                None => Bound::new(default_value(sh, v)),
            };
            child.vars.insert(v.name.to_string(), bound);
        }
        let (outputs, refs) = run(sh, &decls, child, stack);
        for (k, v) in refs {
            all_refs.entry(k).or_default().extend(v);
        }
        match inst.key {
            Key::Int(_) => list.push(outputs),
            Key::Str(k) => keyed.push((k, outputs)),
            Key::None => single = Some(outputs),
        }
    }
    stack.pop();
    let inst = match (kind, single) {
        (0, Some(v)) => Instances::Single(v),
        (1, _) => Instances::List(list),
        (2, _) => Instances::Keyed(keyed),
        _ => Instances::Unknown,
    };
    let why = matches!(inst, Instances::Unknown)
        .then(|| format!("the instances of module {name} are unknown"));
    ModVal {
        inst,
        out_refs: all_refs,
        why,
    }
}

/// A variable's default (converted to its type), or an unknown.
pub(crate) fn default_value(sh: &mut Shared<'_>, v: &VarDecl<'_>) -> Node {
    match v.default {
        Some(e) => {
            let env = ModEnv::isolated();
            let mut ev = Ev::new(sh, &env);
            convert(ev.eval(e), v.ty.as_deref())
        }
        None => Node::unknown(format!("variable {} has no value", v.name), v.header),
    }
}

/// The provider configurations a module defines (`aws`, `aws.west`).
pub(crate) fn own_providers(decls: &Decls<'_>) -> std::collections::HashSet<String> {
    decls
        .providers
        .iter()
        .filter_map(|p| {
            let n = p.labels.first()?.0;
            let alias = p.body.attr("alias").and_then(|a| match a.expr {
                Expr::Hcl(x, _) => x.as_str().map(str::to_string),
                Expr::Json(n) | Expr::Literal(n) => n.as_str().map(str::to_string),
            });
            Some(alias.map_or_else(|| n.to_string(), |a| format!("{n}.{a}")))
        })
        .collect()
}
