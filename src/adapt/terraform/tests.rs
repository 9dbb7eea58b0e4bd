//! Adapter tests on plan JSON (`terraform show -json` shape) and on
//! hand-built units (the HCL evaluator's shape: unknowns with references).

use std::collections::BTreeMap;

use serde_json::json;

use super::adapt;
use crate::model::Model;
use crate::parse::{json as pjson, Map, Node, Unknown, Value};
use crate::source::{FileId, Span};
use crate::terraform::{plan, Mode, Resource, Unit};

/// A plan with `resources` (`[address, values]`), configuration references
/// (`[address, argument, [targets]]`) and providers (`[key, region]`).
fn plan_json(
    resources: &[(&str, serde_json::Value)],
    refs: &[(&str, &str, &[&str])],
    providers: &[(&str, &str)],
) -> String {
    let res: Vec<serde_json::Value> = resources
        .iter()
        .map(|(addr, values)| {
            let (mode, rest) = match addr.strip_prefix("data.") {
                Some(r) => ("data", r),
                None => ("managed", *addr),
            };
            let (t, n) = rest.split_once('.').unwrap();
            json!({"address": addr, "mode": mode, "type": t, "name": n, "values": values})
        })
        .collect();
    let conf: Vec<serde_json::Value> = resources
        .iter()
        .map(|(addr, _)| {
            let (mode, rest) = match addr.strip_prefix("data.") {
                Some(r) => ("data", r),
                None => ("managed", *addr),
            };
            let (t, n) = rest.split_once('.').unwrap();
            let mut exprs = serde_json::Map::new();
            let mut key = "aws".to_string();
            for (a, arg, targets) in refs {
                if a == addr {
                    if *arg == "provider" {
                        key = targets[0].to_string();
                        continue;
                    }
                    let r: Vec<String> = targets
                        .iter()
                        .flat_map(|t| [format!("{t}.arn"), t.to_string()])
                        .collect();
                    exprs.insert(arg.to_string(), json!({"references": r}));
                }
            }
            json!({"address": addr, "mode": mode, "type": t, "name": n,
                   "provider_config_key": key, "expressions": exprs})
        })
        .collect();
    let mut pc = serde_json::Map::new();
    for (key, region) in providers {
        let (name, alias) = key
            .split_once('.')
            .map_or((*key, None), |(n, a)| (n, Some(a)));
        let mut p = json!({"name": name, "expressions": {"region": {"constant_value": region}}});
        if let Some(a) = alias {
            p["alias"] = json!(a);
        }
        pc.insert(key.to_string(), p);
    }
    serde_json::to_string_pretty(&json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": res}},
        "configuration": {"provider_config": pc, "root_module": {"resources": conf}},
    }))
    .unwrap()
}

fn model_of(text: &str) -> Model {
    let doc = pjson::parse(text, FileId(0)).unwrap();
    adapt(&plan::read(&doc, FileId(0))).0
}

fn item(m: &Model, collection: &str, id: &str) -> serde_json::Value {
    m.item(collection, id)
        .unwrap_or_else(|| panic!("no {collection} item {id}"))
        .to_json()
}

fn line_of(text: &str, span: Span) -> usize {
    text[..span.start as usize].matches('\n').count() + 1
}

#[test]
fn lambda_functions_link_roles_queues_and_invokers() {
    let text = plan_json(
        &[
            (
                "aws_lambda_function.f",
                json!({
                "runtime": "nodejs18.x", "handler": "index.h", "timeout": 30, "memory_size": 256,
                "role": "arn:aws:iam::1:role/r", "tracing_config": [{"mode": "Active"}],
                "environment": [{"variables": {"DB_PASSWORD": "x", "TABLE": "t"}}],
                "dead_letter_config": [{"target_arn": "arn:aws:sqs:eu-west-1:1:dlq"}],
                "reserved_concurrent_executions": -1, "kms_key_arn": null,
                "s3_bucket": "code", "s3_key": "f.zip"}),
            ),
            (
                "aws_iam_role.r",
                json!({"assume_role_policy": "{\"Statement\":[]}"}),
            ),
            ("aws_sqs_queue.dlq", json!({"name": "dlq"})),
            (
                "aws_lambda_permission.s3",
                json!({"function_name": "f", "action": "lambda:InvokeFunction",
                "principal": "s3.amazonaws.com", "source_account": "123"}),
            ),
        ],
        &[
            ("aws_lambda_function.f", "role", &["aws_iam_role.r"]),
            (
                "aws_lambda_function.f",
                "dead_letter_config",
                &["aws_sqs_queue.dlq"],
            ),
            (
                "aws_lambda_permission.s3",
                "function_name",
                &["aws_lambda_function.f"],
            ),
        ],
        &[("aws", "eu-west-1")],
    );
    let m = model_of(&text);
    let f = item(&m, "functions", "aws_lambda_function.f");
    assert_eq!(f["runtime"], "nodejs18.x");
    assert_eq!(f["timeout"], 30);
    assert_eq!(f["tracing"], "Active");
    assert_eq!(f["role"], "aws_iam_role.r");
    assert_eq!(f["on_failure"], "aws_sqs_queue.dlq");
    assert_eq!(f["code_uri"], "s3://code/f.zip");
    assert_eq!(f["sensitive_environment"], json!(["DB_PASSWORD"]));
    assert_eq!(f["async_invoked"], true);
    assert!(f.get("reserved_concurrency").is_none());
    assert!(f.get("kms_key").is_none());
    let p = item(&m, "policies", "aws_lambda_permission.s3");
    assert_eq!(p["attached_to"], json!(["aws_lambda_function.f"]));
    assert_eq!(
        p["statements"][0],
        json!({"effect": "Allow", "action": ["lambda:InvokeFunction"],
               "principal": {"Service": ["s3.amazonaws.com"]},
               "condition": {"StringEquals": {"aws:SourceAccount": ["123"]}}})
    );
    // The timeout points at its value in the plan.
    let span = m.locate("aws_lambda_function.f", "timeout").unwrap();
    assert_eq!(&text[span.start as usize..span.end as usize], "30");
}

