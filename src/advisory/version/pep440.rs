//! PEP 440 versions, as PyPI orders them.
//!
//! Accepts every spelling the specification normalises (case, `alpha` →
//! `a`, `preview` → `rc`, `rev` → `post`, `1.0-1` → `1.0.post1`, optional
//! separators and numbers, a leading `v`) and orders by the specification's
//! key: epoch, release (trailing zeros ignored, so `1.0 == 1.0.0`), then
//! dev < pre < release < post, then local segments.

use std::cmp::Ordering;
use std::fmt;

use super::semver::number;

/// A parsed PEP 440 version.
#[derive(Clone, Debug)]
pub struct Pep440 {
    pub(crate) epoch: u64,
    /// As written: `1.0` keeps both parts, for display.
    pub release: Vec<u64>,
    pub(crate) pre: Option<(PreKind, u64)>,
    pub(crate) post: Option<u64>,
    pub(crate) dev: Option<u64>,
    /// Local version label (`+ubuntu.1`), lower-cased.
    pub local: Vec<LocalSegment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum PreKind {
    Alpha,
    Beta,
    Rc,
}

/// Numeric local segments sort after alphanumeric ones (PEP 440).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LocalSegment {
    Alpha(String),
    Number(u64),
}

/// A small cursor over the lower-cased text.
struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn eat_word(&mut self, w: &str) -> bool {
        if self
            .s
            .get(self.at..)
            .is_some_and(|rest| rest.starts_with(w.as_bytes()))
        {
            self.at += w.len();
            true
        } else {
            false
        }
    }

    fn eat_sep(&mut self) -> bool {
        matches!(self.peek(), Some(b'.' | b'-' | b'_')) && {
            self.at += 1;
            true
        }
    }

    fn digits(&mut self) -> Option<Option<u64>> {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        if start == self.at {
            return Some(None);
        }
        let text = std::str::from_utf8(self.s.get(start..self.at)?).ok()?;
        // Too large for u64: not a version we can order.
        Some(Some(number(text)?))
    }

    /// `[sep] word [sep] [digits]` for the first of `words` found; the
    /// position is restored when none is.
    fn keyword(&mut self, words: &[&str]) -> Option<(usize, Option<u64>)> {
        let start = self.at;
        self.eat_sep();
        for (i, w) in words.iter().enumerate() {
            if self.eat_word(w) {
                let before_sep = self.at;
                self.eat_sep();
                match self.digits() {
                    Some(Some(n)) => return Some((i, Some(n))),
                    Some(None) => {
                        // A separator with no number after it belongs to
                        // whatever follows.
                        self.at = before_sep;
                        return Some((i, None));
                    }
                    None => {
                        self.at = start;
                        return None;
                    }
                }
            }
        }
        self.at = start;
        None
    }
}

