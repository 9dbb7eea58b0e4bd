//! Evaluate stage: policies compiled once into a regorus engine, cloned per
//! worker thread, evaluated against each unit's model.
//!
//! All rule packages are evaluated in one query through a generated
//! aggregate module (one interpreter pass per input instead of one per
//! rule); when that fails, rules are evaluated one by one so the error names
//! the policy that caused it.

use std::collections::BTreeMap;

mod calls;
pub(crate) mod files;
mod lean;
mod reads;
pub(crate) mod results;
pub mod rvm;

pub use rvm::RvmComparison;

pub use files::{load_policy_files, EngineError, PolicyFile, PolicyPathError};
pub use results::{Loc, RawResult};

use crate::rule::{self, Metadata, Rule};
use calls::check_calls;
use reads::input_reads;
use results::{collect_results, collect_undecided};

/// The compiled policy set.
#[derive(Clone)]
pub struct Engine {
    engine: regorus::Engine,
    rules: Vec<Rule>,
    /// conftest-style policies (`package main`), evaluated against the raw
    /// document; their rules are in `rules` too.
    conftest: Option<crate::conftest::Conftest>,
    /// For each model rule (by index into `rules`): the input collections it
    /// reads, when that is statically clear. A rule whose collections are all
    /// empty in a unit cannot produce a result there and is not evaluated.
    needs: Vec<(usize, Option<Vec<String>>)>,
    /// Whether rules with nothing to read are skipped (on by default).
    skip_empty: bool,
    /// Rules turned off by the configuration (by index into `rules`): never
    /// evaluated, since their findings would only be dropped.
    disabled: Vec<bool>,
    /// Rules stopped by the per-rule time limit in the last [`Engine::eval`]
    /// (index into `rules`), for the caller to report.
    timed_out: Vec<usize>,
    /// Rules whose evaluation failed in the last [`Engine::eval`] (index into
    /// `rules`, and the error naming the policy file): their results on that
    /// unit are missing, the other rules' are kept.
    failed: Vec<(usize, EngineError)>,
    /// The per-rule time limit, if any (`--rule-timeout`).
    rule_timeout: Option<std::time::Duration>,
    /// The per-unit time limit, if any (`--file-timeout`), and when the
    /// current unit's time runs out ([`Engine::begin_unit`]).
    file_timeout: Option<std::time::Duration>,
    deadline: Option<std::time::Instant>,
    /// What the per-unit limit stopped in the last [`Engine::eval`].
    file_stopped: Option<FileStopped>,
    /// `--profile`: each rule's evaluation time since the last
    /// [`Engine::take_timings`] (rule index, time), else `None`.
    timings: Option<Vec<(usize, std::time::Duration)>>,
    /// Rules (by index into `rules`) that define `undecided`: the checks
    /// they could not decide on an unknown value ([`Engine::take_undecided`]).
    with_undecided: Vec<bool>,
    /// `undecided` results of the last [`Engine::eval`]; `message` holds
    /// the reason.
    undecided: Vec<RawResult>,
    /// The rules evaluated on regorus' compiled mode (ADR 0050), if any.
    rvm: Option<rvm::Rvm>,
    /// Whether [`Engine::eval`] uses `rvm` (on by default).
    rvm_on: bool,
    /// The data document, for compiling the RVM program.
    data: regorus::Value,
    /// Policy files of rules on the RVM the interpreter was not given.
    deferred: lean::Deferred,
}

const AGGREGATE: &str = "data.faasguard.__aggregate.results";
const METADATA: &str = "data.faasguard.__metadata.metadata";
/// A constant rule: evaluating it resets the interpreter's state.
const IDLE: &str = "data.faasguard.__idle.idle";

impl Engine {
    /// Load policies and data, check every rule's metadata, and run every rule
    /// once on an empty model so that a missing builtin or a runtime error
    /// fails here, naming the policy file, rather than in the middle of a scan.
    pub fn new(policies: &[PolicyFile], data: serde_json::Value) -> Result<Engine, EngineError> {
        Engine::with_namespaces(
            policies,
            data,
            &[crate::conftest::DEFAULT_NAMESPACE.to_string()],
            &crate::conftest::Options::default(),
        )
    }

