//! Single-value fixes: a rule's `"replace": {"from": V, "to": W}` becomes an
//! edit of the byte span of the value its finding points at, in the value's
//! own syntax (a YAML plain or quoted scalar, a JSON or HCL string or
//! number). Nothing else in the file changes, so formatting and comments
//! stay. SARIF carries the edits as `fixes`; `scan --fix` writes them,
//! `scan --diff` prints them as a unified diff.
//!
//! An edit is made only when the text at the span *is* the literal `from`
//! (a value that came through an expression such as `var.runtime`, or a
//! span that is a whole resource, gets none), and never in a Terraform plan
//! (generated, not written by anyone).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use crate::finding::{Finding, Replace};
use crate::source::{FileId, SourceFile, SourceMap};

/// One edit: replace `start..end` (bytes) of a file with `text`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edit {
    pub(crate) file: FileId,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) text: String,
}

/// The edit that fixes `f`, if its rule gave a single-value fix and the
/// text at the finding's span is that value, written literally.
pub fn edit(f: &Finding, sources: &SourceMap) -> Option<Edit> {
    let replace = f.replace.as_deref()?;
    let src = sources.get(f.span.file)?;
    if is_plan(src) {
        return None;
    }
    let (start, end) = (f.span.start as usize, f.span.end as usize);
    let old = src.text.get(start..end)?;
    if old.is_empty() || old.contains('\n') {
        return None;
    }
    let text = rewrite(old, replace, is_yaml(src))?;
    Some(Edit {
        file: f.span.file,
        start,
        end,
        text,
    })
}

fn is_yaml(src: &SourceFile) -> bool {
    let d = src.display.to_ascii_lowercase();
    d.ends_with(".yaml") || d.ends_with(".yml") || d.ends_with(".template")
}

/// A Terraform plan (JSON with `resource_changes`/`planned_values`).
fn is_plan(src: &SourceFile) -> bool {
    src.text.trim_start().starts_with('{')
        && (src.text.contains("\"planned_values\"") || src.text.contains("\"resource_changes\""))
}

/// The new text for `old` (a literal scalar equal to `replace.from`), in
/// the same quoting; `None` when `old` is not that literal.
fn rewrite(old: &str, replace: &Replace, yaml: bool) -> Option<String> {
    let quote = old.chars().next()?;
    if (quote == '"' || quote == '\'') && old.len() >= 2 && old.ends_with(quote) {
        let inner = &old[1..old.len() - 1];
        // Escapes would make `inner` differ from the value: leave such text.
        if inner.contains('\\') || (quote == '\'' && inner.contains("''")) {
            return None;
        }
        if !same(inner, &replace.from) {
            return None;
        }
        let to = match &replace.to {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        // Nothing the quoting (or an HCL template) would read differently.
        if to.contains(['\\', '"', '\'', '\n']) || to.contains("${") || to.contains("%{") {
            return None;
        }
        return Some(format!("{quote}{to}{quote}"));
    }
    // Unquoted: a YAML plain scalar, or a JSON/HCL number (a bare word in
    // HCL is an expression, not the value).
    if !same(old, &replace.from) {
        return None;
    }
    match &replace.to {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if yaml && plain_safe(s) && replace.from.is_string() => Some(s.clone()),
        _ => None,
    }
}

/// The literal text `text` is the value `v`.
fn same(text: &str, v: &Value) -> bool {
    match v {
        Value::String(s) => text == s,
        Value::Number(n) => match (text.trim().parse::<f64>(), n.as_f64()) {
            (Ok(a), Some(b)) => a == b,
            _ => false,
        },
        _ => false,
    }
}

/// A YAML plain scalar that reads back as this same string (not a number,
/// boolean or null, no indicator characters).
fn plain_safe(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        )
}

