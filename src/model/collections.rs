//! The typed builders of model items: one struct per collection, its fields
//! named once here, so every adapter (CloudFormation/SAM, Terraform,
//! Serverless Framework) builds a function, a role or a policy the same way
//! and a misspelt field is a compile error rather than a silent miss in every
//! rule that reads it.
//!
//! Each field is an `Option<Node>`: the node keeps the span of the text the
//! value came from (findings point there) and may be an unknown. `None` means
//! the source does not set it: the field is absent from the policy input.
//! [`ALL`] lists every collection with its fields (and [`NAMES`] is
//! `model::COLLECTIONS`); a test holds it equal to `docs/model.md` both ways.
//!
//! An item completed after it is built (a later resource makes a function
//! `async_invoked`) goes through [`Update`]s written with `update!` /
//! `append!` (the field is checked at compile time) or through
//! [`crate::model::Model::complete`], which refuses a field the collection
//! does not have. See ADR 0025.

use crate::model::Item;
use crate::parse::Node;
use crate::source::Span;

/// What every item has: `id`, `name`, `type` (the source resource type),
/// `cloud`, and the header span findings about a missing field point at.
#[derive(Debug, Clone)]
pub struct Head {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) type_: String,
    pub(crate) cloud: &'static str,
    pub(crate) span: Span,
    /// Where the name is written when it is not the header (a Terraform
    /// function's `function_name`).
    pub name_span: Span,
}

impl Head {
    pub(crate) fn new(id: &str, name: &str, type_: &str, cloud: &'static str, span: Span) -> Self {
        Head {
            id: id.to_string(),
            name: name.to_string(),
            type_: type_.to_string(),
            cloud,
            span,
            name_span: span,
        }
    }

    /// The item named as the source names it (`function_name = "orders"`),
    /// spanned where that name is written.
    pub fn with_name(mut self, name: &str, span: Span) -> Self {
        self.name = name.to_string();
        self.name_span = span;
        self
    }

    /// An AWS item named after its id (most synthesized items).
    pub fn aws(id: &str, type_: &str, span: Span) -> Self {
        Head::new(id, id, type_, "aws", span)
    }

