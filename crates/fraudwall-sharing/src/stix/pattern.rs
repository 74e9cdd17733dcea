//! The little of the STIX patterning language that sharing needs: writing an equality, and
//! reading the equalities out of an indicator's pattern, as MISP exports its attributes.

/// A string as a pattern's quoted literal holds it.
pub fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "\\'")
}

/// Every `object-type:property = 'value'` comparison in a pattern, in order. What is not such
/// a comparison (other operators, numbers, qualifiers, brackets, `AND`, `OR`) is passed over:
/// an indicator contributes the values it compares for equality, whatever else it says.
pub fn comparisons(pattern: &str) -> Vec<(String, String)> {
    let bytes = pattern.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\'' {
            // a literal outside a comparison we read: skip it whole
            i = literal(pattern, i).map_or(bytes.len(), |(_, end)| end);
            continue;
        }
        if !is_path_start(c) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_path(bytes[i]) {
            i += 1;
        }
        let path = &pattern[start..i];
        let mut j = i;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if !path.contains(':') || j >= bytes.len() || bytes[j] != b'=' {
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_whitespace() {
            j += 1;
        }
        if j < bytes.len()
            && bytes[j] == b'\''
            && let Some((value, end)) = literal(pattern, j)
        {
            found.push((path.to_owned(), value));
            i = end;
        }
    }
    found
}

fn is_path_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_path(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.' | b'[' | b']' | b'*')
}

/// The quoted literal starting at `open`, unescaped, and the index after its closing quote.
fn literal(pattern: &str, open: usize) -> Option<(String, usize)> {
    let mut value = String::new();
    let mut chars = pattern[open + 1..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => value.push(chars.next()?.1),
            '\'' => return Some((value, open + 1 + at + 1)),
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_equalities_as_misp_writes_them() {
        let found = comparisons(
            "[domain-name:value = 'circl.lu' AND domain-name:resolves_to_refs[*].value = '149.13.33.14']",
        );
        assert_eq!(
            found,
            vec![
                ("domain-name:value".to_owned(), "circl.lu".to_owned()),
                (
                    "domain-name:resolves_to_refs[*].value".to_owned(),
                    "149.13.33.14".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn escapes_round_trip() {
        let value = r"it's a \ test";
        let pattern = format!("[url:value = '{}']", escape(value));
        assert_eq!(
            comparisons(&pattern),
            vec![("url:value".to_owned(), value.to_owned())]
        );
    }

    #[test]
    fn passes_over_what_it_does_not_read() {
        assert!(comparisons("[file:size > 10] WITHIN 5 SECONDS").is_empty());
        assert!(comparisons("[url:value != 'x']").is_empty());
        assert!(comparisons("[url:value = 'unterminated").is_empty());
        assert!(comparisons("'a' = 'b' ] [ : = '").is_empty());
    }
}
