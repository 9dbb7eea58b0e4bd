//! The commands other than `scan`: `rules`, `explain`, `init`, `db update`,
//! `model`, `merge`, `baseline create`, `report`, `policy test`.

use std::io::Write;
use std::path::PathBuf;

use super::*;
use faasguard::baseline;
use faasguard::config;
use faasguard::registry::Registry;
use faasguard::report;
use faasguard::scan::{self, Settings};

pub(super) fn run_policy_test(paths: &[PathBuf], data: &[PathBuf]) -> i32 {
    let loaded = faasguard::policytest::load(paths)
        .map_err(message)
        .and_then(|p| {
            let files = conftest_data_files(paths, data).map_err(message)?;
            Ok((p, faasguard::conftest::data::load(&files).map_err(message)?))
        });
    let (policies, data) = match loaded {
        Ok(p) => p,
        Err(e) => return fail(e),
    };
    match faasguard::policytest::run(&policies, &data) {
        Ok(results) => {
            if let Err(e) = output::stdout(faasguard::policytest::render(&results).as_bytes()) {
                return fail(e);
            }
            if results
                .iter()
                .all(|r| r.outcome == faasguard::policytest::Outcome::Pass)
            {
                EXIT_OK
            } else {
                EXIT_FINDINGS
            }
        }
        Err(e) => fail(message(e)),
    }
}

pub(super) fn load_rules(
    policies: &[PathBuf],
    namespaces: &[String],
) -> Result<Registry, CliError> {
    let data = conftest_data_files(policies, &[])
        .and_then(|files| faasguard::conftest::data::load(&files))
        .map_err(message)?;
    let mut settings = Settings {
        extra_policies: load_policy_dirs(policies).map_err(message)?,
        ..Settings::default()
    };
    if !namespaces.is_empty() {
        settings.conftest_namespaces = namespaces.to_vec();
    }
    settings.conftest_data = data;
    scan::load_engine(&settings)
        .and_then(|e| Registry::new(&e))
        .map_err(message)
}

pub(super) fn run_rules(args: &RulesArgs) -> i32 {
    let namespaces = match conftest_namespaces(&args.namespaces, args.all_namespaces) {
        Ok(n) => n,
        Err(e) => return fail(e),
    };
    let registry = match load_rules(&args.policies, &namespaces) {
        Ok(r) => r,
        Err(e) => return fail(e),
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
    write_stdout(out.as_bytes())
}

pub(super) fn run_explain(id: &str, policies: &[PathBuf]) -> i32 {
    let registry = match load_rules(policies, &[]) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let Some(rule) = registry.get(id) else {
        return fail(message(format!("no rule {id} (see `faasguard rules`)")));
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
    let in_doc = !faasguard::rule::section_items(&rule.doc, "References").is_empty();
    if !in_doc && !rule.meta.references.is_empty() {
        out.push_str("\nReferences:\n");
        for r in &rule.meta.references {
            out.push_str(&format!("  {r}\n"));
        }
    }
    write_stdout(out.as_bytes())
}

pub(super) fn run_init(dir: &std::path::Path) -> i32 {
    let path = dir.join(config::FILE_NAME);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let written = match file {
        Ok(mut f) => f.write_all(config::STARTER.as_bytes()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return fail(message(format!(
                "{} already exists; not overwriting it",
                path.display()
            )));
        }
        Err(e) => Err(e),
    };
    if let Err(source) = written {
        return fail(CliError::Write { path, source });
    }
    eprintln!("wrote {}", path.display());
    EXIT_OK
}

pub(super) fn run_db_update(
    db_dir: Option<PathBuf>,
    mirror: Option<&str>,
    timeout: u64,
    deadline: Option<u64>,
) -> i32 {
    use faasguard::advisory::fetch;
    // Only the user's own config: `db update` reads no repository.
    let user = match config::user_config_path().filter(|p| p.is_file()) {
        Some(path) => match config::load(&path) {
            Ok(c) => c,
            Err(e) => return fail(e.into()),
        },
        None => config::Config::default(),
    };
    let deadline = deadline.or(user.advisories.update_deadline);
    let db_dir = db_dir.or_else(|| user.advisories.db.as_ref().map(PathBuf::from));
    let dir = match db_dir.map_or_else(fetch::default_db_dir, Ok) {
        Ok(d) => d,
        Err(e) => {
            return fail(message(e));
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
        Err(e) => fail(message(e)),
    }
}

pub(super) fn run_model(file: &std::path::Path) -> i32 {
    match scan::model_json(file) {
        Ok(v) => {
            let mut body = serde_json::to_string_pretty(&v).unwrap_or_default();
            body.push('\n');
            write_stdout(body.as_bytes())
        }
        Err(e) => fail(message(format!("{}: {e}", file.display()))),
    }
}

pub(super) fn run_merge(reports: &[PathBuf], output: Option<&std::path::Path>) -> i32 {
    let mut docs = Vec::new();
    for path in reports {
        let shown = path.display().to_string();
        let parsed = std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()));
        match parsed {
            Ok(v) => docs.push((shown, v)),
            Err(e) => return fail(message(format!("{shown}: {e}"))),
        }
    }
    let merged = match faasguard::merge::merge(&docs) {
        Ok((_, v)) => v,
        Err(e) => {
            return fail(message(e));
        }
    };
    let mut body = serde_json::to_string_pretty(&merged).unwrap_or_default();
    body.push('\n');
    match output::write(output, body.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(e) => fail(e),
    }
}

pub(super) fn run_baseline_create(args: &BaselineCreateArgs) -> i32 {
    let scan_args = match args.scan_args() {
        Ok(a) => a,
        Err(e) => return fail(message(e)),
    };
    let (settings, _) = match settings_from(&scan_args) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let outcome = match scan::scan(&settings) {
        Ok(o) => o,
        Err(e) => {
            return fail(message(e));
        }
    };
    print_diagnostics(&outcome);
    if outcome.diagnostics.iter().any(|d| d.code == "policy-error") {
        return EXIT_ERROR;
    }
    let entries = baseline::Baseline::from_findings(&outcome.findings, &outcome.sources);
    let text = baseline::Baseline::render(&entries);
    if let Err(source) = std::fs::write(&args.output, text) {
        return fail(CliError::Write {
            path: args.output.clone(),
            source,
        });
    }
    eprintln!(
        "wrote {} finding{} to {}",
        entries.len(),
        if entries.len() == 1 { "" } else { "s" },
        args.output.display()
    );
    EXIT_OK
}

pub(super) fn select_frameworks(
    args: &AuditArgs,
) -> Result<Vec<report::audit::Framework>, CliError> {
    report::audit::framework::select(&args.frameworks, &args.framework_files).map_err(message)
}

pub(super) fn run_report(args: &ReportArgs) -> i32 {
    let frameworks = match select_frameworks(&args.audit) {
        Ok(f) => f,
        Err(e) => return fail(e),
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
        .and_then(|t| report::json::Report::from_json(&t).map_err(|e| e.to_string()))
    {
        Ok(i) => i,
        Err(e) => {
            return fail(message(format!("{shown}: {e}")));
        }
    };
    let body = match report::audit::render(
        &input,
        &frameworks,
        args.format,
        &faasguard::date::today(),
        Some(args.max_bytes),
    ) {
        Ok(b) => b,
        Err(e) => {
            return fail(message(e));
        }
    };
    match output::write(args.output.as_deref(), body.as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(e) => fail(e),
    }
}
