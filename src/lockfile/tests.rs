//! Tests over the fixture lockfiles in `fixtures/lockfiles/` (one per format
//! and version: exact names, versions, dev flags and 1-based lines), the
//! real lockfiles of the shared corpus, and malformed input. Properties on
//! generated input are in `props.rs`.

use std::path::{Path, PathBuf};

use super::{parse, Ecosystem, Lockfile};
use crate::discover::{Candidate, LockfileKind};
use crate::source::{FileId, Span};

/// (name, version, dev, line) of every package.
type Row = (String, String, bool, usize);

pub(super) fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/lockfiles")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn line_of(text: &str, offset: u32) -> usize {
    text.get(..offset as usize)
        .map_or(0, |before| before.matches('\n').count() + 1)
}

fn span_text(text: &str, span: Span) -> &str {
    text.get(span.start as usize..span.end as usize)
        .unwrap_or("<bad span>")
}

fn parse_fixture(kind: LockfileKind, name: &str) -> (String, Lockfile) {
    let text = fixture(name);
    let lock = parse(kind, &text, FileId(7)).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    (text, lock)
}

fn rows(kind: LockfileKind, name: &str, ecosystem: Ecosystem) -> Vec<Row> {
    let (text, lock) = parse_fixture(kind, name);
    assert_eq!(lock.kind, kind);
    assert_eq!(lock.file, FileId(7));
    lock.packages
        .iter()
        .map(|p| {
            assert_eq!(p.ecosystem, ecosystem, "{name}: {}", p.name);
            assert_eq!(p.span.file, FileId(7));
            (
                p.name.clone(),
                p.version.clone(),
                p.dev,
                line_of(&text, p.span.start),
            )
        })
        .collect()
}

fn row(name: &str, version: &str, dev: bool, line: usize) -> Row {
    (name.to_string(), version.to_string(), dev, line)
}

#[test]
fn cargo_lock() {
    let (text, lock) = parse_fixture(LockfileKind::Cargo, "Cargo.lock");
    assert_eq!(
        rows(LockfileKind::Cargo, "Cargo.lock", Ecosystem::CratesIo),
        vec![
            row("app", "0.1.0", false, 6),
            row("mylib", "0.2.0", false, 14),
            row("serde", "1.0.100", false, 19),
        ]
    );
    let spans: Vec<&str> = lock
        .packages
        .iter()
        .map(|p| span_text(&text, p.span))
        .collect();
    assert_eq!(spans[2], "name = \"serde\"");
}

#[test]
fn package_lock_v1() {
    assert_eq!(
        rows(
            LockfileKind::NpmPackageLock,
            "package-lock-v1.json",
            Ecosystem::Npm
        ),
        vec![
            row("express", "4.17.1", false, 7),
            row("debug", "2.6.9", false, 11),
            row("debug", "4.3.1", false, 16),
            row("jest", "26.6.3", true, 19),
            row("lodash", "4.17.21", false, 23),
        ]
    );
}

#[test]
fn package_lock_v3() {
    assert_eq!(
        rows(
            LockfileKind::NpmPackageLock,
            "package-lock-v3.json",
            Ecosystem::Npm
        ),
        vec![
            row("express", "4.17.1", false, 14),
            row("debug", "2.6.9", false, 17),
            row("@types/node", "20.1.0", true, 20),
            row("fsevents", "2.3.2", false, 24),
            row("lodash", "4.17.21", false, 29),
            row("ms", "2.1.3", false, 40),
        ]
    );
    let (text, lock) = parse_fixture(LockfileKind::NpmPackageLock, "package-lock-v3.json");
    let first = lock.packages.first().map(|p| span_text(&text, p.span));
    assert_eq!(first, Some("\"node_modules/express\""));
}

#[test]
fn shrinkwrap_v2_reads_packages_only() {
    assert_eq!(
        rows(
            LockfileKind::NpmShrinkwrap,
            "npm-shrinkwrap.json",
            Ecosystem::Npm
        ),
        vec![row("minimist", "1.2.5", false, 6)]
    );
}

