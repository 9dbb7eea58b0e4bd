# Azure service allows key-based (local) authentication instead of Entra ID
#
# ## What it does
# Flags Azure services that accept shared keys or SAS tokens as well as Microsoft Entra ID:
# - Cosmos DB accounts without `local_authentication_disabled = true` (primary and secondary keys
#   then grant full data access, and with `access_key_metadata_writes_enabled` management changes
#   too);
# - Service Bus namespaces, Event Grid topics and Event Grid domains without
#   `local_auth_enabled = false` (the default is `true`: SAS keys and access keys work);
# - storage accounts with SFTP on (`sftp_enabled = true`) and local users allowed
#   (`local_user_enabled`, default `true`): SFTP local users sign in with a password or SSH key
#   that no Entra ID policy governs.
#
# The finding points at the written setting, or at the resource when the default applies. Storage
# accounts' shared keys are not flagged: a Consumption-plan Function App needs its storage
# account's connection string (docs/adr/0034-azure-data-services.md). Values the scanner cannot
# resolve are not flagged (they are listed as undecided).
#
# ## Why is this bad?
# A key is a bearer secret with the whole service's rights: it is not tied to a person or an app,
# cannot be scoped by role, is not covered by Conditional Access or MFA, and ends up in app
# settings, pipelines and laptops. With key authentication off, every caller needs an Entra ID
# token for a managed identity or a user, so access is granted per role and audited per caller.
#
# ## Example
# ```hcl
# resource "azurerm_servicebus_namespace" "events" {
#   name = "orders-bus"
#   sku  = "Standard"
# }
# ```
#
# ## Use instead
# ```hcl
#   local_auth_enabled = false
# # and give the Function App's managed identity the "Azure Service Bus Data Sender" role.
# ```
#
# ## References
# - https://learn.microsoft.com/en-us/azure/service-bus-messaging/disable-local-authentication
# - https://learn.microsoft.com/en-us/azure/cosmos-db/how-to-setup-rbac#disable-local-auth
# - https://learn.microsoft.com/en-us/azure/event-grid/authenticate-with-microsoft-entra-id#disable-key-and-shared-access-signature-authentication
# - https://learn.microsoft.com/en-us/azure/storage/blobs/secure-file-transfer-protocol-support-authorize-access
package faasguard.rules.iam.azure_local_auth_enabled

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-IAM-026",
	"title": "Azure service allows key-based (local) authentication instead of Entra ID",
	"severity": "medium",
	"area": "IAM",
	"formats": ["terraform"],
	"remediation": "Turn key authentication off (`local_auth_enabled = false`; Cosmos DB `local_authentication_disabled = true`; storage `local_user_enabled = false`) and grant the callers' managed identities Entra ID roles instead.",
	"fixes": {"terraform": "Set `local_auth_enabled = false` on the `azurerm_servicebus_namespace`, `azurerm_eventgrid_topic` or `_domain`, `local_authentication_disabled = true` on the `azurerm_cosmosdb_account`, and `local_user_enabled = false` on an `azurerm_storage_account` with `sftp_enabled = true`; give the Function App's managed identity a data role (`azurerm_role_assignment`)."},
}

service_name := {
	"cosmos_db": "Cosmos DB account",
	"service_bus": "Service Bus namespace",
	"event_grid_topic": "Event Grid topic",
	"event_grid_domain": "Event Grid domain",
}

switch := {
	"cosmos_db": ["local_authentication_disabled", "true"],
	"service_bus": ["local_auth_enabled", "false"],
	"event_grid_topic": ["local_auth_enabled", "false"],
	"event_grid_domain": ["local_auth_enabled", "false"],
}

keys := {
	"cosmos_db": "its account keys",
	"service_bus": "SAS keys",
	"event_grid_topic": "access keys and SAS tokens",
	"event_grid_domain": "access keys and SAS tokens",
}

deny contains {
	"resource": s.id,
	"path": "local_auth",
	"message": sprintf("%s %s accepts %s as well as Entra ID (%s): a leaked key grants full access to anyone; set %s = %s", [service_name[s.kind], s.name, keys[s.kind], why(s), arg, off]),
} if {
	some s in input.data_services
	service_name[s.kind]
	key_auth_on(s)
	[arg, off] := switch[s.kind]
}

key_auth_on(s) if s.local_auth == true

key_auth_on(s) if not "local_auth" in object.keys(s)

why(s) := "local_authentication_disabled = false" if {
	s.local_auth == true
	s.kind == "cosmos_db"
} else := "local_auth_enabled = true" if {
	s.local_auth == true
} else := "the default"

deny contains {
	"resource": s.id,
	"path": sftp_path(s),
	"message": sprintf("Storage account %s has SFTP on with local users allowed: they sign in with passwords or SSH keys outside Entra ID; set local_user_enabled = false", [s.name]),
} if {
	some s in input.storage_accounts
	s.sftp == true
	local_users_on(s)
}

local_users_on(s) if s.local_users == true

local_users_on(s) if not "local_users" in object.keys(s)

sftp_path(s) := "local_users" if s.local_users == true

else := "sftp"

undecided contains lib.undecided(s, "local_auth", s.local_auth) if {
	some s in input.data_services
	service_name[s.kind]
	lib.is_unknown(s.local_auth)
}

undecided contains lib.undecided(s, "local_users", s.local_users) if {
	some s in input.storage_accounts
	s.sftp == true
	lib.is_unknown(s.local_users)
}

undecided contains lib.undecided(s, "sftp", s.sftp) if {
	some s in input.storage_accounts
	lib.is_unknown(s.sftp)
	not s.local_users == false
}
