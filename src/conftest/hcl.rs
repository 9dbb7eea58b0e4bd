//! Terraform HCL as conftest's `hcl2` parser shows it to a policy: the JSON
//! that `tmccombs/hcl2json` (which conftest calls) makes of a file, built
//! from faasguard's own HCL parse so every value keeps its span.
//!
//! The shape, which conftest policies are written against:
//! - an attribute is its literal value; any other expression is its source
//!   text wrapped as `"${...}"` (nothing is evaluated: conftest does not
//!   evaluate either); a string template keeps its literal parts and wraps
//!   each interpolation;
//! - a block `type "l1" "l2" { ... }` is `{"type": {"l1": {"l2": [body]}}}`:
//!   labels nest objects and the innermost key is a list with one body per
//!   block of that address (`input.resource.aws_alb_listener[name][_]`);
//!   an unlabelled nested block is a list too (`encryption_settings[_]`).

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Body, Structure};
use hcl_edit::template::{Element, Template};
use hcl_edit::Span as _;

use crate::parse::{Map, Node, ParseError, Value};
use crate::source::{FileId, Span};

/// Parse HCL text into conftest's `hcl2` document.
pub fn parse(text: &str, file: FileId) -> Result<Node, ParseError> {
    let body = crate::terraform::syntax::parse_hcl_body(text, file)?;
    let c = Converter { text, file };
    c.body(&body, Span::new(file, 0, text.len()))
}

struct Converter<'a> {
    text: &'a str,
    file: FileId,
}

impl Converter<'_> {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        let r = range.unwrap_or(0..0);
        Span::new(self.file, r.start, r.end)
    }

    fn source(&self, range: Option<std::ops::Range<usize>>) -> &str {
        range.and_then(|r| self.text.get(r)).unwrap_or("").trim()
    }

    /// A body: blocks first, then attributes (an attribute of the same name
    /// as a block replaces it, as in hcl2json).
    fn body(&self, body: &Body, span: Span) -> Result<Node, ParseError> {
        let mut out = Map::default();
        for s in body.iter() {
            if let Structure::Block(b) = s {
                self.block(b, &mut out)?;
            }
        }
        for s in body.iter() {
            if let Structure::Attribute(a) = s {
                let value = self.expr(&a.value);
                out.insert(a.key.as_str(), self.span(a.key.span()), value);
            }
        }
        Ok(Node::map(out, span))
    }

    fn block(&self, block: &hcl_edit::structure::Block, out: &mut Map) -> Result<(), ParseError> {
        let whole = self.span(block.span());
        let value = self.body(&block.body, whole)?;
        let mut key = block.ident.as_str().to_string();
        let mut key_span = self.span(block.ident.span());
        let mut at: &mut Map = out;
        for label in &block.labels {
            if at.get(&key).is_none() {
                at.insert(key.clone(), key_span, Node::map(Map::default(), whole));
            }
            let Some(inner) = at.get_mut(&key).and_then(Node::as_map_mut) else {
                return Err(ParseError::new(
                    format!(
                        "conftest hcl2: block `{}` cannot be shown as JSON: `{key}` is both a block with and without labels",
                        block.ident.as_str()
                    ),
                    self.file,
                    whole.start as usize,
                ));
            };
            at = inner;
            key = label.as_str().to_string();
            key_span = self.span(label.span());
        }
        match at.get_mut(&key) {
            Some(Node {
                value: Value::Seq(items),
                ..
            }) => items.push(value),
            Some(_) => {
                return Err(ParseError::new(
                    format!(
                        "conftest hcl2: block `{}` cannot be shown as JSON: `{key}` is both a block with and without labels",
                        block.ident.as_str()
                    ),
                    self.file,
                    whole.start as usize,
                ))
            }
            None => at.insert(key, key_span, Node::seq(vec![value], whole)),
        }
        Ok(())
    }

    fn expr(&self, e: &Expression) -> Node {
        let span = self.span(e.span());
        match e {
            Expression::Null(_) => Node::null(span),
            Expression::Bool(b) => Node::bool(*b.value(), span),
            Expression::Number(n) => number(n.value(), span),
            Expression::String(s) => Node::string(s.value().clone(), span),
            Expression::Array(a) => Node::seq(a.iter().map(|x| self.expr(x)).collect(), span),
            Expression::Object(o) => {
                let mut m = Map::default();
                for (k, v) in o.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        // A bare traversal as key is its text; anything else
                        // is read as a string part.
                        ObjectKey::Expression(Expression::Variable(v)) => v.as_str().to_string(),
                        ObjectKey::Expression(Expression::Traversal(t)) => {
                            self.source(t.span()).to_string()
                        }
                        ObjectKey::Expression(x) => self.string_part(x),
                    };
                    m.insert(key, self.span(k.span()), self.expr(v.expr()));
                }
                Node::map(m, span)
            }
            Expression::StringTemplate(t) => Node::string(self.template(t), span),
            Expression::HeredocTemplate(h) => Node::string(self.template(&h.template), span),
            Expression::UnaryOp(u) => {
                use hcl_edit::expr::UnaryOperator;
                match (u.operator.value(), &u.expr) {
                    (UnaryOperator::Neg, Expression::Number(n)) => {
                        let n = n.value();
                        match n.as_i64() {
                            Some(i) => Node::number(-i, span),
                            None => float(-n.as_f64().unwrap_or(f64::NAN), span),
                        }
                    }
                    (UnaryOperator::Not, Expression::Bool(b)) => Node::bool(!*b.value(), span),
                    _ => Node::string(self.wrap(e), span),
                }
            }
            _ => {
                // hcl2json leaves type constraints (`type = list(string)`)
                // unwrapped, by the prefix of their text.
                let text = self.source(e.span());
                const TYPES: [&str; 8] = [
                    "string", "number", "bool", "list", "set", "map", "object", "tuple",
                ];
                if TYPES.iter().any(|t| text.starts_with(t)) {
                    Node::string(text, span)
                } else {
                    Node::string(self.wrap(e), span)
                }
            }
        }
    }

    fn wrap(&self, e: &Expression) -> String {
        format!("${{{}}}", self.source(e.span()))
    }

    /// A template's string: literal parts as they are, interpolations as
    /// `${source}`, directives as their source text.
    fn template(&self, t: &Template) -> String {
        let mut s = String::new();
        for el in t.iter() {
            match el {
                Element::Literal(l) => s.push_str(l.value()),
                Element::Interpolation(i) => {
                    s.push_str("${");
                    s.push_str(self.source(i.expr.span()));
                    s.push('}');
                }
                Element::Directive(d) => s.push_str(self.source(d.span())),
            }
        }
        s
    }

    fn string_part(&self, e: &Expression) -> String {
        match e {
            Expression::String(s) => s.value().clone(),
            Expression::Number(n) => n.value().to_string(),
            Expression::Bool(b) => b.value().to_string(),
            Expression::StringTemplate(t) => self.template(t),
            Expression::Parenthesis(p) => self.string_part(p.inner()),
            other => self.wrap(other),
        }
    }
}

