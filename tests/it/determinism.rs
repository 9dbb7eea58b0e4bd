//! Output is byte-identical at any thread count and any file order.

use crate::cli::faasguard;
use crate::common;

/// The exit code and standard output of a scan of `dir`.
fn run(dir: &std::path::Path, format: &str, threads: &str) -> (Option<i32>, Vec<u8>) {
    let out = faasguard()
        .current_dir(dir)
        .args(["scan", ".", "--format", format, "--threads", threads])
        .output()
        .expect("runs");
    (out.status.code(), out.stdout)
}

/// The number of findings of a JSON report (so "the same output" is not
/// two empty ones).
fn findings(json: &[u8]) -> usize {
    let report: serde_json::Value = serde_json::from_slice(json).expect("json");
    report["findings"].as_array().expect("findings").len()
}

#[test]
fn same_output_at_one_and_two_threads() {
    let dir = common::root().join("fixtures");
    for format in ["json", "sarif", "text"] {
        let (code_one, one) = run(&dir, format, "1");
        let (code_two, two) = run(&dir, format, "2");
        // The same exit code (1 for findings, or 2 when a file fails), and
        // a real report, not two empty ones.
        assert_eq!(code_one, code_two, "{format}");
        assert!(matches!(code_one, Some(1 | 2)), "{format}: {code_one:?}");
        assert!(
            one.len() > 1000,
            "{format}: {}",
            String::from_utf8_lossy(&one)
        );
        if format == "json" {
            assert!(findings(&one) > 100, "{}", String::from_utf8_lossy(&one));
        }
        assert!(one == two, "{format} differs between --threads 1 and 2");
    }
}

#[test]
fn same_output_whatever_the_creation_order() {
    let src = common::root().join("fixtures/rules");
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for entry in walk(&src) {
        files.push(entry);
    }
    files.sort();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let copy = |dst: &std::path::Path, list: &[std::path::PathBuf]| {
        for f in list {
            let rel = f.strip_prefix(&src).unwrap();
            let to = dst.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(f, to).unwrap();
        }
    };
    copy(a.path(), &files);
    files.reverse();
    copy(b.path(), &files);
    for format in ["json", "sarif"] {
        let (code_a, out_a) = run(a.path(), format, "2");
        let (code_b, out_b) = run(b.path(), format, "2");
        assert_eq!(code_a, code_b, "{format}");
        assert!(matches!(code_a, Some(1 | 2)), "{format}: {code_a:?}");
        if format == "json" {
            assert!(findings(&out_a) > 50, "{}", String::from_utf8_lossy(&out_a));
        }
        assert!(out_a == out_b, "{format}");
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
