//! The checks behind every fuzz target, shared with the stable smoke test
//! (`tests/it/fuzz_smoke.rs` includes this file with `#[path]`), so the same
//! properties run under libFuzzer on nightly and under proptest in normal CI.
//!
//! Each check takes arbitrary bytes and panics when a property fails; inputs a
//! parser rejects are fine, only panics and broken invariants count.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use faasguard::adapt::cloudformation::{self, Env};
use faasguard::adapt::serverless;
use faasguard::discover::LockfileKind;
use faasguard::lockfile;
use faasguard::model::{Model, COLLECTIONS};
use faasguard::parse::{self, Node, Value};
use faasguard::secret::SecretScanner;
use faasguard::source::{FileId, Span};
use faasguard::terraform::{load_module, FileSet, Options};

/// YAML: parsing never panics, and every node and key span of every document
/// is a valid, char-aligned range of the text.
pub fn parse_yaml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(docs) = parse::yaml::parse(text, FileId(0)) {
        for doc in &docs {
            assert_spans(text, doc);
        }
    }
}

/// JSON: spans as for YAML, plus agreement with serde_json: what it accepts we
/// accept with the same value, and what only we accept is one of the
/// documented leniencies.
pub fn parse_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ours = parse::json::parse(text, FileId(0));
    if let Ok(doc) = &ours {
        assert_spans(text, doc);
    }
    match (serde_json::from_str::<serde_json::Value>(text), &ours) {
        (Ok(theirs), Ok(doc)) => {
            // serde_json keeps the last of duplicate keys, as `to_json` does,
            // but the position differs: compare only inputs without them.
            if !has_duplicate_keys(doc) {
                let mine = doc.to_json();
                assert!(
                    json_eq(&mine, &theirs),
                    "value differs from serde_json\ninput: {text:?}\nours: {mine}\ntheirs: {theirs}"
                );
            }
        }
        (Ok(_), Err(e)) => panic!("serde_json accepts what we reject ({e:?})\ninput: {text:?}"),
        (Err(e), Ok(_)) => {
            let msg = e.to_string();
            let tolerated = text.starts_with('\u{feff}')
                || [
                    "number out of range",
                    "recursion limit exceeded",
                    "lone leading surrogate",
                    "unexpected end of hex escape",
                    "invalid unicode code point",
                ]
                .iter()
                .any(|m| msg.contains(m));
            assert!(
                tolerated,
                "we accept what serde_json rejects ({msg})\ninput: {text:?}"
            );
        }
        (Err(_), Err(_)) => {}
    }
}

/// CloudFormation: any document that parses adapts and becomes policy input
/// without panicking, and the model's spans stay inside the text.
pub fn adapt_cloudformation(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let docs = if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
    {
        parse::json::parse(text, FileId(0)).map(|d| vec![d])
    } else {
        parse::yaml::parse(text, FileId(0))
    };
    let Ok(docs) = docs else { return };
    for doc in docs.iter().filter(|d| d.as_map().is_some()) {
        let (model, _secrets) = cloudformation::adapt(doc, FileId(0), &Env::default());
        let _ = model.to_input("fuzz.yaml");
        assert_model_spans(text, &model);
    }
}

/// Secret detector on `key\nvalue` (no newline: no key): never panics, and
/// hits are sorted, char-aligned ranges of the value, none nested in another,
/// each redacted to at most a third of the secret.
pub fn scan_secret(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (key, value) = match text.split_once('\n') {
        Some((k, v)) => (Some(k), v),
        None => (None, text),
    };
    let hits = SecretScanner::builtin().scan(key, value);
    let mut last: Option<(usize, usize)> = None;
    for h in &hits {
        assert!(
            h.start < h.end && h.end <= value.len(),
            "{h:?} in {value:?}"
        );
        assert!(
            value.is_char_boundary(h.start) && value.is_char_boundary(h.end),
            "{h:?} splits a character of {value:?}"
        );
        if let Some((s, e)) = last {
            assert!(s <= h.start, "hits out of order: {hits:?}");
            assert!(h.end > e, "nested hit kept: {hits:?}");
        }
        last = Some((h.start, h.end));
        let n = value[h.start..h.end].chars().count();
        let shown = h.redacted.replacen("****", "", 1).chars().count();
        assert!(h.redacted.contains("****"), "{h:?}");
        assert!(
            shown <= n / 3,
            "redaction shows {shown} of {n} chars: {h:?}"
        );
    }
}

