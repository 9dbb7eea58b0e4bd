//! The fuzz targets' checks (`fuzz/checks.rs`) on the stable toolchain: over
//! the committed seeds, over inputs the fuzzers once crashed on, and over a few
//! thousand generated inputs (seed mutations and syntax-token soups), so CI
//! keeps the properties without nightly or libFuzzer. Every target of
//! `fuzz/Cargo.toml` is here (a test checks it).

use std::path::PathBuf;

use proptest::prelude::*;

use crate::common;

#[path = "../../fuzz/checks.rs"]
mod checks;

type Check = fn(&[u8]);

const TARGETS: &[(&str, Check)] = &[
    ("parse_yaml", checks::parse_yaml),
    ("parse_json", checks::parse_json),
    ("adapt_cloudformation", checks::adapt_cloudformation),
    ("scan_secret", checks::scan_secret),
    ("parse_hcl", checks::parse_hcl),
    ("parse_lockfile", checks::parse_lockfile),
    ("adapt_serverless", checks::adapt_serverless),
];

/// Every `[[bin]]` of the fuzz crate is a target here, calls its check in
/// `checks.rs` and nothing else, and has seeds.
#[test]
fn every_fuzz_target_is_replayed_here() {
    let manifest = std::fs::read_to_string(common::root().join("fuzz/Cargo.toml")).expect("reads");
    let manifest: toml::Value = toml::from_str(&manifest).expect("toml");
    let mut bins: Vec<String> = manifest["bin"]
        .as_array()
        .expect("[[bin]]")
        .iter()
        .map(|b| b["name"].as_str().expect("name").to_string())
        .collect();
    bins.sort();
    let mut here: Vec<String> = TARGETS.iter().map(|(t, _)| t.to_string()).collect();
    here.sort();
    assert_eq!(bins, here);
    for target in bins {
        let path = common::root().join(format!("fuzz/fuzz_targets/{target}.rs"));
        let text = std::fs::read_to_string(&path).expect("reads");
        assert!(
            text.contains(&format!(
                "fuzz_target!(|data: &[u8]| checks::{target}(data));"
            )),
            "{}: the target must only call checks::{target}",
            path.display()
        );
    }
}

fn seeds(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = common::root().join("fuzz/seeds").join(target);
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.expect("dir entry").path();
            let bytes = std::fs::read(&path).expect("seed reads");
            (path, bytes)
        })
        .collect();
    out.sort();
    out
}

fn all_seeds() -> Vec<Vec<u8>> {
    TARGETS
        .iter()
        .flat_map(|(t, _)| seeds(t))
        .map(|(_, b)| b)
        .collect()
}

#[test]
fn every_target_has_seeds_that_pass_its_check() {
    for (target, check) in TARGETS {
        let seeds = seeds(target);
        assert!(!seeds.is_empty(), "no seeds for {target}");
        for (path, bytes) in seeds {
            eprintln!("{target}: {}", path.display());
            check(&bytes);
        }
    }
}

/// Found by `cargo fuzz run parse_yaml` (minimized): after an unknown
/// directive holding a multi-byte character, saphyr-parser 0.3.4 reports
/// byte-based indexes where `CharOffsets` expects char indexes, so spans land
/// past the end of the text (here 12..12 in a 9-byte file).
#[test]
fn yaml_spans_after_an_unknown_non_ascii_directive() {
    checks::parse_yaml("%\u{1f600}\n---".as_bytes());
    checks::parse_yaml("%\u{1f600}\n--- a".as_bytes());
}

/// Inputs found by fuzzing or review, kept so they stay fixed.
#[test]
fn regression_inputs() {
    let cases: &[&[u8]] = &[
        b"",
        b"\xef\xbb\xbf",
        b"-",
        b"[1e400, -0, 18446744073709551616]",
        b"\"\\ud800\\u0041\"",
        b"&a [*a]",
        b"? [a, b]\n: c\n",
        b"a: !GetAtt\nb: !Ref\n",
        b"<<: [1, {a: b}]\n",
        b"---\n...\n---\n",
    ];
    for input in cases {
        for (_, check) in TARGETS {
            check(input);
        }
    }
}

// ---------------------------------------------------------------------------
// Generated inputs
// ---------------------------------------------------------------------------