    /// [`Engine::new`], with the packages that hold conftest-style policies
    /// (`--namespace`; `main` by default).
    pub fn with_namespaces(
        policies: &[PolicyFile],
        data: serde_json::Value,
        namespaces: &[String],
        conftest: &crate::conftest::Options,
    ) -> Result<Engine, EngineError> {
        let (conftest_files, policies, shared) = crate::conftest::split(policies, namespaces);
        let conftest_files: Vec<&PolicyFile> = conftest_files.into_iter().chain(shared).collect();
        let policies: Vec<PolicyFile> = policies.into_iter().cloned().collect();
        let policies = policies.as_slice();
        // Built-in policies are checked by the test suite; users' are
        // checked here, every load.
        let users: Vec<PolicyFile> = policies.iter().filter(|p| !p.builtin).cloned().collect();
        if !users.is_empty() {
            check_calls(policies)?;
        }
        let mut engine = regorus::Engine::new();
        engine.set_strict_builtin_errors(false);
        // conftest's functions (and OPA's deprecated built-ins) serve
        // users' faasguard rules too: the load check accepts the calls.
        if !users.is_empty() {
            let refs: Vec<&PolicyFile> = users.iter().collect();
            crate::conftest::builtins::register(
                &mut engine,
                std::sync::Arc::new(crate::conftest::builtins::Access::new(
                    &refs,
                    &conftest.roots,
                )),
            )?;
        }
        let mut packages: Vec<(String, &PolicyFile)> = Vec::new();
        // Without user policies, the rules on the RVM are not given to the
        // interpreter (ADR 0053): `lean` has their metadata.
        let lean = if users.is_empty() {
            lean::Lean::load().ok()
        } else {
            None
        };
        let mut deferred: Vec<(String, &PolicyFile)> = Vec::new();
        // Every file is read before giving up, so each bad one is named.
        let mut bad: Vec<String> = Vec::new();
        for p in policies {
            if let Some(row) = lean.as_ref().and_then(|l| l.row_of(&p.text)) {
                deferred.push((row.package.clone(), p));
                continue;
            }
            match engine.add_policy(p.path.clone(), p.text.clone()) {
                Ok(pkg) => packages.push((pkg, p)),
                Err(e) => bad.push(e.to_string()),
            }
        }
        match bad.len() {
            0 => {}
            1 => return Err(EngineError::Policy(bad.remove(0))),
            _ => {
                // regorus' messages open with a line break; one blank line
                // between them is enough.
                let each = bad.iter().map(|m| m.trim().to_owned()).collect();
                return Err(EngineError::Policies(each));
            }
        }
        let data = regorus::Value::from_json_str(&data.to_string())
            .map_err(|e| EngineError::Policy(format!("rule data: {e}")))?;
        engine
            .add_data(data.clone())
            .map_err(|e| EngineError::Policy(format!("rule data: {e}")))?;

        // One generated module maps every rule package to its metadata and
        // to its results, so the interpreter prepares the policies once and
        // a unit is evaluated in one query.
        // A package may span files; the first file names the rule.
        let mut rule_packages: Vec<&(String, &PolicyFile)> = Vec::new();
        for entry in packages.iter().chain(&deferred) {
            if entry.0.starts_with("data.faasguard.rules.")
                && !rule_packages.iter().any(|(p, _)| *p == entry.0)
            {
                rule_packages.push(entry);
            }
        }
        // A reference to a rule that no module declares is an error for the
        // whole aggregate: check the declarations first, naming the file.
        let on_rvm_only = |pkg: &str| deferred.iter().any(|(p, _)| p == pkg);
        for (pkg, file) in rule_packages.iter().filter(|(p, _)| !on_rvm_only(p)) {
            for (name, what) in [("metadata", "`metadata`"), ("deny", "`deny` results")] {
                let declared = packages.iter().filter(|(p, _)| p == pkg).any(|(_, f)| {
                    engine
                        .has_declared_rule_rooted_at(&f.path, name)
                        .unwrap_or(false)
                });
                if !declared {
                    return Err(EngineError::Metadata {
                        path: file.path.clone(),
                        message: format!("a rule package ({pkg}) must define {what}"),
                    });
                }
            }
        }
        // Results and metadata live in separate packages: evaluating a rule
        // evaluates its whole package, and the metadata is only needed once.
        for (package, field, name) in [
            ("faasguard.__aggregate", "deny", "results"),
            ("faasguard.__metadata", "metadata", "metadata"),
        ] {
            let mut module = format!("package {package}\n\nimport rego.v1\n\n{name} := {{\n");
            for (pkg, _) in rule_packages.iter().filter(|(p, _)| !on_rvm_only(p)) {
                module.push_str(&format!("\t{pkg:?}: {pkg}.{field},\n"));
            }
            module.push_str("}\n");
            engine
                .add_policy(format!("<{package}>"), module)
                .map_err(|e| EngineError::Policy(e.to_string()))?;
        }

        engine
            .add_policy(
                "<faasguard.__idle>".to_string(),
                "package faasguard.__idle\n\nidle := true\n".to_string(),
            )
            .map_err(|e| EngineError::Policy(e.to_string()))?;

        // The rules of rvm::USABLE run on regorus' RVM, from the program
        // build.rs compiled from these same built-in policies (ADR 0050,
        // 0053). The RVM's answers are checked on the built-in policies
        // alone: a user's module could extend a built-in package or
        // library, so with any, every rule stays on the interpreter, as it
        // does when the program cannot be read (`tests/it/rvm.rs` fails
        // then: it checks each rule of USABLE runs on the RVM).
        let mut early_rvm = lean.as_ref().map(|l| {
            let to: Vec<rvm::ToCompile<'_>> = rule_packages
                .iter()
                .enumerate()
                .filter_map(|(i, (pkg, _))| {
                    let row = l.rows.get(pkg)?;
                    Some(rvm::ToCompile {
                        index: i,
                        package: pkg,
                        undecided: row.undecided,
                    })
                })
                .collect();
            rvm::Rvm::from_lean(l, &to, rule_packages.len(), &data)
        });

        let all_meta = engine
            .eval_rule(METADATA.to_string())
            .map_err(|e| EngineError::Policy(e.to_string()))?;
        let mut rules: Vec<Rule> = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (pkg, file) in &rule_packages {
            let row = lean.as_ref().and_then(|l| l.rows.get(pkg.as_str()));
            let meta = match (&all_meta, row) {
                (_, Some(row)) => regorus::Value::from_json_str(&row.metadata.to_string())
                    .map_err(|e| EngineError::Policy(e.to_string()))?,
                (regorus::Value::Object(o), None) => o
                    .get(&regorus::Value::from(pkg.as_str()))
                    .cloned()
                    .unwrap_or(regorus::Value::Undefined),
                // Undefined as a whole: some package has no metadata.
                (_, None) => engine
                    .eval_rule(format!("{pkg}.metadata"))
                    .map_err(|e| EngineError::Policy(e.to_string()))?,
            };
            if meta == regorus::Value::Undefined {
                return Err(EngineError::Metadata {
                    path: file.path.clone(),
                    message: "a rule package must define `metadata`".into(),
                });
            }
            let json = meta
                .to_json_str()
                .map_err(|e| EngineError::Policy(e.to_string()))?;
            let meta: Metadata =
                serde_json::from_str(&json).map_err(|e| EngineError::Metadata {
                    path: file.path.clone(),
                    message: format!("invalid metadata: {e}"),
                })?;
            let problems = rule::validate(&meta);
            if !problems.is_empty() {
                return Err(EngineError::Metadata {
                    path: file.path.clone(),
                    message: problems.join("; "),
                });
            }
            if let Some(first) = seen.insert(meta.id.clone(), file.path.clone()) {
                return Err(EngineError::DuplicateId {
                    id: meta.id,
                    first,
                    second: file.path.clone(),
                });
            }
            rules.push(Rule {
                meta,
                source: file.path.clone(),
                package: pkg.clone(),
                doc: rule::doc_block(&file.text),
                builtin: file.builtin,
            });
        }
        let conftest = if conftest_files.is_empty() {
            None
        } else {
            let owned: Vec<PolicyFile> = conftest_files.iter().map(|p| (*p).clone()).collect();
            check_calls(&owned)?;
            let (c, more) = crate::conftest::Conftest::new(&conftest_files, namespaces, conftest)?;
            for r in more {
                if let Some(first) = seen.insert(r.meta.id.clone(), r.source.clone()) {
                    return Err(EngineError::DuplicateId {
                        id: r.meta.id,
                        first,
                        second: r.source,
                    });
                }
                rules.push(r);
            }
            Some(c)
        };
        rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        if let Some(r) = early_rvm.as_mut() {
            r.renumber(rules.len(), |i| {
                let pkg = &rule_packages.get(i)?.0;
                rules.iter().position(|r| r.package == *pkg)
            });
        }

        // What each model rule reads of `input`, with the library packages it
        // uses (a library whose reads are unclear makes the rule always run).
        let texts: BTreeMap<&str, &str> = packages
            .iter()
            .chain(&deferred)
            .map(|(pkg, f)| (pkg.as_str(), f.text.as_str()))
            .collect();
        let needs = rules
            .iter()
            .enumerate()
            .filter(|(_, r)| rule_packages.iter().any(|(p, _)| *p == r.package))
            .map(|(i, r)| {
                // Only for built-in rules: their skipping is checked against
                // full evaluation on every fixture; users' rules always run.
                let text = texts.get(r.package.as_str()).copied().unwrap_or("");
                let reads = if r.builtin {
                    input_reads(text, &texts)
                } else {
                    None
                };
                (i, reads)
            })
            .collect();

        let with_undecided = rules
            .iter()
            .map(|r| {
                if let Some(row) = lean.as_ref().and_then(|l| l.rows.get(&r.package)) {
                    return row.undecided;
                }
                packages
                    .iter()
                    .filter(|(p, _)| *p == r.package)
                    .any(|(_, f)| {
                        engine
                            .has_declared_rule_rooted_at(&f.path, "undecided")
                            .unwrap_or(false)
                    })
            })
            .collect();
        let mut me = Engine {
            engine,
            rules,
            conftest,
            needs,
            with_undecided,
            undecided: Vec::new(),
            rvm: None,
            rvm_on: true,
            data,
            deferred: lean::Deferred::new(deferred.iter().map(|(_, f)| (*f).clone()).collect()),
            skip_empty: true,
            disabled: Vec::new(),
            timed_out: Vec::new(),
            failed: Vec::new(),
            rule_timeout: None,
            file_timeout: None,
            deadline: None,
            file_stopped: None,
            timings: None,
        };
        if !users.is_empty() {
            me.check_runs()?;
        } else {
            me.rvm = early_rvm;
        }
        Ok(me)
    }

