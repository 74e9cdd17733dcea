//! The Store boundary.
