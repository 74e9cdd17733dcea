//! Sharing with other centres: a case's cluster leaves as a STIX 2.1 bundle or a MISP event,
//! cut to what the caller may see of it, and the identifiers of shared MISP events and STIX
//! bundles come in normalized, ready to be submitted as clues.

use std::collections::HashMap;
use std::str::FromStr;

use fraudwall_cases::LinkKey;
use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::{Identifier, Kind};
use fraudwall_sharing::{ClusterExport, ExportCase, ExportIdentifier};
use fraudwall_store::Store;
use time::OffsetDateTime;

use crate::audit;
use crate::cases::{CaseLinks, INVESTIGATORS, linked_view, require};
use crate::error::{AppError, FieldError};
use crate::principal::Principal;

/// The formats a cluster leaves in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A STIX 2.1 bundle.
    Stix,
    /// A MISP event (`{"Event": …}`).
    Misp,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Stix => "stix",
            Format::Misp => "misp",
        }
    }
}

impl FromStr for Format {
    type Err = AppError;

    fn from_str(text: &str) -> Result<Format, AppError> {
        match text {
            "stix" => Ok(Format::Stix),
            "misp" => Ok(Format::Misp),
            other => Err(AppError::fields(vec![FieldError::new(
                "format",
                "unknown_format",
                format!("{other:?} is not an export format; expected stix or misp"),
            )])),
        }
    }
}

/// The cluster of case `id` in `format`, holding what `linked` shows the caller: every case's
/// fraud type, time, territory and loss; the identifiers that join the cases; and the other
/// identifiers only of cases in the caller's territory. Victims never leave: neither their
/// numbers nor any identifier that is one of them. Audited as an export of personal data.
pub fn export(
    store: &dyn Store,
    links: &CaseLinks,
    principal: &Principal,
    id: i64,
    format: Format,
    max_cases: usize,
) -> Result<serde_json::Value, AppError> {
    let cluster = cluster_export(store, links, principal, id, max_cases)?;
    let document = match format {
        Format::Stix => fraudwall_sharing::stix::bundle(&cluster),
        Format::Misp => fraudwall_sharing::misp::event(&cluster),
    };
    audit::record(
        store,
        principal,
        "case.export",
        &format!("case:{id}"),
        serde_json::json!({"format": format.as_str(), "cluster": cluster.cluster,
            "cases": cluster.cases.len(), "identifiers": cluster.identifiers.len()}),
    )?;
    Ok(document)
}

/// The cluster of case `id` as plain data, cut as [`export`] cuts it. Not audited: the caller
/// audits what it does with it.
pub fn cluster_export(
    store: &dyn Store,
    links: &CaseLinks,
    principal: &Principal,
    id: i64,
    max_cases: usize,
) -> Result<ClusterExport, AppError> {
    require(principal, &INVESTIGATORS, "export cases")?;
    let view = linked_view(store, links, principal, id, max_cases)?;
    let victims: Vec<&str> = view
        .cases
        .iter()
        .filter(|c| c.in_scope)
        .map(|c| c.record.victim_phone.as_str())
        .collect();
    let mut identifiers: Vec<ExportIdentifier> = Vec::new();
    let mut index: HashMap<(Kind, String), usize> = HashMap::new();
    let mut add = |kind: Kind, value: &str, case: i64, at: Option<OffsetDateTime>| {
        if kind == Kind::Number && victims.contains(&value) {
            return;
        }
        let slot = *index.entry((kind, value.to_owned())).or_insert_with(|| {
            identifiers.push(ExportIdentifier {
                kind,
                value: value.to_owned(),
                cases: Vec::new(),
                first_seen: None,
                last_seen: None,
            });
            identifiers.len() - 1
        });
        let identifier = &mut identifiers[slot];
        if !identifier.cases.contains(&case) {
            identifier.cases.push(case);
        }
        if let Some(at) = at {
            identifier.first_seen = Some(identifier.first_seen.map_or(at, |f| f.min(at)));
            identifier.last_seen = Some(identifier.last_seen.map_or(at, |l| l.max(at)));
        }
    };
    for link in &view.links {
        for (case, at) in &link.cases {
            let at = at.and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok());
            add(link.kind, &link.value, *case, at);
        }
    }
    // a case in scope shares the rest of what its victim named, but not what never links
    // (official and service numbers, common hosts) nor what an analyst cut from it
    for case in view.cases.iter().filter(|c| c.in_scope) {
        let named = store.case_identifiers(case.record.id)?;
        let live: Vec<bool> = {
            let linker = links.lock();
            named
                .iter()
                .map(|n| {
                    let key = LinkKey(n.link_key);
                    !linker.is_never_link(key)
                        && linker
                            .postings(key)
                            .iter()
                            .any(|p| linker.external(p.case) as i64 == case.record.id)
                })
                .collect()
        };
        for (n, live) in named.iter().zip(live) {
            if live {
                add(n.kind, &n.value, case.record.id, n.time);
            }
        }
    }
    for identifier in &mut identifiers {
        identifier.cases.sort_unstable();
    }
    Ok(ClusterExport {
        cluster: view.cluster,
        producer: fraudwall_sharing::PRODUCER.to_owned(),
        generated_at: OffsetDateTime::now_utc(),
        cases: view
            .cases
            .iter()
            .map(|c| ExportCase {
                id: c.record.id,
                fraud_type: c.record.fraud_type.clone(),
                reported_at: c.record.reported_at,
                territory: c.record.territory.clone(),
                loss_cents: c.record.loss_cents,
                currency: c.record.currency.clone(),
            })
            .collect(),
        identifiers,
    })
}

