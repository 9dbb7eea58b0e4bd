//! CloudFormation identity resources → `users`, `groups`, `access_keys`,
//! `user_pools` and `identity_pools`: IAM users and groups (their inline
//! policies and managed policy ARNs as written, their console login profile,
//! group memberships), IAM access keys, Cognito user and identity pools.
//!
//! The policies of users and groups are also `policies` items (built by
//! `resources.rs`, as for roles); these items say who the principals are.

use super::{boolean, Adapter, Res};
use crate::adapt::iam;
use crate::model::collections::{append, update};
use crate::model::collections::{AccessKey, Group, IdentityPool, User, UserPool};
use crate::model::map_of;
use crate::parse::{Node, Value};

pub(crate) fn user(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut u = User::new(r.head());
    u.user_name = r.get("UserName").cloned();
    u.groups = r.get("Groups").map(|g| links(a, g));
    u.policies = r.get("Policies").cloned();
    u.managed_policy_arns = r.get("ManagedPolicyArns").map(iam::as_array);
    u.permissions_boundary = r.get("PermissionsBoundary").cloned();
    u.login_profile = r.get("LoginProfile").map(login_profile);
    a.model.add(u);
}

pub(crate) fn group(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut g = Group::new(r.head());
    g.group_name = r.get("GroupName").cloned();
    g.policies = r.get("Policies").cloned();
    g.managed_policy_arns = r.get("ManagedPolicyArns").map(iam::as_array);
    a.model.add(g);
}

/// `LoginProfile` as written, with `PasswordResetRequired` as
/// `password_reset_required` (the password itself is the secret detector's).
fn login_profile(n: &Node) -> Node {
    let mut pairs = Vec::new();
    if let Some(reset) = boolean(n.get("PasswordResetRequired")) {
        pairs.push(("password_reset_required", reset));
    }
    map_of(pairs, n.span)
}

pub(crate) fn access_key(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut k = AccessKey::new(r.head());
    k.user = a.link_or_value(r.get("UserName"));
    k.status = r.get("Status").cloned();
    a.model.add(k);
}

pub(crate) fn user_pool(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut p = UserPool::new(r.head());
    p.mfa_configuration = r.get("MfaConfiguration").cloned();
    p.advanced_security_mode = r.path(&["UserPoolAddOns", "AdvancedSecurityMode"]).cloned();
    p.password_policy = r.path(&["Policies", "PasswordPolicy"]).cloned();
    a.model.add(p);
}

pub(crate) fn identity_pool(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut p = IdentityPool::new(r.head());
    p.allow_unauthenticated = boolean(r.get("AllowUnauthenticatedIdentities"));
    a.model.add(p);
}

/// `AWS::Cognito::IdentityPoolRoleAttachment`: the pool's roles.
pub(crate) fn identity_pool_roles(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(pool) = a
        .link(r.get("IdentityPoolId"))
        .and_then(|n| n.as_str().map(str::to_string))
    else {
        return;
    };
    for (key, field) in [
        ("authenticated", "authenticated_role"),
        ("unauthenticated", "unauthenticated_role"),
    ] {
        if let Some(role) = a.link_or_value(r.path(&["Roles", key])) {
            a.updates.push(match field {
                "authenticated_role" => {
                    update!(IdentityPool, pool.clone(), authenticated_role, role)
                }
                _ => update!(IdentityPool, pool.clone(), unauthenticated_role, role),
            });
        }
    }
}

/// Users and groups as links: the logical id of a user or group of the
/// template, else the value as written (a name outside the template).
fn links(a: &Adapter<'_, '_>, list: &Node) -> Node {
    match &list.value {
        Value::Seq(items) => Node::seq(
            items
                .iter()
                .map(|n| a.link_or_value(Some(n)).unwrap_or_else(|| n.clone()))
                .collect(),
            list.span,
        ),
        _ => iam::as_array(list),
    }
}

