//! Azure data and messaging services in Terraform (`azurerm`): storage
//! accounts and their blob containers, Key Vaults, Cosmos DB accounts,
//! Service Bus namespaces, Event Grid topics and domains, and API Management
//! backends, as the `storage_accounts`, `storage_containers`, `key_vaults`,
//! `data_services` and `api_backends` items FG-ENC-021/023, FG-NET-012/013,
//! FG-IAM-026/027 and FG-GOV-005 read (ADR 0034).
//!
//! Values are kept as written: the rules know each setting's default (most
//! of these services are open, keyed and Microsoft-encrypted unless the
//! template says otherwise), so an absent field means "the default".
//! Settings written on a resource of their own (a customer-managed key, a
//! Service Bus network rule set) complete the item they name.

use super::pinned_defaults::{
    self, Defaults, AZURERM_BLOB_PUBLIC_ADDED, AZURERM_BLOB_PUBLIC_FALSE,
    AZURERM_BLOB_PUBLIC_RENAMED, AZURERM_STORAGE_HTTPS_ONLY,
};
use super::res::{boolean, present, text, walk};
use super::{Adapter, Res};
use crate::model::collections::{
    update, ApiBackend, DataService, KeyVault, StorageAccount, StorageContainer,
};
use crate::parse::{Node, Value};

const STORAGE: &[&str] = &["azurerm_storage_account"];
const SERVICE_BUS: &[&str] = &["azurerm_servicebus_namespace"];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "azurerm_storage_account" => storage_account(a, r),
        "azurerm_storage_container" => {
            let mut c = StorageContainer::new(r.head());
            c.storage_account = storage_link(a, r);
            c.access_type = text(r.get("container_access_type")).cloned();
            a.model.add(c);
        }
        "azurerm_storage_account_customer_managed_key" => {
            let key = r.get("key_vault_key_id").or(r.get("key_name"));
            let at = key.cloned().unwrap_or_else(|| Node::bool(true, r.span));
            if let Some(id) = link_id(a, r, "storage_account_id", STORAGE) {
                a.updates
                    .push(update!(StorageAccount, id, customer_managed_key, at));
            }
        }
        "azurerm_key_vault" => {
            let mut k = KeyVault::new(r.head());
            k.purge_protection = boolean(present(r.get("purge_protection_enabled")));
            k.soft_delete = boolean(present(r.get("soft_delete_enabled")));
            k.public_network_access = boolean(present(r.get("public_network_access_enabled")));
            k.network_default_action = text(r.path(&["network_acls", "default_action"])).cloned();
            a.model.add(k);
        }
        "azurerm_cosmosdb_account" => cosmos(a, r),
        "azurerm_servicebus_namespace" => service_bus(a, r),
        "azurerm_servicebus_namespace_network_rule_set" => {
            let Some(id) = link_id(a, r, "namespace_id", SERVICE_BUS) else {
                return;
            };
            if let Some(d) = text(r.get("default_action")) {
                a.updates
                    .push(update!(DataService, &id, network_default_action, d.clone()));
            }
            if let Some(p) = boolean(present(r.get("public_network_access_enabled")))
                .filter(|p| p.as_bool() == Some(false))
            {
                a.updates
                    .push(update!(DataService, &id, public_network_access, p));
            }
        }
        "azurerm_servicebus_namespace_customer_managed_key" => {
            let at = r
                .get("key_vault_key_id")
                .cloned()
                .unwrap_or_else(|| Node::bool(true, r.span));
            if let Some(id) = link_id(a, r, "namespace_id", SERVICE_BUS) {
                a.updates
                    .push(update!(DataService, id, customer_managed_key, at));
            }
        }
        "azurerm_eventgrid_topic" | "azurerm_eventgrid_domain" => {
            let kind = r
                .type_
                .trim_start_matches("azurerm_")
                .replace("eventgrid", "event_grid");
            let mut d = service(r, &kind);
            d.local_auth = boolean(present(r.get("local_auth_enabled")));
            // Inbound IP rules: Event Grid then refuses every other address.
            d.network_default_action = present(r.get("inbound_ip_rule")).map(deny);
            a.model.add(d);
        }
        "azurerm_api_management_backend" => {
            let mut b = ApiBackend::new(r.head());
            b.api = text(r.get("api_management_name")).cloned();
            b.url = text(r.get("url")).cloned();
            a.model.add(b);
        }
        _ => {}
    }
}

/// The managed identity's `type` (`SystemAssigned`, `UserAssigned`, both):
/// absent without an `identity` block, unknown under an unknown (`dynamic`)
/// one, the block itself when its type is not written.
pub(crate) fn identity(r: &Res<'_>) -> Option<Node> {
    let block = r.get("identity")?;
    text(walk(block, &["type"])).or(Some(block)).cloned()
}

