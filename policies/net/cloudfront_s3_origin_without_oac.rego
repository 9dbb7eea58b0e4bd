# CloudFront S3 origin without origin access control
#
# ## What it does
# Flags CloudFront origins that are S3 buckets (an `S3OriginConfig` / `s3_origin_config` block,
# a bucket's REST endpoint such as `orders.s3.eu-west-1.amazonaws.com`, or a bucket's
# `DomainName` / `RegionalDomainName` / `bucket_regional_domain_name`) with neither an origin
# access control (`OriginAccessControlId`, `origin_access_control_id`) nor a legacy origin access
# identity (`S3OriginConfig.OriginAccessIdentity`). The finding points at the origin's domain.
#
# S3 website endpoints (`s3-website`) are custom origins that cannot use origin access control,
# and are not reported. An origin the scanner cannot resolve is not reported.
#
# ## Why is this bad?
# Without origin access, CloudFront fetches the objects as an anonymous caller, so the bucket
# itself must be public: anyone can bypass the distribution (its WAF, its geo restrictions, its
# signed URLs, its logs) and read the bucket directly. With origin access control the bucket
# policy allows only this distribution.
#
# ## Example
# ```yaml
# Origins:
#   - Id: site
#     DomainName: !GetAtt Site.RegionalDomainName
#     S3OriginConfig: {}
# ```
#
# ## Use instead
# ```yaml
#   - Id: site
#     DomainName: !GetAtt Site.RegionalDomainName
#     S3OriginConfig: {OriginAccessIdentity: ""}
#     OriginAccessControlId: !GetAtt SiteOac.Id
# ```
# with a bucket policy that allows `cloudfront.amazonaws.com` under an `aws:SourceArn` condition
# naming the distribution.
#
# ## References
# - https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
# - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-cloudfront-originaccesscontrol.html
package faasguard.rules.net.cloudfront_s3_origin_without_oac

import data.faasguard.lib
import rego.v1

metadata := {
	"id": "FG-NET-007",
	"title": "CloudFront S3 origin without origin access control",
	"severity": "medium",
	"area": "NET",
	"formats": ["cloudformation", "sam", "terraform"],
	"remediation": "Add an `AWS::CloudFront::OriginAccessControl` (signing behavior `always`, origin type `s3`), set `OriginAccessControlId` on the origin, and allow only the distribution in the bucket policy.",
	"fixes": {
		"terraform": "Add an `aws_cloudfront_origin_access_control` and set `origin_access_control_id` on the distribution's S3 `origin`; allow only the distribution (an `aws:SourceArn` condition) in the bucket policy.",
	},
}

bucket_attrs := {"DomainName", "RegionalDomainName", "DualStackDomainName", "bucket_regional_domain_name", "bucket_domain_name"}

s3_origin(o) if o.s3_origin_config == true

s3_origin(o) if {
	is_string(o.domain_name)
	regex.match(`\.s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$`, lower(o.domain_name))
	not contains(lower(o.domain_name), "s3-website")
}

s3_origin(o) if {
	lib.is_unknown(o.domain_name)
	o.domain_name.attr in bucket_attrs
}

deny contains {
	"resource": d.id,
	"path": sprintf("origins.%d.domain_name", [i]),
	"message": sprintf("CloudFront distribution %s reads S3 origin %s without origin access control or identity: the bucket must be public, and anyone can read it around the distribution", [d.name, label(o)]),
} if {
	some d in input.distributions
	is_array(d.origins)
	some i, o in d.origins
	is_object(o)
	not lib.is_unknown(o)
	s3_origin(o)
	not "origin_access_control" in object.keys(o)
	not "origin_access_identity" in object.keys(o)
}

label(o) := o.id if is_string(o.id)

else := o.domain_name if is_string(o.domain_name)

else := sprintf("of bucket %s", [o.domain_name.ref]) if is_string(o.domain_name.ref)

else := "(unnamed)"
