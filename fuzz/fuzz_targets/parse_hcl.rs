//! Terraform HCL: `load_module` never panics on any UTF-8 `main.tf`, and
//! every span it returns (resource labels and bodies, every value node and
//! key, notes, errors, `via`) is a valid, char-aligned range of the text.
//!
//! Self-contained for now; the check can move into `fuzz/checks.rs` to be
//! shared with `tests/it/fuzz_smoke.rs` like the other targets.

#![no_main]

use std::path::Path;
use std::sync::Arc;

use faasguard::parse::{Node, Value};
use faasguard::source::{FileId, Span};
use faasguard::terraform::{load_module, FileSet, Options};
use libfuzzer_sys::fuzz_target;

fn assert_span(text: &str, s: Span) {
    assert_eq!(s.file, FileId(0), "span in another file: {s:?}");
    let (a, b) = (s.start as usize, s.end as usize);
    assert!(
        a <= b && b <= text.len(),
        "span {a}..{b} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(a) && text.is_char_boundary(b),
        "span {a}..{b} splits a char"
    );
}

fn assert_node(text: &str, n: &Node) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        assert_span(text, n.span);
        match &n.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(m) => {
                for e in &m.entries {
                    assert_span(text, e.key_span);
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
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
        assert_span(text, r.span);
        assert_span(text, r.body);
        assert_node(text, &r.values);
    }
    for p in &unit.providers {
        assert_node(text, &p.values);
    }
    for (_, s) in &unit.notes {
        assert_span(text, *s);
    }
    for (s, _) in &unit.via {
        assert_span(text, *s);
    }
    for e in &unit.errors {
        assert_span(text, e.span);
    }
});
