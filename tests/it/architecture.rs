//! The shape of `src/` (issue #15): imports between modules run one way, and
//! files stay small. Both are ratchets: the lists of today's exceptions below
//! must match exactly, so a new import loop or a new long file fails, and so
//! does fixing one without taking it off the list.
//!
//! A module's imports are the `crate::…` and `super::…` paths its file names
//! (in `use` items or inline), resolved to the deepest module file that
//! exists. A module naming one of its ancestors is not counted: a child using
//! its parent's types is how Rust modules are built; loops between siblings
//! and cousins are what make a layout hard to read.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Import loops that exist today, each as its sorted module list.
const KNOWN_LOOPS: &[&[&str]] = &[];

/// Files over [`MAX_LINES`] lines before their tests, today.
const KNOWN_LONG: &[&str] = &[];

const MAX_LINES: usize = 800;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src/a/b.rs` and `src/a/b/mod.rs` are module `a::b`; `lib.rs` is the root
/// (`""`). `main.rs` and the `cli/` it declares are the binary, not part of
/// the library's tree (they name the library as `faasguard::`).
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).ok()?;
    if rel.starts_with("cli") {
        return None;
    }
    let parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match parts.as_slice() {
        [only] if only == "lib" => Some(String::new()),
        [only] if only == "main" => None,
        [.., last] if last == "mod" => Some(parts[..parts.len() - 1].join("::")),
        _ => Some(parts.join("::")),
    }
}

/// The text before the file's `#[cfg(test)]` module (tests are not counted).
fn before_tests(text: &str) -> &str {
    match text.find("\n#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    }
}

/// Paths a file names: `crate::a::b` and `super::a`, including the members
/// of `use crate::{a, b::c}` groups.
fn named_paths(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let code: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            // Part of a longer word (`my_crate::`)?
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            out.extend(expand(&code[at..]));
        }
    }
    out
}

/// One path starting at `text` (`crate::a::{b, c::d}` gives three), as
/// segments.
fn expand(text: &str) -> Vec<Vec<String>> {
    let mut segs = Vec::new();
    let mut rest = text;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            break;
        }
        segs.push(rest[..end].to_string());
        rest = &rest[end..];
        if let Some(r) = rest.strip_prefix("::") {
            rest = r;
            if let Some(group) = rest.strip_prefix('{') {
                let close = matching_brace(group);
                let mut out = Vec::new();
                for member in split_top(&group[..close]) {
                    for tail in expand(member.trim()) {
                        let mut p = segs.clone();
                        p.extend(tail);
                        out.push(p);
                    }
                }
                return out;
            }
        } else {
            break;
        }
    }
    vec![segs]
}

fn matching_brace(s: &str) -> usize {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return i,
            '}' => depth -= 1,
            _ => {}
        }
    }
    s.len()
}

fn split_top(s: &str) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// The module a path names: the deepest existing module along it.
fn resolve(from: &str, path: &[String], modules: &BTreeSet<String>) -> String {
    let mut base: Vec<String> = Vec::new();
    let mut segs = path;
    if segs.first().map(String::as_str) == Some("crate") {
        segs = &segs[1..];
    } else {
        base = from
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        // `super` of module a::b (`a/b.rs` or `a/b/mod.rs`) is `a`.
        while segs.first().map(String::as_str) == Some("super") {
            base.pop();
            segs = &segs[1..];
        }
        if segs.first().map(String::as_str) == Some("self") {
            segs = &segs[1..];
        }
    }
    let mut best = base.join("::");
    let mut cur = base;
    for s in segs {
        cur.push(s.clone());
        let name = cur.join("::");
        if modules.contains(&name) {
            best = name;
        } else {
            break;
        }
    }
    best
}

fn is_ancestor(a: &str, of: &str) -> bool {
    a.is_empty() || of.starts_with(&format!("{a}::"))
}

/// Strongly connected components of more than one module (Tarjan).
fn loops(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'g> {
        g: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on: BTreeSet<&'g str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    impl<'g> T<'g> {
        fn visit(&mut self, v: &'g str) {
            self.index.insert(v, self.next);
            self.low.insert(v, self.next);
            self.next += 1;
            self.stack.push(v);
            self.on.insert(v);
            for w in self.g.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let lw = self.low[w];
                    let lv = self.low[v];
                    self.low.insert(v, lv.min(lw));
                } else if self.on.contains(w) {
                    let iw = self.index[w];
                    let lv = self.low[v];
                    self.low.insert(v, lv.min(iw));
                }
            }
            if self.low[v] == self.index[v] {
                let mut comp = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on.remove(w);
                    comp.push(w.to_string());
                    if w == v {
                        break;
                    }
                }
                if comp.len() > 1 {
                    comp.sort();
                    self.out.push(comp);
                }
            }
        }
    }
    let mut t = T {
        g: graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v.as_str()) {
            t.visit(v);
        }
    }
    t.out.sort();
    t.out
}

