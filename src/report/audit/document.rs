//! The audit report's content, apart from its layout: sections of tables
//! whose cells say what they hold (text, code, nothing), built once from the
//! [`Report`] and printed by the Markdown and HTML layouts, which only choose
//! the markup. Sections move here one at a time (ADR 0037); the diagnostics
//! table is the first.

use crate::report::json::Report;

/// One cell: what it holds, not how it looks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    /// Prose (escaped by the printer).
    Text(String),
    /// An identifier or a place (`fixtures/a.yaml:3`), printed as code.
    Code(String),
    /// No value (printed as a dash).
    Empty,
}

/// A table: column headings and rows of cells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub headings: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

/// The Diagnostics section's table: what the scan itself reported (level,
/// code, where, message); none when there was nothing.
pub fn diagnostics(input: &Report) -> Option<Table> {
    if input.diagnostics.is_empty() {
        return None;
    }
    let rows = input
        .diagnostics
        .iter()
        .map(|d| {
            let file = match (&d.file, d.start) {
                (Some(f), Some(p)) => Cell::Code(format!("{f}:{}", p.line)),
                (Some(f), None) => Cell::Code(f.clone()),
                _ => Cell::Empty,
            };
            vec![
                Cell::Text(d.level.as_str().into()),
                Cell::Code(d.code.clone()),
                file,
                Cell::Text(d.message.clone()),
            ]
        })
        .collect();
    Some(Table {
        headings: vec!["Level", "Code", "File", "Message"],
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_say_where_when_they_can() {
        let input = Report::from_value(serde_json::json!({
            "format_version": 1,
            "tool": {"name": "faasguard", "version": "0"},
            "findings": [],
            "diagnostics": [
                {"level": "error", "code": "parse-error", "message": "bad", "file": "a.yaml",
                 "start": {"line": 3, "column": 1}},
                {"level": "warning", "code": "no-db", "message": "none", "file": "b.tf"},
                {"level": "note", "code": "x", "message": "m"}
            ]
        }))
        .expect("report");
        let t = diagnostics(&input).expect("table");
        assert_eq!(t.headings, ["Level", "Code", "File", "Message"]);
        assert_eq!(
            t.rows,
            vec![
                vec![
                    Cell::Text("error".into()),
                    Cell::Code("parse-error".into()),
                    Cell::Code("a.yaml:3".into()),
                    Cell::Text("bad".into()),
                ],
                vec![
                    Cell::Text("warning".into()),
                    Cell::Code("no-db".into()),
                    Cell::Code("b.tf".into()),
                    Cell::Text("none".into()),
                ],
                vec![
                    Cell::Text("note".into()),
                    Cell::Code("x".into()),
                    Cell::Empty,
                    Cell::Text("m".into()),
                ],
            ]
        );
        let mut none = input.clone();
        none.diagnostics.clear();
        assert_eq!(diagnostics(&none), None);
    }
}
