//! The nesting pre-check: how deeply brackets, braces, parentheses and
//! template interpolations nest in HCL text, read as tokens, so hcl-edit
//! (which recurses) never sees text nested deeper than [`MAX_DEPTH`].
//!
//! Brackets inside quoted strings, comments (`#`, `//`, `/* */`) and heredoc
//! text are not nesting, so they are skipped; `${ }` and `%{ }` inside
//! strings and heredocs are, so they count, and their contents are read as
//! code again. Anything the lexer cannot make sense of (an unterminated
//! string, a stray quote) is read so that it can only count more, never
//! less: a string ends at the end of its line, since HCL forbids a newline in
//! a quoted string's text.

use crate::parse::MAX_DEPTH;

/// Where the lexer is.
enum Frame {
    /// Expression or body text: `braces` counts the `{` opened in this
    /// frame, so an interpolation knows which `}` closes it.
    Code { braces: usize },
    /// A quoted string's text.
    Str,
    /// A heredoc's text, until a line holding only `marker`.
    Heredoc { marker: Vec<u8>, line_start: bool },
    /// The text of a template read on its own (a `.tf.json` string, a
    /// `templatefile` file): like a heredoc without an end.
    Template,
}

/// Where nesting first exceeds [`MAX_DEPTH`] in HCL body text, if it does.
pub(crate) fn body_too_deep(text: &str) -> Option<usize> {
    scan(text.as_bytes(), Frame::Code { braces: 0 })
}

/// Where nesting first exceeds [`MAX_DEPTH`] in template text (the inside
/// of a string, without quotes), if it does.
pub(crate) fn template_too_deep(text: &str) -> Option<usize> {
    scan(text.as_bytes(), Frame::Template)
}

fn scan(b: &[u8], first: Frame) -> Option<usize> {
    // The stack's length is the nesting depth (plus the first frame), so it
    // is bounded by MAX_DEPTH.
    let mut stack: Vec<Frame> = vec![first];
    // Open brackets of each code frame beyond `{`: `[` and `(` nest too.
    let mut depth = 0usize;
    let mut i = 0usize;
    let at = |i: usize| b.get(i).copied();
    while i < b.len() {
        let c = b[i];
        let top = stack.last_mut()?;
        match top {
            Frame::Code { braces } => match c {
                b'{' | b'[' | b'(' => {
                    if c == b'{' {
                        *braces += 1;
                    }
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Some(i);
                    }
                }
                b'}' => {
                    if *braces == 0 {
                        // Closes an interpolation (or is stray at the top).
                        if stack.len() > 1 {
                            stack.pop();
                        }
                    } else {
                        *braces -= 1;
                    }
                    depth = depth.saturating_sub(1);
                }
                b']' | b')' => depth = depth.saturating_sub(1),
                b'"' => stack.push(Frame::Str),
                b'#' => i = line_end(b, i),
                b'/' if at(i + 1) == Some(b'/') => i = line_end(b, i),
                b'/' if at(i + 1) == Some(b'*') => {
                    i = find(b, i + 2, b"*/").map_or(b.len(), |e| e + 1);
                }
                b'<' if at(i + 1) == Some(b'<') => {
                    if let Some((marker, next)) = heredoc_start(b, i + 2) {
                        stack.push(Frame::Heredoc {
                            marker,
                            line_start: true,
                        });
                        i = next;
                        continue;
                    }
                    i += 1;
                }
                _ => {}
            },
            Frame::Str => match c {
                b'\\' => i += 1,
                b'"' | b'\n' => {
                    stack.pop();
                }
                _ => {
                    if let Some(skip) = template_char(b, i, &mut stack, &mut depth) {
                        if depth > MAX_DEPTH {
                            return Some(i);
                        }
                        i = skip;
                        continue;
                    }
                }
            },
            Frame::Heredoc { marker, line_start } => {
                if *line_start {
                    *line_start = false;
                    let end = line_end(b, i);
                    let line = b.get(i..end).unwrap_or_default();
                    if line.trim_ascii() == marker.as_slice() {
                        stack.pop();
                        i = end;
                        continue;
                    }
                }
                if c == b'\n' {
                    if let Some(Frame::Heredoc { line_start, .. }) = stack.last_mut() {
                        *line_start = true;
                    }
                } else if let Some(skip) = template_char(b, i, &mut stack, &mut depth) {
                    if depth > MAX_DEPTH {
                        return Some(i);
                    }
                    i = skip;
                    continue;
                }
            }
            Frame::Template => {
                if let Some(skip) = template_char(b, i, &mut stack, &mut depth) {
                    if depth > MAX_DEPTH {
                        return Some(i);
                    }
                    i = skip;
                    continue;
                }
            }
        }
        i += 1;
    }
    None
}

