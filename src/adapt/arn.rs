//! Regions named in ARNs inside a resource's fields, for the `regions`
//! collection, and the places where the service imposes the region (a
//! CloudFront viewer certificate must come from ACM in us-east-1, whatever
//! region the unit deploys to): those say nothing about where data lives.

use crate::parse::{Node, Value};

/// The region every ARN in [`IMPOSED`] must name.
const IMPOSED_REGION: &str = "us-east-1";

/// Fields (resource type, keys from the resource's properties; list
/// positions are not keys) that take an ARN from us-east-1 only, because
/// the resource is served from CloudFront's global edge network:
/// - a distribution's viewer certificate: CloudFront accepts ACM
///   certificates from us-east-1 only;
/// - its Lambda@Edge associations: the functions are created in us-east-1
///   and replicated to the edge locations;
/// - an edge-optimized API Gateway custom domain's certificate
///   (`CertificateArn`, not `RegionalCertificateArn`): it sits on a
///   CloudFront distribution too (a SAM API's `Domain.CertificateArn` only
///   with `EndpointConfiguration: EDGE`, see [`regions_in`]);
/// - a Cognito user pool's and an AppSync API's custom domain certificate:
///   both are served by CloudFront;
/// - a distribution's web ACL: a `CLOUDFRONT`-scoped AWS WAF web ACL lives
///   in us-east-1.
const IMPOSED: &[(&str, &[&str])] = &[
    (
        "AWS::CloudFront::Distribution",
        &["DistributionConfig", "WebACLId"],
    ),
    (
        "AWS::Cognito::UserPoolDomain",
        &["CustomDomainConfig", "CertificateArn"],
    ),
    ("AWS::AppSync::DomainName", &["CertificateArn"]),
    ("aws_cloudfront_distribution", &["web_acl_id"]),
    ("aws_cognito_user_pool_domain", &["certificate_arn"]),
    ("aws_appsync_domain_name", &["certificate_arn"]),
    (
        "AWS::CloudFront::Distribution",
        &[
            "DistributionConfig",
            "ViewerCertificate",
            "AcmCertificateArn",
        ],
    ),
    (
        "AWS::CloudFront::Distribution",
        &[
            "DistributionConfig",
            "DefaultCacheBehavior",
            "LambdaFunctionAssociations",
            "LambdaFunctionARN",
        ],
    ),
    (
        "AWS::CloudFront::Distribution",
        &[
            "DistributionConfig",
            "CacheBehaviors",
            "LambdaFunctionAssociations",
            "LambdaFunctionARN",
        ],
    ),
    ("AWS::ApiGateway::DomainName", &["CertificateArn"]),
    (
        "aws_cloudfront_distribution",
        &["viewer_certificate", "acm_certificate_arn"],
    ),
    (
        "aws_cloudfront_distribution",
        &[
            "default_cache_behavior",
            "lambda_function_association",
            "lambda_arn",
        ],
    ),
    (
        "aws_cloudfront_distribution",
        &[
            "ordered_cache_behavior",
            "lambda_function_association",
            "lambda_arn",
        ],
    ),
    ("aws_api_gateway_domain_name", &["certificate_arn"]),
];

/// Whether the service makes `type_`'s field at `keys` name `region`
/// whatever the unit's region (see [`IMPOSED`]).
fn imposed(type_: &str, keys: &[&str], region: &str) -> bool {
    region == IMPOSED_REGION && IMPOSED.iter().any(|(t, k)| *t == type_ && *k == keys)
}

