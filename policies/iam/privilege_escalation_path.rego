# Identity policy grants a privilege-escalation path
#
# ## What it does
# Reports each published privilege-escalation path that the `Allow` statements of the identity
# policies attached to one principal (a role, a user or a group) complete together.
#
# Inline policies, customer managed policies and SAM/serverless statements all count. The paths:
# - `iam:PassRole` with `lambda:CreateFunction` and `lambda:InvokeFunction` or
#   `lambda:CreateEventSourceMapping`; with `cloudformation:CreateStack`; with
#   `glue:CreateDevEndpoint`; with `ec2:RunInstances`;
# - `iam:UpdateAssumeRolePolicy` with `sts:AssumeRole`;
# - alone: `iam:CreatePolicyVersion`, `iam:SetDefaultPolicyVersion`, `iam:AttachUserPolicy`,
#   `iam:AttachGroupPolicy`, `iam:AttachRolePolicy`, `iam:PutUserPolicy`, `iam:PutGroupPolicy`,
#   `iam:PutRolePolicy`, `iam:CreateAccessKey`, `iam:CreateLoginProfile`,
#   `iam:UpdateLoginProfile`, `iam:AddUserToGroup`, `lambda:UpdateFunctionCode`,
#   `glue:UpdateDevEndpoint`.
#
# Actions match as IAM matches them: case-insensitively, with wildcards (`iam:*`, `iam:Put*`,
# `*`). A path split over two policies of the same principal counts; the same actions on two
# different principals do not. A policy attached to no principal of the template (a customer
# managed policy attached elsewhere) is judged on its own statements. The finding points at the
# action granting the path's first action (`iam:PassRole`, `iam:UpdateAssumeRolePolicy`, or the
# single action) and names the principal, the paths and every action pattern involved; a principal
# granted `*` is told it has administrator access instead of being given every path. Paths (and
# principals) that meet at one action share one finding.
#
# Like KICS and Checkov, the `Resource` of an `Allow` is not narrowed (a role that may pass only
# one role can still escalate to that role's permissions), and a `Condition` does not close a
# path: the scanner cannot evaluate it. One exception: `iam:CreateAccessKey`,
# `iam:CreateLoginProfile` and `iam:UpdateLoginProfile` granted only on
# `arn:...:user/${aws:username}` let users manage their own credentials (the policy AWS documents
# for that), which gives no one more than they have. When such a statement's resource is known
# only at deploy time (`!Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:user/${!aws:username}"`)
# the credential path is listed as undecided at that resource instead of reported. A `Deny` in a policy of the same principal closes a path
# when it covers one of the path's actions on `Resource: "*"` without a condition. `NotAction`
# allows are FG-IAM-003's; unknown actions and documents never complete a path.
#
# ## Why is this bad?
# Each path lets the principal give itself more than its policies grant: write a new policy
# version or attach `AdministratorAccess` to itself, create keys or a console password for
# another user, rewrite the code of a function that runs as a stronger role, or launch a Lambda
# function, stack, Glue endpoint or EC2 instance as any role it may pass. Whoever controls the
# principal (a function's code, a CI job, a leaked key) gets the permissions at the end of the
# path, usually administrator access. That is why the rule is high where KICS rates each path
# medium: faasguard rates administrator access high (FG-IAM-001, FG-IAM-005).
#
# ## Example
# ```yaml
# Policies:
#   - Statement:
#       - Effect: Allow
#         Action: [iam:PassRole, lambda:CreateFunction, lambda:InvokeFunction]
#         Resource: "*"
# ```
#
# ## Use instead
# Grant the deployment actions to the pipeline that deploys, not to the workload, and scope what
# must stay to the resources it manages:
# ```yaml
#       - Effect: Allow
#         Action: lambda:InvokeFunction
#         Resource: !GetAtt Worker.Arn
# ```
#
# ## References
# - https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
package faasguard.rules.iam.privilege_escalation_path

import data.faasguard.lib
import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-015",
	"title": "Identity policy grants a privilege-escalation path",
	"severity": "high",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Remove the actions of the path from the principal (they belong to the pipeline that deploys, not to the workload), or add a `Deny` on one of them.",
	"fixes": {
		"terraform": "Remove the path's actions from the `actions` of the statements (a `statement` of a `data \"aws_iam_policy_document\"`, or `Action` in a `jsonencode` policy) of every policy attached to the role, user or group, or add a `statement` with `effect = \"Deny\"`, one of the actions and `resources = [\"*\"]`.",
		"serverless": "Remove the path's actions from `provider.iam.role.statements` (or `iamRoleStatements`, or the function's `iamRoleStatements`), or add a statement `Effect: Deny` with one of the actions and `Resource: \"*\"`.",
	},
}

