# Identity policy reads secrets or data on all resources (`Resource: "*"`)
#
# ## What it does
# Flags `Allow` statements in identity policies whose `Resource` includes `*` (or an ARN whose
# resource part is only wildcards, such as `arn:aws:s3:::*`) and whose actions read secrets,
# credentials or stored data: `secretsmanager:GetSecretValue`, `ssm:GetParameter`,
# `ssm:GetParameters`, `ssm:GetParametersByPath`, `ssm:GetParameterHistory`, `kms:Decrypt`,
# `s3:GetObject`, `s3:GetObjectVersion`, `dynamodb:GetItem`, `dynamodb:BatchGetItem`,
# `dynamodb:Query`, `dynamodb:Scan`. Action patterns match as IAM matches them
# (`ssm:GetParameter*`, `s3:Get*`, `secretsmanager:*Secret*`). The finding points at the `*`
# resource and names the reading actions.
#
# Not reported: `*` (FG-IAM-001 reports it) and `service:*` (FG-IAM-028); statements whose
# `Condition` narrows the resources (a service's own key such as `kms:ViaService`, `s3:prefix` or
# `dynamodb:LeadingKeys`, or `aws:ResourceTag/...`, `aws:ResourceAccount`, `aws:ResourceOrgID`);
# a condition the scanner cannot know.
#
# ## Why is this bad?
# `Resource: "*"` means every secret, parameter, key, bucket and table of the account, including
# the ones of other teams and the ones created later. A function that needs one database password
# can then read every password; a bug or a leaked credential exfiltrates the whole account's data
# instead of one resource's. FG-IAM-002 reports writes on `*`; this rule reports the reads that
# matter most.
#
# ## Example
# ```yaml
# Reader:
#   Type: AWS::Serverless::Function
#   Properties:
#     Policies:
#       - Statement:
#           - Effect: Allow
#             Action: [secretsmanager:GetSecretValue, ssm:GetParameter*]
#             Resource: "*"
# ```
#
# ## Use instead
# Name the secrets and parameters, by reference:
# ```yaml
#       - Statement:
#           - Effect: Allow
#             Action: secretsmanager:GetSecretValue
#             Resource: !Ref DbSecret
# ```
# or with a SAM policy template (`AWSSecretsManagerGetSecretValuePolicy: {SecretArn: !Ref DbSecret}`,
# `SSMParameterReadPolicy: {ParameterName: app/db}`).
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
# - https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html
# - https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
package faasguard.rules.iam.read_secrets_on_all_resources

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-016",
	"title": "Identity policy reads secrets or data on all resources",
	"severity": "high",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Scope `Resource` to the secrets, parameters, keys, buckets and tables the function reads (`!Ref DbSecret`, `!Sub arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/app/*`), or narrow the statement with a condition such as `kms:ViaService`.",
	"fixes": {
		"terraform": "Scope the statement's `resources` (`Resource` in a `jsonencode` policy) to the ARNs read, such as `aws_secretsmanager_secret.db.arn` or `aws_ssm_parameter.db.arn`, instead of `*`.",
		"serverless": "Scope the statement's `Resource` (`provider.iam.role.statements`, `provider.iamRoleStatements` or a function's `iamRoleStatements`) to the ARNs read, such as `!Ref DbSecret` or `arn:aws:ssm:${aws:region}:${aws:accountId}:parameter/${self:service}/*`, instead of `*`.",
	},
}

# The reading actions, as [service, action] (lower case).
reads := [
	["secretsmanager", "getsecretvalue"],
	["ssm", "getparameter"],
	["ssm", "getparameters"],
	["ssm", "getparametersbypath"],
	["ssm", "getparameterhistory"],
	["kms", "decrypt"],
	["s3", "getobject"],
	["s3", "getobjectversion"],
	["dynamodb", "getitem"],
	["dynamodb", "batchgetitem"],
	["dynamodb", "query"],
	["dynamodb", "scan"],
]

read_services := {r[0] | some r in reads}

deny contains {
	"resource": p.id,
	"path": sprintf("statements.%d.resource.%d", [i, j]),
	"message": sprintf("%s reads secrets or data on all resources (%s): %s", [iam.label(p), s.resource[j], iam.list_text(actions, 5)]),
} if {
	some [p, i, s] in iam.identity_allows
	# The resource check is cheap and rules most statements out.
	j := iam.first_all_resources(s)
	not narrowed(s)
	# Each action once, in the order written.
	actions := [a | some k, a in s.action; reading(a); not a in array.slice(s.action, 0, k)]
	count(actions) > 0
}

reading(a) if {
	is_string(a)
	not iam.full_wildcard(a)
	la := lower(a)
	service := split(la, ":")[0]
	service in read_services
	some r in reads
	r[0] == service
	iam.covers(la, r[0], r[1])
}

# A condition the scanner cannot read may narrow the statement: no finding.
narrowed(s) if {
	"condition" in object.keys(s)
	not is_object(s.condition)
}

narrowed(s) if {
	is_object(s.condition)
	some op, keys in s.condition
	not is_object(keys)
}

narrowed(s) if {
	is_object(s.condition)
	some op, keys in s.condition
	is_object(keys)
	some key, _ in keys
	narrowing_key(lower(key))
}

# A service's own condition key (`kms:ViaService`, `s3:prefix`, `dynamodb:LeadingKeys`) or a
# global key about the resource narrows which resources the statement reaches.
narrowing_key(k) if not startswith(k, "aws:")

narrowing_key(k) if startswith(k, "aws:resourcetag/")

narrowing_key(k) if k in {"aws:resourceaccount", "aws:resourceorgid", "aws:resourceorgpaths"}
