//! Terraform's built-in functions that can be evaluated statically and
//! cheaply, as pure functions of their evaluated arguments. A function we do
//! not evaluate (or an unknown argument) gives an unknown result, never a
//! wrong value. The calls that need the evaluator (`try`, `can`, `file`,
//! `templatefile`) are in `eval/call.rs`.

mod args;
mod collection;
mod number;
mod text;

pub(crate) use args::{arg, map, s, Fail, R};

use crate::parse::Node;
use crate::source::Span;

/// Most elements a `for` expression, template `for`, `range` or `flatten`
/// yields: as many as the default bound of instances, so a `for_each` built
/// by a `for` is not cut shorter than the expansion itself (the fuel bounds
/// the work).
pub(crate) const MAX_ITER: usize = 100_000;

/// `name` applied to its arguments.
pub(crate) fn pure(name: &str, a: &[Node], span: Span) -> R {
    for group in [text::call, collection::call, number::call] {
        match group(name, a, span) {
            Err(Fail::NotEvaluated) => continue,
            result => return result,
        }
    }
    Err(Fail::NotEvaluated)
}
