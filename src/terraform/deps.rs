//! Static dependencies of a module's items (locals, resources, data sources,
//! module calls): which other items an expression names, read from the syntax
//! without evaluating it, so items are evaluated in dependency order and
//! cycles are found before anything runs. The same walk gives the names a
//! template reads ([`template_names`]).

use hcl_edit::expr::{Expression, TraversalOperator};
use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Decorated;

use super::syntax::{Body, Expr, Item};
use crate::parse::{Node, Value, MAX_DEPTH};

/// An item an expression can depend on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Dep {
    Local(String),
    /// `(data, type, name)`.
    Resource(bool, String, String),
    Module(String),
}

/// Names that are not resource types at the root of a traversal.
const NOT_RESOURCES: &[&str] = &[
    "var",
    "local",
    "module",
    "data",
    "each",
    "count",
    "path",
    "terraform",
    "self",
];

/// A visitor of the names an expression reads: the root of each traversal
/// (`var`, `local`, `aws_s3_bucket`, a bare `x`) and its operators.
type Names<'f> = dyn FnMut(&str, &[Decorated<TraversalOperator>]) + 'f;

pub(crate) fn expr(e: Expr<'_>, out: &mut Vec<Dep>) {
    let mut f = |root: &str, ops: &[Decorated<TraversalOperator>]| out.extend(dep(root, ops));
    match e {
        Expr::Hcl(x, _) => hcl(x, &mut f, 0),
        Expr::Json(n) => json(n, &mut f, 0),
        Expr::Literal(_) => {}
    }
}

/// Every expression of a body, nested blocks included.
pub(crate) fn body(b: Body<'_>, out: &mut Vec<Dep>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    for item in b.items() {
        match item {
            Item::Attr(a) => expr(a.expr, out),
            Item::Block(bl) => body(bl.body, out, depth + 1),
        }
    }
}

/// Every name a template reads (see [`Names`]), from the syntax alone.
pub(crate) fn template_names(t: &Template, f: &mut Names<'_>) {
    template(t, f, 0);
}

/// The item a traversal from `root` names, if any.
fn dep(root: &str, ops: &[Decorated<TraversalOperator>]) -> Option<Dep> {
    match root {
        "local" => attr_at(ops, 0).map(Dep::Local),
        "module" => attr_at(ops, 0).map(Dep::Module),
        "data" => attr_at(ops, 0)
            .zip(attr_at(ops, 1))
            .map(|(ty, n)| Dep::Resource(true, ty, n)),
        _ if NOT_RESOURCES.contains(&root) => None,
        _ => attr_at(ops, 0).map(|n| Dep::Resource(false, root.to_string(), n)),
    }
}

fn json(n: &Node, f: &mut Names<'_>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match &n.value {
        Value::String(s)
            if (s.contains("${") || s.contains("%{"))
                && super::nesting::template_too_deep(s).is_none() =>
        {
            if let Ok(t) = hcl_edit::parser::parse_template(s) {
                template(&t, f, 0);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| json(i, f, depth + 1)),
        Value::Map(m) => m.entries.iter().for_each(|e| json(&e.value, f, depth + 1)),
        _ => {}
    }
}

fn template(t: &Template, f: &mut Names<'_>, depth: usize) {
    for el in t.iter() {
        match el {
            Element::Literal(_) => {}
            Element::Interpolation(i) => hcl(&i.expr, f, depth + 1),
            Element::Directive(d) => match &**d {
                Directive::If(d) => {
                    hcl(&d.if_expr.cond_expr, f, depth + 1);
                    template(&d.if_expr.template, f, depth + 1);
                    if let Some(e) = &d.else_expr {
                        template(&e.template, f, depth + 1);
                    }
                }
                Directive::For(d) => {
                    hcl(&d.for_expr.collection_expr, f, depth + 1);
                    template(&d.for_expr.template, f, depth + 1);
                }
            },
        }
    }
}