/// The edits of a set of findings, by file, sorted, one per span. Two
/// different edits of one span, or overlapping ones, are both dropped.
pub fn edits<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    sources: &SourceMap,
) -> BTreeMap<FileId, Vec<Edit>> {
    let mut all: Vec<Edit> = findings
        .into_iter()
        .filter_map(|f| edit(f, sources))
        .collect();
    all.sort();
    all.dedup();
    let mut by_file: BTreeMap<FileId, Vec<Edit>> = BTreeMap::new();
    for e in all {
        by_file.entry(e.file).or_default().push(e);
    }
    for list in by_file.values_mut() {
        let mut bad = vec![false; list.len()];
        for i in 1..list.len() {
            if list[i].start < list[i - 1].end {
                bad[i] = true;
                bad[i - 1] = true;
            }
        }
        let mut i = 0;
        list.retain(|_| {
            i += 1;
            !bad[i - 1]
        });
    }
    by_file.retain(|_, l| !l.is_empty());
    by_file
}

/// `text` with `edits` (sorted, not overlapping) applied.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(text.get(at..e.start).unwrap_or(""));
        out.push_str(&e.text);
        at = e.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// A file `--fix` could not write.
#[derive(Debug, thiserror::Error)]
pub enum FixError {
    /// The file's text on disk is no longer what was scanned, so the edit could land in the wrong
    /// place.
    #[error("{file}: changed on disk since it was scanned; not fixed")]
    Changed {
        /// The file's display path.
        file: String,
    },
    /// Reading or writing the file failed.
    #[error("cannot fix {file}: {message}")]
    Io {
        /// The file's display path.
        file: String,
        /// The operating system's error.
        message: String,
    },
}

/// Write the edits into their files. Returns (files changed, edits made).
/// A file whose text is no longer the scanned text is left alone.
pub fn write(
    edits: &BTreeMap<FileId, Vec<Edit>>,
    sources: &SourceMap,
) -> (usize, usize, Vec<FixError>) {
    let (mut files, mut made, mut errors) = (0, 0, Vec::new());
    for (file, list) in edits {
        let Some(src) = sources.get(*file) else {
            continue;
        };
        let path: PathBuf = src.path.clone();
        let io = |e: std::io::Error| FixError::Io {
            file: src.display.clone(),
            message: e.to_string(),
        };
        match std::fs::read_to_string(&path) {
            Ok(now) if now == *src.text => {
                if let Err(e) = std::fs::write(&path, apply(&now, list)) {
                    errors.push(io(e));
                    continue;
                }
                files += 1;
                made += list.len();
            }
            Ok(_) => errors.push(FixError::Changed {
                file: src.display.clone(),
            }),
            Err(e) => errors.push(io(e)),
        }
    }
    (files, made, errors)
}

/// The edits as a unified diff (`--- a/FILE`, `+++ b/FILE`, three lines of
/// context), files in display order.
pub fn diff(edits: &BTreeMap<FileId, Vec<Edit>>, sources: &SourceMap) -> String {
    let mut files: Vec<(&SourceFile, &Vec<Edit>)> = edits
        .iter()
        .filter_map(|(f, l)| sources.get(*f).map(|s| (s, l)))
        .collect();
    files.sort_by(|a, b| a.0.display.cmp(&b.0.display));
    let mut out = String::new();
    for (src, list) in files {
        let old: Vec<&str> = src.text.split_inclusive('\n').collect();
        let fixed = apply(&src.text, list);
        let new: Vec<&str> = fixed.split_inclusive('\n').collect();
        // Edits never add or remove a line break, so lines pair up.
        if old.len() != new.len() {
            continue;
        }
        let changed: Vec<usize> = (0..old.len()).filter(|i| old[*i] != new[*i]).collect();
        if changed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "--- a/{}", src.display);
        let _ = writeln!(out, "+++ b/{}", src.display);
        const CONTEXT: usize = 3;
        let mut hunks: Vec<(usize, usize)> = Vec::new();
        for &i in &changed {
            let (from, to) = (i.saturating_sub(CONTEXT), (i + CONTEXT + 1).min(old.len()));
            match hunks.last_mut() {
                Some(h) if from <= h.1 => h.1 = to,
                _ => hunks.push((from, to)),
            }
        }
        for (from, to) in hunks {
            let n = to - from;
            let _ = writeln!(out, "@@ -{},{n} +{},{n} @@", from + 1, from + 1);
            // A run of changed lines: its old lines, then its new ones.
            let mut i = from;
            while i < to {
                if old[i] == new[i] {
                    push_line(&mut out, ' ', old[i]);
                    i += 1;
                    continue;
                }
                let run_end = (i..to).find(|j| old[*j] == new[*j]).unwrap_or(to);
                for line in &old[i..run_end] {
                    push_line(&mut out, '-', line);
                }
                for line in &new[i..run_end] {
                    push_line(&mut out, '+', line);
                }
                i = run_end;
            }
        }
    }
    out
}