#[test]
fn policy_documents_attachments_and_managed_policies() {
    let text = plan_json(
        &[
            (
                "data.aws_iam_policy_document.p",
                json!({"statement": [
                    {"actions": ["s3:*"], "resources": ["*"],
                     "principals": [{"type": "*", "identifiers": ["*"]}],
                     "condition": [{"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]}]}
                ]}),
            ),
            ("aws_iam_policy.p", json!({"policy": "{}"})),
            ("aws_iam_role.r", json!({"assume_role_policy": "{}"})),
            (
                "aws_iam_role_policy_attachment.a",
                json!({"role": "r", "policy_arn": "arn:aws:iam::1:policy/p"}),
            ),
            (
                "aws_iam_role_policy_attachment.admin",
                json!({"role": "r",
                "policy_arn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
            ),
        ],
        &[
            (
                "aws_iam_policy.p",
                "policy",
                &["data.aws_iam_policy_document.p"],
            ),
            (
                "aws_iam_role_policy_attachment.a",
                "role",
                &["aws_iam_role.r"],
            ),
            (
                "aws_iam_role_policy_attachment.a",
                "policy_arn",
                &["aws_iam_policy.p"],
            ),
            (
                "aws_iam_role_policy_attachment.admin",
                "role",
                &["aws_iam_role.r"],
            ),
        ],
        &[],
    );
    let m = model_of(&text);
    let p = item(&m, "policies", "aws_iam_policy.p");
    assert_eq!(p["attached_to"], json!(["aws_iam_role.r"]));
    assert_eq!(
        p["statements"],
        json!([{"effect": "Allow", "action": ["s3:*"], "resource": ["*"],
                "principal": {"AWS": ["*"]},
                "condition": {"Bool": {"aws:SecureTransport": ["false"]}}}])
    );
    // The statement's action points into the data source.
    let span = m
        .locate("aws_iam_policy.p", "statements.0.action.0")
        .unwrap();
    assert_eq!(&text[span.start as usize..span.end as usize], "\"s3:*\"");
    let admin = item(&m, "policies", "aws_iam_role_policy_attachment.admin");
    assert_eq!(admin["managed_name"], "AdministratorAccess");
    assert_eq!(admin["attached_to"], json!(["aws_iam_role.r"]));
}

#[test]
fn split_bucket_resources_complete_their_bucket() {
    let text = plan_json(
        &[
            ("aws_s3_bucket.b", json!({"bucket": "data"})),
            ("aws_s3_bucket.replica", json!({"bucket": "data-replica"})),
            (
                "aws_s3_bucket_server_side_encryption_configuration.b",
                json!({"bucket": "data",
                "rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": "AES256"}]}]}),
            ),
            (
                "aws_s3_bucket_versioning.b",
                json!({"bucket": "data",
                "versioning_configuration": [{"status": "Enabled"}]}),
            ),
            (
                "aws_s3_bucket_public_access_block.b",
                json!({"bucket": "data", "block_public_acls": true}),
            ),
            (
                "aws_s3_bucket_policy.b",
                json!({"bucket": "data",
                "policy": "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Principal\":\"*\"}]}"}),
            ),
            (
                "aws_s3_bucket_replication_configuration.b",
                json!({"bucket": "data",
                "rule": [{"destination": [{"bucket": "arn:aws:s3:::data-replica"}]}]}),
            ),
        ],
        &[
            (
                "aws_s3_bucket_replication_configuration.b",
                "rule",
                &["aws_s3_bucket.replica"],
            ),
            ("aws_s3_bucket.replica", "provider", &["aws.us"]),
        ],
        &[("aws", "eu-west-1"), ("aws.us", "us-east-1")],
    );
    let m = model_of(&text);
    let b = item(&m, "buckets", "aws_s3_bucket.b");
    assert_eq!(b["encryption"], json!({"algorithm": "AES256"}));
    assert_eq!(b["versioning"], true);
    assert_eq!(b["public_access_block"], json!({"block_public_acls": true}));
    // The block is also an item of its own, naming the bucket by id.
    let block = item(
        &m,
        "bucket_access_blocks",
        "aws_s3_bucket_public_access_block.b",
    );
    assert_eq!(block["bucket"], "aws_s3_bucket.b");
    assert_eq!(
        block["public_access_block"],
        json!({"block_public_acls": true})
    );
    assert_eq!(b["replication_regions"], json!(["us-east-1"]));
    let p = item(&m, "policies", "aws_s3_bucket_policy.b");
    assert_eq!(p["attached_to"], json!(["aws_s3_bucket.b"]));
    assert_eq!(p["target_type"], "s3");
    assert_eq!(p["statements"][0]["principal"], json!({"AWS": ["*"]}));
    let regions: Vec<(String, String)> = m
        .items("regions")
        .iter()
        .map(|r| {
            let j = r.to_json();
            (
                j["region"].as_str().unwrap().into(),
                j["source"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        regions,
        [
            ("eu-west-1".into(), "provider".into()),
            ("us-east-1".into(), "provider".into()),
            ("us-east-1".into(), "replication".into()),
        ]
    );
}

#[test]
fn tables_queues_streams_and_log_groups() {
    let text = plan_json(
        &[
            (
                "aws_dynamodb_table.t",
                json!({"server_side_encryption": [{"enabled": true, "kms_key_arn": ""}],
                "point_in_time_recovery": [{"enabled": false}], "replica": [{"region_name": "eu-central-1"}]}),
            ),
            (
                "aws_sqs_queue.q",
                json!({"sqs_managed_sse_enabled": false, "visibility_timeout_seconds": 30,
                "redrive_policy": "{\"deadLetterTargetArn\":\"arn:aws:sqs:eu-west-1:1:dlq\",\"maxReceiveCount\":3}"}),
            ),
            ("aws_kinesis_stream.s", json!({"encryption_type": "NONE"})),
            (
                "aws_cloudwatch_log_group.l",
                json!({"retention_in_days": 0, "kms_key_id": null}),
            ),
        ],
        &[],
        &[],
    );
    let m = model_of(&text);
    assert_eq!(
        item(&m, "tables", "aws_dynamodb_table.t")["encryption"],
        json!({"enabled": true})
    );
    assert_eq!(
        item(&m, "tables", "aws_dynamodb_table.t")["point_in_time_recovery"],
        false
    );
    let q = item(&m, "queues", "aws_sqs_queue.q");
    assert_eq!(q["sqs_managed_sse"], false);
    assert_eq!(q["dead_letter_target"], "arn:aws:sqs:eu-west-1:1:dlq");
    assert_eq!(
        item(&m, "streams", "aws_kinesis_stream.s")["encryption"],
        json!({"type": "NONE"})
    );
    assert!(item(&m, "log_groups", "aws_cloudwatch_log_group.l")
        .get("retention_days")
        .is_none());
    let replica = m
        .items("regions")
        .iter()
        .map(Node::to_json)
        .find(|r| r["source"] == "replica");
    assert_eq!(replica.unwrap()["region"], "eu-central-1");
}

#[test]
fn api_gateway_methods_take_paths_and_functions_from_resources_and_integrations() {
    let text = plan_json(
        &[
            ("aws_api_gateway_rest_api.api", json!({"name": "api"})),
            (
                "aws_api_gateway_resource.orders",
                json!({"path_part": "orders", "parent_id": "root"}),
            ),
            (
                "aws_api_gateway_method.get",
                json!({"http_method": "GET", "authorization": "NONE",
                "resource_id": "abc", "rest_api_id": "x"}),
            ),
            (
                "aws_api_gateway_integration.get",
                json!({"http_method": "GET", "resource_id": "abc",
                "rest_api_id": "x", "uri": "arn", "timeout_milliseconds": 29000}),
            ),
            (
                "aws_api_gateway_stage.prod",
                json!({"stage_name": "prod", "rest_api_id": "x",
                "xray_tracing_enabled": false}),
            ),
            ("aws_lambda_function.f", json!({"timeout": 60})),
        ],
        &[
            (
                "aws_api_gateway_resource.orders",
                "parent_id",
                &["aws_api_gateway_rest_api.api"],
            ),
            (
                "aws_api_gateway_method.get",
                "resource_id",
                &["aws_api_gateway_resource.orders"],
            ),
            (
                "aws_api_gateway_method.get",
                "rest_api_id",
                &["aws_api_gateway_rest_api.api"],
            ),
            (
                "aws_api_gateway_integration.get",
                "resource_id",
                &["aws_api_gateway_resource.orders"],
            ),
            (
                "aws_api_gateway_integration.get",
                "rest_api_id",
                &["aws_api_gateway_rest_api.api"],
            ),
            (
                "aws_api_gateway_integration.get",
                "uri",
                &["aws_lambda_function.f"],
            ),
            (
                "aws_api_gateway_stage.prod",
                "rest_api_id",
                &["aws_api_gateway_rest_api.api"],
            ),
        ],
        &[],
    );
    let m = model_of(&text);
    let r = item(&m, "routes", "aws_api_gateway_method.get");
    assert_eq!(r["api"], "aws_api_gateway_rest_api.api");
    assert_eq!(r["path"], "/orders");
    assert_eq!(r["method"], "GET");
    assert_eq!(r["authorization_type"], "NONE");
    assert_eq!(r["function"], "aws_lambda_function.f");
    assert_eq!(r["integration_timeout_ms"], 29000);
    // The stage is an item of its own; the API's item has no stage.
    let api = item(&m, "apis", "aws_api_gateway_rest_api.api");
    assert_eq!(api["kind"], "rest");
    assert!(api.get("stage").is_none(), "{api}");
    let stage = item(&m, "apis", "aws_api_gateway_stage.prod");
    assert_eq!(stage["stage_of"], "aws_api_gateway_rest_api.api");
    assert_eq!(stage["stage"], "prod");
    assert_eq!(stage["tracing"], false);
    assert_eq!(stage["kind"], "rest");
}

#[test]
fn azure_function_apps() {
    let text = plan_json(
        &[
            (
                "azurerm_linux_function_app.app",
                json!({"name": "orders", "location": "West Europe",
                "site_config": [{"minimum_tls_version": "1.0",
                                 "application_stack": [{"python_version": "3.9"}]}],
                "app_settings": {"DB_PASSWORD": "@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/db/)",
                                 "API_TOKEN": "plain"}}),
            ),
            (
                "azurerm_windows_function_app.win",
                json!({"location": "westeurope",
                "site_config": [{"application_stack": [{"dotnet_version": "v8.0",
                                                         "use_dotnet_isolated_runtime": true}]}]}),
            ),
            (
                "azurerm_function_app_function.hello",
                json!({"function_app_id": "/subscriptions/x",
                "config_json": "{\"bindings\":[{\"type\":\"httpTrigger\",\"authLevel\":\"anonymous\"}]}"}),
            ),
            (
                "azurerm_storage_account.sa",
                json!({"location": "westeurope", "min_tls_version": "TLS1_0"}),
            ),
        ],
        &[(
            "azurerm_function_app_function.hello",
            "function_app_id",
            &["azurerm_linux_function_app.app"],
        )],
        &[],
    );
    let m = model_of(&text);
    let f = item(&m, "functions", "azurerm_linux_function_app.app");
    assert_eq!(f["cloud"], "azure");
    assert_eq!(f["runtime"], "python|3.9");
    // A Key Vault reference holds no secret.
    assert_eq!(f["sensitive_environment"], json!(["API_TOKEN"]));
    assert_eq!(
        item(&m, "functions", "azurerm_windows_function_app.win")["runtime"],
        "dotnet-isolated|8.0"
    );
    assert_eq!(
        item(&m, "domains", "azurerm_linux_function_app.app")["security_policy"],
        "TLS_1_0"
    );
    assert_eq!(
        item(&m, "domains", "azurerm_storage_account.sa")["security_policy"],
        "TLS_1_0"
    );
    let u = item(&m, "function_urls", "azurerm_function_app_function.hello");
    assert_eq!(u["auth_type"], "NONE");
    assert_eq!(u["function"], "azurerm_linux_function_app.app");
    let regions: Vec<String> = m
        .items("regions")
        .iter()
        .map(|r| r.to_json()["region"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(regions, ["westeurope", "westeurope", "westeurope"]);
}

#[test]
fn azure_data_services_storage_and_vaults_in_one_vocabulary() {
    let text = plan_json(
        &[
            (
                "azurerm_cosmosdb_account.db",
                json!({"local_authentication_disabled": true, "ip_range_filter": "",
                       "is_virtual_network_filter_enabled": false,
                       "identity": [{"type": "SystemAssigned"}]}),
            ),
            (
                "azurerm_servicebus_namespace.bus",
                json!({"sku": "Premium", "local_auth_enabled": false,
                       "network_rule_set": [], "customer_managed_key": []}),
            ),
            (
                "azurerm_servicebus_namespace_network_rule_set.rules",
                json!({"namespace_id": "/subscriptions/x/namespaces/bus",
                       "default_action": "Deny", "public_network_access_enabled": false}),
            ),
            (
                "azurerm_servicebus_namespace_customer_managed_key.key",
                json!({"namespace_id": "/subscriptions/x/namespaces/bus",
                       "key_vault_key_id": "https://kv.vault.azure.net/keys/bus"}),
            ),
            (
                "azurerm_eventgrid_domain.events",
                json!({"inbound_ip_rule": [{"ip_mask": "203.0.113.0/24"}]}),
            ),
            (
                "azurerm_storage_account.sa",
                json!({"enable_https_traffic_only": false,
                       "allow_nested_items_to_be_public": false, "sftp_enabled": true}),
            ),
            (
                "azurerm_storage_container.c",
                json!({"storage_account_name": "sa", "container_access_type": "blob"}),
            ),
            (
                "azurerm_key_vault.kv",
                json!({"purge_protection_enabled": true,
                       "network_acls": [{"default_action": "Allow"}]}),
            ),
            (
                "azurerm_api_management_backend.be",
                json!({"api_management_name": "gw", "url": "http://x"}),
            ),
        ],
        &[
            (
                "azurerm_servicebus_namespace_network_rule_set.rules",
                "namespace_id",
                &["azurerm_servicebus_namespace.bus"],
            ),
            (
                "azurerm_servicebus_namespace_customer_managed_key.key",
                "namespace_id",
                &["azurerm_servicebus_namespace.bus"],
            ),
            (
                "azurerm_storage_container.c",
                "storage_account_name",
                &["azurerm_storage_account.sa"],
            ),
        ],
        &[],
    );
    let m = model_of(&text);
    let fields = |c: &str, id: &str| {
        let mut v = item(&m, c, id);
        for head in ["id", "name", "type", "cloud"] {
            v.as_object_mut().unwrap().remove(head);
        }
        v
    };
    // Cosmos DB's `local_authentication_disabled` is inverted; an empty IP
    // filter and a virtual network filter that is off are no firewall.
    assert_eq!(
        fields("data_services", "azurerm_cosmosdb_account.db"),
        json!({"kind": "cosmos_db", "local_auth": false, "identity": "SystemAssigned"})
    );
    // The rule set and the key written as resources of their own complete
    // the namespace.
    assert_eq!(
        fields("data_services", "azurerm_servicebus_namespace.bus"),
        json!({"kind": "service_bus", "sku": "Premium", "public_network_access": false,
               "network_default_action": "Deny", "local_auth": false,
               "customer_managed_key": "https://kv.vault.azure.net/keys/bus"})
    );
    assert_eq!(
        fields("data_services", "azurerm_eventgrid_domain.events"),
        json!({"kind": "event_grid_domain", "network_default_action": "Deny"})
    );
    assert_eq!(
        fields("storage_accounts", "azurerm_storage_account.sa"),
        json!({"https_only": false, "public_blob_access": false, "sftp": true})
    );
    assert_eq!(
        fields("storage_containers", "azurerm_storage_container.c"),
        json!({"storage_account": "azurerm_storage_account.sa", "access_type": "blob"})
    );
    assert_eq!(
        fields("key_vaults", "azurerm_key_vault.kv"),
        json!({"purge_protection": true, "network_default_action": "Allow"})
    );
    assert_eq!(
        fields("api_backends", "azurerm_api_management_backend.be"),
        json!({"api": "gw", "url": "http://x"})
    );
}

#[test]
fn gcp_functions_and_public_invokers() {
    let text = plan_json(
        &[
            (
                "google_cloudfunctions2_function.f",
                json!({"location": "europe-west1",
                "build_config": [{"runtime": "python39", "entry_point": "main"}],
                "service_config": [{"timeout_seconds": 3600, "available_memory": "1Gi",
                                    "ingress_settings": "ALLOW_ALL",
                                    "environment_variables": {"SECRET_KEY": "abc"}}]}),
            ),
            (
                "google_cloud_run_v2_service.s",
                json!({"location": "us-central1", "ingress": "INGRESS_TRAFFIC_INTERNAL_ONLY",
                "template": [{"timeout": "120s", "containers": [{"image": "gcr.io/p/i", "env": [{"name": "A", "value": "1"}]}]}]}),
            ),
            (
                "google_cloud_run_service_iam_member.public",
                json!({"service": "f", "role": "roles/run.invoker", "member": "allUsers"}),
            ),
            (
                "google_cloud_run_v2_service_iam_binding.internal",
                json!({"name": "s", "role": "roles/run.invoker", "members": ["allUsers"]}),
            ),
        ],
        &[
            (
                "google_cloud_run_service_iam_member.public",
                "service",
                &["google_cloudfunctions2_function.f"],
            ),
            (
                "google_cloud_run_v2_service_iam_binding.internal",
                "name",
                &["google_cloud_run_v2_service.s"],
            ),
        ],
        &[("google", "europe-west1")],
    );
    let m = model_of(&text);
    let f = item(&m, "functions", "google_cloudfunctions2_function.f");
    assert_eq!(f["cloud"], "gcp");
    assert_eq!(f["runtime"], "python39");
    assert_eq!(f["timeout"], 3600);
    assert_eq!(f["memory_size"], 1024);
    assert_eq!(f["sensitive_environment"], json!(["SECRET_KEY"]));
    let s = item(&m, "functions", "google_cloud_run_v2_service.s");
    assert_eq!(s["timeout"], 120);
    assert_eq!(s["environment"], json!({"A": "1"}));
    let u = item(
        &m,
        "function_urls",
        "google_cloud_run_service_iam_member.public",
    );
    assert_eq!(u["auth_type"], "NONE");
    assert_eq!(u["function"], "google_cloudfunctions2_function.f");
    // Internal-only ingress: not reachable from the internet.
    assert!(m
        .item(
            "function_urls",
            "google_cloud_run_v2_service_iam_binding.internal"
        )
        .is_none());
    let span = m
        .locate("google_cloud_run_service_iam_member.public", "auth_type")
        .unwrap();
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        "\"allUsers\""
    );
    assert_eq!(
        line_of(&text, span),
        text.lines()
            .position(|l| l.contains("\"allUsers\""))
            .unwrap()
            + 1
    );
}

fn sp(a: usize, b: usize) -> Span {
    Span::new(FileId(1), a, b)
}

fn resource(address: &str, values: Vec<(&str, Node)>, refs: &[(&str, &str)]) -> Resource {
    let (t, n) = address.split_once('.').unwrap();
    let mut m = Map::default();
    for (k, v) in values {
        m.insert(k, v.span, v);
    }
    let mut r = BTreeMap::new();
    for (arg, target) in refs {
        r.insert(arg.to_string(), vec![target.to_string()]);
    }
    Resource {
        address: address.into(),
        mode: Mode::Managed,
        type_: t.into(),
        name: n.into(),
        module: String::new(),
        values: Node::map(m, sp(0, 100)),
        span: sp(0, 10),
        body: sp(0, 100),
        provider: plan::default_provider(t),
        refs: r,
    }
}

#[test]
fn unknowns_stay_unknown_and_still_link() {
    let unknown = |r: &str, a: &str| {
        Node::new(
            Value::Unknown(Box::new(Unknown {
                reason: "not known statically".into(),
                reference: Some(r.into()),
                attribute: Some(a.into()),
                supplied: false,
            })),
            sp(20, 30),
        )
    };
    // A heredoc-like literal whose span is exactly its text keeps inner spans.
    let policy = r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let written = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":{"unknown":true,"reason":"variable acct has no value","supplied":true}}}]}"#;
    let unit = Unit {
        resources: vec![
            resource(
                "aws_lambda_function.f",
                vec![
                    ("role", unknown("aws_iam_role.r", "arn")),
                    ("kms_key_arn", unknown("aws_kms_key.k", "arn")),
                    ("timeout", unknown("var", "timeout")),
                ],
                &[],
            ),
            resource("aws_iam_role.r", vec![], &[]),
            resource(
                "aws_iam_role_policy.p",
                vec![("policy", Node::string(policy, sp(200, 200 + policy.len())))],
                &[("role", "aws_iam_role.r")],
            ),
            // `jsonencode` text with an unknown in it, in the model's form.
            resource(
                "aws_iam_role_policy.q",
                vec![("policy", Node::string(written, sp(300, 300)))],
                &[],
            ),
        ],
        ..Unit::default()
    };
    let (m, _) = adapt(&unit);
    let f = item(&m, "functions", "aws_lambda_function.f");
    assert_eq!(f["role"], "aws_iam_role.r");
    assert_eq!(f["kms_key"]["unknown"], true);
    assert_eq!(f["timeout"]["unknown"], true);
    let p = item(&m, "policies", "aws_iam_role_policy.p");
    assert_eq!(p["attached_to"], json!(["aws_iam_role.r"]));
    let span = m
        .locate("aws_iam_role_policy.p", "statements.0.action.0")
        .unwrap();
    let at = policy.find("\"*\"").unwrap();
    assert_eq!(span, sp(200 + at, 200 + at + 3));
    assert_eq!(m.headers.len(), 4);
    assert_eq!(m.headers[0].id, "aws_lambda_function.f");
    // An unknown written into JSON text is read back, `supplied` included.
    let q = item(&m, "policies", "aws_iam_role_policy.q");
    assert_eq!(
        q["statements"][0]["principal"]["AWS"][0],
        json!({"unknown": true, "reason": "variable acct has no value", "supplied": true})
    );
}

/// The model of a one-file HCL module.
fn hcl_model(main: &str) -> Model {
    let root = std::path::PathBuf::from("/m");
    let mut set = crate::terraform::FileSet::default();
    set.files.insert(
        root.join("main.tf"),
        (FileId(0), std::sync::Arc::from(main)),
    );
    let unit = crate::terraform::load_module(&root, &set, &crate::terraform::Options::default());
    adapt(&unit).0
}

/// The line of the node at `path` inside item `id`.
fn line_at(m: &Model, text: &str, collection: &str, id: &str, path: &[&str]) -> usize {
    let item = m.item(collection, id).expect("item");
    let (n, matched) = item.find_path(path);
    assert_eq!(matched, path.len(), "{path:?} in {}", item.to_json());
    line_of(text, n.span)
}

#[test]
fn policy_statements_point_inside_heredocs_and_jsonencode() {
    let main = r#"resource "aws_iam_role_policy" "j" {
  role = "r"
  policy = jsonencode({
    Statement = [{
      Action   = ["iam:AttachGroupPolicy"]
      Effect   = "Allow"
      Resource = "*"
    }]
  })
}
resource "aws_sqs_queue" "q" {
  policy = <<POLICY
{
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": "sqs:SendMessage",
    "Resource": "${aws_sqs_queue.q.arn}"
  }]
}
POLICY
}
"#;
    let m = hcl_model(main);
    let j = "aws_iam_role_policy.j";
    assert_eq!(
        line_at(
            &m,
            main,
            "policies",
            j,
            &["statements", "0", "resource", "0"]
        ),
        7
    );
    assert_eq!(
        line_at(&m, main, "policies", j, &["statements", "0", "action", "0"]),
        5
    );
    let q = "aws_sqs_queue.q/Policy";
    let p = item(&m, "policies", q);
    assert_eq!(p["statements"][0]["principal"], json!({"AWS": ["*"]}));
    assert_eq!(
        p["statements"][0]["resource"][0]["ref"],
        json!("aws_sqs_queue.q")
    );
    assert_eq!(
        line_at(
            &m,
            main,
            "policies",
            q,
            &["statements", "0", "principal", "AWS", "0"]
        ),
        16
    );
}

#[test]
fn invalid_policy_json_is_a_note_and_unknown_statements() {
    let main = "resource \"aws_iam_policy\" \"p\" {\n  policy = <<EOF\n{\"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"*\", \"Resource\": \"*\",}]}\nEOF\n}\n";
    let m = hcl_model(main);
    let p = item(&m, "policies", "aws_iam_policy.p");
    assert_eq!(p["statements"]["unknown"], json!(true));
    let notes: Vec<_> = m
        .notes
        .iter()
        .filter(|(msg, _)| msg.contains("not valid JSON"))
        .collect();
    assert_eq!(notes.len(), 1, "{:?}", m.notes);
    assert!(notes[0]
        .0
        .starts_with("aws_iam_policy.p: the policy is not valid JSON"));
    assert_eq!(line_of(main, notes[0].1), 2);
}

#[test]
fn unknowns_in_model_form_are_read_back_as_unknowns() {
    // A plan's policy string written by `jsonencode` with an unknown part.
    let policy = r#"{"Statement":[{"Effect":"Allow","Principal":{"unknown":true,"reason":"r","ref":"aws_iam_role.x","attr":"arn"},"Action":"s3:*","Resource":"*"}]}"#;
    let text = plan_json(&[("aws_iam_policy.p", json!({"policy": policy}))], &[], &[]);
    let m = model_of(&text);
    let p = item(&m, "policies", "aws_iam_policy.p");
    let principal = &p["statements"][0]["principal"];
    assert_eq!(principal["unknown"], json!(true));
    assert_eq!(principal["ref"], json!("aws_iam_role.x"));
}

#[test]
fn api_policies_managed_key_aliases_and_function_names() {
    let main = r#"resource "aws_api_gateway_rest_api" "api" {
  name   = "api"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "*" }] })
}
resource "aws_api_gateway_rest_api_policy" "p" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  policy      = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "execute-api:Invoke", Resource = "*" }] })
}
data "aws_kms_key" "managed" {
  key_id = "alias/aws/secretsmanager"
}
data "aws_kms_key" "own" {
  key_id = "alias/mine"
}
resource "aws_secretsmanager_secret" "a" {
  kms_key_id = data.aws_kms_key.managed.arn
}
resource "aws_secretsmanager_secret" "b" {
  kms_key_id = data.aws_kms_key.own.arn
}
resource "aws_lambda_function" "f" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/r"
}
"#;
    let m = hcl_model(main);
    let own = item(&m, "policies", "aws_api_gateway_rest_api.api/Policy");
    assert_eq!(own["target_type"], json!("execute-api"));
    assert_eq!(own["attached_to"], json!(["aws_api_gateway_rest_api.api"]));
    assert_eq!(own["statements"][0]["principal"], json!({"AWS": ["*"]}));
    let split = item(&m, "policies", "aws_api_gateway_rest_api_policy.p");
    assert_eq!(split["kind"], json!("resource"));
    assert_eq!(
        split["attached_to"],
        json!(["aws_api_gateway_rest_api.api"])
    );
    assert_eq!(split["statements"][0]["effect"], json!("Deny"));
    let a = item(&m, "secrets", "aws_secretsmanager_secret.a");
    assert_eq!(a["kms_key"], json!("alias/aws/secretsmanager"));
    assert_eq!(
        line_at(
            &m,
            main,
            "secrets",
            "aws_secretsmanager_secret.a",
            &["kms_key"]
        ),
        16
    );
    let b = item(&m, "secrets", "aws_secretsmanager_secret.b");
    assert_eq!(b["kms_key"]["ref"], json!("data.aws_kms_key.own"));
    let f = item(&m, "functions", "aws_lambda_function.f");
    assert_eq!(f["name"], json!("orders"));
    assert_eq!(f["id"], json!("aws_lambda_function.f"));
}

