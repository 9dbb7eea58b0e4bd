//! AppSync GraphQL APIs in Terraform (`aws_appsync_graphql_api`): how
//! callers authenticate, what the API logs to CloudWatch Logs, tracing and
//! visibility. A WAF web ACL reaches an API through an
//! `aws_wafv2_web_acl_association` (the edge adapter), whose `resource`
//! links to the API's address.

use super::res::{blocks_of, boolean, first, text, walk};
use super::{Adapter, Res};
use crate::model::collections::GraphqlApi;
use crate::model::map_of;
use crate::parse::Node;

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    if r.type_ != "aws_appsync_graphql_api" {
        return;
    }
    let mut g = GraphqlApi::new(r.head());
    g.authentication_type = text(r.get("authentication_type")).cloned();
    g.additional_authentication_types =
        r.get("additional_authentication_provider")
            .map(|providers| {
                if providers.is_unknown() {
                    return providers.clone();
                }
                let types = blocks_of(Some(providers))
                    .iter()
                    .filter_map(|p| text(walk(p, &["authentication_type"])).cloned())
                    .collect();
                Node::seq(types, providers.span)
            });
    g.log_config = r.get("log_config").map(|l| {
        let block = first(l).unwrap_or(l);
        if block.is_unknown() {
            return block.clone();
        }
        let mut fields = Vec::new();
        if let Some(v) = text(walk(block, &["field_log_level"])) {
            fields.push(("field_log_level", v.clone()));
        }
        let role = walk(block, &["cloudwatch_logs_role_arn"]);
        if let Some(v) = a.link(r, "log_config", text(role), &["aws_iam_role"]) {
            fields.push(("cloudwatch_logs_role", v));
        } else if let Some(v) = text(role) {
            fields.push(("cloudwatch_logs_role", v.clone()));
        }
        if let Some(v) = boolean(walk(block, &["exclude_verbose_content"])) {
            fields.push(("exclude_verbose_content", v));
        }
        map_of(fields, block.span)
    });
    g.xray_enabled = boolean(r.get("xray_enabled"));
    g.visibility = text(r.get("visibility")).cloned();
    a.model.add(g);
}
