//! Templates and `for` expressions: string templates with their
//! interpolations and directives (a JSON-looking heredoc keeps where each
//! byte came from), and the collections `for` and `dynamic` iterate.

use std::collections::HashMap;

use hcl_edit::template::{Directive, Element, Template};
use hcl_edit::Span as _;

use super::{Ev, MAX_ITER};
use crate::parse::{Map, Node, Value};
use crate::source::Span;
use crate::terraform::document;
use crate::terraform::syntax::Src;
use crate::terraform::value::{self, as_bool, as_string, derived_unknown, sorted_entries};

impl Ev<'_, '_> {
    /// A template. `unwrap`: a quoted `"${x}"` is the value of `x` itself
    /// (any type, its own span), as in Terraform.
    pub fn template(&mut self, t: &Template, src: Src, span: Span, unwrap: bool) -> Node {
        if unwrap {
            if let Some(Element::Interpolation(i)) = t.as_single_element() {
                return self.hcl(&i.expr, src);
            }
        }
        let mut out = String::new();
        let mut unknown: Option<Node> = None;
        // A template that starts like JSON (a policy heredoc) keeps where
        // each byte came from, and its unknown interpolations as holes.
        let json_like = matches!(t.iter().next(), Some(Element::Literal(l)) if document::looks_like_json(l.value()));
        let mut rec = json_like.then(document::Recorder::default);
        self.render(t, src, (false, false), &mut out, &mut unknown, &mut rec);
        if let Some(u) = unknown {
            // Rendering stops at the first unknown part; a later one the
            // deployer supplies (`"${aws_iam_role.r.name}-${var.env}"`)
            // makes the whole theirs too.
            let later = if u.is_supplied() {
                None
            } else {
                self.reads_supplied(t)
            };
            return derived_unknown(&u, span).supplied_from(later);
        }
        let Some(rec) = rec else {
            return value::string(out, span);
        };
        let doc = rec.document(&out, src.file);
        match (doc, rec.holes.first()) {
            (Ok(doc), first) => {
                // With holes the text is the document with its unknowns in
                // the model's form, as `jsonencode` writes them.
                let text = if first.is_some() {
                    value::to_json_text(&doc)
                } else {
                    out
                };
                let n = value::string(text, span);
                if let Value::String(s) = &n.value {
                    if self.sh.spend(doc.count(), span) {
                        self.sh.documents.insert(span, s, doc);
                    }
                }
                n
            }
            (Err(why), Some(hole)) => {
                // Unknown as a whole, never in silence: the document is not
                // JSON even with each unknown interpolation as a value, so
                // what it grants cannot be read (a policy AWS would refuse).
                let (what, at) = match why {
                    document::NotJson::Syntax { message, at } => {
                        let why = message.trim_start_matches("invalid JSON: ");
                        (format!("is not valid JSON here: {why}"), at)
                    }
                    document::NotJson::Untraced => {
                        ("could not be traced back to this file".to_string(), span)
                    }
                };
                self.sh.note_once(
                    format!("not-json {:?} {}-{}", at.file, at.start, at.end),
                    format!(
                        "this template starts like a JSON document (a policy?) but {what}; with its unknown interpolations taken as values, nothing in it is checked"
                    ),
                    at,
                );
                derived_unknown(hole, span)
            }
            // Known text: the string as rendered; who reads it as JSON says
            // when it is not (an IAM policy gets a note in the adapter).
            (Err(_), None) => value::string(out, span),
        }
    }

    /// The first variable, local or binding template `t` reads whose value
    /// holds an unknown the deployer supplies, from its syntax (nothing is
    /// evaluated again: evaluation notes, counts and records what it reads).
    fn reads_supplied(&self, t: &Template) -> Option<&Node> {
        let mut found = None;
        crate::terraform::deps::template_names(t, &mut |root, ops| {
            if found.is_some() {
                return;
            }
            let name = match ops.first().map(|o| &**o) {
                Some(hcl_edit::expr::TraversalOperator::GetAttr(a)) => Some(a.as_str()),
                _ => None,
            };
            let value = match (root, name) {
                ("var", Some(n)) => self.env.vars.get(n).map(|b| &b.node),
                ("local", Some(n)) => self.env.locals.get(n).map(|b| &b.node),
                _ => self.bind(root),
            };
            found = value.filter(|v| v.has_supplied());
        });
        found
    }

