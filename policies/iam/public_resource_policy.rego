# Resource policy allows anyone (`Principal: "*"`)
#
# ## What it does
# Flags `Allow` statements in resource policies (Lambda permissions, S3 bucket policies, SQS
# queue policies, SNS topic policies, KMS key policies, Secrets Manager resource policies, ECR
# repository policies, EventBridge bus policies and permissions, Lambda layer version
# permissions, where an `OrganizationId` is the organization condition, EFS file system policies,
# CloudWatch Logs destination policies) and in role trust
# policies whose principal is everyone: `"*"`, `{AWS: "*"}`, an ARN with a wildcard
# account (`arn:aws:iam::*:root`), or `NotPrincipal` (everyone except the listed principals),
# unless a condition narrows the caller to known accounts, organizations, sources or networks:
# `aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOwner`, `aws:SourceOrgID`,
# `aws:PrincipalOrgID`, `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:SourceVpc`,
# `aws:SourceVpce`, `aws:SourceIp`, `kms:CallerAccount`, `s3:DataAccessPointAccount`, ... with a
# positive operator (`StringEquals`, `ArnLike`, `IpAddress`; not `...IfExists` or `...Not...`)
# and a value other than `*` or `0.0.0.0/0`. `aws:Referer`, `aws:UserAgent` and
# `aws:SecureTransport` do not narrow: any caller can meet them. In an EFS file system policy,
# `Bool: {elasticfilesystem:AccessedViaMountTarget: "true"}` narrows too (only clients that reach a
# mount target in the file system's VPC; EFS itself counts such a policy as not public, and its
# console writes it by default). The finding points at the principal.
#
# Function URL permissions (`lambda:InvokeFunctionUrl`, or a `FunctionUrlAuthType` condition)
# are public by design when the URL's auth type is `NONE`; that is judged by the function URL
# rules, not here. A statement whose actions are all unknown is skipped too (a parameter could
# be `lambda:InvokeFunctionUrl`). A policy whose whole document is only known at deploy time, or
# whose principal the deployer supplies (a parameter, a variable), is listed as undecided; a
# principal naming a resource of the template is not. A key policy that names the account
# (`arn:aws:iam::${AWS::AccountId}:root`, the default) is not public.
#
# ## Why is this bad?
# `Principal: "*"` means every AWS account and, for S3, SNS and SQS, anonymous callers too:
# anyone on the internet can read the bucket, send to the queue, publish to the topic, invoke the
# function or use the key, and you pay for their requests. In a trust policy, any account can
# assume the role. Public S3 buckets are among the most common causes of data leaks.
#
# ## Example
# ```yaml
# UploadsPolicy:
#   Type: AWS::S3::BucketPolicy
#   Properties:
#     Bucket: !Ref Uploads
#     PolicyDocument:
#       Statement:
#         - Effect: Allow
#           Principal: "*"
#           Action: s3:GetObject
#           Resource: !Sub "${Uploads.Arn}/*"
# ```
#
# ## Use instead
# Name the principal, or keep `*` and narrow it with a condition:
# ```yaml
#         - Effect: Allow
#           Principal:
#             Service: cloudfront.amazonaws.com
#           Action: s3:GetObject
#           Resource: !Sub "${Uploads.Arn}/*"
#           Condition:
#             StringEquals:
#               aws:SourceArn: !Sub "arn:aws:cloudfront::${AWS::AccountId}:distribution/${Cdn}"
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html
# - https://docs.aws.amazon.com/efs/latest/ug/access-control-block-public-access.html
# - https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
# - https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html
package faasguard.rules.iam.public_resource_policy

