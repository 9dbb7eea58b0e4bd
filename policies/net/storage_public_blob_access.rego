# Azure storage account or container allows public blob access
#
# ## What it does
# Flags Azure storage that lets anyone read blobs without a key, a SAS or an Entra ID token:
# - a blob container (`azurerm_storage_container`) whose `container_access_type` is `blob`
#   (anyone can read its blobs) or `container` (anyone can also list them), at that value; a
#   container of an account that forbids public access (below) is not flagged, Azure refuses it;
# - a storage account that allows its containers to be made public:
#   `allow_nested_items_to_be_public = true`, or not set, since azurerm 3 and 4 default it to
#   `true` (azurerm 2: `allow_blob_public_access`). A configuration that pins azurerm below 3.0
#   is judged by that release's default: `false` from 2.20, `true` in 2.19; a release before 2.19
#   cannot set it, and Azure's default at creation decides (undecided).
#
# A value the scanner cannot resolve is not flagged (it is listed as undecided).
#
# ## Why is this bad?
# A public container is readable by anyone on the internet who knows or guesses the account and
# container names (both appear in URLs and are easy to enumerate). Function Apps keep their
# deployment packages, logs and application data in storage; leaked blobs have exposed source
# code, backups and personal data. An account that allows public access lets any later change to
# one container, by hand or by a script, publish it.
#
# ## Example
# ```hcl
# resource "azurerm_storage_container" "uploads" {
#   name                  = "uploads"
#   storage_account_id    = azurerm_storage_account.app.id
#   container_access_type = "blob"
# }
# ```
#
# ## Use instead
# ```hcl
#   container_access_type = "private"
# # and on the azurerm_storage_account:
#   allow_nested_items_to_be_public = false
# ```
#
# ## References
# - https://learn.microsoft.com/en-us/azure/storage/blobs/anonymous-read-access-prevent
# - https://learn.microsoft.com/en-us/azure/storage/blobs/anonymous-read-access-configure
# - https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_account#allow_nested_items_to_be_public
package faasguard.rules.net.storage_public_blob_access

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-013",
	"title": "Azure storage account or container allows public blob access",
	"severity": "high",
	"area": "NET",
	"formats": ["terraform"],
	"remediation": "Set `allow_nested_items_to_be_public = false` on the storage account and `container_access_type = \"private\"` on its containers; share blobs with SAS tokens or Entra ID roles instead.",
	"fixes": {"terraform": "Set `allow_nested_items_to_be_public = false` on the `azurerm_storage_account` and `container_access_type = \"private\"` on each `azurerm_storage_container`."},
}

deny contains {
	"resource": s.id,
	"path": "public_blob_access",
	"message": sprintf("Storage account %s lets its containers be made public (allow_nested_items_to_be_public = true): anyone could then read their blobs without a key; set it to false", [s.name]),
} if {
	some s in input.storage_accounts
	s.public_blob_access == true
	not s.pinned_defaults.public_blob_access
}

# Not set, under a pinned azurerm 2.19, whose default was `true` (2.20 to 2.x default to `false`).
deny contains {
	"resource": s.id,
	"path": "public_blob_access",
	"message": sprintf("Storage account %s does not set allow_blob_public_access, and %s, which this configuration pins, defaults it to true, so its containers can be made public; set it to false", [s.name, s.pinned_defaults.public_blob_access]),
} if {
	some s in input.storage_accounts
	s.public_blob_access == true
	is_string(s.pinned_defaults.public_blob_access)
}

deny contains {
	"resource": s.id,
	"path": "public_blob_access",
	"message": sprintf("Storage account %s does not set allow_nested_items_to_be_public, so its containers can be made public (azurerm's default is true); set it to false", [s.name]),
} if {
	some s in input.storage_accounts
	not "public_blob_access" in object.keys(s)
}

# Accounts that forbid public containers: Azure refuses a public one in them.
closed contains s.id if {
	some s in input.storage_accounts
	s.public_blob_access == false
}

deny contains object.union(
	{
		"resource": c.id,
		"path": "access_type",
		"message": sprintf("Storage container %s is public (container_access_type = \"%s\"): anyone on the internet can read %s without a key; set it to \"private\"", [c.name, c.access_type, what(c.access_type)]),
	},
	lib.replace(c.access_type, "private"),
) if {
	some c in input.storage_containers
	is_string(c.access_type)
	lower(c.access_type) in {"blob", "container"}
	not c.storage_account in closed
}

what(t) := "and list its blobs" if lower(t) == "container"

else := "its blobs"

undecided contains lib.undecided(s, "public_blob_access", s.public_blob_access) if {
	some s in input.storage_accounts
	lib.is_unknown(s.public_blob_access)
}

undecided contains lib.undecided(c, "access_type", c.access_type) if {
	some c in input.storage_containers
	lib.is_unknown(c.access_type)
}
