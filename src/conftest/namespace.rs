//! Which packages hold conftest policies: `--namespace` values matched as
//! conftest matches them (a literal package name, or a glob with `*`, `?`
//! and `[...]` as Go's `path.Match`, where `.` is an ordinary character so
//! `*` matches every package and `main.*` matches `main.gke`), and
//! `--all-namespaces` (every package of the user's policies).

/// The pattern `--all-namespaces` stands for.
pub const ALL: &str = "*";

/// Whether a package (`main`, `lib.kubernetes`) is one of the namespaces.
/// faasguard's own packages never are.
pub fn matches(package: &str, patterns: &[String]) -> bool {
    if package == "faasguard" || package.starts_with("faasguard.") {
        return false;
    }
    patterns
        .iter()
        .any(|p| glob(p.as_bytes(), package.as_bytes()).unwrap_or(false))
}

/// A `--namespace` pattern that is not a glob (a malformed class).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "--namespace `{pattern}`: {reason} (a literal package name, or a glob with `*`, `?`, `[...]`)"
)]
pub struct NamespaceError {
    /// The pattern as given.
    pub pattern: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Check a pattern once, at the edge: a malformed class is an error.
pub fn validate(pattern: &str) -> Result<(), NamespaceError> {
    glob(pattern.as_bytes(), b"")
        .map(|_| ())
        .map_err(|reason| NamespaceError {
            pattern: pattern.to_string(),
            reason,
        })
}

/// Go's `path.Match` over bytes (namespaces hold no `/`).
fn glob(pattern: &[u8], name: &[u8]) -> Result<bool, &'static str> {
    let (mut p, mut n) = (0usize, 0usize);
    // The last `*` seen and where in `name` it resumes, for backtracking.
    let mut star: Option<(usize, usize)> = None;
    loop {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    star = Some((p, n));
                    p += 1;
                    continue;
                }
                b'?' if n < name.len() => {
                    p += 1;
                    n += 1;
                    continue;
                }
                b'[' => {
                    let (matched, next) = class(pattern, p, name.get(n).copied())?;
                    if matched {
                        p = next;
                        n += 1;
                        continue;
                    }
                }
                b'\\' => {
                    let Some(&c) = pattern.get(p + 1) else {
                        return Err("a trailing `\\`");
                    };
                    if name.get(n) == Some(&c) {
                        p += 2;
                        n += 1;
                        continue;
                    }
                }
                c if c != b'?' && name.get(n) == Some(&c) => {
                    p += 1;
                    n += 1;
                    continue;
                }
                _ => {}
            }
        } else if n == name.len() {
            return Ok(true);
        }
        match star {
            Some((sp, sn)) if sn < name.len() => {
                star = Some((sp, sn + 1));
                p = sp + 1;
                n = sn + 1;
            }
            _ => {
                // Still check the rest of the pattern is well formed.
                check_rest(&pattern[p.min(pattern.len())..])?;
                return Ok(false);
            }
        }
    }
}

fn check_rest(pattern: &[u8]) -> Result<(), &'static str> {
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'[' => i = class(pattern, i, None)?.1,
            b'\\' if i + 1 >= pattern.len() => return Err("a trailing `\\`"),
            b'\\' => i += 2,
            _ => i += 1,
        }
    }
    Ok(())
}

/// A `[...]` class at `start`: whether `c` is in it, and where it ends.
fn class(pattern: &[u8], start: usize, c: Option<u8>) -> Result<(bool, usize), &'static str> {
    let mut i = start + 1;
    let negated = pattern.get(i) == Some(&b'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let Some(&b) = pattern.get(i) else {
            return Err("an unclosed `[`");
        };
        if b == b']' && !first {
            i += 1;
            break;
        }
        first = false;
        let lo = if b == b'\\' {
            i += 1;
            *pattern.get(i).ok_or("a trailing `\\`")?
        } else {
            b
        };
        i += 1;
        let mut hi = lo;
        if pattern.get(i) == Some(&b'-') && pattern.get(i + 1).is_some_and(|&x| x != b']') {
            i += 1;
            hi = if pattern[i] == b'\\' {
                i += 1;
                *pattern.get(i).ok_or("a trailing `\\`")?
            } else {
                pattern[i]
            };
            i += 1;
        }
        if c.is_some_and(|c| lo <= c && c <= hi) {
            matched = true;
        }
    }
    Ok((c.is_some() && matched != negated, i))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        matches(n, &[p.to_string()])
    }

    #[test]
    fn globs_match_as_go_path_match() {
        assert!(m("main", "main"));
        assert!(!m("main", "main.gke"));
        assert!(m("*", "main"));
        assert!(m("*", "lib.kubernetes"));
        assert!(m("main.*", "main.gke"));
        assert!(m("main.*", "main.a.b"));
        assert!(!m("main.*", "main"));
        assert!(m("*.simple", "k8s.simple"));
        assert!(m("group?", "group1"));
        assert!(!m("group?", "group12"));
        assert!(m("group[12]", "group2"));
        assert!(!m("group[^12]", "group2"));
        assert!(m("group[a-c]", "groupb"));
        // faasguard's own packages are never conftest namespaces.
        assert!(!m("*", "faasguard.rules.iam.x"));
        assert_eq!(
            validate("group[12").unwrap_err().to_string(),
            "--namespace `group[12`: an unclosed `[` (a literal package name, or a glob with `*`, `?`, `[...]`)"
        );
        assert!(validate("main.*").is_ok());
    }
}