fn storage_account(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut s = StorageAccount::new(r.head());
    // azurerm 4 renamed `enable_https_traffic_only` and (3.0)
    // `allow_blob_public_access`.
    s.https_only = boolean(
        present(r.get("https_traffic_only_enabled"))
            .or(present(r.get("enable_https_traffic_only"))),
    );
    s.public_blob_access = boolean(
        present(r.get("allow_nested_items_to_be_public"))
            .or(present(r.get("allow_blob_public_access"))),
    );
    let mut pinned = Defaults::new("azurerm");
    if s.https_only.is_none() {
        if let Some(pin) = pinned_defaults::before(a, "azurerm", AZURERM_STORAGE_HTTPS_ONLY) {
            s.https_only = Some(Node::bool(false, r.span));
            pinned.note("https_only", pin);
        }
    }
    if s.public_blob_access.is_none() {
        if let Some(pin) = pinned_defaults::before(a, "azurerm", AZURERM_BLOB_PUBLIC_RENAMED) {
            s.public_blob_access = Some(if pin.installs_at_least(AZURERM_BLOB_PUBLIC_ADDED) {
                pinned.note("public_blob_access", pin);
                // 2.19.x defaulted to `true`, 2.20 on to `false`.
                Node::bool(!pin.installs_at_least(AZURERM_BLOB_PUBLIC_FALSE), r.span)
            } else {
                // Older releases cannot set it: the account is created
                // without it, and Azure's own default then decides.
                Node::unknown(
                    format!(
                        "azurerm version \"{}\" cannot set allow_blob_public_access (added in 2.19.0): Azure's default when the account is created decides",
                        pin.constraint
                    ),
                    r.span,
                )
            });
        }
    }
    s.sftp = boolean(present(r.get("sftp_enabled")));
    s.local_users = boolean(present(r.get("local_user_enabled")));
    s.customer_managed_key = present(r.get("customer_managed_key")).cloned();
    // Blob soft delete is on when `blob_properties` holds a
    // `delete_retention_policy` (its `days` default to 7); under a `dynamic`
    // block it is unknown.
    s.blob_soft_delete = present(r.get("blob_properties"))
        .and_then(|b| walk(b, &["delete_retention_policy"]))
        .cloned();
    s.pinned_defaults = pinned.field(r);
    a.model.add(s);
}

/// The storage account a container (or a key) belongs to: azurerm 4's
/// `storage_account_id`, or azurerm 3's `storage_account_name`.
fn storage_link(a: &Adapter<'_, '_>, r: &Res<'_>) -> Option<Node> {
    ["storage_account_id", "storage_account_name"]
        .into_iter()
        .find_map(|arg| a.link(r, arg, r.get(arg), STORAGE))
}

fn link_id(a: &Adapter<'_, '_>, r: &Res<'_>, arg: &str, types: &[&str]) -> Option<String> {
    let n = a.link(r, arg, r.get(arg), types)?;
    n.as_str().map(str::to_string)
}

fn service(r: &Res<'_>, kind: &str) -> DataService {
    let mut d = DataService::new(r.head());
    d.kind = Some(Node::string(kind, r.span));
    d.public_network_access = boolean(present(r.get("public_network_access_enabled")));
    d.identity = identity(r);
    d
}

/// A firewall that admits only what it lists, spanned where it is written;
/// an unknown (a `dynamic` block) stays unknown.
fn deny(n: &Node) -> Node {
    if n.is_unknown() {
        return n.clone();
    }
    Node::string("Deny", n.span)
}

fn cosmos(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut d = service(r, "cosmos_db");
    // `local_authentication_disabled`, inverted: the model asks whether keys work.
    d.local_auth =
        boolean(present(r.get("local_authentication_disabled"))).map(|n| match n.as_bool() {
            Some(off) if !n.is_unknown() => Node::bool(!off, n.span),
            _ => n,
        });
    // An IP range filter (a string in azurerm 3, a set in 4) or the virtual
    // network filter limits who connects.
    let ips = present(r.get("ip_range_filter")).filter(|n| match &n.value {
        Value::String(s) => !s.trim().is_empty(),
        _ => true,
    });
    let vnet = present(r.get("is_virtual_network_filter_enabled"))
        .filter(|n| n.is_unknown() || n.as_bool() == Some(true));
    d.network_default_action = ips.or(vnet).map(deny);
    d.customer_managed_key = text(r.get("key_vault_key_id")).cloned();
    a.model.add(d);
}

fn service_bus(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut d = service(r, "service_bus");
    d.sku = text(r.get("sku")).cloned();
    d.local_auth = boolean(present(r.get("local_auth_enabled")));
    let rules = r.get("network_rule_set");
    let rules_public = rules
        .and_then(|n| walk(n, &["public_network_access_enabled"]))
        .and_then(|n| boolean(Some(n)))
        .filter(|n| n.as_bool() == Some(false));
    if rules_public.is_some() {
        d.public_network_access = rules_public;
    }
    d.network_default_action = rules
        .and_then(|n| text(walk(n, &["default_action"])))
        .cloned();
    d.customer_managed_key = present(r.get("customer_managed_key")).cloned();
    a.model.add(d);
}
