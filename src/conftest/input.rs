//! The raw inputs conftest policies see: one file read the way conftest's
//! parsers read it, split into the inputs conftest evaluates one by one, and
//! where a result about one of them points in the file.
//!
//! conftest evaluates each document of a multi-document YAML file, and each
//! element of a file whose whole content is a list, as its own `input`;
//! `--combine` instead gives one input, a list of `{path, contents}`.

use std::path::Path;

use crate::engine::results::{Loc, RawResult};
use crate::parse::{Node, ParseError, Syntax, Value};
use crate::source::{FileId, Span};

/// How conftest parses a file, chosen by its name as conftest does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Yaml,
    Json,
    /// conftest's `hcl2` parser (`.tf`, `.tfvars`, `.hcl`).
    Hcl,
}

/// The conftest parser for a file name; `None` for formats faasguard does
/// not parse (Dockerfile, INI, TOML, HOCON, XML, ...).
pub fn format_of(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "yaml" | "yml" => Some(Format::Yaml),
        "json" => Some(Format::Json),
        "tf" | "tfvars" | "hcl" => Some(Format::Hcl),
        _ => None,
    }
}

/// The inputs of one file, each a document node with its span.
pub fn documents(text: &str, format: Format, file: FileId) -> Result<Vec<Node>, ParseError> {
    let docs = match format {
        Format::Hcl => vec![super::hcl::parse(text, file)?],
        Format::Json => crate::parse::parse(text, Syntax::Json, file)?,
        Format::Yaml => crate::parse::parse(text, Syntax::Yaml, file)?,
    };
    // Empty documents (`---` at the end) are not inputs.
    let mut docs: Vec<Node> = docs.into_iter().filter(|d| !d.is_null()).collect();
    if let [Node {
        value: Value::Seq(items),
        ..
    }] = docs.as_slice()
    {
        docs = items.clone();
    }
    Ok(docs)
}

/// Where a raw result points: its `_loc` when it gives one, else the block
/// or resource its message names, else the document it is about.
pub fn result_span(r: &RawResult, doc: &Node, format: Format, text: &str, file: FileId) -> Span {
    if let Some(loc) = &r.loc {
        return loc_span(loc, doc, text, file);
    }
    named_span(&r.message, doc, format).unwrap_or(Span::new(
        file,
        doc.span.start as usize,
        doc.span.start as usize,
    ))
}

/// The span a conftest `_loc` names: the node at a raw-document path (the
/// deepest part that exists), or a 1-based line and column.
pub fn loc_span(loc: &Loc, doc: &Node, text: &str, file: FileId) -> Span {
    match loc {
        Loc::Path(segments) => {
            let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
            let (node, _) = doc.find_path(&segs);
            node.span
        }
        Loc::Line { line, column } => {
            let start = text
                .split_inclusive('\n')
                .take((*line as usize).saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
                .min(text.len());
            let line_text = text[start..].split('\n').next().unwrap_or("");
            let col = line_text
                .char_indices()
                .nth((*column as usize).saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i);
            Span::new(file, start + col, start + col)
        }
    }
}

/// The things a message can name in a document, with their spans: Terraform
/// blocks by their last label (`resource.aws_alb_listener.my-alb-listener`),
/// CloudFormation resources by logical id, plan resources by address,
/// Kubernetes objects by `metadata.name`.
fn names(doc: &Node, format: Format) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let Some(top) = doc.as_map() else {
        return out;
    };
    // hcl2 shape: label objects ending in lists of bodies.
    if format == Format::Hcl {
        for (_, v) in top.iter() {
            collect_blocks(v, 0, &mut out);
        }
    }
    if let Some(resources) = doc.get("Resources").and_then(Node::as_map) {
        for e in &resources.entries {
            out.push((e.key.as_str().to_owned(), e.value.span));
        }
    }
    if let Some(changes) = doc.get("resource_changes").and_then(Node::as_seq) {
        for c in changes {
            if let Some(a) = c.get("address").and_then(Node::as_str) {
                out.push((a.to_string(), c.span));
            }
        }
    }
    if let Some(name) = doc.get_path(&["metadata", "name"]).and_then(Node::as_str) {
        out.push((name.to_string(), doc.span));
    }
    out
}

fn collect_blocks(node: &Node, depth: usize, out: &mut Vec<(String, Span)>) {
    if depth > 2 {
        return;
    }
    if let Some(m) = node.as_map() {
        for e in &m.entries {
            let is_body_list = e
                .value
                .as_seq()
                .is_some_and(|s| !s.is_empty() && s.iter().all(|b| b.as_map().is_some()));
            if is_body_list {
                out.push((e.key.as_str().to_owned(), e.value.span));
            } else {
                collect_blocks(&e.value, depth + 1, out);
            }
        }
    }
}

