//! SAM policy templates (being written).
