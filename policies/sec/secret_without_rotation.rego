# Secret that is never rotated
#
# ## What it does
# Flags Secrets Manager secrets (`AWS::SecretsManager::Secret`,
# `aws_secretsmanager_secret`) that no rotation schedule
# (`AWS::SecretsManager::RotationSchedule`,
# `aws_secretsmanager_secret_rotation`) in the template rotates, or that
# rotate less often than every 90 days (`AutomaticallyAfterDays`, or a
# `rate(N days)` schedule expression; reported on the schedule, where the
# period is written, whether or not the unit declares the secret), and
# Azure Key Vault secrets
# (`azurerm_key_vault_secret`) without an `expiration_date`.
#
# A `cron(...)` schedule and a period the scanner cannot resolve are not
# flagged. A secret that cannot rotate (a third party's API key that only
# its issuer can renew) is a documented suppression
# (`# faasguard:ignore FG-SEC-003 <reason>`).
#
# ## Why is this bad?
# A credential that never changes stays valid for anyone who ever copied it:
# a former employee, a leaked log line, a backup, a compromised build. Rotation
# bounds how long a leak is useful, and it proves that the applications
# reading the secret pick up a new value, which is what an incident response
# needs. CIS, PCI DSS 8.3.9 and the AWS Foundational Security Best Practices
# (SecretsManager.1, .4) ask for rotation within 90 days.
#
# ## Example
# ```yaml
# DbCredentials:
#   Type: AWS::SecretsManager::Secret
#   Properties:
#     GenerateSecretString:
#       SecretStringTemplate: '{"username": "app"}'
#       GenerateStringKey: password
# ```
#
# ## Use instead
# ```yaml
# DbCredentialsRotation:
#   Type: AWS::SecretsManager::RotationSchedule
#   Properties:
#     SecretId: !Ref DbCredentials
#     HostedRotationLambda:
#       RotationType: PostgreSQLSingleUser
#     RotationRules:
#       AutomaticallyAfterDays: 30
# ```
#
# ## References
# - https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html
# - https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html
# - https://learn.microsoft.com/en-us/azure/key-vault/secrets/secrets-best-practices
package faasguard.rules.sec.secret_without_rotation

import rego.v1

metadata := {
	"id": "FG-SEC-003",
	"title": "Secret without rotation",
	"severity": "medium",
	"area": "SEC",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Add an AWS::SecretsManager::RotationSchedule for the secret with RotationRules that rotate it within 90 days (AutomaticallyAfterDays: 30, or ScheduleExpression: rate(30 days)).",
	"fixes": {
		"terraform": "Add an `aws_secretsmanager_secret_rotation` for the secret with `rotation_rules { automatically_after_days = 30 }` (90 or less); give an `azurerm_key_vault_secret` an `expiration_date`.",
		"serverless": "Under `resources.Resources`, add an `AWS::SecretsManager::RotationSchedule` whose `SecretId` is the secret, with `RotationRules: {AutomaticallyAfterDays: 30}` (90 or less).",
	},
}

# The longest rotation period accepted, in days.
max_period_days := 90

deny contains {
	"resource": s.id,
	"path": "rotation",
	"message": sprintf(
		"Secret %s is never rotated: no %s rotates it; add one that rotates it within %d days",
		[s.name, schedule_kind, max_period_days],
	),
} if {
	some s in input.secrets
	s.cloud == "aws"
	not has_field(s, "rotation")
}

# On the schedule, where the period is written (the secret may be declared
# elsewhere).
deny contains {
	"resource": r.id,
	"path": "rotation_period_days",
	"message": sprintf(
		"Rotation schedule %s rotates %s every %v days, less often than every %d; shorten its schedule",
		[r.name, secret_named(r.secret), r.rotation_period_days, max_period_days],
	),
} if {
	some r in input.rotation_schedules
	is_number(r.rotation_period_days)
	r.rotation_period_days > max_period_days
}

secret_named(s) := sprintf("secret %s", [s]) if is_string(s)

else := "a secret known only at deploy time"

deny contains {
	"resource": s.id,
	"path": "expiration",
	"message": sprintf(
		"Key Vault secret %s has no expiration_date, so it stays valid forever; set one and rotate the secret before it",
		[s.name],
	),
} if {
	some s in input.secrets
	s.cloud == "azure"
	not has_field(s, "expiration")
}

schedule_kind := "aws_secretsmanager_secret_rotation" if input.format == "terraform"

else := "AWS::SecretsManager::RotationSchedule"

# A field the source sets, known or not (an unknown is not "missing").
has_field(s, f) if _ = s[f]
