//! Google Cloud in Terraform: Cloud Functions (1st and 2nd gen) and Cloud
//! Run services (v1 and v2) as functions, and their IAM members and bindings
//! that grant the invoker role to `allUsers`/`allAuthenticatedUsers` as
//! function URLs without auth (when the service's ingress admits the
//! internet). A function's VPC connector and egress setting are read for
//! FG-NET-016, a 1st-gen HTTP trigger's security level for FG-ENC-021.

use super::res::{blocks_of, first, num, present, seconds, text, walk};
use super::{Adapter, Res};
use crate::model::collections::{Function, FunctionUrl};
use crate::model::map_of;
use crate::parse::{Map, Node};

const FUNCTIONS: &[&str] = &[
    "google_cloudfunctions_function",
    "google_cloudfunctions2_function",
    "google_cloud_run_service",
    "google_cloud_run_v2_service",
];

/// IAM resources that grant a role on a function or service, with the
/// argument naming it.
const IAM: &[(&str, &str)] = &[
    (
        "google_cloudfunctions_function_iam_member",
        "cloud_function",
    ),
    (
        "google_cloudfunctions_function_iam_binding",
        "cloud_function",
    ),
    (
        "google_cloudfunctions2_function_iam_member",
        "cloud_function",
    ),
    (
        "google_cloudfunctions2_function_iam_binding",
        "cloud_function",
    ),
    ("google_cloud_run_service_iam_member", "service"),
    ("google_cloud_run_service_iam_binding", "service"),
    ("google_cloud_run_v2_service_iam_member", "name"),
    ("google_cloud_run_v2_service_iam_binding", "name"),
];

const INVOKERS: &[&str] = &["roles/cloudfunctions.invoker", "roles/run.invoker"];
const EVERYONE: &[&str] = &["allUsers", "allAuthenticatedUsers"];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    match r.type_ {
        "google_cloudfunctions_function" => {
            let mut f = Function::new(r.head());
            f.runtime = text(r.get("runtime")).cloned();
            f.handler = text(r.get("entry_point")).cloned();
            f.timeout = num(r.get("timeout"));
            f.memory_size = num(r.get("available_memory_mb"));
            f.environment = r.get("environment_variables").cloned();
            f.kms_key = text(r.get("kms_key_name")).cloned();
            f.role = text(r.get("service_account_email")).cloned();
            f.ingress = text(r.get("ingress_settings")).cloned();
            f.vpc_connector = text(r.get("vpc_connector")).cloned();
            f.vpc_egress = text(r.get("vpc_connector_egress_settings")).cloned();
            f.events = events(r.path(&["event_trigger", "event_type"]));
            if r.get("trigger_http").and_then(Node::as_bool) == Some(true) {
                f.https_only = Some(https_only(r));
            }
            a.model.add(f);
        }
        "google_cloudfunctions2_function" => {
            let mut f = Function::new(r.head());
            f.runtime = text(r.path(&["build_config", "runtime"])).cloned();
            f.handler = text(r.path(&["build_config", "entry_point"])).cloned();
            let service = |k: &str| r.path(&["service_config", k]);
            f.timeout = num(service("timeout_seconds"));
            f.memory_size = megabytes(service("available_memory"));
            f.environment = service("environment_variables").cloned();
            f.kms_key = text(r.get("kms_key_name")).cloned();
            f.role = text(service("service_account_email")).cloned();
            f.ingress = text(service("ingress_settings")).cloned();
            f.vpc_connector = text(service("vpc_connector")).cloned();
            f.vpc_egress = text(service("vpc_connector_egress_settings")).cloned();
            f.events = events(r.path(&["event_trigger", "event_type"]));
            a.model.add(f);
        }
        "google_cloud_run_service" => {
            let mut f = Function::new(r.head());
            let spec = r.path(&["template", "spec"]);
            let container = spec.and_then(|s| walk(s, &["containers"])).and_then(first);
            f.package_type = Some(Node::string("Image", r.span));
            f.timeout = num(spec.and_then(|s| walk(s, &["timeout_seconds"])));
            f.environment = container.and_then(|c| env(c.get("env")));
            f.code_uri = container.and_then(|c| walk(c, &["image"])).cloned();
            f.role = spec
                .and_then(|s| text(walk(s, &["service_account_name"])))
                .cloned();
            let annotation = |path: &[&str], key: &str| {
                r.path(path)
                    .and_then(|m| walk(m, &["annotations"]))
                    .and_then(|m| present(m.get(key)))
                    .cloned()
            };
            f.ingress = annotation(&["metadata"], "run.googleapis.com/ingress");
            f.kms_key = annotation(
                &["template", "metadata"],
                "run.googleapis.com/encryption-key",
            );
            f.vpc_connector = annotation(
                &["template", "metadata"],
                "run.googleapis.com/vpc-access-connector",
            );
            f.vpc_egress = annotation(
                &["template", "metadata"],
                "run.googleapis.com/vpc-access-egress",
            );
            a.model.add(f);
        }
        "google_cloud_run_v2_service" => {
            let mut f = Function::new(r.head());
            let template = r.path(&["template"]);
            let container = template
                .and_then(|t| walk(t, &["containers"]))
                .and_then(first);
            f.package_type = Some(Node::string("Image", r.span));
            f.timeout = seconds(template.and_then(|t| walk(t, &["timeout"])));
            f.environment = container.and_then(|c| env(c.get("env")));
            f.code_uri = container.and_then(|c| walk(c, &["image"])).cloned();
            f.role = template
                .and_then(|t| text(walk(t, &["service_account"])))
                .cloned();
            f.kms_key = template
                .and_then(|t| text(walk(t, &["encryption_key"])))
                .cloned();
            f.ingress = text(r.get("ingress")).cloned();
            // A Serverless VPC Access connector, or Direct VPC egress
            // (network interfaces): either way egress can go through the VPC.
            let vpc = template.and_then(|t| walk(t, &["vpc_access"]));
            f.vpc_connector = vpc.and_then(|v| {
                text(walk(v, &["connector"]))
                    .or_else(|| walk(v, &["network_interfaces"]))
                    .cloned()
            });
            f.vpc_egress = vpc.and_then(|v| text(walk(v, &["egress"]))).cloned();
            a.model.add(f);
        }
        t => {
            if let Some((_, arg)) = IAM.iter().find(|(x, _)| *x == t) {
                invoker(a, r, arg);
            }
        }
    }
}

