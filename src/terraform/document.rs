//! JSON documents written inside Terraform strings (policy heredocs,
//! `jsonencode(...)`): the evaluator keeps each one's structured form, with
//! spans in the file, beside the string it renders, so the adapter reads
//! statements that point at their own lines and that stay readable when one
//! interpolation in them is unknown.
//!
//! A heredoc that starts like JSON is rendered with a byte-by-byte origin map
//! (output byte → file range); an unknown interpolation becomes a placeholder
//! that, after parsing, is replaced by the unknown itself.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

#[cfg(test)]
use crate::parse::Map;
use crate::parse::{json, Node, Value, MAX_DEPTH};
use crate::source::Span;

/// Structured forms of JSON strings, keyed by the string node's span and
/// text: a `count` block renders one expression into different texts, all
/// with the expression's span.
#[derive(Clone, Debug, Default)]
pub struct Documents {
    map: HashMap<(Span, u64), Node>,
}

fn text_hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

impl Documents {
    /// The structured form of string node `n`, when the evaluator built it.
    pub fn get(&self, n: &Node) -> Option<&Node> {
        match &n.value {
            Value::String(s) => self.map.get(&(n.span, text_hash(s))),
            _ => None,
        }
    }

    pub(crate) fn insert(&mut self, span: Span, text: &str, doc: Node) {
        self.map.insert((span, text_hash(text)), doc);
    }

    /// How many JSON strings have a structured form.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// No JSON string has a structured form.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Marks an unknown interpolation in rendered text: `HOLE_START`, its index,
/// `HOLE_END`. Private-use characters, so JSON text never holds them (a
/// template that does is not given a structured form).
const HOLE_START: char = '\u{E000}';
const HOLE_END: char = '\u{E001}';

/// Whether a template whose first literal is `first` may be a JSON document.
pub(crate) fn looks_like_json(first: &str) -> bool {
    matches!(first.trim_start().as_bytes().first(), Some(b'{' | b'['))
}

/// Why a template that starts like JSON has no structured form.
#[derive(Debug, PartialEq)]
pub(crate) enum NotJson {
    /// The rendered text (holes as placeholders) is not JSON: the parser's
    /// message, at its place in the file.
    Syntax { message: String, at: Span },
    /// The template's text holds a placeholder character, or its bytes
    /// could not be traced to the file.
    Untraced,
}

/// Rendered text with where each byte came from, and the unknown
/// interpolations left as holes.
#[derive(Default)]
pub(crate) struct Recorder {
    /// For each output byte, the file range it came from.
    pub origin: Vec<(u32, u32)>,
    pub holes: Vec<Node>,
    /// JSON string state of the output scanned so far (to know whether a
    /// hole sits inside a string literal).
    scanned: usize,
    in_string: bool,
    escaped: bool,
    /// The template's own text held a placeholder character.
    pub spoiled: bool,
}

impl Recorder {
    /// Record a literal appended to `out`: `value` is what was appended,
    /// `source` the file text it was written as (when known) starting at
    /// file offset `at`, `whole` the literal's span (the fallback).
    pub fn literal(&mut self, value: &str, source: Option<&str>, at: u32, whole: Span) {
        if value.contains([HOLE_START, HOLE_END]) {
            self.spoiled = true;
        }
        let start = self.origin.len();
        if let Some(src) = source {
            // The value is the source minus escapes (`$${`) and heredoc
            // indentation: align it as a subsequence, byte by byte.
            let src = src.as_bytes();
            let mut j = 0usize;
            for &b in value.as_bytes() {
                while src.get(j).is_some_and(|&c| c != b) {
                    j += 1;
                }
                if j >= src.len() {
                    break;
                }
                let o = at.saturating_add(u32::try_from(j).unwrap_or(u32::MAX));
                self.origin.push((o, o.saturating_add(1)));
                j += 1;
            }
            if self.origin.len() == start + value.len() {
                return;
            }
            self.origin.truncate(start);
        }
        self.origin
            .extend(std::iter::repeat_n((whole.start, whole.end), value.len()));
    }

