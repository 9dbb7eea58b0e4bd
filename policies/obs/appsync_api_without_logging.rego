# AppSync API without logging
#
# ## What it does
# Flags AppSync GraphQL APIs (`AWS::AppSync::GraphQLApi`, SAM `AWS::Serverless::GraphQLApi`,
# `aws_appsync_graphql_api`) that do not log to CloudWatch Logs, or log too little to investigate:
# - no `LogConfig` / `log_config` at all, or SAM's `Logging: false` (the finding points at the API,
#   or at `false`);
# - a `LogConfig` without `CloudWatchLogsRoleArn`: AppSync has no role to write the logs with (it
#   points at the block);
# - field-level logging off: `FieldLogLevel: NONE`, or none written (it points at the level, or the
#   block): the API logs requests but no resolver events, errors included.
#
# SAM's GraphQL API without `Logging` logs every field through a role SAM creates, and passes. A
# configuration or a level only known at deploy time is left undecided.
#
# ## Why is this bad?
# AppSync resolves each query field by field, against tables, functions and HTTP sources. Without
# its logs there is no record of who ran which operation, and without field-level logs no record of
# which resolver failed or was abused (authorization errors, injection attempts, data sources
# reached): an incident on the API cannot be traced afterwards.
#
# ## Example
# ```yaml
# Orders:
#   Type: AWS::AppSync::GraphQLApi
#   Properties:
#     Name: orders
#     AuthenticationType: AWS_IAM
# ```
#
# ## Use instead
# ```yaml
# Orders:
#   Type: AWS::AppSync::GraphQLApi
#   Properties:
#     Name: orders
#     AuthenticationType: AWS_IAM
#     LogConfig:
#       CloudWatchLogsRoleArn: !GetAtt AppSyncLogsRole.Arn
#       FieldLogLevel: ERROR
#       ExcludeVerboseContent: true
# ```
# with a role that `appsync.amazonaws.com` assumes, allowed to write CloudWatch Logs
# (`AWSAppSyncPushToCloudWatchLogs`).
#
# ## References
# - https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-appsync-graphqlapi-logconfig.html
# - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-graphqlapi.html
package faasguard.rules.obs.appsync_api_without_logging

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-OBS-009",
	"title": "AppSync API without logging",
	"severity": "low",
	"area": "OBS",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Set `LogConfig: {CloudWatchLogsRoleArn: <role AppSync assumes to write logs>, FieldLogLevel: ERROR}` on the API (`ALL` to log every resolver; `ExcludeVerboseContent: true` keeps request headers and results out). In SAM, remove `Logging: false` or set `Logging: {FieldLogLevel: ERROR}`.",
	"fixes": {"terraform": "Add `log_config { cloudwatch_logs_role_arn = aws_iam_role.<appsync logs role>.arn, field_log_level = \"ERROR\" }` to the `aws_appsync_graphql_api` (`ALL` to log every resolver; `exclude_verbose_content = true` keeps request headers and results out)."},
}

deny contains {
	"resource": g.id,
	"path": "log_config",
	"message": sprintf("AppSync API %s logs nothing to CloudWatch Logs: its operations and resolver errors are not recorded", [g.name]),
} if {
	some g in input.graphql_apis
	not logs(g)
}

deny contains {
	"resource": g.id,
	"path": "log_config",
	"message": sprintf("AppSync API %s sets logging without a CloudWatch Logs role: AppSync cannot write its logs", [g.name]),
} if {
	some g in input.graphql_apis
	known_config(g)
	not "cloudwatch_logs_role" in object.keys(g.log_config)
}

deny contains {
	"resource": g.id,
	"path": "log_config.field_log_level",
	"message": sprintf("AppSync API %s has field log level NONE: it logs requests but no resolver events, errors included", [g.name]),
} if {
	some g in input.graphql_apis
	known_config(g)
	"cloudwatch_logs_role" in object.keys(g.log_config)
	g.log_config.field_log_level == "NONE"
}

deny contains {
	"resource": g.id,
	"path": "log_config",
	"message": sprintf("AppSync API %s sets logging without a field log level: it logs requests but no resolver events, errors included", [g.name]),
} if {
	some g in input.graphql_apis
	known_config(g)
	"cloudwatch_logs_role" in object.keys(g.log_config)
	not "field_log_level" in object.keys(g.log_config)
}

logs(g) if {
	"log_config" in object.keys(g)
	g.log_config != false
}

known_config(g) if {
	is_object(g.log_config)
	lib.known(g.log_config)
}

undecided contains lib.undecided(g, "log_config", g.log_config) if {
	some g in input.graphql_apis
	lib.is_unknown(g.log_config)
}

undecided contains lib.undecided(g, "log_config.field_log_level", g.log_config.field_log_level) if {
	some g in input.graphql_apis
	lib.is_unknown(g.log_config.field_log_level)
}
