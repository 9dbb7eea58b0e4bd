# Azure storage account, Cosmos DB or Service Bus without a customer-managed key
#
# ## What it does
# Flags Azure services whose data at rest is encrypted only with Microsoft-managed keys:
# - storage accounts (`azurerm_storage_account`) without a `customer_managed_key` block or an
#   `azurerm_storage_account_customer_managed_key` naming them;
# - Cosmos DB accounts (`azurerm_cosmosdb_account`) without `key_vault_key_id`;
# - Premium Service Bus namespaces (`azurerm_servicebus_namespace`, `sku = "Premium"`) without a
#   `customer_managed_key` block or an `azurerm_servicebus_namespace_customer_managed_key`. Basic
#   and Standard namespaces cannot use one, so they are not flagged.
#
# The finding points at the resource. A key or SKU the scanner cannot resolve is not flagged (it
# is listed as undecided).
#
# ## Why is this bad?
# Azure encrypts all of these at rest anyway; what a customer-managed key adds is control. With a
# key in your Key Vault you decide who may use it, every use is in the vault's audit log, and
# disabling or revoking the key makes the data unreadable at once (crypto-shredding), which some
# regulations and customer contracts require. With Microsoft-managed keys none of that is
# possible, hence a low severity, as for AWS KMS (FG-ENC-004, FG-ENC-009).
#
# ## Example
# ```hcl
# resource "azurerm_storage_account" "app" {
#   name = "ordersstate"
# }
# ```
#
# ## Use instead
# ```hcl
#   identity {
#     type = "SystemAssigned"
#   }
#   customer_managed_key {
#     key_vault_key_id          = azurerm_key_vault_key.storage.id
#     user_assigned_identity_id = azurerm_user_assigned_identity.storage.id
#   }
# ```
#
# ## References
# - https://learn.microsoft.com/en-us/azure/storage/common/customer-managed-keys-overview
# - https://learn.microsoft.com/en-us/azure/cosmos-db/how-to-setup-customer-managed-keys
# - https://learn.microsoft.com/en-us/azure/service-bus-messaging/configure-customer-managed-key
package faasguard.rules.enc.azure_without_cmk

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-023",
	"title": "Azure storage account, Cosmos DB or Service Bus without a customer-managed key",
	"severity": "low",
	"area": "ENC",
	"formats": ["terraform"],
	"remediation": "Encrypt the service with a key from your Key Vault: a `customer_managed_key` block (storage account, Service Bus) or `key_vault_key_id` (Cosmos DB).",
	"fixes": {"terraform": "Add a `customer_managed_key` block (or an `azurerm_storage_account_customer_managed_key`) to the `azurerm_storage_account`, `key_vault_key_id` to the `azurerm_cosmosdb_account`, or a `customer_managed_key` block to the Premium `azurerm_servicebus_namespace`, with an identity that may use the key."},
}

deny contains {
	"resource": s.id,
	"path": "customer_managed_key",
	"message": sprintf("Storage account %s is encrypted only with a Microsoft-managed key: you cannot audit or revoke access to its data; add a customer_managed_key block with a Key Vault key", [s.name]),
} if {
	some s in input.storage_accounts
	not "customer_managed_key" in object.keys(s)
}

deny contains {
	"resource": s.id,
	"path": "customer_managed_key",
	"message": sprintf("%s %s is encrypted only with a Microsoft-managed key: you cannot audit or revoke access to its data; %s", [name, s.name, fix]),
} if {
	some s in input.data_services
	[name, fix] := needs_key(s)
	not "customer_managed_key" in object.keys(s)
}

needs_key(s) := ["Cosmos DB account", "set key_vault_key_id to a Key Vault key"] if s.kind == "cosmos_db"

needs_key(s) := ["Premium Service Bus namespace", "add a customer_managed_key block with a Key Vault key"] if {
	s.kind == "service_bus"
	is_string(s.sku)
	lower(s.sku) == "premium"
}

undecided contains lib.undecided(s, "customer_managed_key", s.customer_managed_key) if {
	some s in array.concat([x | some x in input.storage_accounts], [x | some x in input.data_services])
	lib.is_unknown(s.customer_managed_key)
}

undecided contains lib.undecided(s, "sku", s.sku) if {
	some s in input.data_services
	s.kind == "service_bus"
	lib.is_unknown(s.sku)
	not "customer_managed_key" in object.keys(s)
}
