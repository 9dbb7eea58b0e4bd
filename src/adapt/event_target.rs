//! EventBridge rule targets, the same in every format: which account a
//! target's ARN names (the deploying account's own, a literal account, or
//! one not known statically) and whether it is an event bus.
//!
//! Adapters render the ARN as text with two markers standing for the parts
//! they cannot know: [`OWN`] where the ARN names the deploying account
//! through its pseudo parameter (`${AWS::AccountId}`), [`HOLE`] for any other
//! unknown part. Private-use characters: no ARN holds them.

use crate::parse::{Map, Node};
use crate::source::Span;

/// Marks the deploying account's id (`AWS::AccountId`) in ARN text.
pub(crate) const OWN: char = '\u{E010}';
/// Marks a part of ARN text that is not known statically.
pub(crate) const HOLE: char = '\u{E011}';

/// The account an ARN names.
#[derive(Debug, PartialEq)]
pub(crate) enum Account {
    /// A 12-digit account id, as written (or from a parameter's default).
    Literal(String),
    /// The deploying account (`${AWS::AccountId}`, `data.aws_caller_identity`).
    Own,
    /// Not known statically.
    Unknown,
}

/// The parts of `arn:partition:service:region:account:resource`, when the
/// text is an ARN whose first five separators are known.
fn parts(text: &str) -> Option<Vec<&str>> {
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    (parts.len() == 6 && parts.first() == Some(&"arn")).then_some(parts)
}

/// The account of ARN text (with markers); `None` when it is no ARN or
/// names no account (an S3 bucket ARN).
pub(crate) fn account(text: &str) -> Option<Account> {
    let acct = *parts(text)?.get(4)?;
    if acct.len() == OWN.len_utf8() && acct.starts_with(OWN) {
        Some(Account::Own)
    } else if acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()) {
        Some(Account::Literal(acct.to_string()))
    } else if acct.contains([OWN, HOLE]) {
        Some(Account::Unknown)
    } else {
        None
    }
}

/// True when ARN text names an EventBridge event bus
/// (`arn:aws:events:<region>:<account>:event-bus/<name>`).
pub(crate) fn is_event_bus(text: &str) -> bool {
    parts(text).is_some_and(|p| {
        p.get(2) == Some(&"events") && p.get(5).is_some_and(|r| r.starts_with("event-bus/"))
    })
}

/// What the model records of a target's ARN text: `bus_account` (for an
/// event bus: its account as written, or an unknown, `supplied` when the
/// deployer supplies a part of the ARN) and `own_account` (true when the ARN
/// names the deploying account).
pub(crate) fn fields(
    text: &str,
    span: Span,
    unknown_reason: &str,
    supplied: bool,
) -> (Option<Node>, Option<Node>) {
    let acct = account(text);
    let own = (acct == Some(Account::Own)).then(|| Node::bool(true, span));
    let bus = match acct {
        Some(Account::Literal(a)) if is_event_bus(text) => Some(Node::string(a, span)),
        Some(Account::Unknown) if is_event_bus(text) => {
            Some(Node::unknown(unknown_reason.to_string(), span).supplied_if(supplied))
        }
        _ => None,
    };
    (bus, own)
}

/// One target as a model node: `{id, arn, role, bus_account, own_account}`,
/// fields left out when absent.
pub(crate) fn target(span: Span, fields: &[(&str, Option<Node>)]) -> Node {
    let mut m = Map::default();
    for (k, v) in fields {
        if let Some(v) = v {
            m.insert(*k, v.span, v.clone());
        }
    }
    Node::map(m, span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_and_buses_of_arn_text() {
        let own = format!("arn:aws:events:{HOLE}:{OWN}:event-bus/central");
        assert_eq!(account(&own), Some(Account::Own));
        assert!(is_event_bus(&own));
        let lit = "arn:aws:events:eu-west-1:999988887777:event-bus/central";
        assert_eq!(account(lit), Some(Account::Literal("999988887777".into())));
        assert!(is_event_bus(lit));
        let hole = format!("arn:aws:events:eu-west-1:{HOLE}:event-bus/central");
        assert_eq!(account(&hole), Some(Account::Unknown));
        assert!(!is_event_bus("arn:aws:sqs:eu-west-1:999988887777:queue"));
        assert!(!is_event_bus(&format!("arn:aws:events:{HOLE}:event-bus/x")));
        assert_eq!(account("arn:aws:s3:::bucket"), None);
        assert_eq!(account(&format!("{HOLE}")), None);
    }
}