    /// Evaluate every rule once against an empty model (one query; rule by
    /// rule only when it fails, to name the policy).
    fn check_runs(&mut self) -> Result<(), EngineError> {
        let empty = crate::model::Model::new(
            crate::model::Format::CloudFormation,
            crate::source::FileId(0),
        )
        .to_input("");
        let mut ev = self.clone();
        // The aggregate holds only what the interpreter was given first.
        let all_in_aggregate = ev.deferred.is_empty();
        ev.load_deferred();
        ev.engine.set_input(empty.clone());
        if all_in_aggregate && ev.engine.eval_rule(AGGREGATE.to_string()).is_ok() {
            return Ok(());
        }
        for i in 0..ev.rules.len() {
            ev.eval_one(i, empty.clone()).map_err(|e| match e {
                EngineError::Policy(m) if !m.contains(&ev.rules[i].source) => {
                    EngineError::Policy(format!("{}: {m}", ev.rules[i].source))
                }
                other => other,
            })?;
        }
        Ok(())
    }

    /// Run the load-time checks that [`Engine::new`] skips for built-in
    /// policies (the test suite calls this).
    pub fn check(policies: &[PolicyFile]) -> Result<(), EngineError> {
        check_calls(policies)
    }

    /// Evaluate every rule once against an empty model.
    pub fn dry_run(&mut self) -> Result<(), EngineError> {
        self.check_runs()
    }

