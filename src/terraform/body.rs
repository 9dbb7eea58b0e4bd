//! Block bodies and instances: evaluates a resource's (or provider's) body
//! into the plan-JSON `values` shape (nested blocks always arrays of maps,
//! `dynamic` blocks expanded, meta-arguments left out), and expands
//! `count`/`for_each` into instances, all of them up to the unit's bound
//! (`--max-expansion`), which exists for memory, not speed.

use std::collections::BTreeMap;

use super::eval::{quote, Ev};
use super::syntax::{Block, Body, Expr, Item};
use super::value::{self, as_number, as_string, sorted_entries, MapBuilder};
use crate::parse::{Node, Value, MAX_DEPTH};
use crate::source::Span;

/// Meta-arguments that are not part of a resource's values.
const META_ATTRS: &[&str] = &["count", "for_each", "provider", "depends_on"];
const META_BLOCKS: &[&str] = &["lifecycle", "provisioner", "connection"];

/// Argument name → addresses referred to, for [`super::Resource::refs`].
pub(crate) type Refs = BTreeMap<String, Vec<String>>;

/// Blocks of one kind: (kind, key span, instances, span of all of them,
/// an unknown that replaces them when a `dynamic` block's `for_each` is).
type Blocks = (String, Span, Vec<Node>, Span, Option<Node>);

/// Evaluate a body into a map. At the top of a resource (`refs` given),
/// meta-arguments are skipped and each argument's references recorded.
pub(crate) fn eval_body(
    ev: &mut Ev<'_, '_>,
    body: Body<'_>,
    mut refs: Option<&mut Refs>,
    span: Span,
    depth: usize,
) -> Node {
    let top = refs.is_some();
    let mut m = MapBuilder::default();
    if depth > MAX_DEPTH {
        return Node::unknown("blocks nest too deeply", span);
    }
    // kind → (key span, instances, span of all of them, unknown instead)
    let mut blocks: Vec<Blocks> = Vec::new();
    for item in body.items() {
        if top {
            ev.refs.clear();
        }
        let name = match item {
            Item::Attr(a) => {
                if top && META_ATTRS.contains(&a.name) {
                    continue;
                }
                let v = ev.eval(a.expr);
                m.insert(a.name.to_string(), a.name_span, v);
                a.name.to_string()
            }
            Item::Block(b) => {
                if top && META_BLOCKS.contains(&b.kind) {
                    continue;
                }
                let (kind, kspan, got) = if b.kind == "dynamic" {
                    let Some(&(label, lspan)) = b.labels.first() else {
                        continue;
                    };
                    (label, lspan, dynamic(ev, &b, depth))
                } else {
                    (
                        b.kind,
                        b.header,
                        Ok(vec![eval_body(ev, b.body, None, b.whole, depth + 1)]),
                    )
                };
                let pos = match blocks.iter().position(|x| x.0 == kind) {
                    Some(p) => p,
                    None => {
                        blocks.push((kind.to_string(), kspan, Vec::new(), b.whole, None));
                        blocks.len() - 1
                    }
                };
                if let Some(slot) = blocks.get_mut(pos) {
                    slot.3 = slot.3.join(b.whole);
                    match got {
                        Ok(nodes) => slot.2.extend(nodes),
                        Err(u) => slot.4 = Some(u),
                    }
                }
                kind.to_string()
            }
        };
        if let Some(r) = refs.as_deref_mut() {
            let mut found = std::mem::take(&mut ev.refs);
            if !found.is_empty() {
                let slot = r.entry(name).or_default();
                slot.append(&mut found);
                slot.sort();
                slot.dedup();
            }
        }
    }
    for (kind, kspan, nodes, sp, unknown) in blocks {
        let v = unknown.unwrap_or_else(|| Node::seq(nodes, sp));
        m.insert(kind, kspan, v);
    }
    Node::map(m.finish(), span)
}

/// `dynamic "name" { for_each, iterator, content {} }` → the generated
/// blocks, or an unknown when `for_each` is.
fn dynamic(ev: &mut Ev<'_, '_>, b: &Block<'_>, depth: usize) -> Result<Vec<Node>, Node> {
    let label = b.labels.first().map_or("", |l| l.0);
    let Some(content) = b.body.blocks().into_iter().find(|c| c.kind == "content") else {
        return Ok(Vec::new());
    };
    let iter_name = b
        .body
        .attr("iterator")
        .and_then(|a| a.expr.static_ref())
        .unwrap_or_else(|| label.to_string());
    let coll = match b.body.attr("for_each") {
        Some(a) => ev.eval(a.expr),
        None => return Ok(Vec::new()),
    };
    if coll.is_null() {
        return Ok(Vec::new());
    }
    let Some(mut items) = ev.iterate(&coll) else {
        return Err(value::derived_unknown(
            &Node::unknown(
                format!("dynamic block `{label}`: for_each is unknown"),
                b.header,
            )
            .supplied_if(coll.has_supplied()),
            b.header,
        ));
    };
    let max = ev.sh.max_instances;
    if items.len() > max {
        ev.sh.problem(
            "expansion-limit",
            format!("dynamic block `{label}` expands to {} blocks, over the limit of {max} (--max-expansion); only the first {max} are evaluated", items.len()),
            b.header,
        );
        items.truncate(max);
    }
    let mut out = Vec::new();
    for (k, v) in items {
        // A set's iterator key is its value, as in Terraform.
        let span = v.span;
        let it = value::map_of(vec![("key".into(), k), ("value".into(), v)], span);
        ev.binds.push((iter_name.clone(), it));
        out.push(eval_body(ev, content.body, None, content.whole, depth + 1));
        ev.binds.pop();
    }
    Ok(out)
}

