//! Name-based ids and the times both formats write.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// The namespace STIX 2.1 (section 2.9) gives the ids of cyber observables: OpenCTI derives its
/// observables' ids under it too, so the same number gets the same id on both sides.
pub const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);

/// fraudwall's own namespace, for the objects only it makes (the cluster, its cases, the
/// indicators): UUID v5 of the URL namespace and the project's address.
pub fn fraudwall_namespace() -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        b"https://github.com/fraudwall/fraudwall",
    )
}

/// The id of an object fraudwall makes, from its producer and what it is.
pub fn object_id(kind: &str, producer: &str, name: &str) -> String {
    let mut seed = Vec::with_capacity(producer.len() + name.len() + 1);
    seed.extend_from_slice(producer.as_bytes());
    seed.push(0);
    seed.extend_from_slice(name.as_bytes());
    format!("{kind}--{}", Uuid::new_v5(&fraudwall_namespace(), &seed))
}

/// The id of an observable as STIX 2.1 derives it: UUID v5 over the canonical JSON (RFC 8785)
/// of its id-contributing properties, here always string-valued.
pub fn observable_id(kind: &str, properties: &[(&str, &str)]) -> String {
    let mut sorted = properties.to_vec();
    // RFC 8785 orders keys by their UTF-16 code units; these keys are ASCII
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    let mut canonical = String::from("{");
    for (i, (key, value)) in sorted.iter().enumerate() {
        if i > 0 {
            canonical.push(',');
        }
        canonical.push_str(&json_string(key));
        canonical.push(':');
        canonical.push_str(&json_string(value));
    }
    canonical.push('}');
    format!(
        "{kind}--{}",
        Uuid::new_v5(&STIX_SCO_NAMESPACE, canonical.as_bytes())
    )
}

/// A bare uuid under fraudwall's namespace, as MISP writes them.
pub fn misp_uuid(producer: &str, name: &str) -> String {
    let id = object_id("x", producer, name);
    id["x--".len()..].to_owned()
}

/// A string as JSON writes it; serde_json escapes as RFC 8785 asks (`"`, `\`, control
/// characters, nothing else).
fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// A STIX timestamp: RFC 3339 in UTC with a `Z`, to the millisecond as OASIS's examples write.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    let text = at.format(&Rfc3339).unwrap_or_default();
    // Rfc3339 drops a zero fraction; STIX reads either, and one spelling compares as text
    if text.contains('.') {
        text
    } else {
        text.replacen('Z', ".000Z", 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observable_ids_follow_the_stix_example() {
        // STIX 2.1 section 2.9 and OpenCTI derive the ids of observables like this one; the
        // expected id is what the python stix2 library gives for the same url
        let id = observable_id("url", &[("value", "https://example.com/")]);
        assert_eq!(id, "url--be22e93a-5e33-5678-b19f-8b4ea06df0bd");
    }

    #[test]
    fn timestamps_end_in_z_with_milliseconds() {
        let at = OffsetDateTime::from_unix_timestamp(1_700_000_000).unwrap();
        assert_eq!(timestamp(at), "2023-11-14T22:13:20.000Z");
        let at = at + time::Duration::nanoseconds(123_456_789);
        assert_eq!(timestamp(at), "2023-11-14T22:13:20.123Z");
    }
}
