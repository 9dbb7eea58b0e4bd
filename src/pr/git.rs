//! Reading another commit's files from the git object database, for
//! `--baseline-commit`: `git` on the PATH resolves the commit, lists its tree
//! (`ls-tree`) and hands over the blobs (`cat-file --batch`), which are
//! written to a private temporary directory. Never a checkout of the user's
//! work tree, never the network.
//!
//! The repository is untrusted input (docs/adr/0018): its configuration must
//! not make git run anything or reach anything. Every call passes
//! [`SAFE_CONFIG`] and the environment of [`command`]; `cat-file --batch`
//! without `--filters` returns blobs as stored, so no clean/smudge filter or
//! `textconv` driver of the repository's `.gitattributes` runs (where
//! `git archive` would apply them).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

/// `-c` settings on every git call: no file-system monitor hook (a command
/// the repository's config can name), no pager, no credential helper, no
/// transport at all (a partial clone would otherwise fetch a missing object
/// from its promisor remote).
pub const SAFE_CONFIG: &[&str] = &[
    "core.fsmonitor=false",
    "core.pager=cat",
    "core.askPass=",
    "credential.helper=",
    "protocol.allow=never",
    "core.hooksPath=/dev/null",
];

/// Why another commit's files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` could not be started.
    #[error("`git` could not be run (is it installed and on the PATH?): {0}")]
    Spawn(String),
    /// A scanned path is not inside a git work tree.
    #[error("{path} is not in a git repository: --baseline-commit compares with a commit of the repository holding the scanned paths ({detail})")]
    NotARepository {
        /// The scanned path.
        path: String,
        /// git's error.
        detail: String,
    },
    /// A scanned path is in another repository than the first one.
    #[error("{path} is outside the git repository at {top}: every scanned path must be in the same repository for --baseline-commit")]
    Outside {
        /// The scanned path.
        path: String,
        /// The first path's repository (its top-level folder).
        top: String,
    },
    /// The commit is missing because the clone is shallow.
    #[error("the commit `{reference}` is not in this shallow clone: fetch the history (`fetch-depth: 0` in actions/checkout) or the commit itself (`git fetch origin {reference}`)")]
    Shallow {
        /// The commit as given to `--baseline-commit`.
        reference: String,
    },
    /// The name does not resolve to a commit.
    #[error("`{reference}` does not name a commit of this repository ({detail})")]
    UnknownRef {
        /// The name as given to `--baseline-commit`.
        reference: String,
        /// git's error.
        detail: String,
    },
    /// The name starts with `-` and would be read as an option.
    #[error("`{reference}` is not a usable commit name (it starts with `-`)")]
    BadRef {
        /// The name as given.
        reference: String,
    },
    /// A git command failed.
    #[error("git {args} failed: {detail}")]
    Failed {
        /// Its arguments, space-separated.
        args: String,
        /// git's standard error, trimmed.
        detail: String,
    },
    /// The commit's files could not be written to the temporary folder.
    #[error("cannot write the files of {commit} to {dir}: {detail}")]
    Write {
        /// The commit being written out.
        commit: String,
        /// The temporary folder.
        dir: String,
        /// What failed.
        detail: String,
    },
}

