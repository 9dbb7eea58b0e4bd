//! AWS managed policies: what `ManagedPolicyArns: [arn:aws:iam::aws:policy/AdministratorAccess]`,
//! or SAM's `Policies: [AmazonS3FullAccess]`, actually grants.
//!
//! The policies are the ones serverless templates commonly attach
//! (`rules/managed_policies.json`: name -> ARN, the statements of the default version, and
//! whether the policy is admin-like), embedded at build time and parsed once. A policy that is
//! not in the file is simply unknown to the scanner (`lookup` returns `None`); the caller
//! decides how to report that.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::sam_policy::json_to_node;
use crate::parse::Node;
use crate::source::Span;

const POLICIES_JSON: &str = include_str!("../../rules/managed_policies.json");

/// One AWS managed policy, as AWS publishes it.
#[derive(Debug)]
pub struct ManagedPolicy {
    /// Bare policy name (`AWSLambdaBasicExecutionRole`).
    pub name: &'static str,
    /// Canonical ARN in the `aws` partition, with its path
    /// (`arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`).
    pub arn: &'static str,
    /// Allows `*` on `*`, full IAM, or broad permission management.
    pub admin_like: bool,
    /// AWS has deprecated the policy (it still works where it is attached).
    pub deprecated: bool,
    /// `full document` or `condensed`, and what to know about the policy.
    pub note: &'static str,
    statements_json: &'static [serde_json::Value],
}

impl ManagedPolicy {
    /// The policy's statements in CloudFormation's JSON shape
    /// (`{"Effect": .., "Action": .., "Resource": ..}`), every node and key spanned `at`
    /// (the place in the template that attaches the policy).
    pub fn statements(&self, at: Span) -> Vec<Node> {
        self.statements_json
            .iter()
            .map(|s| json_to_node(s, at))
            .collect()
    }
}

/// The policy item for an AWS managed policy `arn` attached to `owner`:
/// `kind: managed`, named after the policy, with the statements it grants,
/// all spanned at the ARN as written. `None` for a policy this table does
/// not know (customer managed, unknown, not a string). Every format builds
/// it here; `type_` is the source type (`AWS::IAM::ManagedPolicy`,
/// `aws_iam_policy`).
pub(crate) fn attached(
    id: &str,
    type_: &str,
    owner: &str,
    arn: &Node,
) -> Option<crate::model::collections::Policy> {
    use crate::model::collections::{Head, Policy};
    let mp = lookup(arn.as_str()?)?;
    let at = arn.span;
    let statements: Vec<Node> = mp
        .statements(at)
        .iter()
        .map(crate::adapt::iam::statement)
        .collect();
    let mut p = Policy::new(Head::new(id, mp.name, type_, "aws", at));
    p.kind = Some(Node::string("managed", at));
    p.origin = Some(Node::string("managed_policy", at));
    p.managed_name = Some(Node::string(mp.name, at));
    p.admin_like = Some(Node::bool(mp.admin_like, at));
    p.attached_to = Some(Node::seq(vec![Node::string(owner, at)], at));
    p.statements = Some(Node::seq(statements, at));
    Some(p)
}

/// Look up by bare name (`AdministratorAccess`) or by ARN in any partition (`arn:aws:`,
/// `arn:aws-cn:`, `arn:aws-us-gov:`, ..., or an unresolved `arn:${AWS::Partition}:`), with or
/// without a path such as `service-role/`. Names are case-sensitive, as in IAM. Customer
/// managed policies (`arn:aws:iam::123456789012:policy/...`) are never found.
pub fn lookup(name_or_arn: &str) -> Option<&'static ManagedPolicy> {
    let name = if name_or_arn.starts_with("arn:") {
        name_from_arn(name_or_arn)?
    } else {
        name_or_arn
    };
    policies().get(name)
}

/// Every known managed policy, sorted by name.
pub fn all() -> impl Iterator<Item = &'static ManagedPolicy> {
    policies().values()
}

/// The policy name in an AWS managed policy ARN: `arn:<partition>:iam::aws:policy/<path/><name>`.
/// The path is not checked: a wrong path is a deployment error, not a different policy.
fn name_from_arn(arn: &str) -> Option<&str> {
    // `${AWS::Partition}` holds colons of its own, so it cannot go through the split below.
    let rest = match arn.strip_prefix("arn:${AWS::Partition}:") {
        Some(rest) => rest,
        None => {
            let (partition, rest) = arn.strip_prefix("arn:")?.split_once(':')?;
            if partition != "aws" && !partition.starts_with("aws-") {
                return None;
            }
            rest
        }
    };
    let resource = rest.strip_prefix("iam::aws:policy/")?;
    let name = resource.rsplit('/').next()?;
    (!name.is_empty()).then_some(name)
}

type Table = BTreeMap<&'static str, ManagedPolicy>;

