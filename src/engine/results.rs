//! What a rule returns, read from regorus values: a result's resource,
//! model path and message, a conftest result's `_loc`, a single-value fix
//! (`replace`), and the `undecided` set of checks an unknown value stopped.

/// One raw result of a rule.
#[derive(Clone, Debug, PartialEq)]
pub struct RawResult {
    /// Index into [`Engine::rules`].
    pub rule: usize,
    /// The model item's id the result names (its `resource`), when it names one.
    pub resource: Option<String>,
    /// The model path the result names (`environment.DB_PASSWORD`), when it names one.
    pub path: Option<String>,
    /// The result's message; for a conftest rule that returns a string, that string.
    pub message: String,
    /// A conftest result's own location (`_loc`), when it gives one.
    pub loc: Option<Loc>,
    /// `"replace": {"from": V, "to": W}`: the single-value fix of the
    /// value the result points at ([`crate::fix`]).
    pub replace: Option<crate::finding::Replace>,
    /// The conftest `exception` that exempts this result (it is reported as
    /// suppressed, with this as the reason).
    pub exception: Option<String>,
}

/// Where a conftest-style result says it is: `_loc: {path: "Resources.Fn.Properties"}`
/// (a path into the raw document, dotted or as a list) or `_loc: {line: 12, column: 5}`.
#[derive(Clone, Debug, PartialEq)]
pub enum Loc {
    /// A path into the raw document, one key or index per element.
    Path(Vec<String>),
    /// A 1-based line and column in the file.
    Line {
        /// Line, from 1.
        line: u32,
        /// Column, from 1.
        column: u32,
    },
}

fn loc_of(item: &regorus::Value) -> Option<Loc> {
    let loc = &item["_loc"];
    if !matches!(loc, regorus::Value::Object(_)) {
        return None;
    }
    let number = |v: &regorus::Value| v.to_json_str().ok()?.parse::<f64>().ok();
    if let Some(line) = number(&loc["line"]).filter(|l| *l >= 1.0) {
        let column = number(&loc["column"]).filter(|c| *c >= 1.0).unwrap_or(1.0);
        return Some(Loc::Line {
            line: line as u32,
            column: column as u32,
        });
    }
    match &loc["path"] {
        regorus::Value::String(s) => Some(Loc::Path(s.split('.').map(str::to_string).collect())),
        regorus::Value::Array(a) => Some(Loc::Path(
            a.iter()
                .map(|v| match v {
                    regorus::Value::String(s) => s.to_string(),
                    other => other.to_json_str().unwrap_or_default(),
                })
                .collect(),
        )),
        _ => None,
    }
}

/// `undecided` results are objects `{resource, path, reason}`.
pub(crate) fn collect_undecided(rule: usize, set: &regorus::Value, out: &mut Vec<RawResult>) {
    let items: Vec<&regorus::Value> = match set {
        regorus::Value::Set(s) => s.iter().collect(),
        regorus::Value::Array(a) => a.iter().collect(),
        _ => return,
    };
    for item in items {
        if !matches!(item, regorus::Value::Object(_)) {
            continue;
        }
        let text = |name: &str| match &item[name] {
            regorus::Value::String(s) => Some(s.to_string()),
            _ => None,
        };
        out.push(RawResult {
            rule,
            resource: text("resource"),
            path: text("path"),
            message: text("reason").unwrap_or_else(|| "a value is unknown".into()),
            loc: None,
            replace: None,
            exception: None,
        });
    }
}

/// A result's `replace: {from, to}`, when both are strings or numbers.
pub(crate) fn replace_of(item: &regorus::Value) -> Option<crate::finding::Replace> {
    let r = &item["replace"];
    if !matches!(r, regorus::Value::Object(_)) {
        return None;
    }
    let scalar = |v: &regorus::Value| -> Option<serde_json::Value> {
        match v {
            regorus::Value::String(_) | regorus::Value::Number(_) => {
                serde_json::from_str(&v.to_json_str().ok()?).ok()
            }
            _ => None,
        }
    };
    Some(crate::finding::Replace {
        from: scalar(&r["from"])?,
        to: scalar(&r["to"])?,
    })
}

/// Results are objects `{resource, path, message}` (or bare strings).
pub(crate) fn collect_results(rule: usize, set: &regorus::Value, out: &mut Vec<RawResult>) {
    let items: Vec<regorus::Value> = match set {
        regorus::Value::Set(s) => s.iter().cloned().collect(),
        regorus::Value::Array(a) => a.iter().cloned().collect(),
        _ => return,
    };
    for item in items {
        let field = |name: &str| -> Option<String> {
            let v = &item[name];
            match v {
                regorus::Value::String(s) => Some(s.to_string()),
                regorus::Value::Number(_) => v.to_json_str().ok(),
                _ => None,
            }
        };
        let (resource, path, message) = match &item {
            regorus::Value::String(s) => (None, None, s.to_string()),
            regorus::Value::Object(_) => (
                field("resource"),
                field("path"),
                field("message")
                    .or_else(|| field("msg"))
                    .unwrap_or_default(),
            ),
            _ => continue,
        };
        out.push(RawResult {
            rule,
            resource,
            path,
            message,
            loc: loc_of(&item),
            replace: replace_of(&item),
            exception: None,
        });
    }
}