/// Whether a 1st-gen function's HTTP trigger refuses plain HTTP: only with
/// `https_trigger_security_level = "SECURE_ALWAYS"` (HTTP is redirected); the
/// API's default, `SECURE_OPTIONAL`, answers both (FG-ENC-021). An unset
/// level is `false` at the resource; an unknown one stays unknown.
fn https_only(r: &Res<'_>) -> Node {
    match text(r.get("https_trigger_security_level")) {
        Some(level) => match level.as_str() {
            Some(s) => Node::bool(s.eq_ignore_ascii_case("SECURE_ALWAYS"), level.span),
            None => level.clone(),
        },
        None => Node::bool(false, r.span),
    }
}

/// `[{name, value}]` container variables as a map (secret references,
/// `value_source`, hold no value and are left out).
fn env(list: Option<&Node>) -> Option<Node> {
    let list = present(list)?;
    let mut m = Map::default();
    for e in blocks_of(Some(list)) {
        let (Some(name), Some(value)) = (e.get("name"), present(e.get("value"))) else {
            continue;
        };
        if let Some(n) = name.as_str() {
            m.insert(n, name.span, value.clone());
        }
    }
    Some(Node::map(m, list.span))
}

fn events(event_type: Option<&Node>) -> Option<Node> {
    let t = text(event_type)?;
    let e = map_of(
        vec![
            ("name", Node::string("event_trigger", t.span)),
            ("type", t.clone()),
        ],
        t.span,
    );
    Some(Node::seq(vec![e], t.span))
}

/// `256M`, `1Gi`, `512Mi` → MB.
fn megabytes(n: Option<&Node>) -> Option<Node> {
    let n = n?;
    let Some(s) = n.as_str() else {
        return Some(n.clone());
    };
    let s = s.trim();
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    let unit = s.get(digits.len()..).unwrap_or("");
    let v: i64 = digits.parse().ok()?;
    let mb = match unit {
        "M" | "Mi" | "" => v,
        "G" | "Gi" => v.checked_mul(1024)?,
        _ => return Some(n.clone()),
    };
    Some(Node::number(mb, n.span))
}

/// An invoker role granted to everyone: a function URL without auth.
fn invoker(a: &mut Adapter<'_, '_>, r: &Res<'_>, arg: &str) {
    let role = r.get("role").and_then(Node::as_str);
    if !role.is_some_and(|x| INVOKERS.contains(&x)) {
        return;
    }
    let members: Vec<&Node> = match r.get("members") {
        Some(list) => blocks_of(Some(list)).iter().collect(),
        None => r.get("member").into_iter().collect(),
    };
    let Some(public) = members
        .into_iter()
        .find(|m| m.as_str().is_some_and(|s| EVERYONE.contains(&s)))
    else {
        return;
    };
    let mut u = FunctionUrl::new(r.head());
    u.function = a.link_arg(r, arg, FUNCTIONS);
    u.auth_type = Some(Node::string("NONE", public.span));
    u.member = Some(public.clone());
    a.model.add(u);
}

/// Ingress settings that keep the internet out.
fn internal_only(ingress: &str) -> bool {
    let i = ingress.to_ascii_lowercase();
    i.contains("internal")
}

/// A service whose ingress is internal-only is not public even with
/// `allUsers` as invoker.
pub(crate) fn finish(a: &mut Adapter<'_, '_>) {
    let internal: Vec<String> = a
        .model
        .items("functions")
        .iter()
        .filter(|f| {
            f.get("ingress")
                .and_then(Node::as_str)
                .is_some_and(internal_only)
        })
        .filter_map(|f| crate::model::item_id(f).map(str::to_string))
        .collect();
    a.model.items_mut("function_urls").retain(|u| {
        let f = u.get("function").and_then(Node::as_str);
        !f.is_some_and(|f| internal.iter().any(|i| i == f))
    });
}
