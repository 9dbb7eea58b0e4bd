//! The recovery settings of a DynamoDB table: point-in-time recovery and
//! deletion protection, on `AWS::DynamoDB::Table` and per replica on
//! `AWS::DynamoDB::GlobalTable` (where the service sets them per region);
//! point-in-time recovery on SAM's `AWS::Serverless::SimpleTable`.
//!
//! A block decided at deploy time (`PointInTimeRecoverySpecification: !If
//! [...]`) makes the field unknown rather than absent, so no rule reads a
//! value the template does not fix as "not set".

use crate::model::collections::Table;
use crate::parse::Node;

/// `PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled`.
const PITR: &[&str] = &[
    "PointInTimeRecoverySpecification",
    "PointInTimeRecoveryEnabled",
];
/// `DeletionProtectionEnabled`.
const DELETION: &[&str] = &["DeletionProtectionEnabled"];

/// Set `point_in_time_recovery` and `deletion_protection` of a table from
/// its properties (`props`), or from its `Replicas` for a global table.
pub(crate) fn apply(t: &mut Table, type_: &str, props: &Node) {
    if type_ == "AWS::DynamoDB::GlobalTable" {
        t.point_in_time_recovery = per_replica(props, PITR);
        t.deletion_protection = per_replica(props, DELETION);
    } else {
        t.point_in_time_recovery = setting(props, PITR);
        t.deletion_protection = setting(props, DELETION);
    }
}

/// `point_in_time_recovery` of SAM's `AWS::Serverless::SimpleTable`, which
/// passes `PointInTimeRecoverySpecification` through to its table (it has no
/// deletion protection setting).
pub(crate) fn simple_table(t: &mut Table, props: &Node) {
    t.point_in_time_recovery = setting(props, PITR);
}

/// The value at `path` as a boolean node, or the unknown met on the way.
fn setting(props: &Node, path: &[&str]) -> Option<Node> {
    let mut cur = props;
    for key in path {
        if cur.is_unknown() {
            return Some(cur.clone());
        }
        cur = cur.get(key)?;
    }
    Some(match cur.as_bool() {
        Some(b) => Node::bool(b, cur.span),
        None => cur.clone(),
    })
}

/// A global table has the setting only when every replica has it: the
/// first replica that does not decides the value (an unknown first, then an
/// explicit `false`, then a replica that leaves it out, which the service
/// creates with the setting off: `false` spanned at that replica). With
/// every replica on, the first replica's value.
fn per_replica(props: &Node, path: &[&str]) -> Option<Node> {
    let replicas = props.get("Replicas")?;
    if replicas.is_unknown() {
        return Some(replicas.clone());
    }
    let values: Vec<(Option<Node>, &Node)> = replicas
        .as_seq()?
        .iter()
        .map(|rep| (setting(rep, path), rep))
        .collect();
    // A replica decided at deploy time is an unknown `setting` too.
    if let Some((Some(v), _)) = values
        .iter()
        .find(|(v, _)| v.as_ref().is_some_and(Node::is_unknown))
    {
        return Some(v.clone());
    }
    if let Some((Some(v), _)) = values
        .iter()
        .find(|(v, _)| v.as_ref().and_then(Node::as_bool) == Some(false))
    {
        return Some(v.clone());
    }
    if let Some((_, rep)) = values.iter().find(|(v, _)| v.is_none()) {
        return Some(Node::bool(false, rep.span));
    }
    values.into_iter().next().and_then(|(v, _)| v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::collections::Head;
    use crate::parse::json;
    use crate::source::{FileId, Span};

    fn table(type_: &str, props: &str) -> Table {
        let props = json::parse(props, FileId(0)).unwrap();
        let mut t = Table::new(Head::aws("T", type_, Span::default()));
        apply(&mut t, type_, &props);
        t
    }

    #[test]
    fn a_table_reads_both_settings_and_keeps_a_string_flag_as_a_bool() {
        let t = table(
            "AWS::DynamoDB::Table",
            r#"{"PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": "true"},
                "DeletionProtectionEnabled": false}"#,
        );
        assert_eq!(t.point_in_time_recovery.unwrap().as_bool(), Some(true));
        assert_eq!(t.deletion_protection.unwrap().as_bool(), Some(false));
        let t = table("AWS::DynamoDB::Table", "{}");
        assert!(t.point_in_time_recovery.is_none() && t.deletion_protection.is_none());
    }

    #[test]
    fn a_global_table_has_a_setting_only_when_every_replica_has_it() {
        let all = r#"{"Replicas": [
            {"Region": "eu-west-1", "DeletionProtectionEnabled": true},
            {"Region": "us-east-1", "DeletionProtectionEnabled": true}]}"#;
        let t = table("AWS::DynamoDB::GlobalTable", all);
        assert_eq!(t.deletion_protection.unwrap().as_bool(), Some(true));
        // No replica sets point-in-time recovery: off, spanned at the first replica.
        let pitr = t.point_in_time_recovery.unwrap();
        assert_eq!(pitr.as_bool(), Some(false));
        let missing = r#"{"Replicas": [
            {"Region": "eu-west-1", "DeletionProtectionEnabled": true},
            {"Region": "us-east-1"}]}"#;
        let t = table("AWS::DynamoDB::GlobalTable", missing);
        let off = t.deletion_protection.unwrap();
        assert_eq!(off.as_bool(), Some(false));
        assert_eq!(
            off.span.start,
            missing.find("{\"Region\": \"us-east-1\"").unwrap() as u32
        );
    }
}
