//! `faasguard scan`: the arguments made into [`Settings`] (with the config
//! file, policy folders, conftest data), the scan run, its reports written
//! and its diagnostics printed.

use std::path::PathBuf;

use super::*;
use faasguard::baseline;
use faasguard::config;
use faasguard::discover;
use faasguard::engine::PolicyFile;
use faasguard::finding::Level;
use faasguard::registry::Registry;
use faasguard::report::{self, Format};
use faasguard::rule::Severity;
use faasguard::scan::{self, Settings};

/// The data files conftest policies get: `data.json|yaml|yml` inside
/// policy folders (bundle layout), then those under `--data` paths.
pub(super) fn conftest_data_files(
    policies: &[PathBuf],
    data: &[PathBuf],
) -> Result<Vec<faasguard::conftest::data::DataFile>, faasguard::conftest::data::DataError> {
    let mut files = faasguard::conftest::data::bundle_files(policies);
    for f in faasguard::conftest::data::files(data)? {
        if !files.iter().any(|g| g.path == f.path) {
            files.push(f);
        }
    }
    Ok(files)
}

/// The conftest namespaces the flags name (`main` when none; every package
/// with `--all-namespaces`), each checked.
pub(super) fn conftest_namespaces(
    namespaces: &[String],
    all: bool,
) -> Result<Vec<String>, CliError> {
    if all {
        return Ok(vec![faasguard::conftest::namespace::ALL.to_string()]);
    }
    if namespaces.is_empty() {
        return Ok(vec![faasguard::conftest::DEFAULT_NAMESPACE.to_string()]);
    }
    for n in namespaces {
        if let Err(e) = faasguard::conftest::namespace::validate(n) {
            return Err(message(e));
        }
    }
    Ok(namespaces.to_vec())
}

/// The policies under `--policy` paths, without their `_test.rego` files.
pub(super) fn load_policy_dirs(
    paths: &[PathBuf],
) -> Result<Vec<PolicyFile>, faasguard::engine::PolicyPathError> {
    faasguard::engine::load_policy_files(paths, false)
}

/// A scan path that does not exist is a usage error, not an empty scan: a
/// typo in a CI job must not pass green.
pub(super) fn check_paths_exist(paths: &[PathBuf]) -> Result<(), CliError> {
    let mut missing = Vec::new();
    for path in paths {
        if path.as_os_str() == discover::STDIN_PATH {
            continue;
        }
        if let Err(e) = std::fs::metadata(path) {
            if e.kind() == std::io::ErrorKind::NotFound {
                missing.push(message(format!(
                    "{}: no such file or directory",
                    path.display()
                )));
            }
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CliError::Several(missing))
    }
}

/// Standard input, read once when `-` is among the scan paths.
pub(super) fn read_stdin(paths: &[PathBuf]) -> Result<Option<std::sync::Arc<str>>, CliError> {
    if !paths.iter().any(|p| p.as_os_str() == discover::STDIN_PATH) {
        return Ok(None);
    }
    let mut text = String::new();
    match std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
        Ok(_) => Ok(Some(std::sync::Arc::from(text))),
        Err(e) => Err(message(format!("{}: {e}", discover::STDIN_DISPLAY))),
    }
}

