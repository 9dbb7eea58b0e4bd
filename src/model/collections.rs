//! The typed builders of model items: one struct per collection, its fields
//! named once here, so every adapter (CloudFormation/SAM, Terraform,
//! Serverless Framework) builds a function, a role or a policy the same way
//! and a misspelt field is a compile error rather than a silent miss in every
//! rule that reads it.
//!
//! Each field is an `Option<Node>`: the node keeps the span of the text the
//! value came from (findings point there) and may be an unknown. `None` means
//! the source does not set it: the field is absent from the policy input.
//! [`ALL`] lists every collection with its fields; a test holds it equal to
//! `docs/model.md`.

use crate::model::Item;
use crate::parse::Node;
use crate::source::Span;

/// What every item has: `id`, `name`, `type` (the source resource type),
/// `cloud`, and the header span findings about a missing field point at.
#[derive(Debug, Clone)]
pub struct Head {
    pub id: String,
    pub name: String,
    pub type_: String,
    pub cloud: &'static str,
    pub span: Span,
}

impl Head {
    pub fn new(id: &str, name: &str, type_: &str, cloud: &'static str, span: Span) -> Self {
        Head {
            id: id.to_string(),
            name: name.to_string(),
            type_: type_.to_string(),
            cloud,
            span,
        }
    }

    /// An AWS item named after its id (most synthesized items).
    pub fn aws(id: &str, type_: &str, span: Span) -> Self {
        Head::new(id, id, type_, "aws", span)
    }

    fn into_builder(self) -> Item {
        Item::new(&self.id, &self.name, &self.type_, self.cloud, self.span)
    }
}

/// A model collection: its name in the policy input and its fields.
pub trait Collection {
    /// The collection's name in the policy input (`functions`).
    const NAME: &'static str;
    /// Its fields beyond the head, in the order they are written.
    const FIELDS: &'static [&'static str];
    /// The item as a model node.
    fn into_item(self) -> Node;
}

/// The fields of a collection by name, for code that completes an item
/// after it was built (a later resource adds `async_invoked`).
pub fn fields_of(collection: &str) -> Option<&'static [&'static str]> {
    ALL.iter().find(|(c, _)| *c == collection).map(|(_, f)| *f)
}

macro_rules! collections {
    ($(
        $(#[$doc:meta])*
        $name:ident in $coll:literal { $($field:ident),* $(,)? }
    )*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone)]
            pub struct $name {
                pub head: Head,
                $(pub $field: Option<Node>,)*
            }

            impl $name {
                pub fn new(head: Head) -> Self {
                    $name { head, $($field: None,)* }
                }
            }

            impl Collection for $name {
                const NAME: &'static str = $coll;
                const FIELDS: &'static [&'static str] = &[$(stringify!($field)),*];
                fn into_item(self) -> Node {
                    #[allow(unused_mut)]
                    let mut item = self.head.into_builder();
                    $(item.set_opt(stringify!($field), self.$field);)*
                    item.into_node()
                }
            }
        )*

        /// Every typed collection and its fields, in input order.
        pub const ALL: &[(&str, &[&str])] = &[$(($coll, <$name as Collection>::FIELDS)),*];
    };
}