# The published paths. `needs` is a list of steps; a step is satisfied by any one of its actions
# (lower-case `service:name`). The first action of the first step is where the finding points.
paths := [
	{"name": "pass a role to a new Lambda function and invoke it", "needs": [["iam:passrole"], ["lambda:createfunction"], ["lambda:invokefunction", "lambda:createeventsourcemapping"]]},
	{"name": "pass a role to a new CloudFormation stack", "needs": [["iam:passrole"], ["cloudformation:createstack"]]},
	{"name": "pass a role to a new Glue development endpoint", "needs": [["iam:passrole"], ["glue:createdevendpoint"]]},
	{"name": "pass a role to a new EC2 instance", "needs": [["iam:passrole"], ["ec2:runinstances"]]},
	{"name": "rewrite a role's trust policy and assume it", "needs": [["iam:updateassumerolepolicy"], ["sts:assumerole"]]},
	{"name": "create a new default version of a managed policy", "needs": [["iam:createpolicyversion"]]},
	{"name": "make an older version of a managed policy the default", "needs": [["iam:setdefaultpolicyversion"]]},
	{"name": "attach a managed policy to a user", "needs": [["iam:attachuserpolicy"]]},
	{"name": "attach a managed policy to a group", "needs": [["iam:attachgrouppolicy"]]},
	{"name": "attach a managed policy to a role", "needs": [["iam:attachrolepolicy"]]},
	{"name": "write an inline policy of a user", "needs": [["iam:putuserpolicy"]]},
	{"name": "write an inline policy of a group", "needs": [["iam:putgrouppolicy"]]},
	{"name": "write an inline policy of a role", "needs": [["iam:putrolepolicy"]]},
	{"name": "create an access key for another user", "needs": [["iam:createaccesskey"]]},
	{"name": "create a console password for another user", "needs": [["iam:createloginprofile"]]},
	{"name": "change another user's console password", "needs": [["iam:updateloginprofile"]]},
	{"name": "add a user to a more privileged group", "needs": [["iam:addusertogroup"]]},
	{"name": "replace the code of a function that runs as another role", "needs": [["lambda:updatefunctioncode"]]},
	{"name": "update the SSH key of a Glue development endpoint that runs as another role", "needs": [["glue:updatedevendpoint"]]},
]

# Every action some path needs.
needed := {a | some p in paths; some step in p.needs; some a in step}

# The principals a policy speaks for: the string ids it is attached to, or, when it is attached
# to none that is known, the policy itself (its statements are granted together to whoever it is
# attached to outside the template).
principals(p) := ps if {
	ps := {x | some x in p.attached_to; is_string(x)}
	count(ps) > 0
} else := {p.id}

# grants[principal]: the Allow action patterns of the principal's identity policies, as
# [policy id, statement index, action index, pattern as written]. Keyed by principal so that a
# path is assembled from one principal's statements only, without pairing every policy with every
# other.
grants[who] contains [p.id, i, j, a] if {
	some p in input.policies
	p.kind == "identity"
	some i, s in p.statements
	s.effect == "Allow"
	some j, a in s.action
	actions_of[a]
	some who in principals(p)
}

# actions_of[pattern as written]: the needed actions the pattern covers, for the Allow patterns
# that cover some. Each distinct pattern is lowered and matched once, however many statements
# repeat it; the rest of the rule looks the matches up here instead of matching again.
actions_of[a] := actions if {
	some a in allow_patterns
	# Most patterns name a service no path needs (`s3:GetObject`): dropped before the path
	# tables are built.
	maybe_needed(lower(split(a, ":")[0]))
	pattern := lower(a)
	actions := {action | some action in candidates(pattern); covered(pattern, action)}
	count(actions) > 0
}

# The services of `needed`, written out so that a template that grants none of them never
# builds the path tables (a test checks that they agree).
needed_services := {"cloudformation", "ec2", "glue", "iam", "lambda", "sts"}

maybe_needed(service) if service in needed_services

maybe_needed(service) if iam.has_wildcard(service)

allow_patterns contains a if {
	some p in input.policies
	p.kind == "identity"
	some s in p.statements
	s.effect == "Allow"
	some a in s.action
	is_string(a)
}

