//! The syntax of Serverless Framework variables (`${self:custom.x}`,
//! `${opt:stage, self:provider.stage, 'dev'}`, `${file(./c.yml):key}`):
//! a string value becomes a [`Template`] of literal text and variables,
//! evaluated later by the resolver.
//!
//! Only `${...}` whose content starts with a lowercase source name and a
//! colon (or `file(`-style parameters) is a variable. Everything else
//! (`${AWS::Region}`, `${Bucket.Arn}` in an `Fn::Sub`) is literal text for
//! CloudFormation, exactly as the Framework leaves it.

/// Deepest nesting of `${...}` inside one variable that is parsed; deeper
/// input (hostile or generated) makes the value unknown with a note.
pub const MAX_NESTING: usize = 64;

/// A string split into literal text and variables.
pub type Template = Vec<Piece>;

#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Lit(String),
    Var(Var),
}

/// One `${...}`: its sources in fallback order.
#[derive(Clone, Debug, PartialEq)]
pub struct Var {
    pub sources: Vec<Source>,
    /// The variable as written (for notes and `via` messages).
    pub text: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// `kind(params):address`, e.g. `self:custom.x`, `file(./a.yml):k`.
    Ref {
        kind: String,
        params: Option<Template>,
        address: Option<Template>,
    },
    Str(String),
    Num(serde_json::Number),
    Bool(bool),
    Null,
    /// A nested `${...}` used as a fallback or a whole source.
    Nested(Box<Var>),
}

/// Why a string could not be parsed as a template.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SyntaxError {
    #[error("variables nest deeper than {MAX_NESTING} levels")]
    TooDeep,
}

/// True when `s` may hold a variable (cheap pre-check).
pub fn has_variable(s: &str) -> bool {
    s.contains("${")
}

/// Split `s` into literal text and variables. A `${` that does not open a
/// well-formed variable stays literal text.
pub fn parse_template(s: &str) -> Result<Template, SyntaxError> {
    let mut p = Parser { s, pos: 0 };
    let t = p.template(0, &[])?;
    Ok(merge_literals(t))
}

/// The single variable of a template that is nothing else (`${self:x}`),
/// whose value keeps its type.
pub fn whole_var(t: &Template) -> Option<&Var> {
    match t.as_slice() {
        [Piece::Var(v)] => Some(v),
        _ => None,
    }
}

fn merge_literals(t: Template) -> Template {
    let mut out: Template = Vec::with_capacity(t.len());
    for p in t {
        match (out.last_mut(), p) {
            (Some(Piece::Lit(a)), Piece::Lit(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.s.get(self.pos..).unwrap_or("")
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.bump();
        }
    }

    /// Text and variables until one of `stops` (at nesting level 0) or the end.
    fn template(&mut self, depth: usize, stops: &[char]) -> Result<Template, SyntaxError> {
        let mut out = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            if stops.contains(&c) {
                break;
            }
            if self.rest().starts_with("${") {
                let start = self.pos;
                match self.variable(depth + 1)? {
                    Some(v) => {
                        if !lit.is_empty() {
                            out.push(Piece::Lit(std::mem::take(&mut lit)));
                        }
                        out.push(Piece::Var(v));
                    }
                    None => {
                        // Not a variable: keep `${` as text and go on after it.
                        self.pos = start + 2;
                        lit.push_str("${");
                    }
                }
                continue;
            }
            lit.push(c);
            self.bump();
        }
        if !lit.is_empty() {
            out.push(Piece::Lit(lit));
        }
        Ok(out)
    }

    /// A `${...}` at the cursor, or `None` (cursor unspecified) when the text
    /// there is not a variable.
    fn variable(&mut self, depth: usize) -> Result<Option<Var>, SyntaxError> {
        if depth > MAX_NESTING {
            return Err(SyntaxError::TooDeep);
        }
        let start = self.pos;
        self.pos += 2;
        let mut sources = Vec::new();
        loop {
            self.skip_ws();
            let Some(src) = self.source(depth)? else {
                return Ok(None);
            };
            sources.push(src);
            self.skip_ws();
            match self.bump() {
                Some(',') => continue,
                Some('}') => break,
                _ => return Ok(None),
            }
        }
        let text = self.s.get(start..self.pos).unwrap_or("").to_string();
        Ok(Some(Var { sources, text }))
    }

    fn source(&mut self, depth: usize) -> Result<Option<Source>, SyntaxError> {
        match self.peek() {
            Some('\'' | '"') => Ok(self.quoted().map(Source::Str)),
            Some('$') if self.rest().starts_with("${") => Ok(self
                .variable(depth + 1)?
                .map(|v| Source::Nested(Box::new(v)))),
            Some(c) if c.is_ascii_digit() || c == '-' => Ok(self.number()),
            Some(c) if c.is_ascii_lowercase() => self.reference(depth),
            _ => Ok(None),
        }
    }

    fn quoted(&mut self) -> Option<String> {
        let q = self.bump()?;
        let mut out = String::new();
        loop {
            match self.bump()? {
                c if c == q => return Some(out),
                '\\' => out.push(self.bump()?),
                c => out.push(c),
            }
        }
    }

    fn number(&mut self) -> Option<Source> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_digit() || matches!(c, '-' | '.' | 'e' | 'E' | '+'))
        {
            self.bump();
        }
        let text = self.s.get(start..self.pos)?;
        serde_json::from_str::<serde_json::Number>(text)
            .ok()
            .map(Source::Num)
    }

    /// `kind`, optional `(params)`, optional `:address`; bare `true`,
    /// `false` and `null` are literals.
    fn reference(&mut self, depth: usize) -> Result<Option<Source>, SyntaxError> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            self.bump();
        }
        let kind = self.s.get(start..self.pos).unwrap_or("").to_string();
        let mut params = None;
        if self.peek() == Some('(') {
            self.bump();
            params = Some(merge_literals(self.template(depth, &[')', '}'])?));
            if self.bump() != Some(')') {
                return Ok(None);
            }
        }
        let mut address = None;
        if self.peek() == Some(':') {
            self.bump();
            let t = self.template(depth, &[',', '}'])?;
            address = Some(trim(merge_literals(t)));
        }
        if params.is_none() && address.is_none() {
            return Ok(match kind.as_str() {
                "true" => Some(Source::Bool(true)),
                "false" => Some(Source::Bool(false)),
                "null" => Some(Source::Null),
                _ => None,
            });
        }
        Ok(Some(Source::Ref {
            kind,
            params,
            address,
        }))
    }
}

