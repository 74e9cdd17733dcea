//! The one spelling of times in stored text: RFC 3339 in UTC, to the whole second, with a `Z`.
//!
//! Stored times are compared as text in queries (expiries against now, evidence against the
//! start of a window), which is only right when every time is spelled the same way: a fraction
//! of a second would sort `…:05.5Z` before `…:05Z`.

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::StoreError;

/// `time` as stored.
pub(crate) fn format(time: OffsetDateTime) -> String {
    let whole = time
        .to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(time);
    whole
        .format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// A stored time read back; `what` names the column for the error.
pub(crate) fn parse(text: &str, what: &str) -> Result<OffsetDateTime, StoreError> {
    OffsetDateTime::parse(text, &Rfc3339)
        .map_err(|err| StoreError::Corrupt(format!("{what} {text:?} is not a time: {err}")))
}

/// Now, as stored.
pub(crate) fn now() -> String {
    format(OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_spelled_to_the_second_in_utc_and_read_back() {
        let time = OffsetDateTime::parse("2026-12-02T20:15:07.75+08:00", &Rfc3339).unwrap();
        let text = format(time);
        assert_eq!(text, "2026-12-02T12:15:07Z");
        assert_eq!(
            parse(&text, "t").unwrap(),
            time.replace_nanosecond(0).unwrap()
        );
        assert!(parse("yesterday", "t").is_err());
    }
}
