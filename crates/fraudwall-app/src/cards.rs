//! Who holds each phone and bank card: operators' SIM registrations and banks' account
//! openings, imported from their CSV files. Linking reads them to keep a recycled number's
//! holders apart, and the leads read them to find the person or SIM box behind several cards.
//!
//! Two file forms, told apart by their header:
//! - SIMs: `phone,operator,activated_on[,device][,holder]`;
//! - accounts: `account,holder_phone,bank,opened_on[,type]`.
//!
//! Dates are `YYYY-MM-DD` (the start of that day, UTC) or RFC 3339 times.

use std::io::BufRead;

use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::{Identifier, Kind};
use fraudwall_store::{CardRecord, Role, Store};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::audit;
use crate::error::{AppError, ErrorKind};
use crate::principal::Principal;

/// Rows written per store transaction.
const BATCH: usize = 50_000;
/// Rejected lines reported one by one; the rest are only counted.
const REPORTED_ERRORS: usize = 100;

/// Who may tell the system who holds a card: operators for SIMs, banks for accounts, and the
/// centre's own staff for either.
const CARD_SOURCES: [Role; 4] = [Role::Admin, Role::Analyst, Role::Telco, Role::Bank];

/// What a card file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardFile {
    Sims,
    Accounts,
}

/// One rejected line: its number (the header is line 1) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedLine {
    pub line: u64,
    pub message: String,
}

/// What a line-by-line import did: rows stored, rows rejected, and the first rejected lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineReport {
    pub imported: u64,
    pub rejected: u64,
    pub errors: Vec<RejectedLine>,
}

