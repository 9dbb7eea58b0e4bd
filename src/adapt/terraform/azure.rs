//! Azure in Terraform (`azurerm`): function apps (Linux, Windows, the legacy
//! `azurerm_function_app`, and slots) as functions, their anonymous HTTP
//! functions (`azurerm_function_app_function` with `authLevel: anonymous`)
//! as function URLs without auth, and the TLS minimum of apps and storage
//! accounts as the `security_policy` of a domain item. Storage accounts,
//! Key Vaults and data services are [`super::azure_data`]'s.

use super::aws_iam::document;
use super::pinned_defaults::{self, Defaults, AZURERM_STORAGE_TLS_1_2};
use super::res::{boolean, first, present, text, walk};
use super::{Adapter, Res};
use crate::model::collections::{Domain, Function, FunctionUrl};
use crate::model::Model;
use crate::parse::{Node, Value};

const APPS: &[&str] = &[
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
    "azurerm_function_app",
    "azurerm_function_app_slot",
    "azurerm_linux_function_app_slot",
    "azurerm_windows_function_app_slot",
];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    super::azure_data::adapt(a, r);
    match r.type_ {
        t if APPS.contains(&t) => function_app(a, r),
        "azurerm_function_app_function" => http_function(a, r),
        "azurerm_storage_account" => {
            let mut tls = text(r.get("min_tls_version")).map(tls_policy);
            let mut pinned = Defaults::new("azurerm");
            if tls.is_none() {
                if let Some(pin) = pinned_defaults::before(a, "azurerm", AZURERM_STORAGE_TLS_1_2) {
                    tls = Some(Node::string("TLS_1_0", r.span));
                    pinned.note("security_policy", pin);
                }
            }
            let mut d = domain(r, "azure_storage", tls);
            d.pinned_defaults = pinned.field(r);
            a.model.add(d);
        }
        "azurerm_servicebus_namespace" | "azurerm_eventhub_namespace" => {
            let kind = match r.type_ {
                "azurerm_servicebus_namespace" => "azure_servicebus",
                _ => "azure_eventhub",
            };
            let tls = text(r.get("minimum_tls_version")).map(tls_policy);
            a.model.add(domain(r, kind, tls));
        }
        "azurerm_api_management" => {
            a.model
                .add(domain(r, "azure_api_management", frontend_protocols(r)));
        }
        _ => {}
    }
}

/// `site_config.application_stack` as a runtime id in Azure's
/// `linuxFxVersion` form, lower-cased: `python|3.11`, `node|20`,
/// `dotnet-isolated|8.0`, `java|17`, `powershell|7.4`.
fn runtime(r: &Res<'_>) -> Option<Node> {
    if let Some(fx) = text(r.path(&["site_config", "linux_fx_version"])) {
        if let Some(s) = fx.as_str() {
            return Some(Node::string(s.to_ascii_lowercase(), fx.span));
        }
    }
    let stack = r.path(&["site_config", "application_stack"])?;
    let isolated =
        walk(stack, &["use_dotnet_isolated_runtime"]).and_then(Node::as_bool) == Some(true);
    for (key, name) in [
        ("python_version", "python"),
        ("node_version", "node"),
        (
            "dotnet_version",
            if isolated {
                "dotnet-isolated"
            } else {
                "dotnet"
            },
        ),
        ("java_version", "java"),
        ("powershell_core_version", "powershell"),
    ] {
        let Some(v) = text(walk(stack, &[key])) else {
            continue;
        };
        let Some(s) = v.as_str() else {
            return Some(v.clone());
        };
        // Windows apps write `~20` and `v8.0`.
        let version = s.trim_start_matches(['~', 'v']);
        return Some(Node::string(format!("{name}|{version}"), v.span));
    }
    None
}

fn function_app(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let mut f = Function::new(r.head());
    f.runtime = runtime(r);
    f.environment = r
        .get("app_settings")
        .filter(|n| !matches!(n.value, Value::Seq(_)))
        .cloned();
    f.public_network_access = present(r.get("public_network_access_enabled")).cloned();
    f.https_only = boolean(present(r.get("https_only")));
    f.ftps_state = text(r.path(&["site_config", "ftps_state"])).cloned();
    f.remote_debugging = boolean(r.path(&["site_config", "remote_debugging_enabled"]));
    f.identity = super::azure_data::identity(r);
    a.model.add(f);
    // The legacy `azurerm_function_app` (and its slot) writes `min_tls_version`.
    let tls = text(r.path(&["site_config", "minimum_tls_version"]))
        .or_else(|| text(r.path(&["site_config", "min_tls_version"])))
        .map(tls_policy);
    a.model.add(domain(r, "azure_function_app", tls));
}