collections! {
    /// A function: Lambda, Azure Function App, Cloud Function or Cloud Run service.
    Function in "functions" {
        runtime, handler, package_type, timeout, memory_size, tracing, environment, kms_key,
        sensitive_environment, role, code_uri, architectures, reserved_concurrency,
        async_invoked, on_failure, events, defaults, ingress, public_network_access,
    }
    /// An IAM role (or a Google service account a function runs as).
    Role in "roles" {
        assume_role_policy, managed_policy_arns, permissions_boundary, implicit,
    }
    /// An IAM policy document: identity, resource or AWS managed.
    Policy in "policies" {
        kind, origin, attached_to, target_type, managed_name, admin_like, statements,
    }
    /// A public function endpoint (Lambda function URL, anonymous HTTP trigger, public invoker).
    FunctionUrl in "function_urls" {
        function, auth_type, member, cors,
    }
    /// A REST, HTTP or WebSocket API.
    Api in "apis" {
        kind, stage, implicit, default_authorizer, endpoint_type, api_key_required,
        has_definition, tracing, access_logging,
    }
    /// One method and path of an API.
    Route in "routes" {
        api, function, state_machine, integration, method, path, authorization_type,
        authorizer, api_key_required, integration_timeout_ms,
    }
    /// A custom domain (or an endpoint whose TLS policy is set: Azure apps, storage).
    Domain in "domains" {
        kind, domain_name, security_policy,
    }
    /// An object storage bucket.
    Bucket in "buckets" {
        bucket_name, encryption, versioning, public_access_block, logging, access_control,
        replication_regions,
    }
    /// A key-value table.
    Table in "tables" {
        encryption, point_in_time_recovery, replica_regions,
    }
    /// A message queue.
    Queue in "queues" {
        kms_key, sqs_managed_sse, visibility_timeout, fifo, dead_letter_target,
    }
    /// A notification topic.
    Topic in "topics" {
        kms_key,
    }
    /// A data stream.
    Stream in "streams" {
        encryption,
    }
    /// A log group.
    LogGroup in "log_groups" {
        log_group_name, function, retention_days, kms_key,
    }
    /// An encryption key.
    Key in "keys" {
        rotation, key_spec,
    }
    /// A stored secret.
    Secret in "secrets" {
        kms_key, rotation,
    }
    /// A workflow (Step Functions state machine).
    StateMachine in "state_machines" {
        workflow_type, tracing, logging, encryption, definition, role, events,
    }
    /// A poller that invokes a function with records from a queue or stream.
    EventSourceMapping in "event_source_mappings" {
        function, source, source_type, batch_size,
    }
    /// An IAM user (a long-lived identity of a person or a program).
    User in "users" {
        user_name, groups, policies, managed_policy_arns, permissions_boundary, login_profile,
    }
    /// An IAM group.
    Group in "groups" {
        group_name, policies, managed_policy_arns,
    }
    /// A long-lived access key the template creates (IAM user access key, Google
    /// service account key).
    AccessKey in "access_keys" {
        user, status, service_account,
    }
    /// A user directory that signs people in (Cognito user pool).
    UserPool in "user_pools" {
        mfa_configuration, advanced_security_mode, password_policy,
    }
    /// A pool that hands out AWS credentials to app users (Cognito identity pool).
    IdentityPool in "identity_pools" {
        allow_unauthenticated, authenticated_role, unauthenticated_role,
    }
    /// A template parameter or Terraform input variable.
    Parameter in "parameters" {
        parameter_type, default, no_echo, sensitive_name,
    }
    /// A region in use.
    Region in "regions" {
        region, source, resource,
    }
    /// A value that looks like a secret (the secret itself is never kept).
    HardcodedSecret in "hardcoded_secrets" {
        resource, path, kind, description, redacted,
    }
    /// A source resource, raw but with intrinsics resolved.
    Resource in "resources" {
        properties, deletion_policy, update_replace_policy, mode,
    }
}

impl crate::model::Model {
    /// Add a typed item to its collection.
    pub fn add<C: Collection>(&mut self, item: C) {
        self.push(C::NAME, item.into_item());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::COLLECTIONS;

    #[test]
    fn every_collection_is_typed_in_input_order() {
        let typed: Vec<&str> = ALL.iter().map(|(c, _)| *c).collect();
        assert_eq!(typed, COLLECTIONS);
    }

    #[test]
    fn a_built_item_has_its_head_then_the_fields_it_sets() {
        let span = Span::new(crate::source::FileId(0), 3, 9);
        let mut f = Function::new(Head::new(
            "Fn",
            "orders",
            "AWS::Lambda::Function",
            "aws",
            span,
        ));
        f.timeout = Some(Node::number(30, span));
        let item = f.into_item();
        let json = item.to_json();
        assert_eq!(
            json.to_string(),
            r#"{"id":"Fn","name":"orders","type":"AWS::Lambda::Function","cloud":"aws","timeout":30}"#
        );
    }
}
