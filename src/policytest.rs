//! `faasguard policy test DIR`: Rego unit tests (`test_*` rules), like
//! `opa test`. Every `.rego` under the directories is loaded beside the
//! built-in policies and their data (so tests can use `data.faasguard.lib`);
//! each `test_*` rule passes when it is true, fails when it is false or
//! undefined, and errors when its evaluation fails. Like `conftest verify`,
//! tests get the data documents (`--data`, data files in the policy
//! folders) and conftest's `parse_config*` functions, reading files
//! relative to the policy's folder.

use std::path::PathBuf;

use crate::engine::{EngineError, PolicyFile, PolicyPathError};

/// The outcome of one test rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The test rule held.
    Pass,
    /// The test rule did not hold (any value but `true`).
    Fail,
    /// Evaluating the test failed; the engine's message.
    Error(String),
}

/// One test: `data.pkg.test_name` in a file.
#[derive(Clone, Debug)]
pub struct TestResult {
    pub(crate) name: String,
    pub(crate) file: String,
    /// Whether it passed.
    pub outcome: Outcome,
}

/// Every `.rego` file under the paths (tests included), sorted.
pub fn load(paths: &[PathBuf]) -> Result<Vec<PolicyFile>, PolicyPathError> {
    crate::engine::load_policy_files(paths, true)
}

/// `test_*` rules declared at the start of a line.
fn test_rules(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.starts_with("test_") && !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Compile the policies and run their tests, with `data` (conftest data
/// documents, merged) beside faasguard's own rule data.
pub fn run(
    policies: &[PolicyFile],
    data: &serde_json::Value,
) -> Result<Vec<TestResult>, EngineError> {
    let builtins = crate::scan::builtin_policies();
    let mut all = builtins.clone();
    all.extend(policies.iter().cloned());
    crate::engine::Engine::check(&all)?;
    let users: Vec<&PolicyFile> = policies.iter().collect();
    let (mut engine, packages) = crate::conftest::compile(&builtins, &users)?;
    let user_data = data;
    let data = crate::scan::rule_data(&crate::scan::Settings::default());
    let data = regorus::Value::from_json_str(&data.to_string())
        .map_err(|e| EngineError::Policy(format!("rule data: {e}")))?;
    engine
        .add_data(data)
        .map_err(|e| EngineError::Policy(format!("rule data: {e}")))?;
    if data_given(user_data) {
        let d = regorus::Value::from_json_str(&user_data.to_string())
            .map_err(|e| EngineError::Policy(format!("data: {e}")))?;
        engine
            .add_data(d)
            .map_err(|e| EngineError::Policy(format!("data: {e}")))?;
    }
    crate::conftest::builtins::register(
        &mut engine,
        std::sync::Arc::new(crate::conftest::builtins::Access::new(&users, &[])),
    )?;
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (pkg, file) in packages {
        for test in test_rules(&file.text) {
            let name = format!("{pkg}.{test}");
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            let outcome = match engine.eval_rule(name.clone()) {
                Ok(regorus::Value::Bool(true)) => Outcome::Pass,
                Ok(_) => Outcome::Fail,
                Err(e) => Outcome::Error(e.to_string()),
            };
            out.push(TestResult {
                name,
                file: file.path.clone(),
                outcome,
            });
        }
    }
    Ok(out)
}

fn data_given(data: &serde_json::Value) -> bool {
    data.as_object().is_some_and(|o| !o.is_empty())
}

/// Text output: a line per test, then `N passed, N failed`.
pub fn render(results: &[TestResult]) -> String {
    let mut s = String::new();
    let (mut passed, mut failed, mut errors) = (0, 0, 0);
    for r in results {
        match &r.outcome {
            Outcome::Pass => {
                passed += 1;
                s.push_str(&format!("PASS {} ({})\n", r.name, r.file));
            }
            Outcome::Fail => {
                failed += 1;
                s.push_str(&format!("FAIL {} ({})\n", r.name, r.file));
            }
            Outcome::Error(e) => {
                errors += 1;
                s.push_str(&format!("ERROR {} ({}): {e}\n", r.name, r.file));
            }
        }
    }
    s.push_str(&format!("{passed} passed, {failed} failed"));
    if errors > 0 {
        s.push_str(&format!(", {errors} errors"));
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_test_rules() {
        assert_eq!(
            test_rules("package x\ntest_a if true\n  test_b\ntest_a := 1\ntest_c {\n"),
            vec!["test_a".to_string(), "test_c".to_string()]
        );
    }
}
