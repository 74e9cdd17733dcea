//! The checks of STIX 2.1 that a bundle fraudwall exports must pass: the required properties
//! of every object type it writes, ids of the form `type--uuid`, timestamps, versions and
//! references that resolve inside the bundle.

use std::collections::HashSet;

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One rule a bundle breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The object's id, or its place in the bundle when it has no usable id.
    pub object: String,
    /// The property at fault (`id`, `created`, `source_ref`), or empty for the whole object.
    pub property: String,
    /// A stable snake_case code.
    pub code: &'static str,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.object, self.property, self.message)
    }
}

/// Domain objects: common properties plus their own.
const SDO_REQUIRED: &[(&str, &[&str])] = &[
    ("identity", &["name"]),
    ("grouping", &["context", "object_refs"]),
    ("report", &["name", "published", "object_refs"]),
    ("incident", &["name"]),
    ("indicator", &["pattern", "pattern_type", "valid_from"]),
    (
        "observed-data",
        &[
            "first_observed",
            "last_observed",
            "number_observed",
            "object_refs",
        ],
    ),
];

/// Cyber observables and what each must carry to say anything. OpenCTI's own types are
/// checked as OpenCTI reads them.
const SCO_REQUIRED: &[(&str, &[&str])] = &[
    ("url", &["value"]),
    ("domain-name", &["value"]),
    ("ipv4-addr", &["value"]),
    ("ipv6-addr", &["value"]),
    ("software", &["name"]),
    ("user-account", &[]),
    ("phone-number", &["value"]),
    ("payment-card", &["card_number"]),
    ("text", &["value"]),
    // one of `iban` and `account_number`, checked apart
    ("bank-account", &[]),
];

