# Helpers shared by the IAM rules (not a rule itself: no metadata).
#
# Action and resource patterns are matched as IAM matches them: case-insensitively for actions,
# with `*` and `?` as wildcards. Unknown values (`{"unknown": true}`) are never strings, so none of
# these helpers holds for them.
package faasguard.lib.iam

import rego.v1

levels := data.faasguard.iam_access_levels

# Allow statements of the customer-written identity policies (inline role/user/group policies,
# `AWS::IAM::Policy`, customer managed `AWS::IAM::ManagedPolicy`, SAM inline statements and
# policy templates), as [policy, statement index, statement]. AWS managed policies (kind
# `managed`) are FG-IAM-005's concern. A list, in input order, not a set: every IAM rule builds
# it again, and a set of these triples orders whole policies against each other as it grows.
identity_allows := [[p, i, s] |
	some p in input.policies
	p.kind == "identity"
	some i, s in p.statements
	s.effect == "Allow"
]

# Allow statements of role trust policies (`AssumeRolePolicyDocument`, `assume_role_policy`, a SAM
# function's `AssumeRolePolicyDocument`), as [role, statement index, statement]; a list, like
# `identity_allows`.
trust_allows := [[r, i, s] |
	some r in input.roles
	some i, s in array_of(r.assume_role_policy.statements)
	s.effect == "Allow"
]

# The assume actions a trust statement's principals call, for messages: `sts:AssumeRoleWithSAML`
# for SAML providers, `sts:AssumeRoleWithWebIdentity` for other federated (OIDC) providers,
# `sts:AssumeRole` for accounts, roles and services (and for principals the scanner cannot read).
assume_actions(s) := concat(" / ", sort(actions)) if {
	actions := {assume_action(kind, p) |
		some kind, ps in principal_object(s)
		some p in array_of(ps)
	}
	count(actions) > 0
} else := "sts:AssumeRole"

principal_object(s) := s.principal if {
	is_object(s.principal)
	not s.principal.unknown == true
}

else := {}

assume_action("Federated", p) := "sts:AssumeRoleWithSAML" if {
	is_string(p)
	contains(p, ":saml-provider/")
} else := "sts:AssumeRoleWithWebIdentity"

assume_action(kind, _) := "sts:AssumeRole" if kind != "Federated"

# `*`, `*:*`, `s3:*`, `*:Get*`: every action of a service, or of every service.
full_wildcard(a) if a == "*"

full_wildcard(a) if {
	parts := split(a, ":")
	count(parts) == 2
	parts[1] == "*"
}

full_wildcard(a) if {
	parts := split(a, ":")
	count(parts) == 2
	contains(parts[0], "*")
}

# `s3:*`: every action of one named service (FG-IAM-028's in identity policies; `*` and
# patterns over every service, `*:*` and `*:Get*`, are FG-IAM-001's).
service_wildcard(a) if {
	parts := split(a, ":")
	count(parts) == 2
	parts[1] == "*"
	parts[0] != ""
	not has_wildcard(parts[0])
}

has_wildcard(s) if contains(s, "*")

has_wildcard(s) if contains(s, "?")

# An IAM pattern (`Pass*`, `*Role`, `PassRole`) as an anchored regular expression. Only for
# patterns made of letters, digits, `-`, `_` and wildcards (every real action name).
pattern_regex(pat) := sprintf("^%s$", [replace(replace(lower(pat), "*", ".*"), "?", ".")]) if {
	regex.match(`^[A-Za-z0-9_*?-]+$`, pat)
}

# Whether the action pattern `a` covers the action `service:name` (both lower-case).
covers(a, service, name) if {
	not has_wildcard(a)
	a == concat(":", [service, name])
}

covers(a, service, name) if {
	has_wildcard(a)
	parts := split(a, ":")
	count(parts) == 2
	regex.match(pattern_regex(parts[0]), service)
	regex.match(pattern_regex(parts[1]), name)
}

