# Azure Function App, Google Cloud Function, storage account or API Management backend accepts plain HTTP
#
# ## What it does
# Flags endpoints that serve or send requests over plain HTTP:
# - a Function App (`azurerm_linux_function_app`, `azurerm_windows_function_app`, the legacy
#   `azurerm_function_app`, and their slots) without `https_only = true`: azurerm's default is
#   `false`, so a missing argument is flagged at the resource;
# - a storage account with `https_traffic_only_enabled = false` (azurerm 3:
#   `enable_https_traffic_only`); the default, `true`, passes, except where the configuration pins
#   azurerm below 2.0 (`version = "~> 1.44"`), whose default was `false`;
# - an API Management backend (`azurerm_api_management_backend`) whose `url` starts with `http://`;
# - a 1st-gen Google Cloud Function with an HTTP trigger (`google_cloudfunctions_function`,
#   `trigger_http = true`) whose `https_trigger_security_level` is not `SECURE_ALWAYS`: the API's
#   default, `SECURE_OPTIONAL`, answers `http://` requests too, so a missing argument is flagged
#   at the resource. 2nd-gen functions and Cloud Run serve HTTPS only.
#
# A value the scanner cannot resolve is not flagged (it is listed as undecided).
#
# ## Why is this bad?
# Over plain HTTP, function keys, bearer tokens, storage SAS tokens and the data itself cross the
# network in clear text: anyone on the path can read or change them. A Function App without HTTPS
# only answers `http://` requests instead of redirecting them; a storage account that accepts HTTP
# lets clients (and the Functions host) send shared keys unencrypted; API Management forwards the
# caller's request, with its headers, to an HTTP back end in the clear. A Cloud Function with
# `SECURE_OPTIONAL` serves its `http://` URL instead of redirecting it to HTTPS.
#
# ## Example
# ```hcl
# resource "azurerm_linux_function_app" "orders" {
#   name = "orders"
#   # https_only not set: plain HTTP is served
#   site_config {}
# }
# ```
#
# ## Use instead
# ```hcl
#   https_only = true
# ```
# and, on a 1st-gen Cloud Function, `https_trigger_security_level = "SECURE_ALWAYS"`.
#
# ## References
# - https://learn.microsoft.com/en-us/azure/app-service/configure-ssl-bindings#enforce-https
# - https://learn.microsoft.com/en-us/azure/storage/common/storage-require-secure-transfer
# - https://learn.microsoft.com/en-us/azure/api-management/backends
# - https://cloud.google.com/functions/1stgendocs/writing/write-http-functions#security_levels
package faasguard.rules.enc.plain_http_allowed

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-ENC-021",
	"title": "Azure Function App, Google Cloud Function, storage account or API Management backend accepts plain HTTP",
	"severity": "high",
	"area": "ENC",
	"formats": ["terraform"],
	"remediation": "Set `https_only = true` on the Function App, keep `https_traffic_only_enabled = true` on the storage account, give API Management backends an `https://` URL, and set `https_trigger_security_level = \"SECURE_ALWAYS\"` on a 1st-gen Cloud Function.",
	"fixes": {"terraform": "Set `https_only = true` on the `azurerm_*_function_app`, `https_traffic_only_enabled = true` (azurerm 3: `enable_https_traffic_only`) on the `azurerm_storage_account`, an `https://` `url` on the `azurerm_api_management_backend`, and `https_trigger_security_level = \"SECURE_ALWAYS\"` on the `google_cloudfunctions_function`."},
}

deny contains {
	"resource": f.id,
	"path": "https_only",
	"message": sprintf("Function App %s does not set https_only, so it also serves plain HTTP (azurerm's default is false); set https_only = true", [f.name]),
} if {
	some f in input.functions
	f.cloud == "azure"
	not "https_only" in object.keys(f)
}

deny contains {
	"resource": f.id,
	"path": "https_only",
	"message": sprintf("Function App %s sets https_only = false, so it also serves plain HTTP; set https_only = true", [f.name]),
} if {
	some f in input.functions
	f.cloud == "azure"
	f.https_only == false
}

deny contains {
	"resource": f.id,
	"path": "https_only",
	"message": sprintf("Cloud Function %s answers its HTTP trigger over plain HTTP too (https_trigger_security_level is not SECURE_ALWAYS; the API's default is SECURE_OPTIONAL); set https_trigger_security_level = \"SECURE_ALWAYS\"", [f.name]),
} if {
	some f in input.functions
	f.cloud == "gcp"
	f.https_only == false
}

deny contains {
	"resource": s.id,
	"path": "https_only",
	"message": sprintf("Storage account %s accepts plain HTTP requests (HTTPS-only traffic is turned off), so keys, SAS tokens and data cross the network in clear text; set https_traffic_only_enabled = true", [s.name]),
} if {
	some s in input.storage_accounts
	s.https_only == false
	not s.pinned_defaults.https_only
}

# Not set, under a pinned azurerm 1.x, whose default was `false` (2.0 turned it to `true`).
deny contains {
	"resource": s.id,
	"path": "https_only",
	"message": sprintf("Storage account %s does not set enable_https_traffic_only, and %s, which this configuration pins, defaults it to false, so the account accepts plain HTTP requests; set it to true", [s.name, s.pinned_defaults.https_only]),
} if {
	some s in input.storage_accounts
	s.https_only == false
	is_string(s.pinned_defaults.https_only)
}

deny contains {
	"resource": b.id,
	"path": "url",
	"message": sprintf("API Management backend %s forwards requests over plain HTTP (%s); use an https:// URL", [b.name, b.url]),
} if {
	some b in input.api_backends
	is_string(b.url)
	startswith(lower(b.url), "http://")
}

undecided contains lib.undecided(f, "https_only", f.https_only) if {
	some f in input.functions
	f.cloud in {"azure", "gcp"}
	lib.is_unknown(f.https_only)
}

undecided contains lib.undecided(s, "https_only", s.https_only) if {
	some s in input.storage_accounts
	lib.is_unknown(s.https_only)
}

undecided contains lib.undecided(b, "url", b.url) if {
	some b in input.api_backends
	lib.is_unknown(b.url)
}