/// An identifier read from a shared document, normalized as fraudwall files it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedClue {
    pub identifier: Identifier,
    /// The MISP attribute type or STIX object type it came as.
    pub source_type: String,
    /// The attribute's or object's uuid in the document, for tracing it back.
    pub uuid: Option<String>,
    pub comment: Option<String>,
}

/// What a shared document holds for the clue intake.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedClues {
    /// Each identifier once, in the order the document gives them.
    pub clues: Vec<SharedClue>,
    /// Attributes and objects of types fraudwall does not link by.
    pub skipped: usize,
    /// Each attribute that was malformed or whose value is not an identifier of its kind,
    /// named by where it sits in the document, with its code.
    pub rejected: Vec<FieldError>,
}

/// Reads the phone numbers, bank accounts, URLs and domains of a MISP event (or a list of
/// them, or a MISP search answer) or a STIX 2.1 bundle, and normalizes each. A document that
/// is none of these is refused whole, with its code in the `document` field; a bad attribute
/// is refused alone.
pub fn read_shared(bytes: &[u8], normalizer: &PhoneNormalizer) -> Result<SharedClues, AppError> {
    let imported = fraudwall_sharing::misp::attributes(bytes).map_err(|err| {
        AppError::fields(vec![FieldError::new(
            "document",
            err.code(),
            err.to_string(),
        )])
    })?;
    let mut out = SharedClues {
        skipped: imported.skipped,
        rejected: imported
            .malformed
            .into_iter()
            .map(|m| FieldError::new(m.at, m.code, m.message))
            .collect(),
        ..SharedClues::default()
    };
    for shared in imported.identifiers {
        match Identifier::parse(shared.kind, &shared.value, normalizer) {
            Ok(identifier) => {
                if out.clues.iter().any(|c| c.identifier == identifier) {
                    continue;
                }
                out.clues.push(SharedClue {
                    identifier,
                    source_type: shared.source_type,
                    uuid: shared.uuid,
                    comment: shared.comment,
                });
            }
            Err(err) => out.rejected.push(FieldError::new(
                format!("{} {:?}", shared.source_type, shared.value),
                err.code,
                err.message,
            )),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fraudwall_ids::phone::Region;

    #[test]
    fn shared_identifiers_come_in_normalized_once() {
        let document = serde_json::json!({"Event": {"Attribute": [
            {"type": "phone-number", "value": "171 0000 0001"},
            {"type": "phone-number", "value": "+86 171-0000-0001"},
            {"type": "bank-account-nr", "value": "6222 0200 0000 0001"},
            {"type": "url", "value": "HTTP://Evil.Example/Login"},
            {"type": "domain", "value": "Evil.Example"},
            {"type": "phone-number", "value": "not a number"},
            {"type": "md5", "value": "d41d8cd98f00b204e9800998ecf8427e"},
        ]}});
        let read = read_shared(
            document.to_string().as_bytes(),
            &PhoneNormalizer::new(Region::CN),
        )
        .unwrap();
        let values: Vec<_> = read
            .clues
            .iter()
            .map(|c| (c.identifier.kind, c.identifier.value.as_str()))
            .collect();
        assert_eq!(
            values,
            [
                (Kind::Number, "+8617100000001"),
                (Kind::Account, "6222020000000001"),
                (Kind::Url, "evil.example/Login"),
                (Kind::Domain, "evil.example"),
            ]
        );
        assert_eq!(read.skipped, 1);
        assert_eq!(read.rejected.len(), 1);
        let err = read_shared(b"{}", &PhoneNormalizer::new(Region::CN)).unwrap_err();
        assert_eq!(err.fields[0].code, "not_misp_or_stix");
    }

    #[test]
    fn formats_are_named() {
        assert_eq!("stix".parse::<Format>().unwrap(), Format::Stix);
        assert_eq!("misp".parse::<Format>().unwrap(), Format::Misp);
        assert_eq!(
            "csv".parse::<Format>().unwrap_err().fields[0].code,
            "unknown_format"
        );
    }
}