/// A seed with a few byte-level edits (insert, delete, overwrite, splice).
fn mutated_seed() -> impl Strategy<Value = Vec<u8>> {
    let seeds = all_seeds();
    let edit = (
        0usize..4,
        any::<prop::sample::Index>(),
        any::<u8>(),
        1usize..8,
    );
    (
        prop::sample::select(seeds),
        prop::collection::vec(edit, 1..6),
    )
        .prop_map(|(mut bytes, edits)| {
            for (kind, at, byte, len) in edits {
                let i = if bytes.is_empty() {
                    0
                } else {
                    at.index(bytes.len())
                };
                match kind {
                    0 => bytes.insert(i, byte),
                    1 if !bytes.is_empty() => {
                        let end = (i + len).min(bytes.len());
                        bytes.drain(i..end);
                    }
                    2 if !bytes.is_empty() => bytes[i] = byte,
                    _ => {
                        // Repeat a short run in place (nesting, aliases, brackets).
                        let end = (i + len).min(bytes.len());
                        let run = bytes[i..end].to_vec();
                        for _ in 0..3 {
                            bytes.splice(i..i, run.iter().copied());
                        }
                    }
                }
            }
            bytes
        })
}

/// Inputs made of the syntax's own tokens, which random bytes rarely hit.
fn token_soup() -> impl Strategy<Value = Vec<u8>> {
    let token = prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        ": ",
        "\"",
        "'",
        "\\",
        "\\u",
        "d800",
        "dc00",
        "00e9",
        "\\n",
        "0",
        "1",
        "-",
        ".",
        "e",
        "E+",
        "9223372036854775808",
        "true",
        "null",
        " ",
        "\n",
        "\t",
        "\r\n",
        "- ",
        "? ",
        "&a ",
        "*a",
        "<<",
        "!Ref ",
        "!GetAtt ",
        "!Sub ",
        "!!str ",
        "!!int ",
        "#",
        "|",
        ">-",
        "---",
        "...",
        "%YAML 1.2\n",
        "é",
        "中",
        "😀",
        "\u{feff}",
        "Type",
        "Resources",
        "AWS::Serverless::Function",
        "Properties",
        "Timeout",
        "Runtime",
        "Policies",
        "Statement",
        "Effect",
        "Allow",
        "Action",
        "*",
        "PASSWORD",
        "=",
        "AKIA",
        "ghp_",
        "sk_live_",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345",
        "${",
        "{{resolve:",
    ]);
    prop::collection::vec(token, 0..40).prop_map(|ts| ts.concat().into_bytes())
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => mutated_seed(),
        4 => token_soup(),
        1 => prop::collection::vec(any::<u8>(), 0..64),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn parsers_hold_on_generated_inputs(bytes in input()) {
        checks::parse_yaml(&bytes);
        checks::parse_json(&bytes);
        checks::scan_secret(&bytes);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn adapter_holds_on_generated_inputs(bytes in input()) {
        checks::adapt_cloudformation(&bytes);
    }
}

