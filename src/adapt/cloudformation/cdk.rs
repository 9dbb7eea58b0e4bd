//! What AWS CDK output (`cdk.out`) adds to a template: the construct path of
//! each resource (`Metadata."aws:cdk:path"`), the asset folder a resource's
//! code or template comes from (`Metadata."aws:asset:path"`), and nested
//! stacks whose template is a local file (CDK's `*.nested.template.json`
//! assets, or a relative `TemplateURL` as `aws cloudformation package` takes).
//!
//! Nothing here reads files or the network: the scan follows the nested
//! stacks this module names.

use crate::parse::{Map, Node};
use crate::source::Span;

/// Logical id → construct path, for the resources that carry one.
pub(crate) fn construct_paths(resources: &Map) -> Vec<(String, String)> {
    resources
        .entries
        .iter()
        .filter_map(|e| {
            let path = e.value.get_path(&["Metadata", "aws:cdk:path"])?.as_str()?;
            Some((e.key.as_str().to_owned(), path.to_string()))
        })
        .collect()
}

/// The local asset a resource's `property` is staged from (`asset.<hash>`,
/// relative to the template), as the string node written in its metadata.
pub(crate) fn asset_path<'a>(def: &'a Node, property: &str) -> Option<&'a Node> {
    let meta = def.get("Metadata")?;
    let path = meta.get("aws:asset:path")?;
    // Without `aws:asset:property` the asset is the resource's code (older CDK).
    let named = meta
        .get("aws:asset:property")
        .and_then(Node::as_str)
        .is_none_or(|p| p == property);
    (named && is_local(path.as_str()?)).then_some(path)
}

/// A nested stack whose template is a local file.
#[derive(Debug, Clone, PartialEq)]
pub struct NestedStack {
    /// The `AWS::CloudFormation::Stack` resource's logical id.
    pub resource: String,
    /// Its key in the parent template.
    pub span: Span,
    /// The child template, relative to the parent template's directory.
    pub template: String,
}

/// The nested stacks of a template that name a local template file.
pub fn nested_stacks(doc: &Node) -> Vec<NestedStack> {
    let Some(resources) = doc.get("Resources").and_then(Node::as_map) else {
        return Vec::new();
    };
    resources
        .entries
        .iter()
        .filter(|e| {
            e.value.get("Type").and_then(Node::as_str) == Some("AWS::CloudFormation::Stack")
        })
        .filter_map(|e| {
            let url = e.value.get_path(&["Properties", "TemplateURL"]);
            let local = asset_path(&e.value, "TemplateURL")
                .or(url)
                .and_then(Node::as_str)
                .filter(|t| is_local(t))?;
            Some(NestedStack {
                resource: e.key.as_str().to_owned(),
                span: e.key_span,
                template: local.to_string(),
            })
        })
        .collect()
}

/// A relative local path: not a URL, not an S3 location, not absolute (a
/// template never names a file outside its own tree).
fn is_local(path: &str) -> bool {
    !path.is_empty()
        && !path.contains("://")
        && !path.starts_with("s3:")
        && !path.starts_with('/')
        && !path.starts_with('\\')
        && !path.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::json;
    use crate::source::FileId;

    const STACK: &str = r#"{
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Metadata": {"aws:cdk:path": "Orders/Fn/Resource", "aws:asset:path": "asset.abc", "aws:asset:property": "Code"}
    },
    "Child": {
      "Type": "AWS::CloudFormation::Stack",
      "Properties": {"TemplateURL": {"Fn::Join": ["", ["https://s3.", "x/abc.json"]]}},
      "Metadata": {"aws:asset:path": "OrdersChild.nested.template.json", "aws:asset:property": "TemplateURL"}
    },
    "Packaged": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "nested/db.yaml"}},
    "Remote": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "https://s3.amazonaws.com/b/t.yaml"}},
    "Outside": {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "/etc/t.yaml"}}
  }
}"#;

    #[test]
    fn construct_paths_assets_and_nested_stacks() {
        let doc = json::parse(STACK, FileId(0)).unwrap();
        let resources = doc.get("Resources").and_then(Node::as_map).unwrap();
        assert_eq!(
            construct_paths(resources),
            [("Fn".to_string(), "Orders/Fn/Resource".to_string())]
        );
        let f = resources.get("Fn").unwrap();
        assert_eq!(
            asset_path(f, "Code").and_then(Node::as_str),
            Some("asset.abc")
        );
        assert_eq!(asset_path(f, "Layer"), None);
        let nested: Vec<(String, String)> = nested_stacks(&doc)
            .into_iter()
            .map(|n| (n.resource, n.template))
            .collect();
        assert_eq!(
            nested,
            [
                (
                    "Child".to_string(),
                    "OrdersChild.nested.template.json".to_string()
                ),
                ("Packaged".to_string(), "nested/db.yaml".to_string()),
            ]
        );
    }
}
