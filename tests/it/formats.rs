//! Terraform, serverless and lockfiles end to end through the binary: values
//! that come through variables are found where they are written and say how
//! they got there; command-line inputs; remote modules; `${env:}` stays
//! unresolved unless asked; lockfiles are tied to the functions shipping them.

use crate::common::{findings_of, json_run};

fn rule<'a>(
    findings: &'a [(String, String, u64, String)],
    id: &str,
) -> Vec<&'a (String, String, u64, String)> {
    findings.iter().filter(|f| f.0 == id).collect()
}

#[test]
fn a_value_from_tfvars_is_reported_where_it_is_written_and_says_through_which_variable() {
    let (code, report) = json_run(
        &["scan", "fixtures/terraform/vars", "--format", "json"],
        &[],
    );
    assert_eq!(code, Some(1));
    let findings = findings_of(&report);
    let tmo = rule(&findings, "FG-TMO-001");
    assert_eq!(tmo.len(), 1, "{findings:?}");
    assert_eq!(tmo[0].1, "fixtures/terraform/vars/terraform.tfvars");
    assert_eq!(tmo[0].2, 1);
    assert!(
        tmo[0]
            .3
            .ends_with("(through var.timeout, used at main.tf:15)"),
        "{}",
        tmo[0].3
    );
    // The runtime default (python3.12) is fine; no residency without a setting.
    assert!(rule(&findings, "FG-RUN-001").is_empty());
    assert!(rule(&findings, "FG-RES-001").is_empty());
}

#[test]
fn var_file_and_var_flags_override_in_terraform_order() {
    let (_, report) = json_run(
        &[
            "scan",
            "fixtures/terraform/vars",
            "--var-file",
            "fixtures/terraform/vars/prod.tfvars",
            "--var",
            "region=us-east-1",
            "--var",
            "timeout=60",
            "--allowed-regions",
            "eu",
            "--format",
            "json",
        ],
        &[],
    );
    let findings = findings_of(&report);
    let run = rule(&findings, "FG-RUN-001");
    assert_eq!(run.len(), 1, "{findings:?}");
    assert_eq!(
        (run[0].1.as_str(), run[0].2),
        ("fixtures/terraform/vars/prod.tfvars", 1)
    );
    assert!(run[0].3.contains("python3.7"), "{}", run[0].3);
    // --var wins over terraform.tfvars: 60 s is within limits.
    assert!(rule(&findings, "FG-TMO-001").is_empty(), "{findings:?}");
    let res = rule(&findings, "FG-RES-001");
    assert_eq!(res.len(), 1, "{findings:?}");
    assert!(res[0].3.contains("us-east-1"), "{}", res[0].3);
    assert_eq!(report["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn remote_modules_are_noted_once_each_and_never_fetched() {
    let (code, report) = json_run(
        &["scan", "fixtures/terraform/remote", "--format", "json"],
        &[],
    );
    assert_eq!(code, Some(0));
    let notes: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].contains("terraform-aws-modules/vpc/aws") && notes[0].contains("not downloaded")
    );
    assert!(notes[1].contains("git::https://example.com/modules.git"));
}

#[test]
fn a_local_module_finding_points_at_the_argument_passed_to_it() {
    let (_, report) = json_run(
        &[
            "scan",
            "fixtures/rules/FG-TMO-001/fail-module",
            "--format",
            "json",
        ],
        &[],
    );
    let findings = findings_of(&report);
    let tmo = rule(&findings, "FG-TMO-001");
    assert_eq!(tmo.len(), 1, "{findings:?}");
    assert_eq!(
        (tmo[0].1.as_str(), tmo[0].2),
        ("fixtures/rules/FG-TMO-001/fail-module/main.tf", 4)
    );
    // The module directory is scanned through its call, not again alone.
    assert_eq!(report["summary"]["files_scanned"].as_u64(), Some(2));
}

#[test]
fn serverless_self_references_point_at_the_custom_value() {
    let (_, report) = json_run(
        &["scan", "fixtures/serverless/vars", "--format", "json"],
        &[],
    );
    let findings = findings_of(&report);
    let tmo = rule(&findings, "FG-TMO-001");
    assert_eq!(tmo.len(), 1, "{findings:?}");
    assert_eq!(tmo[0].2, 5, "custom.timeout is written on line 5");
    assert!(
        tmo[0].3.contains("through ${self:custom.timeout}"),
        "{}",
        tmo[0].3
    );
}

