//! Terraform syntax: parses `*.tf` (hcl-edit) and `*.tf.json` (our span-keeping
//! JSON parser) into one view of bodies, blocks, attributes and expressions,
//! so the evaluator never cares which syntax a block was written in.
//!
//! JSON syntax has no block/attribute distinction without provider schemas:
//! an object (or array of objects) is read as nested block(s) unless its key
//! names a well-known map attribute (`tags`, `variables`, ...), which keeps the
//! plan-JSON shape (blocks as arrays of maps) for the common resources.

use std::ops::Range;
use std::path::{Path, PathBuf};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Body as HclBody, Structure};
use hcl_edit::Span as _;

use crate::parse::{Map, Node, ParseError, Value, MAX_DEPTH};
use crate::source::{FileId, Span};

/// One parsed Terraform file.
pub(crate) struct ParsedFile {
    pub id: FileId,
    pub path: PathBuf,
    pub content: Content,
}

pub(crate) enum Content {
    Hcl(HclBody),
    Json(Node),
    /// The file did not parse; its error is in the unit.
    Broken,
}

/// True for `.tf.json` / `.tfvars.json` files.
pub(crate) fn is_json_path(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

/// Parse one file; a failure gives [`Content::Broken`] and the error.
pub(crate) fn parse_file(path: &Path, id: FileId, text: &str) -> (ParsedFile, Option<ParseError>) {
    let (content, err) = if is_json_path(path) {
        match crate::parse::json::parse(text, id) {
            Ok(n) => (Content::Json(n), None),
            Err(e) => (Content::Broken, Some(e)),
        }
    } else {
        match parse_hcl_body(text, id) {
            Ok(b) => (Content::Hcl(b), None),
            Err(e) => (Content::Broken, Some(e)),
        }
    };
    let file = ParsedFile {
        id,
        path: path.to_path_buf(),
        content,
    };
    (file, err)
}

/// Parse HCL text as a body, rejecting deep nesting before hcl-edit recurses.
/// A UTF-8 byte-order mark is accepted (as Terraform does): it is read as
/// three spaces, so every offset stays a file offset.
pub(crate) fn parse_hcl_body(text: &str, file: FileId) -> Result<HclBody, ParseError> {
    let unmarked;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            unmarked = format!("   {rest}");
            unmarked.as_str()
        }
        None => text,
    };
    if let Some(at) = super::nesting::body_too_deep(text) {
        return Err(ParseError::new(
            format!("invalid HCL: nesting is deeper than {MAX_DEPTH} levels"),
            file,
            at,
        ));
    }
    hcl_edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        let offset = offset_of(text, loc.line(), loc.column());
        ParseError::new(format!("invalid HCL: {}", e.message()), file, offset)
    })
}

/// Byte offset of a 1-based line and 1-based character column.
pub(crate) fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0usize;
    for _ in 1..line {
        match text.get(start..).and_then(|s| s.find('\n')) {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let rest = text.get(start..).unwrap_or("");
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.len(), |(i, _)| i);
    start + within
}

/// How spans of an expression map to the file: HCL from a `.tf` file maps
/// one-to-one; a template inside a JSON string is shifted by where the string
/// starts; text from outside the scan (a `templatefile`, `--var`) pins every
/// span to one place.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Src {
    pub file: FileId,
    pub base: usize,
    pub fixed: Option<Span>,
}

impl Src {
    pub fn file(file: FileId) -> Self {
        Src {
            file,
            base: 0,
            fixed: None,
        }
    }

    pub fn fixed(span: Span) -> Self {
        Src {
            file: span.file,
            base: 0,
            fixed: Some(span),
        }
    }

    pub fn span(&self, range: Option<Range<usize>>) -> Span {
        if let Some(s) = self.fixed {
            return s;
        }
        let r = range.unwrap_or(0..0);
        Span::new(self.file, self.base + r.start, self.base + r.end)
    }
}

