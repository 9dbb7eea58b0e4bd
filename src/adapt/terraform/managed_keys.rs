//! AWS managed KMS keys named through a data source: `data "aws_kms_key"`
//! with `key_id = "alias/aws/secretsmanager"` (or `data "aws_kms_alias"`
//! with such a `name`) is the key AWS manages for the service. Its `arn` is
//! unknown statically, so a `kms_key` that refers to it becomes the alias,
//! which is how the CloudFormation adapter holds `KmsKeyId: alias/aws/...`
//! and how rules that want a customer managed key tell them apart.

use super::Adapter;
use crate::model::COLLECTIONS;
use crate::parse::{Node, Value, MAX_DEPTH};

/// The alias argument of each data source type that can name a managed key.
const ALIAS_ARGS: &[(&str, &str)] = &[("aws_kms_key", "key_id"), ("aws_kms_alias", "name")];

/// Replace every `kms_key` of an item that refers to an AWS managed key's
/// data source by the alias it is read with (the use site's span kept).
pub(crate) fn resolve(a: &mut Adapter<'_, '_>) {
    let aliases: Vec<(&str, &str)> = a
        .unit
        .resources
        .iter()
        .filter_map(|r| {
            let (_, arg) = ALIAS_ARGS.iter().find(|(t, _)| *t == r.type_)?;
            let alias = r.values.get(arg).and_then(Node::as_str)?;
            let data = r.mode == crate::terraform::Mode::Data;
            (data && is_aws_managed(alias)).then_some((r.address.as_str(), alias))
        })
        .collect();
    if aliases.is_empty() {
        return;
    }
    for collection in COLLECTIONS.iter().filter(|c| **c != "resources") {
        for item in a.model.items_mut(collection) {
            replace(item, &aliases, 0);
        }
    }
}

fn is_aws_managed(alias: &str) -> bool {
    let name = alias.rsplit_once(':').map_or(alias, |(_, n)| n);
    name.starts_with("alias/aws/")
}

fn replace(n: &mut Node, aliases: &[(&str, &str)], depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match &mut n.value {
        Value::Map(m) => {
            for e in &mut m.entries {
                if e.key == "kms_key" {
                    if let Some(alias) = alias_of(&e.value, aliases) {
                        e.value = Node::string(alias, e.value.span);
                        continue;
                    }
                }
                replace(&mut e.value, aliases, depth + 1);
            }
        }
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|i| replace(i, aliases, depth + 1)),
        _ => {}
    }
}

fn alias_of<'a>(v: &Node, aliases: &[(&str, &'a str)]) -> Option<&'a str> {
    let Value::Unknown(u) = &v.value else {
        return None;
    };
    let target = u.reference.as_deref()?;
    aliases
        .iter()
        .find(|(addr, _)| *addr == target)
        .map(|(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_aws_aliases_are_managed() {
        assert!(is_aws_managed("alias/aws/secretsmanager"));
        assert!(is_aws_managed(
            "arn:aws:kms:us-east-1:111122223333:alias/aws/lambda"
        ));
        assert!(!is_aws_managed("alias/my-key"));
        assert!(!is_aws_managed("1234abcd-12ab-34cd-56ef-1234567890ab"));
    }
}
