//! The scan: orders the pipeline stages (discover → parse → adapt →
//! evaluate → findings → suppress) over a rayon pool, and returns the
//! [`Outcome`] the reports take. Each stage's work lives in the module that
//! owns it: the file list in [`files`], one unit from its files to its
//! findings in [`unit`], nested stacks in [`nested`], conftest-style inputs
//! in [`conftest_raw`], joining the units' results in [`gather`], lockfiles
//! in [`crate::deps`]. Output does not depend on thread count or file
//! order: files get ids in sorted order and results are collected in that
//! order.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::engine::{Engine, EngineError, PolicyFile};
use crate::suppress;

mod conftest_raw;
mod evaluate;
mod files;
mod fragments;
mod gather;
mod model;
mod nested;
mod unit;

pub use crate::outcome::{Outcome, Profile, Stats};
pub use crate::settings::{Progress, Settings, DEFAULT_FILE_TIMEOUT, DEFAULT_RULE_TIMEOUT};
pub use model::{model_json, model_json_with, ModelError};

use evaluate::UnitOut;
use files::{prepare, Prepared};
use unit::UnitContext;

/// Diagnostic code of a file named on the command line that the scan does not
/// read (`--strict` makes it an error).
pub const NOT_READ: &str = "not-read";

/// A scan that could not start (bad policy, bad settings).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// A policy did not load or compile, or two policies declare one rule id.
    #[error(transparent)]
    Policy(#[from] EngineError),
    /// The worker thread pool could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// The number of threads asked for.
        threads: usize,
        /// The thread pool's error.
        message: String,
    },
}

/// The built-in policies.
pub fn builtin_policies() -> Vec<PolicyFile> {
    crate::embedded::POLICIES
        .iter()
        .map(|(path, text)| PolicyFile {
            path: (*path).to_string(),
            text: (*text).to_string(),
            builtin: true,
        })
        .collect()
}

/// The data document rules read as `data.faasguard`.
pub fn rule_data(settings: &Settings) -> serde_json::Value {
    let toml_json = |path: &str| -> serde_json::Value {
        crate::embedded::rule_data(path)
            .and_then(|t| toml::from_str::<toml::Value>(t).ok())
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or_else(|| serde_json::json!({}))
    };
    serde_json::json!({
        "faasguard": {
            "config": {
                "allowed_regions": settings.allowed_regions,
                "today": settings.today,
            },
            "runtimes": toml_json("rules/runtimes.toml"),
            "regions": toml_json("rules/regions.toml"),
            "iam_access_levels": toml_json("rules/iam_access_levels.toml"),
            "lambda_layer_publishers": toml_json("rules/lambda_layer_publishers.toml"),
        }
    })
}

/// Load the built-in and extra policies into an engine.
pub fn load_engine(settings: &Settings) -> Result<Engine, EngineError> {
    let mut policies = builtin_policies();
    policies.extend(settings.extra_policies.iter().cloned());
    Engine::with_namespaces(
        &policies,
        rule_data(settings),
        &settings.conftest_namespaces,
        &crate::conftest::Options {
            data: settings.conftest_data.clone(),
            roots: settings.paths.clone(),
        },
    )
}

/// Where paths are shown from: [`Settings::working_dir`], else the
/// process's working directory.
fn working_dir(settings: &Settings) -> Option<PathBuf> {
    settings
        .working_dir
        .clone()
        .or_else(|| std::env::current_dir().ok())
}

/// Drop `value` on a thread of its own (where no thread can be started, the
/// failed spawn drops it here).
fn drop_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("faasguard-drop".into())
        .spawn(move || drop(value));
}

