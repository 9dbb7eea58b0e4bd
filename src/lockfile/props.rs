//! Properties of the lockfile parsers, checked on generated input: spans on
//! the package's line for every format, no panic on arbitrary or damaged
//! text, and the speed of a large package-lock.json.

use proptest::prelude::*;

use super::parse;
use super::tests::{assert_spans_valid, fixture, ALL_KINDS};
use crate::discover::LockfileKind;
use crate::source::FileId;

#[test]
fn a_large_package_lock_parses_fast() {
    let mut text = String::from(
        "{\"name\": \"big\", \"lockfileVersion\": 3, \"packages\": {\n  \"\": {\"name\": \"big\"}",
    );
    for i in 0..2000 {
        text.push_str(&format!(
            ",\n    \"node_modules/pkg-{i}\": {{\n      \"version\": \"1.{i}.0\",\n      \
             \"resolved\": \"https://registry.npmjs.org/pkg-{i}/-/pkg-{i}-1.{i}.0.tgz\",\n      \
             \"integrity\": \"sha512-{i:0>86}==\",\n      \"dev\": {},\n      \
             \"dependencies\": {{\"dep-a\": \"^1.0.0\", \"dep-b\": \"~2.1.0\"}}\n    }}",
            i % 3 == 0
        ));
    }
    text.push_str("\n  }\n}\n");
    // The fastest of a few runs: the machine may be busy with other work.
    let mut took = std::time::Duration::MAX;
    let mut lock = None;
    for _ in 0..5 {
        let started = std::time::Instant::now();
        lock = Some(parse(LockfileKind::NpmPackageLock, &text, FileId(0)));
        took = took.min(started.elapsed());
    }
    eprintln!("2,000-package package-lock.json parsed in {took:?}");
    let lock = lock
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("the generated package-lock parses"));
    assert_eq!(lock.packages.len(), 2000);
    assert_eq!(lock.packages.iter().filter(|p| p.dev).count(), 667);
    // Unoptimised test builds are ~10x slower than release; this bound only
    // catches accidental quadratic work.
    assert!(took.as_millis() < 1000, "took {took:?}");
}

/// A generated lockfile: its kind, text, and the (name, version) pairs it
/// locks, in file order.
fn render(kind: LockfileKind, pkgs: &[(String, String)], gap: &str) -> String {
    let mut t = String::new();
    match kind {
        LockfileKind::Cargo | LockfileKind::Poetry | LockfileKind::Uv => {
            t.push_str("version = 1\n");
            for (n, v) in pkgs {
                t.push_str(&format!(
                    "{gap}[[package]]\nname = \"{n}\"{gap}version = \"{v}\"\n\
                     source = {{ registry = \"https://pypi.org/simple\" }}\n"
                ));
            }
        }
        LockfileKind::NpmPackageLock | LockfileKind::NpmShrinkwrap => {
            t.push_str("{\"lockfileVersion\": 3, \"packages\": {\"\": {}");
            for (n, v) in pkgs {
                t.push_str(&format!(
                    ",{gap}\"node_modules/{n}\": {{{gap}\"version\": \"{v}\"}}"
                ));
            }
            t.push_str("}}");
        }
        LockfileKind::Yarn => {
            t.push_str("# yarn lockfile v1\n");
            for (n, v) in pkgs {
                t.push_str(&format!("{gap}\"{n}@^{v}\", {n}@{v}:\n  version \"{v}\"\n"));
            }
        }
        LockfileKind::Pnpm => {
            t.push_str("lockfileVersion: '6.0'\npackages:\n");
            for (n, v) in pkgs {
                t.push_str(&format!("{gap}  /{n}@{v}(peer@1.0.0):\n    dev: false\n"));
            }
        }
        LockfileKind::RequirementsTxt => {
            for (n, v) in pkgs {
                t.push_str(&format!("{gap}{n} \\\n  == {v} # c\n"));
            }
        }
        LockfileKind::Pipfile => {
            t.push_str("{\"default\": {");
            for (i, (n, v)) in pkgs.iter().enumerate() {
                let sep = if i == 0 { "" } else { "," };
                t.push_str(&format!("{sep}{gap}\"{n}\": {{\"version\": \"=={v}\"}}"));
            }
            t.push_str("}}");
        }
        LockfileKind::GoMod => {
            t.push_str("module m\nrequire (\n");
            for (n, v) in pkgs {
                t.push_str(&format!("{gap}\t{n} v{v} // indirect\n"));
            }
            t.push_str(")\n");
        }
        LockfileKind::GoSum => {
            for (n, v) in pkgs {
                t.push_str(&format!("{gap}{n} v{v}/go.mod h1:x=\n{n} v{v} h1:y=\n"));
            }
        }
    }
    t
}

fn gap() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["\n", "\n\n", "\r\n", "\n \n", "\n# comment\n"])
        .prop_map(str::to_string)
}

