# Azure Function App allows plain FTP deployments
#
# ## What it does
# Flags Azure Function Apps whose `site_config.ftps_state` is `AllAllowed`, which accepts plain
# FTP as well as FTPS for deployments and file access. The legacy `azurerm_function_app` (and
# `azurerm_function_app_slot`) defaults to `AllAllowed`, so one without `ftps_state` is flagged at
# the resource; `azurerm_linux_function_app` and `azurerm_windows_function_app` (and their slots)
# default to `Disabled` and pass. `FtpsOnly` and `Disabled` pass; a value the scanner cannot
# resolve is not flagged (it is listed as undecided).
#
# ## Why is this bad?
# Plain FTP sends the app's deployment credentials and its code in clear text. Whoever captures
# them can replace the function's code, and the code runs with the app's identity and settings
# (connection strings, keys).
#
# ## Example
# ```hcl
# resource "azurerm_linux_function_app" "orders" {
#   site_config {
#     ftps_state = "AllAllowed"
#   }
# }
# ```
#
# ## Use instead
# ```hcl
#   site_config {
#     ftps_state = "Disabled" # or "FtpsOnly" while something still deploys over FTP
#   }
# ```
#
# ## References
# - https://learn.microsoft.com/en-us/azure/app-service/deploy-ftp#enforce-ftps
# - https://learn.microsoft.com/en-us/azure/azure-functions/security-concepts#deployment-security
# - https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/linux_function_app#ftps_state
package faasguard.rules.enc.function_app_ftp_allowed

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-022",
	"title": "Azure Function App allows plain FTP deployments",
	"severity": "medium",
	"area": "ENC",
	"formats": ["terraform"],
	"remediation": "Set `site_config.ftps_state` to `Disabled` (or `FtpsOnly` while something still deploys over FTP).",
	"fixes": {"terraform": "Set `ftps_state = \"Disabled\"` (or `\"FtpsOnly\"`) in the Function App's `site_config` block; the legacy `azurerm_function_app` needs it written, its default is `AllAllowed`."},
}

# The legacy resources, whose default is `AllAllowed`.
legacy := {"azurerm_function_app", "azurerm_function_app_slot"}

deny contains object.union(
	{
		"resource": f.id,
		"path": "ftps_state",
		"message": sprintf("Function App %s accepts plain FTP (site_config.ftps_state = \"%s\"): deployment credentials and code cross the network in clear text; set it to \"Disabled\", or \"FtpsOnly\" while something still deploys over FTP", [f.name, f.ftps_state]),
	},
	lib.replace(f.ftps_state, "FtpsOnly"),
) if {
	some f in input.functions
	f.cloud == "azure"
	is_string(f.ftps_state)
	lower(f.ftps_state) == "allallowed"
}

deny contains {
	"resource": f.id,
	"path": "ftps_state",
	"message": sprintf("Function App %s (%s) sets no site_config.ftps_state, so it accepts plain FTP (this resource's default is AllAllowed); set ftps_state = \"Disabled\", or \"FtpsOnly\" while something still deploys over FTP", [f.name, f.type]),
} if {
	some f in input.functions
	f.cloud == "azure"
	f.type in legacy
	not "ftps_state" in object.keys(f)
}

undecided contains lib.undecided(f, "ftps_state", f.ftps_state) if {
	some f in input.functions
	f.cloud == "azure"
	lib.is_unknown(f.ftps_state)
}