    /// Turn off skipping rules whose input collections are empty (to check
    /// that skipping changes nothing).
    pub fn set_skip_empty(&mut self, skip: bool) {
        self.skip_empty = skip;
    }

    /// Stop evaluating the rules `off` says are turned off (`[rules]` of the
    /// configuration, areas included); [`Engine::rules`] still lists them.
    pub fn disable(&mut self, off: impl Fn(&Rule) -> bool) {
        self.disabled = self.rules.iter().map(off).collect();
    }

    /// Stop any one rule's evaluation on one unit after `limit` (regorus
    /// checks its clock as it works, so a rule that loops or joins too much is
    /// cut off instead of holding the scan).
    pub fn set_rule_timeout(&mut self, limit: Option<std::time::Duration>) {
        self.rule_timeout = limit;
        self.set_timer(limit);
    }

    /// Arm (or, with `None`, disarm) regorus' execution clock for the next
    /// `eval_rule` calls.
    fn set_timer(&mut self, limit: Option<std::time::Duration>) {
        let config = limit.map(|limit| regorus::utils::limits::ExecutionTimerConfig {
            limit,
            // A clock read every 256 steps: cheap, and a few
            // microseconds late at most.
            check_interval: std::num::NonZeroU32::new(256).unwrap_or(std::num::NonZeroU32::MIN),
        });
        match config {
            Some(c) => self.engine.set_execution_timer_config(c),
            None => self.engine.clear_execution_timer_config(),
        }
        // The RVM's clock counts instructions the same way.
        if let Some(rvm) = self.rvm.as_mut() {
            rvm.set_timer(config);
        }
    }

