//! Terraform's built-in functions that can be evaluated statically and
//! cheaply. A function we do not evaluate (or an unknown argument) gives an
//! unknown result, never a wrong value; an unknown function is noted once per
//! unit. `file`/`templatefile` read only inside the module or root directory
//! (canonicalized, so `..` and symlinks cannot escape) and only small files.

use std::path::{Path, PathBuf};

use hcl_edit::expr::FuncCall;

use super::eval::{Ev, ModEnv, MAX_ITER};
use super::syntax::Src;
use super::value::{self, as_bool, as_number, as_string, equal, num, sorted_entries};
use crate::parse::{Map, Node, Value};
use crate::source::Span;

/// Largest file `file`/`templatefile` read.
const MAX_FILE: u64 = 1 << 20;

/// Why a function gave no value.
enum Fail {
    /// An argument is unknown: so is the result (keeping its reference).
    Unknown(Node),
    /// A Terraform error (counted, result unknown).
    Error(String),
}

type R = Result<Node, Fail>;

fn unknown_of(n: &Node) -> Fail {
    Fail::Unknown(n.clone())
}

fn s(n: &Node) -> Result<String, Fail> {
    if n.is_unknown() {
        return Err(unknown_of(n));
    }
    as_string(n).ok_or_else(|| Fail::Error("expected a string".into()))
}

fn f(n: &Node) -> Result<f64, Fail> {
    if n.is_unknown() {
        return Err(unknown_of(n));
    }
    as_number(n).ok_or_else(|| Fail::Error("expected a number".into()))
}

fn list(n: &Node) -> Result<&[Node], Fail> {
    match &n.value {
        Value::Seq(items) => Ok(items),
        Value::Unknown(_) => Err(unknown_of(n)),
        _ => Err(Fail::Error("expected a list".into())),
    }
}

fn map(n: &Node) -> Result<&Map, Fail> {
    match &n.value {
        Value::Map(m) => Ok(m),
        Value::Unknown(_) => Err(unknown_of(n)),
        _ => Err(Fail::Error("expected a map or object".into())),
    }
}

fn arg(args: &[Node], i: usize) -> Result<&Node, Fail> {
    args.get(i)
        .ok_or_else(|| Fail::Error(format!("missing argument {}", i + 1)))
}

/// Strings of a list, failing on an unknown element.
fn strings(items: &[Node]) -> Result<Vec<String>, Fail> {
    items.iter().map(s).collect()
}

/// Evaluate a call.
pub(crate) fn call(ev: &mut Ev<'_, '_>, fc: &FuncCall, src: Src, span: Span) -> Node {
    let name = fc.name.name.as_str();
    if fc.name.is_namespaced() {
        let full = format!(
            "{}::{name}",
            fc.name
                .namespace
                .iter()
                .map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join("::")
        );
        return not_evaluated(ev, &full, span);
    }
    let exprs: Vec<&hcl_edit::expr::Expression> = fc.args.iter().collect();
    // `try` and `can` look at errors while evaluating their arguments.
    match name {
        "try" => {
            for x in &exprs {
                let before = ev.errors;
                let v = ev.hcl(x, src);
                if ev.errors == before {
                    return v;
                }
                ev.errors = before;
            }
            return ev.error("no argument of try() could be evaluated", span);
        }
        "can" => {
            let Some(x) = exprs.first() else {
                return ev.error("can() needs an argument", span);
            };
            let before = ev.errors;
            let v = ev.hcl(x, src);
            let failed = ev.errors != before;
            ev.errors = before;
            return if failed {
                Node::bool(false, span)
            } else if v.is_unknown() {
                Node::unknown("can() of an unknown value", span)
            } else {
                Node::bool(true, span)
            };
        }
        _ => {}
    }
    let mut args: Vec<Node> = exprs.iter().map(|x| ev.hcl(x, src)).collect();
    if fc.args.expand_final() {
        match args.pop() {
            Some(last) => match last.value {
                Value::Seq(items) => args.extend(items),
                Value::Unknown(_) => return value::derived_unknown(&last, span),
                _ => return ev.error("only a list can be expanded with `...`", span),
            },
            None => return ev.error("nothing to expand", span),
        }
    }
    let result = match name {
        "file" | "templatefile" | "fileexists" => files(ev, name, &args, span),
        _ => pure(name, &args, span),
    };
    match result {
        Ok(n) => {
            if name == "jsonencode" {
                keep_document(ev, &n, args.first());
            }
            n
        }
        Err(Fail::Unknown(u)) => value::derived_unknown(&u, span),
        Err(Fail::Error(msg)) if msg == NOT_EVALUATED => not_evaluated(ev, name, span),
        Err(Fail::Error(msg)) => ev.error(format!("{name}(): {msg}"), span),
    }
}

