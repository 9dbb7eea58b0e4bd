//! Reading function arguments: each helper takes an argument as one type,
//! failing with the argument's unknown (the result is unknown too) or with
//! a Terraform error.

use crate::parse::{Map, Node, Value};
use crate::terraform::value::{as_number, as_string};

/// Why a function gave no value.
pub(crate) enum Fail {
    /// An argument is unknown: so is the result (keeping its reference).
    Unknown(Node),
    /// A Terraform error (counted, result unknown).
    Error(String),
    /// A function (or a `format` verb) faasguard does not evaluate: the
    /// result is unknown and the unit gets a note.
    NotEvaluated,
}

pub(crate) type R = Result<Node, Fail>;

pub(crate) fn unknown_of(n: &Node) -> Fail {
    Fail::Unknown(n.clone())
}

pub(crate) fn s(n: &Node) -> Result<String, Fail> {
    if n.is_unknown() {
        return Err(unknown_of(n));
    }
    as_string(n).ok_or_else(|| Fail::Error("expected a string".into()))
}

pub(crate) fn f(n: &Node) -> Result<f64, Fail> {
    if n.is_unknown() {
        return Err(unknown_of(n));
    }
    as_number(n).ok_or_else(|| Fail::Error("expected a number".into()))
}

pub(crate) fn list(n: &Node) -> Result<&[Node], Fail> {
    match &n.value {
        Value::Seq(items) => Ok(items),
        Value::Unknown(_) => Err(unknown_of(n)),
        _ => Err(Fail::Error("expected a list".into())),
    }
}

pub(crate) fn map(n: &Node) -> Result<&Map, Fail> {
    match &n.value {
        Value::Map(m) => Ok(m),
        Value::Unknown(_) => Err(unknown_of(n)),
        _ => Err(Fail::Error("expected a map or object".into())),
    }
}

pub(crate) fn arg(args: &[Node], i: usize) -> Result<&Node, Fail> {
    args.get(i)
        .ok_or_else(|| Fail::Error(format!("missing argument {}", i + 1)))
}

/// Strings of a list, failing on an unknown element.
pub(crate) fn strings(items: &[Node]) -> Result<Vec<String>, Fail> {
    items.iter().map(s).collect()
}
