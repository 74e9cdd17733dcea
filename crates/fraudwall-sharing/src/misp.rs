//! A cluster as a MISP event, and the identifiers read back from MISP events and STIX bundles.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use crate::ids::{misp_uuid, timestamp};
use crate::stix::comparisons;
use crate::{
    ClusterExport, ExportIdentifier, Imported, Kind, MAX_ATTRIBUTES, MAX_VALUE, Malformed,
    ParseError, SharedIdentifier, is_card, url_of,
};

/// An identifier as a MISP attribute: its type, its category, and whether a network or bank
/// can act on it (`to_ids`).
fn attribute_type(identifier: &ExportIdentifier) -> (&'static str, &'static str, bool) {
    match identifier.kind {
        Kind::Number => ("phone-number", "Financial fraud", true),
        Kind::Account if is_card(&identifier.value) => ("cc-number", "Financial fraud", true),
        Kind::Account
            if identifier
                .value
                .starts_with(|c: char| c.is_ascii_alphabetic()) =>
        {
            ("iban", "Financial fraud", true)
        }
        Kind::Account => ("bank-account-nr", "Financial fraud", true),
        Kind::Url => ("url", "Network activity", true),
        Kind::Domain => ("domain", "Network activity", true),
        Kind::Ip => ("ip-dst", "Network activity", true),
        Kind::App => ("mobile-application-id", "Payload delivery", false),
        // MISP has no type for a chat account or an SMS sender id: text, for people to read
        Kind::Social => ("text", "Social network", false),
        Kind::Sender | Kind::Range | Kind::Cert => ("text", "Other", false),
    }
}

/// The cluster as a MISP event (`{"Event": …}`), shared with the producer's organisation only
/// (distribution 0) and marked TLP:AMBER, for the receiving analyst to widen.
pub fn event(cluster: &ClusterExport) -> Value {
    let producer = cluster.producer.as_str();
    let anchor = cluster
        .cases
        .iter()
        .min_by_key(|c| c.id)
        .map(|c| format!("{}/{}", c.id, c.reported_at.unix_timestamp()))
        .unwrap_or_default();
    let event_uuid = misp_uuid(producer, &format!("event/{}/{anchor}", cluster.cluster));
    let stamp = cluster.generated_at.unix_timestamp().max(0).to_string();
    let attributes: Vec<Value> = cluster
        .identifiers
        .iter()
        .map(|identifier| {
            let (kind, category, to_ids) = attribute_type(identifier);
            let value = match identifier.kind {
                Kind::Url => url_of(&identifier.value),
                _ => identifier.value.clone(),
            };
            let mut comment = format!(
                "named by {} case{} of fraudwall cluster {}",
                identifier.cases.len(),
                if identifier.cases.len() == 1 { "" } else { "s" },
                cluster.cluster
            );
            if kind == "text" {
                // the type says nothing of what the text is
                comment = format!("{} identifier; {comment}", identifier.kind.as_str());
            }
            let mut attribute = json!({
                "uuid": misp_uuid(
                    producer,
                    &format!("attribute/{event_uuid}/{}/{}", identifier.kind.as_str(), identifier.value),
                ),
                "type": kind,
                "category": category,
                "value": value,
                "to_ids": to_ids,
                "distribution": "5",
                "comment": comment,
                "timestamp": stamp,
            });
            if let Some(first) = identifier.first_seen {
                attribute["first_seen"] = Value::String(timestamp(first));
            }
            if let Some(last) = identifier.last_seen {
                attribute["last_seen"] = Value::String(timestamp(last));
            }
            attribute
        })
        .collect();
    let mut tags = vec![json!({"name": "tlp:amber"})];
    let mut types: Vec<&str> = cluster
        .cases
        .iter()
        .map(|c| c.fraud_type.as_str())
        .collect();
    types.sort_unstable();
    types.dedup();
    tags.extend(
        types
            .iter()
            .map(|t| json!({"name": format!("fraudwall:fraud-type=\"{t}\"")})),
    );
    let cases: Vec<String> = cluster.cases.iter().map(crate::case_line).collect();
    json!({
        "Event": {
            "uuid": event_uuid,
            "info": cluster.headline(),
            "date": cluster.first_reported().date().to_string(),
            "threat_level_id": "2",
            "analysis": "1",
            "distribution": "0",
            "published": false,
            "timestamp": stamp,
            "Orgc": {"name": producer},
            "Tag": tags,
            "Attribute": attributes,
            "EventReport": [{
                "uuid": misp_uuid(producer, &format!("report/{event_uuid}")),
                "name": format!("fraudwall cluster {}", cluster.cluster),
                "content": cases.join("\n"),
                "distribution": "5",
                "timestamp": stamp,
            }],
        }
    })
}