/// The span of the one thing the message names (the longest name found as
/// a whole word); `None` when it names none, or several places by that name.
pub fn named_span(message: &str, doc: &Node, format: Format) -> Option<Span> {
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '-' || c == '.';
    let found = |name: &str| {
        !name.is_empty()
            && message.match_indices(name).any(|(i, _)| {
                let before = message[..i].chars().next_back();
                let after = message[i + name.len()..].chars().next();
                // A trailing full stop ends a sentence, not a name.
                let after_ok = match after {
                    Some('.') => message[i + name.len() + 1..]
                        .chars()
                        .next()
                        .is_none_or(|c| !word(c)),
                    Some(c) => !word(c),
                    None => true,
                };
                before.is_none_or(|c| !word(c)) && after_ok
            })
    };
    let hits: Vec<(String, Span)> = names(doc, format)
        .into_iter()
        .filter(|(n, _)| found(n))
        .collect();
    let longest = hits.iter().map(|(n, _)| n.len()).max()?;
    let mut spans: Vec<Span> = hits
        .iter()
        .filter(|(n, _)| n.len() == longest)
        .map(|(_, s)| *s)
        .collect();
    spans.sort();
    spans.dedup();
    match spans.as_slice() {
        [one] => Some(*one),
        _ => None,
    }
}

/// `--combine`: every input of every file as one list of `{path, contents}`.
pub fn combined(files: &[(String, Vec<Node>)]) -> serde_json::Value {
    let mut out = Vec::new();
    for (path, docs) in files {
        for d in docs {
            out.push(serde_json::json!({"path": path, "contents": d.to_json()}));
        }
    }
    serde_json::Value::Array(out)
}

/// Where a result of the combined input (`--combine`) points: in the file
/// whose path its message names (the longest such path), at the document
/// part the message names, else at that file; else at the first document
/// of any file that the message names. `files`: each file's id, path as
/// shown, format and documents, in input order.
pub fn combined_span(message: &str, files: &[(FileId, &str, Format, &[Node])]) -> Option<Span> {
    let by_path = files
        .iter()
        .filter(|(_, d, _, _)| message.contains(*d))
        .max_by_key(|(_, d, _, _)| d.len())
        .map(|(file, _, format, docs)| {
            docs.iter()
                .find_map(|d| named_span(message, d, *format))
                .unwrap_or(Span::new(*file, 0, 0))
        });
    by_path.or_else(|| {
        files.iter().find_map(|(_, _, format, docs)| {
            docs.iter().find_map(|d| named_span(message, d, *format))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(message: &str) -> RawResult {
        RawResult {
            rule: 0,
            resource: None,
            path: None,
            message: message.into(),
            loc: None,
            replace: None,
            exception: None,
        }
    }

    #[test]
    fn yaml_documents_and_top_level_lists_are_separate_inputs() {
        let docs = documents("a: 1\n---\nb: 2\n---\n", Format::Yaml, FileId(0)).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].to_json(), serde_json::json!({"b": 2}));
        let docs = documents("[{\"a\": 1}, {\"b\": 2}]", Format::Json, FileId(0)).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            format_of(Path::new("x/terraform.tfvars")),
            Some(Format::Hcl)
        );
        assert_eq!(format_of(Path::new("Dockerfile")), None);
    }

    #[test]
    fn a_message_naming_a_block_points_at_it() {
        let text = "resource \"aws_alb_listener\" \"my-alb-listener\" {\n  protocol = \"HTTP\"\n}\n\nresource \"aws_alb_listener\" \"other\" {\n}\n";
        let doc = &documents(text, Format::Hcl, FileId(0)).unwrap()[0];
        let s = result_span(
            &result("ALB `other` is using HTTP."),
            doc,
            Format::Hcl,
            text,
            FileId(0),
        );
        assert_eq!(
            &text[s.start as usize..][..30],
            "resource \"aws_alb_listener\" \"o"
        );
        // `my-alb-listener` names one block; `alb` alone names none.
        let s = result_span(
            &result("ALB `my-alb-listener` is using HTTP"),
            doc,
            Format::Hcl,
            text,
            FileId(0),
        );
        assert_eq!(s.start, 0);
        let s = result_span(&result("alb is bad"), doc, Format::Hcl, text, FileId(0));
        assert_eq!((s.start, s.end), (0, 0));
    }

    #[test]
    fn a_message_naming_a_logical_id_points_at_the_resource() {
        let text = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n  FnRole:\n    Type: AWS::IAM::Role\n";
        let doc = &documents(text, Format::Yaml, FileId(0)).unwrap()[0];
        let s = result_span(
            &result("FnRole is open"),
            doc,
            Format::Yaml,
            text,
            FileId(0),
        );
        assert_eq!(
            &text[s.start as usize..s.end as usize],
            "Type: AWS::IAM::Role"
        );
        // A list of objects in YAML is not a block: `ports` names nothing.
        let text = "kind: Service\nspec:\n  ports:\n    - port: 22\n";
        let doc = &documents(text, Format::Yaml, FileId(0)).unwrap()[0];
        let s = result_span(
            &result("Denied ports: 22"),
            doc,
            Format::Yaml,
            text,
            FileId(0),
        );
        assert_eq!((s.start, s.end), (0, 0));
    }

    #[test]
    fn a_message_naming_a_kubernetes_object_points_at_its_document() {
        let text = "kind: A\nmetadata:\n  name: one\n---\nkind: B\nmetadata:\n  name: two\n";
        let docs = documents(text, Format::Yaml, FileId(0)).unwrap();
        let s = result_span(
            &result("two is wrong"),
            &docs[1],
            Format::Yaml,
            text,
            FileId(0),
        );
        assert_eq!(&text[s.start as usize..][..7], "kind: B");
    }
}