impl LineReport {
    /// Counts a rejected line, keeping its number and reason among the first ones.
    pub fn reject(&mut self, line: u64, message: String) {
        self.rejected += 1;
        if self.errors.len() < REPORTED_ERRORS {
            self.errors.push(RejectedLine { line, message });
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardImportReport {
    pub file: CardFile,
    pub imported: u64,
    pub rejected: u64,
    /// The first rejected lines.
    pub errors: Vec<RejectedLine>,
}

/// Where each field sits in the file's columns.
struct Columns {
    file: CardFile,
    id: usize,
    since: Option<usize>,
    issuer: Option<usize>,
    device: Option<usize>,
    holder: Option<usize>,
    account_type: Option<usize>,
}

impl Columns {
    fn from_header(header: &csv::StringRecord) -> Result<Columns, AppError> {
        let at = |name: &str| header.iter().position(|h| h.trim() == name);
        if let Some(id) = at("phone") {
            Ok(Columns {
                file: CardFile::Sims,
                id,
                since: at("activated_on"),
                issuer: at("operator"),
                device: at("device"),
                holder: at("holder"),
                account_type: None,
            })
        } else if let Some(id) = at("account") {
            Ok(Columns {
                file: CardFile::Accounts,
                id,
                since: at("opened_on"),
                issuer: at("bank"),
                device: None,
                holder: at("holder_phone"),
                account_type: at("type"),
            })
        } else {
            Err(AppError::new(
                ErrorKind::Invalid,
                "a card file's header names a phone column (sims) or an account column (accounts)",
            ))
        }
    }

    fn card(
        &self,
        row: &csv::StringRecord,
        normalizer: &PhoneNormalizer,
    ) -> Result<CardRecord, String> {
        let field = |column: Option<usize>| {
            column
                .and_then(|c| row.get(c))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let raw = field(Some(self.id)).ok_or("the card is missing")?;
        let kind = match self.file {
            CardFile::Sims => Kind::Number,
            CardFile::Accounts => Kind::Account,
        };
        let identifier =
            Identifier::parse(kind, raw, normalizer).map_err(|err| format!("{raw}: {err}"))?;
        let since = field(self.since).map(since).transpose()?.unwrap_or(0);
        let holder = match (self.file, field(self.holder)) {
            // an account's holder is named by phone: written any way, read as one number
            (CardFile::Accounts, Some(phone)) => Some(
                Identifier::parse(Kind::Number, phone, normalizer)
                    .map_err(|err| format!("holder {phone}: {err}"))?
                    .value,
            ),
            (_, holder) => holder.map(str::to_owned),
        };
        Ok(CardRecord {
            kind: identifier.kind,
            value: identifier.value,
            key: identifier.key,
            since,
            holder,
            device: field(self.device).map(str::to_owned),
            issuer: field(self.issuer).map(str::to_owned),
            account_type: field(self.account_type).map(str::to_ascii_lowercase),
        })
    }
}

/// The issuer whose cards `principal` may describe: an operator its own SIMs, a bank its own
/// accounts; none for the centre's staff, who may describe any.
fn own_issuer(principal: &Principal, file: CardFile) -> Result<Option<&str>, AppError> {
    let own = match (principal.role, file) {
        (Role::Telco, CardFile::Sims) | (Role::Bank, CardFile::Accounts) => true,
        (Role::Telco, CardFile::Accounts) | (Role::Bank, CardFile::Sims) => {
            return Err(AppError::new(
                ErrorKind::ForbiddenRole,
                "operators describe their SIMs, banks their accounts",
            ));
        }
        _ => false,
    };
    if !own {
        return Ok(None);
    }
    match principal.org.as_deref() {
        Some(org) => Ok(Some(org)),
        None => Err(AppError::new(
            ErrorKind::ForbiddenScope,
            "this token names no organisation, so it may describe no card",
        )),
    }
}

fn issued_by(card: CardRecord, issuer: Option<&str>) -> Result<CardRecord, String> {
    match issuer {
        Some(own)
            if !card
                .issuer
                .as_deref()
                .is_some_and(|i| i.eq_ignore_ascii_case(own)) =>
        {
            Err(format!("{} is not issued by {own}", card.value))
        }
        _ => Ok(card),
    }
}

/// A date or time as unix seconds.
fn since(text: &str) -> Result<i64, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = Date::parse(text, &format) {
        return Ok(date.midnight().assume_utc().unix_timestamp());
    }
    OffsetDateTime::parse(text, &Rfc3339)
        .map(OffsetDateTime::unix_timestamp)
        .map_err(|_| format!("{text:?} is neither a date (YYYY-MM-DD) nor an RFC 3339 time"))
}

/// Imports a card file. A malformed line is rejected alone, with its line number; the others
/// are stored in batches. `progress` hears the bytes read so far. Audited.
pub fn import(
    store: &dyn Store,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    input: &mut dyn BufRead,
    progress: &mut dyn FnMut(u64),
) -> Result<CardImportReport, AppError> {
    if !CARD_SOURCES.contains(&principal.role) {
        return Err(AppError::new(
            ErrorKind::ForbiddenRole,
            "card holders come from operators, banks, analysts and administrators",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(input);
    let header = reader
        .headers()
        .map_err(|err| AppError::new(ErrorKind::Invalid, format!("card file header: {err}")))?
        .clone();
    let columns = Columns::from_header(&header)?;
    let issuer = own_issuer(principal, columns.file)?;
    let mut report = CardImportReport {
        file: columns.file,
        imported: 0,
        rejected: 0,
        errors: Vec::new(),
    };
    let mut batch = Vec::with_capacity(BATCH);
    let mut row = csv::StringRecord::new();
    let mut line = 1u64;
    loop {
        line += 1;
        let card = match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => columns
                .card(&row, normalizer)
                .and_then(|card| issued_by(card, issuer)),
            Err(err) => Err(err.to_string()),
        };
        match card {
            Ok(card) => batch.push(card),
            Err(message) => {
                report.rejected += 1;
                if report.errors.len() < REPORTED_ERRORS {
                    report.errors.push(RejectedLine { line, message });
                }
            }
        }
        if batch.len() == BATCH {
            store.put_cards(&batch)?;
            report.imported += batch.len() as u64;
            batch.clear();
            progress(reader.position().byte());
        }
    }
    if !batch.is_empty() {
        store.put_cards(&batch)?;
        report.imported += batch.len() as u64;
    }
    progress(reader.position().byte());
    audit::record(
        store,
        principal,
        "cards.import",
        match columns.file {
            CardFile::Sims => "cards:sims",
            CardFile::Accounts => "cards:accounts",
        },
        serde_json::json!({"imported": report.imported, "rejected": report.rejected}),
    )?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use fraudwall_ids::phone::Region;
    use fraudwall_store::{CardStore, SqliteStore};

    use super::*;

    fn import_text(
        store: &SqliteStore,
        role: Role,
        text: &str,
    ) -> Result<CardImportReport, AppError> {
        let principal = Principal {
            role,
            org: (role == Role::Telco).then(|| "china_unicom".to_owned()),
            ..Principal::command_line()
        };
        import(
            store,
            &PhoneNormalizer::new(Region::CN),
            &principal,
            &mut text.as_bytes(),
            &mut |_| {},
        )
    }

    #[test]
    fn sims_and_accounts_are_read_by_their_header_and_bad_lines_fail_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let sims = "phone,operator,activated_on,device\n\
            +8617100000001,china_unicom,2026-01-02,860000000000011\n\
            171 0000 0002,china_unicom,2026-01-03,860000000000011\n\
            not a number,china_unicom,2026-01-03,860000000000011\n\
            +8617100000003,china_unicom,yesterday,860000000000011\n";
        let report = import_text(&store, Role::Telco, sims).unwrap();
        assert_eq!(
            (report.file, report.imported, report.rejected),
            (CardFile::Sims, 2, 2)
        );
        assert_eq!(
            report.errors.iter().map(|e| e.line).collect::<Vec<_>>(),
            vec![4, 5]
        );
        let in_box = store.cards_by_device("860000000000011").unwrap();
        assert_eq!(in_box.len(), 2);
        assert_eq!(in_box[1].value, "+8617100000002");
        assert_eq!(in_box[0].since, 1_767_312_000);

        let accounts = "account,holder_phone,bank,opened_on,type\n\
            6222 0200 0000 0001,138 0013 8000,ICBC,2025-12-01,personal\n";
        let report = import_text(&store, Role::Admin, accounts).unwrap();
        assert_eq!((report.file, report.imported), (CardFile::Accounts, 1));
        let account = Identifier::parse(
            Kind::Account,
            "6222020000000001",
            &PhoneNormalizer::new(Region::CN),
        )
        .unwrap();
        let held = store.cards_of(Kind::Account, &[account.key]).unwrap();
        assert_eq!(held[0].holder.as_deref(), Some("+8613800138000"));
    }

    #[test]
    fn operators_and_banks_describe_only_their_own_cards() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let principal = |role, org: Option<&str>| Principal {
            role,
            org: org.map(str::to_owned),
            ..Principal::command_line()
        };
        let run = |principal: &Principal, text: &str| {
            import(
                &store,
                &PhoneNormalizer::new(Region::CN),
                principal,
                &mut text.as_bytes(),
                &mut |_| {},
            )
        };
        let accounts = "account,holder_phone,bank,opened_on\n\
            6222020000000001,13800138000,ICBC,2025-12-01\n\
            6228480000000001,13800138001,ABC,2025-12-01\n";
        let report = run(&principal(Role::Bank, Some("icbc")), accounts).unwrap();
        assert_eq!((report.imported, report.rejected), (1, 1));
        assert!(report.errors[0].message.contains("not issued by icbc"));
        let err = run(&principal(Role::Bank, None), accounts).unwrap_err();
        assert_eq!(err.kind, ErrorKind::ForbiddenScope);
        let err = run(
            &principal(Role::Bank, Some("icbc")),
            "phone,operator,activated_on\n+8617100000001,china_unicom,2026-01-02\n",
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::ForbiddenRole);
    }

    #[test]
    fn citizens_cannot_say_who_holds_a_card_and_a_headless_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let err = import_text(&store, Role::Reporter, "phone\n+8617100000001\n").unwrap_err();
        assert_eq!(err.kind, ErrorKind::ForbiddenRole);
        let err = import_text(&store, Role::Admin, "number,when\n1,2\n").unwrap_err();
        assert_eq!(err.kind, ErrorKind::Invalid);
        assert_eq!(store.card_count().unwrap(), 0);
    }
}
