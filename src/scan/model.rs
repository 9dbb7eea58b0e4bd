//! `faasguard model`: the policy input of one unit, formed exactly as the
//! scan forms it (the same walk, local modules, units and settings), so the
//! model shown is the one policies see.

use std::path::Path;

use super::files::prepare;
use super::files::Unit;
use super::unit::UnitContext;
use super::Settings;
use crate::finding::Level;

/// Why `faasguard model` shows no model.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The path is not there (or cannot be looked at).
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// The file could not be read (too large, not text).
    #[error("{0}")]
    Unreadable(String),
    /// A directory with no `.tf` or `.tf.json` file.
    #[error("no Terraform files in the directory")]
    NoTerraform,
    /// A file that is none of the formats (a template, a service, a plan or a Terraform file).
    #[error("not a template, service, plan or Terraform file")]
    NotIac,
    /// The unit's first error (a parse error, say).
    #[error("{0}")]
    Invalid(String),
    /// The unit produced no model and no error (an empty document).
    #[error("no document")]
    NoDocument,
    /// A worker thread could not be started; the operating system's message.
    #[error("cannot start a worker thread: {0}")]
    Threads(String),
}

/// The policy input for one unit (for `faasguard model`): a template, a
/// serverless service, a plan file, or a Terraform module (a directory, or
/// one `.tf` file on its own). The path is read exactly as `scan` reads it
/// (the same walk, local modules, units and settings), so the model shown is
/// the one policies see; for a directory, the unit of that directory itself
/// (or its only unit).
pub fn model_json(path: &Path) -> Result<serde_json::Value, ModelError> {
    model_json_with(path, &Settings::default())
}

/// [`model_json`] with settings (Terraform variables, file size limit).
pub fn model_json_with(path: &Path, settings: &Settings) -> Result<serde_json::Value, ModelError> {
    let settings = Settings {
        paths: vec![path.to_path_buf()],
        threads: 1,
        ..settings.clone()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(|e| ModelError::Threads(e.to_string()))?;
    // A path that is not there says so, as reading it would.
    std::fs::metadata(path)?;
    let prep = prepare(&settings, &pool);
    // A file that cannot be read says why (in a directory, others may still form the unit).
    if !path.is_dir() {
        if let Some(e) = prep.files.iter().find_map(|f| f.error.as_ref()) {
            return Err(ModelError::Unreadable(e.clone()));
        }
    }
    let want = crate::terraform::normalize_dir(path);
    let pick = prep.units.iter().position(|u| match u {
        Unit::File(i) => prep.files.get(*i).is_some_and(|f| f.path == path),
        Unit::Terraform { dir, .. } => crate::terraform::normalize_dir(dir) == want,
    });
    let unit = match (pick, prep.units.as_slice()) {
        (Some(i), _) => prep.units.get(i),
        (None, [only]) => Some(only),
        (None, _) => None,
    }
    .ok_or_else(|| {
        if path.is_dir() {
            ModelError::NoTerraform
        } else {
            ModelError::NotIac
        }
    })?;
    let ctx = UnitContext {
        files: &prep.files,
        envs: &prep.envs,
        tf_files: &prep.tf_files,
        terraform: &prep.terraform,
        settings: &settings,
        fragments: &prep.fragments,
    };
    let out = ctx.process(unit, None);
    match out.model {
        Some(m) => Ok(m),
        None => Err(out
            .diagnostics
            .iter()
            .find(|d| d.level == Level::Error)
            .map_or(ModelError::NoDocument, |d| {
                ModelError::Invalid(d.message.clone())
            })),
    }
}
