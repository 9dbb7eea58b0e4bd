//! References: a traversal from a name (`var.`, `local.`, `module.`,
//! `data.`, resource types, `each`/`count` and other bindings) through
//! attributes, instances and indexes. What only apply can know is unknown.

use hcl_edit::expr::TraversalOperator;

use super::{quote, Ev, Instances, Missing};
use crate::parse::{Node, Value};
use crate::source::Span;
use crate::terraform::syntax::Src;
use crate::terraform::value::{self, as_number, as_string, unknown_ref};

impl Ev<'_, '_> {
    pub(super) fn bind(&self, name: &str) -> Option<&Node> {
        self.binds
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// A traversal starting at a name: bindings first, then Terraform's
    /// namespaces, then resource types.
    pub(super) fn root(
        &mut self,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
    ) -> Node {
        if let Some(v) = self.bind(name).cloned() {
            if !self.sh.spend(value::measure(&v, usize::MAX).0, span) {
                return Node::unknown("evaluation budget exhausted", span);
            }
            return self.traverse(v, ops, src, span, Missing::Error);
        }
        if self.env.isolated {
            return self.error(format!("`{name}` is not available here"), span);
        }
        let attr = |i: usize| match ops.get(i).map(|o| &**o) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        match name {
            "var" | "local" => {
                let Some(n) = attr(0) else {
                    return self.error(format!("`{name}` needs an attribute"), span);
                };
                let base = if name == "var" {
                    self.var(n, span)
                } else {
                    self.local(n, span)
                };
                self.traverse(base, ops.get(1..).unwrap_or(&[]), src, span, Missing::Error)
            }
            "module" => {
                let Some(n) = attr(0) else {
                    return self.error("`module` needs a name", span);
                };
                self.module_ref(n, ops.get(1..).unwrap_or(&[]), src, span)
            }
            "data" => {
                let (Some(t), Some(n)) = (attr(0), attr(1)) else {
                    return self.error("`data` needs a type and a name", span);
                };
                self.resource_ref(true, t, n, ops.get(2..).unwrap_or(&[]), src, span)
            }
            "path" => {
                let v = match attr(0) {
                    Some("module") => Node::string(self.env.path_module.clone(), span),
                    Some("root") => Node::string(".", span),
                    _ => Node::unknown("path.cwd depends on where Terraform runs", span),
                };
                self.traverse(v, ops.get(1..).unwrap_or(&[]), src, span, Missing::Error)
            }
            "terraform" => match attr(0) {
                Some("workspace") => Node::string("default", span),
                _ => Node::unknown("terraform metadata is not known statically", span),
            },
            "self" => Node::unknown("`self` is known only after apply", span),
            "each" | "count" => self.error(format!("`{name}` is not available here"), span),
            _ => match attr(0) {
                Some(n) => {
                    self.resource_ref(false, name, n, ops.get(1..).unwrap_or(&[]), src, span)
                }
                None => self.error(format!("unknown name `{name}`"), span),
            },
        }
    }

    pub(super) fn var(&mut self, name: &str, use_span: Span) -> Node {
        let Some(b) = self.env.vars.get(name) else {
            return self.error(format!("var.{name} is not declared"), use_span);
        };
        if !self.sh.spend(b.size, use_span) {
            return Node::unknown("evaluation budget exhausted", use_span);
        }
        self.refs.extend(b.refs.iter().cloned());
        let mut node = b.node.clone();
        // An unknown is shown where it is used (`runtime = var.runtime`),
        // where a reader looks for why a check was not decided.
        if b.cli || node.is_unknown() {
            node.respan(use_span);
        } else {
            let msg = format!("through var.{name}, used at {}", self.sh.place(use_span));
            self.sh.push_via(node.span, msg);
        }
        node
    }

    pub(super) fn local(&mut self, name: &str, use_span: Span) -> Node {
        let Some(b) = self.env.locals.get(name) else {
            if self.env.declared_locals.contains(name) {
                return Node::unknown(
                    format!("local.{name} is part of a dependency cycle"),
                    use_span,
                );
            }
            return self.error(format!("local.{name} is not declared"), use_span);
        };
        if !self.sh.spend(b.size, use_span) {
            return Node::unknown("evaluation budget exhausted", use_span);
        }
        self.refs.extend(b.refs.iter().cloned());
        b.node.clone()
    }

    pub(super) fn module_ref(
        &mut self,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
    ) -> Node {
        // Borrowed from the module's environment, not from `self`: the
        // instances are read in place (a copy per reference made 16k
        // `for_each` references cost the square of the instances).
        let env = self.env;
        let Some(m) = env.modules.get(name) else {
            if self.env.declared_modules.contains(name) {
                return Node::unknown(format!("module.{name} is part of a dependency cycle"), span);
            }
            return self.error(format!("module.{name} is not declared"), span);
        };
        if let Some(why) = &m.why {
            return Node::unknown(why.clone(), span);
        }
        // The outputs this traversal names contribute their references.
        let out_name = ops.iter().find_map(|o| match &**o {
            TraversalOperator::GetAttr(a) => Some(a.as_str()),
            _ => None,
        });
        let refs: Vec<String> = match out_name.and_then(|o| m.out_refs.get(o)) {
            Some(r) => r.clone(),
            None => m.out_refs.values().flatten().cloned().collect(),
        };
        self.refs.extend(refs);
        let inst = &m.inst;
        let addr = if self.env.prefix.is_empty() {
            format!("module.{name}")
        } else {
            format!("{}.module.{name}", self.env.prefix)
        };
        match self.instance(inst, &addr, ops, src, span) {
            Ok((v, _, rest)) => self.traverse(v, rest, src, span, Missing::Error),
            Err(n) => n,
        }
    }

    pub(super) fn resource_ref(
        &mut self,
        data: bool,
        ty: &str,
        name: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
    ) -> Node {
        let key = (data, ty.to_string(), name.to_string());
        let base = self.env.address(data, ty, name);
        let first_attr = |ops: &[hcl_edit::Decorated<TraversalOperator>]| {
            ops.iter().find_map(|o| match &**o {
                TraversalOperator::GetAttr(a) => Some(a.as_str().to_string()),
                _ => None,
            })
        };
        // Read in place, as in `module_ref`.
        let env = self.env;
        let Some(inst) = env.resources.get(&key) else {
            self.refs.push(base.clone());
            let why = if self.env.declared_resources.contains(&key) {
                format!("{base} is part of a dependency cycle")
            } else {
                self.errors += 1;
                format!("{base} is not declared")
            };
            return unknown_ref(why, base, first_attr(ops), span);
        };
        if matches!(inst, Instances::Unknown) {
            self.refs.push(base.clone());
            return unknown_ref(
                format!("the instances of {base} are unknown"),
                base,
                first_attr(ops),
                span,
            );
        }
        let (obj, addr, rest) = match self.instance(inst, &base, ops, src, span) {
            Ok(x) => x,
            Err(n) => return n,
        };
        self.refs.push(addr.clone());
        match rest.first().map(|o| &**o) {
            Some(TraversalOperator::GetAttr(a)) if obj.as_map().is_some() => {
                match obj.get(a.as_str()) {
                    Some(v) => {
                        let v = v.clone();
                        self.traverse(
                            v,
                            rest.get(1..).unwrap_or(&[]),
                            src,
                            span,
                            Missing::Ref(&addr),
                        )
                    }
                    None => {
                        let when = if data {
                            "read at plan time"
                        } else {
                            "known only after apply"
                        };
                        unknown_ref(
                            format!("{addr}.{} is {when}", a.as_str()),
                            addr.clone(),
                            Some(a.as_str().to_string()),
                            span,
                        )
                    }
                }
            }
            _ => self.traverse(obj, rest, src, span, Missing::Ref(&addr)),
        }
    }

    /// Select an instance by the traversal's first index when the resource or
    /// module has several; returns the value, its address and the rest.
    #[allow(clippy::type_complexity)]
    pub(super) fn instance<'o>(
        &mut self,
        inst: &Instances,
        base: &str,
        ops: &'o [hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
    ) -> Result<(Node, String, &'o [hcl_edit::Decorated<TraversalOperator>]), Node> {
        let rest = ops.get(1..).unwrap_or(&[]);
        let index = match ops.first().map(|o| &**o) {
            Some(TraversalOperator::Index(x)) => Some(self.hcl(x, src)),
            Some(TraversalOperator::LegacyIndex(i)) => Some(Node::number(*i.value(), span)),
            _ => None,
        };
        let whole = |inst: &Instances| match inst {
            Instances::Single(v) => v.clone(),
            Instances::List(vs) => Node::seq(vs.clone(), span),
            Instances::Keyed(vs) => value::map_of(vs.clone(), span),
            Instances::Unknown => Node::unknown("instances are unknown", span),
        };
        let n = match inst {
            Instances::Single(v) => v.clone(),
            Instances::List(vs) => match index {
                Some(ix) if ix.is_unknown() => {
                    return Err(
                        unknown_ref("the index is unknown".into(), base.into(), None, span)
                            .supplied_if(ix.is_supplied()),
                    )
                }
                Some(ix) => {
                    let i = as_number(&ix).filter(|f| *f >= 0.0 && f.fract() == 0.0);
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                    let got = i.and_then(|f| vs.get(f as usize).map(|v| (f as usize, v)));
                    return match got {
                        Some((i, v)) => Ok((v.clone(), format!("{base}[{i}]"), rest)),
                        None => {
                            Err(self
                                .error(format!("{base} has no instance {}", ix.to_json()), span))
                        }
                    };
                }
                None => whole(inst),
            },
            Instances::Keyed(vs) => match index {
                Some(ix) if ix.is_unknown() => {
                    return Err(
                        unknown_ref("the key is unknown".into(), base.into(), None, span)
                            .supplied_if(ix.is_supplied()),
                    )
                }
                Some(ix) => {
                    let k = as_string(&ix).unwrap_or_default();
                    return match vs.iter().find(|(kk, _)| *kk == k) {
                        Some((k, v)) => Ok((v.clone(), format!("{base}[{}]", quote(k)), rest)),
                        None => {
                            Err(self.error(format!("{base} has no instance {}", quote(&k)), span))
                        }
                    };
                }
                None => whole(inst),
            },
            Instances::Unknown => return Err(Node::unknown("instances are unknown", span)),
        };
        Ok((n, base.to_string(), ops))
    }

