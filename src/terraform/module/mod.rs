//! One module directory: reads its files, collects its declarations, and
//! evaluates locals, resources, data sources and module calls in dependency
//! order (cycles noted, their values unknown), then its outputs and provider
//! configurations. Local module calls recurse into child directories of the
//! [`FileSet`](super::FileSet), bounded in depth and instances; remote ones are
//! noted and their outputs are unknown.
//!
//! [`decls`] reads and collects a directory's declarations, [`calls`]
//! evaluates module calls; this file runs one module instance.

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

mod calls;
mod decls;

use calls::call;
pub(crate) use calls::{local_source, normalize};
use decls::{bounded, ResDecl};
pub(crate) use decls::{
    collect, convert, load_dir, pin_providers, register, report_duplicates, Decls, VarDecl,
};

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
        // The unit's time limit, per instance (crate::deadline): a huge
        // `for_each` is stopped here, and the scan reports it.
        if crate::deadline::passed(b.header) {
            break;
        }
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
                    .filter_map(|e| {
                        Some((
                            e.key.as_str().to_owned(),
                            Expr::Json(&e.value).static_ref()?,
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default(),
        Expr::Hcl(..) => Vec::new(),
    }
}

/// A variable's default (converted to its type), or an unknown the deployer
/// supplies.
pub(crate) fn default_value(sh: &mut Shared<'_>, v: &VarDecl<'_>) -> Node {
    match v.default {
        Some(e) => {
            let env = ModEnv::isolated();
            let mut ev = Ev::new(sh, &env);
            convert(ev.eval(e), v.ty.as_deref())
        }
        None => Node::supplied(format!("variable {} has no value", v.name), v.header),
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
