//! Findings carry the fix in their format's own terms (`fixes` in rule metadata).
