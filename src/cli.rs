//! The command line: raw arguments become validated [`Settings`] once, here
//! at the edge; errors become `miette` diagnostics; the exit code says what
//! happened (0 clean, 1 findings at or above `--fail-on`, 2 usage, config or
//! policy error).

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config;
use crate::discover;
use crate::engine::PolicyFile;
use crate::finding::Level;
use crate::report::{self, Format};
use crate::rule::Severity;
use crate::scan::{self, Settings};

#[derive(Parser, Debug)]
#[command(
    name = "faasguard",
    version,
    about = "Policy-as-code governance scanner for serverless infrastructure-as-code",
    long_about = "faasguard reads AWS SAM and CloudFormation templates, normalizes them into one \
resource model, and checks them with Rego policies: least-privilege IAM, encryption, hard-coded \
secrets, timeouts, region residency, public exposure, logging and tracing, deprecated runtimes."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan files and directories for policy violations.
    Scan(ScanArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    Explain {
        /// Rule id, e.g. FG-IAM-001.
        id: String,
    },
    /// Print the normalized model of a template as JSON (what policies see as `input`).
    Model {
        /// A template file.
        file: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to a file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the scan fail (exit 1).
    #[arg(long, value_parser = parse_severity)]
    pub fail_on: Option<Severity>,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
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
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = discover::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Exit 2 when a file cannot be read or parsed.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// `text` (a table) or `json`.
    #[arg(short, long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
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
    match cli.command {
        Command::Scan(args) => run_scan(args),
        Command::Rules(args) => run_rules(&args),
        Command::Explain { id } => run_explain(&id),
        Command::Model { file } => run_model(&file),
    }
}

fn report_error(e: impl Into<miette::Report>) -> i32 {
    eprintln!("{:?}", e.into());
    EXIT_ERROR
}

fn load_policy_dirs(paths: &[PathBuf]) -> Result<Vec<PolicyFile>, String> {
    let mut out = Vec::new();
    for p in paths {
        let mut files = Vec::new();
        if p.is_dir() {
            for entry in ignore::WalkBuilder::new(p)
                .standard_filters(false)
                .build()
                .flatten()
            {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "rego")
                    && !path.to_string_lossy().ends_with("_test.rego")
                {
                    files.push(path.to_path_buf());
                }
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(format!("policy path {} does not exist", p.display()));
        }
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f)
                .map_err(|e| format!("cannot read policy {}: {e}", f.display()))?;
            out.push(PolicyFile {
                path: f.display().to_string(),
                text,
                builtin: false,
            });
        }
    }
    Ok(out)
}

fn settings_from(args: &ScanArgs) -> Result<(Settings, Severity), i32> {
    let config = match config::find(args.config.as_deref(), &args.paths) {
        Some(path) => match config::load(&path) {
            Ok(c) => c,
            Err(e) => return Err(report_error(*e)),
        },
        None => config::Config::default(),
    };
    let mut excludes = config.exclude.clone();
    excludes.extend(args.excludes.iter().cloned());
    let discover = discover::Options {
        excludes,
        max_file_size: args.max_file_size,
        ..discover::Options::default()
    };
    if let Err(e) = discover.validate() {
        eprintln!("error: {e}");
        return Err(EXIT_ERROR);
    }
    let extra_policies = match load_policy_dirs(&args.policies) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Err(EXIT_ERROR);
        }
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
        allowed_regions,
        extra_policies,
        ..Settings::default()
    };
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(Severity::Low);
    Ok((settings, fail_on))
}

fn run_scan(args: ScanArgs) -> i32 {
    let (settings, fail_on) = match settings_from(&args) {
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
    let body = match args.format {
        Format::Text => report::text::render(&outcome),
        Format::Json => report::json::render(&outcome),
        Format::Sarif => report::sarif::render(&outcome),
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
    let policy_failed = outcome.diagnostics.iter().any(|d| d.code == "policy-error");
    let file_failed = outcome.diagnostics.iter().any(|d| d.level == Level::Error);
    if policy_failed || (args.strict && file_failed) {
        return EXIT_ERROR;
    }
    if outcome.findings.iter().any(|f| f.severity >= fail_on) {
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
        let file = d.file.clone().unwrap_or_default();
        let mut diag = miette::MietteDiagnostic::new(if file.is_empty() {
            d.message.clone()
        } else {
            format!("{file}: {}", d.message)
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
                diag = diag.with_label(miette::LabeledSpan::at(start..start + len, "here"));
                // Masking keeps byte offsets, so the label still lines up.
                miette::Report::new(diag).with_source_code(miette::NamedSource::new(
                    &src.display,
                    outcome.redactor.mask(&src.text),
                ))
            }
            None => miette::Report::new(diag),
        };
        eprintln!("{report:?}");
    }
}

fn load_rules() -> Result<Vec<crate::rule::Rule>, i32> {
    let settings = Settings::default();
    scan::load_engine(&settings)
        .map(|e| e.rules().to_vec())
        .map_err(|e| {
            eprintln!("error: {e}");
            EXIT_ERROR
        })
}

fn run_rules(args: &RulesArgs) -> i32 {
    let rules = match load_rules() {
        Ok(r) => r,
        Err(code) => return code,
    };
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
                r.meta.id, r.meta.severity, r.meta.title, r.source
            ));
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    EXIT_OK
}

fn run_explain(id: &str) -> i32 {
    let rules = match load_rules() {
        Ok(r) => r,
        Err(code) => return code,
    };
    let Some(rule) = rules.iter().find(|r| r.meta.id.eq_ignore_ascii_case(id)) else {
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
    if !rule.meta.references.is_empty() {
        out.push_str("\nReferences:\n");
        for r in &rule.meta.references {
            out.push_str(&format!("  {r}\n"));
        }
    }
    let _ = std::io::stdout().write_all(out.as_bytes());
    EXIT_OK
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
