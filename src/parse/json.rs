//! JSON parser with byte spans for every key and value (RFC 8259, strict).
//!
//! Hand-written because span-keeping JSON crates either lose key spans or
//! recurse without bound; this one is recursive only up to [`MAX_DEPTH`].

use super::{Entry, Map, Node, ParseError, Value, MAX_DEPTH};
use crate::source::{FileId, Span};

/// Parse one JSON document.
pub fn parse(text: &str, file: FileId) -> Result<Node, ParseError> {
    let mut p = JsonParser {
        src: text.as_bytes(),
        text,
        pos: 0,
        file,
    };
    // A UTF-8 byte order mark is tolerated, as CloudFormation does.
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.pos < p.src.len() {
        return Err(p.err("unexpected text after the JSON value"));
    }
    Ok(node)
}

struct JsonParser<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    file: FileId,
}

impl JsonParser<'_> {
    fn err(&self, msg: &str) -> ParseError {
        let what = match self.src.get(self.pos) {
            None => "end of file".to_string(),
            Some(_) => {
                let ch = self.text.get(self.pos..).and_then(|s| s.chars().next());
                ch.map_or_else(|| "a byte".into(), |c| format!("{c:?}"))
            }
        };
        ParseError::new(
            format!("invalid JSON: {msg} (found {what})"),
            self.file,
            self.pos,
        )
    }

    /// Every array item and object entry checks the unit's time limit
    /// (sampled: [`crate::deadline::passed_sampled`]): a huge document is
    /// stopped where it is, not after the whole of it is read.
    fn in_time(&self) -> Result<(), ParseError> {
        let at = Span::new(self.file, self.pos, self.pos);
        if crate::deadline::passed_sampled(|| at) {
            return Err(ParseError {
                message: super::STOPPED.to_string(),
                span: at,
            });
        }
        Ok(())
    }

    fn span(&self, start: usize) -> Span {
        Span::new(self.file, start, self.pos)
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.pos).copied()
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8, msg: &str) -> Result<(), ParseError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(msg))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, ParseError> {
        if depth >= MAX_DEPTH {
            return Err(self.err(&format!("nesting is deeper than {MAX_DEPTH} levels")));
        }
        let start = self.pos;
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node::string(s, self.span(start)))
            }
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.err("expected a value")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(Node::new(value, self.span(start)))
        } else {
            Err(self.err("expected a value"))
        }
    }

    fn number(&mut self) -> Result<Node, ParseError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err("expected a digit")),
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("expected a digit after '.'"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            float = true;
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.err("expected a digit in the exponent"));
            }
            self.digits();
        }
        let text = self.text.get(start..self.pos).unwrap_or("0");
        let n = if float {
            None
        } else {
            text.parse::<i64>()
                .ok()
                .map(serde_json::Number::from)
                .or_else(|| text.parse::<u64>().ok().map(serde_json::Number::from))
        };
        let n = n.or_else(|| {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
        });
        match n {
            Some(n) => Ok(Node::number(n, self.span(start))),
            None => Ok(Node::string(text, self.span(start))),
        }
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    fn string(&mut self) -> Result<String, ParseError> {
        self.expect(b'"', "expected '\"'")?;
        let mut out = String::new();
        loop {
            let run_start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.err("control character in string")),
                None => return Err(self.err("unterminated string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let c = self.peek().ok_or_else(|| self.err("unterminated escape"))?;
        self.pos += 1;
        match c {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let hi = self.hex4()?;
                let ch = if (0xD800..0xDC00).contains(&hi) {
                    // A surrogate pair; a lone surrogate becomes U+FFFD and
                    // whatever escape follows it is read on its own.
                    let before = self.pos;
                    if self.src[self.pos..].starts_with(b"\\u") {
                        self.pos += 2;
                        let lo = self.hex4()?;
                        if (0xDC00..0xE000).contains(&lo) {
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                        } else {
                            self.pos = before;
                            None
                        }
                    } else {
                        None
                    }
                } else {
                    char::from_u32(hi)
                };
                out.push(ch.unwrap_or('\u{fffd}'));
            }
            _ => {
                self.pos -= 1;
                return Err(self.err("invalid escape"));
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.err("expected four hex digits"))?;
        let v =
            u32::from_str_radix(digits, 16).map_err(|_| self.err("expected four hex digits"))?;
        self.pos += 4;
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<Node, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Node::seq(items, self.span(start)));
        }
        loop {
            self.ws();
            self.in_time()?;
            items.push(self.value(depth + 1)?);
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Node::seq(items, self.span(start)));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Node, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut map = Map::default();
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Node::map(map, self.span(start)));
        }
        loop {
            self.ws();
            self.in_time()?;
            let key_start = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.err("expected a string key"));
            }
            let key = self.string()?;
            let key_span = self.span(key_start);
            self.ws();
            self.expect(b':', "expected ':'")?;
            self.ws();
            let value = self.value(depth + 1)?;
            map.entries.push(Entry {
                key: {
                    let mut k = key.into();
                    super::exact_str(&mut k);
                    k
                },
                key_span,
                value,
            });
            self.ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Node::map(map, self.span(start)));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn parses_with_spans() {
        let text = r#"{"Resources": {"Fn": {"Timeout": 901, "Name": "a\"b"}}}"#;
        let doc = parse(text, FileId(0)).unwrap();
        let t = doc.get_path(&["Resources", "Fn", "Timeout"]).unwrap();
        assert_eq!(slice(text, t.span), "901");
        assert_eq!(
            slice(text, doc.key_span_of(&["Resources", "Fn", "Name"]).unwrap()),
            "\"Name\""
        );
        assert_eq!(
            doc.get_path(&["Resources", "Fn", "Name"]).unwrap().as_str(),
            Some("a\"b")
        );
    }

    #[test]
    fn agrees_with_serde_json() {
        let text = r#"[1, -2.5e3, true, null, "\u00e9\ud83d\ude00", {"a": [], "b": {}}, 0]"#;
        let ours = parse(text, FileId(0)).unwrap().to_json();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
    }

    #[test]
    fn rejects_bad_json_with_a_position() {
        for (text, at) in [
            ("{\"a\": }", 6),
            ("[1, 2", 5),
            ("{\"a\" 1}", 5),
            ("01", 1),
            ("", 0),
        ] {
            let e = parse(text, FileId(0)).unwrap_err();
            assert_eq!(e.span.start as usize, at, "{text}: {e}");
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = parse(&text, FileId(0)).unwrap_err();
        assert!(e.message.contains("deeper"), "{e}");
    }
}