/// The kind fraudwall reads a MISP attribute type as, if it reads it at all.
fn kind_of_misp(kind: &str) -> Option<Kind> {
    Some(match kind {
        "phone-number" | "prtn" => Kind::Number,
        "bank-account-nr" | "iban" | "cc-number" => Kind::Account,
        "url" | "link" | "uri" => Kind::Url,
        "domain" | "hostname" => Kind::Domain,
        _ => return None,
    })
}

/// The kind a STIX property path (`phone-number:value`) names, if fraudwall reads it.
fn kind_of_stix(path: &str) -> Option<Kind> {
    Some(match path {
        "phone-number:value" => Kind::Number,
        "bank-account:iban" | "bank-account:account_number" | "payment-card:card_number" => {
            Kind::Account
        }
        "url:value" => Kind::Url,
        "domain-name:value" => Kind::Domain,
        _ => return None,
    })
}

/// Reads the identifiers out of a MISP event (`{"Event": …}`), a list of events, a MISP search
/// answer (`{"response": […]}`), or a STIX 2.1 bundle (OpenCTI's and MISP's exports alike).
/// Attributes of other types are counted and passed over; a malformed attribute is named and
/// passed over; only a document that is none of these fails whole.
pub fn attributes(bytes: &[u8]) -> Result<Imported, ParseError> {
    let document: Value =
        serde_json::from_slice(bytes).map_err(|e| ParseError::Json(e.to_string()))?;
    let mut reader = Reader::default();
    match &document {
        Value::Object(root) if root.get("type").and_then(Value::as_str) == Some("bundle") => {
            reader.bundle(root)?;
        }
        Value::Object(root) if root.contains_key("response") => {
            let Some(items) = root["response"].as_array() else {
                return Err(ParseError::NotShared);
            };
            reader.events(items, "response")?;
        }
        Value::Object(root) if root.contains_key("Event") || root.contains_key("Attribute") => {
            reader.event_or_wrapped(root, "")?;
        }
        Value::Array(items) => reader.events(items, "")?,
        _ => return Err(ParseError::NotShared),
    }
    Ok(reader.done)
}

#[derive(Default)]
struct Reader {
    done: Imported,
    seen: HashSet<(Kind, String)>,
    visited: usize,
}

impl Reader {
    fn events(&mut self, items: &[Value], at: &str) -> Result<(), ParseError> {
        for (i, item) in items.iter().enumerate() {
            self.count()?;
            let place = format!("{at}[{i}]");
            match item.as_object() {
                Some(event) => self.event_or_wrapped(event, &place)?,
                None => self.malformed(&place, "not_an_event", "an event is a json object"),
            }
        }
        Ok(())
    }

    fn event_or_wrapped(&mut self, item: &Map<String, Value>, at: &str) -> Result<(), ParseError> {
        match item.get("Event") {
            Some(Value::Object(event)) => self.event(event, &join(at, "Event")),
            Some(_) => {
                self.malformed(
                    &join(at, "Event"),
                    "not_an_event",
                    "an event is a json object",
                );
                Ok(())
            }
            None => self.event(item, at),
        }
    }

    fn event(&mut self, event: &Map<String, Value>, at: &str) -> Result<(), ParseError> {
        if let Some(list) = event.get("Attribute") {
            self.attribute_list(list, &join(at, "Attribute"), "type", "value")?;
        }
        match event.get("Object") {
            None => {}
            Some(Value::Array(objects)) => {
                for (i, object) in objects.iter().enumerate() {
                    self.count()?;
                    let place = format!("{}[{i}]", join(at, "Object"));
                    match object.get("Attribute") {
                        Some(list) => {
                            self.attribute_list(list, &join(&place, "Attribute"), "type", "value")?
                        }
                        None => self.done.skipped += 1,
                    }
                }
            }
            Some(_) => self.malformed(&join(at, "Object"), "not_a_list", "Object is a list"),
        }
        Ok(())
    }

