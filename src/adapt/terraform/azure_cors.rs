//! Azure Function App CORS in Terraform (`site_config.cors`): the origins a
//! browser may call the app from, as the function's `cors`
//! (`{allowed_origins, support_credentials}`).

use super::res::{present, walk};
use super::{Adapter, Res};
use crate::adapt::iam;
use crate::model::collections::update;
use crate::model::map_of;

const APPS: &[&str] = &[
    "azurerm_function_app",
    "azurerm_function_app_slot",
    "azurerm_linux_function_app",
    "azurerm_windows_function_app",
    "azurerm_linux_function_app_slot",
    "azurerm_windows_function_app_slot",
];

pub(crate) fn adapt(a: &mut Adapter<'_, '_>, r: &Res<'_>) {
    if !APPS.contains(&r.type_) {
        return;
    }
    let Some(cors) = r.path(&["site_config", "cors"]) else {
        return;
    };
    let cors = super::res::first(cors).unwrap_or(cors);
    let value = if cors.is_unknown() {
        cors.clone()
    } else {
        let mut fields = Vec::new();
        if let Some(o) = present(walk(cors, &["allowed_origins"])) {
            fields.push(("allowed_origins", iam::as_array(o)));
        }
        if let Some(c) = present(walk(cors, &["support_credentials"])) {
            fields.push(("support_credentials", c.clone()));
        }
        map_of(fields, cors.span)
    };
    a.updates.push(update!(Function, r.id, cors, value));
}
