//! Property tests: parsed values and spans agree with what was written, for
//! generated JSON and block YAML, and scan output does not depend on thread
//! count or file creation order.

use std::path::Path;
use std::sync::Arc;

use faasguard::parse::{self, Node, Value};
use faasguard::source::{FileId, LineCol, SourceFile, Span};
use proptest::prelude::*;

use crate::common;

// ---------------------------------------------------------------------------
// Generated value trees
// ---------------------------------------------------------------------------

/// A JSON-like value; objects have unique keys, in order.
#[derive(Clone, Debug)]
enum V {
    Null,
    Bool(bool),
    Int(i64),
    Str(String),
    Arr(Vec<V>),
    Obj(Vec<(String, V)>),
}

impl V {
    fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            V::Null => J::Null,
            V::Bool(b) => J::Bool(*b),
            V::Int(i) => J::from(*i),
            V::Str(s) => J::String(s.clone()),
            V::Arr(items) => J::Array(items.iter().map(V::to_json).collect()),
            V::Obj(entries) => J::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }
}

/// Characters that stress escaping, multi-byte offsets and line breaks.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        6 => (0x20u8..0x7f).prop_map(char::from),
        1 => prop::sample::select(vec![
            '\n', '\t', '\r', '\\', '"', '\'', '#', ':', '-', '\u{1}', '\u{1b}', '\u{7f}',
            '\u{85}', '\u{a0}', 'é', '中', '😀', '\u{2028}', '\u{feff}', '\u{fffd}',
        ]),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(text_char(), 0..12).prop_map(|cs| cs.into_iter().collect())
}

fn key() -> impl Strategy<Value = String> {
    "[A-Za-z_][A-Za-z0-9_]{0,8}"
}

fn value() -> impl Strategy<Value = V> {
    let leaf = prop_oneof![
        Just(V::Null),
        any::<bool>().prop_map(V::Bool),
        prop_oneof![any::<i64>(), -1000i64..1000].prop_map(V::Int),
        text().prop_map(V::Str),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(V::Arr),
            prop::collection::vec((key(), inner), 0..6).prop_map(|kvs| {
                let mut seen = std::collections::HashSet::new();
                V::Obj(
                    kvs.into_iter()
                        .filter(|(k, _)| seen.insert(k.clone()))
                        .collect(),
                )
            }),
        ]
    })
}

// ---------------------------------------------------------------------------
// A small block-style YAML emitter
// ---------------------------------------------------------------------------

/// A scalar as this emitter writes it (strings always double-quoted).
fn yaml_scalar(v: &V) -> String {
    match v {
        V::Null => "null".into(),
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Str(s) => {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\t' => out.push_str("\\t"),
                    '\r' => out.push_str("\\r"),
                    c if (c as u32) < 0x20
                        || (0x7f..=0x9f).contains(&(c as u32))
                        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') =>
                    {
                        out.push_str(&format!("\\u{:04X}", c as u32));
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }
        V::Arr(items) if items.is_empty() => "[]".into(),
        V::Obj(entries) if entries.is_empty() => "{}".into(),
        V::Arr(_) | V::Obj(_) => unreachable!("not a scalar"),
    }
}

fn is_block(v: &V) -> bool {
    match v {
        V::Arr(items) => !items.is_empty(),
        V::Obj(entries) => !entries.is_empty(),
        _ => false,
    }
}

/// Emits `v` starting at column `indent` of the current line (the caller has
/// written the indentation of that line); later lines are indented here.
/// Sequence items that are collections use the compact forms `- k: v` and `- - x`.
fn yaml_block(v: &V, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let child = |value: &V, out: &mut String| {
        if is_block(value) {
            out.push('\n');
            out.push_str(&" ".repeat(indent + 2));
            yaml_block(value, indent + 2, out);
        } else {
            out.push(' ');
            out.push_str(&yaml_scalar(value));
            out.push('\n');
        }
    };
    match v {
        V::Obj(entries) if !entries.is_empty() => {
            for (i, (k, value)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(&pad);
                }
                out.push_str(k);
                out.push(':');
                child(value, out);
            }
        }
        V::Arr(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(&pad);
                }
                out.push('-');
                if is_block(item) {
                    out.push(' ');
                    yaml_block(item, indent + 2, out);
                } else {
                    out.push(' ');
                    out.push_str(&yaml_scalar(item));
                    out.push('\n');
                }
            }
        }
        scalar => {
            out.push_str(&yaml_scalar(scalar));
            out.push('\n');
        }
    }
}