pub(super) fn settings_from(args: &ScanArgs) -> Result<(Settings, Severity), CliError> {
    check_paths_exist(&args.paths)?;
    // conftest's configuration is not faasguard's: say which flag reads it.
    if let Some(c) = &args.config {
        if c.file_name().is_some_and(|n| n == "conftest.toml") {
            return Err(message(format!(
                "{} is conftest's configuration; read it with --conftest-config {}",
                c.display(),
                c.display()
            )));
        }
    }
    let resolved = config::resolve(args.config.as_deref(), &args.paths)?;
    // Warnings go into the scan's diagnostics (every format carries them).
    let mut warnings: Vec<faasguard::finding::Diagnostic> = resolved
        .refused
        .iter()
        .map(|r| faasguard::finding::Diagnostic::new(Level::Warning, "config-refused", r.clone()))
        .collect();
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
        return Err(message(e));
    }
    // conftest.toml, when asked for: its keys where no flag gives them.
    let conftest = match &args.conftest_config {
        Some(path) => {
            let c = faasguard::conftest::config::load(path).map_err(message)?;
            warnings.extend(c.ignored.iter().map(|key| {
                faasguard::finding::Diagnostic::new(
                    Level::Warning,
                    "conftest-config-ignored",
                    format!("`{key}` is a conftest setting faasguard does not use; ignored"),
                )
                .in_file(path.display().to_string(), None)
            }));
            c
        }
        None => faasguard::conftest::config::ConftestConfig::default(),
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
        .and_then(|files| faasguard::conftest::data::load(&files))
        .map_err(message)?;
    let extra_policies = match load_policy_dirs(&policy_paths) {
        Ok(p) => p,
        Err(e) => {
            return Err(message(e));
        }
    };
    let baseline = match &args.baseline {
        Some(path) => match baseline::Baseline::load(path) {
            Ok(b) => Some(std::sync::Arc::new(b)),
            Err(e) => {
                return Err(message(e));
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
            faasguard::scan::DEFAULT_RULE_TIMEOUT,
        ),
        file_timeout: limit(
            args.file_timeout.or(config.limits.file_timeout),
            faasguard::scan::DEFAULT_FILE_TIMEOUT,
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
        terraform: faasguard::terraform::Options {
            var_files: args.var_files.clone(),
            vars: args.vars.clone(),
            max_instances: args.max_expansion,
        },
        resolve_env: args.resolve_env,
        serverless_options: args.sls_opts.iter().cloned().collect(),
        advisories: faasguard::deps::Settings {
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
                .map_or(faasguard::deps::DEFAULT_MAX_AGE_DAYS, u64::from),
        },
        stdin: read_stdin(&args.paths)?,
        progress: progress(),
        warnings,
        ..Settings::default()
    };
    if !config.rules.is_empty() {
        // Rule ids and areas are checked against every rule loaded,
        // custom policies included.
        let registry = match scan::load_engine(&settings).and_then(|e| Registry::new(&e)) {
            Ok(r) => r,
            Err(e) => {
                return Err(message(e));
            }
        };
        if let Err(e) = config::check_rules(&config, registry.rules()) {
            return Err(e.into());
        }
    }
    let fail_on = settings.fail_on;
    Ok((settings, fail_on))
}

pub(super) fn run_scan(args: ScanArgs) -> i32 {
    let (settings, fail_on) = match settings_from(&args) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let audit_kind = match args.format {
        Format::Markdown => Some(report::audit::Kind::Markdown),
        Format::Html => Some(report::audit::Kind::Html),
        _ => None,
    };
    // Bad framework files fail before the scan, not after it.
    let frameworks = match audit_kind.map(|_| select_frameworks(&args.audit)) {
        Some(Err(e)) => return fail(e),
        Some(Ok(f)) => f,
        None => Vec::new(),
    };
    let started = std::time::SystemTime::now();
    if (args.fix || args.diff) && settings.stdin.is_some() {
        return fail(message(
            "--fix and --diff edit files: standard input (`-`) has none",
        ));
    }
    let run = |settings: &Settings| match &args.baseline_commit {
        Some(reference) => faasguard::pr::scan_against(settings, reference, args.show_unchanged)
            .map_err(|e| e.to_string()),
        None => scan::scan(settings).map_err(|e| e.to_string()),
    };
    let mut outcome = match run(&settings) {
        Ok(o) => o,
        Err(e) => {
            return fail(message(e));
        }
    };
    if args.fix || args.diff {
        // With --baseline-commit only the change's own findings are fixed:
        // a pull request's fix touches what the pull request wrote, not
        // what was there before it (docs/adr/0042).
        let (new, unchanged): (Vec<_>, Vec<_>) = outcome
            .findings
            .iter()
            .partition(|f| faasguard::pr::counts(&outcome, f));
        let edits = faasguard::fix::edits(new, &outcome.sources);
        if let Some(pr) = &outcome.pr {
            let left: usize = faasguard::fix::edits(unchanged, &outcome.sources)
                .values()
                .map(Vec::len)
                .sum();
            if left > 0 {
                eprintln!(
                    "note: {left} fix{} of findings unchanged since {} not {}; without \
                     --baseline-commit, --fix and --diff cover every finding",
                    if left == 1 { "" } else { "es" },
                    report::escape::line(&pr.reference),
                    if args.diff { "shown" } else { "made" },
                );
            }
        }
        if args.diff {
            print_diagnostics(&outcome);
            let code = write_stdout(faasguard::fix::diff(&edits, &outcome.sources).as_bytes());
            return if code != EXIT_OK || edits.is_empty() {
                code
            } else {
                EXIT_FINDINGS
            };
        }
        let (files, made, errors) = faasguard::fix::write(&edits, &outcome.sources);
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
                    return fail(message(e));
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
                    return fail(message(e));
                }
            }
        }
    };
    let written = match &args.output {
        Some(path) => output::write(
            Some(path),
            anstream::adapter::strip_str(&body).to_string().as_bytes(),
        ),
        None => output::styled(body.as_bytes()),
    };
    if let Err(e) = written {
        return fail(e);
    }
    if let Some(path) = &args.sarif_output {
        if let Err(e) = output::write(Some(path), report::sarif::render(&outcome).as_bytes()) {
            return fail(e);
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
    // With --baseline-commit only new findings (and new undecided checks
    // for --fail-on-unknown) count.
    let failing = outcome
        .findings
        .iter()
        .filter(|f| faasguard::pr::counts(&outcome, f));
    let unknown_fails = args.fail_on_unknown
        && outcome
            .undecided
            .iter()
            .any(|u| faasguard::pr::unknown_counts(&outcome, u));
    if unknown_fails || failing.into_iter().any(|f| f.severity >= fail_on) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Unreadable and unparseable files, as miette diagnostics with a snippet.
pub(super) fn print_diagnostics(outcome: &scan::Outcome) {
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
pub(super) fn print_profile(p: &scan::Profile) {
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

/// A time limit in seconds from the command line or the config, else the
/// default; 0 means none.
fn limit(seconds: Option<f64>, default: std::time::Duration) -> Option<std::time::Duration> {
    match seconds {
        None => Some(default),
        Some(s) if s > 0.0 => std::time::Duration::try_from_secs_f64(s).ok(),
        Some(_) => None,
    }
}
