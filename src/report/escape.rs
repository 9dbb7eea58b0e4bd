//! Escaping of untrusted text for terminals, CI logs and HTML reports.
//!
//! Everything a scanned repository writes (logical ids, file names, property
//! values, messages of its own policies) reaches text reports, GitHub
//! annotations and stderr diagnostics. A newline there can start a line with
//! `::error` or `::add-mask::`, which the Actions runner executes; `\r`, `\f`
//! and ESC/OSC sequences rewrite or hide what a reader sees. This module owns
//! the one rule every text-like output applies: control characters are shown
//! as Rust escapes (`\n`, `\u{1b}`), never passed through.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal or log as itself: C0 and C1 control
/// characters and DEL, Unicode line and paragraph separators (which some
/// viewers break lines at) and the bidirectional overrides and isolates
/// ("Trojan Source"), which reorder what is shown.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'
                ..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

/// `s` with every control character escaped (`\n`, `\r`, `\t`, `\u{1b}`):
/// one line of plain text, whatever `s` holds.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A whole source text for a snippet: line breaks (`\n`, `\r\n`) and tabs
/// stay, every other control character is escaped as in [`line`]. `offsets`
/// (byte offsets into `text`, such as a label's start and end) are mapped
/// to the same places in the result, so labels still point at their text.
pub fn source(text: &str, offsets: &[usize]) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut mapped: Vec<usize> = offsets.to_vec();
    let mut chars = text.char_indices().peekable();
    let map_to = |mapped: &mut Vec<usize>, from: usize, to: usize| {
        for (m, &o) in mapped.iter_mut().zip(offsets) {
            if o == from {
                *m = to;
            }
        }
    };
    while let Some((i, c)) = chars.next() {
        map_to(&mut mapped, i, out.len());
        let keep =
            c == '\n' || c == '\t' || (c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n'));
        if keep || !is_unsafe(c) {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    map_to(&mut mapped, text.len(), out.len());
    // Offsets inside a character (not produced by spans, but never trust
    // them): clamp to the end of the output rather than panic later.
    for m in &mut mapped {
        *m = (*m).min(out.len());
    }
    (out, mapped)
}

/// Escape text for Markdown (a paragraph or a table cell).
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An inline code span that survives any content (backticks, pipes in tables).
pub fn markdown_code(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// Escape text for HTML content and attribute values (control characters
/// other than newline and tab are dropped).
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_escapes() {
        assert_eq!(
            line("Fn\n::error file=README.md,line=1::forged"),
            "Fn\\n::error file=README.md,line=1::forged"
        );
        assert_eq!(
            line("a\rb\u{c}c\u{1b}]8;;x\u{7}"),
            "a\\rb\\u{c}c\\u{1b}]8;;x\\u{7}"
        );
        assert_eq!(
            line("\u{9b}31m \u{202e}evil\u{2028}"),
            "\\u{9b}31m \\u{202e}evil\\u{2028}"
        );
        assert!(matches!(line("plain ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn source_keeps_lines_and_maps_offsets() {
        let text = "a: 1\r\nb: \u{1b}[2J x\n";
        let at_x = text.find('x').unwrap_or_default();
        let (out, mapped) = source(text, &[at_x, at_x + 1, 0, text.len()]);
        assert_eq!(out, "a: 1\r\nb: \\u{1b}[2J x\n");
        assert_eq!(&out[mapped[0]..mapped[1]], "x");
        assert_eq!(mapped[2], 0);
        assert_eq!(mapped[3], out.len());
    }
}
