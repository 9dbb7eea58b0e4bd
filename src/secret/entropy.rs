//! Entropy (how random a value looks) and redaction (what of a secret a
//! report may show).

use std::collections::HashMap;

/// Shannon entropy of the string's characters, in bits per character
/// (`"aaaa"` → 0, `"abcd"` → 2). gitleaks uses the same measure for its
/// thresholds, so they carry over.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut ascii = [0usize; 128];
    let mut other: HashMap<char, usize> = HashMap::new();
    let mut total = 0usize;
    for c in s.chars() {
        total += 1;
        match usize::try_from(u32::from(c)) {
            Ok(i) if i < ascii.len() => ascii[i] += 1,
            _ => *other.entry(c).or_default() += 1,
        }
    }
    if total == 0 {
        return 0.0;
    }
    let total = total as f64;
    ascii
        .iter()
        .chain(other.values())
        .filter(|&&n| n > 0)
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum()
}

/// Secrets shorter than this are shown as the mask alone.
pub(super) const REDACT_MIN_CHARS: usize = 12;
pub(super) const MASK: &str = "****";

/// A printable stand-in for a secret: a short recognizable prefix, the mask
/// and the last 2 characters (`sk_live_****Rb`, `AKIA****LE`), never more
/// than a third of the value; secrets under 12 characters become `****`. The
/// mask has a fixed width, so the length does not leak either.
pub fn redact(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let n = chars.len();
    if n < REDACT_MIN_CHARS {
        return MASK.to_owned();
    }
    let head = recognizable_prefix(&chars).min(n / 3 - 2);
    let tail = &chars[n - 2..];
    let mut out: String = chars[..head].iter().collect();
    out.push_str(MASK);
    if tail.iter().all(|c| !c.is_whitespace() && !c.is_control()) {
        out.extend(tail);
    }
    out
}

/// The vendor prefix of a token: leading short alphabetic segments with their
/// separators (`sk_live_`, `ghp_`, `xoxb-`, `github_pat_`, `-----`), else up
/// to 4 leading alphanumerics (`AKIA`, `AIza`).
pub(super) fn recognizable_prefix(chars: &[char]) -> usize {
    let is_separator = |c: char| matches!(c, '_' | '-' | '.' | ':' | '~');
    let mut len = 0;
    loop {
        let segment = chars[len..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
        match chars.get(len + segment) {
            Some(&c) if segment <= 8 && is_separator(c) => len += segment + 1,
            _ => break,
        }
    }
    if len > 0 {
        return len;
    }
    chars
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count()
        .min(4)
}
