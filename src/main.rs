//! The `faasguard` binary: the command line ([`cli`]) over the library's
//! pipeline.

use clap::Parser;

mod cli;

// The policy interpreter allocates a great deal; mimalloc makes a scan of
// many templates markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Freed memory goes back to the system at once (ADR 0046): the peak RSS
    // is then the live heap's, not the heap's plus a second of freed pages.
    faasguard::allocator::purge_freed_memory_at_once();
    no_backtraces_in_library_errors();
    let cli = cli::Cli::parse();
    std::process::exit(cli::run(cli));
}

/// regorus's parser tries a comprehension first and backs out through an
/// `anyhow` error, a few thousand times while the built-in policies load.
/// With `RUST_BACKTRACE=1` in the environment (common in shells and CI) each
/// of those errors captures a stack backtrace, which cost a fifth of an
/// empty scan's time (ADR 0047). `RUST_LIB_BACKTRACE=0` turns capture off for
/// errors only: a panic still prints its backtrace as `RUST_BACKTRACE` says.
/// A value the user set is kept. Called before any thread starts.
fn no_backtraces_in_library_errors() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
    }
}
