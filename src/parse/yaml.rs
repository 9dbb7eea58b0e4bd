//! YAML parser: `saphyr-parser` events folded into [`Node`] trees with byte spans.
//!
//! The builder is iterative (an explicit stack), bounds nesting and alias
//! expansion, applies YAML merge keys (`<<`), and turns CloudFormation short
//! tags into their long JSON forms (`!Ref x` → `{"Ref": "x"}`).

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::{cfn_tags, Entry, Map, Node, ParseError, Value, MAX_ALIAS_NODES, MAX_DEPTH};
use crate::source::{FileId, Span};

/// Parse every document of a YAML stream.
///
/// saphyr-parser 0.3 rejects one layout that libyaml, PyYAML and CloudFormation accept: a
/// multi-line flow collection whose closing `]`/`}` sits at the column of the key that holds it,
/// right after a quoted scalar or a nested flow collection. The `:` of that key adds a one-column
/// "non-block" indentation level that only a *plain* scalar removes again
/// (`unroll_non_block_indents`), so the bracket is measured against the key's column plus one and
/// fails with "invalid indentation" (upstream: saphyr-rs/saphyr PR #108, unreleased). Indentation
/// does not matter inside flow collections, so when that is the error we join the bracket to the
/// line of the entry before it (its line breaks become spaces: same length, so every span and
/// error offset still points into the original text) and parse again.
pub fn parse(text: &str, file: FileId) -> Result<Vec<Node>, ParseError> {
    let mut patched: Option<String> = None;
    for _ in 0..MAX_BRACKET_FIXES {
        let input = patched.as_deref().unwrap_or(text);
        match parse_events(input, file) {
            Ok(docs) => return Ok(docs),
            Err((err, info)) => match join_closing_bracket(input, &info, err.span.start as usize) {
                Some(fixed) => patched = Some(fixed),
                None => return Err(err),
            },
        }
    }
    parse_events(patched.as_deref().unwrap_or(text), file).map_err(|(err, _)| err)
}

/// Most closing brackets [`parse`] re-attaches in one file (each costs a parse).
const MAX_BRACKET_FIXES: usize = 256;

/// For saphyr's false "invalid indentation" at a closing `]`/`}` (see [`parse`]): the text with
/// the line breaks between that bracket and the entry before it turned into spaces. `None` when
/// the error is another one, or when the line before might end in a comment (joining would pull
/// the bracket into it).
fn join_closing_bracket(text: &str, info: &str, at: usize) -> Option<String> {
    if info != "invalid indentation" {
        return None;
    }
    let bytes = text.as_bytes();
    if !matches!(bytes.get(at), Some(b']' | b'}')) {
        return None;
    }
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    if !text.get(line_start..at)?.bytes().all(|b| b == b' ') || line_start == 0 {
        return None;
    }
    // The last character of the entry before the bracket.
    let before = text
        .get(..line_start)?
        .trim_end_matches([' ', '\t', '\r', '\n']);
    let prev_line = before.rsplit('\n').next().unwrap_or(before);
    let last = before.bytes().last()?;
    if !matches!(last, b'"' | b'\'' | b',' | b']' | b'}') || prev_line.contains(" #") {
        return None;
    }
    let mut fixed = text.to_owned();
    let run = before.len()..at;
    // Only ASCII whitespace is replaced, byte for byte, so `fixed` stays valid UTF-8 and every
    // offset keeps its meaning.
    let joined: String = text
        .get(run.clone())?
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    fixed.replace_range(run, &joined);
    Some(fixed)
}

