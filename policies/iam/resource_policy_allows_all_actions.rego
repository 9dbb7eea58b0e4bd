# Resource policy allows every action of the service (`*`, `sqs:*`, `lambda:*`)
#
# ## What it does
# Flags `Allow` statements in resource policies (Lambda permissions, S3 bucket policies, SQS
# queue policies, SNS topic policies, Secrets Manager resource policies, ECR repository policies,
# EventBridge bus policies, API Gateway resource policies, KMS key policies, EFS file system
# policies (`FileSystemPolicy`, `aws_efs_file_system_policy`), CloudWatch Logs destination
# policies (`DestinationPolicy`, `aws_cloudwatch_log_destination_policy`)) whose `Action` is
# `*`, `*:*` or every action of a service (`sqs:*`, `s3:*`, `lambda:*`, `elasticfilesystem:*`,
# `logs:*`), whoever the principal is and whatever the condition. The finding points at the
# action.
#
# Not reported: KMS key policies that give `kms:*` to an account (`arn:aws:iam::111122223333:root`,
# an account id, a value the scanner cannot know such as `!Sub
# arn:aws:iam::${AWS::AccountId}:root`, or any principal under a `kms:CallerAccount` /
# `aws:PrincipalAccount` condition): that is the default key policy, which hands the key's access
# to the account's IAM policies. Policies open to anyone are FG-IAM-006's finding as well.
#
# ## Why is this bad?
# A caller allowed every action can do more than it needs: a service that should only send
# messages can also purge or delete the queue and rewrite its policy; an account that should only
# read objects can delete them or change the bucket's ACL; an API Gateway or another account
# allowed `lambda:*` can replace the function's code; a client allowed `elasticfilesystem:*` on a
# file system gets root access (`ClientRootAccess`) and write access where it should only mount;
# an account allowed `logs:*` on a destination can do more than subscribe its log groups to it. Resource policies are the last control on a
# resource: they should grant the few actions each caller uses.
#
# ## Example
# ```yaml
# QueuePolicy:
#   Type: AWS::SQS::QueuePolicy
#   Properties:
#     Queues: [!Ref Queue]
#     PolicyDocument:
#       Statement:
#         - Effect: Allow
#           Principal: {Service: sns.amazonaws.com}
#           Action: sqs:*
#           Resource: !GetAtt Queue.Arn
# ```
#
# ## Use instead
# ```yaml
#           Action: sqs:SendMessage
#           Condition:
#             ArnEquals: {aws:SourceArn: !Ref Topic}
# ```
#
# ## References
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_identity-vs-resource.html
# - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
# - https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
# - https://docs.aws.amazon.com/efs/latest/ug/iam-access-control-nfs-efs.html
# - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateDestination.html
package faasguard.rules.iam.resource_policy_allows_all_actions

import data.faasguard.lib.iam
import rego.v1

metadata := {
	"id": "FG-IAM-018",
	"title": "Resource policy allows every action of the service",
	"severity": "high",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Replace `*` / `service:*` in the resource policy's `Action` with the actions the caller uses (`sqs:SendMessage`, `s3:GetObject`, `lambda:InvokeFunction`, `elasticfilesystem:ClientMount`, `logs:PutSubscriptionFilter`).",
	"fixes": {
		"terraform": "Replace `*` / `service:*` in the resource policy's `actions` (a policy document's `statement`, or `Action` in a `jsonencode` policy; `action` of an `aws_lambda_permission`) with the actions the caller uses, such as `sqs:SendMessage` or `lambda:InvokeFunction`.",
		"serverless": "Replace `*` / `service:*` in the `Action` of the resource policy under `resources.Resources` (a bucket, queue or topic policy, an `AWS::Lambda::Permission`, an EFS `FileSystemPolicy`, a Logs `DestinationPolicy`) with the actions the caller uses.",
	},
}

deny contains {
	"resource": p.id,
	"path": sprintf("statements.%d.action.%d", [i, j]),
	"message": sprintf("%s allows %s (%s) to %s", [iam.resource_policy_label(p), a, scope(a), who(s)]),
} if {
	some p in input.policies
	p.kind == "resource"
	some i, s in p.statements
	s.effect == "Allow"
	some j, a in s.action
	is_string(a)
	iam.full_wildcard(a)
	not default_key_grant(p, s)
}

# `kms:*` to the account (or to a principal the scanner cannot know) in a key policy.
default_key_grant(p, s) if {
	p.target_type == "kms"
	is_array(s.principal.AWS)
	principals := [x | some x in s.principal.AWS]
	count(principals) > 0
	every x in principals {
		account(x)
	}
	not s.principal.Service
}

# `*` narrowed to one account by the key's own condition is the same grant.
default_key_grant(p, s) if {
	p.target_type == "kms"
	is_object(s.condition)
	some op, keys in s.condition
	lower(op) == "stringequals"
	is_object(keys)
	some key, _ in keys
	lower(key) in {"kms:calleraccount", "aws:principalaccount"}
}

account(x) if not is_string(x)

account(x) if regex.match(`^[0-9]{12}$`, x)

account(x) if regex.match(`^arn:aws[a-z-]*:iam::[0-9]{12}:root$`, x)

scope(a) := "every action of every service" if {
	a in {"*", "*:*"}
} else := sprintf("every action of %s", [service]) if {
	service := split(a, ":")[0]
	not contains(service, "*")
} else := "the matching actions of every service"

# Membership, not iteration, before `else`: regorus' RVM never reaches an
# `else` after a body that iterates (ADR 0053).
who(s) := "anyone" if {
	is_array(s.principal.AWS)
	"*" in s.principal.AWS
} else := concat(", ", names) if {
	is_object(s.principal)
	names := [x | some _, xs in s.principal; is_array(xs); some x in xs; is_string(x)]
	count(names) > 0
} else := "every principal except those in NotPrincipal" if {
	s.not_principal
} else := "its principal"
