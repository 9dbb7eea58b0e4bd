# EventBridge rule targets an event bus in another account
#
# ## What it does
# Reports an EventBridge rule target whose ARN is an event bus
# (`arn:aws:events:<region>:<account>:event-bus/<name>`) in an account other
# than the unit's own, at the target's ARN.
#
# The unit's own account is known from a literal ARN written for the rule
# (its `RoleArn` / `role_arn`, a target's role, its event bus given as an
# ARN: EventBridge takes these roles only from the rule's account), from a
# template parameter or Terraform variable whose name says it is an account
# id and whose value (default, tfvars) is one, and, in a Terraform plan, from
# `data.aws_caller_identity`. A target
# ARN built from the deploying account's own id (`!Sub
# arn:aws:events:${AWS::Region}:${AWS::AccountId}:event-bus/audit`, a `!Join`
# with `!Ref AWS::AccountId`, `data.aws_caller_identity.current.account_id`)
# or pointing at a bus the unit declares (`!GetAtt Bus.Arn`) stays in the
# account and is not reported. When the bus's account, or the unit's own,
# cannot be known, or the target's ARN is only known at deploy time, the
# check is listed as undecided instead.
#
# Formats: CloudFormation and SAM (`AWS::Events::Rule`) and Terraform
# (`aws_cloudwatch_event_rule` with its `aws_cloudwatch_event_target`s). A
# SAM function's `EventBridgeRule` and `CloudWatchEvent` events, and the
# Serverless Framework's `eventBridge` events, always target the function
# itself, never a bus, so the Serverless Framework is not a format of this
# rule (an `AWS::Events::Rule` under its `resources:` is read like
# CloudFormation's all the same). Targets of other kinds in other accounts
# (queues, topics, functions) are not this rule's.
#
# ## Why is this bad?
# A rule that forwards events to a bus in another account hands everything
# it matches to whoever controls that account: event payloads often carry
# identifiers, object keys and personal data, and the receiving account's
# own rules decide where they go next. A target added by mistake, left over
# from a migration, or pointing at an account that changed hands leaks data
# without any error. Forwarding to a central bus of your own organization is
# a common, deliberate design: review the account, and suppress the finding
# with that reason.
#
# ## Example
# ```yaml
# AuditForward:
#   Type: AWS::Events::Rule
#   Properties:
#     EventPattern: {source: [orders]}
#     Targets:
#       - Id: central
#         Arn: arn:aws:events:eu-west-1:999988887777:event-bus/audit
#         RoleArn: arn:aws:iam::111122223333:role/forward-events
# ```
#
# ## Use instead
# Send the events to a bus in this account (and let the other account be
# granted what it needs through that bus's policy), or, when the other
# account is your organization's, keep the target and record why:
# ```yaml
#     Targets:
#       - Id: audit
#         Arn: !GetAtt AuditBus.Arn
# ```
#
# ## References
# - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
# - https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html
package faasguard.rules.net.event_target_bus_in_other_account

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-009",
	"title": "EventBridge rule targets an event bus in another account",
	"severity": "low",
	"area": "NET",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Point the target's `Arn` at an event bus in this account (`!GetAtt AuditBus.Arn`, or `!Sub arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/<name>`), or remove the target; when the other account is one your organization runs on purpose (a central bus), suppress the finding with that reason.",
	"fixes": {"terraform": "Point the `aws_cloudwatch_event_target`'s `arn` at an event bus in this account (`aws_cloudwatch_event_bus.<name>.arn`), or remove the target; when the other account is one your organization runs on purpose (a central bus), suppress the finding with that reason."},
}

deny contains {
	"resource": rule.id,
	"path": sprintf("targets.%d.arn", [i]),
	"message": sprintf("EventBridge rule %s sends the events it matches to %s in account %s, not its own (%s): whoever controls that account receives them", [rule.name, bus(t.arn), t.bus_account, concat(", ", sort(own))]),
} if {
	some rule in input.event_rules
	some i, t in targets(rule)
	is_string(t.bus_account)
	not t.own_account == true
	own := own_accounts(rule)
	count(own) > 0
	not t.bus_account in own
}

# The bus's account cannot be known.
undecided contains lib.undecided(rule, sprintf("targets.%d.bus_account", [i]), t.bus_account) if {
	some rule in input.event_rules
	some i, t in targets(rule)
	lib.is_unknown(t.bus_account)
	not t.own_account == true
}

# The bus's account is known, the unit's own is not.
undecided contains {
	"resource": rule.id,
	"path": sprintf("targets.%d.bus_account", [i]),
	"reason": "the unit's own account is not known: no literal role ARN for the rule, account-id parameter or variable, or caller identity",
} if {
	some rule in input.event_rules
	some i, t in targets(rule)
	is_string(t.bus_account)
	not t.own_account == true
	count(own_accounts(rule)) == 0
}

# The target's ARN is only known at deploy time: it may be a bus anywhere.
undecided contains lib.undecided(rule, sprintf("targets.%d.arn", [i]), t.arn) if {
	some rule in input.event_rules
	some i, t in targets(rule)
	lib.is_unknown(t.arn)
	not t.bus_account
	not t.own_account == true
}

targets(rule) := rule.targets if is_array(rule.targets)

targets(rule) := [] if not is_array(rule.targets)

# The bus as the message names it: by its name when the ARN is known.
bus(arn) := sprintf("event bus %s", [trim_prefix(split(arn, ":")[5], "event-bus/")]) if {
	is_string(arn)
	count(split(arn, ":")) >= 6
} else := "an event bus"

# The accounts of the literal ARNs written for the rule (roles EventBridge
# assumes live in the rule's account), and of the parameters and caller
# identities that hold the account id.
own_accounts(rule) := (({a |
	some field in ["role", "event_bus"]
	a := arn_account(rule[field])
} | {a |
	some t in targets(rule)
	a := arn_account(t.role)
}) | parameter_accounts) | caller_accounts

parameter_accounts := {p.default |
	some p in input.parameters
	contains(lower(p.name), "account")
	is_string(p.default)
	regex.match(`^[0-9]{12}$`, p.default)
}

caller_accounts := {r.properties.account_id |
	some r in input.resources
	r.type == "aws_caller_identity"
	is_string(r.properties.account_id)
	regex.match(`^[0-9]{12}$`, r.properties.account_id)
}

arn_account(arn) := parts[4] if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) >= 6
	parts[0] == "arn"
	regex.match(`^[0-9]{12}$`, parts[4])
}
