//! Where a variable's value comes from: each source kind (`self:`, `opt:`,
//! `sls:`, `env:`, `file()`, fallbacks, deploy-time ones) looked up, and
//! paths followed inside the service file or a loaded file.

use super::*;

impl Resolver<'_> {
    /// The first source of a variable with a value (or unknown), and for a
    /// `${self:...}` value, the label saying where it came from.
    pub(super) fn var(&mut self, var: &Var, span: Span) -> (Got, Option<String>) {
        let last = var.sources.len().saturating_sub(1);
        for (i, src) in var.sources.iter().enumerate() {
            let (got, label) = self.source(src, span);
            match got {
                Got::Undefined => continue,
                Got::Value(v) if v.is_null() && i < last => continue,
                other => return (other, label),
            }
        }
        (Got::Undefined, None)
    }

    pub(super) fn source(&mut self, src: &Source, span: Span) -> (Got, Option<String>) {
        let lit = |v: Value| (Got::Value(Node::new(v, span)), None);
        match src {
            Source::Str(s) => lit(Value::String(s.clone().into())),
            Source::Num(n) => lit(Value::Number(n.clone())),
            Source::Bool(b) => lit(Value::Bool(*b)),
            Source::Null => lit(Value::Null),
            Source::Nested(v) => self.var(v, span),
            Source::Ref {
                kind,
                params,
                address,
            } => {
                // An address the deployer supplies (`${self:custom.${opt:stage}}`)
                // picks the value: it is theirs too.
                let address = match address {
                    Some(t) => match self.render(t, span) {
                        Ok(s) => Some(s),
                        Err(u) => return (Got::Unknown(u), None),
                    },
                    None => None,
                };
                let params = match params {
                    Some(t) => match self.render(t, span) {
                        Ok(s) => Some(s),
                        Err(u) => return (Got::Unknown(u), None),
                    },
                    None => None,
                };
                self.reference(kind, params.as_deref(), address.as_deref(), span)
            }
        }
    }

    pub(super) fn reference(
        &mut self,
        kind: &str,
        params: Option<&str>,
        address: Option<&str>,
        span: Span,
    ) -> (Got, Option<String>) {
        let addr = address.unwrap_or("").trim();
        match kind {
            "self" => {
                let got = self.self_path(addr, span);
                let label = match &got {
                    Got::Value(v) if v.span != span => Some(format!("${{self:{addr}}}")),
                    _ => None,
                };
                (got, label)
            }
            "opt" => (self.option(addr, span), None),
            "env" => (self.env_var(addr, span), None),
            "file" => (self.file_source(params.unwrap_or(""), address, span), None),
            "sls" if addr == "stage" => self.stage(span),
            "aws" if addr == "region" => self.region(span),
            _ => {
                let shown = match (params, address) {
                    (Some(p), Some(a)) => format!("${{{kind}({p}):{a}}}"),
                    (Some(p), None) => format!("${{{kind}({p})}}"),
                    (None, _) => format!("${{{kind}:{addr}}}"),
                };
                // The Framework's own values (`${sls:instanceId}`) and the
                // account deployed to (`${aws:accountId}`) are not the
                // deployer's to choose; parameters, SSM, other stacks'
                // outputs, S3 objects and plugins' sources are.
                let supplied = !matches!(kind, "sls" | "aws");
                (
                    Got::Unknown(Unknown::new(
                        format!("{} is only known at deploy time", short(&shown)),
                        supplied,
                    )),
                    None,
                )
            }
        }
    }

    pub(super) fn option(&self, name: &str, span: Span) -> Got {
        match self.env.options.get(name) {
            Some(v) => Got::Value(Node::string(v.clone(), span)),
            None => Got::Undefined,
        }
    }

    pub(super) fn env_var(&self, name: &str, span: Span) -> Got {
        if !self.env.resolve_env {
            return Got::Unknown(Unknown::new(
                format!("${{env:{name}}} is not resolved (resolving environment variables is off)"),
                true,
            ));
        }
        match std::env::var(name) {
            Ok(v) => Got::Value(Node::string(v, span)),
            Err(_) => Got::Undefined,
        }
    }

    /// `${sls:stage}`: the `--stage` option, else `provider.stage`, else `dev`.
    pub(super) fn stage(&mut self, span: Span) -> (Got, Option<String>) {
        self.option_or_provider("stage", "dev", span)
    }

    /// `${aws:region}`: the `--region` option, else `provider.region`, else
    /// the Framework's default `us-east-1`.
    pub(super) fn region(&mut self, span: Span) -> (Got, Option<String>) {
        self.option_or_provider("region", "us-east-1", span)
    }

    pub(super) fn option_or_provider(
        &mut self,
        name: &str,
        default: &str,
        span: Span,
    ) -> (Got, Option<String>) {
        if let Got::Value(v) = self.option(name, span) {
            return (Got::Value(v), None);
        }
        match self.self_path(&format!("provider.{name}"), span) {
            Got::Value(v) => {
                let label = (v.span != span).then(|| format!("${{self:provider.{name}}}"));
                (Got::Value(v), label)
            }
            Got::Unknown(r) => (Got::Unknown(r), None),
            Got::Undefined => (Got::Value(Node::string(default, span)), None),
        }
    }

    /// `${self:a.b.0}` in the service file. `provider.stage` and
    /// `provider.region` have the Framework's defaults.
    pub(super) fn self_path(&mut self, addr: &str, span: Span) -> Got {
        let segs: Vec<&str> = addr.split('.').filter(|s| !s.is_empty()).collect();
        let raw = self.raw;
        let got = self.path_in(SELF_NS, raw, &segs, span);
        if matches!(got, Got::Undefined) {
            match segs.as_slice() {
                ["provider", "stage"] => return Got::Value(Node::string("dev", span)),
                ["provider", "region"] => return Got::Value(Node::string("us-east-1", span)),
                _ => {}
            }
        }
        got
    }

    /// The resolved value at `segs` under `root` (namespace `ns`).
    pub(super) fn path_in(&mut self, ns: &str, root: &Node, segs: &[&str], span: Span) -> Got {
        let mut key = ns.to_string();
        for s in segs {
            key = child_key(&key, s);
        }
        if let Some(v) = self.copy_cached(&key, || shown(&key), span) {
            return Got::Value(v);
        }
        if self.cyclic(&key) {
            return match self.cycle(&key, span).value {
                Value::Unknown(u) => Got::Unknown(*u),
                _ => Got::Undefined,
            };
        }
        // Walk the raw tree; a variable on the way is resolved first (its
        // value may be a map the rest of the path goes into).
        let mut cur = root;
        let mut cur_key = ns.to_string();
        for (i, seg) in segs.iter().enumerate() {
            if is_template(cur) {
                // Resolved (and memoized) once; the rest of the path is
                // read from the memo without copying the whole value.
                let fresh = match self.cache.contains_key(&cur_key) {
                    true => None,
                    false => Some(self.leaf(cur, cur_key.clone(), 0)),
                };
                let room = self.room();
                let found = {
                    let base = match (&fresh, self.cache.get(&cur_key)) {
                        (Some(v), _) => v,
                        (None, Some(c)) => &c.node,
                        (None, None) => return Got::Undefined,
                    };
                    match descend(base, &segs[i..]) {
                        Ok(n) => match size_within(n, room).filter(|s| self.allows(*s)) {
                            Some(size) => Ok((n.clone(), size)),
                            None => Err(None),
                        },
                        Err(got) => Err(Some(got)),
                    }
                };
                return match found {
                    Ok((v, size)) => {
                        self.charge(size);
                        let what = || shown(&key);
                        Got::Value(self.keep(key.clone(), v, what, span))
                    }
                    Err(Some(got)) => got,
                    Err(None) => Got::Value(self.too_big(|| shown(&key), span)),
                };
            }
            match child(cur, seg) {
                Some(c) => cur = c,
                None => return Got::Undefined,
            }
            cur_key = child_key(&cur_key, seg);
        }
        if is_template(cur) {
            // A string guards and memoizes itself, under the same key.
            return Got::Value(self.leaf(cur, key, 0));
        }
        let v = self.guarded(&key, span, |r| r.tree(cur, key.clone(), 0));
        let what = || shown(&key);
        Got::Value(self.keep(key.clone(), v, what, span))
    }

    /// `${file(path):address}`: a value from an included file, with the
    /// use site's span.
    pub(super) fn file_source(&mut self, rel: &str, address: Option<&str>, span: Span) -> Got {
        let rel = rel.trim();
        if rel.is_empty() {
            return Got::Unknown(Unknown::new("${file()} names no file", false));
        }
        // A template the scan holds is read under its own id: what it
        // holds keeps its own spans, so findings point into it.
        let mut own = None;
        let (path, loaded) = match self.sandbox.locate(rel) {
            Ok(p) => {
                own = self.env.fragments.get(&p).copied();
                match self.loaded.get(&p) {
                    Some(l) => (Some(p), l.clone()),
                    None => {
                        let (_, l) = self.sandbox.load(rel, own.unwrap_or(self.file));
                        let l = Rc::new(l);
                        self.loaded.insert(p.clone(), l.clone());
                        (Some(p), l)
                    }
                }
            }
            Err(l) => (None, Rc::new(l)),
        };
        let doc = match &*loaded {
            Loaded::Doc(d) => d,
            Loaded::Missing => return Got::Undefined,
            Loaded::Unreadable {
                reason,
                note,
                outside,
            } => {
                if *note {
                    self.note(format!("${{file({rel})}}: {reason}"), span);
                }
                return Got::Unknown(Unknown::new(reason.clone(), *outside));
            }
        };
        let ns = format!(
            "file:{}",
            path.map(|p| p.display().to_string()).unwrap_or_default()
        );
        let segs: Vec<&str> = address
            .unwrap_or("")
            .split('.')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        self.in_file += 1;
        let got = self.path_in(&ns, doc, &segs, span);
        self.in_file -= 1;
        match got {
            Got::Value(v) if own.is_some() => {
                self.fragments.extend(own);
                Got::Value(v)
            }
            Got::Value(mut v) => {
                v.respan(span);
                Got::Value(v)
            }
            other => other,
        }
    }
}
