//! `Pipfile.lock` (JSON): the `default` section ships, `develop` does not.
//! Versions are written as pins (`"==1.2.3"`); entries without one (`path`,
//! `git`, `editable` installs) are skipped, as no registry version describes
//! them. A package in both sections is reported once per section.

use super::{Ecosystem, Lockfile, Package};
use crate::parse::{self, Node, ParseError};
use crate::source::FileId;

pub(super) fn parse(text: &str, file: FileId, out: &mut Lockfile) -> Result<(), ParseError> {
    let doc = parse::json::parse(text, file)?;
    let Some(root) = doc.as_map() else {
        return Err(ParseError::new(
            "a Pipfile.lock must be a JSON object",
            file,
            doc.span.start as usize,
        ));
    };
    for (section, dev) in [("default", false), ("develop", true)] {
        let Some(deps) = root.get(section).and_then(Node::as_map) else {
            continue;
        };
        for entry in &deps.entries {
            let Some(pin) = entry.value.get("version").and_then(Node::as_str) else {
                continue;
            };
            let Some(version) = pin.strip_prefix("===").or_else(|| pin.strip_prefix("==")) else {
                continue;
            };
            let version = version.trim();
            if version.is_empty() || version.contains('*') {
                continue;
            }
            out.packages.push(Package {
                name: entry.key.as_str().to_owned(),
                version: version.to_string(),
                ecosystem: Ecosystem::PyPI,
                dev,
                span: entry.key_span,
            });
        }
    }
    Ok(())
}
