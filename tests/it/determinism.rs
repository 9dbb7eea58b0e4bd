//! Output is byte-identical at any thread count and any file order.

use crate::cli::faasguard;
use crate::common;

fn run(dir: &std::path::Path, format: &str, threads: &str) -> Vec<u8> {
    faasguard()
        .current_dir(dir)
        .args(["scan", ".", "--format", format, "--threads", threads])
        .output()
        .expect("runs")
        .stdout
}

#[test]
fn same_output_at_one_and_two_threads() {
    let dir = common::root().join("fixtures");
    for format in ["json", "sarif", "text"] {
        let one = run(&dir, format, "1");
        let two = run(&dir, format, "2");
        assert!(!one.is_empty());
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
        assert!(
            run(a.path(), format, "2") == run(b.path(), format, "2"),
            "{format}"
        );
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
