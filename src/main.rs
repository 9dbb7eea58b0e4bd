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
    let cli = cli::Cli::parse();
    std::process::exit(cli::run(cli));
}
