//! Atomic replacement of the database directory. A new database is built in
//! a sibling `<db>.tmp-<pid>`; the old one is renamed to `<db>.old-<pid>`,
//! the new one into place, then the old one deleted. At every moment either
//! the old or the new database is whole, and a run that dies in the middle
//! is repaired by the next one ([`recover`]).

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Without a way to ask whether a process lives, a sibling this old is
/// considered left over.
const STALE_AGE: Duration = Duration::from_secs(24 * 3600);

const TMP: &str = ".tmp-";
const OLD: &str = ".old-";

/// `<db>` + `suffix` + `pid`, next to `db`.
fn sibling(db: &Path, suffix: &str, pid: u32) -> Option<PathBuf> {
    let mut name: OsString = db.file_name()?.to_owned();
    name.push(format!("{suffix}{pid}"));
    Some(db.with_file_name(name))
}

/// Where this process builds the new database.
pub fn staging(db: &Path) -> Option<PathBuf> {
    sibling(db, TMP, std::process::id())
}

/// Puts a database back if a run died between its two renames, then
/// deletes the temporary and old siblings that no live process owns.
pub fn recover(db: &Path) -> io::Result<()> {
    let (Some(parent), Some(name)) = (db.parent(), db.file_name()) else {
        return Ok(());
    };
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let entries = match fs::read_dir(parent) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let prefix = name.to_string_lossy().into_owned();
    let mut leftovers: Vec<(PathBuf, &str)> = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let (kind, pid) = if let Some(pid) = rest.strip_prefix(TMP) {
            (TMP, pid)
        } else if let Some(pid) = rest.strip_prefix(OLD) {
            (OLD, pid)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && abandoned(pid, &entry.path()) {
            leftovers.push((entry.path(), kind));
        }
    }
    leftovers.sort();
    if !db.exists() {
        // The run died after moving the old database away: restore it.
        if let Some((old, _)) = leftovers.iter().find(|(_, kind)| *kind == OLD) {
            fs::rename(old, db)?;
        }
    }
    for (path, _) in leftovers {
        if path.exists() {
            fs::remove_dir_all(&path)?;
        }
    }
    Ok(())
}

/// Moves `staged` into place as `db`, keeping the old database until the
/// new one is in.
pub fn replace(db: &Path, staged: &Path) -> io::Result<()> {
    let old = sibling(db, OLD, std::process::id())
        .ok_or_else(|| io::Error::other("the database path has no directory name"))?;
    let had_old = db.exists();
    if had_old {
        fs::rename(db, &old)?;
    }
    if let Err(e) = fs::rename(staged, db) {
        if had_old {
            // Best effort: if this fails too, the next run's `recover` puts
            // it back.
            let _ = fs::rename(&old, db);
        }
        return Err(e);
    }
    if had_old {
        // The new database is in place; an old copy that cannot be deleted
        // now is deleted by the next run.
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Whether the process that named a sibling is gone.
fn abandoned(pid: u32, path: &Path) -> bool {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > STALE_AGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Above Linux's largest pid, so never a live process.
    const DEAD: u32 = 4_000_000_000;

    fn write(path: &Path, body: &str) {
        if let Some(p) = path.parent() {
            fs::create_dir_all(p).expect("mkdir");
        }
        fs::write(path, body).expect("write");
    }

    #[test]
    fn replace_swaps_the_directories_and_drops_the_old_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("advisory-db");
        write(&db.join("faasguard-db.json"), "old");
        let staged = staging(&db).expect("staging");
        write(&staged.join("faasguard-db.json"), "new");

        replace(&db, &staged).expect("replace");

        assert_eq!(
            fs::read_to_string(db.join("faasguard-db.json")).ok(),
            Some("new".into())
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("ls")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["advisory-db".to_string()]);
    }

    #[test]
    fn replace_into_an_empty_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("advisory-db");
        let staged = staging(&db).expect("staging");
        write(&staged.join("x"), "new");
        replace(&db, &staged).expect("replace");
        assert_eq!(fs::read_to_string(db.join("x")).ok(), Some("new".into()));
        assert!(!staged.exists());
    }

    #[test]
    fn recover_restores_a_database_moved_away_by_a_dead_run() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("advisory-db");
        let old = sibling(&db, OLD, DEAD).expect("old");
        let tmp = sibling(&db, TMP, DEAD).expect("tmp");
        write(&old.join("faasguard-db.json"), "kept");
        write(&tmp.join("osv/PyPI/all.zip.part"), "half");

        recover(&db).expect("recover");

        assert_eq!(
            fs::read_to_string(db.join("faasguard-db.json")).ok(),
            Some("kept".into())
        );
        assert!(!old.exists());
        assert!(!tmp.exists());
    }

    #[test]
    fn recover_leaves_live_runs_and_unrelated_names_alone() {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("advisory-db");
        write(&db.join("faasguard-db.json"), "current");
        let mine = staging(&db).expect("mine");
        let stale = sibling(&db, TMP, DEAD).expect("stale");
        let other = dir.path().join("advisory-db.tmp-notapid");
        let stale_old = sibling(&db, OLD, DEAD).expect("stale old");
        for p in [&mine, &stale, &other, &stale_old] {
            write(&p.join("f"), "x");
        }

        recover(&db).expect("recover");

        assert!(mine.exists(), "this process's own staging dir stays");
        assert!(other.exists(), "a name without a pid stays");
        assert!(!stale.exists());
        assert!(
            !stale_old.exists(),
            "the db exists, so the old copy is just removed"
        );
        assert_eq!(
            fs::read_to_string(db.join("faasguard-db.json")).ok(),
            Some("current".into())
        );
    }
}
