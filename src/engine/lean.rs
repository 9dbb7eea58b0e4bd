//! What the interpreter is not given (ADR 0053): without user policies, the
//! built-in rules that run on the RVM program `build.rs` compiled are not
//! parsed and analysed by the interpreter at start (that was most of a scan's
//! start-up). Their metadata, and whether they define `undecided`, come from
//! the table `build.rs` wrote beside the program. Their policy files are kept
//! aside ([`Deferred`]) and given to the interpreter only if it has to answer
//! for one of them after all (an RVM error on a unit, the RVM turned off, the
//! tests comparing both evaluators).

use std::collections::BTreeMap;
use std::sync::Arc;

use regorus::rvm::program::{DeserializationResult, Program};

use super::PolicyFile;

/// One row of the table: a rule package on the RVM.
#[derive(Clone, Debug, serde::Deserialize)]
pub(crate) struct Row {
    /// `data.faasguard.rules...`.
    pub package: String,
    pub undecided: bool,
    pub metadata: serde_json::Value,
}

/// The embedded program and its table, read once per engine load.
pub(crate) struct Lean {
    pub program: Arc<Program>,
    /// By package (`data.faasguard.rules...`).
    pub rows: BTreeMap<String, Row>,
}

static PROGRAM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rules.rvm"));
static TABLE: &str = include_str!(concat!(env!("OUT_DIR"), "/rvm_rules.json"));

impl Lean {
    /// Read the program and the table; an error when either cannot be read
    /// or they disagree (every rule then stays on the interpreter, and
    /// `tests/it/rvm.rs` fails: it checks each listed rule runs on the RVM).
    pub(crate) fn load() -> Result<Lean, String> {
        let program = match Program::deserialize_binary(PROGRAM)? {
            DeserializationResult::Complete(p) => p,
            // Written by an older format: it would need the policies'
            // sources, which are not kept.
            DeserializationResult::Partial(_) => {
                return Err("the embedded program needs recompiling".to_string())
            }
        };
        let rows: Vec<Row> = serde_json::from_str(TABLE).map_err(|e| e.to_string())?;
        for r in &rows {
            let has = |kind: &str| {
                program
                    .entry_points
                    .contains_key(&format!("{}.{kind}", r.package))
            };
            if !has("deny") || (r.undecided && !has("undecided")) {
                return Err(format!("{} is not in the embedded program", r.package));
            }
        }
        Ok(Lean {
            program: Arc::new(program),
            rows: rows.into_iter().map(|r| (r.package.clone(), r)).collect(),
        })
    }

    /// The row of the package a policy file declares, if it runs on the
    /// RVM.
    pub(crate) fn row_of(&self, text: &str) -> Option<&Row> {
        let pkg = text
            .lines()
            .find_map(|l| l.strip_prefix("package "))?
            .trim();
        self.rows.get(&format!("data.{pkg}"))
    }
}

/// Policy files of rules on the RVM that the interpreter was not given,
/// shared by every clone of the engine until one needs them.
#[derive(Clone, Default)]
pub(crate) struct Deferred(Arc<Vec<PolicyFile>>);

impl Deferred {
    pub(crate) fn new(files: Vec<PolicyFile>) -> Deferred {
        Deferred(Arc::new(files))
    }

    /// Give the files to the interpreter (once per engine clone; it prepares
    /// them on its next evaluation).
    pub(crate) fn load_into(&mut self, engine: &mut regorus::Engine) {
        if self.0.is_empty() {
            return;
        }
        for p in self.0.iter() {
            // They parsed when build.rs compiled them.
            let _ = engine.add_policy(p.path.clone(), p.text.clone());
        }
        self.0 = Arc::new(Vec::new());
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