/// Every string under `fields` (a resource's top-level fields, as key and
/// value) that is an ARN naming a region, with that region, in no
/// particular order; ARNs whose region the service imposes are left out.
pub(crate) fn regions_in<'a>(
    type_: &str,
    fields: impl IntoIterator<Item = (&'a str, &'a Node)>,
) -> Vec<(&'a str, &'a Node)> {
    let mut found = Vec::new();
    // Depth-first, keeping the keys that lead to the node in `path`: an
    // entry carries the length of its parent's path and its own key.
    let mut path: Vec<&str> = Vec::new();
    let mut stack: Vec<(&Node, usize, Option<&str>, usize)> = fields
        .into_iter()
        .map(|(k, v)| (v, 0, Some(k), 0))
        .collect();
    // SAM maps an API's `Domain.CertificateArn` to the edge certificate only
    // for an edge-optimized domain; REGIONAL is SAM's default.
    let edge_domain = type_ == "AWS::Serverless::Api"
        && stack.iter().any(|(n, _, k, _)| {
            *k == Some("Domain")
                && n.get("EndpointConfiguration").and_then(Node::as_str) == Some("EDGE")
        });
    while let Some((n, len, key, depth)) = stack.pop() {
        path.truncate(len);
        path.extend(key);
        match &n.value {
            Value::String(s) => {
                if let Some(region) = arn_region(s) {
                    let sam_edge = edge_domain && path == ["Domain", "CertificateArn"];
                    if !(imposed(type_, &path, region) || sam_edge && region == IMPOSED_REGION) {
                        found.push((region, n));
                    }
                }
            }
            Value::Seq(items) if depth < crate::parse::MAX_DEPTH => {
                stack.extend(items.iter().map(|i| (i, path.len(), None, depth + 1)));
            }
            Value::Map(m) if depth < crate::parse::MAX_DEPTH => {
                stack.extend(
                    m.entries
                        .iter()
                        .map(|e| (&e.value, path.len(), Some(e.key.as_str()), depth + 1)),
                );
            }
            _ => {}
        }
    }
    found
}

/// The region field of an ARN, when it is a region code.
pub fn arn_region(s: &str) -> Option<&str> {
    let rest = s.strip_prefix("arn:")?;
    let mut parts = rest.splitn(5, ':');
    let _partition = parts.next()?;
    let _service = parts.next()?;
    let region = parts.next()?;
    parts.next()?;
    is_region_code(region).then_some(region)
}

/// `eu-west-1`, `us-gov-west-1`, `ap-southeast-5`, `cn-north-1`.
pub fn is_region_code(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
        && parts[1..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    #[test]
    fn arn_regions() {
        assert_eq!(arn_region("arn:aws:sqs:eu-west-1:123:q"), Some("eu-west-1"));
        assert_eq!(arn_region("arn:aws:s3:::bucket"), None);
        assert_eq!(
            arn_region("arn:aws-us-gov:lambda:us-gov-west-1:1:function:f"),
            Some("us-gov-west-1")
        );
        assert_eq!(arn_region("arn:aws:iam::aws:policy/X"), None);
        assert!(!is_region_code("${AWS::Region}"));
    }

    fn s(v: &str) -> Node {
        Node::string(v, Span::default())
    }

    fn map(entries: Vec<(&str, Node)>) -> Node {
        let mut m = crate::parse::Map::default();
        for (k, v) in entries {
            m.insert(k, Span::default(), v);
        }
        Node::map(m, Span::default())
    }

    const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/abc";

    #[test]
    fn viewer_certificate_and_edge_functions_are_not_counted() {
        let assoc = map(vec![(
            "LambdaFunctionARN",
            s("arn:aws:lambda:us-east-1:111122223333:function:edge:3"),
        )]);
        let conf = map(vec![
            (
                "ViewerCertificate",
                map(vec![("AcmCertificateArn", s(CERT))]),
            ),
            (
                "CacheBehaviors",
                Node::seq(
                    vec![map(vec![(
                        "LambdaFunctionAssociations",
                        Node::seq(vec![assoc], Span::default()),
                    )])],
                    Span::default(),
                ),
            ),
            // Not imposed: a log bucket ARN elsewhere in the distribution.
            ("Other", s("arn:aws:sqs:us-east-1:111122223333:q")),
        ]);
        let found = regions_in(
            "AWS::CloudFront::Distribution",
            [("DistributionConfig", &conf)],
        );
        let strings: Vec<&str> = found.iter().filter_map(|(_, n)| n.as_str()).collect();
        assert_eq!(strings, ["arn:aws:sqs:us-east-1:111122223333:q"]);
    }

    #[test]
    fn only_us_east_1_and_only_the_listed_type_is_imposed() {
        let elsewhere = s("arn:aws:acm:eu-west-1:111122223333:certificate/abc");
        let found = regions_in(
            "AWS::ApiGateway::DomainName",
            [("CertificateArn", &elsewhere)],
        );
        assert_eq!(found.len(), 1);
        let cert = s(CERT);
        let found = regions_in(
            "AWS::ApiGateway::DomainName",
            [("RegionalCertificateArn", &cert)],
        );
        assert_eq!(found.len(), 1);
        assert!(regions_in("aws_api_gateway_domain_name", [("certificate_arn", &cert)]).is_empty());
        assert_eq!(
            regions_in("aws_lb_listener", [("certificate_arn", &cert)]).len(),
            1
        );
    }
}
