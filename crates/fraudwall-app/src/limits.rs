//! Bounds on the free text a caller stores. Every field that ends up in the store has one, so
//! that one request cannot grow the database by megabytes of notes, and every bound is refused
//! with the same code, `field_too_long`, naming the field and its limit.

use crate::error::{AppError, ErrorKind};

/// An analyst's note on a list entry or an item of evidence, in characters.
pub const NOTE: usize = 2_000;
/// One item of an entry's evidence (a case number, a link to a report), in characters.
pub const EVIDENCE_ITEM: usize = 500;
/// Items of evidence on one entry.
pub const EVIDENCE_ITEMS: usize = 50;
/// A token's name, in characters.
pub const NAME: usize = 200;
/// A token's organisation, in characters.
pub const ORG: usize = 200;
/// A territory code: a jurisdiction code is at most a dozen digits; room is left for others.
pub const TERRITORY: usize = 64;
/// A source label on an import or an item of evidence, in characters.
pub const SOURCE: usize = 200;
/// A clue's text (a message as received, what happened), in characters: a long SMS is a few
/// hundred.
pub const CLUE_TEXT: usize = 2_000;
/// An identifier as reported, in characters: room for a long URL.
pub const IDENTIFIER: usize = 4_096;

/// Refuses `value` when it is longer than `max` characters.
pub fn check(field: &str, value: &str, max: usize) -> Result<(), AppError> {
    // bytes bound characters from above: only a long text pays for counting them
    if value.len() > max && value.chars().count() > max {
        return Err(too_long(field, max, "characters"));
    }
    Ok(())
}

/// [`check`] for an optional field.
pub fn check_optional(field: &str, value: Option<&str>, max: usize) -> Result<(), AppError> {
    value.map_or(Ok(()), |value| check(field, value, max))
}

/// Refuses a list of more than `max` items, or with an item longer than `item_max`.
pub fn check_items(
    field: &str,
    items: &[String],
    max: usize,
    item_max: usize,
) -> Result<(), AppError> {
    if items.len() > max {
        return Err(too_long(field, max, "items"));
    }
    items
        .iter()
        .try_for_each(|item| check(field, item, item_max))
}

fn too_long(field: &str, max: usize, unit: &str) -> AppError {
    AppError::new(
        ErrorKind::FieldTooLong,
        format!("{field} is longer than {max} {unit}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_in_characters_not_bytes() {
        // three bytes a character: 200 of them are 600 bytes and still within a name's bound
        assert!(check("name", &"警".repeat(NAME), NAME).is_ok());
        let err = check("name", &"警".repeat(NAME + 1), NAME).unwrap_err();
        assert_eq!(err.code(), "field_too_long");
        assert_eq!(err.message, "name is longer than 200 characters");
        assert!(check_optional("note", None, NOTE).is_ok());
    }

    #[test]
    fn lists_are_bounded_in_items_and_each_item_in_length() {
        let items = vec!["case-1".to_owned(); EVIDENCE_ITEMS];
        assert!(check_items("evidence", &items, EVIDENCE_ITEMS, EVIDENCE_ITEM).is_ok());
        let more = vec!["case-1".to_owned(); EVIDENCE_ITEMS + 1];
        let err = check_items("evidence", &more, EVIDENCE_ITEMS, EVIDENCE_ITEM).unwrap_err();
        assert_eq!(err.message, "evidence is longer than 50 items");
        let long = vec!["x".repeat(EVIDENCE_ITEM + 1)];
        assert!(check_items("evidence", &long, EVIDENCE_ITEMS, EVIDENCE_ITEM).is_err());
    }
}
