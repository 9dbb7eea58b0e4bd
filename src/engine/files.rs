//! The policy files an engine loads (`.rego` under the given paths) and
//! the error a policy that cannot be loaded or evaluated gives. A leaf of the
//! evaluate stage, so that conftest support can name them without importing
//! the engine.

/// A policy file to load.
#[derive(Clone, Debug)]
pub struct PolicyFile {
    /// Path shown in errors and in `faasguard rules`.
    pub path: String,
    pub(crate) text: String,
    pub(crate) builtin: bool,
}

/// The `.rego` files under the given paths (a path may also name one file),
/// sorted per path; `*_test.rego` files only when `tests` is set.
pub fn load_policy_files(
    paths: &[std::path::PathBuf],
    tests: bool,
) -> Result<Vec<PolicyFile>, PolicyPathError> {
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
                let is_test = path.to_string_lossy().ends_with("_test.rego");
                if path.extension().is_some_and(|e| e == "rego") && (tests || !is_test) {
                    files.push(path.to_path_buf());
                }
            }
        } else if p.is_file() {
            files.push(p.clone());
        } else {
            return Err(PolicyPathError::Missing(p.clone()));
        }
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|source| PolicyPathError::Read {
                path: f.clone(),
                source,
            })?;
            out.push(PolicyFile {
                path: f.display().to_string(),
                text,
                builtin: false,
            });
        }
    }
    Ok(out)
}

/// A `--policy` path that names nothing, or a policy file that cannot be
/// read (its Rego is checked later, by the engine, with every bad file
/// named).
#[derive(Debug, thiserror::Error)]
pub enum PolicyPathError {
    /// The path given does not exist.
    #[error("policy path {} does not exist", .0.display())]
    Missing(std::path::PathBuf),
    /// A policy file cannot be read.
    #[error("cannot read policy {}: {source}", path.display())]
    Read {
        /// The policy file.
        path: std::path::PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// A policy that could not be loaded or evaluated.
#[derive(Clone, Debug, thiserror::Error)]
pub enum EngineError {
    /// regorus' message already names `file:line:col` with a snippet.
    #[error("{0}")]
    Policy(String),
    /// Several policy files that do not parse: every one is named at once,
    /// so a user fixes them in one pass rather than one run per file.
    #[error("{} policy files do not parse:\n\n{}", .0.len(), .0.join("\n\n"))]
    Policies(Vec<String>),
    /// A rule package whose `metadata` is missing or not of the rule metadata's shape.
    #[error("{path}: {message}")]
    Metadata {
        /// The policy file, as given.
        path: String,
        /// What is missing or wrong (`a rule package must define `metadata``).
        message: String,
    },
    /// Two policy files declare the same rule id.
    #[error("rule id {id} is declared by both {first} and {second}")]
    DuplicateId {
        /// The rule id.
        id: String,
        /// The policy file that declared it first.
        first: String,
        /// The other one.
        second: String,
    },
}
