//! What a candidate is, from a cheap scan of its content (a CloudFormation
//! template is known by what it holds, not by its name), and why a named file
//! whose content is none of the formats is not read.

use super::{Candidate, LockfileKind};

/// Why a file named on the command line (or standard input) is not scanned although its name
/// qualifies: [`classify`] found none of the formats in its content. `None` for candidates that are
/// read whatever they hold.
pub fn unread_by_content(candidate: Candidate) -> Option<&'static str> {
    match candidate {
        Candidate::Yaml | Candidate::Json | Candidate::Template => Some(
            "not read: not a CloudFormation/SAM template (no `AWSTemplateFormatVersion`, SAM \
             `Transform` or `Resources` with `AWS::` types), a Serverless Framework service (no \
             `service` and `provider` keys) or a Terraform plan (`terraform show -json`)",
        ),
        _ => None,
    }
}

/// What a file is, decided from its content (after reading it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A CloudFormation template (resources typed `AWS::`, `Alexa::` or `Custom::`, or
    /// `AWSTemplateFormatVersion`, or the SAM transform).
    CloudFormation {
        /// Written in JSON (the first non-blank character is `{`) rather than YAML.
        json: bool,
        /// A SAM template: the SAM transform (`AWS::Serverless-2016-10-31`) or an
        /// `AWS::Serverless::` type occurs.
        sam: bool,
    },
    /// A Serverless Framework service (`serverless.yml`, or top-level `service` and `provider`).
    Serverless {
        /// Written in JSON (the first non-blank character is `{`) rather than YAML.
        json: bool,
    },
    /// Terraform HCL (`*.tf`).
    Terraform,
    /// Terraform JSON syntax (`*.tf.json`).
    TerraformJson,
    /// `terraform show -json` output (a plan or state).
    TerraformPlan,
    /// Terraform variable values (`*.tfvars`, `*.tfvars.json`), read with the module beside them.
    TfVars,
    /// Terraform's dependency lock file (`.terraform.lock.hcl`), read with the module beside it.
    TerraformLock,
    /// SAM CLI's `samconfig.toml|yaml|yml` (parameter overrides for the templates beside it).
    SamConfig,
    /// A dependency lockfile, checked against the advisory database.
    Lockfile(LockfileKind),
}

/// Resource type prefixes that mark a CloudFormation `Resources` section.
const CFN_TYPE_PREFIXES: &[&str] = &["AWS::", "Alexa::", "Custom::"];

const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// What a candidate is, from a cheap scan of its text (no parsing: the parser runs later and
/// reports what is malformed). Returns `None` for files that are not IaC: GitHub workflows,
/// Kubernetes manifests, docker-compose and OpenAPI files, tool configuration.
///
/// - `serverless.yml|yaml|json` with a top-level `service` key, or any YAML/JSON file with
///   top-level `service` and `provider` keys: Serverless Framework.
/// - JSON with `format_version`, `terraform_version` and `planned_values` or `values`: a
///   `terraform show -json` plan or state.
/// - A top-level `AWSTemplateFormatVersion`; or a top-level `Transform` with the SAM transform; or a
///   top-level `Resources` with some `Type` value starting `AWS::`, `Alexa::` or `Custom::`:
///   CloudFormation, SAM when the SAM transform or an `AWS::Serverless::` type occurs.
/// - JSON when the first non-blank character (after a byte-order mark) is `{`.
pub fn classify(candidate: Candidate, file_name: &str, text: &str) -> Option<Kind> {
    match candidate {
        Candidate::Terraform => return Some(Kind::Terraform),
        Candidate::TerraformJson => return Some(Kind::TerraformJson),
        Candidate::TfVars => return Some(Kind::TfVars),
        Candidate::TerraformLock => return Some(Kind::TerraformLock),
        Candidate::SamConfig => return Some(Kind::SamConfig),
        Candidate::Lockfile(kind) => return Some(Kind::Lockfile(kind)),
        Candidate::Yaml | Candidate::Json | Candidate::Template => {}
    }
    let body = text.trim_start_matches('\u{feff}');
    let json = body.trim_start().starts_with('{');
    let keys = if json {
        json_top_level_keys(body)
    } else {
        yaml_top_level_keys(body)
    };
    let has = |key: &str| keys.contains(&key);

    let name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_ascii_lowercase();
    let serverless_name = matches!(
        name.as_str(),
        "serverless.yml" | "serverless.yaml" | "serverless.json"
    );
    // Services under other names (`serverless.prod.yml`, test fixtures) are
    // recognised by their two required top-level keys.
    if has("service") && (serverless_name || has("provider")) {
        return Some(Kind::Serverless { json });
    }
    if json
        && has("format_version")
        && has("terraform_version")
        && (has("planned_values") || has("values"))
    {
        return Some(Kind::TerraformPlan);
    }

    let sam_transform = has("Transform") && body.contains(SAM_TRANSFORM);
    let types = if has("Resources") {
        resource_types(body)
    } else {
        TypeScan::default()
    };
    if has("AWSTemplateFormatVersion") || sam_transform || types.cloudformation {
        return Some(Kind::CloudFormation {
            json,
            sam: sam_transform || types.sam,
        });
    }
    None
}

