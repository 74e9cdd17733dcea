//! A cluster as a STIX 2.1 bundle, and the checks a bundle must pass.
//!
//! The bundle holds the producer's `identity`, the TLP:AMBER marking, a `grouping` (context
//! `suspicious-activity`) for the cluster, an `incident` per case (its fraud type, territory
//! and loss, never its victim), an observable per identifier, an `indicator` per identifier a
//! network or bank can block (number, account, card, URL, domain, IP), and the relationships:
//! each indicator `based-on` its observable, each case `related-to` the observables it names.

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::ids::{object_id, observable_id, timestamp};
use crate::{ClusterExport, ExportIdentifier, Kind, case_line, is_card, url_of};

mod pattern;
mod validate;

pub(crate) use pattern::comparisons;
pub use validate::{Violation, validate};

/// OpenCTI's extension for observable types STIX lacks (`phone-number`, `bank-account`,
/// `payment-card`, `text`), as its exports name it.
pub const OPENCTI_NEW_SCO: &str = "extension-definition--f93e2c80-4231-4f9a-af8b-95c9bd566a82";

/// The TLP:AMBER marking as STIX 2.1 (section 7.2.1.4) defines it, id and all.
pub const TLP_AMBER: &str = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";

/// When the producer's identity began, fixed so that its object never changes.
const IDENTITY_CREATED: &str = "2024-01-01T00:00:00.000Z";

fn tlp_amber() -> Value {
    json!({
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_AMBER,
        "created": "2017-01-20T00:00:00.000Z",
        "definition_type": "tlp",
        "name": "TLP:AMBER",
        "definition": {"tlp": "amber"},
    })
}

/// An identifier as a STIX observable: its type, its id-contributing properties, and whether
/// it is one of OpenCTI's own types.
struct Observable {
    kind: &'static str,
    properties: Vec<(&'static str, String)>,
    custom: bool,
    /// The property an indicator's pattern compares, for identifiers worth blocking.
    pattern_property: Option<&'static str>,
}

fn observable(identifier: &ExportIdentifier) -> Observable {
    let value = identifier.value.clone();
    let (kind, properties, custom, pattern_property) = match identifier.kind {
        Kind::Number => ("phone-number", vec![("value", value)], true, Some("value")),
        Kind::Account if is_card(&value) => (
            "payment-card",
            vec![("card_number", value)],
            true,
            Some("card_number"),
        ),
        Kind::Account => {
            // an IBAN starts with its country's letters; fraudwall's accounts are digits
            let property = if value.starts_with(|c: char| c.is_ascii_alphabetic()) {
                "iban"
            } else {
                "account_number"
            };
            (
                "bank-account",
                vec![(property, value)],
                true,
                Some(property),
            )
        }
        Kind::Url => ("url", vec![("value", url_of(&value))], false, Some("value")),
        Kind::Domain => ("domain-name", vec![("value", value)], false, Some("value")),
        Kind::Ip if value.contains(':') => {
            ("ipv6-addr", vec![("value", value)], false, Some("value"))
        }
        Kind::Ip => ("ipv4-addr", vec![("value", value)], false, Some("value")),
        Kind::Social => {
            let (platform, login) = value.split_once(':').unwrap_or(("other", &value));
            (
                "user-account",
                vec![
                    ("account_type", platform.to_owned()),
                    ("account_login", login.to_owned()),
                ],
                false,
                None,
            )
        }
        Kind::App => ("software", vec![("name", value)], false, None),
        // a sender id, a range or a certificate has no observable type of its own
        Kind::Sender | Kind::Range | Kind::Cert => ("text", vec![("value", value)], true, None),
    };
    Observable {
        kind,
        properties,
        custom,
        pattern_property,
    }
}

impl Observable {
    fn id(&self) -> String {
        let properties: Vec<(&str, &str)> = self
            .properties
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect();
        observable_id(self.kind, &properties)
    }

    fn object(&self) -> Value {
        let mut object = json!({
            "type": self.kind,
            "spec_version": "2.1",
            "id": self.id(),
        });
        for (key, value) in &self.properties {
            object[*key] = Value::String(value.clone());
        }
        if self.custom {
            object["extensions"] = json!({OPENCTI_NEW_SCO: {"extension_type": "new-sco"}});
        }
        object
    }

