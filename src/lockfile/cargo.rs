//! `Cargo.lock`: every `[[package]]` (format v1 to v4), and the `[root]`
//! table of the oldest format. Path and git packages (no registry `source`)
//! are packages too: a git dependency can still be a published crate's code.
//! Cargo has no dev-only lock entries (dev-dependencies are locked with the
//! rest, and a Lambda build never ships them, but the lockfile cannot tell), so
//! `dev` is always false.

use super::{toml_doc, Ecosystem, Lockfile, Package};
use crate::parse::ParseError;
use crate::source::FileId;

pub(super) fn parse(text: &str, file: FileId, out: &mut Lockfile) -> Result<(), ParseError> {
    let doc = toml_doc::parse(text, file)?;
    let root = doc.as_table();
    let legacy_root = root.get("root").and_then(|i| i.as_table());
    for table in legacy_root
        .into_iter()
        .chain(toml_doc::array_of_tables(root, "package"))
    {
        let Some((name, span)) = toml_doc::str_field(table, "name", file) else {
            continue;
        };
        let Some(version) = toml_doc::str_value(table, "version") else {
            continue;
        };
        out.packages.push(Package {
            name: name.to_string(),
            version: version.to_string(),
            ecosystem: Ecosystem::CratesIo,
            dev: false,
            span,
        });
    }
    Ok(())
}