# denies[principal]: lower-case action patterns of unconditional Deny statements on `*`. An
# unknown action in such a Deny might be any action: it counts as `*`, so that an unknown never
# keeps a path open that the template may close.
denies[who] contains deny_pattern(a) if {
	some p in input.policies
	p.kind == "identity"
	some s in p.statements
	s.effect == "Deny"
	unconditional(s)
	some r in s.resource
	is_string(r)
	iam.all_resources(r)
	some who in principals(p)
	some a in s.action
}

deny_pattern(a) := lower(a) if is_string(a)

deny_pattern(a) := "*" if not is_string(a)

unconditional(s) if not s.condition

unconditional(s) if s.condition == {}

# has[principal]: the needed actions the principal is allowed and not denied.
has[who] contains action if {
	some who, gs in grants
	some g in gs
	some action in granted(g)
	not denied(who, action)
}

# The needed actions a grant opens: those its pattern covers, less the credential actions of a
# statement that names only the caller's own user.
granted(g) := actions_of[g[3]] - own_credential_actions if {
	[g[0], g[1]] in self_scoped
} else := actions_of[g[3]]

# Acting on one's own user with these creates no access the caller does not already have.
own_credential_actions := {"iam:createaccesskey", "iam:createloginprofile", "iam:updateloginprofile"}

# [policy id, statement index] of the Allow statements whose every resource is the caller's own
# user (`arn:aws:iam::123456789012:user/${aws:username}`, any account or path). Only statements
# that grant a needed pattern are looked at.
self_scoped contains [p.id, i] if {
	some [p, i, s] in credential_statements
	every r in s.resource {
		own_user(r)
	}
}

# A resource known only at deploy time may be the caller's own user too, in a statement about
# credentials alone (`!Sub "arn:...:user/${!aws:username}"`); a statement that grants more
# (`iam:*`, `*`, on a function's ARN) keeps counting in full, so that an unknown resource does not
# turn every broad grant into an undecided check.
self_scoped contains [p.id, i] if {
	some [p, i, s] in credential_statements
	every a in s.action {
		is_string(a)
		object.get(actions_of, a, set()) - own_credential_actions == set()
	}
	every r in s.resource {
		maybe_own_user(r)
	}
}

credential_statements contains [p, i, s] if {
	some p in input.policies
	p.kind == "identity"
	some i, s in p.statements
	s.effect == "Allow"
	some a in s.action
	actions_of[a]
	count(s.resource) > 0
}

maybe_own_user(r) if own_user(r)

maybe_own_user(r) if not is_string(r)

# A credential path that only a resource known at deploy time keeps closed: undecided at that
# resource, unless the principal has the action anyway.
undecided contains lib.undecided(p, sprintf("statements.%d.resource.%d", [i, k]), r) if {
	some [p, i, s] in credential_statements
	[p.id, i] in self_scoped
	some a in s.action
	some action in actions_of[a] & own_credential_actions
	some who in principals(p)
	not denied(who, action)
	not action in has[who]
	some k, r in s.resource
	not is_string(r)
}

own_user(r) if {
	is_string(r)
	endswith(r, "${aws:username}")
	contains(r, ":user/")
}

# The needed actions a pattern could cover: those of its service when the service is literal
# (`s3:Get*` skips the pattern matching at once), else all of them. A pattern covers no needed
# action outside these.
candidates(pattern) := object.get(needed_by_service, service, set()) if {
	service := split(pattern, ":")[0]
	not iam.has_wildcard(service)
} else := needed

needed_by_service[service] contains a if {
	some a in needed
	service := split(a, ":")[0]
}

denied(who, action) if {
	some d in denies[who]
	covered(d, action)
}

covered(pattern, _) if pattern == "*"

covered(pattern, action) if {
	parts := split(action, ":")
	iam.covers(pattern, parts[0], parts[1])
}

# open[principal]: indices (in `paths`) of the paths the principal completes.
open[who] contains k if {
	some who, acts in has
	some k, p in paths
	every step in p.needs {
		some a in step
		a in acts
	}
}

# Principals granted `*` (or `*:*`) with every path open: administrator access, one finding.
admin[who] := g if {
	some who, gs in grants
	count(open[who]) == count(paths)
	some star in gs
	star[3] in {"*", "*:*"}
	g := min({x | some x in gs; x[3] in {"*", "*:*"}})
}

