//! The `faasguard` binary: the command line ([`cli`]) over the library's
//! pipeline.

use clap::Parser;

mod cli;

// The policy interpreter allocates a great deal; mimalloc makes a scan of
// many templates markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = cli::Cli::parse();
    std::process::exit(cli::run(cli));
}
