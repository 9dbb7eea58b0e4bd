//! TOML lockfiles (Cargo.lock, poetry.lock, uv.lock) read through `toml_edit`,
//! which keeps the byte span of every key and value: the helpers here turn a
//! `[[package]]` table's fields into strings with the span of their line.

use toml_edit::{ImDocument, Item, Table, Value};

use crate::parse::ParseError;
use crate::source::{FileId, Span};

/// Parse TOML, turning a syntax error into a [`ParseError`] at its offset.
pub(super) fn parse(text: &str, file: FileId) -> Result<ImDocument<&str>, ParseError> {
    ImDocument::parse(text).map_err(|e| {
        let offset = e.span().map_or(0, |r| r.start);
        ParseError::new(
            format!("invalid TOML: {}", e.message().trim_end()),
            file,
            offset,
        )
    })
}

/// The tables of an array of tables (`[[package]]`). The inline spelling
/// (`package = [{...}]`) is valid TOML that no lock tool writes; it is
/// ignored.
pub(super) fn array_of_tables<'a>(table: &'a Table, key: &str) -> impl Iterator<Item = &'a Table> {
    table
        .get(key)
        .and_then(Item::as_array_of_tables)
        .into_iter()
        .flat_map(|a| a.iter())
}

/// A string field and the span from its key to the end of its value
/// (`name = "serde"`): the text a finding should underline.
pub(super) fn str_field<'a>(table: &'a Table, key: &str, file: FileId) -> Option<(&'a str, Span)> {
    let (k, item) = table.get_key_value(key)?;
    let value = item.as_value()?;
    let s = value.as_str()?;
    let span = match (k.span(), value.span()) {
        (Some(ks), Some(vs)) => Span::new(file, ks.start, vs.end),
        (Some(ks), None) => Span::new(file, ks.start, ks.end),
        (None, Some(vs)) => Span::new(file, vs.start, vs.end),
        (None, None) => return None,
    };
    Some((s, span))
}

/// A string field's value, without span.
pub(super) fn str_value<'a>(table: &'a Table, key: &str) -> Option<&'a str> {
    table.get(key).and_then(Item::as_str)
}

/// A string inside the table under `key`, inline or not:
/// `inline_str(t, "source", "editable")` is `"."` for
/// `source = { editable = "." }`.
pub(super) fn inline_str<'a>(table: &'a Table, key: &str, inner: &str) -> Option<&'a str> {
    match table.get(key)? {
        Item::Value(Value::InlineTable(t)) => t.get(inner).and_then(Value::as_str),
        Item::Table(t) => t.get(inner).and_then(Item::as_str),
        _ => None,
    }
}

/// The strings of an array field (`groups = ["main", "dev"]`), `None` when
/// the field is absent or not an array.
pub(super) fn str_array<'a>(table: &'a Table, key: &str) -> Option<Vec<&'a str>> {
    let array = table.get(key)?.as_array()?;
    Some(array.iter().filter_map(Value::as_str).collect())
}
