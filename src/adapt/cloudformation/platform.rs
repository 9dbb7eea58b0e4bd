//! The platform around Lambda functions in CloudFormation/SAM: what a
//! function's code must be signed by (`AWS::Lambda::CodeSigningConfig` and
//! the function's `CodeSigningConfigArn`), the layers it loads and the ECR
//! repositories images come from. The
//! function's own fields are completions of the item `resources`/`sam`
//! build, so this family stays in one file.

use super::boolean;
use super::{Adapter, Res};
use crate::model::collections::{update, CodeSigningConfig, EfsAccessPoint, Repository};
use crate::parse::{Node, Value};

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => {
            if let Some(v) = a.link_or_value(r.get("CodeSigningConfigArn")) {
                a.updates
                    .push(update!(Function, r.id, code_signing_config, v));
            }
            if let Some(l) = r.get("Layers") {
                let v = linked_list(a, l);
                a.updates.push(update!(Function, r.id, layers, v));
            }
        }
        "AWS::Lambda::CodeSigningConfig" => {
            let mut c = CodeSigningConfig::new(r.head());
            c.allowed_publishers = r
                .path(&["AllowedPublishers", "SigningProfileVersionArns"])
                .cloned();
            c.untrusted_artifact_on_deployment = r
                .path(&["CodeSigningPolicies", "UntrustedArtifactOnDeployment"])
                .cloned();
            a.model.add(c);
        }
        // Its `RepositoryPolicyText` is read with the other resource policies.
        "AWS::ECR::Repository" => {
            let mut repo = Repository::new(r.head());
            repo.repository_name = r.get("RepositoryName").cloned();
            repo.scan_on_push = boolean(r.path(&["ImageScanningConfiguration", "ScanOnPush"]));
            repo.image_tag_mutability = r.get("ImageTagMutability").cloned();
            a.model.add(repo);
        }
        "AWS::EFS::AccessPoint" => {
            let mut ap = EfsAccessPoint::new(r.head());
            ap.file_system = a.link_or_value(r.get("FileSystemId"));
            ap.posix_user = r.get("PosixUser").cloned();
            ap.root_directory = r.path(&["RootDirectory", "Path"]).cloned();
            a.model.add(ap);
        }
        _ => {}
    }
}

/// A list whose entries that name a resource of the template become its
/// logical id (a layer the template publishes); the rest stay as written.
fn linked_list(a: &Adapter<'_, '_>, list: &Node) -> Node {
    match &list.value {
        Value::Seq(items) => Node::seq(
            items
                .iter()
                .map(|i| a.link(Some(i)).unwrap_or_else(|| i.clone()))
                .collect(),
            list.span,
        ),
        _ => list.clone(),
    }
}
