//! Collection functions: lists, sets, maps and objects (`merge`, `concat`,
//! `lookup`, `flatten`, `distinct`, `keys`, `zipmap`, `range`, ...). Results
//! are bounded by [`super::MAX_ITER`] elements.

use super::args::{arg, f, list, map, s, strings, unknown_of, Fail, R};
use super::MAX_ITER;
use crate::parse::{Node, Value};
use crate::source::Span;
use crate::terraform::value::{self, as_bool, equal, num, sorted_entries};

/// `name` applied to `a`; [`Fail::NotEvaluated`] for a function of another group.
pub(super) fn call(name: &str, a: &[Node], span: Span) -> R {
    Ok(match name {
        "merge" => {
            let mut out = value::MapBuilder::default();
            for m in a {
                if m.is_null() {
                    continue;
                }
                for e in &map(m)?.entries {
                    out.insert(e.key.as_str().to_owned(), e.key_span, e.value.clone());
                }
            }
            Node::map(out.finish(), span)
        }
        "concat" => {
            let mut out = Vec::new();
            for l in a {
                out.extend(list(l)?.iter().cloned());
            }
            Node::seq(out, span)
        }
        "lookup" => {
            let m = map(arg(a, 0)?)?;
            let k = s(arg(a, 1)?)?;
            match (m.get(&k), a.get(2)) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => d.clone(),
                (None, None) => return Err(Fail::Error(format!("no key {k:?}"))),
            }
        }
        "tolist" => {
            let v = arg(a, 0)?;
            list(v)?;
            v.clone()
        }
        "toset" => set(list(arg(a, 0)?)?, span)?,
        "tomap" => {
            let v = arg(a, 0)?;
            map(v)?;
            v.clone()
        }
        "length" => {
            let v = arg(a, 0)?;
            match &v.value {
                Value::Seq(items) => Node::number(items.len() as u64, span),
                Value::Map(m) => Node::number(sorted_entries(m).len() as u64, span),
                Value::String(t) => Node::number(t.chars().count() as u64, span),
                Value::Unknown(_) => return Err(unknown_of(v)),
                _ => return Err(Fail::Error("expected a collection or string".into())),
            }
        }
        "element" => {
            let l = list(arg(a, 0)?)?;
            let i = f(arg(a, 1)?)?;
            if l.is_empty() || i < 0.0 {
                return Err(Fail::Error("cannot use element() on an empty list".into()));
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let i = (i as usize) % l.len();
            l.get(i)
                .cloned()
                .ok_or_else(|| Fail::Error("index out of range".into()))?
        }
        "coalesce" => {
            for v in a {
                if v.is_unknown() {
                    return Err(unknown_of(v));
                }
                if !v.is_null() && v.as_str() != Some("") {
                    return Ok(v.clone());
                }
            }
            return Err(Fail::Error("no non-null, non-empty argument".into()));
        }
        "coalescelist" => {
            for v in a {
                if !list(v)?.is_empty() {
                    return Ok(v.clone());
                }
            }
            return Err(Fail::Error("no non-empty list".into()));
        }
        "keys" => {
            let m = map(arg(a, 0)?)?;
            let ks = sorted_entries(m)
                .into_iter()
                .map(|(k, _, ks)| Node::string(k, ks))
                .collect();
            Node::seq(ks, span)
        }
        "values" => {
            let m = map(arg(a, 0)?)?;
            let vs = sorted_entries(m)
                .into_iter()
                .map(|(_, v, _)| v.clone())
                .collect();
            Node::seq(vs, span)
        }
        "contains" => {
            let l = list(arg(a, 0)?)?;
            let x = arg(a, 1)?;
            let mut unknown = false;
            for v in l {
                match equal(v, x) {
                    Some(true) => return Ok(Node::bool(true, span)),
                    Some(false) => {}
                    None => unknown = true,
                }
            }
            if unknown {
                return Err(Fail::Unknown(Node::unknown(
                    "depends on an unknown value",
                    span,
                )));
            }
            Node::bool(false, span)
        }
        "flatten" => {
            let mut out = Vec::new();
            flatten(arg(a, 0)?, &mut out, 0)?;
            Node::seq(out, span)
        }
        "distinct" => {
            let mut out: Vec<Node> = Vec::new();
            for v in list(arg(a, 0)?)? {
                if v.is_unknown() {
                    return Err(unknown_of(v));
                }
                if !out.iter().any(|o| equal(o, v) == Some(true)) {
                    out.push(v.clone());
                }
                if out.len() > MAX_ITER {
                    return Err(Fail::Error("list too long".into()));
                }
            }
            Node::seq(out, span)
        }
        "compact" => {
            let mut out = Vec::new();
            for v in list(arg(a, 0)?)? {
                if v.is_unknown() {
                    return Err(unknown_of(v));
                }
                if !v.is_null() && v.as_str() != Some("") {
                    out.push(v.clone());
                }
            }
            Node::seq(out, span)
        }
        "reverse" => Node::seq(list(arg(a, 0)?)?.iter().rev().cloned().collect(), span),
        "slice" => {
            let l = list(arg(a, 0)?)?;
            let (from, to) = (f(arg(a, 1)?)?, f(arg(a, 2)?)?);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let part = (from >= 0.0 && to >= from)
                .then(|| l.get(from as usize..to as usize))
                .flatten()
                .ok_or_else(|| Fail::Error("slice out of range".into()))?;
            Node::seq(part.to_vec(), span)
        }
        "index" => {
            let l = list(arg(a, 0)?)?;
            let x = arg(a, 1)?;
            for (i, v) in l.iter().enumerate() {
                match equal(v, x) {
                    Some(true) => return Ok(Node::number(i as u64, span)),
                    Some(false) => {}
                    None => return Err(unknown_of(x)),
                }
            }
            return Err(Fail::Error("item not found".into()));
        }
        "one" => {
            let l = list(arg(a, 0)?)?;
            match l {
                [] => Node::null(span),
                [x] => x.clone(),
                _ => return Err(Fail::Error("more than one element".into())),
            }
        }
        "alltrue" | "anytrue" => {
            let want_all = name == "alltrue";
            let mut unknown = None;
            for v in list(arg(a, 0)?)? {
                match as_bool(v) {
                    Some(b) if b != want_all => return Ok(Node::bool(!want_all, span)),
                    Some(_) => {}
                    None if v.is_unknown() => unknown = Some(v.clone()),
                    None => return Err(Fail::Error("expected bools".into())),
                }
            }
            match unknown {
                Some(u) => return Err(Fail::Unknown(u)),
                None => Node::bool(want_all, span),
            }
        }
        "sort" => {
            let mut v = strings(list(arg(a, 0)?)?)?;
            v.sort();
            Node::seq(v.into_iter().map(|x| Node::string(x, span)).collect(), span)
        }
        "zipmap" => {
            let (ks, vs) = (strings(list(arg(a, 0)?)?)?, list(arg(a, 1)?)?);
            if ks.len() != vs.len() {
                return Err(Fail::Error("lists of different lengths".into()));
            }
            value::map_of(ks.into_iter().zip(vs.iter().cloned()).collect(), span)
        }
        "range" => range(a, span)?,
        "sensitive" | "nonsensitive" => arg(a, 0)?.clone(),
        _ => return Err(Fail::NotEvaluated),
    })
}

