//! Hard-coded secret detection (being written).