    /// Bound the time one unit may take, parse and adapt included (see
    /// [`Engine::begin_unit`]); `None`: no bound.
    pub fn set_file_timeout(&mut self, limit: Option<std::time::Duration>) {
        self.file_timeout = limit;
        self.deadline = None;
    }

    /// The per-unit time limit set with [`Engine::set_file_timeout`].
    pub fn file_timeout(&self) -> Option<std::time::Duration> {
        self.file_timeout
    }

    /// A unit starts now: its parse, adapt and evaluation share one
    /// [`Engine::set_file_timeout`] budget. Parsing and adapting check it in
    /// their loops through [`crate::deadline`] (set from
    /// [`Engine::deadline`]); evaluation checks it before each rule, and the
    /// running rule is cut off when it runs out.
    pub fn begin_unit(&mut self) {
        self.deadline = self.file_timeout.map(|t| std::time::Instant::now() + t);
    }

    /// When the current unit's time runs out ([`Engine::begin_unit`]), if
    /// it is bounded.
    pub fn deadline(&self) -> Option<std::time::Instant> {
        self.deadline
    }

    /// Whether the current unit has used up its time (before evaluation:
    /// parse and adapt took it all).
    pub fn unit_expired(&self) -> bool {
        self.deadline
            .is_some_and(|d| std::time::Instant::now() >= d)
    }

    /// What the per-unit limit stopped in the last [`Engine::eval`], if it
    /// ran out there.
    pub fn take_file_stopped(&mut self) -> Option<FileStopped> {
        self.file_stopped.take()
    }

    /// The regorus clock for the next rule: the per-rule limit, shortened
    /// to what is left of the unit's time. `Some(true)` when the unit's
    /// limit is the shorter one (a rule stopped then was stopped by it).
    fn arm_timer(&mut self) -> Option<bool> {
        let left = self
            .deadline
            .map(|d| d.saturating_duration_since(std::time::Instant::now()));
        let (limit, by_unit) = match (self.rule_timeout, left) {
            (Some(r), Some(l)) if l < r => (l, true),
            (Some(r), _) => (r, false),
            (None, Some(l)) => (l, true),
            (None, None) => {
                self.set_timer(None);
                return None;
            }
        };
        self.set_timer(Some(limit));
        Some(by_unit)
    }

    /// Record each rule's evaluation time (`--profile`).
    pub fn set_profile(&mut self, on: bool) {
        self.timings = on.then(Vec::new);
    }