/// Mutations of one target's own seeds (the HCL, lockfile and serverless
/// syntaxes are far from the YAML/JSON token soup).
fn mutated_own_seed(target: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<Vec<u8>> = seeds(target).into_iter().map(|(_, b)| b).collect();
    let edit = (
        0usize..3,
        any::<prop::sample::Index>(),
        any::<u8>(),
        1usize..6,
    );
    (
        prop::sample::select(seeds),
        prop::collection::vec(edit, 1..5),
    )
        .prop_map(|(mut bytes, edits)| {
            for (kind, at, byte, len) in edits {
                // The lockfile target's first byte picks the format: keep it.
                let i = 1 + at.index(bytes.len().max(2) - 1);
                let i = i.min(bytes.len());
                match kind {
                    0 => bytes.insert(i, byte),
                    1 => {
                        let end = (i + len).min(bytes.len());
                        bytes.drain(i..end);
                    }
                    _ => {
                        let end = (i + len).min(bytes.len());
                        let run = bytes[i..end].to_vec();
                        bytes.splice(i..i, run);
                    }
                }
            }
            bytes
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn hcl_holds_on_generated_inputs(bytes in mutated_own_seed("parse_hcl")) {
        checks::parse_hcl(&bytes);
    }

    #[test]
    fn lockfiles_hold_on_generated_inputs(bytes in mutated_own_seed("parse_lockfile")) {
        checks::parse_lockfile(&bytes);
    }

    #[test]
    fn serverless_holds_on_generated_inputs(bytes in mutated_own_seed("adapt_serverless")) {
        checks::adapt_serverless(&bytes);
    }
}

/// What the lockfile check calls "the line that names the package".
#[test]
fn the_lockfile_check_reads_the_package_line() {
    let text = "[[package]]\nname = \"flask\"\nversion = \"2.0.1\"\n";
    let at = text.find("\"flask").expect("present");
    assert_eq!(checks::line_at(text, at), "name = \"flask\"");
    assert_eq!(checks::line_at(text, 0), "[[package]]");
    assert_eq!(checks::line_at(text, text.len()), "");
    assert!(checks::names("name = \"flask\"", "flask"));
    // PEP 503: case and `-_.` are alike.
    assert!(checks::names("Flask_Login==0.6.3", "flask-login"));
    // An escape may spell the name: not held against the parser.
    assert!(checks::names("\"node_modules/\\u0061\": {", "a"));
    assert!(!checks::names("version = \"2.0.1\"", "flask"));
    // Found by `lockfiles_hold_on_generated_inputs`: yarn berry reports an
    // aliased entry under its `resolution`'s name, at the entry's key (and
    // go.mod a replaced module under its replacement): the check allows it.
    checks::parse_lockfile(
        b"E__metadata:\n  version: 6\n\n\"strip-ansi-cjs@npm:strip-ansi@^6.0.1\":\n  \
          version: 6.0.1\n  resolution: \"strip-ansi@npm:6.0.1\"\n",
    );
    checks::parse_lockfile(
        b"Kmodule m\n\nrequire example.com/forked v1.0.0\n\n\
          replace example.com/forked => github.com/someone/forked v1.0.1\n",
    );
    // A well-formed file of each kind passes as a whole.
    checks::parse_lockfile(b"G# pinned\nflask==2.0.1\n\nrequests==2.31.0\n");
    checks::parse_lockfile(b"B[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n");
}

// ---------------------------------------------------------------------------
// Parser bugs found while writing these checks, with their minimal inputs.
// ---------------------------------------------------------------------------

mod parser_regressions {
    use faasguard::parse::{json, yaml, Node, Value};
    use faasguard::source::FileId;

    fn yaml_one(text: &str) -> Node {
        yaml::parse(text, FileId(0)).expect("parses").remove(0)
    }

    fn slice(text: &str, n: &Node) -> String {
        text[n.span.start as usize..n.span.end as usize].to_string()
    }

    #[test]
    fn yaml_signed_hex_and_octal_stay_strings() {
        // YAML 1.2 core schema: `0x[0-9a-fA-F]+` and `0o[0-7]+`, unsigned only.
        let doc = yaml_one("a: -0x1F\nb: +0o17\n");
        assert_eq!(doc.get("a").unwrap().as_str(), Some("-0x1F"));
        assert_eq!(doc.get("b").unwrap().as_str(), Some("+0o17"));
    }

    #[test]
    fn json_unicode_escape_rejects_a_sign() {
        assert!(json::parse(r#""\u+041""#, FileId(0)).is_err());
    }

    #[test]
    fn json_lone_surrogate_keeps_the_next_escape() {
        let n = json::parse(r#""\ud800\u0041""#, FileId(0)).unwrap();
        assert_eq!(n.as_str(), Some("\u{fffd}A"));
    }

    #[test]
    fn json_keeps_u64_integers_exact() {
        let n = json::parse("18446744073709551615", FileId(0)).unwrap();
        assert_eq!(n.value, Value::Number(u64::MAX.into()));
    }

    #[test]
    fn yaml_flow_collection_spans_include_brackets() {
        let text = "a: [1, 2]\nb: {}\n";
        let doc = yaml_one(text);
        assert_eq!(slice(text, doc.get("a").unwrap()), "[1, 2]");
        assert_eq!(slice(text, doc.get("b").unwrap()), "{}");
    }

    #[test]
    fn yaml_scalar_spans_exclude_anchor_and_tag() {
        let text = "a: &x value\nb: &y !Ref r\n";
        let doc = yaml_one(text);
        assert_eq!(slice(text, doc.get("a").unwrap()), "value");
        assert_eq!(slice(text, doc.get_path(&["b", "Ref"]).unwrap()), "r");
    }
}