/// Top-level mapping keys of a YAML text: `key:` lines (plain or quoted) at the column of the
/// document's first content line. That column is 0 almost always, but YAML lets a whole document be
/// indented (`---` then `  AWSTemplateFormatVersion: ...`, as some published templates are), so it is
/// taken per document rather than assumed. Comments, directives, document markers and sequences are
/// passed over; a document whose first content line is not at its top level (a sequence, a flow
/// collection) gives no keys at deeper columns.
pub(super) fn yaml_top_level_keys(text: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    // The top-level column of the current document, once its first content line is seen.
    let mut top: Option<usize> = None;
    for line in text.lines() {
        if line.starts_with("---") || line.starts_with("...") {
            let rest = &line[3..];
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                top = None;
                continue;
            }
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        let body = &line[indent..];
        let Some(first) = body.chars().next() else {
            continue;
        };
        if first.is_whitespace() || first == '#' || (indent == 0 && first == '%') {
            continue;
        }
        let column = *top.get_or_insert(indent);
        if indent != column || matches!(first, '-' | '?' | '[' | '{' | '.') {
            continue;
        }
        let key = if first == '"' || first == '\'' {
            body.get(1..).and_then(|rest| {
                let end = rest.find(first)?;
                let after = rest.get(end + 1..)?;
                after
                    .trim_start()
                    .starts_with(':')
                    .then(|| rest.get(..end))?
            })
        } else {
            body.find(':').and_then(|at| {
                let after = body.get(at + 1..)?;
                let ends_key = after.is_empty() || after.starts_with([' ', '\t']);
                ends_key.then(|| body.get(..at).map(str::trim_end))?
            })
        };
        if let Some(key) = key {
            keys.push(key);
        }
    }
    keys
}

/// Keys of the top-level object of a JSON text, raw (escapes not decoded). A byte scan that
/// tracks strings and nesting; malformed input gives a partial answer, never a panic.
pub(super) fn json_top_level_keys(text: &str) -> Vec<&str> {
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut start = 0usize;
    // A string just closed at depth 1, waiting to see whether a ':' follows.
    let mut pending: Option<(usize, usize)> = None;
    for (i, b) in text.bytes().enumerate() {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
                if depth == 1 {
                    pending = Some((start, i));
                }
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                start = i + 1;
                pending = None;
            }
            b':' => {
                if let Some((s, e)) = pending.take() {
                    if let Some(key) = text.get(s..e) {
                        keys.push(key);
                    }
                }
            }
            b'{' | b'[' => {
                depth += 1;
                pending = None;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                pending = None;
                if depth == 0 {
                    break;
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => pending = None,
        }
    }
    keys
}

#[derive(Default)]
pub(super) struct TypeScan {
    /// Some `Type` value names a CloudFormation resource type.
    cloudformation: bool,
    /// Some `Type` value is an `AWS::Serverless::` type.
    sam: bool,
}

/// Looks for `Type: AWS::…` (YAML, block or flow) and `"Type": "AWS::…"` (JSON) anywhere.
pub(super) fn resource_types(text: &str) -> TypeScan {
    let mut scan = TypeScan::default();
    for (at, _) in text.match_indices("Type") {
        let before = text.get(..at).and_then(|s| s.chars().next_back());
        if !before.is_none_or(|c| c.is_whitespace() || matches!(c, '"' | '\'' | '{' | ',')) {
            continue;
        }
        let Some(rest) = text.get(at + "Type".len()..) else {
            continue;
        };
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
        let Some(rest) = rest.trim_start_matches([' ', '\t']).strip_prefix(':') else {
            continue;
        };
        let value = rest.trim_start_matches([' ', '\t']);
        let value = value.strip_prefix(['"', '\'']).unwrap_or(value);
        if CFN_TYPE_PREFIXES.iter().any(|p| value.starts_with(p)) {
            scan.cloudformation = true;
            if value.starts_with("AWS::Serverless::") {
                scan.sam = true;
                break;
            }
        }
    }
    scan
}
