//! `poetry.lock`: every `[[package]]` with a name and version. Dev-only
//! packages are marked two ways, depending on the Poetry version that wrote
//! the file: `category = "dev"` (Poetry < 1.5), or `groups = [...]` (Poetry
//! 2) without `"main"`: a package only in the `dev`, `test`, `docs` ... groups
//! is not installed by `poetry install --only main`, the way a deployment
//! installs. Files from 1.5 to 1.8 record neither, so nothing is dev there.
//!
//! Path, directory, git and URL sources are still packages, as in Cargo.lock:
//! their name and version are known and an advisory may concern them.

use super::{toml_doc, Ecosystem, Lockfile, Package};
use crate::parse::ParseError;
use crate::source::FileId;

pub(super) fn parse(text: &str, file: FileId, out: &mut Lockfile) -> Result<(), ParseError> {
    let doc = toml_doc::parse(text, file)?;
    for table in toml_doc::array_of_tables(doc.as_table(), "package") {
        let Some((name, span)) = toml_doc::str_field(table, "name", file) else {
            continue;
        };
        let Some(version) = toml_doc::str_value(table, "version") else {
            continue;
        };
        let dev = match toml_doc::str_array(table, "groups") {
            Some(groups) => !groups.contains(&"main"),
            None => toml_doc::str_value(table, "category") == Some("dev"),
        };
        out.packages.push(Package {
            name: name.to_string(),
            version: version.to_string(),
            ecosystem: Ecosystem::PyPI,
            dev,
            span,
        });
    }
    Ok(())
}