/// One pass of saphyr-parser over `text`; an error comes with saphyr's own message (`info`).
fn parse_events(text: &str, file: FileId) -> Result<Vec<Node>, (ParseError, String)> {
    let offsets = CharOffsets::new(text);
    let mut builder = Builder {
        text,
        stack: Vec::new(),
        anchors: Vec::new(),
        docs: Vec::new(),
        root: None,
        alias_nodes: 0,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(next) = parser.next_event() {
        match next {
            Ok((event, span)) => {
                let start = offsets.byte(span.start.index());
                let end = offsets.byte(span.end.index());
                // The unit's time limit, sampled per event: a huge stream
                // is stopped where it is.
                let at = Span::new(file, start, end);
                if crate::deadline::passed_sampled(|| at) {
                    return Err((
                        ParseError {
                            message: super::STOPPED.to_string(),
                            span: at,
                        },
                        String::new(),
                    ));
                }
                builder
                    .on_event(event, Span::new(file, start, end))
                    .map_err(|e| (e, String::new()))?;
            }
            Err(e) => {
                let offset = offsets.byte(e.marker().index());
                return Err((
                    ParseError::new(format!("invalid YAML: {}", e.info()), file, offset),
                    e.info().to_owned(),
                ));
            }
        }
    }
    Ok(builder.docs)
}

/// Maps the parser's character indexes to byte offsets.
struct CharOffsets<'t> {
    text: &'t str,
    /// (char index, extra bytes so far) for every multi-byte character.
    multi: Vec<(usize, usize)>,
}

impl<'t> CharOffsets<'t> {
    fn new(text: &'t str) -> Self {
        let mut multi = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (ci, ch) in text.chars().enumerate() {
                let len = ch.len_utf8();
                if len > 1 {
                    extra += len - 1;
                    multi.push((ci, extra));
                }
            }
        }
        CharOffsets { text, multi }
    }

    /// The byte offset of a character index, clamped to the text and to a
    /// character boundary: saphyr-parser 0.3.4 counts bytes instead of
    /// characters after a non-ASCII unknown directive (`%😀`), and a span
    /// must never point outside the text.
    fn byte(&self, char_index: usize) -> usize {
        let k = self.multi.partition_point(|&(c, _)| c < char_index);
        let extra = if k == 0 { 0 } else { self.multi[k - 1].1 };
        let mut b = (char_index + extra).min(self.text.len());
        while b > 0 && !self.text.is_char_boundary(b) {
            b -= 1;
        }
        b
    }
}

enum Frame {
    Seq {
        items: Vec<Node>,
        start: Span,
        anchor: usize,
        tag: Option<String>,
    },
    Map {
        map: Map,
        key: Option<(String, Span)>,
        start: Span,
        anchor: usize,
        tag: Option<String>,
    },
}

struct Builder<'t> {
    text: &'t str,
    stack: Vec<Frame>,
    anchors: Vec<Option<Node>>,
    docs: Vec<Node>,
    root: Option<Node>,
    alias_nodes: usize,
}