/// Trim the whitespace around an address (`${opt:stage , 'dev'}`).
fn trim(mut t: Template) -> Template {
    if let Some(Piece::Lit(s)) = t.first_mut() {
        *s = s.trim_start().to_string();
    }
    if let Some(Piece::Lit(s)) = t.last_mut() {
        *s = s.trim_end().to_string();
    }
    t.retain(|p| !matches!(p, Piece::Lit(s) if s.is_empty()));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Piece {
        Piece::Lit(s.into())
    }

    fn addr(kind: &str, a: &str) -> Source {
        Source::Ref {
            kind: kind.into(),
            params: None,
            address: Some(vec![lit(a)]),
        }
    }

    #[test]
    fn a_whole_variable() {
        let t = parse_template("${self:custom.timeout}").unwrap();
        let v = whole_var(&t).unwrap();
        assert_eq!(v.sources, vec![addr("self", "custom.timeout")]);
        assert_eq!(v.text, "${self:custom.timeout}");
    }

    #[test]
    fn fallbacks_of_every_kind() {
        let t = parse_template("${opt:stage, self:provider.stage, 'dev', \"x\", 3, true, null}")
            .unwrap();
        let v = whole_var(&t).unwrap();
        assert_eq!(
            v.sources,
            vec![
                addr("opt", "stage"),
                addr("self", "provider.stage"),
                Source::Str("dev".into()),
                Source::Str("x".into()),
                Source::Num(3.into()),
                Source::Bool(true),
                Source::Null,
            ]
        );
    }

    #[test]
    fn nested_variables_and_text() {
        let t = parse_template("arn:${opt:stage, ${self:custom.stage}}-x").unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0], lit("arn:"));
        assert_eq!(t[2], lit("-x"));
        let Piece::Var(v) = &t[1] else { panic!() };
        assert_eq!(v.sources.len(), 2);
        let Source::Nested(inner) = &v.sources[1] else {
            panic!()
        };
        assert_eq!(inner.sources, vec![addr("self", "custom.stage")]);
    }

    #[test]
    fn file_parameters_and_nested_addresses() {
        let t = parse_template("${file(./config/${self:provider.stage}.yml):a.b}").unwrap();
        let v = whole_var(&t).unwrap();
        let Source::Ref {
            kind,
            params,
            address,
        } = &v.sources[0]
        else {
            panic!()
        };
        assert_eq!(kind, "file");
        let params = params.as_ref().unwrap();
        assert_eq!(params.len(), 3);
        assert_eq!(params[0], lit("./config/"));
        assert_eq!(address.as_ref().unwrap(), &vec![lit("a.b")]);
    }

    #[test]
    fn cloudformation_substitutions_stay_text() {
        let s = "arn:${AWS::Partition}:s3:::${Bucket}/${self:custom.k}";
        let t = parse_template(s).unwrap();
        assert_eq!(t[0], lit("arn:${AWS::Partition}:s3:::${Bucket}/"));
        assert!(matches!(t[1], Piece::Var(_)));
        assert_eq!(
            parse_template("${unclosed").unwrap(),
            vec![lit("${unclosed")]
        );
        assert_eq!(parse_template("$x {y}").unwrap(), vec![lit("$x {y}")]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let mut s = String::new();
        for _ in 0..10_000 {
            s.push_str("${opt:a, ");
        }
        s.push_str("'x'");
        for _ in 0..10_000 {
            s.push('}');
        }
        assert_eq!(parse_template(&s), Err(SyntaxError::TooDeep));
        let ok = "${opt:a, ${opt:b, 'x'}}";
        assert!(parse_template(ok).is_ok());
    }
}
