//! Identity resources in Terraform → `users`, `groups`, `access_keys`,
//! `user_pools` and `identity_pools`: IAM users and groups, their console
//! login profiles and group memberships, IAM access keys and Google service
//! account keys, Cognito user and identity pools.
//!
//! The policies of users and groups (`aws_iam_user_policy`, attachments) are
//! `policies` items built by `aws_iam.rs`; these items say who the principals
//! are.

use super::res::{boolean, text};
use super::{cloud_of, Adapter, Res};
use crate::model::collections::{append, update};
use crate::model::collections::{AccessKey, Group, Head, IdentityPool, User, UserPool};
use crate::model::map_of;
use crate::parse::Node;

const USER: &[&str] = &["aws_iam_user"];
const GROUP: &[&str] = &["aws_iam_group"];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_iam_user" => {
            let mut u = User::new(head(r));
            u.user_name = text(r.get("name")).cloned();
            u.permissions_boundary = text(r.get("permissions_boundary")).cloned();
            a.model.add(u);
        }
        "aws_iam_group" => {
            let mut g = Group::new(head(r));
            g.group_name = text(r.get("name")).cloned();
            a.model.add(g);
        }
        "aws_iam_user_login_profile" => {
            // The profile is the user's: it is set on the user item, with the
            // profile block's span (findings point at the block).
            if let Some(user) = a.link(r, "user", r.get("user"), USER) {
                let mut pairs = Vec::new();
                if let Some(reset) = boolean(r.get("password_reset_required")) {
                    pairs.push(("password_reset_required", reset));
                }
                let id = user.as_str().unwrap_or_default().to_string();
                a.updates
                    .push(update!(User, id, login_profile, map_of(pairs, r.span)));
            }
        }
        "aws_iam_access_key" => {
            let mut k = AccessKey::new(head(r));
            k.user = a.link_arg(r, "user", USER);
            k.status = text(r.get("status")).cloned();
            a.model.add(k);
        }
        "google_service_account_key" => {
            let mut k = AccessKey::new(head(r));
            k.service_account = a.link_arg(r, "service_account_id", &["google_service_account"]);
            a.model.add(k);
        }
        "aws_iam_user_group_membership" => {
            if let Some(user) = a.link(r, "user", r.get("user"), USER) {
                let id = user.as_str().unwrap_or_default().to_string();
                // Each element links by its own value (the argument's
                // references name every group at once).
                for g in list(r.get("groups")) {
                    let group = a.link(r, "", Some(g), GROUP);
                    let group = group.unwrap_or_else(|| g.clone());
                    a.appends.push(append!(User, id.clone(), groups, group));
                }
            }
        }
        "aws_iam_group_membership" => {
            let group = a.link_arg(r, "group", GROUP);
            for u in list(r.get("users")) {
                if let (Some(user), Some(group)) = (a.link(r, "", Some(u), USER), &group) {
                    let id = user.as_str().unwrap_or_default().to_string();
                    a.appends.push(append!(User, id, groups, group.clone()));
                }
            }
        }
        "aws_cognito_user_pool" => {
            let mut p = UserPool::new(head(r));
            p.mfa_configuration = text(r.get("mfa_configuration")).cloned();
            p.advanced_security_mode = r
                .path(&["user_pool_add_ons", "advanced_security_mode"])
                .cloned();
            p.password_policy = r.path(&["password_policy"]).cloned();
            a.model.add(p);
        }
        "aws_cognito_identity_pool" => {
            let mut p = IdentityPool::new(head(r));
            p.allow_unauthenticated = boolean(r.get("allow_unauthenticated_identities"));
            a.model.add(p);
        }
        "aws_cognito_identity_pool_roles_attachment" => {
            let pool = a.link(
                r,
                "identity_pool_id",
                r.get("identity_pool_id"),
                &["aws_cognito_identity_pool"],
            );
            if let Some(pool) = pool {
                let id = pool.as_str().unwrap_or_default().to_string();
                for (key, field) in [
                    ("authenticated", "authenticated_role"),
                    ("unauthenticated", "unauthenticated_role"),
                ] {
                    if let Some(role) = r.path(&["roles", key]) {
                        let role = a
                            .link(r, "roles", Some(role), &["aws_iam_role"])
                            .unwrap_or_else(|| role.clone());
                        a.updates.push(match field {
                            "authenticated_role" => {
                                update!(IdentityPool, id.clone(), authenticated_role, role)
                            }
                            _ => update!(IdentityPool, id.clone(), unauthenticated_role, role),
                        });
                    }
                }
            }
        }
        _ => {}
    }
}

fn head(r: &Res<'_>) -> Head {
    Head::new(r.id, r.id, r.type_, cloud_of(r.type_), r.span)
}

/// The elements of a list argument (none when it is unknown or absent).
fn list(n: Option<&Node>) -> &[Node] {
    n.and_then(Node::as_seq).unwrap_or(&[])
}
