//! Lockfile parsers: no panics on any input, and every span they return
//! (packages, unpinned requirements, includes) is a valid, char-aligned
//! range of the text. The first byte picks the lockfile kind; the rest is the
//! file's text (UTF-8 only).
//!
//! Self-contained for now; the check can move into `fuzz/checks.rs` to be
//! shared with `tests/it/fuzz_smoke.rs` like the other targets.

#![no_main]

use faasguard::discover::LockfileKind;
use faasguard::lockfile;
use faasguard::source::{FileId, Span};
use libfuzzer_sys::fuzz_target;

const KINDS: [LockfileKind; 11] = [
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

fn check_span(text: &str, span: Span) {
    let (start, end) = (span.start as usize, span.end as usize);
    assert_eq!(span.file, FileId(0));
    assert!(
        start <= end && end <= text.len(),
        "{span:?} outside {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{span:?} splits a character"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let kind = KINDS[usize::from(pick) % KINDS.len()];
    match lockfile::parse(kind, text, FileId(0)) {
        Ok(lock) => {
            for p in &lock.packages {
                check_span(text, p.span);
                assert!(!p.name.is_empty() && !p.version.is_empty(), "{p:?}");
            }
            for (_, span) in &lock.unpinned {
                check_span(text, *span);
            }
            for (_, span) in &lock.includes {
                check_span(text, *span);
            }
            // File order, as documented.
            assert!(lock
                .packages
                .windows(2)
                .all(|w| w[0].span.start <= w[1].span.start));
        }
        Err(e) => check_span(text, e.span),
    }
});
