//! From list files to changes, and from entries back to list files. The command line and the
//! API share these, so a file imports the same way through either.

use std::fmt::Write as _;

use fraudwall_ids::phone::PhoneNormalizer;

use crate::entry::{Attributes, Change, Entry, Identifier, Kind, List, OnExisting, Source};
use crate::import::{self, Format, Target};
use crate::taxonomy;

/// A line that did not become a change, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub line: u64,
    /// The line's value as written, cut to 200 characters.
    pub text: String,
    pub code: &'static str,
    pub message: String,
}

/// What a list file asks for.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportPlan {
    pub changes: Vec<Change>,
    /// The line each change came from, in the same order.
    pub lines: Vec<u64>,
    pub rejected: Vec<Rejection>,
    /// Comments and blank lines.
    pub skipped: u64,
}

/// Parses `text` in `format` and turns every entry into a put on `list`. Hosts and host paths
/// (hosts and abp files) become domain, IP or URL entries whatever `kind` says, since that is
/// what they are; other lines are parsed as `kind`. Nothing is dropped silently: every line is
/// a change, a rejection or a skipped comment.
pub fn plan_import(
    text: &str,
    format: Format,
    list: List,
    kind: Kind,
    source: Source,
    normalizer: &PhoneNormalizer,
) -> ImportPlan {
    let parsed = import::parse(format, text);
    let mut plan = ImportPlan {
        // most candidates become changes; sized first for the reason the candidates are
        changes: Vec::with_capacity(parsed.candidates.len()),
        lines: Vec::with_capacity(parsed.candidates.len()),
        skipped: parsed.skipped,
        rejected: parsed
            .rejected
            .into_iter()
            .map(|line| Rejection {
                line: line.line,
                text: line.text,
                code: line.error.code(),
                message: line.error.to_string(),
            })
            .collect(),
    };
    let host_kinds = matches!(kind, Kind::Domain | Kind::Url | Kind::Ip);
    for candidate in parsed.candidates {
        let reject = |code, message: String| Rejection {
            line: candidate.line,
            text: candidate.value.chars().take(200).collect(),
            code,
            message,
        };
        let parsed_kind = match candidate.target {
            Target::Host | Target::HostPath if !host_kinds => {
                plan.rejected.push(reject(
                    "import_kind_mismatch",
                    format!("a {format:?} line names a host, not a {kind}").to_lowercase(),
                ));
                continue;
            }
            Target::Host => Kind::Domain,
            Target::HostPath => Kind::Url,
            Target::Value => kind,
        };
        let identifier = match Identifier::parse(parsed_kind, &candidate.value, normalizer) {
            Ok(identifier) => identifier,
            Err(error) => {
                plan.rejected.push(reject(error.code, error.message));
                continue;
            }
        };
        let expires_at = match candidate.expires_at.as_deref().map(normalize_time) {
            None => None,
            Some(Ok(time)) => Some(time),
            Some(Err(message)) => {
                plan.rejected.push(reject("import_bad_expiry", message));
                continue;
            }
        };
        if let Some(fraud_type) = &candidate.fraud_type
            && !taxonomy::is_fraud_type(fraud_type)
        {
            plan.rejected.push(reject(
                "unknown_fraud_type",
                taxonomy::unknown_fraud_type(fraud_type),
            ));
            continue;
        }
        let mut attributes = Attributes::new(source);
        attributes.fraud_type = candidate.fraud_type;
        attributes.confidence = candidate.confidence.map_or(1.0, |c| c as f32);
        attributes.expires_at = expires_at;
        attributes.note = candidate.note;
        plan.lines.push(candidate.line);
        plan.changes.push(Change::Put {
            list,
            identifier,
            attributes,
            on_existing: OnExisting::Keep,
        });
    }
    plan.rejected.sort_by_key(|r| r.line);
    plan
}

/// An RFC 3339 time in UTC with a `Z`, the one spelling the store compares as text.
pub fn normalize_time(text: &str) -> Result<String, String> {
    use time::format_description::well_known::Rfc3339;
    let parsed = time::OffsetDateTime::parse(text.trim(), &Rfc3339)
        .map_err(|err| format!("{text:?} is not an RFC 3339 time: {err}"))?;
    parsed
        .to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|err| err.to_string())
}

/// The header of a csv export.
pub const CSV_HEADER: &str =
    "list,kind,value,fraud_type,confidence,severity,source,expires_at,created_at,author,note";

/// The header of a csv export that carries only what a node needs to decide.
pub const DECISION_CSV_HEADER: &str = "list,kind,value,fraud_type,confidence,severity,expires_at";

