# Lambda permission for an AWS service without `SourceArn` or `SourceAccount`
#
# ## What it does
# Flags Lambda permissions (`AWS::Lambda::Permission`, `aws_lambda_permission`) that let an AWS
# service principal (`s3.amazonaws.com`, `sns.amazonaws.com`, `events.amazonaws.com`,
# `apigateway.amazonaws.com`, ...) invoke a function without saying which resource or account the
# call must come from: neither `SourceArn` nor `SourceAccount` (`source_arn`, `source_account`).
# The finding points at the principal.
#
# A `SourceArn` or `SourceAccount` that the scanner cannot resolve (`!GetAtt Bucket.Arn`,
# `aws_sns_topic.events.arn`) counts as set. Principals that are not AWS services (accounts, `*`)
# are FG-IAM-006's concern; Alexa skills (`alexa-appkit.amazon.com`) are narrowed by
# `EventSourceToken` instead and are not reported.
#
# ## Why is this bad?
# A service principal stands for the service in every account. Without a source condition, any
# account's bucket, topic, rule or API can be pointed at the function and invoke it with events it
# crafts (the confused-deputy problem): the function runs, with its role, on input from outside.
#
# ## Example
# ```yaml
# UploadPermission:
#   Type: AWS::Lambda::Permission
#   Properties:
#     FunctionName: !GetAtt Thumbnailer.Arn
#     Action: lambda:InvokeFunction
#     Principal: s3.amazonaws.com
# ```
#
# ## Use instead
# ```yaml
#     Principal: s3.amazonaws.com
#     SourceArn: !GetAtt Uploads.Arn
#     SourceAccount: !Ref AWS::AccountId
# ```
#
# ## References
# - https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-services.html
# - https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-permission.html
package faasguard.rules.iam.service_permission_without_source

import rego.v1

metadata := {
	"id": "FG-IAM-017",
	"title": "Lambda permission for an AWS service without SourceArn or SourceAccount",
	"severity": "high",
	"area": "IAM",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Add `SourceArn` (the ARN of the bucket, topic, rule or API that invokes the function) and, for S3, `SourceAccount: !Ref AWS::AccountId` to the `AWS::Lambda::Permission`.",
	"fixes": {
		"terraform": "Set `source_arn` on the `aws_lambda_permission` (the ARN of the bucket, topic, rule or API that invokes the function, such as `aws_s3_bucket.uploads.arn`) and, for S3, `source_account`.",
		"serverless": "Add `SourceArn` (and, for S3, `SourceAccount: !Ref AWS::AccountId`) to the `AWS::Lambda::Permission` under `resources.Resources`; permissions the Framework creates for `events:` already carry one.",
	},
}

deny contains {
	"resource": p.id,
	"path": sprintf("statements.%d.principal.Service.%d", [i, j]),
	"message": sprintf("Lambda permission %s lets %s invoke %s from any account's resources: neither SourceArn nor SourceAccount is set", [p.name, service, function(p)]),
} if {
	some p in input.policies
	p.origin == "lambda_permission"
	some i, s in p.statements
	s.effect == "Allow"
	some j, service in s.principal.Service
	is_string(service)
	aws_service(service)
	not sourced(s)
}

aws_service(s) if endswith(lower(s), ".amazonaws.com")

aws_service(s) if endswith(lower(s), ".amazonaws.com.cn")

# `SourceArn`, `SourceAccount` (or the legacy `SourceOwner`), known or not.
sourced(s) if {
	is_object(s.condition)
	some _, keys in s.condition
	is_object(keys)
	some key, _ in keys
	lower(key) in {"aws:sourcearn", "aws:sourceaccount", "aws:sourceowner"}
}

# A condition the adapter could not read is given the benefit of the doubt.
sourced(s) if {
	"condition" in object.keys(s)
	not is_object(s.condition)
}

sourced(s) if {
	s.condition.unknown == true
}

function(p) := p.attached_to[0] if {
	is_string(p.attached_to[0])
} else := "its function"