/// An expression in either syntax.
#[derive(Clone, Copy)]
pub(crate) enum Expr<'a> {
    Hcl(&'a Expression, Src),
    /// A JSON value: strings are templates, the rest literal.
    Json(&'a Node),
    /// A JSON value read literally (variable defaults, tfvars.json).
    Literal(&'a Node),
}

impl Expr<'_> {
    pub fn span(&self) -> Span {
        match self {
            Expr::Hcl(e, src) => src.span(e.span()),
            Expr::Json(n) | Expr::Literal(n) => n.span,
        }
    }

    /// The text of a static reference (`aws.west`, `aws`): provider
    /// arguments and `providers` maps are references, not values.
    pub fn static_ref(&self) -> Option<String> {
        match self {
            Expr::Hcl(e, _) => traversal_text(e),
            Expr::Json(n) | Expr::Literal(n) => n.as_str().map(|s| {
                let s = s.trim();
                s.strip_prefix("${")
                    .and_then(|s| s.strip_suffix('}'))
                    .unwrap_or(s)
                    .trim()
                    .to_string()
            }),
        }
    }
}

/// `a.b.c` for a traversal of attribute names only.
fn traversal_text(e: &Expression) -> Option<String> {
    use hcl_edit::expr::TraversalOperator as Op;
    match e {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let mut s = traversal_text(&t.expr)?;
            for op in &t.operators {
                match &**op {
                    Op::GetAttr(a) => {
                        s.push('.');
                        s.push_str(a.as_str());
                    }
                    _ => return None,
                }
            }
            Some(s)
        }
        _ => None,
    }
}

pub(crate) struct Attr<'a> {
    pub name: &'a str,
    pub name_span: Span,
    pub expr: Expr<'a>,
}

pub(crate) struct Block<'a> {
    pub kind: &'a str,
    pub labels: Vec<(&'a str, Span)>,
    pub body: Body<'a>,
    /// Identifier and labels.
    pub header: Span,
    /// The whole block.
    pub whole: Span,
}

/// A block body in either syntax.
#[derive(Clone, Copy)]
pub(crate) enum Body<'a> {
    Hcl(&'a HclBody, FileId),
    Json(&'a Map),
}

/// Keys that are map-typed arguments in common providers: in JSON syntax an
/// object under one of these is a value, not a nested block.
const MAP_ATTRS: &[&str] = &[
    "tags",
    "tags_all",
    "variables",
    "labels",
    "metadata",
    "parameters",
    "triggers",
    "environment_variables",
    "request_parameters",
    "request_templates",
    "response_parameters",
    "response_templates",
    "response_models",
    "stage_variables",
    "app_settings",
    "annotations",
    "build_environment_variables",
    "secret_environment_variables",
    "default_tags",
    "providers",
    "assume_role_policy",
    "policy",
    "attributes",
    "outputs",
    "inputs",
    "default",
    "value",
];

fn is_map_attr(key: &str) -> bool {
    MAP_ATTRS.contains(&key) || key.ends_with("_tags") || key.ends_with("_map")
}

impl<'a> Body<'a> {
    pub fn attrs(&self) -> Vec<Attr<'a>> {
        match *self {
            Body::Hcl(b, file) => b
                .attributes()
                .map(|a| Attr {
                    name: a.key.as_str(),
                    name_span: Src::file(file).span(a.key.span()),
                    expr: Expr::Hcl(&a.value, Src::file(file)),
                })
                .collect(),
            Body::Json(m) => m
                .entries
                .iter()
                .filter(|e| e.key != "//" && !json_is_block(&e.key, &e.value))
                .map(|e| Attr {
                    name: &e.key,
                    name_span: e.key_span,
                    expr: Expr::Json(&e.value),
                })
                .collect(),
        }
    }

    pub fn attr(&self, name: &str) -> Option<Attr<'a>> {
        self.attrs().into_iter().rev().find(|a| a.name == name)
    }

    /// Nested blocks in source order (HCL attributes and blocks keep their
    /// relative order through [`Body::items`]).
    pub fn blocks(&self) -> Vec<Block<'a>> {
        self.items()
            .into_iter()
            .filter_map(|i| match i {
                Item::Block(b) => Some(b),
                Item::Attr(_) => None,
            })
            .collect()
    }

    /// Attributes and blocks in source order.
    pub fn items(&self) -> Vec<Item<'a>> {
        match *self {
            Body::Hcl(b, file) => {
                let src = Src::file(file);
                b.iter()
                    .map(|s| match s {
                        Structure::Attribute(a) => Item::Attr(Attr {
                            name: a.key.as_str(),
                            name_span: src.span(a.key.span()),
                            expr: Expr::Hcl(&a.value, src),
                        }),
                        Structure::Block(bl) => {
                            let labels: Vec<(&str, Span)> = bl
                                .labels
                                .iter()
                                .map(|l| (l.as_str(), src.span(l.span())))
                                .collect();
                            let ident = src.span(bl.ident.span());
                            let header = labels.last().map_or(ident, |l| ident.join(l.1));
                            Item::Block(Block {
                                kind: bl.ident.as_str(),
                                labels,
                                body: Body::Hcl(&bl.body, file),
                                header,
                                whole: src.span(bl.span()),
                            })
                        }
                    })
                    .collect()
            }
            Body::Json(m) => {
                let mut out = Vec::new();
                for e in &m.entries {
                    if e.key == "//" {
                        continue;
                    }
                    if !json_is_block(&e.key, &e.value) {
                        out.push(Item::Attr(Attr {
                            name: &e.key,
                            name_span: e.key_span,
                            expr: Expr::Json(&e.value),
                        }));
                    } else if e.key == "dynamic" {
                        // `"dynamic": {"name": {...} | [{...}]}`
                        for (label, lspan, body, whole) in labeled_bodies(&e.value) {
                            out.push(Item::Block(Block {
                                kind: "dynamic",
                                labels: vec![(label, lspan)],
                                body,
                                header: e.key_span.join(lspan),
                                whole,
                            }));
                        }
                    } else {
                        for (body, whole) in json_bodies(&e.value) {
                            out.push(Item::Block(Block {
                                kind: &e.key,
                                labels: Vec::new(),
                                body,
                                header: e.key_span,
                                whole,
                            }));
                        }
                    }
                }
                out
            }
        }
    }
}

