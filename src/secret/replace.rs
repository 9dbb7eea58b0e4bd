//! Replacing every found secret in a text in one pass: the report's
//! redactor (`finding::Redactor`) and the scrubbing of policy input
//! (`adapt::secrets::scrub_*`) share it. One automaton over all secrets keeps
//! the cost linear in the text whatever the number of secrets; a loop of
//! `str::replace` per secret made a file holding 5,000 tokens take 25 s.

use std::borrow::Cow;

use aho_corasick::{AhoCorasick, Input, MatchKind};

/// Secrets and what replaces each, matched leftmost-longest (a secret that
/// contains another is replaced whole).
#[derive(Clone, Debug, Default)]
pub struct Replacer {
    automaton: Option<AhoCorasick>,
    with: Vec<String>,
    /// Per secret: made only of ASCII letters (see [`Replacer::keep_inside_words`]).
    word_like: Vec<bool>,
    keep_inside_words: bool,
}

impl Replacer {
    /// A replacer of each `(secret, replacement)`; the first pair of a
    /// secret wins, empty secrets are ignored.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut seen = std::collections::HashSet::new();
        let (mut secrets, mut with, mut word_like) = (Vec::new(), Vec::new(), Vec::new());
        for (secret, replacement) in pairs {
            if secret.is_empty() || !seen.insert(secret) {
                continue;
            }
            secrets.push(secret);
            with.push(replacement.to_string());
            word_like.push(secret.bytes().all(|b| b.is_ascii_alphabetic()));
        }
        let automaton = if secrets.is_empty() {
            None
        } else {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&secrets)
                .ok()
        };
        Replacer {
            automaton,
            with,
            word_like,
            keep_inside_words: false,
        }
    }

    /// Leave a secret made only of letters alone where it is the inside of a
    /// longer word (a letter, digit or `_` on both sides): a weak password
    /// such as `secretsmanager` inside `aws_secretsmanager_secret` (ADR 0057).
    #[must_use]
    pub fn keep_inside_words(mut self) -> Self {
        self.keep_inside_words = true;
        self
    }

    /// No secret to replace.
    pub fn is_empty(&self) -> bool {
        self.automaton.is_none()
    }

    /// `text` with every secret replaced.
    pub fn replace<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let Some(ac) = &self.automaton else {
            return Cow::Borrowed(text);
        };
        let ident = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
        let mut out = String::new();
        let (mut last, mut from) = (0, 0);
        while from <= text.len() {
            let Some(m) = ac.find(Input::new(text).span(from..text.len())) else {
                break;
            };
            let i = m.pattern().as_usize();
            let inside_word = self.keep_inside_words
                && self.word_like.get(i).copied().unwrap_or(false)
                && ident(text[..m.start()].bytes().next_back())
                && ident(text[m.end()..].bytes().next());
            if inside_word {
                // An overlapping occurrence may still stand alone (`xaaaa`
                // then `aaaa:`); a letter is one byte, so this is a boundary.
                from = m.start() + 1;
                continue;
            }
            out.push_str(&text[last..m.start()]);
            out.push_str(self.with.get(i).map_or("", String::as_str));
            last = m.end();
            from = last;
        }
        if last == 0 && out.is_empty() {
            return Cow::Borrowed(text);
        }
        out.push_str(&text[last..]);
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_secret_wins_and_each_is_replaced_once() {
        let r = Replacer::new([
            ("AKIAABCD", "AK****"),
            ("AKIAABCDEFGHIJKLMNOP", "AKIA****OP"),
        ]);
        assert_eq!(
            r.replace("a AKIAABCDEFGHIJKLMNOP b AKIAABCD"),
            "a AKIA****OP b AK****"
        );
        assert_eq!(r.replace("nothing here"), "nothing here");
        assert!(Replacer::new([("", "x")]).is_empty());
    }

    #[test]
    fn words_are_kept_only_when_asked() {
        let pairs = [("secretsmanager", "se****er")];
        let plain = Replacer::new(pairs);
        assert_eq!(
            plain.replace("aws_secretsmanager_secret"),
            "aws_se****er_secret"
        );
        let kept = Replacer::new(pairs).keep_inside_words();
        assert_eq!(
            kept.replace("aws_secretsmanager_secret"),
            "aws_secretsmanager_secret"
        );
        assert_eq!(kept.replace("aws/secretsmanager"), "aws/se****er");
        // Skipped inside a word, the overlapping occurrence after it stands alone.
        let aaaa = Replacer::new([("aaaa", "****")]).keep_inside_words();
        assert_eq!(aaaa.replace("xaaaaa:"), "xa****:");
    }

    #[test]
    fn thousands_of_secrets_cost_one_pass() {
        let secrets: Vec<String> = (0..20_000).map(|i| format!("tok_{i:06}_secret")).collect();
        let r = Replacer::new(secrets.iter().map(|s| (s.as_str(), "****")));
        let text: String = secrets.iter().map(|s| format!("{s} ")).collect();
        let out = r.replace(&text);
        assert_eq!(out.matches("****").count(), 20_000);
        assert!(!out.contains("_secret"));
    }
}
