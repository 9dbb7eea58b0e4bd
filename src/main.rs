//! The `faasguard` binary: parses arguments and hands over to the library.

use clap::Parser;

fn main() {
    let cli = faasguard::cli::Cli::parse();
    std::process::exit(faasguard::cli::run(cli));
}