#[test]
fn yarn_v1() {
    assert_eq!(
        rows(LockfileKind::Yarn, "yarn-v1.lock", Ecosystem::Npm),
        vec![
            row("@babel/code-frame", "7.12.13", false, 5),
            row("lodash", "4.17.20", false, 12),
            row("string-width", "4.2.3", false, 16),
        ]
    );
    let (text, lock) = parse_fixture(LockfileKind::Yarn, "yarn-v1.lock");
    let spans: Vec<&str> = lock
        .packages
        .iter()
        .map(|p| span_text(&text, p.span))
        .collect();
    assert_eq!(spans[1], "lodash@^4.17.20, lodash@~4.17.0");
}

#[test]
fn yarn_berry() {
    assert_eq!(
        rows(LockfileKind::Yarn, "yarn-berry.lock", Ecosystem::Npm),
        vec![
            row("@babel/code-frame", "7.12.13", false, 8),
            row("resolve", "1.22.1", false, 21),
            row("strip-ansi", "6.0.1", false, 33),
        ]
    );
}

#[test]
fn pnpm_v5() {
    assert_eq!(
        rows(LockfileKind::Pnpm, "pnpm-v5.yaml", Ecosystem::Npm),
        vec![
            row("@babel/runtime", "7.20.0", false, 15),
            row("react-dom", "17.0.2", false, 19),
            row("typescript", "4.9.5", true, 25),
            row("tool", "1.2.0", false, 30),
        ]
    );
}

#[test]
fn pnpm_v6() {
    assert_eq!(
        rows(LockfileKind::Pnpm, "pnpm-v6.yaml", Ecosystem::Npm),
        vec![
            row("@types/node", "20.1.0", true, 15),
            row("react-dom", "18.2.0", false, 19),
            row("react", "18.2.0", false, 23),
        ]
    );
}

#[test]
fn pnpm_v9_dev_from_importers() {
    // loose-envify is a devDependency of the importer, but react-dom ships
    // it; the orphan is reached by nothing and so counts as shipped.
    assert_eq!(
        rows(LockfileKind::Pnpm, "pnpm-v9.yaml", Ecosystem::Npm),
        vec![
            row("js-tokens", "4.0.0", false, 27),
            row("loose-envify", "1.4.0", false, 30),
            row("react-dom", "18.2.0", false, 34),
            row("react", "18.2.0", false, 39),
            row("typescript", "5.3.3", true, 42),
            row("@scope/orphan", "1.0.0", false, 46),
        ]
    );
}

#[test]
fn requirements_txt() {
    let (text, lock) = parse_fixture(LockfileKind::RequirementsTxt, "requirements.txt");
    assert_eq!(
        rows(
            LockfileKind::RequirementsTxt,
            "requirements.txt",
            Ecosystem::PyPI
        ),
        vec![
            row("Flask", "2.0.1", false, 6),
            row("requests", "2.25.1", false, 7),
            row("boto3", "1.26.106", false, 8),
            row("urllib3", "1.26.5", false, 9),
            row("Werkzeug", "2.0.3", false, 18),
        ]
    );
    let spans: Vec<&str> = lock
        .packages
        .iter()
        .map(|p| span_text(&text, p.span))
        .collect();
    assert_eq!(
        spans,
        [
            "Flask==2.0.1",
            "requests[security]==2.25.1",
            "boto3 === 1.26.106",
            "urllib3==1.26.5",
            "Werkzeug"
        ]
    );
    let unpinned: Vec<(&str, &str, usize)> = lock
        .unpinned
        .iter()
        .map(|(n, s)| (n.as_str(), span_text(&text, *s), line_of(&text, s.start)))
        .collect();
    assert_eq!(
        unpinned,
        [("jinja2", "jinja2>=3.0", 12), ("click", "click", 13)]
    );
    let includes: Vec<(PathBuf, &str, usize)> = lock
        .includes
        .iter()
        .map(|(p, s)| (p.clone(), span_text(&text, *s), line_of(&text, s.start)))
        .collect();
    assert_eq!(
        includes,
        [
            (PathBuf::from("base.txt"), "-r base.txt", 2),
            (
                PathBuf::from("constraints.txt"),
                "--constraint=constraints.txt",
                3
            ),
        ]
    );
}

