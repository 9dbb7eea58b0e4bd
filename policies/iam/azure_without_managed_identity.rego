# Azure Function App, Event Grid or Service Bus without a managed identity
#
# ## What it does
# Flags Azure Function Apps (`azurerm_linux_function_app`, `azurerm_windows_function_app`, the
# legacy `azurerm_function_app`, and their slots), Service Bus namespaces
# (`azurerm_servicebus_namespace`) and Event Grid topics and domains (`azurerm_eventgrid_topic`,
# `azurerm_eventgrid_domain`) without an `identity` block, at the resource. Any identity type
# passes (`SystemAssigned`, `UserAssigned`, both); an identity the scanner cannot resolve (a
# `dynamic` block) is not flagged (it is listed as undecided).
#
# ## Why is this bad?
# Without a managed identity, a Function App reaches storage, Key Vault, Cosmos DB or Service Bus
# with connection strings and keys kept in its app settings, where anyone who can read the
# settings (or a leaked deployment log) gets them, and they are rarely rotated. Event Grid needs an
# identity to deliver to Service Bus, Event Hubs or storage with Entra ID instead of keys, and a
# Service Bus namespace needs one to use a customer-managed key. A managed identity has no secret
# to leak: Azure issues short-lived tokens, and access is granted by role.
#
# ## Example
# ```hcl
# resource "azurerm_linux_function_app" "orders" {
#   name = "orders"
#   app_settings = {
#     ServiceBusConnection = "Endpoint=sb://orders-bus.servicebus.windows.net/;SharedAccessKey..."
#   }
# }
# ```
#
# ## Use instead
# ```hcl
#   identity {
#     type = "SystemAssigned"
#   }
#   app_settings = {
#     ServiceBusConnection__fullyQualifiedNamespace = "orders-bus.servicebus.windows.net"
#   }
# ```
#
# ## References
# - https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity
# - https://learn.microsoft.com/en-us/azure/azure-functions/functions-reference#configure-an-identity-based-connection
# - https://learn.microsoft.com/en-us/azure/event-grid/managed-service-identity
# - https://learn.microsoft.com/en-us/azure/service-bus-messaging/service-bus-managed-service-identity
package faasguard.rules.iam.azure_without_managed_identity

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-IAM-027",
	"title": "Azure Function App (or Event Grid, Service Bus) without a managed identity",
	"severity": "medium",
	"area": "IAM",
	"formats": ["terraform"],
	"remediation": "Add an `identity` block (`type = \"SystemAssigned\"` or a user-assigned identity) and grant it roles on the services it calls, instead of keeping their keys in app settings.",
	"fixes": {"terraform": "Add `identity { type = \"SystemAssigned\" }` (or `UserAssigned` with `identity_ids`) to the `azurerm_*_function_app`, `azurerm_servicebus_namespace` or `azurerm_eventgrid_topic`/`_domain`, and grant it roles with `azurerm_role_assignment`."},
}

service_name := {
	"service_bus": "Service Bus namespace",
	"event_grid_topic": "Event Grid topic",
	"event_grid_domain": "Event Grid domain",
}

why := {
	"service_bus": "it cannot use a customer-managed key or reach other services with Entra ID",
	"event_grid_topic": "it delivers events to Service Bus, Event Hubs or storage with keys instead of Entra ID",
	"event_grid_domain": "it delivers events to Service Bus, Event Hubs or storage with keys instead of Entra ID",
}

deny contains {
	"resource": f.id,
	"path": "identity",
	"message": sprintf("Function App %s has no managed identity: it can reach storage, Key Vault and other services only with connection strings and keys kept in its app settings; add identity { type = \"SystemAssigned\" } and grant it roles", [f.name]),
} if {
	some f in input.functions
	f.cloud == "azure"
	not "identity" in object.keys(f)
}

deny contains {
	"resource": s.id,
	"path": "identity",
	"message": sprintf("%s %s has no managed identity: %s; add identity { type = \"SystemAssigned\" }", [service_name[s.kind], s.name, why[s.kind]]),
} if {
	some s in input.data_services
	service_name[s.kind]
	not "identity" in object.keys(s)
}

undecided contains lib.undecided(f, "identity", f.identity) if {
	some f in input.functions
	f.cloud == "azure"
	lib.is_unknown(f.identity)
}

undecided contains lib.undecided(s, "identity", s.identity) if {
	some s in input.data_services
	service_name[s.kind]
	lib.is_unknown(s.identity)
}