    /// Apply traversal operators to a value.
    pub(super) fn traverse(
        &mut self,
        mut cur: Node,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        src: Src,
        span: Span,
        missing: Missing<'_>,
    ) -> Node {
        for (i, op) in ops.iter().enumerate() {
            if cur.is_unknown() {
                return cur;
            }
            match &**op {
                TraversalOperator::GetAttr(a) => {
                    cur = match cur.value {
                        Value::Map(mut m) => match m.remove(a.as_str()) {
                            Some(v) => v,
                            None => self.missing(a.as_str(), missing, span),
                        },
                        _ => self.missing(a.as_str(), missing, span),
                    };
                }
                TraversalOperator::Index(x) => {
                    let ix = self.hcl(x, src);
                    cur = self.index(cur, &ix, span, missing);
                }
                TraversalOperator::LegacyIndex(n) => {
                    let ix = Node::number(*n.value(), span);
                    cur = self.index(cur, &ix, span, missing);
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = ops.get(i + 1..).unwrap_or(&[]);
                    let cs = cur.span;
                    return match cur.value {
                        Value::Null => Node::seq(Vec::new(), span),
                        Value::Seq(items) => {
                            let out = items
                                .into_iter()
                                .map(|v| self.traverse(v, rest, src, span, missing))
                                .collect();
                            Node::seq(out, cs)
                        }
                        _ => {
                            let one = self.traverse(cur, rest, src, span, missing);
                            Node::seq(vec![one], span)
                        }
                    };
                }
            }
        }
        cur
    }