fn to_yaml(v: &V) -> String {
    let mut out = String::new();
    yaml_block(v, 0, &mut out);
    out
}

// ---------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Syntax {
    Json,
    Yaml,
}

fn slice(text: &str, span: Span) -> &str {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or_else(|| panic!("span {span:?} is not a char range of the text"))
}

/// Compares the parsed tree with the generated value, node by node, and checks
/// what every scalar and key span slices to.
fn check_node(text: &str, syntax: Syntax, node: &Node, v: &V, path: &str) -> Result<(), String> {
    let here = slice(text, node.span);
    match (&node.value, v) {
        (Value::Seq(items), V::Arr(want)) if !want.is_empty() => {
            if items.len() != want.len() {
                return Err(format!(
                    "{path}: {} items, want {}",
                    items.len(),
                    want.len()
                ));
            }
            for (i, (n, w)) in items.iter().zip(want).enumerate() {
                check_node(text, syntax, n, w, &format!("{path}/{i}"))?;
            }
            return Ok(());
        }
        (Value::Map(m), V::Obj(want)) if !want.is_empty() => {
            let keys: Vec<&str> = m.entries.iter().map(|e| e.key.as_str()).collect();
            let want_keys: Vec<&str> = want.iter().map(|(k, _)| k.as_str()).collect();
            if keys != want_keys {
                return Err(format!("{path}: keys {keys:?}, want {want_keys:?}"));
            }
            for (e, (k, w)) in m.entries.iter().zip(want) {
                let written = match syntax {
                    Syntax::Json => serde_json::to_string(k).unwrap(),
                    Syntax::Yaml => k.clone(),
                };
                let at = slice(text, e.key_span);
                if at != written {
                    return Err(format!("{path}: key span of {k:?} slices to {at:?}"));
                }
                check_node(text, syntax, &e.value, w, &format!("{path}/{k}"))?;
            }
            return Ok(());
        }
        _ => {}
    }
    if node.to_json() != v.to_json() {
        return Err(format!(
            "{path}: parsed {}, want {}",
            node.to_json(),
            v.to_json()
        ));
    }
    // A scalar (or an empty collection): its span is the text written for it.
    let ok = match syntax {
        Syntax::Json => serde_json::from_str::<serde_json::Value>(here).ok() == Some(v.to_json()),
        Syntax::Yaml => here == yaml_scalar(v),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{path}: span of {} slices to {here:?}",
            v.to_json()
        ))
    }
}

/// Line and column by counting from the start of the text.
fn naive_line_col(text: &str, offset: usize) -> LineCol {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    LineCol {
        line: line as u32,
        column: column as u32,
    }
}

fn check_line_cols(text: &str, root: &Node) -> Result<(), String> {
    let file = SourceFile::new("t".into(), "t".into(), Arc::from(text));
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let mut offsets = vec![node.span.start, node.span.end];
        match &node.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(m) => {
                for e in &m.entries {
                    offsets.push(e.key_span.start);
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
        for off in offsets {
            let got = file.line_col(off);
            let want = naive_line_col(text, off as usize);
            if got != want {
                return Err(format!("offset {off}: line_col {got:?}, naive {want:?}"));
            }
        }
    }
    Ok(())
}

fn check_text(text: &str, syntax: Syntax, v: &V) -> Result<(), TestCaseError> {
    let node = match syntax {
        Syntax::Json => parse::json::parse(text, FileId(0)),
        Syntax::Yaml => parse::yaml::parse(text, FileId(0)).map(|mut docs| {
            assert_eq!(docs.len(), 1, "one document");
            docs.remove(0)
        }),
    }
    .map_err(|e| TestCaseError::fail(format!("does not parse: {e:?}\n{text}")))?;
    check_node(text, syntax, &node, v, "")
        .and_then(|()| check_line_cols(text, &node))
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- text ---\n{text}")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn json_values_and_spans_round_trip(v in value()) {
        let text = serde_json::to_string_pretty(&v.to_json()).unwrap();
        check_text(&text, Syntax::Json, &v)?;
    }

    #[test]
    fn yaml_values_and_spans_round_trip(v in value()) {
        let text = to_yaml(&v);
        check_text(&text, Syntax::Yaml, &v)?;
    }
}

