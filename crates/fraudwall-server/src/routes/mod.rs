pub mod audit;
pub mod cases;
pub mod clues;
pub mod decisions;
pub mod evidence;
pub mod funds;
pub mod jobs;
pub mod leads;
pub mod lists;
pub mod meta;
pub mod rules;
pub mod sharing;
pub mod tokens;
pub mod warnings;

/// A stored time as the API spells it.
pub fn rfc3339(at: fraudwall_app::records::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// A page's size, 100 unless asked, after checking that the page starts at a real id and holds
/// 1 to 1,000 items.
pub fn page_size(after: i64, limit: Option<usize>) -> Result<usize, crate::error::ApiError> {
    use crate::error::{ApiError, Code};
    if after < 0 {
        return Err(ApiError::new(
            Code::InvalidParameter,
            "after must not be negative",
        ));
    }
    let limit = limit.unwrap_or(100);
    if !(1..=1_000).contains(&limit) {
        return Err(ApiError::new(
            Code::InvalidParameter,
            "limit must be 1 to 1000",
        ));
    }
    Ok(limit)
}