    /// The rule times recorded since the last call (empty unless profiling).
    pub fn take_timings(&mut self) -> Vec<(usize, std::time::Duration)> {
        self.timings
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// The per-rule time limit set with [`Engine::set_rule_timeout`].
    pub fn rule_timeout(&self) -> Option<std::time::Duration> {
        self.rule_timeout
    }

    /// The rules the time limit stopped in the last [`Engine::eval`] (indexes
    /// into [`Engine::rules`]); their results on that unit are missing.
    pub fn take_timed_out(&mut self) -> Vec<usize> {
        std::mem::take(&mut self.timed_out)
    }

    /// The rules whose evaluation failed in the last [`Engine::eval`], with
    /// the error; their results on that unit are missing.
    pub fn take_failed(&mut self) -> Vec<(usize, EngineError)> {
        std::mem::take(&mut self.failed)
    }

    /// Whether [`Engine::disable`] turned off the rule at this index.
    pub fn is_disabled(&self, rule: usize) -> bool {
        self.disabled.get(rule).copied().unwrap_or(false)
    }

    /// Evaluate one rule (for profiling and error isolation).
    pub fn eval_single(
        &mut self,
        rule: usize,
        input: regorus::Value,
    ) -> Result<Vec<RawResult>, EngineError> {
        self.eval_one(rule, input)
    }

    /// The rules of the loaded policies, in load order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether conftest-style policies are loaded (they need the raw document).
    pub fn has_conftest(&self) -> bool {
        self.conftest.is_some()
    }

    /// Evaluate the conftest-style policies against one raw document.
    pub fn eval_raw(&mut self, doc: &serde_json::Value) -> Result<Vec<RawResult>, EngineError> {
        let Some(c) = self.conftest.as_mut() else {
            return Ok(Vec::new());
        };
        let rules = &self.rules;
        let disabled = &self.disabled;
        // A disabled conftest rule has no index: conftest skips it.
        c.eval(doc, &|id: &str| {
            rules
                .iter()
                .position(|r| r.meta.id == id)
                .filter(|i| !disabled.get(*i).copied().unwrap_or(false))
        })
    }

    /// Evaluate every rule against one input.
    pub fn eval(&mut self, input: regorus::Value) -> Result<Vec<RawResult>, EngineError> {
        let wanted = self.wanted(&input);
        // Rules on the RVM, each with its entry points; the RVM gets the
        // input only when one of them runs.
        let mut rvm = if self.rvm_on { self.rvm.take() } else { None };
        let mut on_rvm = false;
        if let Some(r) = rvm.as_mut() {
            on_rvm = wanted.iter().any(|i| r.entry(*i).is_some());
            if !on_rvm || r.set_input(input.clone()).is_err() {
                // Not needed, or its machine cannot start: the interpreter
                // evaluates every rule.
                self.rvm = rvm.take();
            }
        }
        // The rules held back from the interpreter are given to it only when
        // it must answer for one of them: the RVM is off or absent, or its
        // machine did not start for a unit that has rules on it. A unit
        // whose rules are all the interpreter's own needs none of them
        // (loading them all costs more than the scan of most units).
        if rvm.is_none() && (on_rvm || !self.rvm_on || self.rvm.is_none()) {
            self.load_deferred();
        }
        self.engine.set_input(input);
        let mut out = Vec::new();
        self.timed_out.clear();
        self.failed.clear();
        self.file_stopped = None;
        // Only this evaluation's: a caller that stopped on an error never
        // took the last ones.
        self.undecided.clear();
        for (n, &i) in wanted.iter().enumerate() {
            // The unit's time is checked between rules: once it is out, the
            // rest are not started.
            if self.deadline.is_some() && self.unit_expired() {
                self.file_stopped = Some(FileStopped {
                    cut: None,
                    not_run: wanted[n..].to_vec(),
                });
                break;
            }
            // With no unit limit the rule limit set once stays armed.
            let by_unit = if self.file_timeout.is_some() {
                self.arm_timer()
            } else {
                None
            };
            let pkg = &self.rules[i].package;
            let started = std::time::Instant::now();
            let entry = rvm.as_ref().and_then(|r| r.entry(i));
            let (result, on_rvm) = match (rvm.as_mut(), entry) {
                (Some(r), Some(entry)) => match r.run(entry.deny) {
                    Ok(v) => (Ok(v), true),
                    Err(e) if is_time_limit(&e) => (Err(e), true),
                    // Any other error of the RVM's own: the interpreter
                    // answers for this rule on this unit.
                    Err(_) => {
                        self.deferred.load_into(&mut self.engine);
                        (
                            self.engine
                                .eval_rule(format!("{pkg}.deny"))
                                .map_err(|e| e.to_string()),
                            false,
                        )
                    }
                },
                _ => (
                    self.engine
                        .eval_rule(format!("{pkg}.deny"))
                        .map_err(|e| e.to_string()),
                    false,
                ),
            };
            if let Some(t) = self.timings.as_mut() {
                t.push((i, started.elapsed()));
            }
            let v = match result {
                Ok(v) => v,
                // Cut off by the unit's limit, not its own: the rules after
                // it are not started either.
                Err(e) if by_unit == Some(true) && is_time_limit(&e) => {
                    self.file_stopped = Some(FileStopped {
                        cut: Some(i),
                        not_run: wanted[n + 1..].to_vec(),
                    });
                    break;
                }
                // A rule cut off by the time limit loses its results on this
                // unit only; the other rules still run.
                Err(e) if self.rule_timeout.is_some() && is_time_limit(&e) => {
                    self.timed_out.push(i);
                    continue;
                }
                // One rule's runtime error (a built-in on a value of an
                // unexpected shape, a custom policy's bug) loses that rule's
                // results on this unit, not every rule's.
                Err(e) => {
                    let error = EngineError::Policy(format!("{}: {e}", self.rules[i].source));
                    self.failed.push((i, error));
                    continue;
                }
            };
            collect_results(i, &v, &mut out);
            if self.with_undecided.get(i).copied().unwrap_or(false) {
                // Same input, same package: cheap next to `deny`. An error
                // here loses only the list of undecided checks.
                let on = entry
                    .and_then(|e| e.undecided)
                    .filter(|_| on_rvm)
                    .zip(rvm.as_mut());
                let v = match on {
                    Some((at, r)) => r.run(at).map_err(|e| e.to_string()),
                    None => self
                        .engine
                        .eval_rule(format!("{pkg}.undecided"))
                        .map_err(|e| e.to_string()),
                };
                if let Ok(v) = v {
                    collect_undecided(i, &v, &mut self.undecided);
                }
            }
        }
        if let Some(mut r) = rvm {
            r.release();
            self.rvm = Some(r);
        }
        self.release();
        Ok(out)
    }

    /// Let go of the last unit: its input and what the interpreter computed
    /// from it (rule values, the data document with them, built-in caches)
    /// stay in the engine until its next evaluation otherwise, so each
    /// worker would hold a copy of its last unit to the end of the scan.
    fn release(&mut self) {
        self.engine.set_input(regorus::Value::Undefined);
        // Any evaluation starts by clearing that state; this one is a
        // constant.
        let _ = self.engine.eval_rule(IDLE.to_string());
    }

    /// Give the interpreter the rules it was not given because the RVM
    /// answers for them (ADR 0053): it has to answer for one after all.
    fn load_deferred(&mut self) {
        self.deferred.load_into(&mut self.engine);
    }

    /// The `undecided` results of the last [`Engine::eval`]: which rule could
    /// not decide on which value, and why (`message` is the reason).
    pub fn take_undecided(&mut self) -> Vec<RawResult> {
        std::mem::take(&mut self.undecided)
    }

    fn eval_one(&mut self, i: usize, input: regorus::Value) -> Result<Vec<RawResult>, EngineError> {
        self.load_deferred();
        self.engine.set_input(input);
        let pkg = self.rules[i].package.clone();
        let v = self
            .engine
            .eval_rule(format!("{pkg}.deny"))
            .map_err(|e| EngineError::Policy(format!("{}: {e}", self.rules[i].source)))?;
        let mut out = Vec::new();
        collect_results(i, &v, &mut out);
        Ok(out)
    }
}

/// How the per-unit time limit ([`Engine::set_file_timeout`]) ended an
/// evaluation (rule indexes into [`Engine::rules`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileStopped {
    /// The rule running when the time ran out, if one was.
    pub cut: Option<usize>,
    /// The rules not started.
    pub not_run: Vec<usize>,
}

