//! Application services below the HTTP layer: no HTTP, SQL or JSON wire types, nothing async.

pub mod jobs;
pub mod telemetry;