fn push_line(out: &mut String, mark: char, line: &str) {
    out.push(mark);
    out.push_str(line);
    if !line.ends_with('\n') {
        out.push_str("\n\\ No newline at end of file\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn r(from: Value, to: Value) -> Replace {
        Replace { from, to }
    }

    #[test]
    fn rewrites_keep_the_quoting() {
        let rt = r(json!("python3.8"), json!("python3.14"));
        assert_eq!(
            rewrite("python3.8", &rt, true).as_deref(),
            Some("python3.14")
        );
        assert_eq!(
            rewrite("\"python3.8\"", &rt, false).as_deref(),
            Some("\"python3.14\"")
        );
        assert_eq!(
            rewrite("'python3.8'", &rt, true).as_deref(),
            Some("'python3.14'")
        );
        // Not the literal value: an expression, another value, an escape.
        assert_eq!(rewrite("var.runtime", &rt, false), None);
        assert_eq!(rewrite("python3.8", &rt, false), None);
        assert_eq!(rewrite("\"python3.9\"", &rt, false), None);
        assert_eq!(rewrite("\"python3\\u002e8\"", &rt, false), None);
        let t = r(json!(1200), json!(900));
        assert_eq!(rewrite("1200", &t, true).as_deref(), Some("900"));
        assert_eq!(rewrite("1200", &t, false).as_deref(), Some("900"));
        assert_eq!(rewrite("\"1200\"", &t, true).as_deref(), Some("\"900\""));
        assert_eq!(rewrite("1201", &t, true), None);
    }

    #[test]
    fn plain_yaml_only_when_it_reads_back_the_same() {
        assert!(plain_safe("TLS_1_2"));
        assert!(plain_safe("nodejs24.x"));
        assert!(!plain_safe("yes"));
        assert!(!plain_safe("3.12"));
        assert!(!plain_safe("a: b"));
    }

    #[test]
    fn apply_and_diff() {
        let text = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9\nj: 10\n";
        let mut sources = SourceMap::default();
        let file = sources.add(SourceFile::new(
            "t.yaml".into(),
            "t.yaml".into(),
            std::sync::Arc::from(text),
        ));
        let at = |needle: &str, text_: &str| Edit {
            file,
            start: text.find(needle).unwrap(),
            end: text.find(needle).unwrap() + needle.len(),
            text: text_.into(),
        };
        let edits = BTreeMap::from([(file, vec![at("2", "20"), at("10", "100")])]);
        assert_eq!(
            apply(text, &edits[&file]),
            text.replace("b: 2", "b: 20").replace("j: 10", "j: 100")
        );
        assert_eq!(
            diff(&edits, &sources),
            "--- a/t.yaml\n+++ b/t.yaml\n@@ -1,5 +1,5 @@\n a: 1\n-b: 2\n+b: 20\n c: 3\n d: 4\n e: 5\n\
             @@ -7,4 +7,4 @@\n g: 7\n h: 8\n i: 9\n-j: 10\n+j: 100\n"
        );
    }
}
