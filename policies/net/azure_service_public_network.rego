# Azure data or messaging service reachable from public networks
#
# ## What it does
# Flags Key Vaults (`azurerm_key_vault`), Cosmos DB accounts (`azurerm_cosmosdb_account`), Service
# Bus namespaces (`azurerm_servicebus_namespace`) and Event Grid topics and domains
# (`azurerm_eventgrid_topic`, `azurerm_eventgrid_domain`) that accept connections from any
# address: public network access is on (`public_network_access_enabled`, default `true`) and no
# firewall limits it. A firewall is a Key Vault `network_acls` or a Service Bus `network_rule_set`
# with `default_action = "Deny"` (also `azurerm_servicebus_namespace_network_rule_set`), a Cosmos
# DB `ip_range_filter` or `is_virtual_network_filter_enabled = true`, or Event Grid
# `inbound_ip_rule`s. The finding points at `public_network_access_enabled = true` or at an `Allow`
# default action when one is written, at the resource otherwise. Values the scanner cannot
# resolve are not flagged (they are listed as undecided).
#
# ## Why is this bad?
# These services hold the application's secrets, data and messages. Open to every network, a
# leaked connection string, account key or SAS token works from anywhere on the internet, and the
# endpoints can be probed and brute-forced by anyone. A Function App reaches them from known
# networks (its VNet integration, private endpoints or its outbound addresses), so the firewall
# costs the app nothing. The services still demand a key or an Entra ID token, which is why this
# is high rather than critical.
#
# ## Example
# ```hcl
# resource "azurerm_key_vault" "app" {
#   name     = "orders-kv"
#   sku_name = "standard"
# }
# ```
#
# ## Use instead
# ```hcl
#   public_network_access_enabled = false   # with a private endpoint
# # or
#   network_acls {
#     default_action = "Deny"
#     bypass         = "AzureServices"
#     ip_rules       = ["203.0.113.0/24"]
#   }
# ```
#
# ## References
# - https://learn.microsoft.com/en-us/azure/key-vault/general/network-security
# - https://learn.microsoft.com/en-us/azure/cosmos-db/how-to-configure-firewall
# - https://learn.microsoft.com/en-us/azure/service-bus-messaging/service-bus-ip-filtering
# - https://learn.microsoft.com/en-us/azure/event-grid/configure-firewall
package faasguard.rules.net.azure_service_public_network

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-012",
	"title": "Azure data or messaging service reachable from public networks (Cosmos DB, Key Vault, Service Bus, Event Grid)",
	"severity": "high",
	"area": "NET",
	"formats": ["terraform"],
	"remediation": "Set `public_network_access_enabled = false` and reach the service through a private endpoint, or add a firewall that denies by default (Key Vault `network_acls`, Service Bus `network_rule_set`, Cosmos DB `ip_range_filter`, Event Grid `inbound_ip_rule`).",
	"fixes": {"terraform": "Set `public_network_access_enabled = false` (with a private endpoint), or add a firewall: `network_acls { default_action = \"Deny\" }` on the `azurerm_key_vault`, `network_rule_set { default_action = \"Deny\" }` on the `azurerm_servicebus_namespace`, `ip_range_filter` on the `azurerm_cosmosdb_account`, `inbound_ip_rule` blocks on the `azurerm_eventgrid_topic`/`_domain`."},
}

services contains [s, "Key Vault", "network_acls { default_action = \"Deny\" }"] if some s in input.key_vaults

services contains [s, service_name[s.kind], firewall[s.kind]] if {
	some s in input.data_services
	service_name[s.kind]
}

service_name := {
	"cosmos_db": "Cosmos DB account",
	"service_bus": "Service Bus namespace",
	"event_grid_topic": "Event Grid topic",
	"event_grid_domain": "Event Grid domain",
}

firewall := {
	"cosmos_db": "an ip_range_filter",
	"service_bus": "network_rule_set { default_action = \"Deny\" }",
	"event_grid_topic": "inbound_ip_rule blocks",
	"event_grid_domain": "inbound_ip_rule blocks",
}

open_to_public(s) if s.public_network_access == true

open_to_public(s) if not "public_network_access" in object.keys(s)

no_firewall(s) if not "network_default_action" in object.keys(s)

no_firewall(s) if {
	is_string(s.network_default_action)
	lower(s.network_default_action) != "deny"
}

deny contains {
	"resource": s.id,
	"path": where(s),
	"message": sprintf("%s %s is reachable from any network: public network access is on (%s) and no firewall denies by default%s; set public_network_access_enabled = false and use a private endpoint, or add %s", [kind, s.name, how(s), allow_note(s), fw]),
} if {
	some [s, kind, fw] in services
	open_to_public(s)
	no_firewall(s)
}

# The finding points at the written value that opens the service: the switch, else a firewall
# that allows by default, else the resource.
where(s) := "public_network_access" if s.public_network_access == true

else := "network_default_action" if is_string(s.network_default_action)

else := "public_network_access"

allow_note(s) := sprintf(" (default_action = \"%s\")", [s.network_default_action]) if is_string(s.network_default_action)

else := ""

how(s) := "public_network_access_enabled = true" if s.public_network_access == true

else := "the default"

undecided contains lib.undecided(s, "public_network_access", s.public_network_access) if {
	some [s, _, _] in services
	lib.is_unknown(s.public_network_access)
	no_firewall(s)
}

undecided contains lib.undecided(s, "network_default_action", s.network_default_action) if {
	some [s, _, _] in services
	lib.is_unknown(s.network_default_action)
	open_to_public(s)
}