#[test]
fn requirements_crlf_and_comment_ends_continuation() {
    let text = "a==1 \\\r\n  --hash=sha256:00\r\nb==2 # note \\\nc==3\r\n";
    let lock = parse(LockfileKind::RequirementsTxt, text, FileId(0)).unwrap_or_else(|e| {
        panic!("{e:?}");
    });
    let got: Vec<(&str, &str, usize)> = lock
        .packages
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.version.as_str(),
                line_of(text, p.span.start),
            )
        })
        .collect();
    assert_eq!(got, [("a", "1", 1), ("b", "2", 3), ("c", "3", 4)]);
}

#[test]
fn byte_order_marks_are_skipped() {
    for (kind, text, name) in [
        (
            LockfileKind::RequirementsTxt,
            "\u{feff}flask==2.0.1\n",
            "flask",
        ),
        (
            LockfileKind::GoSum,
            "\u{feff}example.com/a v1.0.0 h1:x=\n",
            "example.com/a",
        ),
        (
            LockfileKind::Yarn,
            "\u{feff}a@^1:\n  version \"1.0.0\"\n",
            "a",
        ),
        (
            LockfileKind::Cargo,
            "\u{feff}[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
            "a",
        ),
        (
            LockfileKind::Pipfile,
            "\u{feff}{\"default\": {\"a\": {\"version\": \"==1\"}}}",
            "a",
        ),
    ] {
        let lock = parse(kind, text, FileId(0)).unwrap_or_else(|e| panic!("{kind:?}: {e:?}"));
        let spans: Vec<(&str, &str)> = lock
            .packages
            .iter()
            .map(|p| (p.name.as_str(), span_text(text, p.span)))
            .collect();
        assert_eq!(spans.len(), 1, "{kind:?}");
        assert_eq!(spans[0].0, name, "{kind:?}");
        assert!(
            spans[0].1.contains(name) && !spans[0].1.contains('\u{feff}'),
            "{kind:?}: {spans:?}"
        );
    }
}

#[test]
fn poetry_lock() {
    assert_eq!(
        rows(LockfileKind::Poetry, "poetry-1.lock", Ecosystem::PyPI),
        vec![
            row("flask", "2.0.1", false, 2),
            row("pytest", "7.1.2", true, 13),
            row("mylib", "0.1.0", false, 21),
        ]
    );
    assert_eq!(
        rows(LockfileKind::Poetry, "poetry-2.lock", Ecosystem::PyPI),
        vec![
            row("click", "8.1.7", false, 4),
            row("pytest", "8.0.0", true, 15),
        ]
    );
}

#[test]
fn pipfile_lock() {
    assert_eq!(
        rows(LockfileKind::Pipfile, "Pipfile.lock", Ecosystem::PyPI),
        vec![
            row("flask", "2.0.1", false, 9),
            row("pytest", "7.1.2", true, 20),
        ]
    );
}

#[test]
fn uv_lock() {
    // click is a dev dependency and also flask's: shipped. boto3 is only in
    // an extra: shipped too (extras are not known to be off).
    assert_eq!(
        rows(LockfileKind::Uv, "uv.lock", Ecosystem::PyPI),
        vec![
            row("boto3", "1.34.0", false, 24),
            row("click", "8.1.7", false, 29),
            row("flask", "3.0.0", false, 34),
            row("iniconfig", "2.0.0", true, 42),
            row("pytest", "8.0.0", true, 47),
        ]
    );
}

