//! regorus' compiled mode (its RVM) for the built-in rules where it gives
//! the interpreter's answers (ADR 0050).
//!
//! The rules of [`USABLE`] are compiled once, with the policies, into one
//! RVM program with an entry point for each one's `deny` (and `undecided`);
//! the program is shared by every clone of the engine, and each clone (one
//! per worker) runs it on a virtual machine of its own, made on first use.
//! `tests/rvm.rs` checks, on every rule fixture and corpus file, that each
//! rule of [`USABLE`] answers on the RVM as on the interpreter.

use std::sync::Arc;

use regorus::languages::rego::compiler::Compiler;
use regorus::rvm::program::Program;
use regorus::rvm::vm::RegoVM;
use regorus::utils::limits::ExecutionTimerConfig;

/// Built-in rule packages evaluated on the RVM: each compiles, and its
/// `deny` and `undecided` equal the interpreter's on every rule fixture and
/// on `../shared/corpus/labelled` and `real` (ADR 0050 says why the others
/// are not here; `tests/it/rvm.rs` checks these). `build.rs` reads the same
/// list to compile them into the program embedded in the binary (ADR 0053).
pub const USABLE: &[&str] = include!("rvm_usable.in");

/// The constant rule whose evaluation resets a virtual machine's state
/// (as for the interpreter, see `Engine::release`).
const IDLE: &str = "data.faasguard.__idle.idle";

/// A rule's entry points in the program.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry {
    pub deny: usize,
    pub undecided: Option<usize>,
}

/// The compiled program and, per engine clone, its virtual machine.
pub(crate) struct Rvm {
    program: Arc<Program>,
    data: regorus::Value,
    /// By rule index (into `Engine::rules`): its entry points, for rules
    /// evaluated on the RVM.
    entries: Vec<Option<Entry>>,
    idle: Option<usize>,
    timer: Option<ExecutionTimerConfig>,
    /// This clone's machine (`None` until first used; a clone starts
    /// without one).
    vm: Option<Box<RegoVM>>,
}

impl Clone for Rvm {
    fn clone(&self) -> Self {
        Rvm {
            program: Arc::clone(&self.program),
            data: self.data.clone(),
            entries: self.entries.clone(),
            idle: self.idle,
            timer: self.timer,
            vm: None,
        }
    }
}

/// What a rule to compile is: its index, package, and whether it defines
/// `undecided`.
pub(crate) struct ToCompile<'a> {
    pub index: usize,
    pub package: &'a str,
    pub undecided: bool,
}

impl Rvm {
    /// Compile `rules` into one program. Rules that do not compile are left
    /// out (with regorus' reason) and stay on the interpreter; `None` when
    /// none compiles.
    pub(crate) fn compile(
        engine: &regorus::Engine,
        rules: &[ToCompile<'_>],
        rule_count: usize,
        data: &regorus::Value,
    ) -> (Option<Rvm>, Vec<(String, String)>) {
        let mut failed = Vec::new();
        if rules.is_empty() {
            return (None, failed);
        }
        let names = |r: &ToCompile<'_>| {
            let mut v = vec![format!("{}.deny", r.package)];
            if r.undecided {
                v.push(format!("{}.undecided", r.package));
            }
            v
        };
        let program = |rules: &[&ToCompile<'_>]| -> Result<Arc<Program>, String> {
            let mut entries: Vec<String> = rules.iter().flat_map(|r| names(r)).collect();
            entries.push(IDLE.to_string());
            // On a copy, dropped here: compiling prepares the modules
            // apart from the interpreter's own preparation, so what it
            // builds is freed (on the engine itself it stays: 2 MB more
            // at the corpus's peak; ADR 0050).
            let mut engine = engine.clone();
            let policy = engine
                .compile_with_entrypoint(&regorus::Rc::from(entries[0].as_str()))
                .map_err(|e| format!("{e:#}"))?;
            let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
            Compiler::compile_from_policy(&policy, &refs).map_err(|e| e.to_string())
        };
        let all: Vec<&ToCompile<'_>> = rules.iter().collect();
        let (program, kept) = match program(&all) {
            Ok(p) => (p, all),
            // One rule's construct the compiler lacks fails the whole
            // program: find which, keep the others.
            Err(_) => {
                let mut kept = Vec::new();
                for r in &all {
                    match program(&[*r]) {
                        Ok(_) => kept.push(*r),
                        Err(e) => failed.push((r.package.to_string(), e)),
                    }
                }
                if kept.is_empty() {
                    return (None, failed);
                }
                match program(&kept) {
                    Ok(p) => (p, kept),
                    Err(e) => {
                        failed.extend(kept.iter().map(|r| (r.package.to_string(), e.clone())));
                        return (None, failed);
                    }
                }
            }
        };
        // The policies' text and each instruction's place in it serve
        // regorus' error messages only (about 0.8 MB): an RVM error sends
        // the rule to the interpreter, whose messages name the place.
        let mut program = program;
        if let Some(p) = Arc::get_mut(&mut program) {
            p.sources = Vec::new();
            p.instruction_spans = Vec::new();
        }
        let rvm = Rvm::with_program(program, &kept, rule_count, data);
        (Some(rvm), failed)
    }