    pub(super) fn render(
        &mut self,
        t: &Template,
        src: Src,
        trim: (bool, bool),
        out: &mut String,
        unknown: &mut Option<Node>,
        rec: &mut Option<document::Recorder>,
    ) {
        let els: Vec<&Element> = t.iter().collect();
        for (i, el) in els.iter().enumerate() {
            if unknown.is_some() {
                return;
            }
            match el {
                Element::Literal(s) => {
                    let mut v: &str = s.value();
                    let after = if i == 0 {
                        trim.0
                    } else {
                        els.get(i - 1).is_some_and(|p| strips_after(p))
                    };
                    let before = if i + 1 == els.len() {
                        trim.1
                    } else {
                        els.get(i + 1).is_some_and(|n| strips_before(n))
                    };
                    if after {
                        v = v.trim_start();
                    }
                    if before {
                        v = v.trim_end();
                    }
                    out.push_str(v);
                    if let Some(rec) = rec.as_mut() {
                        let whole = src.span(s.span());
                        let source =
                            match src.fixed {
                                Some(_) => None,
                                None => self.sh.info.get(&src.file).and_then(|f| {
                                    f.text.get(whole.start as usize..whole.end as usize)
                                }),
                            };
                        rec.literal(v, source, whole.start, whole);
                    }
                }
                Element::Interpolation(x) => {
                    let v = self.hcl(&x.expr, src);
                    let at = src.span(x.expr.span());
                    match as_string(&v) {
                        Some(s) => {
                            out.push_str(&s);
                            if let Some(rec) = rec.as_mut() {
                                rec.value(s.len(), at);
                            }
                        }
                        None if v.is_unknown() => match rec.as_mut() {
                            Some(rec) => rec.hole(out, v, at),
                            None => *unknown = Some(v),
                        },
                        None => {
                            let sp = v.span;
                            *unknown =
                                Some(self.error(
                                    "only strings, numbers and bools can be interpolated",
                                    sp,
                                ));
                        }
                    }
                }
                Element::Directive(d) => match &**d {
                    Directive::If(d) => {
                        let cond = self.hcl(&d.if_expr.cond_expr, src);
                        let close = d.endif_expr.strip.strip_start();
                        match as_bool(&cond) {
                            Some(true) => {
                                let end = d
                                    .else_expr
                                    .as_ref()
                                    .map_or(close, |e| e.strip.strip_start());
                                self.render(
                                    &d.if_expr.template,
                                    src,
                                    (d.if_expr.strip.strip_end(), end),
                                    out,
                                    unknown,
                                    rec,
                                );
                            }
                            Some(false) => {
                                if let Some(e) = &d.else_expr {
                                    self.render(
                                        &e.template,
                                        src,
                                        (e.strip.strip_end(), close),
                                        out,
                                        unknown,
                                        rec,
                                    );
                                }
                            }
                            None => {
                                *unknown = Some(
                                    Node::unknown("template condition is unknown", cond.span)
                                        .supplied_if(cond.is_supplied()),
                                )
                            }
                        }
                    }
                    Directive::For(d) => {
                        let coll = self.hcl(&d.for_expr.collection_expr, src);
                        let Some(items) = self.iterate(&coll) else {
                            *unknown = Some(derived_unknown(&coll, coll.span));
                            return;
                        };
                        let trim_in = (
                            d.for_expr.strip.strip_end(),
                            d.endfor_expr.strip.strip_start(),
                        );
                        for (k, v) in items {
                            let mark = self.binds.len();
                            if let Some(kv) = &d.for_expr.key_var {
                                self.binds.push((kv.as_str().to_string(), k));
                            }
                            self.binds
                                .push((d.for_expr.value_var.as_str().to_string(), v));
                            self.render(&d.for_expr.template, src, trim_in, out, unknown, rec);
                            self.binds.truncate(mark);
                            if unknown.is_some() {
                                return;
                            }
                        }
                    }
                },
            }
            if out.len() > value::MAX_STRING {
                *unknown = Some(Node::unknown(
                    "string longer than 1 MiB",
                    src.span(t.span()),
                ));
                return;
            }
        }
    }