/// In template text at `i`: `$${`/`%%{` are literal (skipped), `${`/`%{`
/// open an interpolation (a code frame, one level deeper). Returns where to
/// go on when it consumed something.
fn template_char(b: &[u8], i: usize, stack: &mut Vec<Frame>, depth: &mut usize) -> Option<usize> {
    let c = b.get(i).copied()?;
    if c != b'$' && c != b'%' {
        return None;
    }
    match (b.get(i + 1).copied(), b.get(i + 2).copied()) {
        (Some(d), Some(b'{')) if d == c => Some(i + 3),
        (Some(b'{'), _) => {
            stack.push(Frame::Code { braces: 0 });
            *depth += 1;
            Some(i + 2)
        }
        _ => None,
    }
}

/// `EOT\n` after `<<` or `<<-`: the marker and where its text starts.
fn heredoc_start(b: &[u8], mut i: usize) -> Option<(Vec<u8>, usize)> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let start = i;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
    {
        i += 1;
    }
    if i == start {
        return None;
    }
    let marker = b.get(start..i)?.to_vec();
    // Only a newline may follow the marker (a `\r` before it is tolerated).
    let mut j = i;
    if b.get(j) == Some(&b'\r') {
        j += 1;
    }
    (b.get(j) == Some(&b'\n')).then_some((marker, j + 1))
}

/// The index of the `\n` ending the line at `i` (or the end of the text).
fn line_end(b: &[u8], i: usize) -> usize {
    b.get(i..)
        .and_then(|r| r.iter().position(|&c| c == b'\n'))
        .map_or(b.len(), |p| i + p)
}

fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_comments_and_heredocs_are_not_nesting() {
        let deep = "[".repeat(300);
        let braces = "{".repeat(300);
        for text in [
            format!("description = \"{deep}\"\n"),
            format!("description = \"a \\\" {deep}\"\n"),
            format!("# {braces}\na = 1\n"),
            format!("// {braces}\na = 1\n"),
            format!("/* {braces}\n {deep} */\na = 1\n"),
            format!("p = <<EOT\n{braces}\nEOT\n"),
            format!("p = <<-EOT\n  {braces}\n  EOT\nb = \"{deep}\"\n"),
            format!("s = \"$${{{deep}\"\n"),
            format!("s = \"${{ \"{deep}\" }}\"\n"),
        ] {
            assert_eq!(body_too_deep(&text), None, "{text}");
        }
    }

    #[test]
    fn real_nesting_counts_also_inside_interpolations() {
        let n = MAX_DEPTH + 1;
        let text = format!("a = {}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(body_too_deep(&text), Some(4 + MAX_DEPTH));
        // Interpolations nest: each `${` is a level, with its brackets.
        let text = format!("a = \"{}\"", "${\"".repeat(n));
        assert!(body_too_deep(&text).is_some());
        let text = format!("a = <<EOT\n{}\nEOT\n", "${[".repeat(n));
        assert!(body_too_deep(&text).is_some());
        // After a heredoc or comment, code counts again.
        let text = format!("a = <<EOT\n[\nEOT\nb = {}", "(".repeat(n));
        assert_eq!(body_too_deep(&text), Some(20 + MAX_DEPTH));
        let text = format!("# x\nb = {}", "{".repeat(n));
        assert_eq!(body_too_deep(&text), Some(8 + MAX_DEPTH));
    }

    #[test]
    fn unterminated_strings_end_at_the_line_so_nesting_after_them_counts() {
        let text = format!("a = \"open\nb = {}", "[".repeat(MAX_DEPTH + 1));
        assert!(body_too_deep(&text).is_some());
    }

    #[test]
    fn templates_read_on_their_own() {
        assert_eq!(template_too_deep(&"[".repeat(300)), None);
        assert_eq!(template_too_deep("${a} %%{ $${x"), None);
        let text = "${[".repeat(MAX_DEPTH);
        assert!(template_too_deep(&text).is_some());
    }
}