    /// The program `build.rs` compiled from the built-in policies, with
    /// an entry for each of `rules` it holds.
    pub(crate) fn from_lean(
        lean: &super::lean::Lean,
        rules: &[ToCompile<'_>],
        rule_count: usize,
        data: &regorus::Value,
    ) -> Rvm {
        let rules: Vec<&ToCompile<'_>> = rules.iter().collect();
        Rvm::with_program(Arc::clone(&lean.program), &rules, rule_count, data)
    }

    /// The machine state of a program: which entry point answers each of
    /// `rules` (a rule the program lacks stays on the interpreter).
    fn with_program(
        program: Arc<Program>,
        rules: &[&ToCompile<'_>],
        rule_count: usize,
        data: &regorus::Value,
    ) -> Rvm {
        let at = |name: &str| program.entry_points.get_index_of(name);
        let mut entries = vec![None; rule_count];
        for r in rules {
            let Some(deny) = at(&format!("{}.deny", r.package)) else {
                continue;
            };
            let undecided = if r.undecided {
                match at(&format!("{}.undecided", r.package)) {
                    Some(u) => Some(u),
                    None => continue,
                }
            } else {
                None
            };
            if let Some(slot) = entries.get_mut(r.index) {
                *slot = Some(Entry { deny, undecided });
            }
        }
        let idle = at(IDLE);
        Rvm {
            program,
            data: data.clone(),
            entries,
            idle,
            timer: None,
            vm: None,
        }
    }

    /// Renumber the rules: `to(i)` is the new index of rule `i`.
    pub(crate) fn renumber(&mut self, rule_count: usize, to: impl Fn(usize) -> Option<usize>) {
        let mut entries = vec![None; rule_count];
        for (i, e) in self.entries.iter().enumerate() {
            if let (Some(e), Some(j)) = (e, to(i)) {
                if let Some(slot) = entries.get_mut(j) {
                    *slot = Some(*e);
                }
            }
        }
        self.entries = entries;
    }

    /// The entry points of the rule at this index, if it runs on the RVM.
    pub(crate) fn entry(&self, rule: usize) -> Option<Entry> {
        self.entries.get(rule).copied().flatten()
    }

    /// Stop rules on the RVM from running on (`None`: no stop), as the
    /// interpreter's clock does.
    pub(crate) fn set_timer(&mut self, timer: Option<ExecutionTimerConfig>) {
        self.timer = timer;
        if let Some(vm) = self.vm.as_mut() {
            vm.set_execution_timer_config(timer);
        }
    }

    fn vm(&mut self) -> Result<&mut RegoVM, String> {
        if self.vm.is_none() {
            let mut vm = Box::new(RegoVM::new());
            vm.load_program(Arc::clone(&self.program));
            vm.set_data(self.data.clone()).map_err(|e| e.to_string())?;
            // As the interpreter: a built-in given a value of the wrong
            // type is undefined, not an error.
            vm.set_strict_builtin_errors(false);
            // The interpreter has no step limit; time limits are the
            // user's (`--rule-timeout`, `--file-timeout`).
            vm.set_max_instructions(usize::MAX);
            vm.set_execution_timer_config(self.timer);
            self.vm = Some(vm);
        }
        self.vm
            .as_deref_mut()
            .ok_or_else(|| "no virtual machine".to_string())
    }

    /// Set the input of the next [`Rvm::run`] calls.
    pub(crate) fn set_input(&mut self, input: regorus::Value) -> Result<(), String> {
        self.vm()?.set_input(input);
        Ok(())
    }

    /// Run one entry point on the current input.
    pub(crate) fn run(&mut self, entry: usize) -> Result<regorus::Value, String> {
        self.vm()?
            .execute_entry_point_by_index(entry)
            .map_err(|e| e.to_string())
    }

    /// Let go of the last input and of what was computed from it.
    pub(crate) fn release(&mut self) {
        let idle = self.idle;
        if let Some(vm) = self.vm.as_deref_mut() {
            vm.set_input(regorus::Value::Undefined);
            if let Some(idle) = idle {
                let _ = vm.execute_entry_point_by_index(idle);
            }
        }
    }
}

impl super::Engine {
    /// Evaluate the rules of these packages (built-in ones, by package name
    /// without `data.`-prefix or with it) on regorus' compiled mode, the
    /// others on the interpreter. Returns the packages that did not
    /// compile, with the reason; they stay on the interpreter.
    pub fn use_rvm(&mut self, packages: &[&str]) -> Vec<(String, String)> {
        // Compiled from the interpreter's modules: it needs them all.
        self.deferred.load_into(&mut self.engine);
        let wanted = |pkg: &str| {
            let short = pkg.strip_prefix("data.").unwrap_or(pkg);
            packages
                .iter()
                .any(|p| *p == pkg || *p == short || p.strip_prefix("data.") == Some(short))
        };
        let rules: Vec<ToCompile<'_>> = self
            .rules
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                r.builtin && wanted(&r.package) && self.needs.iter().any(|(n, _)| n == i)
            })
            .map(|(i, r)| ToCompile {
                index: i,
                package: &r.package,
                undecided: self.with_undecided.get(i).copied().unwrap_or(false),
            })
            .collect();
        let (rvm, failed) = Rvm::compile(&self.engine, &rules, self.rules.len(), &self.data);
        self.rvm = rvm;
        failed
    }