/// Terraform HCL as a module's only `main.tf`: `load_module` never panics,
/// and every span it returns (resource labels and bodies, every value node
/// and key, providers, notes, errors, `via`) is a valid, char-aligned range
/// of the text.
pub fn parse_hcl(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = Path::new("/fuzz/m");
    let mut files = FileSet::default();
    files
        .files
        .insert(dir.join("main.tf"), (FileId(0), Arc::from(text)));
    let unit = load_module(dir, &files, &Options::default());
    for r in &unit.resources {
        assert_span(text, r.span, "resource");
        assert_span(text, r.body, "resource body");
        assert_spans(text, &r.values);
    }
    for p in &unit.providers {
        assert_spans(text, &p.values);
    }
    for (_, s) in &unit.notes {
        assert_span(text, *s, "note");
    }
    for (s, _) in &unit.via {
        assert_span(text, *s, "via");
    }
    for e in &unit.errors {
        assert_span(text, e.span, "error");
    }
}

/// The lockfile kinds, picked by the first byte of a `parse_lockfile` input.
pub const LOCKFILE_KINDS: [LockfileKind; 11] = [
    LockfileKind::Cargo,
    LockfileKind::NpmPackageLock,
    LockfileKind::NpmShrinkwrap,
    LockfileKind::Yarn,
    LockfileKind::Pnpm,
    LockfileKind::RequirementsTxt,
    LockfileKind::Poetry,
    LockfileKind::Pipfile,
    LockfileKind::Uv,
    LockfileKind::GoMod,
    LockfileKind::GoSum,
];

/// Lockfiles: the first byte picks the kind, the rest is the text (UTF-8
/// only). `lockfile::parse` never panics; every span it returns (packages,
/// unpinned requirements, includes, the error) is a valid, char-aligned range
/// of the text; packages come in file order, with a name and a version; and
/// each package's span starts on the line that names it (what a finding
/// points at).
pub fn parse_lockfile(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = LOCKFILE_KINDS[usize::from(pick) % LOCKFILE_KINDS.len()];
    let lock = match lockfile::parse(kind, text, FileId(0)) {
        Ok(lock) => lock,
        Err(e) => {
            assert_span(text, e.span, "error");
            return;
        }
    };
    // npm reports an aliased install (`"node_modules/x": {"name": "y"}`,
    // `"version": "npm:y@1"`) under the real name, at the install's key.
    let npm_alias = matches!(
        kind,
        LockfileKind::NpmPackageLock | LockfileKind::NpmShrinkwrap
    ) && (text.contains("\"name\"") || text.contains("npm:"));
    for p in &lock.packages {
        assert_span(text, p.span, "package");
        assert!(!p.name.is_empty() && !p.version.is_empty(), "{p:?}");
        let line = line_at(text, p.span.start as usize);
        // Some formats report a package under the real name its entry
        // gives elsewhere, at the entry's key: go.mod a replaced module
        // under its replacement (`=>`), yarn an alias under its
        // `resolution`, pnpm a git or tarball entry under its `name:` field.
        let named_elsewhere = match kind {
            LockfileKind::GoMod => "=>",
            LockfileKind::Yarn => "resolution",
            LockfileKind::Pnpm => "name:",
            _ => "",
        };
        let renamed = !named_elsewhere.is_empty()
            && text
                .lines()
                .any(|l| l.contains(named_elsewhere) && names(l, &p.name));
        assert!(
            npm_alias || renamed || names(line, &p.name),
            "{kind:?}: {} is not named on its line {line:?}\ninput: {text:?}",
            p.name
        );
    }
    for (_, span) in &lock.unpinned {
        assert_span(text, *span, "unpinned requirement");
    }
    for (_, span) in &lock.includes {
        assert_span(text, *span, "include");
    }
    assert!(
        lock.packages
            .windows(2)
            .all(|w| w[0].span.start <= w[1].span.start),
        "packages out of file order: {:?}",
        lock.packages
    );
}