/// `AWS::IAM::UserToGroupAddition` adds groups to users defined elsewhere in
/// the template: their `groups` grow once every user exists.
pub(crate) fn finish(a: &mut Adapter<'_, '_>) {
    let additions: Vec<(Node, Vec<Node>)> = a
        .model
        .items("resources")
        .iter()
        .filter(|n| n.get("type").and_then(Node::as_str) == Some("AWS::IAM::UserToGroupAddition"))
        .filter_map(|n| {
            let props = n.get("properties")?;
            let group = a.link_or_value(props.get("GroupName"))?;
            let users = props
                .get("Users")
                .and_then(Node::as_seq)
                .map(|us| us.iter().filter_map(|u| a.link(Some(u))).collect())
                .unwrap_or_default();
            Some((group, users))
        })
        .collect();
    let mut added: Vec<(String, Node)> = Vec::new();
    for (group, users) in additions {
        for user in users {
            let Some(id) = user.as_str() else { continue };
            let Some(item) = a.model.item("users", id) else {
                continue;
            };
            let listed = match item.get("groups").map(|g| &g.value) {
                Some(Value::Seq(gs)) => gs.iter().any(|g| g.value == group.value),
                _ => false,
            };
            if listed || added.iter().any(|(u, g)| u == id && g.value == group.value) {
                continue;
            }
            added.push((id.to_string(), group.clone()));
            a.updates.push(append!(User, id, groups, group.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::parse::yaml;
    use crate::source::FileId;
    use serde_json::json;

    const TEMPLATE: &str = "\
Resources:
  Ops:
    Type: AWS::IAM::Group
    Properties:
      GroupName: ops
      ManagedPolicyArns: arn:aws:iam::aws:policy/ReadOnlyAccess
  Alice:
    Type: AWS::IAM::User
    Properties:
      Groups: [!Ref Ops, legacy]
      LoginProfile: {Password: x, PasswordResetRequired: 'true'}
  Joins:
    Type: AWS::IAM::UserToGroupAddition
    Properties: {GroupName: !Ref Ops, Users: [!Ref Alice]}
  Audit:
    Type: AWS::IAM::UserToGroupAddition
    Properties: {GroupName: audit, Users: [!Ref Alice, bob]}
  Key:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref Alice, Status: Inactive}
  Pool:
    Type: AWS::Cognito::IdentityPool
    Properties: {AllowUnauthenticatedIdentities: 'true'}
  Roles:
    Type: AWS::Cognito::IdentityPoolRoleAttachment
    Properties: {IdentityPoolId: !Ref Pool, Roles: {unauthenticated: !GetAtt Guest.Arn}}
  Guest:
    Type: AWS::IAM::Role
  Users:
    Type: AWS::Cognito::UserPool
    Properties:
      MfaConfiguration: 'OFF'
      UserPoolAddOns: {AdvancedSecurityMode: AUDIT}
";

    fn items(collection: &str) -> serde_json::Value {
        let doc = yaml::parse(TEMPLATE, FileId(0)).unwrap().remove(0);
        let (model, _) = super::super::adapt(&doc, FileId(0), &Default::default());
        let list: Vec<serde_json::Value> = model
            .items(collection)
            .iter()
            .map(|n| n.to_json())
            .collect();
        json!(list)
    }

    #[test]
    fn users_keep_their_groups_login_profile_and_additions_once() {
        assert_eq!(
            items("users"),
            json!([{"id": "Alice", "name": "Alice", "type": "AWS::IAM::User", "cloud": "aws",
                    "groups": ["Ops", "legacy", "audit"],
                    "login_profile": {"password_reset_required": true}}])
        );
        assert_eq!(
            items("groups"),
            json!([{"id": "Ops", "name": "Ops", "type": "AWS::IAM::Group", "cloud": "aws",
                    "group_name": "ops",
                    "managed_policy_arns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]}])
        );
        assert_eq!(
            items("access_keys"),
            json!([{"id": "Key", "name": "Key", "type": "AWS::IAM::AccessKey", "cloud": "aws",
                    "user": "Alice", "status": "Inactive"}])
        );
    }

    #[test]
    fn cognito_pools_and_the_guest_role() {
        assert_eq!(
            items("identity_pools"),
            json!([{"id": "Pool", "name": "Pool", "type": "AWS::Cognito::IdentityPool",
                    "cloud": "aws", "allow_unauthenticated": true,
                    "unauthenticated_role": "Guest"}])
        );
        assert_eq!(
            items("user_pools"),
            json!([{"id": "Users", "name": "Users", "type": "AWS::Cognito::UserPool",
                    "cloud": "aws", "mfa_configuration": "OFF",
                    "advanced_security_mode": "AUDIT"}])
        );
    }
}
