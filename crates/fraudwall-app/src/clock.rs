//! Times as the use cases spell them where text is compared (list expiries).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// A Unix time as RFC 3339, UTC, whole seconds.
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}