fn number(n: &hcl_edit::Number, span: Span) -> Node {
    if let Some(i) = n.as_i64() {
        Node::number(i, span)
    } else if let Some(u) = n.as_u64() {
        Node::number(u, span)
    } else {
        float(n.as_f64().unwrap_or(f64::NAN), span)
    }
}

fn float(f: f64, span: Span) -> Node {
    match serde_json::Number::from_f64(f) {
        Some(n) => Node::number(n, span),
        None => Node::null(span),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> serde_json::Value {
        parse(text, FileId(0)).unwrap().to_json()
    }

    #[test]
    fn blocks_nest_labels_and_end_in_lists() {
        let got = json(
            "resource \"aws_alb_listener\" \"web\" {\n  port = 80\n  protocol = \"HTTP\"\n}\n\
             resource \"aws_alb_listener\" \"api\" {\n  protocol = \"HTTPS\"\n}\n\
             provider \"aws\" {\n  region = \"eu-west-1\"\n}\n\
             provider \"aws\" {\n  alias = \"two\"\n}\n",
        );
        assert_eq!(
            got,
            serde_json::json!({
                "resource": {"aws_alb_listener": {
                    "web": [{"port": 80, "protocol": "HTTP"}],
                    "api": [{"protocol": "HTTPS"}],
                }},
                "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "two"}]},
            })
        );
    }

    #[test]
    fn expressions_are_kept_as_source_text() {
        let got = json(
            "locals {\n  a = var.x\n  b = \"pre-${var.y}-post\"\n  c = -1\n  d = [1, \"two\", true, null]\n  e = { k = local.v, \"q\" = 2 }\n  f = upper(\"x\")\n  g = !true\n}\n\
             variable \"v\" {\n  type = list(string)\n}\n\
             resource \"azurerm_managed_disk\" \"d\" {\n  encryption_settings {\n    enabled = false\n  }\n}\n",
        );
        assert_eq!(
            got,
            serde_json::json!({
                "locals": [{
                    "a": "${var.x}",
                    "b": "pre-${var.y}-post",
                    "c": -1,
                    "d": [1, "two", true, null],
                    "e": {"k": "${local.v}", "q": 2},
                    "f": "${upper(\"x\")}",
                    "g": false,
                }],
                "variable": {"v": [{"type": "list(string)"}]},
                "resource": {"azurerm_managed_disk": {"d": [{"encryption_settings": [{"enabled": false}]}]}},
            })
        );
    }

    #[test]
    fn templates_and_heredocs_as_hcl2json_shows_them() {
        let got = json(
            "locals {\n  h = <<-EOT\n    line one\n      two\n    EOT\n  p = <<EOT\nplain ${var.x}\nEOT\n  c = var.a ? 1 : 2\n  f = [for s in var.l : upper(s)]\n  q = \"a\\nb\"\n}\n",
        );
        assert_eq!(
            got,
            serde_json::json!({"locals": [{
                "h": "line one\n  two\n",
                "p": "plain ${var.x}\n",
                "c": "${var.a ? 1 : 2}",
                "f": "${[for s in var.l : upper(s)]}",
                "q": "a\nb",
            }]})
        );
    }

    #[test]
    fn spans_point_at_blocks_and_values() {
        let text = "resource \"aws_s3_bucket\" \"b\" {\n  acl = \"public-read\"\n}\n";
        let doc = parse(text, FileId(0)).unwrap();
        let (block, depth) = doc.find_path(&["resource", "aws_s3_bucket", "b", "0"]);
        assert_eq!(depth, 4);
        assert_eq!(block.span.start, 0);
        let (acl, _) = doc.find_path(&["resource", "aws_s3_bucket", "b", "0", "acl"]);
        assert_eq!(
            &text[acl.span.start as usize..acl.span.end as usize],
            "\"public-read\""
        );
    }

    #[test]
    fn a_block_type_with_and_without_labels_is_an_error() {
        let err = parse("thing {\n}\nthing \"x\" {\n}\n", FileId(0)).unwrap_err();
        assert!(err.message.contains("`thing`"), "{}", err.message);
    }
}
