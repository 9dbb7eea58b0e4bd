# Azure Function App with remote debugging on
#
# ## What it does
# Flags Azure Function Apps (and slots) with `site_config.remote_debugging_enabled = true`. The
# default, `false`, passes; a value the scanner cannot resolve is not flagged (it is listed as
# undecided).
#
# ## Why is this bad?
# Remote debugging opens extra inbound ports on the app's workers (4020 to 4025 for Visual Studio
# on Windows plans, a debugging endpoint on Linux) so that a debugger can attach, stop the process
# and read its memory: the app's secrets, tokens and the data it handles. It is meant for a short
# session from a developer's machine; left on in a template, every environment deployed from it
# keeps that door open (App Service turns it off after 48 hours only when it was turned on from
# the portal or Visual Studio, not when the template sets it).
#
# ## Example
# ```hcl
# resource "azurerm_linux_function_app" "orders" {
#   site_config {
#     remote_debugging_enabled = true
#   }
# }
# ```
#
# ## Use instead
# ```hcl
#   site_config {
#     remote_debugging_enabled = false
#   }
# ```
#
# ## References
# - https://learn.microsoft.com/en-us/azure/app-service/configure-common#configure-general-settings
# - https://learn.microsoft.com/en-us/security/benchmark/azure/baselines/functions-security-baseline
# - https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/linux_function_app#remote_debugging_enabled
package faasguard.rules.net.function_app_remote_debugging

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-011",
	"title": "Azure Function App with remote debugging on",
	"severity": "medium",
	"area": "NET",
	"formats": ["terraform"],
	"remediation": "Remove `remote_debugging_enabled = true` from the Function App's `site_config` (or set it to `false`); turn it on only for a debugging session, from the portal or the IDE.",
	"fixes": {"terraform": "Set `remote_debugging_enabled = false` (or remove it) in the `site_config` block of the `azurerm_*_function_app`."},
}

deny contains {
	"resource": f.id,
	"path": "remote_debugging",
	"message": sprintf("Function App %s turns remote debugging on (site_config.remote_debugging_enabled = true): a debugger endpoint that can read the app's memory and secrets stays open; set it to false", [f.name]),
} if {
	some f in input.functions
	f.cloud == "azure"
	f.remote_debugging == true
}

undecided contains lib.undecided(f, "remote_debugging", f.remote_debugging) if {
	some f in input.functions
	f.cloud == "azure"
	lib.is_unknown(f.remote_debugging)
}