#[test]
fn go_mod() {
    let (text, lock) = parse_fixture(LockfileKind::GoMod, "go.mod");
    assert_eq!(
        rows(LockfileKind::GoMod, "go.mod", Ecosystem::Go),
        vec![
            row("github.com/aws/aws-lambda-go", "v1.41.0", false, 5),
            row("github.com/aws/aws-sdk-go", "v1.44.0", false, 8),
            row(
                "golang.org/x/net",
                "v0.0.0-20220722155237-a158d28d115b",
                false,
                9
            ),
            row("github.com/someone/forked", "v1.0.1", false, 10),
            row("example.com/pinned", "v1.2.4", false, 12),
        ]
    );
    let first = lock.packages.first().map(|p| span_text(&text, p.span));
    assert_eq!(first, Some("github.com/aws/aws-lambda-go v1.41.0"));
}

#[test]
fn go_sum() {
    assert_eq!(
        rows(LockfileKind::GoSum, "go.sum", Ecosystem::Go),
        vec![
            row("github.com/aws/aws-lambda-go", "v1.41.0", false, 1),
            row("github.com/davecgh/go-spew", "v1.1.1", false, 4),
        ]
    );
}

/// The error of parsing `text` as `kind`: its message and offset.
fn error(kind: LockfileKind, text: &str) -> (String, u32) {
    match parse(kind, text, FileId(3)) {
        Ok(lock) => panic!("{kind:?} accepted {text:?}: {lock:?}"),
        Err(e) => {
            assert_eq!(e.span.file, FileId(3));
            (e.message, e.span.start)
        }
    }
}

#[test]
fn malformed_files_are_errors_with_a_place() {
    let (msg, at) = error(
        LockfileKind::Cargo,
        "version = 3\n[[package]\nname = \"x\"\n",
    );
    assert!(msg.starts_with("invalid TOML"), "{msg}");
    assert_eq!(line_of("version = 3\n[[package]\n", at), 2);

    let (msg, at) = error(LockfileKind::NpmPackageLock, "{\"packages\": {\"a\": }}");
    assert!(msg.starts_with("invalid JSON"), "{msg}");
    assert_eq!(at, 19);

    let (msg, at) = error(LockfileKind::NpmPackageLock, "  [1]");
    assert_eq!(msg, "a package-lock.json must be a JSON object");
    assert_eq!(at, 2);

    let (msg, _) = error(LockfileKind::Pipfile, "\"text\"");
    assert_eq!(msg, "a Pipfile.lock must be a JSON object");

    let (msg, _) = error(LockfileKind::Pnpm, "packages:\n  a: [\n");
    assert!(msg.starts_with("invalid YAML"), "{msg}");
    let (msg, _) = error(LockfileKind::Pnpm, "- a\n");
    assert_eq!(msg, "a pnpm lockfile must be a YAML mapping");

    let (msg, _) = error(
        LockfileKind::Yarn,
        "__metadata:\n  version: 6\n\"a@npm:1\": [\n",
    );
    assert!(msg.starts_with("invalid YAML"), "{msg}");

    let (msg, _) = error(LockfileKind::Poetry, "[[package]]\nname = \n");
    assert!(msg.starts_with("invalid TOML"), "{msg}");
    let (msg, _) = error(LockfileKind::Uv, "version = 1\nversion = 2\n");
    assert!(msg.starts_with("invalid TOML"), "{msg}");
}

#[test]
fn bad_entries_are_skipped() {
    let npm = r#"{"packages": {"node_modules/a": "x", "node_modules/b": {"version": 3},
        "node_modules/c": {"version": "1.0.0"}}}"#;
    let lock = parse(LockfileKind::NpmPackageLock, npm, FileId(0));
    let names: Vec<String> = lock
        .map(|l| l.packages.into_iter().map(|p| p.name).collect())
        .unwrap_or_default();
    assert_eq!(names, ["c"]);

    let pnpm = "lockfileVersion: '6.0'\npackages:\n  /a@1.0.0: 3\n  garbage: {}\n  /b@2.0.0: {}\n";
    let lock = parse(LockfileKind::Pnpm, pnpm, FileId(0));
    let names: Vec<String> = lock
        .map(|l| l.packages.into_iter().map(|p| p.name).collect())
        .unwrap_or_default();
    assert_eq!(names, ["b"]);

    let cargo =
        "[[package]]\nname = 1\nversion = \"1\"\n[[package]]\nname = \"ok\"\nversion = \"2\"\n";
    let lock = parse(LockfileKind::Cargo, cargo, FileId(0));
    let names: Vec<String> = lock
        .map(|l| l.packages.into_iter().map(|p| p.name).collect())
        .unwrap_or_default();
    assert_eq!(names, ["ok"]);
}