/// An instance key.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Key {
    None,
    Int(usize),
    Str(String),
}

impl Key {
    pub fn suffix(&self) -> String {
        match self {
            Key::None => String::new(),
            Key::Int(i) => format!("[{i}]"),
            Key::Str(s) => format!("[{}]", quote(s)),
        }
    }
}

pub(crate) struct Instance {
    pub key: Key,
    pub binds: Vec<(String, Node)>,
}

/// How a block expands.
pub(crate) enum Expansion {
    /// Neither `count` nor `for_each`.
    Single,
    Count(Vec<Instance>),
    ForEach(Vec<Instance>),
    /// Not knowable: one instance, with unknown `count.index`/`each`.
    Unknown(Instance),
}

impl Expansion {
    pub fn instances(self) -> Vec<Instance> {
        match self {
            Expansion::Single => vec![Instance {
                key: Key::None,
                binds: Vec::new(),
            }],
            Expansion::Count(v) | Expansion::ForEach(v) => v,
            Expansion::Unknown(i) => vec![i],
        }
    }
}

/// Expand `count` / `for_each` of a block (`what` names it in notes).
pub(crate) fn expand(
    ev: &mut Ev<'_, '_>,
    count: Option<Expr<'_>>,
    for_each: Option<Expr<'_>>,
    what: &str,
    span: Span,
) -> Expansion {
    if let Some(c) = count {
        let v = ev.eval(c);
        let unknown = || {
            let idx = Node::unknown("count.index of a resource whose count is unknown", span);
            Expansion::Unknown(Instance {
                key: Key::None,
                binds: vec![(
                    "count".into(),
                    value::map_of(vec![("index".into(), idx)], span),
                )],
            })
        };
        if v.is_unknown() {
            return unknown();
        }
        let n = match as_number(&v) {
            Some(f) if f >= 0.0 && f.fract() == 0.0 => f,
            _ => {
                ev.sh
                    .note(format!("{what}: count is not a whole number"), v.span);
                return unknown();
            }
        };
        // Whole and non-negative, checked above; huge counts saturate.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let mut n = if n > 1e9 { usize::MAX } else { n as usize };
        let max = ev.sh.max_instances;
        if n > max {
            ev.sh.problem(
                "expansion-limit",
                format!(
                    "{what}: count is {}, over the limit of {max} instances (--max-expansion); only the first {max} are evaluated",
                    v.to_json()
                ),
                v.span,
            );
            n = max;
        }
        let insts = (0..n)
            .map(|i| Instance {
                key: Key::Int(i),
                binds: vec![(
                    "count".into(),
                    value::map_of(
                        vec![("index".into(), Node::number(i as u64, v.span))],
                        v.span,
                    ),
                )],
            })
            .collect();
        return Expansion::Count(insts);
    }
    let Some(fe) = for_each else {
        return Expansion::Single;
    };
    let v = ev.eval(fe);
    // `each` over a collection the deployer supplies (`for_each =
    // var.accounts`) is theirs.
    let supplied = v.has_supplied();
    let unknown = |why: &str| {
        let u = Node::unknown(why.to_string(), span).supplied_if(supplied);
        Expansion::Unknown(Instance {
            key: Key::None,
            binds: vec![(
                "each".into(),
                value::map_of(vec![("key".into(), u.clone()), ("value".into(), u)], span),
            )],
        })
    };
    let mut pairs: Vec<(String, Node, Span)> = match &v.value {
        Value::Map(m) => sorted_entries(m)
            .into_iter()
            .map(|(k, val, ks)| (k.to_string(), val.clone(), ks))
            .collect(),
        Value::Seq(items) => {
            let mut keys = Vec::new();
            for i in items {
                match as_string(i) {
                    Some(s) if i.as_str().is_some() => keys.push((s, i.clone(), i.span)),
                    _ if i.is_unknown() => return unknown("a for_each key is unknown"),
                    _ => {
                        ev.sh.note(
                            format!("{what}: for_each over a list needs strings (a set)"),
                            i.span,
                        );
                        return unknown("for_each is not a map or set of strings");
                    }
                }
            }
            keys.sort_by(|a, b| a.0.cmp(&b.0));
            keys.dedup_by(|a, b| a.0 == b.0);
            keys
        }
        Value::Unknown(_) => return unknown("for_each is unknown"),
        _ => {
            ev.sh
                .note(format!("{what}: for_each is not a map or set"), v.span);
            return Expansion::ForEach(Vec::new());
        }
    };
    let max = ev.sh.max_instances;
    if pairs.len() > max {
        ev.sh.problem(
            "expansion-limit",
            format!(
                "{what}: for_each has {} elements, over the limit of {max} instances (--max-expansion); only the first {max} are evaluated",
                pairs.len()
            ),
            v.span,
        );
        pairs.truncate(max);
    }
    let insts = pairs
        .into_iter()
        .map(|(k, val, ks)| Instance {
            key: Key::Str(k.clone()),
            binds: vec![(
                "each".into(),
                value::map_of(
                    vec![("key".into(), Node::string(k, ks)), ("value".into(), val)],
                    ks,
                ),
            )],
        })
        .collect();
    Expansion::ForEach(insts)
}