impl Builder<'_> {
    fn err(&self, msg: impl Into<String>, span: Span) -> ParseError {
        ParseError {
            message: msg.into(),
            span,
        }
    }

    fn on_event(&mut self, event: Event<'_>, span: Span) -> Result<(), ParseError> {
        match event {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_) => self.root = None,
            Event::DocumentEnd => {
                let root = self.root.take().unwrap_or_else(|| Node::null(span));
                self.docs.push(root);
            }
            Event::Alias(id) => {
                let node = self
                    .anchors
                    .get(id)
                    .and_then(Option::as_ref)
                    .cloned()
                    .ok_or_else(|| self.err("alias refers to an unknown anchor", span))?;
                self.alias_nodes += node.count();
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return Err(self.err(
                        format!(
                            "YAML aliases expand to more than {MAX_ALIAS_NODES} nodes (alias bomb?)"
                        ),
                        span,
                    ));
                }
                self.deliver(node, span)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| tag_name(&t));
                // A scalar in key position is taken as written.
                if let Some(Frame::Map {
                    key: key @ None, ..
                }) = self.stack.last_mut()
                {
                    *key = Some((text.into_owned(), span));
                    return Ok(());
                }
                let value = resolve_scalar(&text, style, tag.as_deref());
                // The event span of a scalar starts at its anchor and tag;
                // the value itself starts after them.
                let inner = self.skip_properties(span, true);
                // A quoted scalar's event span runs on over a trailing
                // comment; it ends at the closing quote.
                let inner = match style {
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        self.closing_quote(inner)
                    }
                    _ => inner,
                };
                let outer = Span {
                    end: inner.end,
                    ..self.skip_properties(span, false)
                };
                let node = apply_tag(Node::new(value, inner), tag.as_deref(), outer);
                self.remember(anchor, &node);
                self.deliver(node, span)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    start: span,
                    anchor,
                    tag: tag.map(|t| tag_name(&t)),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Map {
                    map: Map::default(),
                    key: None,
                    start: span,
                    anchor,
                    tag: tag.map(|t| tag_name(&t)),
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    items,
                    start,
                    anchor,
                    tag,
                }) = self.stack.pop()
                {
                    let whole = self.collection_span(start, items.last().map(|n| n.span), span);
                    let node = apply_tag(Node::seq(items, whole), tag.as_deref(), whole);
                    self.remember(anchor, &node);
                    self.deliver(node, span)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    map,
                    start,
                    anchor,
                    tag,
                    ..
                }) = self.stack.pop()
                {
                    let map = apply_merge_keys(map);
                    let last = map.entries.last().map(|e| e.value.span);
                    let whole = self.collection_span(start, last, span);
                    let node = apply_tag(Node::map(map, whole), tag.as_deref(), whole);
                    self.remember(anchor, &node);
                    self.deliver(node, span)?;
                }
            }
        }
        Ok(())
    }

    /// Skip the node properties (`&anchor`, and `!Tag` when `tags`) that
    /// an event span starts with.
    fn skip_properties(&self, span: Span, tags: bool) -> Span {
        let (mut start, end) = (span.start as usize, span.end as usize);
        while let Some(s) = self.text.get(start..end) {
            let skip = s.starts_with('&') || (tags && s.starts_with('!'));
            if !skip {
                break;
            }
            let Some(token) = s.find(char::is_whitespace) else {
                break;
            };
            let rest = &s[token..];
            start += token + (rest.len() - rest.trim_start().len());
        }
        Span::new(span.file, start, end)
    }

    /// `span` cut just after the quote closing the quoted scalar it starts
    /// with (`\"` escapes in double quotes, `''` in single ones).
    fn closing_quote(&self, span: Span) -> Span {
        let Some(s) = self.text.get(span.start as usize..span.end as usize) else {
            return span;
        };
        let mut chars = s.char_indices();
        let Some((_, quote)) = chars.next().filter(|(_, c)| *c == '"' || *c == '\'') else {
            return span;
        };
        while let Some((i, c)) = chars.next() {
            if quote == '"' && c == '\\' {
                chars.next();
            } else if c == quote {
                if quote == '\'' && s[i + 1..].starts_with('\'') {
                    chars.next();
                    continue;
                }
                return Span::new(span.file, span.start as usize, span.start as usize + i + 1);
            }
        }
        span
    }

    /// A collection's span: from its start to its last item, or, for a
    /// flow collection (`[...]`, `{...}`), to its closing bracket.
    fn collection_span(&self, start: Span, last: Option<Span>, end_event: Span) -> Span {
        let body = self.skip_properties(start, true);
        let start = self.skip_properties(start, false);
        let flow = self
            .text
            .get(body.start as usize..)
            .is_some_and(|s| s.starts_with(['[', '{']));
        let whole = match last {
            Some(l) => start.join(l),
            None => start,
        };
        if flow && end_event.end >= whole.end {
            Span {
                end: end_event.end,
                ..whole
            }
        } else {
            whole
        }
    }

    fn check_depth(&self, span: Span) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.err(
                format!("YAML nesting is deeper than {MAX_DEPTH} levels"),
                span,
            ));
        }
        Ok(())
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor == 0 {
            return;
        }
        if self.anchors.len() <= anchor {
            self.anchors.resize(anchor + 1, None);
        }
        self.anchors[anchor] = Some(node.clone());
    }

    fn deliver(&mut self, node: Node, span: Span) -> Result<(), ParseError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                Some((k, key_span)) => map.entries.push(Entry {
                    key: {
                        let mut k = k.into();
                        super::exact_str(&mut k);
                        k
                    },
                    key_span,
                    value: node,
                }),
                // A complex (mapping or sequence) key: keep it as its JSON text.
                None => *key = Some((node.to_json().to_string(), span)),
            },
        }
        Ok(())
    }
}

