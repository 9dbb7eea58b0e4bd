//! The command line: raw arguments become validated [`Settings`] once, here
//! at the edge; errors become `miette` diagnostics; the exit code says what
//! happened (0 clean, 1 findings at or above `--fail-on`, 2 usage, config or
//! policy error).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::baseline;
use crate::config;
use crate::discover;
use crate::engine::PolicyFile;
use crate::finding::Level;
use crate::registry::Registry;
use crate::report::{self, Format};
use crate::rule::Severity;
use crate::scan::{self, Settings};

#[derive(Parser, Debug)]
#[command(
    name = "faasguard",
    version,
    about = "Policy-as-code governance scanner for serverless infrastructure-as-code",
    long_about = "faasguard reads AWS SAM and CloudFormation templates (YAML or JSON), Terraform \
(.tf, .tf.json, .tfvars, plan JSON) and Serverless Framework services (serverless.yml), \
normalizes them into one resource model, and checks them with Rego policies: least-privilege IAM, \
encryption, hard-coded secrets, timeouts, region residency, public exposure, logging and tracing, \
deprecated runtimes; and the functions' lockfiles against vulnerability advisories."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to color the output: `auto` colors a terminal unless NO_COLOR is set.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    /// Set it for every writer of the process (anstream's global choice):
    /// `auto` leaves anstream to look at the terminal, NO_COLOR and
    /// CLICOLOR_FORCE; an explicit choice on the command line wins.
    pub fn apply(self) {
        let choice = match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        };
        choice.write_global();
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan files and directories for policy violations.
    Scan(Box<ScanArgs>),
    /// Make a compliance audit report (Markdown or HTML) from a saved JSON scan result.
    Report(ReportArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain {
        /// Rule id, e.g. FG-IAM-001.
        id: String,
        /// Extra Rego policy directory or file (repeatable), to explain its rules.
        #[arg(long = "policy", value_name = "DIR")]
        policies: Vec<PathBuf>,
    },
    /// Join JSON or SARIF reports (shards, repositories) into one, deduplicated.
    Merge {
        /// Reports written by `faasguard scan --format json|sarif`.
        #[arg(required = true)]
        reports: Vec<PathBuf>,
        /// Write the merged report to a file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Accept the current findings in a baseline file (`scan --baseline` then reports only new ones).
    Baseline {
        #[command(subcommand)]
        command: BaselineCommand,
    },
    /// Write a commented starter `.faasguard.toml` (never over an existing one).
    Init {
        /// The directory to write it in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Work with Rego policies (`policy test DIR` runs their `test_*` rules).
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Manage the advisory database (`db update` downloads it).
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
    /// Print a shell completion script (`faasguard completions bash > /etc/bash_completion.d/faasguard`).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), made from these command-line definitions
    /// (`faasguard man > faasguard.1`).
    Man,
    /// Print the normalized model of a template, serverless service, plan file or Terraform
    /// module as JSON (what policies see as `input`).
    Model {
        /// A template, serverless.yml, plan JSON or .tf file, or a Terraform module directory.
        file: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum DbCommand {
    /// Download the advisory database (OSV's per-ecosystem archives: crates.io, npm, PyPI, Go)
    /// into a cache directory, replacing the old one atomically.
    Update {
        /// Where to keep it (default: the user's cache directory, faasguard/advisory-db).
        #[arg(long = "db-dir", value_name = "DIR")]
        db_dir: Option<PathBuf>,
        /// Download from a mirror of OSV's archives: `URL/<ecosystem>/all.zip`.
        #[arg(long, value_name = "URL")]
        mirror: Option<String>,
        /// Seconds before a stalled connection or read fails (a download that
        /// gets less than 1 KiB in this long has stalled too).
        #[arg(long, default_value_t = 30)]
        timeout: u64,
        /// Seconds the whole update may take, retries included (default: the
        /// user config's `[advisories] update_deadline`, else no limit).
        #[arg(long, value_name = "SECS")]
        deadline: Option<u64>,
    },
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan; `-` reads a template (YAML or JSON) from standard input,
    /// shown as `<stdin>`.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to a file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Also write a SARIF report of the same scan to this file (one scan, two reports: CI
    /// uploads the SARIF and reads the main one).
    #[arg(long, value_name = "FILE")]
    pub sarif_output: Option<PathBuf>,
    /// Lowest severity that makes the scan fail (exit 1).
    #[arg(long, value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Stop a rule that runs longer than this many seconds on one file or module, with an
    /// error naming both (0: no limit; default `[limits] rule_timeout`, else 60).
    #[arg(long, value_name = "SECONDS")]
    pub rule_timeout: Option<f64>,
    /// Stop evaluating a file or module whose parse, adapt and rules take longer than this many
    /// seconds, with an error naming it and the rules left out (0: no limit; default
    /// `[limits] file_timeout`, else 300).
    #[arg(long, value_name = "SECONDS")]
    pub file_timeout: Option<f64>,
    /// Print the slowest rules and files to stderr after the scan.
    #[arg(long)]
    pub profile: bool,
    /// Exclude paths matching this glob (relative to the scan path; repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
    /// Configuration file (default: .faasguard.toml in the scan path).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Allowed regions or region groups, comma-separated (e.g. `eu,us-east-1`).
    #[arg(long, value_delimiter = ',')]
    pub allowed_regions: Vec<String>,
    /// Extra Rego policy directory or file (repeatable).
    #[arg(short = 'p', long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Package of conftest-style policies in `--policy` (repeatable; default `main`): a name, or a
    /// glob with `*`, `?`, `[...]` as conftest matches them (`main.*`).
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespaces: Vec<String>,
    /// conftest-style policies: every package of the `--policy` folders is a namespace.
    #[arg(long)]
    pub all_namespaces: bool,
    /// Data for conftest-style policies: JSON/YAML files, or folders of them, merged under
    /// `data` as conftest does (repeatable).
    #[arg(short = 'd', long = "data", value_name = "PATH")]
    pub data: Vec<PathBuf>,
    /// conftest-style policies see every file as one input, a list of `{path, contents}`.
    #[arg(long)]
    pub combine: bool,
    /// Read conftest's configuration file (`policy`, `namespace`, `all-namespaces`, `data`,
    /// `combine`); command-line flags win.
    #[arg(long, value_name = "FILE")]
    pub conftest_config: Option<PathBuf>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = discover::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Exit 2 when a file cannot be read or parsed, or a file named on the command line is not
    /// one faasguard reads.
    #[arg(long)]
    pub strict: bool,
    /// Report only findings not in this baseline (`faasguard baseline create`);
    /// the baseline's findings are shown as suppressed, its fixed ones listed.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Pull-request mode: also scan the same paths at this commit (read from the git object
    /// database, never checked out) and report which findings are new; only new ones count for
    /// `--fail-on`. The others are `unchanged` (hidden from text unless `--show-unchanged`);
    /// findings gone since the commit are listed as fixed.
    /// (Given twice, the last wins: a pre-commit hook's `args` can change the entry's `HEAD`.)
    #[arg(long, value_name = "REF", overrides_with = "baseline_commit")]
    pub baseline_commit: Option<String>,
    /// Apply the single-value fixes rules suggest (a deprecated runtime to the newest of its
    /// language, a timeout over the limit to the limit, a TLS policy to the modern one) in place,
    /// changing only the values' text, then scan again and report what is left.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes `--fix` would make as a unified diff instead of a report (exit 1 when
    /// there is one).
    #[arg(long)]
    pub diff: bool,
    /// List the checks rules could not decide because a value is unknown before deployment (a
    /// variable without a value, an `Fn::If` on a deploy-time condition, an `${ssm:}` lookup);
    /// without it the text report counts them in one line.
    #[arg(long)]
    pub show_unknown: bool,
    /// Exit 1 when any check could not be decided (for teams that require every value known;
    /// `--var`, `--var-file` and `--sls-opt` give the values).
    #[arg(long)]
    pub fail_on_unknown: bool,
    /// With `--baseline-commit`: the text report lists unchanged findings too.
    #[arg(long, requires = "baseline_commit")]
    pub show_unchanged: bool,
    /// Scan only a stable share of the files, `K/N` (1-based): for matrix jobs.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<(u32, u32)>,
    /// Terraform: a variables file read after terraform.tfvars and *.auto.tfvars (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Terraform: set an input variable, `NAME=VALUE` (repeatable; last wins).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub vars: Vec<(String, String)>,
    /// Terraform: most instances one `count`/`for_each`/`dynamic` expands to, and most resource
    /// (and module) instances in one module tree; a bound for memory. Reaching it is an error.
    #[arg(long = "max-expansion", value_name = "N", default_value_t = crate::terraform::DEFAULT_MAX_INSTANCES, value_parser = clap::value_parser!(usize))]
    pub max_expansion: usize,
    /// Serverless Framework: an `${opt:NAME}` value, `NAME=VALUE` (`stage=prod`; repeatable).
    #[arg(long = "sls-opt", value_name = "NAME=VALUE", value_parser = parse_key_value)]
    pub sls_opts: Vec<(String, String)>,
    /// Serverless Framework: resolve `${env:NAME}` from this process's environment. Off by
    /// default: on CI it can copy secrets into reports of untrusted pull requests.
    #[arg(long)]
    pub resolve_env: bool,
    /// Advisory database directory (OSV JSON files or all.zip archives, or a RustSec
    /// advisory-db); default: the one `faasguard db update` keeps, when present.
    #[arg(long = "advisory-db", value_name = "DIR")]
    pub advisory_db: Option<PathBuf>,
    /// Ask the OSV API (api.osv.dev) about the locked packages instead of a local database.
    #[arg(long)]
    pub online: bool,
    /// The OSV API to ask with --online (a mirror).
    #[arg(long = "osv-url", value_name = "URL", requires = "online")]
    pub osv_url: Option<String>,
    /// Also check development-only packages (reported at low severity: they are not shipped).
    #[arg(long)]
    pub include_dev: bool,
    /// `--format markdown`: keep the report under about this many bytes (GitHub's job summary
    /// limit is 1 MiB): the control tables and the most severe findings stay, and the report
    /// says what was left out. 0 = no limit.
    #[arg(long, value_name = "N", default_value_t = report::audit::markdown::DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    #[command(flatten)]
    pub audit: AuditArgs,
}

/// `NAME=VALUE`.
fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// Which frameworks an audit report covers.
#[derive(Args, Debug, Default)]
pub struct AuditArgs {
    /// Frameworks for `--format markdown|html`, comma-separated ids (default: all):
    /// cis-aws, gdpr, hipaa, iso27001, nist-800-53, pci-dss, soc2.
    #[arg(long = "framework", value_delimiter = ',', value_name = "ID")]
    pub frameworks: Vec<String>,
    /// An extra framework mapping file, same format as the built-in ones (repeatable).
    #[arg(long = "framework-file", value_name = "FILE")]
    pub framework_files: Vec<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A JSON scan result (`faasguard scan --format json`); `-` reads standard input.
    #[arg(short, long, value_name = "FILE")]
    pub input: PathBuf,
    /// Report format.
    #[arg(short, long, value_enum, default_value_t = report::audit::Kind::Markdown)]
    pub format: report::audit::Kind,
    /// Write the report to a file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Markdown: keep the report under about this many bytes (the control tables and the most
    /// severe findings stay; the report says what was left out). 0 = no limit.
    #[arg(long, value_name = "N", default_value_t = report::audit::markdown::DEFAULT_MAX_BYTES)]
    pub max_bytes: usize,
    #[command(flatten)]
    pub audit: AuditArgs,
}

fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not K/N"))?;
    let k: u32 = k
        .trim()
        .parse()
        .map_err(|_| format!("`{k}` is not a number"))?;
    let n: u32 = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || k == 0 || k > n {
        return Err(format!("shard {k}/{n}: K must be between 1 and N"));
    }
    Ok((k, n))
}

#[derive(Subcommand, Debug)]
pub enum BaselineCommand {
    /// Write the fingerprints of the current findings, so that `scan
    /// --baseline FILE` reports only new ones.
    Create(BaselineCreateArgs),
}

#[derive(Args, Debug)]
pub struct BaselineCreateArgs {
    /// Files or directories to scan (run from where CI runs `faasguard scan`:
    /// fingerprints include the file paths shown).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The baseline file to write.
    #[arg(short, long, default_value = baseline::DEFAULT_FILE)]
    pub output: PathBuf,
    /// Configuration file (default: .faasguard.toml in the scan path).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Exclude paths matching this glob (relative to the scan path; repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,
    /// Allowed regions or region groups, comma-separated (e.g. `eu,us-east-1`).
    #[arg(long, value_delimiter = ',')]
    pub allowed_regions: Vec<String>,
    /// Extra Rego policy directory or file (repeatable).
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
}

impl BaselineCreateArgs {
    /// The scan the baseline is taken from: `faasguard scan` with these
    /// arguments and every other one at its default.
    fn scan_args(&self) -> Result<ScanArgs, clap::Error> {
        use clap::FromArgMatches;
        let matches =
            ScanArgs::augment_args(clap::Command::new("scan")).try_get_matches_from(["scan"])?;
        let mut args = ScanArgs::from_arg_matches(&matches)?;
        args.paths = self.paths.clone();
        args.config = self.config.clone();
        args.excludes = self.excludes.clone();
        args.allowed_regions = self.allowed_regions.clone();
        args.policies = self.policies.clone();
        args.threads = self.threads;
        Ok(args)
    }
}

#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Run Rego unit tests (`test_*` rules) like `opa test`: exit 0 when all
    /// pass, 1 when any fails, 2 when a policy does not load.
    Test {
        /// Directories or files of policies and their tests.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Data for the policies: JSON/YAML files or folders, merged under `data` (repeatable).
        #[arg(short = 'd', long = "data", value_name = "PATH")]
        data: Vec<PathBuf>,
    },
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// `text` (a table) or `json`.
    #[arg(short, long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Extra Rego policy directory or file (repeatable): list its rules too.
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Package of conftest-style policies (repeatable; default `main`; globs as conftest).
    #[arg(long = "namespace", value_name = "NS")]
    pub namespaces: Vec<String>,
    /// Every package of the `--policy` folders holds conftest-style policies.
    #[arg(long)]
    pub all_namespaces: bool,
}

/// A time limit in seconds from the command line or the config, else the
/// default; 0 means none.
fn limit(seconds: Option<f64>, default: std::time::Duration) -> Option<std::time::Duration> {
    match seconds {
        None => Some(default),
        Some(s) if s > 0.0 => std::time::Duration::try_from_secs_f64(s).ok(),
        Some(_) => None,
    }
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

/// Exit codes.
pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Run a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> i32 {
    cli.color.apply();
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

fn run_completions(shell: clap_complete::Shell) -> i32 {
    use clap::CommandFactory;
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "faasguard", &mut out);
    write_stdout(&out)
}

fn run_man() -> i32 {
    use clap::CommandFactory;
    let mut out = Vec::new();
    if let Err(e) = clap_mangen::Man::new(Cli::command()).render(&mut out) {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    write_stdout(&out)
}

/// Write to standard output; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> i32 {
    let mut out = std::io::stdout();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

/// The scan's progress bar: on a terminal only, never on CI (whose logs
/// would keep every redraw), never when stderr is redirected.
fn progress() -> scan::Progress {
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

fn run_policy_test(paths: &[PathBuf], data: &[PathBuf]) -> i32 {
    let loaded = crate::policytest::load(paths).and_then(|p| {
        let files = conftest_data_files(paths, data)?;
        Ok((p, crate::conftest::data::load(&files)?))
    });
    let (policies, data) = match loaded {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    match crate::policytest::run(&policies, &data) {
        Ok(results) => {
            let _ = std::io::stdout().write_all(crate::policytest::render(&results).as_bytes());
            if results
                .iter()
                .all(|r| r.outcome == crate::policytest::Outcome::Pass)
            {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

fn report_error(e: impl Into<miette::Report>) -> i32 {
    eprintln!("{:?}", e.into());
    EXIT_ERROR
}

/// The data files conftest policies get: `data.json|yaml|yml` inside
/// policy folders (bundle layout), then those under `--data` paths.
fn conftest_data_files(
    policies: &[PathBuf],
    data: &[PathBuf],
) -> Result<Vec<crate::conftest::data::DataFile>, String> {
    let mut files = crate::conftest::data::bundle_files(policies);
    for f in crate::conftest::data::files(data)? {
        if !files.iter().any(|g| g.path == f.path) {
            files.push(f);
        }
    }
    Ok(files)
}

/// The conftest namespaces the flags name (`main` when none; every package
/// with `--all-namespaces`), each checked.
fn conftest_namespaces(namespaces: &[String], all: bool) -> Result<Vec<String>, i32> {
    if all {
        return Ok(vec![crate::conftest::namespace::ALL.to_string()]);
    }
    if namespaces.is_empty() {
        return Ok(vec![crate::conftest::DEFAULT_NAMESPACE.to_string()]);
    }
    for n in namespaces {
        if let Err(e) = crate::conftest::namespace::validate(n) {
            eprintln!("error: {e}");
            return Err(EXIT_ERROR);
        }
    }
    Ok(namespaces.to_vec())
}

/// The policies under `--policy` paths, without their `_test.rego` files.
fn load_policy_dirs(paths: &[PathBuf]) -> Result<Vec<PolicyFile>, String> {
    crate::engine::load_policy_files(paths, false)
}

/// A scan path that does not exist is a usage error, not an empty scan: a
/// typo in a CI job must not pass green.
fn check_paths_exist(paths: &[PathBuf]) -> Result<(), i32> {
    let mut missing = false;
    for path in paths {
        if path.as_os_str() == discover::STDIN_PATH {
            continue;
        }
        if let Err(e) = std::fs::metadata(path) {
            if e.kind() == std::io::ErrorKind::NotFound {
                eprintln!("error: {}: no such file or directory", path.display());
                missing = true;
            }
        }
    }
    if missing {
        Err(EXIT_ERROR)
    } else {
        Ok(())
    }
}

/// Standard input, read once when `-` is among the scan paths.
fn read_stdin(paths: &[PathBuf]) -> Result<Option<std::sync::Arc<str>>, i32> {
    if !paths.iter().any(|p| p.as_os_str() == discover::STDIN_PATH) {
        return Ok(None);
    }
    let mut text = String::new();
    match std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
        Ok(_) => Ok(Some(std::sync::Arc::from(text))),
        Err(e) => {
            eprintln!("error: {}: {e}", discover::STDIN_DISPLAY);
            Err(EXIT_ERROR)
        }
    }
}

fn settings_from(args: &ScanArgs) -> Result<(Settings, Severity), i32> {
    check_paths_exist(&args.paths)?;
    // conftest's configuration is not faasguard's: say which flag reads it.
    if let Some(c) = &args.config {
        if c.file_name().is_some_and(|n| n == "conftest.toml") {
            eprintln!(
                "error: {} is conftest's configuration; read it with --conftest-config {}",
                c.display(),
                c.display()
            );
            return Err(EXIT_ERROR);
        }
    }
    let resolved = match config::resolve(args.config.as_deref(), &args.paths) {
        Ok(r) => r,
        Err(e) => return Err(report_error(*e)),
    };
    for refusal in &resolved.refused {
        eprintln!("warning: {}", report::escape::line(refusal));
    }
    let (config, config_file) = (resolved.config, resolved.file);
    let mut excludes = config.exclude.clone();
    excludes.extend(args.excludes.iter().cloned());
    let discover = discover::Options {
        excludes,
        max_file_size: args.max_file_size,
        scan_cdk_out: config.scan_cdk_out.unwrap_or(false),
        ..discover::Options::default()
    };
    if let Err(e) = discover.validate() {
        eprintln!("error: {e}");
        return Err(EXIT_ERROR);
    }
    // conftest.toml, when asked for: its keys where no flag gives them.
    let conftest = match &args.conftest_config {
        Some(path) => {
            let c = crate::conftest::config::load(path).map_err(|e| {
                eprintln!("error: {e}");
                EXIT_ERROR
            })?;
            for key in &c.ignored {
                eprintln!(
                    "warning: {}: `{key}` is a conftest setting faasguard does not use; ignored",
                    path.display()
                );
            }
            c
        }
        None => crate::conftest::config::ConftestConfig::default(),
    };
    // The config's policy directories first, then `--policy` ones.
    let mut policy_paths = config.policies.clone();
    if args.policies.is_empty() {
        policy_paths.extend(conftest.policies.iter().cloned());
    }
    policy_paths.extend(args.policies.iter().cloned());
    let namespaces = if args.namespaces.is_empty() {
        &conftest.namespaces
    } else {
        &args.namespaces
    };
    let conftest_namespaces =
        conftest_namespaces(namespaces, args.all_namespaces || conftest.all_namespaces)?;
    let data_paths = if args.data.is_empty() {
        &conftest.data
    } else {
        &args.data
    };
    let conftest_data = conftest_data_files(&policy_paths, data_paths)
        .and_then(|files| crate::conftest::data::load(&files))
        .map_err(|e| {
            eprintln!("error: {e}");
            EXIT_ERROR
        })?;
    let extra_policies = match load_policy_dirs(&policy_paths) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(EXIT_ERROR);
        }
    };
    let baseline = match &args.baseline {
        Some(path) => match baseline::Baseline::load(path) {
            Ok(b) => Some(std::sync::Arc::new(b)),
            Err(e) => {
                eprintln!("error: {e}");
                return Err(EXIT_ERROR);
            }
        },
        None => None,
    };
    let allowed_regions = if args.allowed_regions.is_empty() {
        config.residency.allowed_regions.clone()
    } else {
        args.allowed_regions.clone()
    };
    let settings = Settings {
        paths: args.paths.clone(),
        discover,
        threads: args.threads.or(config.threads).unwrap_or(0),
        rule_timeout: limit(
            args.rule_timeout.or(config.limits.rule_timeout),
            crate::scan::DEFAULT_RULE_TIMEOUT,
        ),
        file_timeout: limit(
            args.file_timeout.or(config.limits.file_timeout),
            crate::scan::DEFAULT_FILE_TIMEOUT,
        ),
        profile: args.profile,
        allowed_regions,
        extra_policies,
        conftest_namespaces,
        conftest_data,
        conftest_combine: args.combine || conftest.combine,
        shard: args.shard,
        allow_inline_suppressions: config.allow_inline_suppressions.unwrap_or(true),
        baseline,
        config_file,
        fail_on: args.fail_on.or(config.fail_on).unwrap_or(Severity::Low),
        rules: config.rules.selection(),
        terraform: crate::terraform::Options {
            var_files: args.var_files.clone(),
            vars: args.vars.clone(),
            max_instances: args.max_expansion,
        },
        resolve_env: args.resolve_env,
        serverless_options: args.sls_opts.iter().cloned().collect(),
        advisories: crate::deps::Settings {
            db: args
                .advisory_db
                .clone()
                .or_else(|| config.advisories.db.as_ref().map(PathBuf::from)),
            online: args.online || config.advisories.online.unwrap_or(false),
            online_url: args.osv_url.clone(),
            include_dev: args.include_dev,
            max_age_days: config
                .advisories
                .max_age_days
                .map_or(crate::deps::DEFAULT_MAX_AGE_DAYS, u64::from),
        },
        stdin: read_stdin(&args.paths)?,
        progress: progress(),
        ..Settings::default()
    };
    if !config.rules.is_empty() {
        // Rule ids and areas are checked against every rule loaded,
        // custom policies included.
        let registry = match scan::load_engine(&settings).and_then(|e| Registry::new(&e)) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return Err(EXIT_ERROR);
            }
        };
        if let Err(e) = config::check_rules(&config, registry.rules()) {
            return Err(report_error(*e));
        }
    }
    let fail_on = settings.fail_on;
    Ok((settings, fail_on))
}

fn run_scan(args: ScanArgs) -> i32 {
    let (settings, fail_on) = match settings_from(&args) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let audit_kind = match args.format {
        Format::Markdown => Some(report::audit::Kind::Markdown),
        Format::Html => Some(report::audit::Kind::Html),
        _ => None,
    };
    // Bad framework files fail before the scan, not after it.
    let frameworks = match audit_kind.map(|_| select_frameworks(&args.audit)) {
        Some(Err(code)) => return code,
        Some(Ok(f)) => f,
        None => Vec::new(),
    };
    let started = std::time::SystemTime::now();
    if (args.fix || args.diff) && settings.stdin.is_some() {
        eprintln!("error: --fix and --diff edit files: standard input (`-`) has none");
        return EXIT_ERROR;
    }
    let run = |settings: &Settings| match &args.baseline_commit {
        Some(reference) => crate::pr::scan_against(settings, reference, args.show_unchanged)
            .map_err(|e| e.to_string()),
        None => scan::scan(settings).map_err(|e| e.to_string()),
    };
    let mut outcome = match run(&settings) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    if args.fix || args.diff {
        let edits = crate::fix::edits(&outcome.findings, &outcome.sources);
        if args.diff {
            print_diagnostics(&outcome);
            let code = write_stdout(crate::fix::diff(&edits, &outcome.sources).as_bytes());
            return if code != EXIT_OK || edits.is_empty() {
                code
            } else {
                EXIT_FINDINGS
            };
        }
        let (files, made, errors) = crate::fix::write(&edits, &outcome.sources);
        for e in &errors {
            eprintln!("warning: {}", report::escape::line(&e.to_string()));
        }
        eprintln!(
            "fixed {made} value{} in {files} file{}",
            if made == 1 { "" } else { "s" },
            if files == 1 { "" } else { "s" }
        );
        if made > 0 {
            // The report is of the files as they are now.
            outcome = match run(&settings) {
                Ok(o) => o,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_ERROR;
                }
            };
        }
    }
    outcome.show_unknown = args.show_unknown;
    let times = report::gitlab::Times {
        start: report::utc_time(started),
        end: report::utc_time(std::time::SystemTime::now()),
    };
    print_diagnostics(&outcome);
    let sarif_written = args.format == Format::Sarif || args.sarif_output.is_some();
    let dropped = report::sarif::dropped(&outcome);
    if sarif_written && dropped > 0 {
        eprintln!(
            "warning: SARIF: {dropped} of {} results left out (GitHub code scanning keeps {} per run; \
             the most severe were kept); `--format json` has them all",
            outcome.findings.len() + outcome.suppressed.len(),
            report::sarif::MAX_RESULTS
        );
    }
    if let Some(p) = &outcome.profile {
        print_profile(p);
    }
    let body = match args.format {
        Format::Text => report::text::render(&outcome),
        Format::Json => report::json::render(&outcome),
        Format::Sarif => report::sarif::render(&outcome),
        Format::Junit => report::junit::render(&outcome),
        Format::Github => report::github::render(&outcome),
        Format::Gitlab => report::gitlab::render(&outcome, &times),
        Format::Cyclonedx => report::cyclonedx::render(&outcome),
        Format::Markdown | Format::Html => {
            let kind = audit_kind.unwrap_or(report::audit::Kind::Markdown);
            match report::audit::render_outcome(&outcome, &frameworks, kind, Some(args.max_bytes)) {
                Ok(body) => body,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_ERROR;
                }
            }
        }
    };
    let written = match &args.output {
        Some(path) => std::fs::write(path, anstream::adapter::strip_str(&body).to_string())
            .map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => {
            let mut out = anstream::stdout();
            match out.write_all(body.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    if let Some(path) = &args.sarif_output {
        if let Err(e) = std::fs::write(path, report::sarif::render(&outcome)) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_ERROR;
        }
    }
    let policy_failed = outcome.diagnostics.iter().any(|d| d.code == "policy-error");
    let file_failed = outcome
        .diagnostics
        .iter()
        .any(|d| d.level == Level::Error || d.code == scan::NOT_READ);
    if policy_failed || (args.strict && file_failed) {
        return EXIT_ERROR;
    }
    // With --baseline-commit only new findings count.
    let failing = outcome
        .findings
        .iter()
        .filter(|f| crate::pr::counts(&outcome, f));
    let unknown_fails = args.fail_on_unknown && !outcome.undecided.is_empty();
    if unknown_fails || failing.into_iter().any(|f| f.severity >= fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Unreadable and unparseable files, as miette diagnostics with a snippet.
fn print_diagnostics(outcome: &scan::Outcome) {
    for d in &outcome.diagnostics {
        let severity = match d.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
            Level::Note => miette::Severity::Advice,
        };
        // File names and messages come from the scanned tree: escaped and
        // redacted like every other output (docs/security.md).
        let file = report::escape::line(d.file.as_deref().unwrap_or_default()).into_owned();
        let message = report::escape::line(&outcome.redactor.redact(&d.message)).into_owned();
        let mut diag = miette::MietteDiagnostic::new(if file.is_empty() {
            message
        } else {
            format!("{file}: {message}")
        })
        .with_severity(severity)
        .with_code(format!("faasguard::{}", d.code));
        let source = d
            .span
            .and_then(|s| outcome.sources.get(s.file).map(|src| (s, src)));
        let report = match source {
            Some((span, src)) => {
                let start = (span.start as usize).min(src.text.len());
                let len =
                    (span.end.saturating_sub(span.start) as usize).min(src.text.len() - start);
                // Masking keeps byte offsets; escaping control characters
                // does not, so it maps the label's ends along.
                let masked = outcome.redactor.mask(&src.text);
                let (shown, at) = report::escape::source(&masked, &[start, start + len]);
                let (start, end) = (at[0], at[1].max(at[0]));
                diag = diag.with_label(miette::LabeledSpan::at(start..end, "here"));
                miette::Report::new(diag).with_source_code(miette::NamedSource::new(&file, shown))
            }
            None => miette::Report::new(diag),
        };
        eprintln!("{report:?}");
    }
}

/// `--profile`: the ten slowest rules and files, on stderr (the report on
/// stdout stays as it is).
fn print_profile(p: &scan::Profile) {
    eprintln!("profile: slowest rules (total over units, units evaluated)");
    for (id, t, n) in p.rules.iter().take(10) {
        eprintln!("  {id:<12} {:>10.3} ms  {n:>6}", t.as_secs_f64() * 1e3);
    }
    eprintln!("profile: slowest files (adapt and evaluate)");
    for (file, t, rules) in p.files.iter().take(10) {
        eprintln!(
            "  {:>10.3} ms  (rules {:>10.3} ms)  {file}",
            t.as_secs_f64() * 1e3,
            rules.as_secs_f64() * 1e3
        );
    }
}

fn load_rules(policies: &[PathBuf], namespaces: &[String]) -> Result<Registry, i32> {
    let data = conftest_data_files(policies, &[])
        .and_then(|files| crate::conftest::data::load(&files))
        .map_err(|e| {
            eprintln!("error: {e}");
            EXIT_ERROR
        })?;
    let mut settings = Settings {
        extra_policies: load_policy_dirs(policies).map_err(|e| {
            eprintln!("error: {e}");
            EXIT_ERROR
        })?,
        ..Settings::default()
    };
    if !namespaces.is_empty() {
        settings.conftest_namespaces = namespaces.to_vec();
    }
    settings.conftest_data = data;
    scan::load_engine(&settings)
        .and_then(|e| Registry::new(&e))
        .map_err(|e| {
            eprintln!("error: {e}");
            EXIT_ERROR
        })
}

fn run_rules(args: &RulesArgs) -> i32 {
    let namespaces = match conftest_namespaces(&args.namespaces, args.all_namespaces) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let registry = match load_rules(&args.policies, &namespaces) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let rules = registry.sorted();
    let mut out = String::new();
    if args.format == "json" {
        out = serde_json::to_string_pretty(&rules).unwrap_or_default();
        out.push('\n');
    } else {
        let width = rules.iter().map(|r| r.meta.title.len()).max().unwrap_or(5);
        out.push_str(&format!(
            "{:<11} {:<8} {:<width$}  SOURCE\n",
            "ID", "SEVERITY", "TITLE"
        ));
        for r in &rules {
            out.push_str(&format!(
                "{:<11} {:<8} {:<width$}  {}\n",
                // `as_str`: `Display` of `Severity` ignores the width.
                r.meta.id,
                r.meta.severity.as_str(),
                r.meta.title,
                r.source
            ));
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    EXIT_OK
}

fn run_explain(id: &str, policies: &[PathBuf]) -> i32 {
    let registry = match load_rules(policies, &[]) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(rule) = registry.get(id) else {
        eprintln!("error: no rule {id} (see `faasguard rules`)");
        return EXIT_ERROR;
    };
    let mut out = format!(
        "{} {}\nseverity: {}   area: {}   source: {}\n\n{}\n\nFix: {}\n",
        rule.meta.id,
        rule.meta.title,
        rule.meta.severity,
        rule.meta.area,
        rule.source,
        rule.doc,
        rule.meta.remediation
    );
    for (format, fix) in &rule.meta.fixes {
        out.push_str(&format!("Fix ({format}): {fix}\n"));
    }
    // The doc block's own `## References` section was printed with it; a
    // policy without one lists them in its metadata.
    let in_doc = !crate::rule::section_items(&rule.doc, "References").is_empty();
    if !in_doc && !rule.meta.references.is_empty() {
        out.push_str("\nReferences:\n");
        for r in &rule.meta.references {
            out.push_str(&format!("  {r}\n"));
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    EXIT_OK
}

fn run_init(dir: &std::path::Path) -> i32 {
    let path = dir.join(config::FILE_NAME);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let written = match file {
        Ok(mut f) => f.write_all(config::STARTER.as_bytes()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            eprintln!(
                "error: {} already exists; not overwriting it",
                path.display()
            );
            return EXIT_ERROR;
        }
        Err(e) => Err(e),
    };
    if let Err(e) = written {
        eprintln!("error: cannot write {}: {e}", path.display());
        return EXIT_ERROR;
    }
    eprintln!("wrote {}", path.display());
    EXIT_OK
}

fn run_db_update(
    db_dir: Option<PathBuf>,
    mirror: Option<&str>,
    timeout: u64,
    deadline: Option<u64>,
) -> i32 {
    use crate::advisory::fetch;
    // Only the user's own config: `db update` reads no repository.
    let user = match config::user_config_path().filter(|p| p.is_file()) {
        Some(path) => match config::load(&path) {
            Ok(c) => c,
            Err(e) => return report_error(*e),
        },
        None => config::Config::default(),
    };
    let deadline = deadline.or(user.advisories.update_deadline);
    let db_dir = db_dir.or_else(|| user.advisories.db.as_ref().map(PathBuf::from));
    let dir = match db_dir.map_or_else(fetch::default_db_dir, Ok) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let mut opts = fetch::UpdateOptions::new(dir.clone());
    if let Some(m) = mirror {
        opts.sources = fetch::Source::osv_mirror(m);
    }
    opts.timeout = std::time::Duration::from_secs(timeout.max(1));
    opts.deadline = deadline.map(|d| std::time::Duration::from_secs(d.max(1)));
    opts.progress = true;
    match fetch::update(&opts) {
        Ok(report) => {
            for (src, n) in report.manifest.sources.iter().zip(&report.records) {
                eprintln!("{:<10} {n:>7} advisories  {}", src.name, src.url);
            }
            eprintln!(
                "advisory database updated: {} (fetched {})",
                report.db_dir.display(),
                report.manifest.fetched_at
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

fn run_model(file: &std::path::Path) -> i32 {
    match scan::model_json(file) {
        Ok(v) => {
            let _ = writeln!(
                std::io::stdout(),
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            );
            EXIT_OK
        }
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            EXIT_ERROR
        }
    }
}

fn run_merge(reports: &[PathBuf], output: Option<&std::path::Path>) -> i32 {
    let mut docs = Vec::new();
    for path in reports {
        let shown = path.display().to_string();
        let parsed = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()));
        match parsed {
            Ok(v) => docs.push((shown, v)),
            Err(e) => {
                eprintln!("error: {shown}: {e}");
                return EXIT_ERROR;
            }
        }
    }
    let merged = match crate::merge::merge(&docs) {
        Ok((_, v)) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let mut body = serde_json::to_string_pretty(&merged).unwrap_or_default();
    body.push('\n');
    let written = match output {
        Some(p) => {
            std::fs::write(p, &body).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => std::io::stdout()
            .write_all(body.as_bytes())
            .map_err(|e| e.to_string()),
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    EXIT_OK
}

fn run_baseline_create(args: &BaselineCreateArgs) -> i32 {
    let scan_args = match args.scan_args() {
        Ok(a) => a,
        Err(e) => return report_error(miette::miette!("{e}")),
    };
    let (settings, _) = match settings_from(&scan_args) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let outcome = match scan::scan(&settings) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    print_diagnostics(&outcome);
    if outcome.diagnostics.iter().any(|d| d.code == "policy-error") {
        return EXIT_ERROR;
    }
    let entries = baseline::Baseline::from_findings(&outcome.findings, &outcome.sources);
    let text = baseline::Baseline::render(&entries);
    if let Err(e) = std::fs::write(&args.output, text) {
        eprintln!("error: cannot write {}: {e}", args.output.display());
        return EXIT_ERROR;
    }
    eprintln!(
        "wrote {} finding{} to {}",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        args.output.display()
    );
    EXIT_OK
}

fn select_frameworks(args: &AuditArgs) -> Result<Vec<report::audit::Framework>, i32> {
    report::audit::framework::select(&args.frameworks, &args.framework_files).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_ERROR
    })
}

fn run_report(args: &ReportArgs) -> i32 {
    let frameworks = match select_frameworks(&args.audit) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let shown = args.input.display().to_string();
    let text = if shown == "-" {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map(|_| text)
    } else {
        std::fs::read_to_string(&args.input)
    };
    let input = match text
        .map_err(|e| e.to_string())
        .and_then(|t| report::audit::ScanResult::from_json(&t))
    {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {shown}: {e}");
            return EXIT_ERROR;
        }
    };
    let body = match report::audit::render(
        &input,
        &frameworks,
        args.format,
        &crate::date::today(),
        Some(args.max_bytes),
    ) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    let written = match &args.output {
        Some(p) => {
            std::fs::write(p, &body).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => match std::io::stdout().write_all(body.as_bytes()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.to_string()),
            _ => Ok(()),
        },
    };
    if let Err(e) = written {
        eprintln!("error: {e}");
        return EXIT_ERROR;
    }
    EXIT_OK
}