/// Run a scan.
pub fn scan(settings: &Settings) -> Result<Outcome, ScanError> {
    // Start-up work that does not depend on the policies runs beside them.
    let warm = std::thread::spawn(|| {
        crate::secret::SecretScanner::builtin();
    });
    // The policies compile beside the file walk (discover, read,
    // classify; units formed): neither needs the other (ADR 0047).
    let (loaded, pool, prepared) = std::thread::scope(|s| {
        let loading = s.spawn(|| load_engine(settings));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(settings.threads)
            .build()
            .map_err(|e| ScanError::Threads {
                threads: settings.threads,
                message: e.to_string(),
            });
        let prepared = pool.as_ref().ok().map(|pool| prepare(settings, pool));
        (loading.join(), pool, prepared)
    });
    // A policy error first, as when the policies loaded before the pool
    // started.
    let mut engine = match loaded {
        Ok(loaded) => loaded?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let pool = pool?;
    // Rules the configuration turns off are not evaluated at all.
    engine.disable(|r| !settings.rules.enabled(&r.meta.id, &r.meta.area));
    engine.set_rule_timeout(settings.rule_timeout);
    engine.set_file_timeout(settings.file_timeout);
    engine.set_profile(settings.profile);
    let _ = warm.join();

    let Some(Prepared {
        mut files,
        unread,
        envs,
        tf_files,
        terraform,
        units,
        mut diagnostics,
        fragments,
    }) = prepared
    else {
        // The pool started (`pool?` above), so the files were prepared.
        return Err(ScanError::Threads {
            threads: settings.threads,
            message: "the file walk did not run".into(),
        });
    };
    // The settings' own warnings come first, as they came first.
    diagnostics.splice(0..0, settings.warnings.iter().cloned());
    let cwd = working_dir(settings);

    // adapt and evaluate every unit.
    let ctx = UnitContext {
        files: &files,
        envs: &envs,
        tf_files: &tf_files,
        terraform: &terraform,
        settings,
        fragments: &fragments,
    };
    settings.progress.start(units.len());
    let mut outs: Vec<UnitOut> = pool.install(|| {
        units
            .par_iter()
            .map_init(
                || engine.clone(),
                |eng, unit| {
                    let started = std::time::Instant::now();
                    let mut out = ctx.process(unit, Some(&mut *eng));
                    if settings.profile {
                        out.elapsed = started.elapsed();
                        out.rule_times = eng.take_timings();
                    }
                    settings.progress.tick();
                    out
                },
            )
            .collect()
    });
    settings.progress.finish();
    fragments::absorb(&units, &mut outs);
    let profile = settings
        .profile
        .then(|| gather::profile(&units, &outs, &files, &engine));

    // Nested stacks' templates the walk did not find, as units of their own.
    let nested = nested::follow_nested_stacks(
        &mut outs,
        &mut files,
        cwd.as_deref(),
        (settings.discover.max_file_size, settings.shard),
        |files, units| {
            let ctx = UnitContext {
                files,
                envs: &envs,
                tf_files: &tf_files,
                terraform: &terraform,
                settings,
                fragments: &fragments,
            };
            pool.install(|| {
                units
                    .par_iter()
                    .map_init(|| engine.clone(), |eng, unit| ctx.process(unit, Some(eng)))
                    .collect()
            })
        },
    );

    // conftest policies read the files no unit evaluated raw.
    if engine.has_conftest() {
        let mut extra = UnitOut::default();
        let read = conftest_raw::conftest_files(
            settings,
            &unread,
            &mut files,
            &units,
            (&mut engine, &pool),
            &mut extra,
        );
        diagnostics
            .retain(|d| d.code != NOT_READ || !d.file.as_ref().is_some_and(|f| read.contains(f)));
        for d in diagnostics.iter_mut().filter(|d| d.code == NOT_READ) {
            d.message.push_str(
                "; conftest-style policies see YAML, JSON and HCL files only (docs/conftest.md)",
            );
        }
        outs.push(extra);
    }

    // findings: the units' results joined, then the dependency stage.
    let mut g = gather::gather(
        outs,
        &files,
        &nested,
        settings,
        cwd.as_deref(),
        &mut diagnostics,
    );
    let locks: Vec<crate::deps::lockfiles::Found<'_>> = files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match (f.kind, f.text.as_deref()) {
            (Some(crate::discover::Kind::Lockfile(kind)), text) => {
                Some(crate::deps::lockfiles::Found {
                    id: crate::source::FileId(i as u32),
                    path: &f.path,
                    display: &f.display,
                    kind,
                    text: text.unwrap_or(""),
                })
            }
            _ => None,
        })
        .collect();
    let dependencies = pool.install(|| {
        crate::deps::lockfiles::check_files(
            &locks,
            &g.functions,
            &settings.advisories,
            settings.discover.max_file_size,
            &mut g.sources,
            &mut g.findings,
            &mut diagnostics,
        )
    });
    gather::redact(&mut g, &mut diagnostics);
    crate::finding::sort(&mut g.findings, &g.sources);
    gather::merge_repeats(&mut g.findings);

    // suppress: comments, `Metadata`, the baseline, `[rules]`.
    let rules = crate::registry::Registry::new(&engine)?.into_rules();
    // The compiled policies are let go on a thread of their own: freeing
    // every module's syntax tree is several milliseconds of an empty scan's
    // few tens (ADR 0047), and nothing waits for it.
    drop_aside(engine);
    let known = rules.iter().map(|r| r.meta.id.clone()).collect();
    let disabled: std::collections::BTreeSet<String> = rules
        .iter()
        .filter(|r| !settings.rules.enabled(&r.meta.id, &r.meta.area))
        .map(|r| r.meta.id.clone())
        .collect();
    let applied = suppress::apply(
        g.findings,
        &g.declared,
        &known,
        &g.sources,
        &suppress::Options {
            allow_in_source: settings.allow_inline_suppressions,
            today: &settings.today,
            baseline: settings.baseline.as_deref(),
            disabled: Some(&disabled),
        },
    );
    diagnostics.extend(applied.diagnostics);
    let mut suppressed = applied.suppressed;
    let mut excepted = g.excepted;
    for s in &mut excepted {
        s.finding.message = g.redactor.redact(&s.finding.message);
    }
    excepted.sort_by(|a, b| {
        (a.finding.span, &a.finding.rule_id, &a.finding.message).cmp(&(
            b.finding.span,
            &b.finding.rule_id,
            &b.finding.message,
        ))
    });
    excepted.dedup();
    suppressed.extend(excepted);
    let (rules, findings, suppressed) =
        gather::select(&settings.rules, rules, applied.findings, suppressed);
    let mut undecided = g.undecided;
    crate::undecided::sort(&mut undecided, &g.sources);
    for u in &mut undecided {
        u.reason = g.redactor.redact(&u.reason);
    }
    Ok(Outcome {
        sources: g.sources,
        findings,
        suppressed,
        baseline: applied.baseline,
        diagnostics,
        rules,
        redactor: g.redactor,
        stats: g.stats,
        scope: g.scope,
        settings: settings.clone(),
        dependencies,
        profile,
        pr: None,
        undecided,
        show_unknown: false,
    })
}
