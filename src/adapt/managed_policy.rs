//! AWS managed policies (being written).