fn files() -> Vec<(PathBuf, String, String)> {
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    paths
        .into_iter()
        .filter_map(|p| {
            let m = module_of(&p)?;
            let text = std::fs::read_to_string(&p).unwrap();
            Some((p, m, text))
        })
        .collect()
}

fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let files = files();
    let modules: BTreeSet<String> = files.iter().map(|(_, m, _)| m.clone()).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, module, text) in &files {
        let edges = graph.entry(module.clone()).or_default();
        for p in named_paths(before_tests(text)) {
            let target = resolve(module, &p, &modules);
            if target != *module && !is_ancestor(&target, module) {
                edges.insert(target);
            }
        }
    }
    graph
}

#[test]
fn imports_loop_only_where_known() {
    let found = loops(&import_graph());
    let known: Vec<Vec<String>> = KNOWN_LOOPS
        .iter()
        .map(|l| l.iter().map(|s| s.to_string()).collect())
        .collect();
    assert_eq!(
        found, known,
        "import loops between modules changed: a new one is to be broken (move the shared \
         part into a module both import), a fixed one taken off KNOWN_LOOPS"
    );
}

#[test]
fn files_are_long_only_where_known() {
    // The binary's files too.
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    let files: Vec<(PathBuf, (), String)> = paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, (), text)
        })
        .collect();
    let mut long: Vec<String> = files
        .iter()
        // Test modules in files of their own (`tests.rs`, `db_tests.rs`).
        .filter(|(p, _, _)| {
            !p.file_stem()
                .is_some_and(|s| s == "tests" || s.to_string_lossy().ends_with("_tests"))
        })
        .filter(|(_, _, text)| before_tests(text).lines().count() > MAX_LINES)
        .map(|(p, _, _)| {
            p.strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    long.sort();
    assert_eq!(
        long, KNOWN_LONG,
        "files over {MAX_LINES} lines before their tests changed: split a new one along the \
         seams its header names, take a split one off KNOWN_LONG"
    );
}

#[test]
fn the_checker_sees_loops_and_groups() {
    let p = expand("crate::report::{json, audit::{html, svg}};");
    assert_eq!(
        p,
        vec![
            vec!["crate", "report", "json"],
            vec!["crate", "report", "audit", "html"],
            vec!["crate", "report", "audit", "svg"],
        ]
    );
    let modules: BTreeSet<String> = ["a", "a::b", "a::c", "d"].map(String::from).into();
    let path: Vec<String> = ["super", "c", "Thing"].map(String::from).to_vec();
    assert_eq!(resolve("a::b", &path, &modules), "a::c");
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a::b".into()).or_default().insert("a::c".into());
    g.entry("a::c".into()).or_default().insert("d".into());
    g.entry("d".into()).or_default().insert("a::b".into());
    assert_eq!(loops(&g), vec![vec!["a::b", "a::c", "d"]]);
}

/// Renderers that import the orchestrator (`scan`) today: a renderer takes
/// the scan's outcome from `outcome` and its settings from `settings`.
const KNOWN_RENDERERS_ON_SCAN: &[&str] = &[];

#[test]
fn renderers_import_the_orchestrator_only_where_known() {
    let on_scan: Vec<String> = import_graph()
        .into_iter()
        .filter(|(m, edges)| m.starts_with("report") && edges.contains("scan"))
        .map(|(m, _)| m)
        .collect();
    assert_eq!(on_scan, KNOWN_RENDERERS_ON_SCAN);
}

/// Files that are test modules of their own: `tests.rs`, `*_tests.rs`, and
/// every file its parent declares as `#[cfg(test)] mod name;`.
fn test_only_files(paths: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for p in paths {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
        if stem
            .as_deref()
            .is_some_and(|s| s == "tests" || s.ends_with("_tests"))
        {
            out.insert(p.clone());
        }
        let text = std::fs::read_to_string(p).unwrap();
        // A module file's children sit beside it (`mod.rs`, `lib.rs`) or in
        // the folder named after it (`a.rs` → `a/`).
        let dir = match stem.as_deref() {
            Some("mod" | "lib" | "main") => p.parent().unwrap().to_path_buf(),
            _ => p.with_extension(""),
        };
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for (i, line) in lines.iter().enumerate() {
            if *line != "#[cfg(test)]" {
                continue;
            }
            let Some(decl) = lines[i + 1..].iter().find(|l| !l.starts_with("#[")) else {
                continue;
            };
            if let Some(name) = decl.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                out.insert(dir.join(format!("{name}.rs")));
                out.insert(dir.join(name).join("mod.rs"));
            }
        }
    }
    out
}