fn set(items: &[Node], span: Span) -> R {
    // Sets of strings are sorted and unique in Terraform.
    if items.iter().all(|i| i.as_str().is_some()) {
        let mut v: Vec<&Node> = items.iter().collect();
        v.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
        v.dedup_by(|a, b| a.as_str() == b.as_str());
        return Ok(Node::seq(v.into_iter().cloned().collect(), span));
    }
    if let Some(u) = items.iter().find(|i| i.is_unknown()) {
        return Err(unknown_of(u));
    }
    let mut out: Vec<Node> = Vec::new();
    for v in items {
        if !out.iter().any(|o| equal(o, v) == Some(true)) {
            out.push(v.clone());
        }
    }
    Ok(Node::seq(out, span))
}

fn flatten(n: &Node, out: &mut Vec<Node>, depth: usize) -> Result<(), Fail> {
    if depth > crate::parse::MAX_DEPTH || out.len() > MAX_ITER {
        return Err(Fail::Error("list too deep or too long".into()));
    }
    for v in list(n)? {
        match &v.value {
            Value::Seq(_) => flatten(v, out, depth + 1)?,
            Value::Unknown(_) => return Err(unknown_of(v)),
            _ => out.push(v.clone()),
        }
    }
    Ok(())
}

fn range(a: &[Node], span: Span) -> R {
    let nums: Vec<f64> = a.iter().map(f).collect::<Result<_, _>>()?;
    let (start, end, step) = match nums.as_slice() {
        [e] => (0.0, *e, 1.0),
        [s, e] => (*s, *e, if e >= s { 1.0 } else { -1.0 }),
        [s, e, st] => (*s, *e, *st),
        _ => return Err(Fail::Error("takes one to three numbers".into())),
    };
    if step == 0.0 || ((end - start) / step) > MAX_ITER as f64 {
        return Err(Fail::Error("range too long or step zero".into()));
    }
    let mut out = Vec::new();
    let mut x = start;
    while (step > 0.0 && x < end) || (step < 0.0 && x > end) {
        out.push(num(x, span));
        x += step;
        if out.len() > MAX_ITER {
            break;
        }
    }
    Ok(Node::seq(out, span))
}
