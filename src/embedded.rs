//! The built-in policies and rule data, compiled into the binary by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// A built-in data file by its path under the crate root (`rules/regions.toml`).
pub fn rule_data(path: &str) -> Option<&'static str> {
    RULE_DATA.iter().find(|(p, _)| *p == path).map(|(_, t)| *t)
}