/// `eprintln!`, `println!`, `eprint!`, `print!` and `dbg!` in `text`
/// (comments skipped), as 1-based line numbers.
fn printing_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .filter(|(_, l)| {
            ["println!", "print!", "dbg!"].iter().any(|m| {
                l.match_indices(m).any(|(at, _)| {
                    // `eprintln!` and `eprint!` are caught by the `e`-less
                    // names; a longer word (`my_print!`) is not a print.
                    let before = l[..at].chars().next_back();
                    !before.is_some_and(|c| (c.is_alphanumeric() && c != 'e') || c == '_')
                })
            })
        })
        .map(|(i, _)| i + 1)
        .collect()
}

/// The library never prints: its warnings are diagnostics in the scan's
/// outcome (so JSON and SARIF carry them and `--quiet` governs them) or
/// typed values the binary prints. Only the binary (`main.rs`, `cli/`)
/// writes to the terminal. Tests may print.
#[test]
fn only_the_binary_prints() {
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    let tests = test_only_files(&paths);
    let cli = src().join("cli");
    let mut found = Vec::new();
    for p in &paths {
        if p.starts_with(&cli) || p.ends_with("main.rs") || tests.contains(p) {
            continue;
        }
        let text = std::fs::read_to_string(p).unwrap();
        for line in printing_lines(before_tests(&text)) {
            let rel = p
                .strip_prefix(src())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            found.push(format!("src/{rel}:{line}"));
        }
    }
    assert_eq!(
        found,
        Vec::<String>::new(),
        "the library prints: make it a diagnostic in the outcome or a value the binary prints"
    );
}

#[test]
fn the_print_checker_sees_prints_and_test_modules() {
    let text = "fn a() {\n    eprintln!(\"x\");\n    // println!(\"doc\")\n    let s = \
                format!(\"y\");\n    print!(\"z\");\n    dbg!(1);\n    my_println!(2);\n}\n";
    assert_eq!(printing_lines(text), vec![2, 5, 6]);
    let lockfile = src().join("lockfile");
    let tests = test_only_files(&[lockfile.join("mod.rs"), src().join("discover/mod.rs")]);
    assert!(tests.contains(&lockfile.join("props.rs")), "{tests:?}");
    assert!(tests.contains(&lockfile.join("tests.rs")), "{tests:?}");
    assert!(!tests.contains(&lockfile.join("npm.rs")), "{tests:?}");
}

/// Issue #15's "done when": the orchestrator orders the stages and does
/// nothing else, so it stays short.
const ORCHESTRATOR_MAX_LINES: usize = 400;

#[test]
fn the_orchestrator_only_orders_the_stages() {
    let path = src().join("scan/mod.rs");
    let text = std::fs::read_to_string(&path).unwrap();
    let lines = before_tests(&text).lines().count();
    assert!(
        lines < ORCHESTRATOR_MAX_LINES,
        "src/scan/mod.rs has {lines} lines before its tests: move the work to the stage it belongs to"
    );
}

/// Every top-level module of the library, as `docs/architecture.md` names
/// it (`name` or `name/`).
fn top_level_modules() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(src())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| {
            let name = p.file_stem()?.to_str()?.to_owned();
            let is_module = p.is_dir() || p.extension().is_some_and(|e| e == "rs");
            (is_module && name != "main" && name != "lib").then_some(name)
        })
        .collect();
    names.sort();
    names.dedup();
    names
}

#[test]
fn every_module_has_its_line_in_the_architecture_page() {
    let page =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/architecture.md"))
            .unwrap();
    let missing: Vec<String> = top_level_modules()
        .into_iter()
        .filter(|m| !page.contains(&format!("`{m}`")) && !page.contains(&format!("`{m}/")))
        .collect();
    assert_eq!(
        missing,
        Vec::<String>::new(),
        "docs/architecture.md gives one line per module: add these under \"Modules, one line each\""
    );
}