    /// Record an interpolated known value appended to `out`.
    pub fn value(&mut self, len: usize, span: Span) {
        self.origin
            .extend(std::iter::repeat_n((span.start, span.end), len));
    }

    /// Append a hole for the unknown `n` to `out`: quoted when it stands
    /// where a JSON value would, bare inside a string literal.
    /// `at` is the interpolation's span in the template.
    pub fn hole(&mut self, out: &mut String, n: Node, at: Span) {
        self.scan(out);
        let mark = format!("{HOLE_START}{}{HOLE_END}", self.holes.len());
        let text = if self.in_string {
            mark
        } else {
            format!("\"{mark}\"")
        };
        out.push_str(&text);
        self.value(text.len(), at);
        self.scanned = out.len();
        self.holes.push(n);
    }

    fn scan(&mut self, out: &str) {
        for &b in out.as_bytes().get(self.scanned..).unwrap_or(&[]) {
            if self.escaped {
                self.escaped = false;
            } else if self.in_string && b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = !self.in_string;
            }
        }
        self.scanned = out.len();
    }

    /// The structured document of the rendered `text`, spans in the file,
    /// holes replaced by their unknowns; why not when it has none.
    pub fn document(&self, text: &str, file: crate::source::FileId) -> Result<Node, NotJson> {
        if self.spoiled || self.origin.len() != text.len() || !looks_like_json(text) {
            return Err(NotJson::Untraced);
        }
        let mut doc = json::parse(text, file).map_err(|e| {
            // The parser's place is in the rendered text: move it to the
            // file (past the end: the last byte's end).
            let at = if (e.span.start as usize) < self.origin.len() {
                self.map_span(e.span)
            } else {
                let end = self.origin.last().map_or(0, |o| o.1);
                Span {
                    start: end,
                    end,
                    ..e.span
                }
            };
            NotJson::Syntax {
                message: e.message,
                at,
            }
        })?;
        self.remap(&mut doc);
        Ok(doc)
    }

    fn map_span(&self, s: Span) -> Span {
        let (a, b) = (s.start as usize, s.end as usize);
        let start = self.origin.get(a).map_or(s.start, |o| o.0);
        let end = match b.checked_sub(1).and_then(|i| self.origin.get(i)) {
            Some(o) if b > a => o.1,
            _ => start,
        };
        Span {
            start,
            end: end.max(start),
            ..s
        }
    }

    /// Move spans to the file and put the holes' unknowns in place.
    fn remap(&self, doc: &mut Node) {
        let mut stack = vec![(doc, 0usize)];
        while let Some((n, depth)) = stack.pop() {
            n.span = self.map_span(n.span);
            if let Value::String(s) = &n.value {
                if let Some(hole) = self.first_hole(s) {
                    // A string with several holes is supplied when any is.
                    *n = Node::new(hole.value.clone(), n.span).supplied_from(self.holes_in(s));
                }
                continue;
            }
            if depth > MAX_DEPTH {
                continue;
            }
            match &mut n.value {
                Value::Seq(items) => stack.extend(items.iter_mut().map(|i| (i, depth + 1))),
                Value::Map(m) => {
                    for e in &mut m.entries {
                        e.key_span = self.map_span(e.key_span);
                        // An unknown key cannot be represented: name it so.
                        if e.key.contains(HOLE_START) {
                            e.key = strip_holes(&e.key).into();
                        }
                        stack.push((&mut e.value, depth + 1));
                    }
                }
                _ => {}
            }
        }
    }

    fn first_hole<'a>(&'a self, s: &'a str) -> Option<&'a Node> {
        self.holes_in(s).next()
    }

    /// The holes' unknowns in `s`, in order.
    fn holes_in<'a>(&'a self, s: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        s.split(HOLE_START).skip(1).filter_map(|rest| {
            let ix = rest.split_once(HOLE_END)?.0.parse::<usize>().ok()?;
            self.holes.get(ix)
        })
    }
}