fn tag_name(tag: &Tag) -> String {
    if tag.handle == "!" {
        tag.suffix.clone()
    } else if tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!" {
        format!("!!{}", tag.suffix)
    } else {
        format!("{}{}", tag.handle, tag.suffix)
    }
}

/// Wrap a node in the long form of a CloudFormation short tag.
fn apply_tag(node: Node, tag: Option<&str>, span: Span) -> Node {
    let Some(tag) = tag else { return node };
    let Some(long) = cfn_tags::long_form(tag) else {
        return node;
    };
    let inner = match (&node.value, long) {
        // `!GetAtt Res.Attr` is `{"Fn::GetAtt": ["Res", "Attr"]}`.
        (Value::String(s), "Fn::GetAtt") => {
            let (res, attr) = s.split_once('.').unwrap_or((s.as_str(), ""));
            Node::seq(
                vec![Node::string(res, node.span), Node::string(attr, node.span)],
                node.span,
            )
        }
        (Value::Null, _) => Node::string("", node.span),
        _ => node,
    };
    let mut map = Map::default();
    map.entries.push(Entry {
        key: long.to_string().into(),
        key_span: span,
        value: inner,
    });
    Node::map(map, span)
}

/// YAML merge keys: entries of `<<: *base` (or a list of them) fill in keys the
/// mapping does not set itself.
fn apply_merge_keys(map: Map) -> Map {
    if !map.entries.iter().any(|e| e.key == "<<") {
        return map;
    }
    let (merges, own): (Vec<Entry>, Vec<Entry>) =
        map.entries.into_iter().partition(|e| e.key == "<<");
    let mut out = Map { entries: own };
    for merge in merges {
        let sources: Vec<Node> = match merge.value.value {
            Value::Map(_) => vec![merge.value],
            Value::Seq(items) => items,
            _ => continue,
        };
        for src in sources {
            if let Value::Map(m) = src.value {
                for e in m.entries {
                    if !out.contains_key(&e.key) {
                        out.entries.push(e);
                    }
                }
            }
        }
    }
    out
}

/// Resolve a scalar by the YAML 1.2 core schema, with two CloudFormation-minded
/// exceptions: decimal numbers with a leading zero (account ids) and `.inf`/
/// `.nan` stay strings.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("!!str") => return Value::String(text.to_string().into()),
        Some("!!null") => return Value::Null,
        Some("!!bool") | Some("!!int") | Some("!!float") => {}
        _ if style != ScalarStyle::Plain => return Value::String(text.to_string().into()),
        _ => {}
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(n) = parse_number(text) {
        return Value::Number(n);
    }
    Value::String(text.to_string().into())
}

