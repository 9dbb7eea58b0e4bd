//! String and conversion functions: `format`, `join`, `split`, `replace`,
//! trimming and case, `substr`, `jsonencode`/`jsondecode`, `tostring`,
//! `tonumber`, `tobool`.

use super::args::{arg, f, list, s, strings, unknown_of, Fail, R};
use crate::parse::{Node, Value};
use crate::source::Span;
use crate::terraform::value::{self, as_bool, num};

/// `name` applied to `a`; [`Fail::NotEvaluated`] for a function of another group.
pub(super) fn call(name: &str, a: &[Node], span: Span) -> R {
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
                return Err(Fail::NotEvaluated);
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
        _ => return Err(Fail::NotEvaluated),
    })
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
            _ => return Err(Fail::NotEvaluated),
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