/// The line holding byte `at`.
pub fn line_at(text: &str, at: usize) -> &str {
    let start = text
        .get(..at)
        .and_then(|b| b.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(at..)
        .and_then(|a| a.find('\n'))
        .map_or(text.len(), |i| at + i);
    text.get(start..end).unwrap_or("")
}

/// Whether `line` writes the package `name`: as is, or as PEP 503 compares
/// names (case, `-_.` alike); a line with an escape (`\u0061`) may spell it
/// in a way only the format's parser reads, so it counts.
pub fn names(line: &str, name: &str) -> bool {
    let fold = |s: &str| s.to_ascii_lowercase().replace(['_', '.'], "-");
    line.contains(name) || line.contains('\\') || fold(line).contains(&fold(name))
}

/// Serverless Framework: any document that parses, as a `serverless.yml` in
/// an empty directory (`${file()}` finds nothing): variable resolution and
/// adaptation never panic or hang, the model becomes policy input, and
/// every span it carries (values, keys, notes, `via`, resource headers) is a
/// valid, char-aligned range of the text.
pub fn adapt_serverless(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let docs = if text.trim_start().starts_with('{') {
        parse::json::parse(text, FileId(0)).map(|d| vec![d])
    } else {
        parse::yaml::parse(text, FileId(0))
    };
    let Ok(docs) = docs else { return };
    let dir = std::env::temp_dir().join("faasguard-fuzz-serverless-empty");
    let _ = std::fs::create_dir_all(&dir);
    let env = serverless::Env {
        root: Some(dir.clone()),
        ..serverless::Env::default()
    };
    let path = dir.join("serverless.yml");
    for doc in docs.iter().filter(|d| d.as_map().is_some()) {
        let (model, _secrets) = serverless::adapt_text(doc, FileId(0), &path, Some(text), &env);
        let _ = model.to_input("serverless.yml");
        assert_model_spans(text, &model);
        for (_, s) in &model.notes {
            assert_span(text, *s, "note");
        }
        for (s, _) in &model.via {
            assert_span(text, *s, "via");
        }
        for h in &model.headers {
            assert_span(text, h.key, "header key");
            assert_span(text, h.body, "header body");
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn assert_span(text: &str, span: Span, what: &str) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert_eq!(
        span.file,
        FileId(0),
        "{what} span in another file: {span:?}"
    );
    assert!(s <= e, "{what} span ends before it starts: {span:?}");
    assert!(
        e <= text.len(),
        "{what} span past the end ({}): {span:?}",
        text.len()
    );
    assert!(
        text.is_char_boundary(s) && text.is_char_boundary(e),
        "{what} span splits a character: {span:?} in {text:?}"
    );
}

/// Every node and key span in the tree (iteratively: trees may be deep).
pub fn assert_spans(text: &str, root: &Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        assert_span(text, node.span, "node");
        match &node.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(m) => {
                for e in &m.entries {
                    assert_span(text, e.key_span, "key");
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
}

fn assert_model_spans(text: &str, model: &Model) {
    for name in COLLECTIONS {
        for item in model.items(name) {
            assert_spans(text, item);
        }
    }
}

fn has_duplicate_keys(root: &Node) -> bool {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(m) => {
                let mut keys: Vec<&str> = m.entries.iter().map(|e| e.key.as_str()).collect();
                keys.sort_unstable();
                if keys.windows(2).any(|w| w[0] == w[1]) {
                    return true;
                }
                stack.extend(m.entries.iter().map(|e| &e.value));
            }
            _ => {}
        }
    }
    false
}

/// Structural equality with numbers compared by value: serde_json's float
/// parsing is not always correctly rounded, it reads `-0` as a float, and
/// integers above `i64::MAX` as `u64` where we fall back to `f64`.
pub fn json_eq(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y || (x - y).abs() <= 1e-12 * x.abs().max(y.abs()),
            _ => x == y,
        },
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, vx), (ky, vy))| kx == ky && json_eq(vx, vy))
        }
        _ => a == b,
    }
}
