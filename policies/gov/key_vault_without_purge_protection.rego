# Key Vault without purge protection or soft delete
#
# ## What it does
# Flags Azure Key Vaults (`azurerm_key_vault`) without `purge_protection_enabled = true` (the
# default is `false`, so a missing argument is flagged at the resource), and vaults that turn soft
# delete off (`soft_delete_enabled = false`, azurerm 2; later versions always soft-delete, for
# `soft_delete_retention_days`, 7 to 90 days). Values the scanner cannot resolve are not flagged
# (they are listed as undecided).
#
# ## Why is this bad?
# A Key Vault holds the keys that encrypt the application's data and the secrets its functions
# read. Without purge protection, anyone with delete and purge rights (a compromised pipeline, a
# ransomware operator, a mistaken `terraform destroy`) can delete the vault or its keys and purge
# them at once: data encrypted with those keys is lost for good. With purge protection, deleted
# vaults and keys stay recoverable for the retention period, and nobody can shorten it.
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
#   purge_protection_enabled   = true
#   soft_delete_retention_days = 90
# ```
#
# ## References
# - https://learn.microsoft.com/en-us/azure/key-vault/general/soft-delete-overview#purge-protection
# - https://learn.microsoft.com/en-us/azure/key-vault/general/key-vault-recovery
# - https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/key_vault#purge_protection_enabled
package faasguard.rules.gov.key_vault_without_purge_protection

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-GOV-005",
	"title": "Key Vault without purge protection or soft delete",
	"severity": "medium",
	"area": "GOV",
	"formats": ["terraform"],
	"remediation": "Set `purge_protection_enabled = true` on the Key Vault (and keep soft delete on).",
	"fixes": {"terraform": "Set `purge_protection_enabled = true` on the `azurerm_key_vault` (and remove `soft_delete_enabled = false`); the provider's `purge_soft_delete_on_destroy` feature then no longer purges it."},
}

deny contains {
	"resource": k.id,
	"path": "purge_protection",
	"message": sprintf("Key Vault %s does not set purge_protection_enabled = true (the default is false): a deleted vault or key can be purged at once and the data it encrypts lost for good; set it to true", [k.name]),
} if {
	some k in input.key_vaults
	not "purge_protection" in object.keys(k)
}

deny contains {
	"resource": k.id,
	"path": "purge_protection",
	"message": sprintf("Key Vault %s turns purge protection off (purge_protection_enabled = false): a deleted vault or key can be purged at once and the data it encrypts lost for good; set it to true", [k.name]),
} if {
	some k in input.key_vaults
	k.purge_protection == false
}

deny contains {
	"resource": k.id,
	"path": "soft_delete",
	"message": sprintf("Key Vault %s turns soft delete off (soft_delete_enabled = false): deleted keys and secrets cannot be recovered; remove it and set purge_protection_enabled = true", [k.name]),
} if {
	some k in input.key_vaults
	k.soft_delete == false
}

undecided contains lib.undecided(k, "purge_protection", k.purge_protection) if {
	some k in input.key_vaults
	lib.is_unknown(k.purge_protection)
}

undecided contains lib.undecided(k, "soft_delete", k.soft_delete) if {
	some k in input.key_vaults
	lib.is_unknown(k.soft_delete)
}
