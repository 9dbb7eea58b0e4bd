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
    let mut policies = Vec::new();
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
        if name == "POLICIES" {
            policies = files;
        }
    }
    rvm_program(&policies);
    shared(&root);
}

/// The rule packages evaluated on regorus' RVM (`faasguard::engine::rvm::USABLE`).
const USABLE: &[&str] = include!("src/engine/rvm_usable.in");

/// Compile the `deny` (and `undecided`) rules of [`USABLE`] into one RVM program and write it
/// to `$OUT_DIR/rules.rvm`, which the binary embeds: a scan loads it instead of compiling the
/// policies again at every start (ADR 0053). The program is compiled from the built-in policies
/// alone, as the scan's engine holds them when no user policy is loaded (the only case the scan
/// uses it); it does not depend on the rule data, which the machine is given at run time.
fn rvm_program(policies: &[PathBuf]) {
    use regorus::languages::rego::compiler::Compiler;
    println!("cargo:rerun-if-changed=src/engine/rvm_usable.in");
    let mut engine = regorus::Engine::new();
    let mut packages: Vec<(String, String)> = Vec::new();
    for f in policies {
        let text = fs::read_to_string(f).expect("read policy");
        let path = f.display().to_string();
        let pkg = engine
            .add_policy(path.clone(), text)
            .expect("built-in policy parses");
        packages.push((pkg, path));
    }
    // The constant rule that resets a machine's state (`Engine::release`).
    engine
        .add_policy(
            "<faasguard.__idle>".to_string(),
            "package faasguard.__idle\n\nidle := true\n".to_string(),
        )
        .expect("idle module");
    let mut entries = Vec::new();
    for short in USABLE {
        let pkg = format!("data.{short}");
        let files: Vec<&String> = packages
            .iter()
            .filter(|(p, _)| *p == pkg)
            .map(|(_, f)| f)
            .collect();
        assert!(
            !files.is_empty(),
            "rvm_usable.in names {short}, which no policy declares"
        );
        entries.push(format!("{pkg}.deny"));
        let undecided = files.iter().any(|f| {
            engine
                .has_declared_rule_rooted_at(f, "undecided")
                .unwrap_or(false)
        });
        if undecided {
            entries.push(format!("{pkg}.undecided"));
        }
    }
    entries.push("data.faasguard.__idle.idle".to_string());
    rvm_rules_table(&engine, &entries);
    let policy = engine
        .compile_with_entrypoint(&regorus::Rc::from(entries[0].as_str()))
        .unwrap_or_else(|e| panic!("compiling the RVM rules: {e:#}"));
    let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    let program = Compiler::compile_from_policy(&policy, &refs)
        .unwrap_or_else(|e| panic!("compiling the RVM rules: {e}"));
    let mut program = std::sync::Arc::try_unwrap(program).unwrap_or_else(|p| (*p).clone());
    // The policies' text and each instruction's place in it serve regorus' error messages
    // only: an RVM error sends the rule back to the interpreter, whose messages name the place.
    program.sources = Vec::new();
    program.instruction_spans = Vec::new();
    let bytes = program
        .serialize_binary()
        .unwrap_or_else(|e| panic!("serializing the RVM program: {e}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("rules.rvm");
    fs::write(out, bytes).expect("write rules.rvm");
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

/// Write `$OUT_DIR/rvm_rules.json`: for each package of [`USABLE`], its metadata (evaluated
/// here) and whether it defines `undecided`. Without user policies the scan does not give these
/// packages to the interpreter at all (their parsing and analysis were most of its start-up): it
/// takes their metadata from this table and evaluates them on the program (ADR 0053).
fn rvm_rules_table(engine: &regorus::Engine, entries: &[String]) {
    let mut engine = engine.clone();
    let mut rows = Vec::new();
    for short in USABLE {
        let pkg = format!("data.{short}");
        let meta = engine
            .eval_rule(format!("{pkg}.metadata"))
            .unwrap_or_else(|e| panic!("{short}: its metadata: {e}"));
        assert!(
            meta != regorus::Value::Undefined,
            "{short} defines no metadata"
        );
        let meta = meta.to_json_str().expect("metadata as JSON");
        let undecided = entries.contains(&format!("{pkg}.undecided"));
        rows.push(format!(
            "{{\"package\": {pkg:?}, \"undecided\": {undecided}, \"metadata\": {meta}}}"
        ));
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("rvm_rules.json");
    fs::write(out, format!("[\n{}\n]\n", rows.join(",\n"))).expect("write rvm_rules.json");
}
