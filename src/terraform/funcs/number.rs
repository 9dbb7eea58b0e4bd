//! Numeric functions: `abs`, `ceil`, `floor`, `signum`, `pow`, `min`,
//! `max`, `sum`.

use super::args::{arg, f, list, Fail, R};
use crate::parse::Node;
use crate::source::Span;
use crate::terraform::value::num;

/// `name` applied to `a`; [`Fail::NotEvaluated`] for a function of another group.
pub(super) fn call(name: &str, a: &[Node], span: Span) -> R {
    Ok(match name {
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
        _ => return Err(Fail::NotEvaluated),
    })
}