/// Whether an evaluation error is regorus' execution time limit (its
/// `LimitError::TimeLimitExceeded`, which reaches us only as a message).
fn is_time_limit(e: &impl std::fmt::Display) -> bool {
    e.to_string().contains("exceeded time limit")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(path: &str, text: &str) -> PolicyFile {
        PolicyFile {
            path: path.into(),
            text: text.into(),
            builtin: false,
        }
    }

    const GOOD: &str = r#"# Doc
package faasguard.rules.tmo.too_long

import rego.v1

metadata := {"id": "FG-TMO-901", "title": "t", "severity": "low", "area": "TMO", "remediation": "r"}

deny contains {"resource": f.id, "path": "timeout", "message": "too long"} if {
	some f in input.functions
	f.timeout > 900
}
"#;

    #[test]
    fn evaluates_rules() {
        let mut e = Engine::new(&[policy("p.rego", GOOD)], serde_json::json!({})).unwrap();
        assert_eq!(e.rules().len(), 1);
        assert_eq!(e.rules()[0].doc, "Doc");
        let input = regorus::Value::from_json_str(
            r#"{"functions": [{"id": "A", "timeout": 901}, {"id": "B", "timeout": 3}]}"#,
        )
        .unwrap();
        let r = e.eval(input).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].resource.as_deref(), Some("A"));
        assert_eq!(r[0].path.as_deref(), Some("timeout"));
    }

    #[test]
    fn syntax_errors_name_the_file_and_line() {
        let bad =
            "package faasguard.rules.x.y\n\nimport rego.v1\n\ndeny contains x if {\n  x := \n}\n";
        let err = Engine::new(&[policy("bad.rego", bad)], serde_json::json!({}))
            .err()
            .expect("fails")
            .to_string();
        assert!(err.contains("bad.rego:"), "{err}");
    }

    #[test]
    fn every_bad_policy_file_is_named_at_once() {
        let one =
            "package faasguard.rules.x.one\n\nimport rego.v1\n\ndeny contains x if {\n  x := \n}\n";
        let two = "package faasguard.rules.x.two\nallow {{\n";
        let err = Engine::new(
            &[
                policy("one.rego", one),
                policy("fine.rego", GOOD),
                policy("two.rego", two),
            ],
            serde_json::json!({}),
        )
        .err()
        .expect("fails")
        .to_string();
        assert!(err.starts_with("2 policy files do not parse:"), "{err}");
        assert!(err.contains("one.rego:"), "{err}");
        assert!(err.contains("two.rego:2:"), "{err}");
        assert!(!err.contains("fine.rego"), "{err}");
    }

    #[test]
    fn missing_builtins_fail_at_load() {
        let bad = GOOD.replace("f.timeout > 900", "no_such_builtin(f.timeout)");
        let err = Engine::new(&[policy("nb.rego", &bad)], serde_json::json!({}))
            .err()
            .expect("fails")
            .to_string();
        assert!(err.contains("nb.rego:10:"), "{err}");
        assert!(err.contains("no_such_builtin"), "{err}");
    }

    #[test]
    fn a_rule_without_metadata_is_named() {
        let bare =
            "package faasguard.rules.x.bare\n\nimport rego.v1\n\ndeny contains \"m\" if false\n";
        let err = Engine::new(
            &[policy("good.rego", GOOD), policy("bare.rego", bare)],
            serde_json::json!({}),
        )
        .err()
        .expect("fails")
        .to_string();
        assert!(
            err.contains("bare.rego") && err.contains("metadata"),
            "{err}"
        );
    }

    #[test]
    fn duplicate_ids_are_rejected() {
        let other = GOOD.replace("tmo.too_long", "tmo.other");
        let err = Engine::new(
            &[policy("a.rego", GOOD), policy("b.rego", &other)],
            serde_json::json!({}),
        )
        .err()
        .expect("fails");
        assert!(matches!(err, EngineError::DuplicateId { .. }), "{err}");
    }

    #[test]
    fn bad_metadata_is_rejected() {
        let bad = GOOD.replace("\"FG-TMO-901\"", "\"TMO1\"");
        let err = Engine::new(&[policy("m.rego", &bad)], serde_json::json!({}))
            .err()
            .expect("fails")
            .to_string();
        assert!(
            err.contains("m.rego") && err.contains("FG-<AREA>-<NNN>"),
            "{err}"
        );
    }
}