    fn pattern(&self) -> Option<String> {
        let property = self.pattern_property?;
        let value = self.properties.iter().find(|(k, _)| *k == property)?;
        Some(format!(
            "[{}:{} = '{}']",
            self.kind,
            property,
            pattern::escape(&value.1)
        ))
    }
}

/// The cluster as a STIX 2.1 bundle.
pub fn bundle(cluster: &ClusterExport) -> Value {
    let producer = cluster.producer.as_str();
    let identity = object_id("identity", producer, "identity");
    let first = cluster.first_reported();
    let anchor = cluster
        .cases
        .iter()
        .min_by_key(|c| c.id)
        .map(|c| format!("{}/{}", c.id, c.reported_at.unix_timestamp()))
        .unwrap_or_default();
    let grouping_id = object_id(
        "grouping",
        producer,
        &format!("cluster/{}/{anchor}", cluster.cluster),
    );
    let modified = |created: OffsetDateTime| timestamp(cluster.modified(created));

    let mut objects = vec![
        json!({
            "type": "identity",
            "spec_version": "2.1",
            "id": identity,
            "created": IDENTITY_CREATED,
            "modified": IDENTITY_CREATED,
            "name": producer,
            "identity_class": "organization",
        }),
        tlp_amber(),
    ];
    let common = |object: &mut Value| {
        object["created_by_ref"] = Value::String(identity.clone());
        object["object_marking_refs"] = json!([TLP_AMBER]);
    };
    let mut refs = Vec::new();
    let mut rest = Vec::new();
    let mut relationships = Vec::new();

    let mut case_ids = Vec::with_capacity(cluster.cases.len());
    for case in &cluster.cases {
        let id = object_id(
            "incident",
            producer,
            &format!("case/{}/{}", case.id, case.reported_at.unix_timestamp()),
        );
        let mut object = json!({
            "type": "incident",
            "spec_version": "2.1",
            "id": id,
            "created": timestamp(case.reported_at),
            "modified": modified(case.reported_at),
            "name": format!("case {}", case.id),
            "description": case_line(case),
            "labels": [case.fraud_type],
        });
        common(&mut object);
        refs.push(id.clone());
        case_ids.push((case.id, id, case.reported_at));
        rest.push(object);
    }

    let mut indicators = Vec::new();
    for identifier in &cluster.identifiers {
        let observable = observable(identifier);
        let sco_id = observable.id();
        refs.push(sco_id.clone());
        rest.push(observable.object());
        let seen = identifier.first_seen.unwrap_or(first);
        if let Some(pattern) = observable.pattern() {
            let id = object_id(
                "indicator",
                producer,
                &format!("{}/{}", identifier.kind.as_str(), identifier.value),
            );
            let mut object = json!({
                "type": "indicator",
                "spec_version": "2.1",
                "id": id,
                "created": timestamp(seen),
                "modified": modified(seen),
                "name": format!("{} {}", identifier.kind.as_str(), identifier.value),
                "description": format!(
                    "named by {} case{} of fraudwall cluster {}",
                    identifier.cases.len(),
                    if identifier.cases.len() == 1 { "" } else { "s" },
                    cluster.cluster
                ),
                "indicator_types": ["malicious-activity"],
                "pattern": pattern,
                "pattern_type": "stix",
                "pattern_version": "2.1",
                "valid_from": timestamp(seen),
                "labels": ["fraud"],
            });
            common(&mut object);
            relationships.push(relationship(
                producer, "based-on", &id, &sco_id, seen, cluster,
            ));
            refs.push(id);
            indicators.push(object);
        }
        for case in &identifier.cases {
            if let Some((_, incident, reported)) = case_ids.iter().find(|(c, _, _)| c == case) {
                relationships.push(relationship(
                    producer,
                    "related-to",
                    incident,
                    &sco_id,
                    *reported,
                    cluster,
                ));
            }
        }
    }
    for relationship in &mut relationships {
        common(relationship);
        refs.push(relationship["id"].as_str().unwrap_or_default().to_owned());
    }

    let (loss, currency) = cluster.total_loss();
    let mut types: Vec<&str> = cluster
        .cases
        .iter()
        .map(|c| c.fraud_type.as_str())
        .collect();
    types.sort_unstable();
    types.dedup();
    let mut grouping = json!({
        "type": "grouping",
        "spec_version": "2.1",
        "id": grouping_id,
        "created": timestamp(first),
        "modified": modified(first),
        "name": cluster.headline(),
        "description": format!(
            "{} cases linked by the identifiers they share; loss {}.{:02} {}",
            cluster.cases.len(),
            loss / 100,
            loss.rem_euclid(100),
            currency
        ),
        "context": "suspicious-activity",
        "labels": types,
        "object_refs": refs,
    });
    common(&mut grouping);
    objects.push(grouping);
    objects.extend(rest);
    objects.extend(indicators);
    objects.extend(relationships);

    json!({
        "type": "bundle",
        "id": object_id(
            "bundle",
            producer,
            &format!("export/{}/{anchor}/{}", cluster.cluster, timestamp(cluster.generated_at)),
        ),
        "objects": objects,
    })
}

fn relationship(
    producer: &str,
    kind: &str,
    source: &str,
    target: &str,
    created: OffsetDateTime,
    cluster: &ClusterExport,
) -> Value {
    json!({
        "type": "relationship",
        "spec_version": "2.1",
        "id": object_id("relationship", producer, &format!("{kind}/{source}/{target}")),
        "created": timestamp(created),
        "modified": timestamp(cluster.modified(created)),
        "relationship_type": kind,
        "source_ref": source,
        "target_ref": target,
    })
}