#[test]
fn identity_users_groups_keys_and_cognito_pools() {
    let text = plan_json(
        &[
            ("aws_iam_user.a", json!({"name": "alice"})),
            ("aws_iam_group.ops", json!({"name": "ops"})),
            (
                "aws_iam_user_login_profile.a",
                json!({"user": "alice", "password_reset_required": true}),
            ),
            (
                "aws_iam_access_key.a",
                json!({"user": "alice", "status": "Inactive"}),
            ),
            (
                "aws_iam_user_group_membership.a",
                json!({"user": "alice", "groups": ["ops", "legacy"]}),
            ),
            (
                "google_service_account_key.k",
                json!({"service_account_id": "projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com"}),
            ),
            (
                "aws_cognito_user_pool.u",
                json!({"mfa_configuration": "OFF", "user_pool_add_ons": [{"advanced_security_mode": "AUDIT"}]}),
            ),
            (
                "aws_cognito_identity_pool.p",
                json!({"allow_unauthenticated_identities": true}),
            ),
            ("aws_iam_role.guest", json!({"name": "guest"})),
            (
                "aws_cognito_identity_pool_roles_attachment.p",
                json!({"identity_pool_id": "eu-west-1:1", "roles": {"unauthenticated": "arn:aws:iam::1:role/guest"}}),
            ),
        ],
        &[
            ("aws_iam_user_login_profile.a", "user", &["aws_iam_user.a"]),
            ("aws_iam_access_key.a", "user", &["aws_iam_user.a"]),
            (
                "aws_cognito_identity_pool_roles_attachment.p",
                "identity_pool_id",
                &["aws_cognito_identity_pool.p"],
            ),
        ],
        &[],
    );
    let m = model_of(&text);
    // Group names link by their literal name; one outside the unit stays a name.
    assert_eq!(
        item(&m, "users", "aws_iam_user.a"),
        json!({"id": "aws_iam_user.a", "name": "aws_iam_user.a", "type": "aws_iam_user",
               "cloud": "aws", "user_name": "alice",
               "login_profile": {"password_reset_required": true},
               "groups": ["aws_iam_group.ops", "legacy"]})
    );
    assert_eq!(
        item(&m, "groups", "aws_iam_group.ops")["group_name"],
        json!("ops")
    );
    let key = item(&m, "access_keys", "aws_iam_access_key.a");
    assert_eq!(
        (&key["user"], &key["status"]),
        (&json!("aws_iam_user.a"), &json!("Inactive"))
    );
    let gkey = item(&m, "access_keys", "google_service_account_key.k");
    assert_eq!(gkey["cloud"], json!("gcp"));
    assert_eq!(
        gkey["service_account"],
        json!("projects/p/serviceAccounts/ci@p.iam.gserviceaccount.com")
    );
    let pool = item(&m, "user_pools", "aws_cognito_user_pool.u");
    assert_eq!(
        (&pool["mfa_configuration"], &pool["advanced_security_mode"]),
        (&json!("OFF"), &json!("AUDIT"))
    );
    assert_eq!(
        item(&m, "identity_pools", "aws_cognito_identity_pool.p"),
        json!({"id": "aws_cognito_identity_pool.p", "name": "aws_cognito_identity_pool.p",
               "type": "aws_cognito_identity_pool", "cloud": "aws",
               "allow_unauthenticated": true,
               // An ARN that names no resource of the unit stays as written.
               "unauthenticated_role": "arn:aws:iam::1:role/guest"})
    );
}

