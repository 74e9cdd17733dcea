//! Activity records in: call and SMS records, web visits, app installs and transfers, from
//! `POST /v1/events` slots or an NDJSON or CSV file. Each record is checked alone; the good
//! ones go into the contact index, durable before the call returns.

use std::io::{BufRead, Read};

use fraudwall_records::{ContactIndex, Kind as RecordKind, Record, parse_line, parse_ndjson};
use fraudwall_store::Role;

use crate::cards::LineReport;
use crate::error::{AppError, ErrorKind};
use crate::principal::Principal;

/// Records stored per append: a few megabytes of log per fsync.
const BATCH: usize = 100_000;

/// Whether `principal` may report this kind of record: operators their network's calls,
/// messages, visits and installs; banks their transfers; the centre any.
fn may_report(principal: &Principal, kind: RecordKind) -> Result<(), String> {
    match (principal.role, kind) {
        (Role::Admin | Role::Analyst, _) => Ok(()),
        (Role::Telco, k) if k != RecordKind::Transfer => Ok(()),
        (Role::Bank, RecordKind::Transfer) => Ok(()),
        (Role::Telco, _) => Err("operators report calls, messages, visits and installs".into()),
        (Role::Bank, _) => Err("banks report transfers".into()),
        _ => Err("this role reports no activity records".into()),
    }
}

fn check_role(principal: &Principal) -> Result<(), AppError> {
    if matches!(
        principal.role,
        Role::Admin | Role::Analyst | Role::Telco | Role::Bank
    ) {
        Ok(())
    } else {
        Err(AppError::new(
            ErrorKind::ForbiddenRole,
            "activity records come from operators, banks and the centre",
        ))
    }
}

/// Stores the records of a request's slots, handing them to the caller in `good` too; each
/// slot gets its own result, and a bad slot stores nothing of itself and harms no other.
pub fn ingest_slots(
    index: &dyn ContactIndex,
    principal: &Principal,
    slots: &[&[u8]],
    good: &mut Vec<Record>,
) -> Result<Vec<Result<(), AppError>>, AppError> {
    check_role(principal)?;
    good.clear();
    let results: Vec<Result<(), AppError>> = slots
        .iter()
        .map(|slot| {
            let record = parse_line(slot).map_err(|m| AppError::new(ErrorKind::Invalid, m))?;
            may_report(principal, record.kind)
                .map_err(|m| AppError::new(ErrorKind::ForbiddenRole, m))?;
            good.push(record);
            Ok(())
        })
        .collect();
    index.append(good)?;
    metrics::counter!("fraudwall_records_ingested_total").increment(good.len() as u64);
    Ok(results)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    Ndjson,
    Csv,
}

/// What an import of records did.
pub type EventsImportReport = LineReport;

/// Imports a file of records. `progress` hears the bytes read so far.
pub fn import(
    index: &dyn ContactIndex,
    principal: &Principal,
    format: RecordFormat,
    input: &mut dyn BufRead,
    progress: &mut dyn FnMut(u64),
) -> Result<EventsImportReport, AppError> {
    check_role(principal)?;
    let mut report = EventsImportReport::default();
    let mut batch: Vec<Record> = Vec::with_capacity(BATCH);
    let keep = |report: &mut EventsImportReport, batch: &mut Vec<Record>, line, record: Record| {
        match may_report(principal, record.kind) {
            Ok(()) => batch.push(record),
            Err(message) => report.reject(line, message),
        }
    };
    match format {
        RecordFormat::Ndjson => {
            let mut buffer = Vec::with_capacity(8 << 20);
            let mut line_no = 1u64;
            let mut read = 0u64;
            let mut parsed = Vec::new();
            let mut errors = Vec::new();
            loop {
                // whole lines only: a chunk ends at its last newline
                let before = buffer.len();
                let n = std::io::Read::take(&mut *input, 8 << 20)
                    .read_to_end(&mut buffer)
                    .map_err(|e| AppError::new(ErrorKind::Invalid, format!("reading: {e}")))?;
                let done = n == 0;
                read += (buffer.len() - before) as u64;
                let cut = if done {
                    buffer.len()
                } else {
                    match buffer.iter().rposition(|&b| b == b'\n') {
                        Some(i) => i + 1,
                        None => continue,
                    }
                };
                parsed.clear();
                errors.clear();
                parse_ndjson(&buffer[..cut], line_no, &mut parsed, &mut errors);
                line_no += buffer[..cut].iter().filter(|&&b| b == b'\n').count() as u64;
                for err in errors.drain(..) {
                    report.reject(err.line, err.message);
                }
                for record in parsed.drain(..) {
                    keep(&mut report, &mut batch, 0, record);
                }
                buffer.drain(..cut);
                if batch.len() >= BATCH || done {
                    index.append(&batch)?;
                    report.imported += batch.len() as u64;
                    batch.clear();
                    progress(read);
                }
                if done {
                    break;
                }
            }
        }
        RecordFormat::Csv => {
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .trim(csv::Trim::All)
                .from_reader(input);
            let header = reader
                .headers()
                .map_err(|e| AppError::new(ErrorKind::Invalid, format!("header: {e}")))?
                .clone();
            if !header.iter().any(|h| h == "kind") {
                return Err(AppError::new(
                    ErrorKind::Invalid,
                    "the header names no kind column",
                ));
            }
            let mut row = csv::StringRecord::new();
            let mut line = 1u64;
            loop {
                line += 1;
                match reader.read_record(&mut row) {
                    Ok(false) => break,
                    Ok(true) => match parse_line(&csv_row_as_json(&header, &row)) {
                        Ok(record) => keep(&mut report, &mut batch, line, record),
                        Err(message) => report.reject(line, message),
                    },
                    Err(err) => report.reject(line, err.to_string()),
                }
                if batch.len() >= BATCH {
                    index.append(&batch)?;
                    report.imported += batch.len() as u64;
                    batch.clear();
                    progress(reader.position().byte());
                }
            }
            index.append(&batch)?;
            report.imported += batch.len() as u64;
            progress(reader.position().byte());
        }
    }
    metrics::counter!("fraudwall_records_ingested_total").increment(report.imported);
    Ok(report)
}