fn parse_number(text: &str) -> Option<serde_json::Number> {
    let b = text.as_bytes();
    let first = *b.first()?;
    if !(first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.') {
        return None;
    }
    let unsigned = text.trim_start_matches(['-', '+']);
    // Hex and octal are unsigned in the core schema; `-0x1F` is a string.
    if let Some(hex) = text.strip_prefix("0x") {
        return hex
            .bytes()
            .all(|c| c.is_ascii_hexdigit())
            .then(|| i64::from_str_radix(hex, 16).ok().map(Into::into))
            .flatten();
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return oct
            .bytes()
            .all(|c| (b'0'..=b'7').contains(&c))
            .then(|| i64::from_str_radix(oct, 8).ok().map(Into::into))
            .flatten();
    }
    if unsigned.starts_with("0x") || unsigned.starts_with("0o") {
        return None;
    }
    if unsigned.bytes().all(|c| c.is_ascii_digit()) && !unsigned.is_empty() {
        if unsigned.len() > 1 && unsigned.starts_with('0') {
            return None;
        }
        return text.parse::<i64>().ok().map(Into::into).or_else(|| {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
        });
    }
    let is_float = unsigned
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'-' | b'+'))
        && unsigned.bytes().any(|c| c.is_ascii_digit())
        && !(unsigned.len() > 1 && unsigned.starts_with('0') && !unsigned.starts_with("0."));
    if is_float {
        return text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut docs = parse(text, FileId(0)).expect("parses");
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    fn slice(text: &str, span: Span) -> &str {
        &text[span.start as usize..span.end as usize]
    }

    #[test]
    fn scalars_resolve_by_core_schema() {
        let doc = one("a: 1\nb: 1.5\nc: true\nd: ~\ne: '1'\nf: 012345678901\ng: 2010-09-09\n");
        assert_eq!(doc.get("a").unwrap().value, Value::Number(1.into()));
        assert_eq!(doc.get("b").unwrap().as_f64(), Some(1.5));
        assert_eq!(doc.get("c").unwrap().value, Value::Bool(true));
        assert_eq!(doc.get("d").unwrap().value, Value::Null);
        assert_eq!(doc.get("e").unwrap().as_str(), Some("1"));
        assert_eq!(doc.get("f").unwrap().as_str(), Some("012345678901"));
        assert_eq!(doc.get("g").unwrap().as_str(), Some("2010-09-09"));
    }

    #[test]
    fn spans_cover_keys_and_values() {
        let text = "Resources:\n  Fn:\n    Timeout: 901\n";
        let doc = one(text);
        let t = doc.get_path(&["Resources", "Fn", "Timeout"]).unwrap();
        assert_eq!(slice(text, t.span), "901");
        let key = doc.key_span_of(&["Resources", "Fn", "Timeout"]).unwrap();
        assert_eq!(slice(text, key), "Timeout");
    }

    #[test]
    fn quoted_spans_end_at_the_closing_quote() {
        let text = "a: \"x\\\"y\" # c\nb: 'it''s' # d\nc: [\"p\", 'q']\n";
        let doc = one(text);
        assert_eq!(slice(text, doc.get("a").unwrap().span), "\"x\\\"y\"");
        assert_eq!(slice(text, doc.get("b").unwrap().span), "'it''s'");
        let c = doc.get("c").unwrap().as_seq().unwrap();
        assert_eq!(slice(text, c[0].span), "\"p\"");
        assert_eq!(slice(text, c[1].span), "'q'");
    }

    #[test]
    fn spans_are_bytes_after_multibyte_text() {
        let text = "a: \"é中\"\nb: x\n";
        let doc = one(text);
        assert_eq!(slice(text, doc.get("b").unwrap().span), "x");
    }

    #[test]
    fn short_tags_become_long_forms() {
        let text =
            "a: !Ref Bucket\nb: !GetAtt Role.Arn\nc: !Sub 'x-${AWS::Region}'\nd: !If [C, 1, 2]\n";
        let doc = one(text);
        assert_eq!(
            doc.get("a").unwrap().to_json(),
            serde_json::json!({"Ref": "Bucket"})
        );
        assert_eq!(
            doc.get("b").unwrap().to_json(),
            serde_json::json!({"Fn::GetAtt": ["Role", "Arn"]})
        );
        assert_eq!(
            doc.get("c").unwrap().to_json(),
            serde_json::json!({"Fn::Sub": "x-${AWS::Region}"})
        );
        assert_eq!(
            doc.get("d").unwrap().to_json(),
            serde_json::json!({"Fn::If": ["C", 1, 2]})
        );
        let inner = doc.get_path(&["a", "Ref"]).unwrap();
        assert_eq!(slice(text, inner.span), "Bucket");
    }

    #[test]
    fn merge_keys_fill_missing_entries() {
        let doc = one("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n");
        assert_eq!(
            doc.get("d").unwrap().to_json(),
            serde_json::json!({"y": 3, "x": 1})
        );
    }

    #[test]
    fn alias_bomb_is_an_error() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text, FileId(0)).unwrap_err();
        assert!(err.message.contains("alias"), "{err}");
    }

    #[test]
    fn deep_nesting_is_an_error() {
        // saphyr stops very deep input itself; our own bound catches the rest.
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let err = parse(&text, FileId(0)).unwrap_err();
        assert!(err.message.contains("recursion limit"), "{err}");
        let text: String = (0..300).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        let err = parse(&text, FileId(0)).unwrap_err();
        assert!(err.message.contains("deeper"), "{err}");
    }

    #[test]
    fn syntax_errors_carry_position() {
        let text = "a: [1, 2\nb: c\n";
        let err = parse(text, FileId(0)).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{err}");
        assert!(err.span.start > 0);
    }

    #[test]
    fn block_collections_end_at_their_last_item() {
        let text = "a: [1, 2]\nb:\n  - x\n  - y\n# trailing comment\n";
        let doc = one(text);
        assert_eq!(slice(text, doc.span), "a: [1, 2]\nb:\n  - x\n  - y");
        assert_eq!(slice(text, doc.get("a").unwrap().span), "[1, 2]");
        assert_eq!(slice(text, doc.get("b").unwrap().span), "- x\n  - y");
        let tagged = "v: !If [C, 1, 2]\n";
        let doc = one(tagged);
        assert_eq!(slice(tagged, doc.get("v").unwrap().span), "!If [C, 1, 2]");
    }

    #[test]
    fn flow_sequence_closed_at_the_key_column_after_a_quoted_scalar() {
        // PyYAML and CloudFormation accept this; saphyr-parser alone says "invalid indentation".
        let text = "Statement:\n  Action: [\n    \"s3:GetObject\",\n    's3:PutObject'\n  ]\n  Effect: Allow\n";
        let doc = one(text);
        let action = doc.get_path(&["Statement", "Action"]).unwrap();
        assert_eq!(
            action.to_json(),
            serde_json::json!(["s3:GetObject", "s3:PutObject"])
        );
        // Spans still point into the original text, line breaks included.
        assert_eq!(
            slice(text, action.span),
            "[\n    \"s3:GetObject\",\n    's3:PutObject'\n  ]"
        );
        assert_eq!(
            slice(text, action.as_seq().unwrap()[1].span),
            "'s3:PutObject'"
        );
        let effect = doc.get_path(&["Statement", "Effect"]).unwrap();
        assert_eq!(slice(text, effect.span), "Allow");
        // Trailing comma, nested flow collections, a flow mapping, CRLF line ends.
        let text = "a:\n  b: [\n    \"x\",\n  ]\n  c: {\n    \"k\": [\"v\"]\n  }\n  d: [\r\n    [\"y\"]\r\n  ]\r\n";
        let doc = one(text);
        assert_eq!(
            doc.to_json(),
            serde_json::json!({"a": {"b": ["x"], "c": {"k": ["v"]}, "d": [["y"]]}})
        );
        // The same layout with a plain scalar was always accepted.
        assert!(parse("k: [\n  x\n]\n", FileId(0)).is_ok());
    }

    #[test]
    fn bracket_join_never_swallows_a_comment_or_hides_real_errors() {
        // The line before ends in a comment: joining would comment the bracket out.
        let text = "a:\n  b: [\n    \"x\" # note\n  ]\n";
        let err = parse(text, FileId(0)).unwrap_err();
        assert_eq!(err.message, "invalid YAML: invalid indentation");
        assert_eq!(&text[err.span.start as usize..], "]\n");
        // A genuine error after a joined bracket is reported where it is.
        let text = "a:\n  b: [\n    \"x\"\n  ]\n  c: [1, 2\n";
        let err = parse(text, FileId(0)).unwrap_err();
        assert!(err.message.starts_with("invalid YAML"), "{err}");
        assert!(
            err.span.start as usize > text.find("c:").unwrap(),
            "{err:?}"
        );
    }

    #[test]
    fn duplicate_keys_keep_last() {
        let doc = one("a: 1\na: 2\n");
        assert_eq!(doc.get("a").unwrap().value, Value::Number(2.into()));
    }
}