    /// Turn the RVM off (every rule on the interpreter) or back on.
    pub fn set_rvm(&mut self, on: bool) {
        self.rvm_on = on;
    }

    /// The rules (indexes into [`Engine::rules`]) evaluated on the RVM.
    pub fn rvm_rules(&self) -> Vec<usize> {
        match (&self.rvm, self.rvm_on) {
            (Some(r), true) => (0..self.rules.len())
                .filter(|i| r.entry(*i).is_some())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Evaluate every rule that runs on the RVM with both evaluators on
    /// one input: their `deny` and `undecided` answers, and each one's
    /// time (for `tests/rvm.rs`).
    pub fn rvm_compare(&mut self, input: regorus::Value) -> Vec<RvmComparison> {
        self.deferred.load_into(&mut self.engine);
        let mut out = Vec::new();
        let Some(mut rvm) = self.rvm.take() else {
            return out;
        };
        if let Err(e) = rvm.set_input(input.clone()) {
            out.push(RvmComparison {
                rule: usize::MAX,
                mismatch: Some(e),
                interpreter: std::time::Duration::ZERO,
                rvm: std::time::Duration::ZERO,
            });
            self.rvm = Some(rvm);
            return out;
        }
        self.engine.set_input(input);
        for i in 0..self.rules.len() {
            let Some(entry) = rvm.entry(i) else {
                continue;
            };
            let pkg = self.rules[i].package.clone();
            let mut mismatch = Vec::new();
            let (mut ti, mut tr) = (std::time::Duration::ZERO, std::time::Duration::ZERO);
            let mut pairs = vec![("deny", entry.deny)];
            if let Some(u) = entry.undecided {
                pairs.push(("undecided", u));
            }
            for (name, at) in pairs {
                let t = std::time::Instant::now();
                let want = self.engine.eval_rule(format!("{pkg}.{name}"));
                ti += t.elapsed();
                let t = std::time::Instant::now();
                let got = rvm.run(at);
                tr += t.elapsed();
                // An empty set and undefined mean the same: nothing.
                let empty = |v: &regorus::Value| {
                    *v == regorus::Value::Undefined || v.as_set().is_ok_and(|s| s.is_empty())
                };
                match (want, got) {
                    (Ok(w), Ok(g)) if w == g || (empty(&w) && empty(&g)) => {}
                    (Ok(w), Ok(g)) => mismatch.push(format!("{name}: interpreter {w} / rvm {g}")),
                    (Ok(_), Err(e)) => mismatch.push(format!("{name}: rvm error {e}")),
                    (Err(e), Ok(_)) => mismatch.push(format!("{name}: interpreter error {e}")),
                    (Err(_), Err(_)) => {}
                }
            }
            out.push(RvmComparison {
                rule: i,
                mismatch: (!mismatch.is_empty()).then(|| mismatch.join("; ")),
                interpreter: ti,
                rvm: tr,
            });
        }
        rvm.release();
        self.rvm = Some(rvm);
        self.release();
        out
    }
}

/// One rule's answers on one input by both evaluators
/// ([`Engine::rvm_compare`]).
#[derive(Clone, Debug)]
pub struct RvmComparison {
    /// Index into [`Engine::rules`].
    pub rule: usize,
    /// How the answers differ, if they do.
    pub mismatch: Option<String>,
    /// Time the interpreter took.
    pub interpreter: std::time::Duration,
    /// Time the RVM took.
    pub rvm: std::time::Duration,
}