/// Checks a bundle; every violation is listed, not only the first.
pub fn validate(bundle: &Value) -> Result<(), Vec<Violation>> {
    let mut out = Vec::new();
    let Some(root) = bundle.as_object() else {
        return Err(vec![violation(
            "bundle",
            "",
            "not_an_object",
            "a bundle is a json object",
        )]);
    };
    if root.get("type").and_then(Value::as_str) != Some("bundle") {
        out.push(violation(
            "bundle",
            "type",
            "wrong_type",
            "a bundle's type is \"bundle\"",
        ));
    }
    check_id(root, "bundle", "bundle", &mut out);
    if root.contains_key("spec_version") {
        // STIX 2.0 bundles carried it; 2.1 moved it onto each object
        out.push(violation(
            "bundle",
            "spec_version",
            "bundle_spec_version",
            "a 2.1 bundle has no spec_version of its own",
        ));
    }
    let objects = match root.get("objects") {
        None => &Vec::new(),
        Some(Value::Array(objects)) => objects,
        Some(_) => {
            out.push(violation(
                "bundle",
                "objects",
                "not_a_list",
                "objects is a list",
            ));
            &Vec::new()
        }
    };
    let mut ids = HashSet::new();
    for object in objects {
        if let Some(id) = object.get("id").and_then(Value::as_str)
            && !ids.insert(id)
            && object.get("type").and_then(Value::as_str) != Some("marking-definition")
        {
            out.push(violation(
                id,
                "id",
                "duplicate_id",
                "two objects share this id",
            ));
        }
    }
    for (i, object) in objects.iter().enumerate() {
        let place = format!("objects[{i}]");
        let Some(object) = object.as_object() else {
            out.push(violation(
                &place,
                "",
                "not_an_object",
                "an object is a json object",
            ));
            continue;
        };
        check_object(object, &place, &ids, &mut out);
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

fn check_object(
    object: &Map<String, Value>,
    place: &str,
    ids: &HashSet<&str>,
    out: &mut Vec<Violation>,
) {
    let Some(kind) = object.get("type").and_then(Value::as_str) else {
        out.push(violation(
            place,
            "type",
            "missing_property",
            "every object has a type",
        ));
        return;
    };
    let name = object
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or(place)
        .to_owned();
    if !is_type_name(kind) {
        out.push(violation(
            &name,
            "type",
            "invalid_type",
            format!("{kind:?} is not a type name (3 to 250 of a-z, 0-9 and -)"),
        ));
    }
    check_id(object, kind, &name, out);
    let sdo = SDO_REQUIRED.iter().find(|(k, _)| *k == kind);
    let sco = SCO_REQUIRED.iter().find(|(k, _)| *k == kind);
    let is_sro = kind == "relationship" || kind == "sighting";
    if sdo.is_some() || is_sro || kind == "marking-definition" {
        match object.get("spec_version").and_then(Value::as_str) {
            Some("2.1") => {}
            Some(other) => out.push(violation(
                &name,
                "spec_version",
                "wrong_spec_version",
                format!("spec_version is {other:?}, not \"2.1\""),
            )),
            None => out.push(missing(&name, "spec_version")),
        }
        let created = time_property(object, "created", &name, out);
        if kind != "marking-definition" {
            let modified = time_property(object, "modified", &name, out);
            if let (Some(created), Some(modified)) = (created, modified)
                && modified < created
            {
                out.push(violation(
                    &name,
                    "modified",
                    "modified_before_created",
                    "an object is modified no earlier than it was created",
                ));
            }
        }
        if let Some(by) = object.get("created_by_ref") {
            check_ref(by, "created_by_ref", &name, ids, out);
        }
        if let Some(markings) = object.get("object_marking_refs") {
            check_refs(markings, "object_marking_refs", &name, ids, out);
        }
    } else if let Some(version) = object.get("spec_version")
        && version.as_str() != Some("2.1")
    {
        out.push(violation(
            &name,
            "spec_version",
            "wrong_spec_version",
            "an observable's spec_version, when given, is \"2.1\"",
        ));
    }
    for (_, required) in sdo.into_iter().chain(sco) {
        for property in *required {
            if !has(object, property) {
                out.push(missing(&name, property));
            }
        }
    }
    match kind {
        "relationship" => {
            for property in ["relationship_type", "source_ref", "target_ref"] {
                if !has(object, property) {
                    out.push(missing(&name, property));
                }
            }
            for property in ["source_ref", "target_ref"] {
                if let Some(target) = object.get(property) {
                    check_ref(target, property, &name, ids, out);
                }
            }
        }
        "grouping" | "report" | "observed-data" => {
            if let Some(refs) = object.get("object_refs") {
                check_refs(refs, "object_refs", &name, ids, out);
                if refs.as_array().is_some_and(Vec::is_empty) {
                    out.push(violation(
                        &name,
                        "object_refs",
                        "empty_list",
                        "object_refs names at least one object",
                    ));
                }
            }
        }
        "indicator" => {
            time_property(object, "valid_from", &name, out);
            if object.get("pattern_type").and_then(Value::as_str) == Some("stix")
                && let Some(pattern) = object.get("pattern").and_then(Value::as_str)
                && !(pattern.starts_with('[') && pattern.contains(']'))
            {
                out.push(violation(
                    &name,
                    "pattern",
                    "invalid_pattern",
                    "a stix pattern is observation expressions in brackets",
                ));
            }
        }
        "bank-account" if !has(object, "iban") && !has(object, "account_number") => {
            out.push(missing(&name, "iban or account_number"));
        }
        "user-account" if !has(object, "account_login") && !has(object, "user_id") => {
            out.push(missing(&name, "account_login or user_id"));
        }
        _ => {}
    }
}

fn has(object: &Map<String, Value>, property: &str) -> bool {
    match object.get(property) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

fn check_id(object: &Map<String, Value>, kind: &str, name: &str, out: &mut Vec<Violation>) {
    match object.get("id").and_then(Value::as_str) {
        None => out.push(missing(name, "id")),
        Some(id) => match id.split_once("--") {
            Some((prefix, uuid)) if prefix == kind && is_uuid(uuid) => {}
            Some((prefix, _)) if prefix != kind => out.push(violation(
                name,
                "id",
                "id_type_mismatch",
                format!("the id's type {prefix:?} is not the object's {kind:?}"),
            )),
            _ => out.push(violation(
                name,
                "id",
                "invalid_id",
                format!("{id:?} is not type--uuid (an rfc 4122 uuid, lowercase)"),
            )),
        },
    }
}

/// A lowercase RFC 4122 uuid of versions 1 to 8 and the variant STIX requires.
pub(crate) fn is_uuid(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return false;
    }
    for (i, &b) in bytes.iter().enumerate() {
        let ok = match i {
            8 | 13 | 18 | 23 => b == b'-',
            14 => (b'1'..=b'8').contains(&b),
            19 => matches!(b, b'8' | b'9' | b'a' | b'b'),
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        };
        if !ok {
            return false;
        }
    }
    true
}

fn is_type_name(kind: &str) -> bool {
    (3..=250).contains(&kind.len())
        && kind
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !kind.starts_with('-')
        && !kind.ends_with('-')
        && !kind.contains("--")
}

fn time_property(
    object: &Map<String, Value>,
    property: &str,
    name: &str,
    out: &mut Vec<Violation>,
) -> Option<OffsetDateTime> {
    let Some(value) = object.get(property) else {
        out.push(missing(name, property));
        return None;
    };
    let text = value.as_str().unwrap_or_default();
    // STIX timestamps are UTC and say so with a capital Z
    let parsed = OffsetDateTime::parse(text, &Rfc3339)
        .ok()
        .filter(|_| text.ends_with('Z') && text.as_bytes().get(10) == Some(&b'T'));
    if parsed.is_none() {
        out.push(violation(
            name,
            property,
            "invalid_timestamp",
            format!("{value} is not an rfc 3339 utc timestamp ending in Z"),
        ));
    }
    parsed
}

fn check_ref(
    target: &Value,
    property: &str,
    name: &str,
    ids: &HashSet<&str>,
    out: &mut Vec<Violation>,
) {
    match target.as_str() {
        Some(id) if ids.contains(id) => {}
        Some(id) => out.push(violation(
            name,
            property,
            "dangling_ref",
            format!("{id} is not in the bundle"),
        )),
        None => out.push(violation(
            name,
            property,
            "invalid_ref",
            "a reference is an id",
        )),
    }
}

fn check_refs(
    targets: &Value,
    property: &str,
    name: &str,
    ids: &HashSet<&str>,
    out: &mut Vec<Violation>,
) {
    match targets.as_array() {
        Some(targets) => {
            for target in targets {
                check_ref(target, property, name, ids, out);
            }
        }
        None => out.push(violation(
            name,
            property,
            "not_a_list",
            "references are a list",
        )),
    }
}

fn missing(name: &str, property: &str) -> Violation {
    violation(
        name,
        property,
        "missing_property",
        format!("{property} is required"),
    )
}

fn violation(
    object: &str,
    property: &str,
    code: &'static str,
    message: impl Into<String>,
) -> Violation {
    Violation {
        object: object.to_owned(),
        property: property.to_owned(),
        code,
        message: message.into(),
    }
}