// ---------------------------------------------------------------------------
// Determinism of whole scans
// ---------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Resource {
    Function {
        runtime: &'static str,
        timeout: u32,
        sam: bool,
    },
    Bucket {
        versioned: bool,
    },
    Queue {
        visibility: u32,
    },
}

#[derive(Clone, Debug)]
struct Template {
    json: bool,
    resources: Vec<Resource>,
}

impl Template {
    fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        let mut resources = serde_json::Map::new();
        for (i, r) in self.resources.iter().enumerate() {
            let (name, body) = match r {
                Resource::Function {
                    runtime,
                    timeout,
                    sam,
                } => (
                    format!("Fn{i}"),
                    if *sam {
                        json!({"Type": "AWS::Serverless::Function", "Properties": {
                            "Runtime": runtime, "Handler": "app.handler", "CodeUri": "src/",
                            "Timeout": timeout}})
                    } else {
                        json!({"Type": "AWS::Lambda::Function", "Properties": {
                            "Runtime": runtime, "Handler": "index.handler",
                            "Role": "arn:aws:iam::123456789012:role/r",
                            "Code": {"ZipFile": "x"}, "Timeout": timeout}})
                    },
                ),
                Resource::Bucket { versioned } => (
                    format!("Bucket{i}"),
                    if *versioned {
                        json!({"Type": "AWS::S3::Bucket", "Properties": {
                            "VersioningConfiguration": {"Status": "Enabled"}}})
                    } else {
                        json!({"Type": "AWS::S3::Bucket"})
                    },
                ),
                Resource::Queue { visibility } => (
                    format!("Queue{i}"),
                    json!({"Type": "AWS::SQS::Queue", "Properties": {
                        "VisibilityTimeout": visibility}}),
                ),
            };
            resources.insert(name, body);
        }
        let sam = self
            .resources
            .iter()
            .any(|r| matches!(r, Resource::Function { sam: true, .. }));
        let mut doc = json!({"AWSTemplateFormatVersion": "2010-09-09"});
        if sam {
            doc["Transform"] = json!("AWS::Serverless-2016-10-31");
        }
        doc["Resources"] = serde_json::Value::Object(resources);
        doc
    }

    /// The file name and text; YAML goes through the generic emitter above.
    fn render(&self, index: usize) -> (String, String) {
        let json = self.to_json();
        if self.json {
            (
                format!("t{index}.json"),
                serde_json::to_string_pretty(&json).unwrap(),
            )
        } else {
            (format!("t{index}.yaml"), to_yaml(&from_json(&json)))
        }
    }
}

fn from_json(j: &serde_json::Value) -> V {
    use serde_json::Value as J;
    match j {
        J::Null => V::Null,
        J::Bool(b) => V::Bool(*b),
        J::Number(n) => V::Int(n.as_i64().unwrap_or(0)),
        J::String(s) => V::Str(s.clone()),
        J::Array(items) => V::Arr(items.iter().map(from_json).collect()),
        J::Object(o) => V::Obj(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect()),
    }
}

fn resource() -> impl Strategy<Value = Resource> {
    let runtime = prop::sample::select(vec![
        "python3.7",
        "python3.12",
        "nodejs14.x",
        "nodejs20.x",
        "java8",
        "go1.x",
        "provided.al2023",
    ]);
    prop_oneof![
        (runtime, 1u32..1200, any::<bool>()).prop_map(|(runtime, timeout, sam)| {
            Resource::Function {
                runtime,
                timeout,
                sam,
            }
        }),
        any::<bool>().prop_map(|versioned| Resource::Bucket { versioned }),
        (0u32..1000).prop_map(|visibility| Resource::Queue { visibility }),
    ]
}

