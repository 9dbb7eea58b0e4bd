//! Embeds the built-in policies (`policies/**/*.rego`) and rule data
//! (`rules/**`) into the binary, so `faasguard scan` works from anywhere.
// Outside the library: a panic is how a build script reports failure, so the
// [lints] that keep panics out of the library do not apply here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, exts, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| exts.contains(&e))
        {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let out_path = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("embedded.rs");
    let mut out = fs::File::create(&out_path).expect("create embedded.rs");
    for (name, dir, exts) in [
        ("POLICIES", "policies", &["rego"][..]),
        ("RULE_DATA", "rules", &["toml", "json", "yaml"][..]),
    ] {
        let mut files = Vec::new();
        collect(&root.join(dir), exts, &mut files);
        // The coverage map is documentation (a test renders docs/coverage.md from it); no rule
        // reads it, and embedding it would change reports' rule-set digest with every edit.
        files.retain(|f| !f.ends_with("rules/coverage.toml"));
        files.sort();
        writeln!(out, "pub static {name}: &[(&str, &str)] = &[").expect("write");
        for f in &files {
            let rel = f
                .strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            writeln!(
                out,
                "    ({rel:?}, include_str!({:?})),",
                f.display().to_string()
            )
            .expect("write");
        }
        writeln!(out, "];").expect("write");
        println!("cargo:rerun-if-changed={dir}");
    }
    shared(&root);
}

/// Tests that read `../shared` (see `src/shared.rs`) are ignored, visibly,
/// when it is absent, unless `FAASGUARD_REQUIRE_SHARED=1` requires it.
fn shared(root: &Path) {
    println!("cargo:rustc-check-cfg=cfg(shared_absent)");
    println!("cargo:rerun-if-env-changed=FAASGUARD_REQUIRE_SHARED");
    let required = std::env::var("FAASGUARD_REQUIRE_SHARED").is_ok_and(|v| v == "1");
    let shared = root.join("../shared");
    if shared.is_dir() {
        // Its removal reruns this script. (Watching a missing path would
        // rerun it, and rebuild the crate, on every build: adding it later
        // needs `cargo clean -p faasguard` or `FAASGUARD_REQUIRE_SHARED=1`.)
        println!("cargo:rerun-if-changed={}", shared.display());
    } else if !required {
        println!("cargo:rustc-cfg=shared_absent");
    }
}