/// How much of an entry an export carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything, notes and authors included: for analysts.
    Full,
    /// What a node needs to decide, and nothing about who listed it or why: for operators and
    /// banks, whose nodes must not hold analysts' notes (which can name informants).
    Decision,
}

impl Detail {
    pub fn csv_header(self) -> &'static str {
        match self {
            Detail::Full => CSV_HEADER,
            Detail::Decision => DECISION_CSV_HEADER,
        }
    }
}

/// Writes `entry` as one line of `format`. Returns false, writing nothing, when the format cannot
/// hold the entry (a phone number in a hosts file).
pub fn write_entry(format: Format, entry: &Entry, out: &mut String) -> bool {
    write_entry_with(format, Detail::Full, entry, out)
}

/// [`write_entry`] at a chosen detail; only csv has more than the value to leave out.
pub fn write_entry_with(format: Format, detail: Detail, entry: &Entry, out: &mut String) -> bool {
    let identifier = &entry.identifier;
    match format {
        Format::Plain => {
            let _ = writeln!(out, "{}", identifier.value);
        }
        Format::Hosts => match identifier.kind {
            Kind::Domain | Kind::Ip => {
                let _ = writeln!(out, "0.0.0.0 {}", identifier.value);
            }
            _ => return false,
        },
        Format::Abp => match identifier.kind {
            Kind::Domain | Kind::Ip | Kind::Url => {
                let _ = writeln!(out, "||{}^", identifier.value);
            }
            _ => return false,
        },
        Format::Csv => {
            let attributes = &entry.attributes;
            let confidence = format!("{}", attributes.confidence);
            let decision = [
                entry.list.as_str(),
                identifier.kind.as_str(),
                identifier.value.as_str(),
                attributes.fraud_type.as_deref().unwrap_or_default(),
                confidence.as_str(),
                attributes.severity.as_str(),
            ];
            let expires = attributes.expires_at.as_deref().unwrap_or_default();
            let rest: &[&str] = match detail {
                Detail::Decision => &[expires],
                Detail::Full => &[
                    attributes.source.as_str(),
                    expires,
                    entry.created_at.as_str(),
                    entry.author.as_str(),
                    attributes.note.as_deref().unwrap_or_default(),
                ],
            };
            for (i, field) in decision.iter().chain(rest).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_csv_field(field, out);
            }
            out.push('\n');
        }
    }
    true
}