/// A CSV row as the JSON object its NDJSON line would be: numbers where the contract has
/// numbers, empty cells left out.
fn csv_row_as_json(header: &csv::StringRecord, row: &csv::StringRecord) -> Vec<u8> {
    let mut object = serde_json::Map::new();
    for (name, value) in header.iter().zip(row.iter()) {
        if value.is_empty() {
            continue;
        }
        let value = match name {
            "duration_s" | "amount" => match (value.parse::<u64>(), value.parse::<f64>()) {
                (Ok(n), _) => serde_json::json!(n),
                (_, Ok(n)) => serde_json::json!(n),
                _ => serde_json::json!(value),
            },
            _ => serde_json::json!(value),
        };
        object.insert(name.to_owned(), value);
    }
    serde_json::to_vec(&object).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use fraudwall_records::{Direction, MemoryIndex};

    use super::*;

    fn telco() -> Principal {
        Principal {
            role: Role::Telco,
            org: Some("china_mobile".into()),
            ..Principal::command_line()
        }
    }

    #[test]
    fn ndjson_and_csv_import_alike_and_bad_lines_fail_alone() {
        let ndjson = b"{\"kind\":\"call_record\",\"caller\":\"+8617100000001\",\"callee\":\"+8613800000001\",\"start\":\"2026-03-02T08:00:00+08:00\",\"duration_s\":1500}\n\
{\"kind\":\"call_record\",\"caller\":\"+8617100000001\"}\n\
{\"kind\":\"transfer_record\",\"from_account\":\"6217000010001234567\",\"to_account\":\"6222000020002345678\",\"amount\":5,\"currency\":\"CNY\",\"time\":\"2026-03-02T08:00:00+08:00\"}\n\
{\"kind\":\"sms_record\",\"sender\":\"+8617100000001\",\"recipient\":\"+8613800000002\",\"time\":\"2026-03-02T08:01:00+08:00\"}";
        let index = MemoryIndex::new();
        let report = import(
            &index,
            &telco(),
            RecordFormat::Ndjson,
            &mut &ndjson[..],
            &mut |_| {},
        )
        .unwrap();
        assert_eq!((report.imported, report.rejected), (2, 2));
        assert_eq!(report.errors[0].line, 2);
        let csv = "kind,caller,callee,start,duration_s\n\
            call_record,+8617100000001,+8613800000001,2026-03-02T08:00:00+08:00,1500\n\
            call_record,+8617100000001,+8613800000003,2026-03-02T09:00:00+08:00,soon\n";
        let report = import(
            &index,
            &telco(),
            RecordFormat::Csv,
            &mut csv.as_bytes(),
            &mut |_| {},
        )
        .unwrap();
        assert_eq!((report.imported, report.rejected), (1, 1));
        assert_eq!(report.errors[0].line, 3);
        let key = fraudwall_ids::phone::E164::parse("+8617100000001")
            .unwrap()
            .key();
        let calls = index
            .contacts(key, Direction::Outgoing, 0, i64::MAX)
            .unwrap();
        // the same call sent twice, once from each format, is one record
        assert_eq!(calls.len(), 2);
    }

    #[test]
    fn a_bad_slot_fails_alone() {
        let index = MemoryIndex::new();
        let slots: [&[u8]; 2] = [
            br#"{"kind":"sms_record","sender":"+8617100000001","recipient":"+8613800000002","time":"2026-03-02T08:01:00+08:00"}"#,
            br#"{"kind":"visit"}"#,
        ];
        let results = ingest_slots(&index, &telco(), &slots, &mut Vec::new()).unwrap();
        assert!(results[0].is_ok());
        assert_eq!(results[1].as_ref().unwrap_err().kind, ErrorKind::Invalid);
        assert_eq!(index.stats().records, 1);
    }
}