/// `jsonencode` of an object or list: the adapter reads the object itself
/// (its nodes keep the spans of the text that wrote them) rather than the
/// JSON text, so findings point inside the document.
fn keep_document(ev: &mut Ev<'_, '_>, text: &Node, arg: Option<&Node>) {
    let (Value::String(s), Some(doc)) = (&text.value, arg) else {
        return;
    };
    if matches!(doc.value, Value::Map(_) | Value::Seq(_)) && ev.sh.spend(doc.count(), text.span) {
        ev.sh.documents.insert(text.span, s, doc.clone());
    }
}

const NOT_EVALUATED: &str = "\u{0}not evaluated";

fn not_evaluated(ev: &mut Ev<'_, '_>, name: &str, span: Span) -> Node {
    ev.sh.note_once(
        format!("fn:{name}"),
        format!("function `{name}` is not evaluated; values that use it are unknown"),
        span,
    );
    Node::unknown(
        format!("uses function `{name}`, which is not evaluated"),
        span,
    )
}

/// Functions of their arguments only.
#[allow(clippy::too_many_lines)]
fn pure(name: &str, a: &[Node], span: Span) -> R {
    Ok(match name {
        "jsonencode" => {
            let v = arg(a, 0)?;
            if v.is_unknown() {
                return Err(unknown_of(v));
            }
            value::string(value::to_json_text(v), span)
        }
        "jsondecode" => {
            let text = s(arg(a, 0)?)?;
            let mut n =
                crate::parse::json::parse(&text, span.file).map_err(|e| Fail::Error(e.message))?;
            n.respan(span);
            n
        }
        "merge" => {
            let mut out = value::MapBuilder::default();
            for m in a {
                if m.is_null() {
                    continue;
                }
                for e in &map(m)?.entries {
                    out.insert(e.key.clone(), e.key_span, e.value.clone());
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
        "format" => value::string(format(&s(arg(a, 0)?)?, a.get(1..).unwrap_or(&[]))?, span),
        "join" => {
            let sep = s(arg(a, 0)?)?;
            let mut parts = Vec::new();
            for l in a.get(1..).unwrap_or(&[]) {
                parts.extend(strings(list(l)?)?);
            }
            value::string(parts.join(&sep), span)
        }
        "split" => {
            let (sep, text) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            let parts: Vec<Node> = if sep.is_empty() {
                text.chars()
                    .map(|c| Node::string(c.to_string(), span))
                    .collect()
            } else {
                text.split(&sep).map(|p| Node::string(p, span)).collect()
            };
            Node::seq(parts, span)
        }
        "replace" => {
            let (text, from, to) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?, s(arg(a, 2)?)?);
            if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
                // A regular expression: not evaluated.
                return Err(Fail::Error(NOT_EVALUATED.into()));
            }
            if from.is_empty() {
                return Err(Fail::Error("empty search string".into()));
            }
            value::string(text.replace(&from, &to), span)
        }
        "lower" => Node::string(s(arg(a, 0)?)?.to_lowercase(), span),
        "upper" => Node::string(s(arg(a, 0)?)?.to_uppercase(), span),
        "trimspace" => Node::string(s(arg(a, 0)?)?.trim(), span),
        "chomp" => Node::string(s(arg(a, 0)?)?.trim_end_matches(['\n', '\r']), span),
        "trimprefix" => {
            let (t, p) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Node::string(t.strip_prefix(p.as_str()).unwrap_or(&t), span)
        }
        "trimsuffix" => {
            let (t, p) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Node::string(t.strip_suffix(p.as_str()).unwrap_or(&t), span)
        }
        "trim" => {
            let (t, cs) = (s(arg(a, 0)?)?, s(arg(a, 1)?)?);
            Node::string(t.trim_matches(|c| cs.contains(c)), span)
        }
        "startswith" => Node::bool(s(arg(a, 0)?)?.starts_with(&s(arg(a, 1)?)?), span),
        "endswith" => Node::bool(s(arg(a, 0)?)?.ends_with(&s(arg(a, 1)?)?), span),
        "substr" => {
            let t = s(arg(a, 0)?)?;
            let chars: Vec<char> = t.chars().collect();
            let len = chars.len() as f64;
            let mut off = f(arg(a, 1)?)?;
            let n = f(arg(a, 2)?)?;
            if off < 0.0 {
                off += len;
            }
            if off < 0.0 || off > len {
                return Err(Fail::Error("offset out of range".into()));
            }
            let end = if n < 0.0 { len } else { (off + n).min(len) };
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let out: String = chars
                .get(off as usize..end as usize)
                .unwrap_or(&[])
                .iter()
                .collect();
            Node::string(out, span)
        }
        "tostring" => {
            let v = arg(a, 0)?;
            if v.is_null() {
                return Ok(v.clone());
            }
            Node::string(s(v)?, v.span)
        }
        "tonumber" => {
            let v = arg(a, 0)?;
            if v.is_null() {
                return Ok(v.clone());
            }
            num(f(v)?, v.span)
        }
        "tobool" => {
            let v = arg(a, 0)?;
            if v.is_unknown() || v.is_null() {
                return Ok(v.clone());
            }
            Node::bool(
                as_bool(v).ok_or_else(|| Fail::Error("expected a bool".into()))?,
                v.span,
            )
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
        "abs" => num(f(arg(a, 0)?)?.abs(), span),
        "ceil" => num(f(arg(a, 0)?)?.ceil(), span),
        "floor" => num(f(arg(a, 0)?)?.floor(), span),
        "signum" => num(f(arg(a, 0)?)?.signum(), span),
        "pow" => num(f(arg(a, 0)?)?.powf(f(arg(a, 1)?)?), span),
        "min" | "max" => {
            let mut best: Option<f64> = None;
            for v in a {
                let x = f(v)?;
                best = Some(match best {
                    None => x,
                    Some(b) if name == "min" => b.min(x),
                    Some(b) => b.max(x),
                });
            }
            num(
                best.ok_or_else(|| Fail::Error("needs at least one number".into()))?,
                span,
            )
        }
        "sum" => {
            let mut t = 0.0;
            for v in list(arg(a, 0)?)? {
                t += f(v)?;
            }
            num(t, span)
        }
        "sensitive" | "nonsensitive" => arg(a, 0)?.clone(),
        _ => return Err(Fail::Error(NOT_EVALUATED.into())),
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

/// Terraform's `format` verbs: `%s %d %f %t %v %q %%`, with width/precision
/// for numbers; anything else is not evaluated.
fn format(fmt: &str, args: &[Node]) -> Result<String, Fail> {
    let mut out = String::new();
    let mut next = 0usize;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '.' || d == '-' || d == '+' || d == '#' || d == ' ' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let Some(verb) = chars.next() else {
            return Err(Fail::Error("format ends in `%`".into()));
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(v) = args.get(next) else {
            return Err(Fail::Error("not enough arguments".into()));
        };
        next += 1;
        if v.is_unknown() {
            return Err(unknown_of(v));
        }
        let prec = spec
            .split_once('.')
            .and_then(|(_, p)| p.parse::<usize>().ok());
        let width = spec.split('.').next().and_then(|w| {
            w.trim_start_matches(['-', '+', '#', ' '])
                .parse::<usize>()
                .ok()
        });
        let text = match verb {
            's' | 'v'
                if matches!(
                    v.value,
                    Value::String(_) | Value::Number(_) | Value::Bool(_)
                ) =>
            {
                s(v)?
            }
            'v' => value::to_json_text(v),
            'd' => {
                let x = f(v)?;
                if x.fract() != 0.0 {
                    return Err(Fail::Error("%d needs an integer".into()));
                }
                format!("{x:.0}")
            }
            'f' => format!("{:.*}", prec.unwrap_or(6), f(v)?),
            't' => as_bool(v)
                .ok_or_else(|| Fail::Error("%t needs a bool".into()))?
                .to_string(),
            'q' => value::to_json_text(&Node::string(s(v)?, v.span)),
            _ => return Err(Fail::Error(NOT_EVALUATED.into())),
        };
        let pad = width
            .unwrap_or(0)
            .saturating_sub(text.chars().count())
            .min(value::MAX_STRING);
        if spec.starts_with('-') {
            out.push_str(&text);
            out.extend(std::iter::repeat_n(' ', pad));
        } else {
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&text);
        }
        if out.len() > value::MAX_STRING {
            return Err(Fail::Error("result too long".into()));
        }
    }
    Ok(out)
}

/// `file`, `fileexists` and `templatefile`: read under the module or root
/// directory only.
fn files(ev: &mut Ev<'_, '_>, name: &str, a: &[Node], span: Span) -> R {
    let rel = s(arg(a, 0)?)?;
    if name == "fileexists" {
        return Ok(Node::bool(resolve(ev, &rel).is_ok(), span));
    }
    let path = resolve(ev, &rel).map_err(Fail::Error)?;
    let text = read_small(&path).map_err(Fail::Error)?;
    if name == "file" {
        return Ok(value::string(text, span));
    }
    let vars = match a.get(1) {
        Some(v) => map(v)?.clone(),
        None => Map::default(),
    };
    if super::nesting::template_too_deep(&text).is_some() {
        return Err(Fail::Error("template nests too deeply".into()));
    }
    let tpl = hcl_edit::parser::parse_template(&text)
        .map_err(|e| Fail::Error(format!("invalid template: {}", e.message())))?;
    // The template sees only its variables; its spans are the call site.
    let env = ModEnv::isolated();
    let binds = vars.entries.into_iter().map(|e| (e.key, e.value)).collect();
    let mut inner = Ev::new(ev.sh, &env).with_binds(binds);
    let out = inner.template(&tpl, Src::fixed(span), span, false);
    ev.errors += inner.errors;
    Ok(out)
}

/// A path under the module directory or the root, canonicalized.
fn resolve(ev: &Ev<'_, '_>, rel: &str) -> Result<PathBuf, String> {
    let root = &ev.sh.root;
    let joined = root.join(rel);
    let target = joined
        .canonicalize()
        .map_err(|_| format!("cannot read {rel:?}"))?;
    let allowed = [ev.env.dir.as_path(), root.as_path()];
    let inside = allowed
        .iter()
        .any(|base| base.canonicalize().is_ok_and(|b| target.starts_with(&b)));
    if !inside {
        return Err(format!("{rel:?} is outside the module directory"));
    }
    if !target.is_file() {
        return Err(format!("{rel:?} is not a file"));
    }
    Ok(target)
}

fn read_small(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_FILE {
        return Err("file larger than 1 MiB".into());
    }
    let mut buf = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut buf))
        .map_err(|e| e.to_string())?;
    if buf.len() as u64 > MAX_FILE {
        return Err("file larger than 1 MiB".into());
    }
    String::from_utf8(buf).map_err(|_| "file is not UTF-8".into())
}