import data.faasguard.lib
import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-006",
	"title": "Resource policy allows anyone",
	"severity": "critical",
	"area": "IAM",
	"remediation": "Name the principals (accounts, roles, service principals), or add a condition on aws:SourceArn / aws:SourceAccount / aws:PrincipalOrgID that narrows `*` to your own callers.",
	"fixes": {
		"terraform": "Name the principals instead of `*` (`principal` of the `aws_lambda_permission`, `identifiers` of a policy document's `principals` block), or narrow `*` with `source_arn` / `source_account` / `principal_org_id` on the permission, or a `condition` block on `aws:SourceArn`, `aws:SourceAccount` or `aws:PrincipalOrgID` in the policy.",
		"serverless": "In the resource policy under `resources.Resources` (an `AWS::Lambda::Permission`, a bucket, queue or topic policy, a role's `AssumeRolePolicyDocument`), name the principals instead of `*`, or add a `Condition` on `aws:SourceArn`, `aws:SourceAccount` or `aws:PrincipalOrgID` (`SourceArn`/`SourceAccount` on a permission).",
	},
}

# Principal: "*" (or an account wildcard).
deny contains {
	"resource": id,
	"path": sprintf("%s.%d.principal.AWS.%d", [prefix, i, j]),
	"message": sprintf("%s allows %s to any principal (%s) with no condition limiting the caller's account, organization, source or network", [what, actions(s), who]),
} if {
	some [id, prefix, what, i, s] in public_allows
	some j, who in s.principal.AWS
	is_string(who)
	everyone(who)
}

# Allow + NotPrincipal: everyone but the listed principals.
deny contains {
	"resource": id,
	"path": sprintf("%s.%d.not_principal", [prefix, i]),
	"message": sprintf("%s allows %s to every principal except those in NotPrincipal, with no condition limiting the caller's account, organization, source or network", [what, actions(s)]),
} if {
	some [id, prefix, what, i, s] in public_allows
	s.not_principal
}

# A resource policy whose whole document is only known at deploy time (a `!Sub` JSON string with a
# parameter in it, a Terraform variable) may allow anyone: the check is listed as undecided there.
undecided contains lib.undecided(p, "statements", p.statements) if {
	some p in input.policies
	p.kind == "resource"
	lib.is_unknown(p.statements)
}

# A principal the deployer supplies, in whole or in part (a parameter, a Terraform variable, a
# Serverless `${param:}` or `${ssm:}`: `lib.supplied`), may be everyone: the check is listed as
# undecided at that principal, unless the statement is reported anyway, is narrowed by a
# condition, or may be a function URL permission. One the template computes, naming a resource
# of the template (`!GetAtt Role.Arn`, `aws_iam_role.x.arn`) or the stack's own account
# (`${AWS::AccountId}`, `data.aws_caller_identity`), cannot be everyone, and is not listed.
undecided contains lib.undecided({"id": id}, sprintf("%s.%d.principal.AWS.%d", [prefix, i, j]), who) if {
	some [id, prefix, i, s] in unknown_principal_allows
	some j, who in s.principal.AWS
	lib.supplied(who)
}

undecided contains lib.undecided({"id": id}, sprintf("%s.%d.principal.AWS", [prefix, i]), s.principal.AWS) if {
	some [id, prefix, i, s] in unknown_principal_allows
	lib.supplied(s.principal.AWS)
}

undecided contains lib.undecided({"id": id}, sprintf("%s.%d.principal", [prefix, i]), s.principal) if {
	some [id, prefix, i, s] in unknown_principal_allows
	lib.supplied(s.principal)
}

# Allow statements not reported above whose principal may be unknown: [item id, path to the
# statements, index, statement].
unknown_principal_allows contains [p.id, "statements", i, s] if {
	some p in input.policies
	p.kind == "resource"
	some i, s in p.statements
	undecided_allow(s)
}

unknown_principal_allows contains [r.id, "assume_role_policy.statements", i, s] if {
	some r in input.roles
	some i, s in r.assume_role_policy.statements
	undecided_allow(s)
}

undecided_allow(s) if {
	s.effect == "Allow"
	not exposed(s)
	known_actions(s)
	not narrowed(s)
	not function_url(s)
}

# Allow statements without a narrowing condition, that are not function URL permissions:
# [item id, path to the statements, description, index, statement].
public_allows contains [p.id, "statements", iam.resource_policy_label(p), i, s] if {
	some p in input.policies
	p.kind == "resource"
	some i, s in p.statements
	public_allow(s)
}

