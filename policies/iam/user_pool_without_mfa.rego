# Cognito user pool without MFA or advanced security
#
# ## What it does
# Reports a Cognito user pool that signs people in with a password alone: its MFA configuration is
# `OFF` (or not set, which is `OFF`) and its advanced security (threat protection) is not
# `ENFORCED`. The finding points at `MfaConfiguration` (`mfa_configuration`), or at the pool when
# it is not set.
#
# `OPTIONAL` counts as MFA: users may turn it on, and the pool can ask for it. `ENFORCED` advanced
# security counts too: it asks risky sign-ins for a second factor (adaptive authentication). An
# unknown setting gives no finding.
#
# ## Why is this bad?
# Without a second factor, a leaked, reused or guessed password is enough to take over the
# account and every permission the pool's tokens and identity pool grant. Credential stuffing
# against public sign-in endpoints is routine.
#
# ## Example
# ```yaml
# Users:
#   Type: AWS::Cognito::UserPool
#   Properties:
#     MfaConfiguration: "OFF"
# ```
#
# ## Use instead
# ```yaml
#     MfaConfiguration: "ON"
#     EnabledMfas: [SOFTWARE_TOKEN_MFA]
# ```
#
# ## References
# - https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa.html
# - https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pool-settings-threat-protection.html
package faasguard.rules.iam.user_pool_without_mfa

import rego.v1

import data.faasguard.lib

metadata := {
	"id": "FG-IAM-020",
	"title": "Cognito user pool without MFA or advanced security",
	"severity": "low",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Set `MfaConfiguration: \"ON\"` (or `\"OPTIONAL\"`) with `EnabledMfas`, or `UserPoolAddOns: {AdvancedSecurityMode: ENFORCED}`.",
	"fixes": {
		"terraform": "Set `mfa_configuration = \"ON\"` (or `\"OPTIONAL\"`) with a `software_token_mfa_configuration` block on the `aws_cognito_user_pool`, or `user_pool_add_ons { advanced_security_mode = \"ENFORCED\" }`.",
	},
}

deny contains {
	"resource": p.id,
	"path": "mfa_configuration",
	"message": sprintf("User pool %s %s and its advanced security is %s: a password alone signs users in", [p.id, mfa_text(p), security_text(p)]),
} if {
	some p in input.user_pools
	mfa_off(p)
	not enforced(p)
}

mfa_off(p) if not p.mfa_configuration

mfa_off(p) if {
	is_string(p.mfa_configuration)
	upper(p.mfa_configuration) == "OFF"
}

enforced(p) if upper(p.advanced_security_mode) == "ENFORCED"

# An advanced security mode that is not set is off; an unknown one might be ENFORCED.
enforced(p) if {
	p.advanced_security_mode
	not is_string(p.advanced_security_mode)
}

mfa_text(p) := "turns MFA off" if {
	p.mfa_configuration
} else := "sets no MFA configuration (OFF)"

security_text(p) := lower(p.advanced_security_mode) if {
	is_string(p.advanced_security_mode)
} else := "off"

# An MFA configuration unknown until deployment could be OFF: listed, not
# reported (unless advanced security is enforced, which decides it).
undecided contains lib.undecided(p, "mfa_configuration", p.mfa_configuration) if {
	some p in input.user_pools
	lib.is_unknown(p.mfa_configuration)
	not enforced(p)
}
