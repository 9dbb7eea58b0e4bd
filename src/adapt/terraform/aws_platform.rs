//! The platform around Lambda functions in Terraform: what a function's code
//! must be signed by (`aws_lambda_code_signing_config` and the function's
//! `code_signing_config_arn`), the layers it loads and the ECR repositories
//! images come from. The function's own
//! fields are completions of the item `aws` builds, so this family stays in
//! one file.

use super::res::{boolean, text};
use super::{Adapter, Res};
use crate::model::collections::{update, CodeSigningConfig, EfsAccessPoint, Repository};

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "aws_lambda_function" => {
            let csc = a.link(
                r,
                "code_signing_config_arn",
                text(r.get("code_signing_config_arn")),
                &["aws_lambda_code_signing_config"],
            );
            if let Some(v) = csc.or_else(|| text(r.get("code_signing_config_arn")).cloned()) {
                a.updates
                    .push(update!(Function, r.id, code_signing_config, v));
            }
            if let Some(l) = r.get("layers") {
                a.updates.push(update!(Function, r.id, layers, l.clone()));
            }
        }
        "aws_lambda_code_signing_config" => {
            let mut c = CodeSigningConfig::new(r.head());
            c.allowed_publishers = r
                .path(&["allowed_publishers", "signing_profile_version_arns"])
                .cloned();
            c.untrusted_artifact_on_deployment =
                text(r.path(&["policies", "untrusted_artifact_on_deployment"])).cloned();
            a.model.add(c);
        }
        // Its `aws_ecr_repository_policy` is read with the other resource policies.
        "aws_ecr_repository" => {
            let name = text(r.get("name"));
            let mut head = r.head();
            // Messages name the repository as ECR does; `id` stays the address.
            if let Some((s, n)) = name.and_then(|n| Some((n.as_str()?, n))) {
                head = head.with_name(s, n.span);
            }
            let mut repo = Repository::new(head);
            repo.repository_name = name.cloned();
            repo.scan_on_push = boolean(r.path(&["image_scanning_configuration", "scan_on_push"]));
            repo.image_tag_mutability = text(r.get("image_tag_mutability")).cloned();
            a.model.add(repo);
        }
        "aws_efs_access_point" => {
            let mut ap = EfsAccessPoint::new(r.head());
            ap.file_system = a.link_arg(r, "file_system_id", &["aws_efs_file_system"]);
            ap.posix_user = r.path(&["posix_user"]).cloned();
            ap.root_directory = text(r.path(&["root_directory", "path"])).cloned();
            a.model.add(ap);
        }
        _ => {}
    }
}
