//! placeholder, filled by this crate's authors