fn write_csv_field(field: &str, out: &mut String) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::{Severity, Source};
    use fraudwall_ids::phone::Region;

    fn plan(text: &str, format: Format, kind: Kind) -> ImportPlan {
        plan_import(
            text,
            format,
            List::Black,
            kind,
            Source::Import,
            &PhoneNormalizer::new(Region::CN),
        )
    }

    fn values(plan: &ImportPlan) -> Vec<(u64, Kind, String)> {
        plan.changes
            .iter()
            .zip(&plan.lines)
            .map(|(change, line)| match change {
                Change::Put { identifier, .. } => {
                    (*line, identifier.kind, identifier.value.clone())
                }
                Change::Remove { .. } => unreachable!("imports only put"),
            })
            .collect()
    }

    #[test]
    fn abp_hosts_and_paths_become_domain_ip_and_url_entries() {
        let plan = plan(
            "! comment\n||Evil.Example^\n||evil.example/login/^$all\n1.2.3.4\n##.ad\n",
            Format::Abp,
            Kind::Url,
        );
        assert_eq!(
            values(&plan),
            [
                (2, Kind::Domain, "evil.example".to_owned()),
                (3, Kind::Url, "evil.example/login/".to_owned()),
                (4, Kind::Ip, "1.2.3.4".to_owned()),
            ]
        );
        assert_eq!(plan.rejected.len(), 1);
        assert_eq!(
            (plan.rejected[0].line, plan.rejected[0].code),
            (5, "import_unsupported_abp")
        );
        assert_eq!(plan.skipped, 1);
    }

    #[test]
    fn bad_values_are_rejected_with_the_parser_code_and_their_line() {
        let plan = plan(
            "13800138000\nnot a number\n+86 138 0013 8001\n12\n",
            Format::Plain,
            Kind::Number,
        );
        assert_eq!(plan.changes.len(), 2);
        let rejected: Vec<_> = plan.rejected.iter().map(|r| r.line).collect();
        assert_eq!(rejected, [2, 4]);
        assert!(
            plan.rejected[1].code.starts_with("phone_"),
            "{:?}",
            plan.rejected[1]
        );
    }

    #[test]
    fn hosts_lines_cannot_fill_a_number_list() {
        let plan = plan("0.0.0.0 evil.example\n", Format::Hosts, Kind::Number);
        assert!(plan.changes.is_empty());
        assert_eq!(plan.rejected[0].code, "import_kind_mismatch");
    }

    #[test]
    fn csv_columns_fill_the_attributes_and_expiry_is_normalized_to_utc() {
        let plan = plan(
            "value,fraud_type,confidence,expires_at\n13800138000,fake_loan_credit,0.7,2027-01-01T08:00:00+08:00\n13800138001,,,yesterday\n",
            Format::Csv,
            Kind::Number,
        );
        assert_eq!(plan.changes.len(), 1);
        let Change::Put { attributes, .. } = &plan.changes[0] else {
            unreachable!()
        };
        assert_eq!(attributes.fraud_type.as_deref(), Some("fake_loan_credit"));
        assert_eq!(attributes.confidence, 0.7);
        assert_eq!(
            attributes.expires_at.as_deref(),
            Some("2027-01-01T00:00:00Z")
        );
        assert_eq!(plan.rejected[0].code, "import_bad_expiry");
    }

    #[test]
    fn csv_fraud_types_outside_the_taxonomy_are_rejected_by_line() {
        let plan = plan(
            "value,fraud_type\n13800138000,no_such_type\n13800138001,online_gambling\n",
            Format::Csv,
            Kind::Number,
        );
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.rejected[0].line, 2);
        assert_eq!(plan.rejected[0].code, "unknown_fraud_type");
    }

    #[test]
    fn exports_read_back_as_the_same_entries() {
        let normalizer = PhoneNormalizer::new(Region::CN);
        let entry = |kind, raw| Entry {
            id: 1,
            list: List::Black,
            identifier: Identifier::parse(kind, raw, &normalizer).unwrap(),
            attributes: Attributes {
                fraud_type: Some("other".into()),
                note: Some("says \"hi\", twice".into()),
                severity: Severity::Fatal,
                ..Attributes::new(Source::Analyst)
            },
            author: "analyst".into(),
            created_at: "2026-11-23T00:00:00Z".into(),
            updated_at: "2026-11-23T00:00:00Z".into(),
            version: 1,
            removed: false,
        };
        let entries = [
            entry(Kind::Domain, "evil.example"),
            entry(Kind::Url, "evil.example/a/"),
            entry(Kind::Number, "13800138000"),
        ];
        for format in [Format::Plain, Format::Hosts, Format::Abp, Format::Csv] {
            let mut text = String::new();
            if format == Format::Csv {
                text.push_str(CSV_HEADER);
                text.push('\n');
            }
            let written: Vec<_> = entries
                .iter()
                .filter(|e| write_entry(format, e, &mut text))
                .collect();
            let kind = if format == Format::Plain {
                Kind::Domain
            } else {
                Kind::Url
            };
            let back = plan(&text, format, kind);
            let expected = match format {
                Format::Hosts => 1,
                Format::Abp => 2,
                Format::Plain => 1, // as domains, only the domain line parses
                // read as urls; `+8613800138000` is no web host, so that line is rejected
                Format::Csv => 2,
            };
            assert_eq!(
                back.changes.len(),
                expected,
                "{format:?}:\n{text}\n{:?}",
                back.rejected
            );
            assert!(written.len() >= expected);
        }
    }

    #[test]
    fn a_decision_export_keeps_what_decides_and_drops_who_and_why() {
        let normalizer = PhoneNormalizer::new(Region::CN);
        let entry = Entry {
            id: 1,
            list: List::Black,
            identifier: Identifier::parse(Kind::Number, "13800138000", &normalizer).unwrap(),
            attributes: Attributes {
                fraud_type: Some("impersonate_police_government".into()),
                confidence: 0.75,
                note: Some("tip from informant wang".into()),
                evidence: vec!["case:7".into()],
                expires_at: Some("2027-01-01T00:00:00Z".into()),
                ..Attributes::new(Source::Analyst)
            },
            author: "analyst-li".into(),
            created_at: "2026-11-23T00:00:00Z".into(),
            updated_at: "2026-11-23T00:00:00Z".into(),
            version: 1,
            removed: false,
        };
        let mut text = String::new();
        assert!(write_entry_with(
            Format::Csv,
            Detail::Decision,
            &entry,
            &mut text
        ));
        assert_eq!(
            text,
            "black,number,+8613800138000,impersonate_police_government,0.75,normal,2027-01-01T00:00:00Z\n"
        );
        let mut full = String::new();
        write_entry(Format::Csv, &entry, &mut full);
        assert!(full.contains("informant") && full.contains("analyst-li"));
        // the stripped file still imports, with what a node decides by
        let back = plan(
            &format!("{DECISION_CSV_HEADER}\n{text}"),
            Format::Csv,
            Kind::Number,
        );
        assert_eq!(back.changes.len(), 1, "{:?}", back.rejected);
    }
}