impl Pep440 {
    /// Parses any PEP 440 spelling; `None` for text that is not one.
    pub fn parse(s: &str) -> Option<Pep440> {
        let lower = s.trim().to_ascii_lowercase();
        let mut c = Cursor {
            s: lower.as_bytes(),
            at: 0,
        };
        c.eat(b'v');
        let first = c.digits()??;
        let (epoch, first) = if c.eat(b'!') {
            (first, c.digits()??)
        } else {
            (0, first)
        };
        let mut release = vec![first];
        while c.peek() == Some(b'.') && c.s.get(c.at + 1).is_some_and(|b| b.is_ascii_digit()) {
            c.at += 1;
            release.push(c.digits()??);
        }
        // Longer spellings first: `alpha` before `a`, `preview` before `pre`.
        const PRE: [&str; 8] = ["alpha", "a", "beta", "b", "preview", "pre", "rc", "c"];
        let pre = c.keyword(&PRE).map(|(i, n)| {
            let kind = match i {
                0 | 1 => PreKind::Alpha,
                2 | 3 => PreKind::Beta,
                _ => PreKind::Rc,
            };
            (kind, n.unwrap_or(0))
        });
        let post =
            if c.peek() == Some(b'-') && c.s.get(c.at + 1).is_some_and(|b| b.is_ascii_digit()) {
                // `1.0-1` is the implicit post-release spelling.
                c.at += 1;
                c.digits()?
            } else {
                c.keyword(&["post", "rev", "r"])
                    .map(|(_, n)| n.unwrap_or(0))
            };
        let dev = c.keyword(&["dev"]).map(|(_, n)| n.unwrap_or(0));
        let mut local = Vec::new();
        if c.eat(b'+') {
            let rest = std::str::from_utf8(c.s.get(c.at..)?).ok()?;
            for seg in rest.split(['.', '-', '_']) {
                if seg.is_empty() || !seg.bytes().all(|b| b.is_ascii_alphanumeric()) {
                    return None;
                }
                local.push(match number(seg) {
                    Some(n) => LocalSegment::Number(n),
                    None if seg.bytes().all(|b| b.is_ascii_digit()) => return None,
                    None => LocalSegment::Alpha(seg.to_string()),
                });
            }
            c.at = c.s.len();
        }
        if c.at != c.s.len() {
            return None;
        }
        Some(Pep440 {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// The pre-release part of the sort key: a dev release of a final
    /// version (`1.0.dev1`) sorts before its pre-releases, a final release
    /// after them.
    fn pre_key(&self) -> (u8, Option<(PreKind, u64)>) {
        match (self.pre, self.post, self.dev) {
            (None, None, Some(_)) => (0, None),
            (Some(p), _, _) => (1, Some(p)),
            (None, _, _) => (2, None),
        }
    }
}

fn compare_release(a: &[u64], b: &[u64]) -> Ordering {
    let len = a.len().max(b.len());
    for i in 0..len {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        if x != y {
            return x.cmp(&y);
        }
    }
    Ordering::Equal
}

impl Ord for Pep440 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| compare_release(&self.release, &other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            // No post-release sorts first; no dev release sorts last.
            .then_with(|| self.post.map(|n| (1, n)).cmp(&other.post.map(|n| (1, n))))
            .then_with(|| match (self.dev, other.dev) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(&b),
            })
            .then_with(|| self.local.cmp(&other.local))
    }
}

impl PartialOrd for Pep440 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pep440 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pep440 {}

impl fmt::Display for Pep440 {
    /// The normalised form (`1.0rc1.post2.dev3+local.1`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.epoch != 0 {
            write!(f, "{}!", self.epoch)?;
        }
        for (i, n) in self.release.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{n}")?;
        }
        if let Some((kind, n)) = self.pre {
            let tag = match kind {
                PreKind::Alpha => "a",
                PreKind::Beta => "b",
                PreKind::Rc => "rc",
            };
            write!(f, "{tag}{n}")?;
        }
        if let Some(n) = self.post {
            write!(f, ".post{n}")?;
        }
        if let Some(n) = self.dev {
            write!(f, ".dev{n}")?;
        }
        for (i, seg) in self.local.iter().enumerate() {
            f.write_str(if i == 0 { "+" } else { "." })?;
            match seg {
                LocalSegment::Alpha(s) => f.write_str(s)?,
                LocalSegment::Number(n) => write!(f, "{n}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Pep440 {
        Pep440::parse(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn normalises_spellings() {
        let same = [
            ("1.0", "1.0.0"),
            ("1.0", "v1.0"),
            ("1.0a1", "1.0.0-alpha.1"),
            ("1.0b2", "1.0BETA2"),
            ("1.0rc1", "1.0-preview-1"),
            ("1.0rc1", "1.0c1"),
            ("1.0rc0", "1.0rc"),
            ("1.0.post1", "1.0-1"),
            ("1.0.post1", "1.0-r1"),
            ("1.0.post0", "1.0.post"),
            ("1.0.post2", "1.0_rev2"),
            ("1.0.dev0", "1.0-dev"),
            ("1.0+ubuntu.1", "1.0+Ubuntu-1"),
            ("0!1.0", "1.0"),
        ];
        for (a, b) in same {
            assert_eq!(v(a), v(b), "{a} == {b}");
        }
        assert_eq!(
            v("V1.0-ALPHA_1.post2.DEV3+Abc.01").to_string(),
            "1.0a1.post2.dev3+abc.1"
        );
        assert_eq!(v("2!1.2").to_string(), "2!1.2");
        for bad in [
            "", "1.0.", "abc", "1.0+", "1.0+a..b", "1.0foo", "1.0 2", "!1",
        ] {
            assert!(Pep440::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn orders_per_pep_440() {
        // The example ordering from PEP 440's "Summary of permitted suffixes".
        let chain = [
            "1.dev0",
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.0.15",
            "1.1.dev1",
            "1!0.1",
        ];
        for pair in chain.windows(2) {
            assert!(v(pair[0]) < v(pair[1]), "{} < {}", pair[0], pair[1]);
        }
    }
}