    pub(super) fn missing(&mut self, attr: &str, missing: Missing<'_>, span: Span) -> Node {
        match missing {
            Missing::Error => self.error(format!("no attribute `{attr}`"), span),
            Missing::Ref(addr) => unknown_ref(
                format!("{addr} attribute `{attr}` is known only after apply"),
                addr.to_string(),
                Some(attr.to_string()),
                span,
            ),
        }
    }

    pub(super) fn index(&mut self, cur: Node, ix: &Node, span: Span, missing: Missing<'_>) -> Node {
        if ix.is_unknown() {
            return Node::unknown("the index is unknown", span).supplied_if(ix.is_supplied());
        }
        match cur.value {
            Value::Seq(mut items) => {
                let i = as_number(ix).filter(|f| *f >= 0.0 && f.fract() == 0.0);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                match i.map(|f| f as usize).filter(|&i| i < items.len()) {
                    Some(i) => items.swap_remove(i),
                    None => match missing {
                        Missing::Ref(a) => {
                            unknown_ref(format!("{a}: index out of range"), a.into(), None, span)
                        }
                        Missing::Error => self.error("index out of range", span),
                    },
                }
            }
            Value::Map(mut m) => match as_string(ix).and_then(|k| m.remove(&k)) {
                Some(v) => v,
                None => self.missing(&as_string(ix).unwrap_or_default(), missing, span),
            },
            _ => self.error("only lists and maps can be indexed", span),
        }
    }
}