    fn into_builder(self) -> Item {
        let mut item = Item::new(&self.id, &self.name, &self.type_, self.cloud, self.span);
        if self.name_span != self.span {
            item.set("name", Node::string(&self.name, self.name_span));
        }
        item
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
            pub(crate) struct $name {
                pub(crate) head: Head,
                $(pub $field: Option<Node>,)*
            }

            impl $name {
                pub(crate) fn new(head: Head) -> Self {
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

        /// The collections' names, in input order (`crate::model::COLLECTIONS`).
        pub const NAMES: &[&str] = &[$($coll),*];
    };
}

collections! {
    /// A function: Lambda, Azure Function App, Cloud Function or Cloud Run service.
    Function in "functions" {
        runtime, handler, package_type, timeout, memory_size, tracing, environment, kms_key,
        sensitive_environment, role, code_uri, architectures, reserved_concurrency,
        async_invoked, on_failure, events, defaults, vpc, ingress, public_network_access, cors,
        https_only, ftps_state, remote_debugging, identity, vpc_connector, vpc_egress,
        code_signing_config, layers,
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
    /// A REST, HTTP or WebSocket API (or a further stage of one, `stage_of`).
    Api in "apis" {
        kind, stage, implicit, default_authorizer, endpoint_type, api_key_required,
        has_definition, tracing, access_logging, route_throttling, stage_of,
    }
    /// One method and path of an API.
    Route in "routes" {
        api, function, state_machine, integration, method, path, authorization_type,
        authorizer, api_key_required, integration_timeout_ms,
    }
    /// The settings of a REST API stage for some methods (`/*/*`: all of them).
    MethodSetting in "method_settings" {
        api, stage, resource_path, http_method, caching_enabled, cache_data_encrypted,
        logging_level, data_trace, metrics_enabled, throttling_burst_limit, throttling_rate_limit,
    }
    /// A custom domain (or an endpoint whose TLS policy is set: Azure apps, storage).
    Domain in "domains" {
        kind, domain_name, security_policy, pinned_defaults,
    }
    /// An object storage bucket.
    Bucket in "buckets" {
        bucket_name, encryption, versioning, public_access_block, logging, access_control,
        replication_regions, grants, object_ownership, cors, uniform_access,
        public_access_prevention,
    }
    /// An S3 access point (its own public access block, in front of a bucket).
    AccessPoint in "access_points" {
        bucket, public_access_block,
    }
    /// The account-wide S3 public access block.
    AccountPublicAccessBlock in "account_public_access_blocks" {
        public_access_block,
    }
    /// A CloudFront distribution.
    Distribution in "distributions" {
        origins, default_cache_behavior, cache_behaviors, minimum_protocol_version,
        certificate_source, web_acl, logging,
    }
    /// A WAF web ACL attached to a resource (API stage, AppSync API, load balancer).
    WebAclAssociation in "web_acl_associations" {
        resource, web_acl,
    }
    /// A key-value table.
    Table in "tables" {
        encryption, point_in_time_recovery, replica_regions, deletion_protection,
    }
    /// A message queue.
    Queue in "queues" {
        kms_key, sqs_managed_sse, visibility_timeout, fifo, dead_letter_target,
    }
    /// A notification topic.
    Topic in "topics" {
        kms_key,
    }
    /// A subscription that delivers a topic's messages to an endpoint.
    Subscription in "subscriptions" {
        topic, protocol, endpoint,
    }
    /// A data stream.
    Stream in "streams" {
        encryption,
    }
    /// A delivery stream that loads records into a destination (Kinesis Data Firehose).
    DeliveryStream in "delivery_streams" {
        stream_type, encryption, source_stream,
    }
    /// A network file system (EFS).
    FileSystem in "file_systems" {
        encrypted, kms_key,
    }
    /// An in-memory cache cluster in front of a table (DynamoDB Accelerator).
    Cache in "caches" {
        kind, encryption_at_rest, endpoint_encryption,
    }
    /// An object a template writes into a bucket.
    Object in "objects" {
        bucket, key, encryption, kms_key,
    }
    /// A log group.
    LogGroup in "log_groups" {
        log_group_name, function, retention_days, kms_key,
    }
    /// An encryption key: AWS KMS, Google Cloud KMS, Azure Key Vault.
    Key in "keys" {
        rotation, key_spec, key_usage, origin, rotation_period_days, expiration,
    }
    /// A stored secret: Secrets Manager, Azure Key Vault.
    Secret in "secrets" {
        kms_key, rotation, expiration,
    }
    /// A rotation schedule of a Secrets Manager secret (its own resource).
    RotationSchedule in "rotation_schedules" {
        secret, rotation_period_days,
    }
    /// A configuration value in a parameter store (SSM Parameter Store).
    SsmParameter in "ssm_parameters" {
        parameter_name, parameter_type, sensitive_name, kms_key,
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
    /// An Azure storage account (where a Function App keeps its state, and blob containers).
    StorageAccount in "storage_accounts" {
        https_only, public_blob_access, sftp, local_users, customer_managed_key, blob_soft_delete,
        pinned_defaults,
    }
    /// A blob container of a storage account.
    StorageContainer in "storage_containers" {
        storage_account, access_type,
    }
    /// A vault of keys, secrets and certificates (Azure Key Vault).
    KeyVault in "key_vaults" {
        purge_protection, soft_delete, public_network_access, network_default_action,
    }
    /// A managed data or messaging service with its own endpoint and keys
    /// (Cosmos DB account, Service Bus namespace, Event Grid topic or domain).
    DataService in "data_services" {
        kind, sku, public_network_access, network_default_action, local_auth, identity,
        customer_managed_key,
    }
    /// A back end an API gateway forwards requests to (API Management backend).
    ApiBackend in "api_backends" {
        api, url,
    }
    /// A Google Cloud IAM grant: one role to some members on one resource (ADR 0035).
    IamBinding in "iam_bindings" {
        resource, resource_kind, role, members, condition,
    }
    /// An API Gateway usage plan: the REST API stages it throttles.
    UsagePlan in "usage_plans" {
        api_stages, throttle,
    }
    /// A GraphQL API (AppSync).
    GraphqlApi in "graphql_apis" {
        authentication_type, additional_authentication_types, log_config, xray_enabled,
        visibility,
    }
    /// A bucket's public access block written as a resource of its own
    /// (judged on its own flags; its bucket may be declared elsewhere).
    BucketAccessBlock in "bucket_access_blocks" {
        bucket, public_access_block,
    }
    /// The signatures a Lambda function's code must carry (Lambda code signing config).
    CodeSigningConfig in "code_signing_configs" {
        allowed_publishers, untrusted_artifact_on_deployment,
    }
    /// A container image repository (ECR).
    Repository in "repositories" {
        repository_name, scan_on_push, image_tag_mutability,
    }
    /// An EFS access point: the POSIX user and directory a client (a Lambda
    /// function) is held to. Not an S3 `access_points` item.
    EfsAccessPoint in "efs_access_points" {
        file_system, posix_user, root_directory,
    }
    /// An EventBridge rule and the targets it sends matching events to.
    EventRule in "event_rules" {
        event_bus, role, targets,
    }
}

impl crate::model::Model {
    /// Add a typed item to its collection.
    pub fn add<C: Collection>(&mut self, item: C) {
        self.push(C::NAME, item.into_item());
    }

    /// Set `field` of the item `id` of `collection`, built earlier (a later
    /// resource completes it: an `AWS::Lambda::EventInvokeConfig` makes a
    /// function `async_invoked`). A field the collection does not have is
    /// refused, so a misspelt completion fails loudly instead of adding a
    /// field no rule reads. `Ok(false)`: no such item (the reference named
    /// something outside the model).
    pub fn complete(
        &mut self,
        collection: &str,
        id: &str,
        field: &str,
        value: Node,
    ) -> Result<bool, UnknownField> {
        let Some(item) = self.completed_item(collection, id, field)? else {
            return Ok(false);
        };
        crate::model::set_field(item, field, value);
        Ok(true)
    }

    /// Complete `field` of every item of collection `C` with what `value`
    /// computes from the item (`None` leaves it as it is): facts drawn from
    /// the finished items, such as which environment names look secret.
    pub fn complete_all<C: Collection>(
        &mut self,
        field: &str,
        value: impl Fn(&Node) -> Option<Node>,
    ) -> Result<(), UnknownField> {
        if !C::FIELDS.contains(&field) {
            return Err(UnknownField {
                collection: C::NAME.to_string(),
                field: field.to_string(),
            });
        }
        for item in self.items_mut(C::NAME) {
            if let Some(v) = value(item) {
                crate::model::set_field(item, field, v);
            }
        }
        Ok(())
    }

    /// Add `value` to the list `field` of an item built earlier (a policy
    /// attachment adds a role to `attached_to`), creating the list.
    pub fn append(
        &mut self,
        collection: &str,
        id: &str,
        field: &str,
        value: Node,
    ) -> Result<bool, UnknownField> {
        let Some(item) = self.completed_item(collection, id, field)? else {
            return Ok(false);
        };
        let span = item.span;
        let Some(m) = item.as_map_mut() else {
            return Ok(false);
        };
        match m.get_mut(field).map(|n| &mut n.value) {
            // Without spare room, as the item was pushed (see `set_field`).
            Some(crate::parse::Value::Seq(list)) => {
                list.reserve_exact(1);
                list.push(value);
            }
            _ => {
                if !m.contains_key(field) {
                    m.entries.reserve_exact(1);
                }
                m.insert(field, value.span, Node::seq(vec![value], span));
            }
        }
        Ok(true)
    }

    /// Apply completions gathered while adapting, in order, once every item
    /// exists. They were checked when written (`update!`), so a refusal
    /// here is a bug in this crate.
    pub fn apply(&mut self, updates: Vec<Update>) {
        for u in updates {
            let applied = if u.append {
                self.append(u.collection, &u.id, u.field, u.value)
            } else {
                self.complete(u.collection, &u.id, u.field, u.value)
            };
            debug_assert!(applied.is_ok(), "{applied:?}");
        }
    }

    fn completed_item(
        &mut self,
        collection: &str,
        id: &str,
        field: &str,
    ) -> Result<Option<&mut Node>, UnknownField> {
        if !fields_of(collection).is_some_and(|fields| fields.contains(&field)) {
            return Err(UnknownField {
                collection: collection.to_string(),
                field: field.to_string(),
            });
        }
        Ok(self.item_mut(collection, id))
    }
}

/// A completion naming a collection or field the model does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the model's {collection} have no field `{field}`")]
pub struct UnknownField {
    pub(crate) collection: String,
    pub(crate) field: String,
}

/// A fact one resource adds to an item built from another, applied with
/// [`crate::model::Model::apply`] once every item exists. Written with
/// `update!` or `append!`, which check the field against the
/// collection's struct at compile time.
#[derive(Debug, Clone)]
pub struct Update {
    collection: &'static str,
    id: String,
    field: &'static str,
    value: Node,
    append: bool,
}

impl Update {
    /// Use `update!`/`append!`: they prove the field exists.
    #[doc(hidden)]
    pub fn checked(
        collection: &'static str,
        id: impl Into<String>,
        field: &'static str,
        value: Node,
        append: bool,
    ) -> Self {
        Update {
            collection,
            id: id.into(),
            field,
            value,
            append,
        }
    }
}

/// `update!(Function, id, async_invoked, value)`: set a field of an item
/// built earlier. The field is checked against the struct at compile time.
macro_rules! update {
    ($coll:ident, $id:expr, $field:ident, $value:expr) => {{
        let _field_exists = |item: &$crate::model::collections::$coll| {
            let _ = &item.$field;
        };
        $crate::model::collections::Update::checked(
            <$crate::model::collections::$coll as $crate::model::collections::Collection>::NAME,
            $id,
            stringify!($field),
            $value,
            false,
        )
    }};
}

/// `append!(Policy, id, attached_to, value)`: add to a list field of an
/// item built earlier (checked like `update!`).
macro_rules! append {
    ($coll:ident, $id:expr, $field:ident, $value:expr) => {{
        let _field_exists = |item: &$crate::model::collections::$coll| {
            let _ = &item.$field;
        };
        $crate::model::collections::Update::checked(
            <$crate::model::collections::$coll as $crate::model::collections::Collection>::NAME,
            $id,
            stringify!($field),
            $value,
            true,
        )
    }};
}

pub(crate) use {append, update};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::COLLECTIONS;

    #[test]
    fn collections_and_their_fields_are_named_once() {
        let typed: Vec<&str> = ALL.iter().map(|(c, _)| *c).collect();
        assert_eq!(typed, COLLECTIONS);
        let mut names = typed.clone();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), typed.len(), "a collection named twice");
        for (c, fields) in ALL {
            let mut f = fields.to_vec();
            f.sort_unstable();
            f.dedup();
            assert_eq!(f.len(), fields.len(), "{c}: a field named twice");
            for head in ["id", "name", "type", "cloud"] {
                assert!(!fields.contains(&head), "{c}: `{head}` is the head's");
            }
        }
    }

    /// The `**collection**: `field`, ...` paragraphs of the Items section
    /// of `docs/model.md`: each collection with the backticked names written
    /// outside parentheses (inside them are values and explanations).
    fn documented() -> Vec<(String, Vec<String>)> {
        let doc = include_str!("../../docs/model.md");
        let start = doc.find("\n## Items\n").unwrap_or(0);
        let items = &doc[start..];
        let end = items[1..].find("\n## ").map_or(items.len(), |e| e + 1);
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for paragraph in items[..end].split("\n\n") {
            let mut rest = paragraph;
            while let Some(at) = rest.find("**") {
                let after = &rest[at + 2..];
                let Some(close) = after.find("**:") else {
                    break;
                };
                let name = after[..close].to_string();
                let body = &after[close + 3..];
                let next = body.find("**").unwrap_or(body.len());
                let (mut fields, mut depth, mut tick) = (Vec::new(), 0i32, None);
                for (i, ch) in body[..next].char_indices() {
                    match (ch, tick) {
                        ('`', None) => tick = Some(i + 1),
                        ('`', Some(from)) => {
                            if depth == 0 {
                                fields.push(body[from..i].to_string());
                            }
                            tick = None;
                        }
                        ('(', None) => depth += 1,
                        (')', None) => depth -= 1,
                        _ => {}
                    }
                }
                out.push((name, fields));
                rest = &body[next..];
            }
        }
        out
    }

    #[test]
    fn every_collection_and_field_is_documented_and_every_documented_one_exists() {
        let documented = documented();
        let head = ["id", "name", "type", "cloud"];
        let mut problems = Vec::new();
        for (c, fields) in ALL {
            let Some((_, doc)) = documented.iter().find(|(d, _)| d == c) else {
                problems.push(format!("docs/model.md has no **{c}**: paragraph"));
                continue;
            };
            let doc: Vec<&str> = doc
                .iter()
                .map(String::as_str)
                .filter(|f| !head.contains(f))
                .collect();
            let missing: Vec<&&str> = fields.iter().filter(|f| !doc.contains(f)).collect();
            let extra: Vec<&&str> = doc.iter().filter(|f| !fields.contains(f)).collect();
            if !missing.is_empty() || !extra.is_empty() {
                problems.push(format!(
                    "{c}: fields the docs miss {missing:?}, documented fields the model lacks {extra:?}"
                ));
            }
        }
        // `statement` documents the shape of a policy's statements.
        for (d, _) in &documented {
            if d != "statement" && !ALL.iter().any(|(c, _)| c == d) {
                problems.push(format!(
                    "docs/model.md documents **{d}**, which is no collection"
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn a_completion_of_a_field_the_collection_lacks_is_refused() {
        let span = Span::new(crate::source::FileId(0), 0, 2);
        let mut m = crate::model::Model::new(crate::model::Format::Sam, span.file);
        m.add(Function::new(Head::aws(
            "Fn",
            "AWS::Lambda::Function",
            span,
        )));
        let v = || Node::bool(true, span);
        assert_eq!(
            m.complete("functions", "Fn", "async_invokd", v()),
            Err(UnknownField {
                collection: "functions".into(),
                field: "async_invokd".into()
            })
        );
        assert_eq!(
            m.complete("function", "Fn", "async_invoked", v())
                .map_err(|e| e.to_string()),
            Err("the model's function have no field `async_invoked`".into())
        );
        assert_eq!(
            m.complete("functions", "Nope", "async_invoked", v()),
            Ok(false)
        );
        assert_eq!(
            m.complete_all::<Function>("sensitive_env", |_| Some(v())),
            Err(UnknownField {
                collection: "functions".into(),
                field: "sensitive_env".into()
            })
        );
        assert_eq!(
            m.complete("functions", "Fn", "async_invoked", v()),
            Ok(true)
        );
        m.apply(vec![
            update!(Function, "Fn", timeout, Node::number(3, span)),
            append!(Function, "Fn", architectures, Node::string("arm64", span)),
            append!(Function, "Fn", architectures, Node::string("x86_64", span)),
        ]);
        assert_eq!(
            m.item("functions", "Fn").map(|f| f.to_json().to_string()),
            Some(
                r#"{"id":"Fn","name":"Fn","type":"AWS::Lambda::Function","cloud":"aws","async_invoked":true,"timeout":3,"architectures":["arm64","x86_64"]}"#
                    .to_string()
            )
        );
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
