//! Parse stage: turns file text into span-aware [`Node`] trees.
//!
//! Parsers never panic and never recurse without bound: nesting deeper than
//! [`MAX_DEPTH`] and alias expansion beyond [`MAX_ALIAS_NODES`] are errors.

mod cfn_tags;
pub mod json;
mod node;
pub mod yaml;

pub(crate) use node::{exact_str, exact_vec};
pub use node::{Entry, Map, Node, Str, Unknown, Value};

use crate::source::{FileId, Span};

/// Deepest nesting any parser accepts. Real templates stay far below it; the
/// bound keeps recursive consumers of the tree (and drop) off the stack limit.
pub const MAX_DEPTH: usize = 256;

/// Most nodes alias expansion may add to one YAML document (alias bombs).
pub const MAX_ALIAS_NODES: usize = 1_000_000;

/// The message of a parse stopped by the unit's time limit
/// ([`crate::deadline`]); the scan reports a `file-timeout` instead.
pub const STOPPED: &str = "parsing was stopped: the file's time limit (--file-timeout) ran out";

/// A parse failure at a place in a file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub(crate) message: String,
    /// Where in the file the parser stopped (usually an empty span at that offset).
    pub span: Span,
}

impl ParseError {
    pub(crate) fn new(message: impl Into<String>, file: FileId, offset: usize) -> Self {
        ParseError {
            message: message.into(),
            span: Span::new(file, offset, offset),
        }
    }
}

/// Which syntax a file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// YAML 1.2 (templates, Serverless Framework files), several documents possible.
    Yaml,
    /// JSON (one document).
    Json,
}

/// Parse a whole file into its documents (JSON always has exactly one).
pub fn parse(text: &str, syntax: Syntax, file: FileId) -> Result<Vec<Node>, ParseError> {
    match syntax {
        Syntax::Yaml => yaml::parse(text, file),
        Syntax::Json => json::parse(text, file).map(|n| vec![n]),
    }
}