# One finding per action location: a finding's fingerprint is (rule, resource, path), so the
# paths (and principals) that meet at one action are named in one message. `iam:Put*` is one
# finding naming three paths; a managed policy attached to two roles is one finding naming both.
deny contains {
	"resource": loc[0],
	"path": sprintf("statements.%d.action.%d", [loc[1], loc[2]]),
	"message": concat(". ", sort(msgs)),
} if {
	some loc, msgs in messages
}

messages[loc] contains msg if {
	some who, g in admin
	loc := [g[0], g[1], g[2]]
	msg := sprintf("%s has administrator access (%s): it opens every privilege-escalation path, from creating policy versions to passing any role to a new function", [principal_label(who), g[3]])
}

messages[loc] contains msg if {
	some key, ks in hits
	loc := [key[0], key[1], key[2]]
	who := key[3]
	names := [sprintf("%s (%s)", [paths[k].name, steps_text(paths[k])]) | some k in sort(ks)]
	involved := sort({g[3] |
		some g in grants[who]
		some k in ks
		some step in paths[k].needs
		some a in step
		a in granted(g)
	})
	msg := sprintf("%s can escalate privileges: %s; granted by %s", [principal_label(who), concat("; ", names), concat(", ", involved)])
}

# hits[[policy id, statement, action, principal]]: the paths of the principal whose first action
# is granted at that action (the least such place when several grant it).
hits[key] contains k if {
	some who, ks in open
	not admin[who]
	some k in ks
	first := paths[k].needs[0][0]
	at := min({g | some g in grants[who]; first in granted(g)})
	key := [at[0], at[1], at[2], who]
}

# `iam:PassRole + lambda:CreateFunction + [lambda:InvokeFunction or lambda:CreateEventSourceMapping]`
steps_text(p) := concat(" + ", [step_text(step) | some step in p.needs])

step_text(step) := display[step[0]] if count(step) == 1

step_text(step) := sprintf("[%s]", [concat(" or ", [display[a] | some a in step])]) if count(step) > 1

# Action names as AWS spells them, for messages.
display := {
	"iam:passrole": "iam:PassRole",
	"lambda:createfunction": "lambda:CreateFunction",
	"lambda:invokefunction": "lambda:InvokeFunction",
	"lambda:createeventsourcemapping": "lambda:CreateEventSourceMapping",
	"cloudformation:createstack": "cloudformation:CreateStack",
	"glue:createdevendpoint": "glue:CreateDevEndpoint",
	"ec2:runinstances": "ec2:RunInstances",
	"iam:updateassumerolepolicy": "iam:UpdateAssumeRolePolicy",
	"sts:assumerole": "sts:AssumeRole",
	"iam:createpolicyversion": "iam:CreatePolicyVersion",
	"iam:setdefaultpolicyversion": "iam:SetDefaultPolicyVersion",
	"iam:attachuserpolicy": "iam:AttachUserPolicy",
	"iam:attachgrouppolicy": "iam:AttachGroupPolicy",
	"iam:attachrolepolicy": "iam:AttachRolePolicy",
	"iam:putuserpolicy": "iam:PutUserPolicy",
	"iam:putgrouppolicy": "iam:PutGroupPolicy",
	"iam:putrolepolicy": "iam:PutRolePolicy",
	"iam:createaccesskey": "iam:CreateAccessKey",
	"iam:createloginprofile": "iam:CreateLoginProfile",
	"iam:updateloginprofile": "iam:UpdateLoginProfile",
	"iam:addusertogroup": "iam:AddUserToGroup",
	"lambda:updatefunctioncode": "lambda:UpdateFunctionCode",
	"glue:updatedevendpoint": "glue:UpdateDevEndpoint",
}

# Ids of the users and groups of the input, to name a principal by its kind.
user_ids := {r.id | some r in input.resources; r.type in {"AWS::IAM::User", "aws_iam_user"}}

group_ids := {r.id | some r in input.resources; r.type in {"AWS::IAM::Group", "aws_iam_group"}}

role_ids := {r.id | some r in input.roles}

principal_label(who) := sprintf("Role %s", [who]) if {
	who in role_ids
} else := sprintf("User %s", [who]) if {
	who in user_ids
} else := sprintf("Group %s", [who]) if {
	who in group_ids
} else := sprintf("Whoever is given %s", [min(policy_labels)]) if {
	# Duplicate ids (a Terraform address declared twice is diagnosed, not merged) name the
	# first label.
	policy_labels := {iam.label(p) | some p in input.policies; p.id == who}
	count(policy_labels) > 0
} else := sprintf("Principal %s", [who])
