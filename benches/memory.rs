//! `cargo bench --bench memory [-- PATH]`: where a scan's heap goes. A
//! counting allocator (over mimalloc, the binary's own) records live and
//! peak heap bytes at each stage: the compiled policies, one more engine
//! (what each rayon worker holds), and a scan of PATH (default
//! `../shared/corpus/real`) at 1 and 2 threads, with what stays live once it
//! returns (the `Outcome` the reports are written from). Peak RSS of the
//! whole process is `/usr/bin/time -v faasguard scan`: this says which part
//! of it is whose. Nothing is asserted.
// Outside the library: a panic is how a bench reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::alloc::{GlobalAlloc, Layout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to mimalloc unchanged; the counters are
// only arithmetic on the sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            let now = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn mb(n: usize) -> f64 {
    n as f64 / (1024.0 * 1024.0)
}

/// Live bytes now, and the peak since the last call (then reset to now).
fn mark() -> (usize, usize) {
    let live = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.swap(live, Ordering::Relaxed);
    (live, peak)
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/corpus/real"));
    if !path.exists() {
        println!("skipped: {} is absent", path.display());
        return;
    }
    let (start, _) = mark();
    let settings = faasguard::scan::Settings::default();
    let engine = faasguard::scan::load_engine(&settings).expect("policies load");
    let (live, peak) = mark();
    println!(
        "compiled policies:      live {:7.1} MB  (peak while loading {:7.1} MB)",
        mb(live - start),
        mb(peak - start)
    );
    let copy = engine.clone();
    let (after, _) = mark();
    println!("one more engine clone:  live {:7.1} MB", mb(after - live));
    drop(copy);
    drop(engine);
    for threads in [1, 2] {
        let (before, _) = mark();
        let settings = faasguard::scan::Settings {
            paths: vec![path.clone()],
            threads,
            ..faasguard::scan::Settings::default()
        };
        let outcome = faasguard::scan::scan(&settings).expect("scan runs");
        let (live, peak) = mark();
        println!(
            "scan, {threads} thread(s):       peak {:7.1} MB, live after {:7.1} MB ({} findings, {} files) of {}",
            mb(peak - before),
            mb(live - before),
            outcome.findings.len(),
            outcome.stats.files_scanned,
            path.display()
        );
        drop(outcome);
    }
}