#[test]
fn gcp_iam_bindings_buckets_topics_and_vpc_egress() {
    let text = plan_json(
        &[
            (
                "google_storage_bucket.b",
                json!({"name": "exports", "uniform_bucket_level_access": false,
                "public_access_prevention": "inherited", "versioning": [{"enabled": true}],
                "logging": [{"log_bucket": "logs"}],
                "encryption": [{"default_kms_key_name": "projects/p/locations/eu/keyRings/r/cryptoKeys/k"}]}),
            ),
            (
                "google_storage_bucket_iam_member.public",
                json!({"bucket": "exports", "role": "roles/storage.objectViewer", "member": "allUsers"}),
            ),
            (
                "google_project_iam_binding.editors",
                json!({"project": "p", "role": "roles/editor",
                "members": ["group:g@example.com", "serviceAccount:a@p.iam.gserviceaccount.com"],
                "condition": [{"title": "t", "expression": "request.time < timestamp(\"2030-01-01T00:00:00Z\")"}]}),
            ),
            (
                "google_pubsub_topic_iam_policy.t",
                json!({"topic": "events",
                "policy_data": "{\"bindings\":[{\"members\":[\"allUsers\"],\"role\":\"roles/pubsub.publisher\"}]}"}),
            ),
            ("google_pubsub_topic.events", json!({"name": "events"})),
            (
                "google_cloudfunctions_function.w",
                json!({"name": "w", "vpc_connector": "c", "vpc_connector_egress_settings": "PRIVATE_RANGES_ONLY"}),
            ),
        ],
        &[],
        &[("google", "europe-west1")],
    );
    let m = model_of(&text);
    let b = item(&m, "buckets", "google_storage_bucket.b");
    assert_eq!(b["cloud"], "gcp");
    assert_eq!(b["bucket_name"], "exports");
    assert_eq!(b["versioning"], true);
    // Where the usage logs go, as for S3 (a log bucket is not asked to log).
    assert_eq!(b["logging"], json!({"target_bucket": "logs"}));
    assert_eq!(b["uniform_access"], false);
    assert_eq!(b["public_access_prevention"], "inherited");
    assert_eq!(
        b["encryption"],
        json!({"kms_key": "projects/p/locations/eu/keyRings/r/cryptoKeys/k"})
    );
    let public = item(
        &m,
        "iam_bindings",
        "google_storage_bucket_iam_member.public",
    );
    assert_eq!(public["resource"], "google_storage_bucket.b");
    assert_eq!(public["resource_kind"], "bucket");
    assert_eq!(public["members"], json!(["allUsers"]));
    let editors = item(&m, "iam_bindings", "google_project_iam_binding.editors");
    assert_eq!(editors["resource"], "p");
    assert_eq!(editors["resource_kind"], "project");
    assert_eq!(editors["role"], "roles/editor");
    assert_eq!(editors["condition"]["title"], "t");
    let span = m
        .locate("google_project_iam_binding.editors", "members.1")
        .unwrap();
    assert_eq!(
        &text[span.start as usize..span.end as usize],
        "\"serviceAccount:a@p.iam.gserviceaccount.com\""
    );
    // A policy rendered as JSON in a plan: one item per binding.
    let t = item(
        &m,
        "iam_bindings",
        "google_pubsub_topic_iam_policy.t/bindings/0",
    );
    assert_eq!(t["resource"], "google_pubsub_topic.events");
    assert_eq!(t["role"], "roles/pubsub.publisher");
    assert_eq!(t["members"], json!(["allUsers"]));
    assert!(m.item("topics", "google_pubsub_topic.events").is_some());
    let w = item(&m, "functions", "google_cloudfunctions_function.w");
    assert_eq!(w["vpc_connector"], "c");
    assert_eq!(w["vpc_egress"], "PRIVATE_RANGES_ONLY");
}

