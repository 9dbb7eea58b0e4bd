//! The real public files in `../shared/corpus` scan without a crash, and
//! nothing they contain makes a policy fail.

use crate::common;

#[test]
#[cfg_attr(shared_absent, ignore = "needs ../shared (absent)")]
fn the_whole_corpus_scans_without_policy_errors() {
    let corpus = common::corpus();
    let mut settings = common::settings(&[&corpus]);
    settings.threads = 2;
    let outcome = common::scan_with(&settings);
    assert!(outcome.stats.files_scanned > 100, "{:?}", outcome.stats);
    let policy_errors: Vec<_> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code == "policy-error")
        .collect();
    assert!(policy_errors.is_empty(), "{policy_errors:#?}");
    println!(
        "corpus: {} files scanned, {} resources, {} findings, {} could not be scanned",
        outcome.stats.files_scanned,
        outcome.stats.resources,
        outcome.findings.len(),
        outcome.stats.files_failed
    );
}