# The action could be a write, permissions-management or tagging action
# (`rules/iam_access_levels.toml`), and is neither one that IAM only grants on `*` nor a read
# whose verb looks like a write (`bedrock:InvokeModel`).
write_action(a) if {
	parts := split(lower(a), ":")
	count(parts) == 2
	not lower(a) in levels.resource_star_only
	not lower(a) in levels.read_actions
	write_name(parts[1])
}

write_name(name) if {
	not has_wildcard(name)
	some v in levels.write_verbs
	startswith(name, v)
}

# An action named as write in `write_actions` (`rds-db:connect`), or a pattern covering one.
write_action(a) if {
	some w in levels.write_actions
	parts := split(w, ":")
	covers(lower(a), parts[0], parts[1])
}

# A pattern is write-capable when a write verb could match its literal prefix.
write_name(name) if {
	has_wildcard(name)
	prefix := split(replace(name, "?", "*"), "*")[0]
	some v in levels.write_verbs
	prefix_compatible(prefix, v)
}

prefix_compatible(prefix, verb) if startswith(verb, prefix)

prefix_compatible(prefix, verb) if startswith(prefix, verb)

# `*`, or an ARN whose resource part is only wildcards (`arn:aws:s3:::*`, `arn:aws:logs:*:*:*`).
all_resources(r) if r == "*"

all_resources(r) if {
	startswith(r, "arn:")
	parts := split(r, ":")
	count(parts) >= 6
	regex.match(`^[*/:]+$`, concat(":", array.slice(parts, 5, count(parts))))
}

# Index of the first all-resources entry of a statement's Resource list.
first_all_resources(s) := min({j | some j, r in s.resource; is_string(r); all_resources(r)})

# How a policy is named in messages.
label(p) := sprintf("SAM policy template %s of %s", [substring(p.origin, 20, -1), split(p.id, "/")[0]]) if {
	startswith(p.origin, "sam_policy_template:")
} else := sprintf("Inline policy of %s", [split(p.id, "/")[0]]) if {
	p.origin == "sam_inline"
} else := sprintf("Inline policy %s of %s", [parts[2], parts[0]]) if {
	parts := split(p.id, "/")
	count(parts) == 3
	parts[1] == "Policies"
} else := sprintf("Policy %s", [p.name])

# `a, b, c` of the strings of a list, at most `n` of them (then `...`).
list_text(list, n) := concat(", ", strs) if {
	strs := [s | some s in list; is_string(s)]
	count(strs) <= n
} else := sprintf("%s, ...", [concat(", ", array.slice([s | some s in list; is_string(s)], 0, n))])

# How a resource policy is named in messages.
resource_policy_kinds := {
	"lambda": "Lambda permission",
	"lambda-layer": "Lambda layer permission",
	"s3": "S3 bucket policy",
	"sqs": "SQS queue policy",
	"sns": "SNS topic policy",
	"kms": "KMS key policy",
	"secretsmanager": "Secrets Manager resource policy",
	"execute-api": "API Gateway resource policy",
	"ecr": "ECR repository policy",
	"events": "EventBridge event bus policy",
	"elasticfilesystem": "EFS file system policy",
	"logs": "CloudWatch Logs destination policy",
}

resource_policy_label(p) := sprintf("KMS key policy of %s", [p.attached_to[0]]) if {
	p.origin == "key_policy"
	is_string(p.attached_to[0])
} else := sprintf("%s %s", [kind, p.name]) if {
	kind := resource_policy_kinds[p.target_type]
} else := sprintf("Resource policy %s", [p.name])

# A list as written, or no element when the value is absent, null, a scalar or an unknown (a raw
# `resources` property may be `null`, and iterating over `null` is an error).
array_of(x) := x if is_array(x)

else := []

# A statement's conditions as an object, or none when they are absent, null or unknown (a
# condition the adapter could not read is the caller's to judge first).
conditions(s) := s.condition if {
	is_object(s.condition)
	not s.condition.unknown == true
} else := {}