#[test]
fn log_targets_delivery_sources_and_graphql_apis() {
    let text = plan_json(
        &[
            ("aws_s3_bucket.data", json!({"bucket": "data"})),
            ("aws_s3_bucket.logs", json!({"bucket": "logs"})),
            (
                "aws_s3_bucket.old",
                json!({"bucket": "old", "logging": [{"target_bucket": "logs"}]}),
            ),
            (
                "aws_s3_bucket_logging.data",
                json!({"bucket": "data", "target_bucket": "elsewhere"}),
            ),
            ("aws_cloudfront_distribution.cdn", json!({"enabled": true})),
            (
                "aws_cloudwatch_log_delivery_source.cdn",
                json!({"log_type": "ACCESS_LOGS", "resource_arn": "arn:aws:cloudfront::1:distribution/X"}),
            ),
            (
                "aws_appsync_graphql_api.api",
                json!({"authentication_type": "API_KEY",
                "additional_authentication_provider": [{"authentication_type": "AWS_IAM"}],
                "log_config": [{"cloudwatch_logs_role_arn": "arn:aws:iam::1:role/r", "field_log_level": "ERROR"}]}),
            ),
        ],
        &[(
            "aws_cloudwatch_log_delivery_source.cdn",
            "resource_arn",
            &["aws_cloudfront_distribution.cdn"],
        )],
        &[("aws", "eu-west-1")],
    );
    let m = model_of(&text);
    // A literal name links to the bucket of that name; one outside the unit stays as written.
    let old = item(&m, "buckets", "aws_s3_bucket.old");
    assert_eq!(
        old["logging"],
        json!({"target_bucket": "aws_s3_bucket.logs"})
    );
    assert_eq!(old["bucket_name"], "old");
    let data = item(&m, "buckets", "aws_s3_bucket.data");
    assert_eq!(data["logging"], json!({"target_bucket": "elsewhere"}));
    assert!(item(&m, "buckets", "aws_s3_bucket.logs")
        .get("logging")
        .is_none());
    let cdn = item(&m, "distributions", "aws_cloudfront_distribution.cdn");
    assert_eq!(cdn["logging"], true);
    let api = item(&m, "graphql_apis", "aws_appsync_graphql_api.api");
    assert_eq!(api["authentication_type"], "API_KEY");
    assert_eq!(api["additional_authentication_types"], json!(["AWS_IAM"]));
    assert_eq!(
        api["log_config"],
        json!({"field_log_level": "ERROR", "cloudwatch_logs_role": "arn:aws:iam::1:role/r"})
    );
}