fn attr_at(ops: &[Decorated<TraversalOperator>], i: usize) -> Option<String> {
    match ops.get(i).map(|o| &**o) {
        Some(TraversalOperator::GetAttr(a)) => Some(a.as_str().to_string()),
        _ => None,
    }
}

/// Recursion is bounded by hcl-edit's own nesting limit; `depth` guards the
/// rest (templates inside expressions).
fn hcl(e: &Expression, f: &mut Names<'_>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let d = depth + 1;
    match e {
        Expression::Traversal(t) => {
            if let Expression::Variable(v) = &t.expr {
                f(v.as_str(), &t.operators);
            } else {
                hcl(&t.expr, f, d);
            }
            for op in &t.operators {
                if let TraversalOperator::Index(x) = &**op {
                    hcl(x, f, d);
                }
            }
        }
        Expression::Variable(v) => f(v.as_str(), &[]),
        Expression::Array(a) => a.iter().for_each(|x| hcl(x, f, d)),
        Expression::Object(o) => {
            for (k, v) in o.iter() {
                if let hcl_edit::expr::ObjectKey::Expression(k) = k {
                    hcl(k, f, d);
                }
                hcl(v.expr(), f, d);
            }
        }
        Expression::StringTemplate(t) => template(t, f, d),
        Expression::HeredocTemplate(h) => template(&h.template, f, d),
        Expression::Parenthesis(p) => hcl(p.inner(), f, d),
        Expression::Conditional(c) => {
            hcl(&c.cond_expr, f, d);
            hcl(&c.true_expr, f, d);
            hcl(&c.false_expr, f, d);
        }
        Expression::FuncCall(c) => c.args.iter().for_each(|x| hcl(x, f, d)),
        Expression::UnaryOp(u) => hcl(&u.expr, f, d),
        Expression::BinaryOp(b) => {
            hcl(&b.lhs_expr, f, d);
            hcl(&b.rhs_expr, f, d);
        }
        Expression::ForExpr(fe) => {
            hcl(&fe.intro.collection_expr, f, d);
            if let Some(k) = &fe.key_expr {
                hcl(k, f, d);
            }
            hcl(&fe.value_expr, f, d);
            if let Some(c) = &fe.cond {
                hcl(&c.expr, f, d);
            }
        }
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn deps_of(text: &str) -> Vec<Dep> {
        let e = hcl_edit::parser::parse_expr(text).expect("parses");
        let mut out = Vec::new();
        expr(
            Expr::Hcl(&e, super::super::syntax::Src::file(FileId(0))),
            &mut out,
        );
        out
    }

    #[test]
    fn finds_locals_resources_data_and_modules() {
        let d = deps_of(
            r#""${local.a}-${aws_s3_bucket.b.arn}" == data.aws_region.r.name ? module.m.out : [for x in var.v : x]"#,
        );
        assert_eq!(
            d,
            [
                Dep::Local("a".into()),
                Dep::Resource(false, "aws_s3_bucket".into(), "b".into()),
                Dep::Resource(true, "aws_region".into(), "r".into()),
                Dep::Module("m".into()),
            ]
        );
    }

    #[test]
    fn templates_name_what_they_read() {
        let t = hcl_edit::parser::parse_template(
            "${aws_iam_role.r.name}-${upper(var.env)}%{ if local.on }${each.key}%{ endif }",
        )
        .expect("parses");
        let mut roots = Vec::new();
        template_names(&t, &mut |root, ops| {
            roots.push(format!("{root}.{}", attr_at(ops, 0).unwrap_or_default()));
        });
        assert_eq!(roots, ["aws_iam_role.r", "var.env", "local.on", "each.key"]);
    }

    #[test]
    fn json_strings_are_templates() {
        let n = crate::parse::json::parse(r#"{"a": ["${local.x}"]}"#, FileId(0)).expect("json");
        let mut out = Vec::new();
        expr(Expr::Json(&n), &mut out);
        assert_eq!(out, [Dep::Local("x".into())]);
    }
}