/// The property of [`spans_lie_on_the_package_line`] for one generated
/// lockfile.
fn packages_on_their_lines(
    kind: LockfileKind,
    names: &std::collections::BTreeSet<String>,
    gap: String,
    minor: u32,
) -> Result<(), TestCaseError> {
    let go = matches!(kind, LockfileKind::GoMod | LockfileKind::GoSum);
    let json = matches!(
        kind,
        LockfileKind::NpmPackageLock | LockfileKind::NpmShrinkwrap | LockfileKind::Pipfile
    );
    // Comments exist only in some formats; JSON has none.
    let gap =
        if json || (go && gap.contains('#')) || kind == LockfileKind::Pnpm && gap.contains('#') {
            "\n".to_string()
        } else {
            gap
        };
    let pkgs: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let name = if go {
                format!("example.com/{n}")
            } else {
                n.clone()
            };
            (name, format!("{i}.{minor}.1"))
        })
        .collect();
    let text = render(kind, &pkgs, &gap);
    let lock = parse(kind, &text, FileId(1))
        .map_err(|e| TestCaseError::fail(format!("{e:?} in {text:?}")))?;
    assert_spans_valid(&text, &lock);
    let got: Vec<(String, String)> = lock
        .packages
        .iter()
        .map(|p| {
            (
                p.name.clone(),
                p.version.trim_start_matches('v').to_string(),
            )
        })
        .collect();
    prop_assert_eq!(&got, &pkgs, "{}", text);
    for p in &lock.packages {
        let start = p.span.start as usize;
        let line_start = text
            .get(..start)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line_end = text
            .get(start..)
            .and_then(|a| a.find('\n'))
            .map_or(text.len(), |i| start + i);
        let line = text.get(line_start..line_end).unwrap_or("");
        prop_assert!(
            line.contains(p.name.as_str()),
            "{} not on {:?}",
            p.name,
            line
        );
        prop_assert!(
            p.span.end as usize <= line_end,
            "{:?} runs past its line",
            p.span
        );
    }
    Ok(())
}

/// Once found by `spans_lie_on_the_package_line` (when it lived in
/// `tests.rs`; its proptest-regressions file is replaced by this test): a
/// uv.lock of one package, `a`.
#[test]
fn a_uv_lock_of_one_package() {
    let names = ["a".to_string()].into_iter().collect();
    packages_on_their_lines(LockfileKind::Uv, &names, "\n".to_string(), 0).unwrap();
    let text = render(LockfileKind::Uv, &[("a".into(), "0.0.1".into())], "\n");
    let lock = parse(LockfileKind::Uv, &text, FileId(1)).unwrap();
    assert_eq!(lock.packages.len(), 1);
    let p = &lock.packages[0];
    assert_eq!((p.name.as_str(), p.version.as_str()), ("a", "0.0.1"));
    assert_eq!(
        &text[p.span.start as usize..p.span.end as usize],
        "name = \"a\""
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// On generated lockfiles of every format: every package is found, and
    /// its span is inside the text and starts on the line naming it.
    #[test]
    fn spans_lie_on_the_package_line(
        kind in prop::sample::select(ALL_KINDS.to_vec()),
        names in prop::collection::btree_set("[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?", 1..12),
        gap in gap(),
        minor in 0u32..40,
    ) {
        packages_on_their_lines(kind, &names, gap, minor)?;
    }

    /// Any text, as any kind: no panic, and spans stay valid.
    #[test]
    fn arbitrary_text_never_panics(
        kind in prop::sample::select(ALL_KINDS.to_vec()),
        text in "(\\PC|\n|\\\\|[\"'@:=\\[\\]{}/ -]){0,200}",
    ) {
        if let Ok(lock) = parse(kind, &text, FileId(0)) {
            assert_spans_valid(&text, &lock);
        }
    }
}

/// Every fixture, as its kind.
const FIXTURES: [(&str, LockfileKind); 16] = [
    ("Cargo.lock", LockfileKind::Cargo),
    ("package-lock-v1.json", LockfileKind::NpmPackageLock),
    ("package-lock-v3.json", LockfileKind::NpmPackageLock),
    ("npm-shrinkwrap.json", LockfileKind::NpmShrinkwrap),
    ("yarn-v1.lock", LockfileKind::Yarn),
    ("yarn-berry.lock", LockfileKind::Yarn),
    ("pnpm-v5.yaml", LockfileKind::Pnpm),
    ("pnpm-v6.yaml", LockfileKind::Pnpm),
    ("pnpm-v9.yaml", LockfileKind::Pnpm),
    ("requirements.txt", LockfileKind::RequirementsTxt),
    ("poetry-1.lock", LockfileKind::Poetry),
    ("poetry-2.lock", LockfileKind::Poetry),
    ("Pipfile.lock", LockfileKind::Pipfile),
    ("uv.lock", LockfileKind::Uv),
    ("go.mod", LockfileKind::GoMod),
    ("go.sum", LockfileKind::GoSum),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Fixtures with a slice cut out and junk put in, parsed as every kind:
    /// near-valid input reaches deep into each parser, unlike random text.
    #[test]
    fn damaged_fixtures_never_panic(
        which in 0..FIXTURES.len(),
        as_kind in prop::sample::select(ALL_KINDS.to_vec()),
        cut in (0.0f64..1.0, 0usize..40),
        junk in "(\\PC|\n|[\"'@:=\\[\\]{}/ -]){0,12}",
    ) {
        let (name, own_kind) = FIXTURES[which];
        let text = fixture(name);
        let mut at = ((text.len() as f64) * cut.0) as usize;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + cut.1).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let damaged = format!("{}{junk}{}", &text[..at], &text[end..]);
        for kind in [own_kind, as_kind] {
            if let Ok(lock) = parse(kind, &damaged, FileId(0)) {
                assert_spans_valid(&damaged, &lock);
            }
        }
    }
}
