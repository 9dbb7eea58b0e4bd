# Log group without a retention period
#
# ## What it does
# Flags `AWS::Logs::LogGroup` resources without `RetentionInDays`. The finding
# points at the log group.
#
# ## Why is this bad?
# Without a retention period CloudWatch Logs keeps events forever. Storage
# grows and is billed every month, and logs often hold personal data, tokens or
# request bodies that a data-retention policy (GDPR's storage limitation, PCI
# DSS, internal policy) says must be deleted after a set time.
#
# ## Example
# ```yaml
# FunctionLogs:
#   Type: AWS::Logs::LogGroup
#   Properties:
#     LogGroupName: /aws/lambda/my-function
# ```
#
# ## Use instead
# ```yaml
# FunctionLogs:
#   Type: AWS::Logs::LogGroup
#   Properties:
#     LogGroupName: /aws/lambda/my-function
#     RetentionInDays: 30
# ```
# Choose the period your retention policy asks for; export to S3 (with
# lifecycle rules) what must be kept longer.
#
# ## References
# - https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Working-with-log-groups-and-streams.html#SettingLogRetention
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-loggroup.html
package faasguard.rules.obs.log_group_without_retention

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-OBS-002",
	"title": "Log group without a retention period",
	"severity": "low",
	"area": "OBS",
	"remediation": "Set RetentionInDays on the log group to the period your data-retention policy requires.",
	"fixes": {
		"terraform": "Set `retention_in_days` on the `aws_cloudwatch_log_group` to the period your data-retention policy requires (`0` keeps events forever).",
		"serverless": "Set `provider.logRetentionInDays` (or `logRetentionInDays` on the function) to the period your data-retention policy requires; for an `AWS::Logs::LogGroup` under `resources.Resources`, set `RetentionInDays`.",
	},
}

deny contains {
	"resource": l.id,
	"path": "retention_days",
	"message": sprintf("Log group %s has no %s: its events are kept forever", [l.name, lib.term("RetentionInDays", "retention_in_days")]),
} if {
	some l in input.log_groups
	not "retention_days" in object.keys(l)
}