/// `1.0`, `TLS1_0` → `TLS_1_0` (the API Gateway spelling rules compare with).
fn tls_policy(n: &Node) -> Node {
    match n.as_str() {
        Some(s) => {
            let v = s
                .trim_start_matches("TLS")
                .trim_start_matches('_')
                .replace(['.', '_'], "_");
            Node::string(format!("TLS_{v}"), n.span)
        }
        None => n.clone(),
    }
}

/// The oldest protocol an API Management service accepts from clients, from
/// its `security` block (azurerm 4 names, then 3's): `SSL_3_0`, `TLS_1_0` or
/// `TLS_1_1` spanned at the flag that enables it; none when all are off (the
/// default); an unknown flag or block stays unknown. Back-end protocols (the
/// service as a client) are not read.
fn frontend_protocols(r: &Res<'_>) -> Option<Node> {
    let security = present(r.get("security"))?;
    if security.is_unknown() {
        return Some(security.clone());
    }
    let security = first(security)?;
    let flags = [
        (
            "SSL_3_0",
            ["frontend_ssl30_enabled", "enable_frontend_ssl30"],
        ),
        (
            "TLS_1_0",
            ["frontend_tls10_enabled", "enable_frontend_tls10"],
        ),
        (
            "TLS_1_1",
            ["frontend_tls11_enabled", "enable_frontend_tls11"],
        ),
    ];
    for (policy, names) in flags {
        for name in names {
            let Some(v) = present(security.get(name)) else {
                continue;
            };
            if v.is_unknown() {
                return Some(v.clone());
            }
            if v.as_bool() == Some(true) {
                return Some(Node::string(policy, v.span));
            }
        }
    }
    None
}

fn domain(r: &Res<'_>, kind: &str, tls: Option<Node>) -> Domain {
    let mut d = Domain::new(r.head());
    d.kind = Some(Node::string(kind, r.span));
    d.domain_name = text(r.get("name")).cloned();
    d.security_policy = tls;
    d
}

/// An HTTP-triggered function whose `authLevel` is `anonymous` needs no key:
/// anyone who reaches the app can call it, unless App Service authentication
/// is required or public network access is off.
fn http_function(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    let Some(config) = r.get("config_json") else {
        return;
    };
    let Some(doc) = document(a, config) else {
        return;
    };
    let bindings = doc.get("bindings").and_then(Node::as_seq).unwrap_or(&[]);
    let Some(http) = bindings
        .iter()
        .find(|b| b.get("type").and_then(Node::as_str) == Some("httpTrigger"))
    else {
        return;
    };
    let app = a.link(r, "function_app_id", r.get("function_app_id"), APPS);
    if let Some(app) = app.as_ref().and_then(Node::as_str) {
        if app_is_protected(a, app) {
            return;
        }
    }
    let level = http
        .get("authLevel")
        .and_then(Node::as_str)
        .unwrap_or("function");
    let at = http.get("authLevel").map_or(config.span, |n| n.span);
    let mut u = FunctionUrl::new(r.head());
    u.function = app;
    let auth = if level.eq_ignore_ascii_case("anonymous") {
        "NONE"
    } else {
        "FUNCTION_KEY"
    };
    u.auth_type = Some(Node::string(auth, at));
    a.model.add(u);
}

/// App Service authentication required, or no public network access.
fn app_is_protected(a: &Adapter<'_, '_>, app: &str) -> bool {
    let Some(x) = a.unit.resources.iter().find(|x| x.address == app) else {
        return false;
    };
    let v = &x.values;
    let on = |p: &[&str]| walk(v, p).and_then(Node::as_bool) == Some(true);
    on(&["auth_settings_v2", "require_authentication"])
        || on(&["auth_settings", "enabled"])
        || walk(v, &["public_network_access_enabled"]).and_then(Node::as_bool) == Some(false)
}

/// App settings that are Key Vault references (`@Microsoft.KeyVault(...)`)
/// hold no secret: they are not secret-like environment values.
pub(crate) fn unmark_key_vault_references(model: &mut Model) {
    let done = model.complete_all::<Function>("sensitive_environment", |f| {
        let env = f.get("environment").and_then(Node::as_map)?;
        let refs: Vec<&str> = env
            .entries
            .iter()
            .filter(|e| {
                e.value
                    .as_str()
                    .is_some_and(|s| s.trim_start().starts_with("@Microsoft.KeyVault("))
            })
            .map(|e| e.key.as_str())
            .collect();
        if refs.is_empty() {
            return None;
        }
        let names = f.get("sensitive_environment")?;
        let kept: Vec<Node> = names
            .as_seq()?
            .iter()
            .filter(|n| !n.as_str().is_some_and(|s| refs.contains(&s)))
            .cloned()
            .collect();
        Some(Node::seq(kept, names.span))
    });
    debug_assert!(done.is_ok());
}