pub(crate) enum Item<'a> {
    Attr(Attr<'a>),
    Block(Block<'a>),
}

fn json_is_block(key: &str, v: &Node) -> bool {
    if is_map_attr(key) {
        return false;
    }
    match &v.value {
        Value::Map(_) => true,
        Value::Seq(items) => {
            !items.is_empty() && items.iter().all(|i| matches!(i.value, Value::Map(_)))
        }
        _ => false,
    }
}

/// The bodies of a JSON block value: one object, or an array of objects.
pub(crate) fn json_bodies(v: &Node) -> Vec<(Body<'_>, Span)> {
    match &v.value {
        Value::Map(m) => vec![(Body::Json(m), v.span)],
        Value::Seq(items) => items
            .iter()
            .filter_map(|i| i.as_map().map(|m| (Body::Json(m), i.span)))
            .collect(),
        _ => Vec::new(),
    }
}

/// `{"label": body | [body, ...]}` (or an array of such objects).
pub(crate) fn labeled_bodies(v: &Node) -> Vec<(&str, Span, Body<'_>, Span)> {
    let mut out = Vec::new();
    let objects: Vec<&Map> = match &v.value {
        Value::Map(m) => vec![m],
        Value::Seq(items) => items.iter().filter_map(Node::as_map).collect(),
        _ => Vec::new(),
    };
    for m in objects {
        for e in &m.entries {
            if e.key == "//" {
                continue;
            }
            for (body, whole) in json_bodies(&e.value) {
                out.push((e.key.as_str(), e.key_span, body, whole));
            }
        }
    }
    out
}

/// The top-level blocks of a file, in either syntax, with JSON's nesting of
/// labels (`"resource": {"type": {"name": {...}}}`) unfolded.
pub(crate) fn top_blocks(file: &ParsedFile) -> Vec<Block<'_>> {
    match &file.content {
        Content::Hcl(b) => Body::Hcl(b, file.id).blocks(),
        Content::Json(n) => {
            let Some(m) = n.as_map() else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for e in &m.entries {
                let kind = e.key.as_str();
                match kind {
                    "resource" | "data" => {
                        for (ty, ty_span, inner) in labeled_values(&e.value) {
                            for (name, name_span, body, whole) in labeled_bodies(inner) {
                                out.push(Block {
                                    kind,
                                    labels: vec![(ty, ty_span), (name, name_span)],
                                    body,
                                    // The type key is shared by every resource of that
                                    // type; only the name key is this block's own place.
                                    header: name_span,
                                    whole,
                                });
                            }
                        }
                    }
                    "variable" | "module" | "output" | "provider" => {
                        for (name, name_span, body, whole) in labeled_bodies(&e.value) {
                            out.push(Block {
                                kind,
                                labels: vec![(name, name_span)],
                                body,
                                header: name_span,
                                whole,
                            });
                        }
                    }
                    "locals" | "terraform" => {
                        for (body, whole) in json_bodies(&e.value) {
                            out.push(Block {
                                kind,
                                labels: Vec::new(),
                                body,
                                header: e.key_span,
                                whole,
                            });
                        }
                    }
                    _ => {}
                }
            }
            out
        }
        Content::Broken => Vec::new(),
    }
}