#[test]
fn efs_and_log_destination_policies_are_resource_policies_of_their_target() {
    let main = r#"resource "aws_efs_file_system" "fs" {}

resource "aws_efs_file_system_policy" "fs" {
  file_system_id = aws_efs_file_system.fs.id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "elasticfilesystem:*" }]
  })
}

resource "aws_cloudwatch_log_destination" "sink" {
  name = "central"
}

data "aws_iam_policy_document" "sink" {
  statement {
    actions = ["logs:PutSubscriptionFilter"]
    principals {
      type        = "AWS"
      identifiers = ["111122223333"]
    }
  }
}

resource "aws_cloudwatch_log_destination_policy" "sink" {
  destination_name = aws_cloudwatch_log_destination.sink.name
  access_policy    = data.aws_iam_policy_document.sink.json
}
"#;
    let m = hcl_model(main);
    let efs = item(&m, "policies", "aws_efs_file_system_policy.fs");
    assert_eq!(efs["kind"], "resource");
    assert_eq!(efs["target_type"], "elasticfilesystem");
    assert_eq!(efs["attached_to"], json!(["aws_efs_file_system.fs"]));
    assert_eq!(
        efs["statements"][0]["action"],
        json!(["elasticfilesystem:*"])
    );
    let sink = item(&m, "policies", "aws_cloudwatch_log_destination_policy.sink");
    assert_eq!(sink["target_type"], "logs");
    assert_eq!(
        sink["attached_to"],
        json!(["aws_cloudwatch_log_destination.sink"])
    );
    assert_eq!(
        sink["statements"][0]["action"],
        json!(["logs:PutSubscriptionFilter"])
    );
}