#[test]
fn env_variables_stay_unknown_unless_resolve_env_is_given() {
    let key = "sk_live_4eC39HqLyjWDarjtT1zdp7dcRb";
    let env = [("STRIPE_KEY", key), ("DEPLOY_REGION", "us-east-1")];
    let args = [
        "scan",
        "fixtures/serverless/vars",
        "--allowed-regions",
        "eu",
        "--format",
        "json",
    ];
    let (_, plain) = json_run(&args, &env);
    // Unresolved, the region is unknown (not the fallback, not the variable).
    assert!(rule(&findings_of(&plain), "FG-RES-001").is_empty());
    assert!(!plain.to_string().contains(key));
    let mut resolving = args.to_vec();
    resolving.push("--resolve-env");
    let (_, resolved) = json_run(&resolving, &env);
    let findings = findings_of(&resolved);
    let res = rule(&findings, "FG-RES-001");
    assert_eq!(res.len(), 1, "{findings:?}");
    assert!(res[0].3.contains("us-east-1"), "{}", res[0].3);
    // The resolved secret reaches the model, never the report.
    assert!(!resolved.to_string().contains(key));
}

#[test]
fn a_lockfile_in_an_archive_files_source_dir_is_tied_to_the_terraform_function() {
    let (_, report) = json_run(
        &[
            "scan",
            "fixtures/deps-terraform",
            "--advisory-db",
            "fixtures/deps/advisory-db",
            "--format",
            "json",
        ],
        &[],
    );
    let deps: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "FG-DEP-001")
        .collect();
    assert_eq!(deps.len(), 1, "{report:#}");
    assert_eq!(
        deps[0]["file"],
        "fixtures/deps-terraform/src/requirements.txt"
    );
    assert_eq!(deps[0]["start"]["line"], 1);
    assert_eq!(
        deps[0]["dependency"]["functions"],
        serde_json::json!(["aws_lambda_function.worker"])
    );
}

/// Go: a module version go.mod requires is one finding, at its go.mod line,
/// not another at its go.sum hash lines; Go versions keep their `v`.
#[test]
fn go_modules_are_reported_once_at_go_mod() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = dir.path().join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("go.mod"),
        "module example.com/app\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/text v0.3.5\n\tgithub.com/aws/aws-lambda-go v1.41.0\n)\n",
    )
    .unwrap();
    std::fs::write(
        app.join("go.sum"),
        "github.com/aws/aws-lambda-go v1.41.0 h1:l/5fyVb6Ud9uYd411xdHZzSf2n86TakxzpvIoz7l+3Y=\n\
github.com/aws/aws-lambda-go v1.41.0/go.mod h1:jwFe2KmMsHmffA1X2R09hH6lFzJQxzI8qK17ewzbQMM=\n\
golang.org/x/text v0.3.5 h1:i6eZZ+zk0SOf0xgBpEpPD18qWcJda6q1sxt3S0kzyUQ=\n\
golang.org/x/text v0.3.5/go.mod h1:5Zoc/QRtKVWzQhOtBMvqHzDpF6irO9z98xDceosuGiQ=\n",
    )
    .unwrap();
    let db = dir.path().join("db");
    std::fs::create_dir_all(&db).unwrap();
    std::fs::write(
        db.join("GO-2021-0113.json"),
        serde_json::json!({
            "id": "GO-2021-0113",
            "aliases": ["CVE-2021-38561"],
            "summary": "Out-of-bounds read in golang.org/x/text/language",
            "modified": "2024-05-20T16:03:47Z",
            "affected": [{
                "package": {"name": "golang.org/x/text", "ecosystem": "Go"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.3.7"}]}]
            }]
        })
        .to_string(),
    )
    .unwrap();
    let (code, report) = json_run(
        &[
            "scan",
            app.to_str().unwrap(),
            "--advisory-db",
            db.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code, Some(1));
    let deps: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "FG-DEP-001")
        .collect();
    assert_eq!(deps.len(), 1, "{report:#}");
    assert!(deps[0]["file"].as_str().unwrap().ends_with("go.mod"));
    assert_eq!(deps[0]["start"]["line"], 6);
    assert_eq!(deps[0]["dependency"]["fixed"][0], "0.3.7");
    assert_eq!(deps[0]["dependency"]["version"], "v0.3.5");
}