/// A git command in `top` with the safe settings, no terminal prompt, no
/// lazy fetch, no optional locks (a read-only caller must not take the
/// index lock from a concurrent `git commit`).
pub fn command(top: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(top);
    for c in SAFE_CONFIG {
        cmd.arg("-c").arg(c);
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env_remove("GIT_EXTERNAL_DIFF")
        .stdin(Stdio::null());
    cmd
}

/// Run `git ARGS` in `top`; stdout on success.
fn run(top: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = command(top)
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .output()
        .map_err(|e| GitError::Spawn(e.to_string()))?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(GitError::Failed {
            args: args.join(" "),
            detail: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

/// The top level of the work tree holding `dir` (canonical).
pub fn toplevel(dir: &Path) -> Result<PathBuf, GitError> {
    let out = run(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| match e {
        GitError::Failed { detail, .. } => GitError::NotARepository {
            path: dir.display().to_string(),
            detail,
        },
        e => e,
    })?;
    let top = String::from_utf8_lossy(&out).trim().to_string();
    std::fs::canonicalize(&top).map_err(|e| GitError::NotARepository {
        path: top,
        detail: e.to_string(),
    })
}

/// The full object name of the commit `reference` names; `None` for `HEAD`
/// in a repository with no commit yet (a first commit through pre-commit:
/// everything is new). A reference that does not resolve in a shallow
/// clone is most likely cut off by the clone's depth: that error names the
/// fix.
pub fn resolve(top: &Path, reference: &str) -> Result<Option<String>, GitError> {
    if reference.starts_with('-') {
        return Err(GitError::BadRef {
            reference: reference.to_string(),
        });
    }
    let spec = format!("{reference}^{{commit}}");
    match run(top, &["rev-parse", "--verify", "--end-of-options", &spec]) {
        Ok(out) => Ok(Some(String::from_utf8_lossy(&out).trim().to_string())),
        Err(GitError::Failed { .. })
            if reference == "HEAD" && run(top, &["symbolic-ref", "-q", "HEAD"]).is_ok() =>
        {
            // HEAD names a branch, and it did not resolve: the branch has no commit yet.
            Ok(None)
        }
        Err(GitError::Failed { detail, .. }) => {
            let shallow = run(top, &["rev-parse", "--is-shallow-repository"])
                .map(|o| String::from_utf8_lossy(&o).trim() == "true")
                .unwrap_or(false);
            if shallow {
                Err(GitError::Shallow {
                    reference: reference.to_string(),
                })
            } else {
                Err(GitError::UnknownRef {
                    reference: reference.to_string(),
                    detail,
                })
            }
        }
        Err(e) => Err(e),
    }
}

/// One file of a commit's tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blob {
    pub(crate) object: String,
    /// Relative to the repository's top, `/`-separated, as git stores it.
    pub path: String,
    pub(crate) size: u64,
}

/// The regular files of `commit` (symbolic links and submodules are left
/// out: a link could lead outside the copy, a submodule's commit is not in
/// this object database), with paths that are safe to write under a
/// directory: no absolute path, no `..`, no `.git` component.
pub fn files(top: &Path, commit: &str) -> Result<Vec<Blob>, GitError> {
    let out = run(
        top,
        &[
            "ls-tree",
            "-r",
            "-z",
            "-l",
            "--full-tree",
            "--end-of-options",
            commit,
        ],
    )?;
    let mut blobs = Vec::new();
    for entry in out.split(|b| *b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        // `<mode> SP <type> SP <object> SP+ <size> TAB <path>`
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split_whitespace();
        let (Some(mode), Some(kind), Some(object), Some(size)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if kind != "blob" || !(mode == "100644" || mode == "100755") || !safe_path(path) {
            continue;
        }
        let Ok(size) = size.parse() else {
            continue;
        };
        blobs.push(Blob {
            object: object.to_string(),
            path: path.to_string(),
            size,
        });
    }
    Ok(blobs)
}

/// A tree path git would itself refuse to check out is not written either.
fn safe_path(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(n) if !n.eq_ignore_ascii_case(".git")))
}

/// Write `blobs` under `dir` (their tree paths joined to it), reading them
/// with one `git cat-file --batch`.
pub fn write_blobs(top: &Path, commit: &str, blobs: &[Blob], dir: &Path) -> Result<(), GitError> {
    let write_err = |detail: String| GitError::Write {
        commit: commit.to_string(),
        dir: dir.display().to_string(),
        detail,
    };
    if blobs.is_empty() {
        return Ok(());
    }
    let mut child = command(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| GitError::Spawn(e.to_string()))?;
    let mut stdin = child
        .stdin
        .take()
        .ok_or_else(|| write_err("no pipe to git".into()))?;
    let names: Vec<String> = blobs.iter().map(|b| format!("{}\n", b.object)).collect();
    // Written from another thread: git answers as it reads, and a full pipe
    // both ways would stall both processes.
    let feeder = std::thread::spawn(move || {
        for n in names {
            if stdin.write_all(n.as_bytes()).is_err() {
                break;
            }
        }
    });
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| write_err("no pipe from git".into()))?;
    let mut reader = BufReader::new(stdout);
    let mut result = Ok(());
    for blob in blobs {
        let mut header = String::new();
        if let Err(e) = reader.read_line(&mut header) {
            result = Err(write_err(e.to_string()));
            break;
        }
        // `<object> blob <size>` (or `<object> missing`).
        let size = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok());
        let Some(size) = size else {
            result = Err(GitError::Failed {
                args: "cat-file --batch".into(),
                detail: format!("object {} of {}: {}", blob.object, blob.path, header.trim()),
            });
            break;
        };
        let mut content = Vec::with_capacity(size as usize);
        let mut newline = [0u8; 1];
        let read = (&mut reader)
            .take(size)
            .read_to_end(&mut content)
            .and_then(|_| reader.read_exact(&mut newline));
        if let Err(e) = read {
            result = Err(write_err(e.to_string()));
            break;
        }
        let target = dir.join(&blob.path);
        let written = target
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&target, &content));
        if let Err(e) = written {
            result = Err(write_err(format!("{}: {e}", blob.path)));
            break;
        }
    }
    drop(reader);
    let _ = feeder.join();
    let _ = child.wait();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_tree_paths_are_refused() {
        assert!(safe_path("infra/template.yaml"));
        assert!(!safe_path("../escape.yaml"));
        assert!(!safe_path("a/../../b"));
        assert!(!safe_path("/etc/passwd"));
        assert!(!safe_path(".git/config"));
        assert!(!safe_path("sub/.GIT/hooks/x"));
        assert!(!safe_path(""));
    }
}
