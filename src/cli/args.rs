//! The command line's shape: clap types for every command and flag, and the
//! value parsers they use. Validation beyond a value's syntax happens when
//! the arguments become settings ([`super::scan_cmd::settings_from`]).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use faasguard::report::{self, Format};
use faasguard::rule::Severity;
use faasguard::{baseline, discover};

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
    /// changing only the values' text, then scan again and report what is left. With
    /// `--baseline-commit`, only the new findings' values are fixed (run without it to fix
    /// every finding).
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the fixes `--fix` would make as a unified diff instead of a report (exit 1 when
    /// there is one). With `--baseline-commit`, only the new findings' fixes.
    #[arg(long)]
    pub diff: bool,
    /// List the checks rules could not decide because a value is unknown before deployment (a
    /// variable without a value, an `Fn::If` on a deploy-time condition, an `${ssm:}` lookup);
    /// without it the text report counts them in one line. With `--baseline-commit`, the new
    /// ones (the unchanged ones too with `--show-unchanged`).
    #[arg(long)]
    pub show_unknown: bool,
    /// Exit 1 when any check could not be decided (for teams that require every value known;
    /// `--var`, `--var-file` and `--sls-opt` give the values). With `--baseline-commit`, only
    /// checks the change adds count.
    #[arg(long)]
    pub fail_on_unknown: bool,
    /// With `--baseline-commit`: list unchanged findings too (text, JUnit as skipped test cases,
    /// GitLab); the JSON, SARIF and audit reports always have them, marked.
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
    #[arg(long = "max-expansion", value_name = "N", default_value_t = faasguard::terraform::DEFAULT_MAX_INSTANCES, value_parser = clap::value_parser!(usize))]
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
pub(super) fn parse_key_value(s: &str) -> Result<(String, String), String> {
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

pub(super) fn parse_shard(s: &str) -> Result<(u32, u32), String> {
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
    pub(super) fn scan_args(&self) -> Result<ScanArgs, clap::Error> {
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

pub(super) fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}
