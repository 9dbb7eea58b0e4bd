//! `${file(...)}`: reading the files a service includes, confined to one
//! directory. The path is canonicalized (symlinks and `..` resolved) before
//! the check, so neither can lead outside; files are size-limited and parsed
//! with [`crate::parse`].

use std::path::{Path, PathBuf};

use crate::parse::{self, Node, Syntax};
use crate::source::FileId;

/// Largest file `${file()}` reads (the Framework has no limit; a scanner of
/// untrusted repositories needs one).
pub const MAX_FILE_BYTES: u64 = 1 << 20;

/// What reading an included file gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    /// The parsed document (YAML, JSON) or the text of any other file.
    Doc(Node),
    /// No such file: the Framework gives no value (fallbacks apply).
    Missing,
    /// Not read, with the reason (outside the root, too big, JavaScript...).
    /// `outside`: its value comes from outside the scanned files (a file
    /// outside the root, JavaScript run at deploy time), so the deployer
    /// supplies it.
    Unreadable {
        reason: String,
        note: bool,
        outside: bool,
    },
}

/// Where included files may come from.
#[derive(Clone, Debug)]
pub struct Sandbox {
    /// The service file's directory: relative paths start here.
    pub base: PathBuf,
    /// Canonical directory nothing may be read outside of.
    pub root: Option<PathBuf>,
}

impl Sandbox {
    pub fn new(service_file: &Path, root: Option<&Path>) -> Self {
        let base = service_file
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = root
            .unwrap_or(&base)
            .canonicalize()
            .ok()
            .or_else(|| base.canonicalize().ok());
        Sandbox { base, root }
    }

    /// The canonical path of `rel` when it is inside the root.
    pub fn locate(&self, rel: &str) -> Result<PathBuf, Loaded> {
        let joined = self.base.join(rel.trim());
        let canonical = match joined.canonicalize() {
            Ok(p) => p,
            Err(_) => return Err(Loaded::Missing),
        };
        match &self.root {
            Some(root) if canonical.starts_with(root) => Ok(canonical),
            _ => Err(Loaded::Unreadable {
                reason: format!("{rel} is outside the directory being scanned, so it is not read"),
                note: true,
                outside: true,
            }),
        }
    }

    /// Read and parse the file at `rel` (relative to the service).
    pub fn load(&self, rel: &str, file: FileId) -> (Option<PathBuf>, Loaded) {
        let path = match self.locate(rel) {
            Ok(p) => p,
            Err(e) => return (None, e),
        };
        (Some(path.clone()), read(&path, rel, file))
    }
}

fn read(path: &Path, rel: &str, file: FileId) -> Loaded {
    let unreadable = |reason: String, note: bool| Loaded::Unreadable {
        reason,
        note,
        outside: false,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => return Loaded::Missing,
    };
    if !meta.is_file() {
        return unreadable(format!("{rel} is not a file"), true);
    }
    if meta.len() > MAX_FILE_BYTES {
        return unreadable(
            format!("{rel} is larger than {MAX_FILE_BYTES} bytes, so it is not read"),
            true,
        );
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if matches!(ext.as_str(), "js" | "cjs" | "mjs" | "ts") {
        return Loaded::Unreadable {
            reason: format!("{rel} computes its value in JavaScript"),
            note: false,
            outside: true,
        };
    }
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return unreadable(format!("{rel} cannot be read: {e}"), true),
    };
    let syntax = match ext.as_str() {
        "yml" | "yaml" => Syntax::Yaml,
        "json" => Syntax::Json,
        // Any other file is included as its text.
        _ => return Loaded::Doc(Node::string(text, crate::source::Span::default())),
    };
    match parse::parse(&text, syntax, file) {
        Ok(docs) => match docs.into_iter().next() {
            Some(d) => Loaded::Doc(d),
            None => Loaded::Doc(Node::null(crate::source::Span::default())),
        },
        Err(e) => unreadable(format!("{rel} does not parse: {}", e.message), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_inside_the_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let svc = dir.path().join("svc");
        std::fs::create_dir(&svc).unwrap();
        std::fs::write(svc.join("c.yml"), "a: 1\n").unwrap();
        std::fs::write(svc.join("key.pem"), "TEXT").unwrap();
        std::fs::write(dir.path().join("outside.yml"), "a: 2\n").unwrap();
        let sb = Sandbox::new(&svc.join("serverless.yml"), Some(&svc));
        let (_, got) = sb.load("./c.yml", FileId(0));
        let Loaded::Doc(d) = got else {
            panic!("{got:?}")
        };
        assert_eq!(d.to_json(), serde_json::json!({"a": 1}));
        let (_, got) = sb.load("key.pem", FileId(0));
        assert_eq!(got, Loaded::Doc(Node::string("TEXT", Default::default())));
        assert_eq!(sb.load("nope.yml", FileId(0)).1, Loaded::Missing);
        let (_, got) = sb.load("../outside.yml", FileId(0));
        assert!(
            matches!(got, Loaded::Unreadable { note: true, .. }),
            "{got:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_of_the_root_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let svc = dir.path().join("svc");
        std::fs::create_dir(&svc).unwrap();
        std::fs::write(dir.path().join("secret.yml"), "a: 2\n").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.yml"), svc.join("link.yml")).unwrap();
        let sb = Sandbox::new(&svc.join("serverless.yml"), None);
        let (_, got) = sb.load("link.yml", FileId(0));
        assert!(matches!(got, Loaded::Unreadable { .. }), "{got:?}");
    }

    #[test]
    fn big_files_and_javascript_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = "x".repeat(MAX_FILE_BYTES as usize + 1);
        std::fs::write(dir.path().join("big.txt"), big).unwrap();
        std::fs::write(dir.path().join("c.js"), "module.exports = {}").unwrap();
        let sb = Sandbox::new(&dir.path().join("serverless.yml"), None);
        assert!(matches!(
            sb.load("big.txt", FileId(0)).1,
            Loaded::Unreadable { note: true, .. }
        ));
        assert!(matches!(
            sb.load("c.js", FileId(0)).1,
            Loaded::Unreadable { note: false, .. }
        ));
    }
}
