# Encryption key without automatic rotation
#
# ## What it does
# Flags customer managed keys whose key material is never renewed:
# - AWS KMS symmetric encryption keys (`AWS::KMS::Key`, `aws_kms_key`) with
#   `EnableKeyRotation` / `enable_key_rotation` false or not set. Asymmetric
#   keys (`KeySpec: RSA_2048`, `ECC_*`, ...), HMAC keys (`HMAC_*`), keys with
#   imported material (`Origin: EXTERNAL`) and keys in a custom key store
#   cannot rotate automatically and are not flagged.
# - Google Cloud KMS encryption keys (`google_kms_crypto_key` with `purpose`
#   `ENCRYPT_DECRYPT`, the default) without `rotation_period`, or rotating
#   less often than every 90 days. Asymmetric and MAC keys cannot rotate
#   automatically and are not flagged.
# - Azure Key Vault keys (`azurerm_key_vault_key`) with neither an
#   `expiration_date` nor a `rotation_policy` with an `automatic` block.
#
# A value the scanner cannot resolve (a parameter, a variable known only at
# apply) is not flagged.
#
# ## Why is this bad?
# A key that never rotates encrypts every new piece of data with the same
# material for as long as it lives: one leaked or brute-forced key version
# exposes years of data, and a compromise cannot be contained by retiring the
# old material. CIS AWS Foundations (3.6), PCI DSS 3.6.4 and NIST SP 800-57
# ask for a bounded crypto period. Rotation is transparent: old versions stay
# available to decrypt what they encrypted.
#
# ## Example
# ```yaml
# DataKey:
#   Type: AWS::KMS::Key
#   Properties:
#     KeyPolicy: ...
# ```
#
# ## Use instead
# ```yaml
#     EnableKeyRotation: true
# ```
#
# ## References
# - https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html
# - https://cloud.google.com/kms/docs/key-rotation
# - https://learn.microsoft.com/en-us/azure/key-vault/keys/how-to-configure-key-rotation
package faasguard.rules.enc.key_without_rotation

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-ENC-012",
	"title": "Encryption key without automatic rotation",
	"severity": "medium",
	"area": "ENC",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Set EnableKeyRotation: true on the symmetric KMS key (RotationPeriodInDays may shorten the default 365 days).",
	"fixes": {
		"terraform": "Set `enable_key_rotation = true` on the `aws_kms_key`; set `rotation_period = \"7776000s\"` (90 days) or less on the `google_kms_crypto_key`; give the `azurerm_key_vault_key` an `expiration_date` or a `rotation_policy` with an `automatic` block.",
		"serverless": "On the `AWS::KMS::Key` under `resources.Resources`, set `EnableKeyRotation: true`.",
	},
}

# The longest rotation period accepted on Google Cloud KMS keys, in days.
max_period_days := 90

deny contains {
	"resource": k.id,
	"path": "rotation",
	"message": sprintf(
		"KMS key %s has automatic rotation off (%s false): its key material is never renewed; set it to true",
		[k.name, rotation_arg],
	),
} if {
	some k in input.keys
	aws_rotatable(k)
	k.rotation == false
}

deny contains {
	"resource": k.id,
	"path": "rotation",
	"message": sprintf(
		"KMS key %s does not set %s, so its key material is never rotated; set it to true",
		[k.name, rotation_arg],
	),
} if {
	some k in input.keys
	aws_rotatable(k)
	not has_field(k, "rotation")
}

deny contains {
	"resource": k.id,
	"path": "rotation_period_days",
	"message": sprintf(
		"Cloud KMS key %s sets no rotation_period, so its key material is never rotated; set rotation_period = \"7776000s\" (90 days) or less",
		[k.name],
	),
} if {
	some k in input.keys
	gcp_rotatable(k)
	not has_field(k, "rotation_period_days")
}

deny contains {
	"resource": k.id,
	"path": "rotation_period_days",
	"message": sprintf(
		"Cloud KMS key %s rotates every %v days, less often than every %d; set rotation_period to \"7776000s\" or less",
		[k.name, k.rotation_period_days, max_period_days],
	),
} if {
	some k in input.keys
	gcp_rotatable(k)
	is_number(k.rotation_period_days)
	k.rotation_period_days > max_period_days
}

deny contains {
	"resource": k.id,
	"path": "expiration",
	"message": sprintf(
		"Key Vault key %s has no expiration_date and no rotation_policy with automatic rotation, so it is used forever; set expiration_date or a rotation_policy",
		[k.name],
	),
} if {
	some k in input.keys
	k.cloud == "azure"
	not has_field(k, "expiration")
	not has_field(k, "rotation")
}

rotation_arg := "enable_key_rotation" if input.format == "terraform"

else := "EnableKeyRotation"

# A field the source sets, known or not: an unknown is neither false nor
# missing, so every check compares a known value or asks for presence.
has_field(k, f) if _ = k[f]

# An AWS symmetric encryption key with KMS-generated material: the only kind
# that KMS rotates by itself.
aws_rotatable(k) if {
	k.cloud == "aws"
	symmetric(k)
	encrypts(k)
	kms_material(k)
}

symmetric(k) if not has_field(k, "key_spec")

symmetric(k) if k.key_spec == "SYMMETRIC_DEFAULT"

encrypts(k) if not has_field(k, "key_usage")

encrypts(k) if k.key_usage == "ENCRYPT_DECRYPT"

kms_material(k) if not has_field(k, "origin")

kms_material(k) if k.origin == "AWS_KMS"

# A Google Cloud KMS symmetric encryption key (the default purpose).
gcp_rotatable(k) if {
	k.cloud == "gcp"
	encrypts(k)
}

# Rotation set from a value unknown until deployment: listed, not reported.
undecided contains lib.undecided(k, "rotation", k.rotation) if {
	some k in input.keys
	aws_rotatable(k)
	lib.is_unknown(k.rotation)
}
