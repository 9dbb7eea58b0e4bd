//! Serverless Framework adapter over any parsed document: variable
//! resolution and adaptation never panic or hang, the model becomes policy
//! input, and every span it carries (values, notes, `via`, headers) lies
//! inside the text. `${file()}` is confined to an empty directory.

#![no_main]

use std::path::Path;

use faasguard::adapt::serverless::{adapt_text, Env};
use faasguard::model::COLLECTIONS;
use faasguard::parse::{self, Node, Value};
use faasguard::source::{FileId, Span};
use libfuzzer_sys::fuzz_target;

fn inside(text: &str, s: Span) -> bool {
    s.start <= s.end && (s.end as usize) <= text.len()
}

fn check_tree(text: &str, n: &Node) {
    let mut stack = vec![n];
    while let Some(n) = stack.pop() {
        assert!(inside(text, n.span), "{:?} outside the text", n.span);
        match &n.value {
            Value::Seq(items) => stack.extend(items.iter()),
            Value::Map(m) => stack.extend(m.entries.iter().map(|e| &e.value)),
            _ => {}
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let docs = if text.trim_start().starts_with('{') {
        parse::json::parse(text, FileId(0)).map(|d| vec![d])
    } else {
        parse::yaml::parse(text, FileId(0))
    };
    let Ok(docs) = docs else { return };
    // A path in a directory with nothing in it: `${file()}` finds no file.
    let dir = std::env::temp_dir().join("faasguard-fuzz-serverless-empty");
    let _ = std::fs::create_dir_all(&dir);
    let env = Env {
        root: Some(dir.clone()),
        ..Env::default()
    };
    for doc in docs.iter().filter(|d| d.as_map().is_some()) {
        let path = dir.join("serverless.yml");
        let (model, _secrets) = adapt_text(doc, FileId(0), Path::new(&path), Some(text), &env);
        let _ = model.to_input("serverless.yml");
        for c in COLLECTIONS {
            for item in model.items(c) {
                check_tree(text, item);
            }
        }
        let notes = model.notes.iter().map(|(_, s)| *s);
        for s in notes.chain(model.via.iter().map(|(s, _)| *s)) {
            assert!(inside(text, s));
        }
        for h in &model.headers {
            assert!(inside(text, h.key) && inside(text, h.body));
        }
    }
});