#[test]
fn empty_files_have_no_packages() {
    for kind in ALL_KINDS {
        let empty = match kind {
            LockfileKind::NpmPackageLock | LockfileKind::NpmShrinkwrap | LockfileKind::Pipfile => {
                "{}"
            }
            _ => "",
        };
        let lock = parse(kind, empty, FileId(0));
        assert_eq!(lock.map(|l| l.packages.len()), Ok(0), "{kind:?}");
    }
}

pub(super) const ALL_KINDS: [LockfileKind; 11] = [
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

/// Every package has a name and version, and every span of a parse lies
/// inside the text, on char boundaries.
pub(super) fn assert_spans_valid(text: &str, lock: &Lockfile) {
    for p in &lock.packages {
        assert!(!p.name.is_empty() && !p.version.is_empty(), "{p:?}");
    }
    let spans = lock
        .packages
        .iter()
        .map(|p| p.span)
        .chain(lock.unpinned.iter().map(|u| u.1))
        .chain(lock.includes.iter().map(|i| i.1));
    for span in spans {
        let (start, end) = (span.start as usize, span.end as usize);
        assert!(start <= end && end <= text.len(), "{span:?} in {text:?}");
        assert!(
            text.is_char_boundary(start) && text.is_char_boundary(end),
            "{span:?} in {text:?}"
        );
    }
}

/// The real lockfiles of the shared corpus all parse.
#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn real_corpus_lockfiles_parse() {
    let root = crate::shared::path("corpus/real");
    let mut stack = vec![(root, 0usize)];
    let mut parsed = 0;
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if depth < 32 && !path.ends_with("node_modules") {
                    stack.push((path, depth + 1));
                }
                continue;
            }
            let name = entry.file_name();
            let Some(Candidate::Lockfile(kind)) = name.to_str().and_then(Candidate::from_file_name)
            else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            match parse(kind, &text, FileId(0)) {
                Ok(lock) => assert_spans_valid(&text, &lock),
                Err(e) => panic!("{}: {e:?}", path.display()),
            }
            parsed += 1;
        }
    }
    assert!(parsed > 0, "the corpus holds lockfiles");
}

#[test]
fn go_mod_unclosed_block_runs_to_the_end() {
    let text = "module m\nrequire (\n\tex.com/a v1.0.0\n\tex.com/b v2.0.0+incompatible\n";
    let lock = parse(LockfileKind::GoMod, text, FileId(0)).unwrap_or_else(|e| panic!("{e:?}"));
    let got: Vec<(&str, &str)> = lock
        .packages
        .iter()
        .map(|p| (p.name.as_str(), p.version.as_str()))
        .collect();
    assert_eq!(
        got,
        [("ex.com/a", "v1.0.0"), ("ex.com/b", "v2.0.0+incompatible")]
    );
}

#[test]
fn pnpm_without_a_version_is_told_by_its_keys() {
    let v5 = "packages:\n  /a/1.0.0:\n    dev: true\n  /@s/b/2.0.0_c@1.0.0:\n    dev: false\n";
    let v6 = "packages:\n  /a@1.0.0:\n    dev: true\n  /@s/b@2.0.0(c@1.0.0):\n    dev: false\n";
    for text in [v5, v6] {
        let lock = parse(LockfileKind::Pnpm, text, FileId(0)).unwrap_or_else(|e| panic!("{e:?}"));
        let got: Vec<(&str, &str, bool)> = lock
            .packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.dev))
            .collect();
        assert_eq!(
            got,
            [("a", "1.0.0", true), ("@s/b", "2.0.0", false)],
            "{text}"
        );
    }
}