    /// Key/value pairs of a collection (lists by index, maps by sorted key);
    /// `None` when it is unknown or not a collection (an error is counted).
    pub fn iterate(&mut self, coll: &Node) -> Option<Vec<(Node, Node)>> {
        let items: Vec<(Node, Node)> = match &coll.value {
            Value::Seq(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (Node::number(i as u64, v.span), v.clone()))
                .collect(),
            Value::Map(m) => sorted_entries(m)
                .into_iter()
                .map(|(k, v, ks)| (Node::string(k, ks), v.clone()))
                .collect(),
            Value::Unknown(_) => return None,
            _ => {
                self.errors += 1;
                return None;
            }
        };
        if items.len() > MAX_ITER || !self.sh.spend(items.len(), coll.span) {
            return None;
        }
        Some(items)
    }

    pub(super) fn for_expr(&mut self, f: &hcl_edit::expr::ForExpr, src: Src, span: Span) -> Node {
        let coll = self.hcl(&f.intro.collection_expr, src);
        let Some(items) = self.iterate(&coll) else {
            return derived_unknown(&coll, span);
        };
        let mut list = Vec::new();
        let mut map = Map::default();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (k, v) in items {
            let mark = self.binds.len();
            if let Some(kv) = &f.intro.key_var {
                self.binds.push((kv.as_str().to_string(), k));
            }
            self.binds.push((f.intro.value_var.as_str().to_string(), v));
            let result = self.for_item(f, src, span, &mut list, &mut map, &mut seen);
            self.binds.truncate(mark);
            if let Err(n) = result {
                return n;
            }
        }
        if f.key_expr.is_some() {
            Node::map(map, span)
        } else {
            Node::seq(list, span)
        }
    }

    pub(super) fn for_item(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        src: Src,
        span: Span,
        list: &mut Vec<Node>,
        map: &mut Map,
        seen: &mut HashMap<String, usize>,
    ) -> Result<(), Node> {
        if let Some(c) = &f.cond {
            let cv = self.hcl(&c.expr, src);
            match as_bool(&cv) {
                Some(true) => {}
                Some(false) => return Ok(()),
                None if cv.is_unknown() => {
                    return Err(Node::unknown("a `for` condition is unknown", span)
                        .supplied_if(cv.is_supplied()))
                }
                None => return Err(self.error("a `for` condition is not a bool", span)),
            }
        }
        let Some(kx) = &f.key_expr else {
            list.push(self.hcl(&f.value_expr, src));
            return Ok(());
        };
        let kn = self.hcl(kx, src);
        let Some(key) = as_string(&kn) else {
            return Err(if kn.is_unknown() {
                Node::unknown("a `for` key is unknown", span).supplied_if(kn.is_supplied())
            } else {
                self.error("a `for` key is not a string", span)
            });
        };
        let val = self.hcl(&f.value_expr, src);
        if f.grouping {
            match seen.get(&key).and_then(|&i| map.entries.get_mut(i)) {
                Some(e) => {
                    if let Value::Seq(items) = &mut e.value.value {
                        items.push(val);
                    }
                }
                None => {
                    seen.insert(key.clone(), map.entries.len());
                    let vs = val.span;
                    map.entries.push(crate::parse::Entry {
                        key: key.into(),
                        key_span: kn.span,
                        value: Node::seq(vec![val], vs),
                    });
                }
            }
        } else if seen.insert(key.clone(), map.entries.len()).is_some() {
            return Err(self.error(format!("duplicate key {key:?} in a `for` expression"), span));
        } else {
            map.entries.push(crate::parse::Entry {
                key: key.into(),
                key_span: kn.span,
                value: val,
            });
        }
        Ok(())
    }
}

fn strips_after(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match &**d {
            Directive::If(d) => d.endif_expr.strip.strip_end(),
            Directive::For(d) => d.endfor_expr.strip.strip_end(),
        },
    }
}

fn strips_before(el: &Element) -> bool {
    match el {
        Element::Literal(_) => false,
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match &**d {
            Directive::If(d) => d.if_expr.strip.strip_start(),
            Directive::For(d) => d.for_expr.strip.strip_start(),
        },
    }
}
