# CloudFront distribution without access logging
#
# ## What it does
# Flags CloudFront distributions (`AWS::CloudFront::Distribution`, `aws_cloudfront_distribution`)
# whose viewer requests are logged nowhere: no legacy standard logging (`DistributionConfig.Logging`,
# `logging_config`) and no standard logging v2, that is no CloudWatch Logs delivery source
# (`AWS::Logs::DeliverySource`, `aws_cloudwatch_log_delivery_source`) of log type `ACCESS_LOGS`
# whose resource is the distribution in the same template or module. The finding points at the
# distribution. Logging only known at deploy time is left undecided.
#
# A delivery source counts by itself: the delivery (`AWS::Logs::Delivery`) and destination that
# carry its logs are not checked, nor is a delivery source set up outside the template.
#
# ## Why is this bad?
# A distribution is the public front door of a site or an API: its access logs are the only record
# of each viewer request (client IP, path, status, edge location) that CloudFront answered from
# its cache without reaching the origin. Without them, scraping, credential stuffing or a leak
# through a cached path cannot be traced afterwards.
#
# ## Example
# ```yaml
# Cdn:
#   Type: AWS::CloudFront::Distribution
#   Properties:
#     DistributionConfig:
#       Enabled: true
#       Origins: [...]
# ```
#
# ## Use instead
# ```yaml
# Cdn:
#   Type: AWS::CloudFront::Distribution
#   Properties:
#     DistributionConfig:
#       Enabled: true
#       Logging:
#         Bucket: !GetAtt AccessLogs.DomainName
#         Prefix: cdn/
#       Origins: [...]
# ```
# or standard logging v2: an `AWS::Logs::DeliverySource` with `LogType: ACCESS_LOGS` and the
# distribution's ARN, an `AWS::Logs::DeliveryDestination` and an `AWS::Logs::Delivery`.
#
# ## References
# - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html
# - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/AccessLogs.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-distribution-logging.html
package faasguard.rules.obs.cloudfront_without_access_logging

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-OBS-011",
	"title": "CloudFront distribution without access logging",
	"severity": "low",
	"area": "OBS",
	"formats": ["cloudformation", "sam", "terraform", "serverless"],
	"remediation": "Add `Logging: {Bucket: <log bucket>.s3.amazonaws.com, Prefix: <prefix>}` to the `DistributionConfig`, or deliver its access logs with standard logging v2: an `AWS::Logs::DeliverySource` with `LogType: ACCESS_LOGS` and the distribution's ARN, an `AWS::Logs::DeliveryDestination` and an `AWS::Logs::Delivery`.",
	"fixes": {
		"terraform": "Add a `logging_config { bucket = \"<log bucket>.s3.amazonaws.com\" }` block to the `aws_cloudfront_distribution`, or an `aws_cloudwatch_log_delivery_source` with `log_type = \"ACCESS_LOGS\"` and `resource_arn` set to the distribution's `arn`, delivered by an `aws_cloudwatch_log_delivery`.",
		"serverless": "Add `Logging: {Bucket: <log bucket>.s3.amazonaws.com, Prefix: <prefix>}` to the distribution's `DistributionConfig` under `resources.Resources`, or an `AWS::Logs::DeliverySource` of its `ACCESS_LOGS` with a delivery.",
	},
}

deny contains {
	"resource": d.id,
	"path": "logging",
	"message": sprintf("CloudFront distribution %s has no access logging: the requests viewers make are not recorded", [d.name]),
} if {
	some d in input.distributions
	not logged(d)
}

logged(d) if {
	"logging" in object.keys(d)
	d.logging != false
}

undecided contains lib.undecided(d, "logging", d.logging) if {
	some d in input.distributions
	lib.is_unknown(d.logging)
}
