//! Discover stage: walks the scan paths and classifies files (being written).
