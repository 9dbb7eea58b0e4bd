//! The `faasguard` binary: parses arguments and hands over to the library.

use clap::Parser;

// The policy interpreter allocates a great deal; mimalloc makes a scan of
// many templates markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = faasguard::cli::Cli::parse();
    std::process::exit(faasguard::cli::run(cli));
}