/// `{"type": value}` entries (or an array of such objects).
fn labeled_values(v: &Node) -> Vec<(&str, Span, &Node)> {
    let objects: Vec<&Map> = match &v.value {
        Value::Map(m) => vec![m],
        Value::Seq(items) => items.iter().filter_map(Node::as_map).collect(),
        _ => Vec::new(),
    };
    objects
        .into_iter()
        .flat_map(|m| m.entries.iter())
        .filter(|e| e.key != "//")
        .map(|e| (e.key.as_str(), e.key_span, &e.value))
        .collect()
}

/// Does a JSON string's raw text equal its decoded value (no escapes)? Then
/// template offsets map one-to-one onto the file.
pub(crate) fn raw_matches(text: &str, node: &Node, decoded: &str) -> bool {
    let (s, e) = (node.span.start as usize + 1, node.span.end as usize);
    e > s && text.get(s..e - 1) == Some(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, name: &str) -> ParsedFile {
        let (f, e) = parse_file(Path::new(name), FileId(3), text);
        assert!(e.is_none(), "{e:?}");
        f
    }

    #[test]
    fn hcl_blocks_have_label_and_body_spans() {
        let text = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n";
        let f = parse(text, "main.tf");
        let blocks = top_blocks(&f);
        assert_eq!(blocks.len(), 1);
        let b = &blocks[0];
        assert_eq!(b.kind, "resource");
        assert_eq!(b.labels[0].0, "aws_s3_bucket");
        assert_eq!(b.labels[1].1, Span::new(FileId(3), 25, 28));
        assert_eq!(b.header, Span::new(FileId(3), 0, 28));
        assert_eq!(b.whole, Span::new(FileId(3), 0, 47));
        let attrs = b.body.attrs();
        assert_eq!(attrs[0].name, "bucket");
        assert_eq!(attrs[0].name_span, Span::new(FileId(3), 33, 39));
        assert_eq!(attrs[0].expr.span(), Span::new(FileId(3), 42, 45));
    }

    #[test]
    fn json_resources_unfold_labels_and_read_objects_as_blocks() {
        let text = r#"{"resource": {"aws_s3_bucket": {"b": {"bucket": "x", "tags": {"a": "b"}, "versioning": {"enabled": true}}}}}"#;
        let f = parse(text, "main.tf.json");
        let blocks = top_blocks(&f);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].labels[0].0, "aws_s3_bucket");
        assert_eq!(blocks[0].labels[1].0, "b");
        let names: Vec<_> = blocks[0].body.attrs().iter().map(|a| a.name).collect();
        assert_eq!(names, ["bucket", "tags"]);
        let nested: Vec<_> = blocks[0].body.blocks().iter().map(|b| b.kind).collect();
        assert_eq!(nested, ["versioning"]);
    }

    #[test]
    fn json_resource_headers_are_their_own_name_keys() {
        // Two resources of one type share the type key; each block's header
        // (where findings on a missing property point) is its name key.
        let text = "{\"resource\": {\"aws_sns_topic\": {\n  \"a\": {},\n  \"b\": {}\n}}}";
        let f = parse(text, "main.tf.json");
        let headers: Vec<(u32, u32)> = top_blocks(&f)
            .iter()
            .map(|b| (b.header.start, b.header.end))
            .collect();
        let at = |s: &str| u32::try_from(text.find(s).expect("in text")).expect("small");
        assert_eq!(
            headers,
            [
                (at("\"a\""), at("\"a\"") + 3),
                (at("\"b\""), at("\"b\"") + 3)
            ]
        );
    }

    #[test]
    fn parse_errors_carry_the_byte_offset_of_line_and_column() {
        let text = "a = 1\nb = = 2\n";
        let (_, e) = parse_file(Path::new("main.tf"), FileId(1), text);
        let e = e.expect("error");
        assert!(e.message.starts_with("invalid HCL"), "{}", e.message);
        assert_eq!(e.span.start, 10);
    }

    #[test]
    fn offsets_count_characters_in_columns() {
        assert_eq!(offset_of("é = x\nab", 1, 3), 3);
        assert_eq!(offset_of("é = x\nab", 2, 2), 8);
        assert_eq!(offset_of("x", 9, 9), 1);
    }

    #[test]
    fn deep_nesting_is_rejected_before_parsing() {
        let text = format!("a = {}{}", "[".repeat(100_000), "]".repeat(100_000));
        let (f, e) = parse_file(Path::new("main.tf"), FileId(0), &text);
        assert!(matches!(f.content, Content::Broken));
        assert_eq!(e.map(|e| e.span.start), Some(4 + MAX_DEPTH as u32));
    }
}