fn template() -> impl Strategy<Value = Template> {
    (any::<bool>(), prop::collection::vec(resource(), 1..5))
        .prop_map(|(json, resources)| Template { json, resources })
}

/// Writes `files` in the given order into a fresh `dir` (removed first).
fn write_all(dir: &Path, files: &[(String, String)]) {
    if dir.exists() {
        std::fs::remove_dir_all(dir).unwrap();
    }
    std::fs::create_dir(dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// JSON and SARIF of a scan of `dir`.
fn reports(dir: &Path, threads: usize) -> (String, String) {
    let mut settings = common::settings(&[dir]);
    settings.threads = threads;
    let outcome = common::scan_with(&settings);
    (
        faasguard::report::json::render(&outcome),
        faasguard::report::sarif::render(&outcome),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// The same files at the same path (fingerprints include the path), created
    /// in opposite orders and scanned with one and two threads.
    #[test]
    fn scans_ignore_thread_count_and_creation_order(
        templates in prop::collection::vec(template(), 1..6),
    ) {
        let files: Vec<(String, String)> =
            templates.iter().enumerate().map(|(i, t)| t.render(i)).collect();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("templates");

        write_all(&dir, &files);
        let (json_a, sarif_a) = reports(&dir, 1);
        let mut reversed = files.clone();
        reversed.reverse();
        write_all(&dir, &reversed);
        let (json_b, sarif_b) = reports(&dir, 2);

        // The report is about these files: each scanned, none failing, and
        // exactly the functions on a deprecated runtime (on 2026-11-23)
        // flagged by FG-RUN-001, in their own file.
        let report: serde_json::Value = serde_json::from_str(&json_a).unwrap();
        prop_assert_eq!(
            report["summary"]["files_scanned"].as_u64(),
            Some(files.len() as u64),
            "{}", json_a
        );
        prop_assert_eq!(report["diagnostics"].as_array().map(Vec::len), Some(0), "{}", json_a);
        let flagged: std::collections::BTreeSet<(String, String)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == "FG-RUN-001")
            .map(|f| {
                let file = f["file"].as_str().unwrap_or("");
                let name = file.rsplit('/').next().unwrap_or("").to_string();
                (name, f["resource"].as_str().unwrap_or("").to_string())
            })
            .collect();
        let deprecated = ["python3.7", "nodejs14.x", "nodejs20.x", "java8", "go1.x"];
        let expected: std::collections::BTreeSet<(String, String)> = templates
            .iter()
            .enumerate()
            .flat_map(|(t, template)| {
                let name = files[t].0.clone();
                template.resources.iter().enumerate().filter_map(move |(i, r)| match r {
                    Resource::Function { runtime, .. } if deprecated.contains(runtime) => {
                        Some((name.clone(), format!("Fn{i}")))
                    }
                    _ => None,
                })
            })
            .collect();
        prop_assert_eq!(flagged, expected, "{}", json_a);
        prop_assert_eq!(json_a, json_b);
        prop_assert_eq!(sarif_a, sarif_b);
    }
}

/// The emitter and checks themselves, on a fixed value (so a broken emitter
/// shows up as a plain failure, not as a shrunk proptest case).
#[test]
fn yaml_emitter_writes_block_style() {
    let v = V::Obj(vec![
        (
            "a".into(),
            V::Arr(vec![
                V::Int(1),
                V::Obj(vec![
                    ("b".into(), V::Null),
                    ("c".into(), V::Str("x\"é\n".into())),
                ]),
            ]),
        ),
        (
            "d".into(),
            V::Arr(vec![V::Arr(vec![V::Bool(true), V::Arr(vec![])])]),
        ),
        ("e".into(), V::Obj(vec![])),
    ]);
    let text = to_yaml(&v);
    assert_eq!(
        text,
        "a:\n  - 1\n  - b: null\n    c: \"x\\\"é\\n\"\nd:\n  - - true\n    - []\ne: {}\n"
    );
    check_text(&text, Syntax::Yaml, &v).unwrap();
    let json = serde_json::to_string_pretty(&v.to_json()).unwrap();
    check_text(&json, Syntax::Json, &v).unwrap();
}
