//! Function calls that need the evaluator: `try` and `can` watch for errors
//! while evaluating their arguments; `file`, `fileexists` and `templatefile`
//! read only inside the module or root directory (canonicalized, so `..` and
//! symlinks cannot escape) and only small files. Every other function is a
//! pure function of its arguments (`terraform/funcs`). A function not
//! evaluated is noted once per unit.

use std::path::{Path, PathBuf};

use hcl_edit::expr::FuncCall;

use super::{Ev, ModEnv};
use crate::parse::{Map, Node, Value};
use crate::source::Span;
use crate::terraform::funcs::{self, arg, map, s, Fail, R};
use crate::terraform::syntax::Src;
use crate::terraform::value;

/// Largest file `file`/`templatefile` read.
const MAX_FILE: u64 = 1 << 20;

/// Evaluate a call.
pub(super) fn call(ev: &mut Ev<'_, '_>, fc: &FuncCall, src: Src, span: Span) -> Node {
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
                Node::unknown("can() of an unknown value", span).supplied_if(v.is_supplied())
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
        _ => funcs::pure(name, &args, span),
    };
    // An unknown result of arguments the deployer supplies (`format("...%s",
    // var.account)`) is theirs, whichever argument made it unknown.
    match result {
        Ok(n) => {
            if name == "jsonencode" {
                keep_document(ev, &n, args.first());
            }
            n
        }
        Err(Fail::Unknown(u)) => value::derived_unknown(&u, span).supplied_from(&args),
        Err(Fail::NotEvaluated) => {
            let supplied = args.iter().any(Node::has_supplied);
            not_evaluated(ev, name, span).supplied_if(supplied)
        }
        Err(Fail::Error(msg)) => ev.error(format!("{name}(): {msg}"), span),
    }
}

/// `jsonencode` of an object, list or string: the adapter reads the value
/// itself (its nodes keep the spans of the text that wrote them) rather than
/// the JSON text, so findings point inside the document, and a secret found
/// in `jsonencode("...")` is the string, not its quoted JSON.
fn keep_document(ev: &mut Ev<'_, '_>, text: &Node, arg: Option<&Node>) {
    let (Value::String(s), Some(doc)) = (&text.value, arg) else {
        return;
    };
    if matches!(doc.value, Value::Map(_) | Value::Seq(_) | Value::String(_))
        && ev.sh.spend(doc.count(), text.span)
    {
        ev.sh.documents.insert(text.span, s, doc.clone());
    }
}

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
    if crate::terraform::nesting::template_too_deep(&text).is_some() {
        return Err(Fail::Error("template nests too deeply".into()));
    }
    let tpl = hcl_edit::parser::parse_template(&text)
        .map_err(|e| Fail::Error(format!("invalid template: {}", e.message())))?;
    // The template sees only its variables; its spans are the call site.
    let env = ModEnv::isolated();
    let binds = vars
        .entries
        .into_iter()
        .map(|e| (e.key.into_string(), e.value))
        .collect();
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