fn raw() -> Result<&'static serde_json::Value, &'static str> {
    static RAW: OnceLock<Result<serde_json::Value, String>> = OnceLock::new();
    RAW.get_or_init(|| serde_json::from_str(POLICIES_JSON).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(String::as_str)
}

/// The embedded table. If the file were malformed the table is empty (every lookup is
/// `None`) rather than a panic; `embedded_policies_load` below keeps that from shipping.
fn policies() -> &'static Table {
    static POLICIES: OnceLock<Table> = OnceLock::new();
    POLICIES.get_or_init(|| raw().ok().and_then(|r| build(r).ok()).unwrap_or_default())
}

fn build(raw: &'static serde_json::Value) -> Result<Table, String> {
    let obj = raw.as_object().ok_or("managed policies: not an object")?;
    let mut table = Table::new();
    // Keys starting with `_` are metadata (`_source`).
    for (name, policy) in obj.iter().filter(|(k, _)| !k.starts_with('_')) {
        let field = |key: &str| policy.get(key);
        let arn = field("arn")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| format!("{name}: no arn"))?;
        if name_from_arn(arn) != Some(name.as_str()) {
            return Err(format!("{name}: arn {arn} names another policy"));
        }
        let statements = field("statements")
            .and_then(serde_json::Value::as_array)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("{name}: no statements"))?;
        let admin_like = field("admin_like")
            .and_then(serde_json::Value::as_bool)
            .ok_or_else(|| format!("{name}: no admin_like"))?;
        table.insert(
            name.as_str(),
            ManagedPolicy {
                name: name.as_str(),
                arn,
                admin_like,
                deprecated: field("deprecated")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(false),
                note: field("note")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or(""),
                statements_json: statements.as_slice(),
            },
        );
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use serde_json::json;

    fn at() -> Span {
        Span::new(FileId(3), 40, 60)
    }

    #[test]
    fn embedded_policies_load() {
        let table = build(raw().unwrap()).unwrap();
        assert!(table.len() >= 30, "only {} policies", table.len());
        for p in table.values() {
            assert!(p.arn.starts_with("arn:aws:iam::aws:policy/"), "{}", p.arn);
            for s in p.statements(at()) {
                assert!(s.get("Effect").is_some(), "{}", p.name);
                assert!(
                    s.get("Action").is_some() || s.get("NotAction").is_some(),
                    "{}",
                    p.name
                );
            }
        }
        assert_eq!(all().count(), table.len());
    }

    #[test]
    fn lookup_by_name() {
        let admin = lookup("AdministratorAccess").unwrap();
        assert_eq!(admin.name, "AdministratorAccess");
        assert_eq!(admin.arn, "arn:aws:iam::aws:policy/AdministratorAccess");
        assert!(admin.admin_like);
        let stmts = admin.statements(at());
        assert_eq!(stmts.len(), 1);
        assert_eq!(
            stmts[0].to_json(),
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"})
        );
        assert!(stmts[0].span == at() && stmts[0].get("Action").unwrap().span == at());
        assert_eq!(
            stmts[0]
                .as_map()
                .unwrap()
                .entry("Resource")
                .unwrap()
                .key_span,
            at()
        );

        assert!(lookup("PowerUserAccess").unwrap().admin_like);
        assert!(lookup("IAMFullAccess").unwrap().admin_like);
        let basic = lookup("AWSLambdaBasicExecutionRole").unwrap();
        assert!(!basic.admin_like);
        assert_eq!(
            basic.arn,
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        );
        assert!(lookup("AWSLambdaFullAccess").unwrap().deprecated);
        assert!(!lookup("AWSLambda_FullAccess").unwrap().deprecated);
    }

    #[test]
    fn lookup_by_arn_in_any_partition() {
        for arn in [
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            "arn:aws-cn:iam::aws:policy/AmazonS3FullAccess",
            "arn:aws-us-gov:iam::aws:policy/AmazonS3FullAccess",
            "arn:${AWS::Partition}:iam::aws:policy/AmazonS3FullAccess",
        ] {
            assert_eq!(
                lookup(arn).map(|p| p.name),
                Some("AmazonS3FullAccess"),
                "{arn}"
            );
        }
        let s3 = lookup("arn:aws:iam::aws:policy/AmazonS3FullAccess").unwrap();
        assert_eq!(
            s3.statements(at())[0].get("Action").unwrap().to_json(),
            json!(["s3:*", "s3-object-lambda:*"])
        );
    }

    #[test]
    fn lookup_by_arn_with_or_without_path() {
        for arn in [
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole",
        ] {
            assert_eq!(
                lookup(arn).map(|p| p.name),
                Some("AWSLambdaBasicExecutionRole"),
                "{arn}"
            );
        }
    }

    #[test]
    fn unknown_names_and_arns() {
        for s in [
            "",
            "administratoraccess",
            "NotAPolicy",
            "arn:aws:iam::aws:policy/NotAPolicy",
            "arn:aws:iam::123456789012:policy/AdministratorAccess",
            "arn:aws:iam::aws:role/AdministratorAccess",
            "arn:azure:iam::aws:policy/AdministratorAccess",
            "arn:aws:iam::aws:policy/",
            "arn:aws",
        ] {
            assert!(lookup(s).is_none(), "{s}");
        }
    }
}