    fn attribute_list(
        &mut self,
        list: &Value,
        at: &str,
        type_key: &str,
        value_key: &str,
    ) -> Result<(), ParseError> {
        let Some(items) = list.as_array() else {
            self.malformed(at, "not_a_list", "attributes are a list");
            return Ok(());
        };
        for (i, item) in items.iter().enumerate() {
            self.count()?;
            let place = format!("{at}[{i}]");
            let Some(attribute) = item.as_object() else {
                self.malformed(&place, "not_an_attribute", "an attribute is a json object");
                continue;
            };
            // a soft-deleted attribute is history, not a claim
            if attribute.get("deleted").is_some_and(truthy) {
                self.done.skipped += 1;
                continue;
            }
            let Some(kind) = attribute.get(type_key).and_then(Value::as_str) else {
                self.malformed(&place, "missing_type", "the attribute has no type");
                continue;
            };
            let Some(ours) = kind_of_misp(kind) else {
                self.done.skipped += 1;
                continue;
            };
            let uuid = attribute
                .get("uuid")
                .and_then(Value::as_str)
                .map(str::to_owned);
            let comment = attribute
                .get("comment")
                .or_else(|| attribute.get("x_misp_comment"))
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_owned);
            self.take(ours, attribute.get(value_key), kind, uuid, comment, &place);
        }
        Ok(())
    }

    fn bundle(&mut self, root: &Map<String, Value>) -> Result<(), ParseError> {
        let Some(objects) = root.get("objects").and_then(Value::as_array) else {
            return Ok(());
        };
        for (i, object) in objects.iter().enumerate() {
            self.count()?;
            let place = format!("objects[{i}]");
            let Some(object) = object.as_object() else {
                self.malformed(&place, "not_an_object", "a stix object is a json object");
                continue;
            };
            let Some(kind) = object.get("type").and_then(Value::as_str) else {
                self.malformed(&place, "missing_type", "the object has no type");
                continue;
            };
            let uuid = object
                .get("id")
                .and_then(Value::as_str)
                .and_then(|id| id.split_once("--"))
                .map(|(_, uuid)| uuid.to_owned());
            let description = object
                .get("description")
                .or_else(|| object.get("x_misp_comment"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            match kind {
                "phone-number" | "url" | "domain-name" => {
                    let ours = kind_of_stix(&format!("{kind}:value")).unwrap_or(Kind::Url);
                    self.take(ours, object.get("value"), kind, uuid, description, &place);
                }
                "bank-account" => {
                    let value = ["iban", "account_number", "value"]
                        .iter()
                        .find_map(|p| object.get(*p).filter(|v| !v.is_null()));
                    self.take(Kind::Account, value, kind, uuid, description, &place);
                }
                "payment-card" => {
                    let value = object.get("card_number");
                    self.take(Kind::Account, value, kind, uuid, description, &place);
                }
                "x-misp-attribute" => {
                    let Some(misp) = object.get("x_misp_type").and_then(Value::as_str) else {
                        self.malformed(&place, "missing_type", "x_misp_type is missing");
                        continue;
                    };
                    match kind_of_misp(misp) {
                        Some(ours) => {
                            let value = object.get("x_misp_value");
                            self.take(ours, value, misp, uuid, description, &place);
                        }
                        None => self.done.skipped += 1,
                    }
                }
                "x-misp-object" => {
                    if let Some(list) = object.get("x_misp_attributes") {
                        self.attribute_list(
                            list,
                            &join(&place, "x_misp_attributes"),
                            "type",
                            "value",
                        )?;
                    }
                }
                "indicator" => {
                    let pattern = object.get("pattern").and_then(Value::as_str).unwrap_or("");
                    let mut any = false;
                    for (path, value) in comparisons(pattern) {
                        if let Some(ours) = kind_of_stix(&path) {
                            any = true;
                            let value = Value::String(value);
                            let source = path.split(':').next().unwrap_or(kind).to_owned();
                            self.take(
                                ours,
                                Some(&value),
                                &source,
                                uuid.clone(),
                                description.clone(),
                                &place,
                            );
                        }
                    }
                    if !any {
                        self.done.skipped += 1;
                    }
                }
                // observables carry no created time; domain objects and relationships do,
                // and say nothing fraudwall links by
                _ if !object.contains_key("created") => self.done.skipped += 1,
                _ => {}
            }
        }
        Ok(())
    }

    fn take(
        &mut self,
        kind: Kind,
        value: Option<&Value>,
        source_type: &str,
        uuid: Option<String>,
        comment: Option<String>,
        at: &str,
    ) {
        let Some(value) = value.and_then(Value::as_str) else {
            self.malformed(at, "missing_value", "the value is missing or not a string");
            return;
        };
        let value = value.trim();
        if value.is_empty() {
            self.malformed(at, "empty_value", "the value is empty");
            return;
        }
        if value.len() > MAX_VALUE {
            self.malformed(
                at,
                "value_too_long",
                format!("the value is longer than {MAX_VALUE} bytes"),
            );
            return;
        }
        if value.chars().any(char::is_control) {
            self.malformed(at, "invalid_value", "the value holds control characters");
            return;
        }
        if !self.seen.insert((kind, value.to_owned())) {
            return;
        }
        self.done.identifiers.push(SharedIdentifier {
            kind,
            value: value.to_owned(),
            source_type: source_type.to_owned(),
            uuid,
            comment,
        });
    }

    fn count(&mut self) -> Result<(), ParseError> {
        self.visited += 1;
        if self.visited > MAX_ATTRIBUTES {
            return Err(ParseError::TooMany(MAX_ATTRIBUTES));
        }
        Ok(())
    }

    fn malformed(&mut self, at: &str, code: &'static str, message: impl Into<String>) {
        self.done.malformed.push(Malformed {
            at: at.to_owned(),
            code,
            message: message.into(),
        });
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_owned()
    } else {
        format!("{at}.{key}")
    }
}

/// MISP writes flags as booleans, numbers or strings, depending on version and endpoint.
fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_i64() != Some(0),
        Value::String(s) => matches!(s.as_str(), "1" | "true" | "True"),
        _ => false,
    }
}