#[test]
fn event_targets_join_their_rule_and_keep_marking_functions_async() {
    let bus = "arn:aws:events:eu-west-1:999988887777:event-bus/audit";
    let text = plan_json(
        &[
            (
                "aws_cloudwatch_event_rule.r",
                json!({"name": "fwd", "role_arn": "arn:aws:iam::111122223333:role/fwd"}),
            ),
            (
                "aws_cloudwatch_event_target.bus",
                json!({"rule": "fwd", "target_id": "audit", "arn": bus}),
            ),
            (
                "aws_cloudwatch_event_target.own",
                json!({"rule": "fwd", "arn": "arn:aws:events:eu-west-1:555566667777:event-bus/x"}),
            ),
            (
                "aws_cloudwatch_event_target.fn",
                json!({"rule": "fwd", "arn": "arn:aws:lambda:eu-west-1:111122223333:function:f"}),
            ),
            (
                "aws_cloudwatch_event_target.orphan",
                json!({"rule": "elsewhere", "arn": bus}),
            ),
            (
                "aws_lambda_function.f",
                json!({"function_name": "f", "arn": "arn:aws:lambda:eu-west-1:111122223333:function:f"}),
            ),
        ],
        &[
            (
                "aws_cloudwatch_event_target.bus",
                "rule",
                &["aws_cloudwatch_event_rule.r"],
            ),
            (
                "aws_cloudwatch_event_target.own",
                "rule",
                &["aws_cloudwatch_event_rule.r"],
            ),
            (
                "aws_cloudwatch_event_target.own",
                "arn",
                &["data.aws_caller_identity.current"],
            ),
            (
                "aws_cloudwatch_event_target.fn",
                "rule",
                &["aws_cloudwatch_event_rule.r"],
            ),
            (
                "aws_cloudwatch_event_target.fn",
                "arn",
                &["aws_lambda_function.f"],
            ),
        ],
        &[],
    );
    let m = model_of(&text);
    let rule = item(&m, "event_rules", "aws_cloudwatch_event_rule.r");
    assert_eq!(rule["role"], "arn:aws:iam::111122223333:role/fwd");
    let targets = rule["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 3);
    let find = |arn: &str| targets.iter().find(|t| t["arn"] == arn).unwrap().clone();
    assert_eq!(find(bus)["bus_account"], "999988887777");
    assert_eq!(find(bus)["id"], "audit");
    let own = find("arn:aws:events:eu-west-1:555566667777:event-bus/x");
    assert_eq!(own["own_account"], true);
    assert!(own.get("bus_account").is_none());
    assert!(find("aws_lambda_function.f").get("bus_account").is_none());
    assert_eq!(
        item(&m, "functions", "aws_lambda_function.f")["async_invoked"],
        true
    );
    // A target whose rule the unit does not declare is an item of its own.
    let orphan = item(&m, "event_rules", "aws_cloudwatch_event_target.orphan");
    assert_eq!(orphan["targets"][0]["bus_account"], "999988887777");
}
