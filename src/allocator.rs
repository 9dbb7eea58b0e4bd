//! The binary's allocator options (ADR 0046). The binary's global allocator
//! is mimalloc; mimalloc v3 keeps freed memory committed for a second
//! (`purge_delay`, 1000 ms) before it gives it back to the system, so a
//! scan's peak RSS holds every page its stages freed within that second, on
//! top of its live heap. [`purge_freed_memory_at_once`] sets the delay to 0.

use libmimalloc_sys as ffi;
use std::ffi::c_long;

/// `mi_option_purge_delay`. `libmimalloc-sys` does not export it (it leaves
/// the purge options out "for stability"); in both its v2 and v3 headers it
/// is the option just before `mi_option_use_numa_nodes`, which it does
/// export. An index that moved is caught at run time:
/// [`purge_freed_memory_at_once`] changes the option only when it holds the
/// purge delay's default.
const PURGE_DELAY: ffi::mi_option_t = ffi::mi_option_use_numa_nodes - 1;
const _: () = assert!(PURGE_DELAY == 15);

/// The purge delay's default in mimalloc v3 (the crate's default version),
/// in milliseconds.
const DEFAULT_PURGE_DELAY: c_long = 1000;

/// Makes mimalloc give freed memory back to the system at once rather than
/// a second later. Left alone when the environment sets the delay
/// (`MIMALLOC_PURGE_DELAY`, or its old name `MIMALLOC_RESET_DELAY`), and
/// when the option does not hold mimalloc v3's default (another mimalloc,
/// or an option list that moved): then it is not known to be that option.
/// Returns whether it set it. Call it first thing in `main`.
pub fn purge_freed_memory_at_once() -> bool {
    let set_by_env = ["MIMALLOC_PURGE_DELAY", "MIMALLOC_RESET_DELAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some());
    if set_by_env {
        return false;
    }
    // SAFETY: reading and setting an option index below `_mi_option_last`
    // is what mimalloc's own option functions are for; they take no
    // pointers, and mimalloc initializes itself on first use.
    let now = unsafe { ffi::mi_option_get(PURGE_DELAY) };
    if now != DEFAULT_PURGE_DELAY {
        return false;
    }
    // SAFETY: as above.
    unsafe { ffi::mi_option_set(PURGE_DELAY, 0) };
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The index is the purge delay: it holds its default, and setting it
    /// through the index is what mimalloc reads back.
    #[test]
    fn purge_delay_index_holds_its_default() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some()
            || std::env::var_os("MIMALLOC_RESET_DELAY").is_some()
        {
            return;
        }
        // SAFETY: see `purge_freed_memory_at_once`.
        let before = unsafe { ffi::mi_option_get(PURGE_DELAY) };
        assert!(
            before == DEFAULT_PURGE_DELAY || before == 0,
            "option {PURGE_DELAY} is {before}, not the purge delay's default"
        );
        assert!(purge_freed_memory_at_once() || before == 0);
        // SAFETY: as above.
        assert_eq!(unsafe { ffi::mi_option_get(PURGE_DELAY) }, 0);
    }
}
