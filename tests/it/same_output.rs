//! A refactor changes no output: the JSON, SARIF and text reports (and exit
//! codes) of every fixture folder and of `../shared/corpus/real` are byte for
//! byte those of a reference build, `FAASGUARD_REFERENCE_BIN` (main's binary,
//! built before the change). Without it the comparison is skipped, saying so;
//! the broken-pipe test below always runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common;

const FORMATS: [&str; 3] = ["json", "sarif", "text"];

/// Every fixture folder, then the real-world corpus when `../shared` is there.
fn targets() -> Vec<PathBuf> {
    let root = common::root();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.strip_prefix(&root).unwrap().to_path_buf())
        .collect();
    dirs.sort();
    let corpus = root.join("../shared/corpus/real");
    if corpus.is_dir() {
        dirs.push(corpus);
    } else {
        eprintln!("same_output: ../shared/corpus/real is absent: compared on fixtures only");
    }
    dirs
}

/// The report, exit code and stderr of one scan by `bin`.
fn scan(bin: &Path, target: &Path, format: &str) -> (Vec<u8>, Option<i32>) {
    let out = Command::new(bin)
        .current_dir(common::root())
        .env("FAASGUARD_TODAY", "2026-11-23")
        .env("NO_COLOR", "1")
        .args(["scan", "--format", format, "--threads", "2"])
        .arg(target)
        .output()
        .unwrap();
    (out.stdout, out.status.code())
}

#[test]
fn reports_equal_the_reference_build() {
    let Some(reference) = std::env::var_os("FAASGUARD_REFERENCE_BIN") else {
        eprintln!(
            "same_output: skipped: set FAASGUARD_REFERENCE_BIN to a build from before the \
             change (e.g. /work/main/target/debug/faasguard) to compare every report with it"
        );
        return;
    };
    let reference = PathBuf::from(reference);
    let ours = PathBuf::from(env!("CARGO_BIN_EXE_faasguard"));
    let mut differ = Vec::new();
    let mut compared = 0;
    for target in targets() {
        for format in FORMATS {
            let theirs = scan(&reference, &target, format);
            let mine = scan(&ours, &target, format);
            compared += 1;
            if theirs != mine {
                differ.push(format!(
                    "{} --format {format}: exit {:?} vs {:?}, {} vs {} bytes",
                    target.display(),
                    theirs.1,
                    mine.1,
                    theirs.0.len(),
                    mine.0.len()
                ));
            }
        }
    }
    assert!(
        compared >= FORMATS.len() * 10,
        "too few targets: {compared}"
    );
    assert!(
        differ.is_empty(),
        "reports differ from the reference build:\n{}",
        differ.join("\n")
    );
}

/// `| head -c 10` closes the pipe early: every format ends quietly (exit as
/// the scan says, no panic, nothing on stderr but the scan's diagnostics).
#[test]
fn a_closed_pipe_ends_every_format_quietly() {
    let bin = env!("CARGO_BIN_EXE_faasguard");
    for format in [
        "text",
        "json",
        "sarif",
        "junit",
        "github",
        "markdown",
        "html",
        "gitlab",
        "cyclonedx",
    ] {
        let mut child = Command::new(bin)
            .current_dir(common::root())
            .env("FAASGUARD_TODAY", "2026-11-23")
            .env("NO_COLOR", "1")
            .args(["scan", "fixtures/demo", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read 10 bytes, then close the pipe, as `head -c 10` does.
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 10];
        std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
            "--format {format}: {stderr}"
        );
        // demo has findings: exit 1, as with the whole report read.
        assert_eq!(out.status.code(), Some(1), "--format {format}: {stderr}");
    }
}
