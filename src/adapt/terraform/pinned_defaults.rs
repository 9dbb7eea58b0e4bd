//! Defaults that changed between provider releases, judged by the release
//! the configuration pins ([`crate::terraform::pins`]). An argument left
//! unset takes the default of the release `terraform init` would install;
//! when that release is older than the change, the item gets the old
//! default as its value, spanned at the resource's header, and its
//! `pinned_defaults` field names the field and the constraint, so a rule can
//! say where the value comes from. Without a pin (or one allowing a release
//! past the change) nothing is added and rules judge today's default.
//!
//! Plan files need none of this: a plan writes every default out.

use super::res::Res;
use super::Adapter;
use crate::parse::{Map, Node};
use crate::terraform::pins::{Pin, Version};

/// The pin of `provider` when the release it installs is older than `change`.
pub(crate) fn before<'u>(a: &Adapter<'u, '_>, provider: &str, change: Version) -> Option<&'u Pin> {
    a.unit
        .provider_pins
        .get(provider)
        .filter(|p| !p.installs_at_least(change))
}

/// The record of which fields hold a pinned release's default, each as
/// `azurerm version "=2.0.0"` spanned at the constraint.
pub(crate) struct Defaults {
    provider: &'static str,
    record: Map,
}

impl Defaults {
    pub(crate) fn new(provider: &'static str) -> Self {
        Defaults {
            provider,
            record: Map::default(),
        }
    }

    /// Record that `field` holds the default of the release `pin` allows.
    pub(crate) fn note(&mut self, field: &str, pin: &Pin) {
        self.record.insert(
            field,
            pin.span,
            Node::string(
                format!("{} version \"{}\"", self.provider, pin.constraint),
                pin.span,
            ),
        );
    }

    /// The `pinned_defaults` field: none when no default came from a pin.
    pub(crate) fn field(self, r: &Res<'_>) -> Option<Node> {
        (!self.record.is_empty()).then(|| Node::map(self.record, r.span))
    }
}

/// azurerm 3.0 raised a storage account's default `min_tls_version` from
/// `TLS1_0` to `TLS1_2`.
pub(crate) const AZURERM_STORAGE_TLS_1_2: Version = (3, 0, 0);
/// azurerm 2.0 made `enable_https_traffic_only` default to `true` (it was `false`).
pub(crate) const AZURERM_STORAGE_HTTPS_ONLY: Version = (2, 0, 0);
/// azurerm 2.19.0 added `allow_blob_public_access`, defaulting to `true`;
/// 2.20.0 turned the default to `false`; 3.0 renamed it
/// `allow_nested_items_to_be_public`, defaulting to `true` again.
pub(crate) const AZURERM_BLOB_PUBLIC_ADDED: Version = (2, 19, 0);
pub(crate) const AZURERM_BLOB_PUBLIC_FALSE: Version = (2, 20, 0);
pub(crate) const AZURERM_BLOB_PUBLIC_RENAMED: Version = (3, 0, 0);
