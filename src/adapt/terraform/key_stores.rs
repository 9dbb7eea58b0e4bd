//! Keys and secrets outside AWS in Terraform: Google Cloud KMS crypto keys
//! and Azure Key Vault keys and secrets, as `keys` and `secrets` items in
//! the same vocabulary as AWS KMS keys and Secrets Manager secrets (their
//! rotation and expiry are what FG-ENC-012 and FG-SEC-003 read).

use super::res::{seconds, text, walk};
use super::{cloud_of, Adapter, Res};
use crate::model::collections::{Head, Key, Secret};
use crate::parse::{Node, Value};

/// Seconds in a day: Google writes rotation periods in seconds (`"7776000s"`).
const DAY: f64 = 86_400.0;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "google_kms_crypto_key" => {
            let mut k = Key::new(head(r));
            k.key_usage = text(r.get("purpose")).cloned();
            k.key_spec = text(r.path(&["version_template", "algorithm"])).cloned();
            k.rotation_period_days = days(seconds(text(r.get("rotation_period"))));
            a.model.add(k);
        }
        "azurerm_key_vault_key" => {
            let mut k = Key::new(head(r));
            k.key_spec = text(r.get("key_type")).cloned();
            k.expiration = text(r.get("expiration_date")).cloned();
            k.rotation = automatic_rotation(r);
            a.model.add(k);
        }
        "azurerm_key_vault_secret" => {
            let mut s = Secret::new(head(r));
            s.expiration = text(r.get("expiration_date")).cloned();
            a.model.add(s);
        }
        _ => {}
    }
}

/// The head of an item named after its address, in the resource's cloud.
fn head(r: &Res<'_>) -> Head {
    Head::new(r.id, r.id, r.type_, cloud_of(r.type_), r.span)
}

/// Whole seconds as days (`7776000` → `90`); an unknown or a value that is
/// not a duration stays as it is, so rules keep quiet on it.
fn days(n: Option<Node>) -> Option<Node> {
    let n = n?;
    let Some(secs) = n.as_f64().filter(|_| matches!(n.value, Value::Number(_))) else {
        return Some(n);
    };
    let d = secs / DAY;
    Some(if d.fract() == 0.0 {
        Node::number(d as i64, n.span)
    } else {
        match serde_json::Number::from_f64(d) {
            Some(x) => Node::number(x, n.span),
            None => n,
        }
    })
}

/// An Azure key's `rotation_policy.automatic` block: Key Vault creates new
/// versions by itself. `true` at the block, an unknown when the block is.
fn automatic_rotation(r: &Res<'_>) -> Option<Node> {
    let auto = walk(&r.r.values, &["rotation_policy", "automatic"])?;
    Some(if auto.is_unknown() {
        auto.clone()
    } else {
        Node::bool(true, auto.span)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn seconds_become_days() {
        let sp = Span::default();
        let d = |n: Node| days(Some(n)).unwrap().to_json();
        assert_eq!(d(Node::number(7_776_000, sp)), serde_json::json!(90));
        assert_eq!(d(Node::number(43_200, sp)), serde_json::json!(0.5));
        assert_eq!(d(Node::string("soon", sp)), serde_json::json!("soon"));
    }
}
