//! The command line, in the binary: raw arguments ([`args`]) become
//! validated [`Settings`] once, here at the edge; errors become `miette`
//! diagnostics; the exit code says what happened (0 clean, 1 findings at or
//! above `--fail-on`, 2 usage, config or policy error). The library's
//! public surface is the pipeline, not clap.

mod args;
mod commands;
mod output;
mod scan_cmd;

pub use args::*;
use commands::*;
use output::{fail, message, CliError};
use scan_cmd::*;

use faasguard::scan;

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> i32 {
    cli.color.apply();
    output::install_handler();
    match cli.command {
        Command::Completions { shell } => run_completions(shell),
        Command::Man => run_man(),
        Command::Scan(args) => run_scan(*args),
        Command::Report(args) => run_report(&args),
        Command::Rules(args) => run_rules(&args),
        Command::Explain { id, policies } => run_explain(&id, &policies),
        Command::Model { file } => run_model(&file),
        Command::Db {
            command:
                DbCommand::Update {
                    db_dir,
                    mirror,
                    timeout,
                    deadline,
                },
        } => run_db_update(db_dir, mirror.as_deref(), timeout, deadline),
        Command::Init { dir } => run_init(&dir),
        Command::Baseline {
            command: BaselineCommand::Create(args),
        } => run_baseline_create(&args),
        Command::Merge { reports, output } => run_merge(&reports, output.as_deref()),
        Command::Policy {
            command: PolicyCommand::Test { paths, data },
        } => run_policy_test(&paths, &data),
    }
}

pub(super) fn run_completions(shell: clap_complete::Shell) -> i32 {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "faasguard", &mut out);
    write_stdout(&out)
}

pub(super) fn run_man() -> i32 {
    use clap::CommandFactory;
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        return fail(message(e));
    }
    write_stdout(&out)
}

/// Write to standard output (a closed pipe is not an error); the exit code.
pub(super) fn write_stdout(bytes: &[u8]) -> i32 {
    match output::stdout(bytes) {
        Ok(()) => EXIT_OK,
        Err(e) => fail(e),
    }
}

/// The scan's progress bar: on a terminal only, never on CI (whose logs
/// would keep every redraw), never when stderr is redirected.
pub(super) fn progress() -> scan::Progress {
    use std::io::IsTerminal;
    let on_ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "false");
    if on_ci || !std::io::stderr().is_terminal() {
        return scan::Progress::default();
    }
    let bar =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "scanning [{bar:30}] {pos}/{len} templates and modules {elapsed}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    scan::Progress::new(bar)
}