fn strip_holes(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((before, after)) = rest.split_once(HOLE_START) {
        out.push_str(before);
        out.push_str("${unknown}");
        rest = after.split_once(HOLE_END).map_or("", |(_, a)| a);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    fn keys(m: &Map) -> Vec<&str> {
        m.entries.iter().map(|e| e.key.as_str()).collect()
    }

    fn sp(a: u32, b: u32) -> Span {
        Span::new(FileId(1), a as usize, b as usize)
    }

    #[test]
    fn literals_align_through_escapes_and_indentation() {
        let mut r = Recorder::default();
        // `<<-EOF` stripped two spaces; `$${` became `${`.
        r.literal(
            "{\n\"a\": \"${x}\"}",
            Some("{\n  \"a\": \"$${x}\"}"),
            100,
            sp(100, 119),
        );
        assert_eq!(r.origin.len(), 14);
        // `"` of "a" is at source offset 4.
        assert_eq!(r.origin[2], (104, 105));
        // `$` of the value maps into `$${`, `{` after it exactly.
        assert_eq!(r.origin[8], (110, 111));
        assert_eq!(r.origin[9], (112, 113));
    }

    #[test]
    fn unalignable_literals_map_to_the_whole_literal() {
        let mut r = Recorder::default();
        r.literal("a\nb", Some("a\\nb"), 10, sp(9, 15));
        assert_eq!(r.origin, vec![(9, 15); 3]);
    }

    #[test]
    fn holes_become_unknowns_inside_and_outside_strings() {
        let mut r = Recorder::default();
        let mut out = String::new();
        let lit = "{\"R\": \"";
        out.push_str(lit);
        r.literal(lit, Some(lit), 0, sp(0, 7));
        r.hole(&mut out, Node::unknown("arn", sp(0, 0)), sp(7, 20));
        let lit = "\", \"L\": ";
        out.push_str(lit);
        r.literal(lit, Some(lit), 21, sp(21, 29));
        r.hole(&mut out, Node::unknown("list", sp(0, 0)), sp(29, 40));
        out.push('}');
        r.literal("}", Some("}"), 41, sp(41, 42));
        let doc = r.document(&out, FileId(1)).unwrap();
        let m = doc.as_map().unwrap();
        assert_eq!(keys(m), ["R", "L"]);
        let rv = m.get("R").unwrap();
        assert!(rv.is_unknown());
        // From the opening quote (source 6) to the hole's end.
        assert_eq!((rv.span.start, rv.span.end), (6, 22));
        let lv = m.get("L").unwrap();
        assert!(lv.is_unknown());
        assert_eq!((lv.span.start, lv.span.end), (29, 40));
        assert_eq!(doc.to_json()["L"]["reason"], "list");
    }

    #[test]
    fn placeholder_characters_in_text_spoil_the_document() {
        let mut r = Recorder::default();
        let lit = "{\"a\": \"\u{E000}0\u{E001}\"}";
        r.literal(lit, Some(lit), 0, sp(0, 10));
        r.holes.push(Node::unknown("x", sp(0, 1)));
        assert_eq!(r.document(lit, FileId(1)), Err(NotJson::Untraced));
    }

    #[test]
    fn syntax_errors_are_placed_in_the_file() {
        let mut r = Recorder::default();
        let mut out = String::new();
        // `{"A": ["x",], "R": ${hole}}` written at file offset 100.
        let lit = "{\"A\": [\"x\",], \"R\": ";
        out.push_str(lit);
        r.literal(lit, Some(lit), 100, sp(100, 119));
        r.hole(&mut out, Node::unknown("arn", sp(0, 0)), sp(119, 126));
        out.push('}');
        r.literal("}", Some("}"), 127, sp(127, 128));
        assert_eq!(
            r.document(&out, FileId(1)),
            Err(NotJson::Syntax {
                message: "invalid JSON: expected a value (found ']')".into(),
                // The `]` after the trailing comma.
                at: sp(111, 111),
            })
        );
    }

    #[test]
    fn documents_are_found_by_span_and_text() {
        let mut d = Documents::default();
        d.insert(sp(1, 5), "{}", Node::null(sp(2, 3)));
        assert!(d.get(&Node::string("{}", sp(1, 5))).is_some());
        assert!(d.get(&Node::string("{ }", sp(1, 5))).is_none());
        assert!(d.get(&Node::string("{}", sp(1, 6))).is_none());
    }
}
