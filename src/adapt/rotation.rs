//! How often a Secrets Manager rotation schedule rotates, in days, read the
//! same way from CloudFormation (`RotationRules`) and Terraform
//! (`rotation_rules`): the secret's `rotation_period_days`.

use crate::parse::{Node, Value};

/// Hours in a day: `rate(N hours)` schedules rotate several times a day.
const HOURS: f64 = 24.0;

/// The period of a schedule: `AutomaticallyAfterDays` when it is written
/// (a number, or an unknown kept as it is), else a `rate(N days)` or
/// `rate(N hours)` `ScheduleExpression`. A `cron(...)` expression has no
/// single period and gives none, as does anything else.
pub(crate) fn period_days(after_days: Option<&Node>, schedule: Option<&Node>) -> Option<Node> {
    if let Some(n) = after_days {
        return Some(match (&n.value, n.as_f64()) {
            (Value::Unknown(_), _) => n.clone(),
            (_, Some(d)) if d.fract() == 0.0 && d.abs() < 9.0e15 => Node::number(d as i64, n.span),
            _ => n.clone(),
        });
    }
    let n = schedule?;
    if n.is_unknown() {
        return Some(n.clone());
    }
    let (count, unit) = rate(n.as_str()?)?;
    let days = match unit {
        "day" | "days" => count,
        "hour" | "hours" => count / HOURS,
        _ => return None,
    };
    let value = if days.fract() == 0.0 {
        Node::number(days as i64, n.span)
    } else {
        Node::number(serde_json::Number::from_f64(days)?, n.span)
    };
    Some(value)
}

/// `rate(30 days)` → `(30.0, "days")`.
fn rate(expr: &str) -> Option<(f64, &str)> {
    let inner = expr.trim().strip_prefix("rate(")?.strip_suffix(')')?;
    let (count, unit) = inner.trim().split_once(char::is_whitespace)?;
    let count: f64 = count.parse().ok().filter(|c: &f64| c.is_finite())?;
    Some((count, unit.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn days(after: Option<Node>, schedule: Option<&str>) -> Option<serde_json::Value> {
        let sp = Span::default();
        let s = schedule.map(|s| Node::string(s, sp));
        period_days(after.as_ref(), s.as_ref()).map(|n| n.to_json())
    }

    #[test]
    fn days_from_either_form() {
        let sp = Span::default();
        assert_eq!(
            days(Some(Node::number(30, sp)), None),
            Some(serde_json::json!(30))
        );
        assert_eq!(
            days(Some(Node::string("120", sp)), None),
            Some(serde_json::json!(120))
        );
        assert_eq!(
            days(None, Some("rate(90 days)")),
            Some(serde_json::json!(90))
        );
        assert_eq!(
            days(None, Some("rate(12 hours)")),
            Some(serde_json::json!(0.5))
        );
        assert_eq!(days(None, Some("cron(0 16 1,15 * ? *)")), None);
        assert_eq!(days(None, Some("rate(ten days)")), None);
        assert_eq!(days(None, None), None);
    }
}
