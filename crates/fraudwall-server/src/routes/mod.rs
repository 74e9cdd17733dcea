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