# A role's trust policy is the role's resource policy: `*` there lets any account assume it.
public_allows contains [r.id, "assume_role_policy.statements", sprintf("Trust policy of role %s", [r.id]), i, s] if {
	some r in input.roles
	some i, s in r.assume_role_policy.statements
	public_allow(s)
}

public_allow(s) if {
	s.effect == "Allow"
	# Only a statement one of the rules above can report is judged further: most (a Lambda
	# function's trust policy, a service principal) are ruled out here.
	exposed(s)
	known_actions(s)
	not narrowed(s)
	not function_url(s)
}

exposed(s) if s.not_principal

exposed(s) if {
	some who in s.principal.AWS
	is_string(who)
	everyone(who)
}

# When every action is unknown (a parameter), it may be a function URL permission.
known_actions(s) if {
	some a in s.action
	is_string(a)
}

known_actions(s) if s.not_action

everyone(who) if who == "*"

# `arn:aws:iam::*:root`, `arn:aws:iam::*:*`: every account.
everyone(who) if regex.match(`^arn:[^:]+:(iam|sts)::\*:`, who)

narrowing_keys := {
	"aws:sourcearn",
	"aws:sourceaccount",
	"aws:sourceowner",
	"aws:sourceorgid",
	"aws:sourceorgpaths",
	"aws:principalorgid",
	"aws:principalorgpaths",
	"aws:principalaccount",
	"aws:principalarn",
	"aws:principalservicename",
	"aws:sourcevpc",
	"aws:sourcevpce",
	"aws:vpceaccount",
	"aws:vpceorgid",
	"aws:vpceorgpaths",
	"aws:sourceip",
	"aws:userid",
	"aws:username",
	"kms:calleraccount",
	"s3:dataaccesspointaccount",
	"s3:dataaccesspointarn",
}

# Operators that hold only when the key is present and matches.
positive_operators := {
	"stringequals",
	"stringequalsignorecase",
	"stringlike",
	"arnequals",
	"arnlike",
	"ipaddress",
}

# A condition the adapter could not read is given the benefit of the doubt.
narrowed(s) if {
	s.condition
	not is_object(s.condition)
}

narrowed(s) if lib.is_unknown(s.condition)

narrowed(s) if {
	some op, keys in s.condition
	positive_operators[trim_prefix(lower(op), "foranyvalue:")]
	not is_object(keys)
}

narrowed(s) if {
	some op, keys in s.condition
	positive_operators[trim_prefix(lower(op), "foranyvalue:")]
	some key, values in keys
	narrowing_keys[lower(key)]
	restricts(values)
}

# The values are known to be specific (not `*`, `0.0.0.0/0`); unknown values count as specific.
# EFS: only clients that mount through a mount target, inside the file system's VPC.
narrowed(s) if {
	some op, keys in iam.conditions(s)
	trim_prefix(lower(op), "foranyvalue:") == "bool"
	is_object(keys)
	some key, values in keys
	lower(key) == "elasticfilesystem:accessedviamounttarget"
	some v in iam.array_of(values)
	v in {true, "true"}
}

restricts(values) if {
	is_array(values)
	count(values) > 0
	not any_wildcard(values)
}

restricts(values) if {
	not is_array(values)
	not wildcard(values)
}

wildcards := {"*", "0.0.0.0/0", "::/0"}

wildcard(v) if v in wildcards

# `arn:aws:iam::*`, `arn:aws:iam::*:role/x`: an ARN of any account narrows nothing.
wildcard(v) if {
	is_string(v)
	regex.match(`^arn:[^:]*:(iam|sts)::\*`, v)
}

any_wildcard(values) if {
	some v in values
	wildcard(v)
}

function_url(s) if {
	some a in s.action
	is_string(a)
	lower(a) == "lambda:invokefunctionurl"
}

function_url(s) if {
	some _, keys in s.condition
	some key, _ in keys
	lower(key) == "lambda:functionurlauthtype"
}

actions(s) := iam.list_text(s.action, 4) if {
	count([a | some a in s.action; is_string(a)]) > 0
} else := "every action except those in NotAction"
