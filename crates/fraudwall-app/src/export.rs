//! Lists leaving in bulk, as export files and as the change feed, each cut to what the caller
//! may hold. Analysts and administrators take everything. Operators and banks run nodes that
//! decide, so they take what deciding needs (value, list, kind, fraud type, confidence, severity,
//! expiry) and never notes, evidence or authors, which can name informants. An operator takes
//! every kind but accounts; a bank takes only the accounts its own cards were issued under.
//!
//! Exports stream page by page into a writer, so their memory does not grow with the list.

use std::io::Write;

use fraudwall_ids::account::{Account, Bank};
use fraudwall_lists::entry::{Entry, Kind, List};
use fraudwall_lists::import::Format;
use fraudwall_lists::listfile::{self, Detail};
use fraudwall_store::{AuditStore, ChangeCursor, EntryFilter, ListStore, Role};

use crate::audit;
use crate::error::{AppError, ErrorKind};
use crate::principal::Principal;

/// Entries read from the store at a time: a page and its text stay near a few megabytes.
const EXPORT_PAGE: usize = 10_000;
/// Bytes gathered before they are handed to the writer.
const WRITE_CHUNK: usize = 256 * 1024;

/// What a principal may take out of the lists in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// Every entry with every attribute.
    Full,
    /// Decision attributes only, of the kinds an operator's node decides on.
    Operator,
    /// Decision attributes only, of the accounts issued by this bank.
    Bank(Bank),
}

impl ExportScope {
    /// The scope of `principal`, or why it has none.
    pub fn of(principal: &Principal) -> Result<ExportScope, AppError> {
        match principal.role {
            Role::Admin | Role::Analyst => Ok(ExportScope::Full),
            Role::Telco => Ok(ExportScope::Operator),
            Role::Bank => {
                let org = principal.org.as_deref().unwrap_or_default();
                Bank::from_code(org).map(ExportScope::Bank).ok_or_else(|| {
                    AppError::new(
                        ErrorKind::ForbiddenScope,
                        format!(
                            "a bank token exports the accounts of its own bank: its org {org:?} names no known bank"
                        ),
                    )
                })
            }
            role => Err(AppError::new(
                ErrorKind::ForbiddenRole,
                format!("a {} token does not export lists", role.as_str()),
            )),
        }
    }

    pub fn detail(self) -> Detail {
        match self {
            ExportScope::Full => Detail::Full,
            ExportScope::Operator | ExportScope::Bank(_) => Detail::Decision,
        }
    }

    pub fn allows_kind(self, kind: Kind) -> bool {
        match self {
            ExportScope::Full => true,
            ExportScope::Operator => kind != Kind::Account,
            ExportScope::Bank(_) => kind == Kind::Account,
        }
    }

    /// Whether `entry` may leave to this scope.
    pub fn shows(self, entry: &Entry) -> bool {
        let kind = entry.identifier.kind;
        match self {
            ExportScope::Bank(bank) => {
                kind == Kind::Account
                    && Account::parse(&entry.identifier.value)
                        .ok()
                        .and_then(|account| account.bank())
                        == Some(bank)
            }
            scope => scope.allows_kind(kind),
        }
    }

    /// `entry` as this scope may see it: who listed it and why are dropped below full detail.
    fn cut(self, mut entry: Entry) -> Entry {
        if self.detail() == Detail::Decision {
            entry.author.clear();
            entry.attributes.note = None;
            entry.attributes.evidence.clear();
        }
        entry
    }

    fn name(self) -> &'static str {
        match self {
            ExportScope::Full => "full",
            ExportScope::Operator => "operator",
            ExportScope::Bank(_) => "bank",
        }
    }
}

/// Checks that `principal` may export `kind`, before anything is written.
pub fn check(principal: &Principal, kind: Kind) -> Result<ExportScope, AppError> {
    let scope = ExportScope::of(principal)?;
    if !scope.allows_kind(kind) {
        return Err(AppError::new(
            ErrorKind::ForbiddenScope,
            format!(
                "a {} token does not export {} entries",
                principal.role.as_str(),
                kind.as_str()
            ),
        ));
    }
    Ok(scope)
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    App(#[from] AppError),
    /// The reader went away (a closed pipe, a dropped connection).
    #[error("export not delivered: {0}")]
    Write(#[from] std::io::Error),
}

impl From<fraudwall_store::StoreError> for ExportError {
    fn from(err: fraudwall_store::StoreError) -> ExportError {
        ExportError::App(err.into())
    }
}

/// Writes a list's live entries of one kind as a list file, cut to the caller's scope, page by
/// page. The export is audited before the first entry leaves. Returns the entries written.
pub fn export<S: ListStore + AuditStore + ?Sized>(
    store: &S,
    principal: &Principal,
    list: List,
    kind: Kind,
    format: Format,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let scope = check(principal, kind)?;
    audit::record(
        store,
        principal,
        "lists.export",
        &format!("list:{list}"),
        serde_json::json!({"kind": kind.as_str(), "format": format.as_str(), "scope": scope.name()}),
    )?;
    let filter = EntryFilter {
        list: Some(list),
        kind: Some(kind),
        include_removed: false,
    };
    let mut text = String::with_capacity(WRITE_CHUNK + 4096);
    if format == Format::Csv {
        text.push_str(scope.detail().csv_header());
        text.push('\n');
    }
    let mut written = 0;
    let mut after = 0;
    loop {
        let page = store.list_entries(&filter, after, EXPORT_PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        let full_page = page.len() == EXPORT_PAGE;
        for entry in page.iter().filter(|entry| scope.shows(entry)) {
            if listfile::write_entry_with(format, scope.detail(), entry, &mut text) {
                written += 1;
            }
            if text.len() >= WRITE_CHUNK {
                out.write_all(text.as_bytes())?;
                text.clear();
            }
        }
        if !full_page {
            break;
        }
    }
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(written)
}

/// A page of the change feed, cut to the caller's scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangesPage {
    /// The store's list version when the page was read.
    pub version: u64,
    pub entries: Vec<Entry>,
    /// Where the next page starts; none when the feed is exhausted. Pages cut by scope can be
    /// short or empty while more follow, so callers page by this, not by the count.
    pub next: Option<ChangeCursor>,
    pub detail: Detail,
}

/// Additions and tombstones after `cursor`, as the caller may see them. Audited.
pub fn changes<S: ListStore + AuditStore + ?Sized>(
    store: &S,
    principal: &Principal,
    cursor: ChangeCursor,
    limit: usize,
) -> Result<ChangesPage, AppError> {
    let scope = ExportScope::of(principal)?;
    let version = store.list_version()?;
    let page = store.list_changes(cursor, limit)?;
    let next = (page.len() == limit)
        .then(|| {
            page.last().map(|last| ChangeCursor {
                since: last.version,
                after_id: Some(last.id),
            })
        })
        .flatten();
    let read = page.len();
    let entries: Vec<Entry> = page
        .into_iter()
        .filter(|entry| scope.shows(entry))
        .map(|entry| scope.cut(entry))
        .collect();
    audit::record(
        store,
        principal,
        "lists.changes",
        "lists",
        serde_json::json!({
            "since": cursor.since,
            "after": cursor.after_id,
            "read": read,
            "count": entries.len(),
            "scope": scope.name(),
        }),
    )?;
    Ok(ChangesPage {
        version,
        entries,
        next,
        detail: scope.detail(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fraudwall_ids::phone::{PhoneNormalizer, Region};
    use fraudwall_lists::entry::{Attributes, Change, Identifier, OnExisting, Source};
    use fraudwall_store::SqliteStore;

    fn principal(role: Role, org: Option<&str>) -> Principal {
        Principal {
            token_id: Some(1),
            name: "t".into(),
            role,
            org: org.map(str::to_owned),
            territory: None,
        }
    }

    /// An ICBC card, a CCB card, a number and a domain, each with a note naming an informant.
    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        let normalizer = PhoneNormalizer::new(Region::CN);
        let changes: Vec<Change> = [
            (Kind::Account, "6222020200112233446"),
            (Kind::Account, "6217000010012345677"),
            (Kind::Number, "13800138000"),
            (Kind::Domain, "evil.example"),
        ]
        .into_iter()
        .map(|(kind, raw)| Change::Put {
            list: List::Black,
            identifier: Identifier::parse(kind, raw, &normalizer).unwrap(),
            attributes: Attributes {
                note: Some("informant wang".into()),
                ..Attributes::new(Source::Analyst)
            },
            on_existing: OnExisting::Keep,
        })
        .collect();
        store
            .apply_list_changes(&changes, "analyst-li", false)
            .unwrap();
        (dir, store)
    }

    fn exported(store: &SqliteStore, who: &Principal, kind: Kind) -> Result<String, ExportError> {
        let mut out = Vec::new();
        export(store, who, List::Black, kind, Format::Csv, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_bank_exports_only_its_own_accounts_without_notes() {
        let (_dir, store) = store();
        let icbc = principal(Role::Bank, Some("icbc"));
        let text = exported(&store, &icbc, Kind::Account).unwrap();
        assert!(text.contains("6222020200112233446"), "{text}");
        assert!(
            !text.contains("6217000010012345677"),
            "another bank's card: {text}"
        );
        assert!(
            !text.contains("informant") && !text.contains("analyst-li"),
            "{text}"
        );
        assert!(matches!(
            exported(&store, &icbc, Kind::Number),
            Err(ExportError::App(AppError {
                kind: ErrorKind::ForbiddenScope,
                ..
            }))
        ));
        let nobody = principal(Role::Bank, None);
        assert!(exported(&store, &nobody, Kind::Account).is_err());
    }

    #[test]
    fn an_operator_exports_numbers_and_domains_but_no_accounts_or_notes() {
        let (_dir, store) = store();
        let telco = principal(Role::Telco, Some("cmcc"));
        let text = exported(&store, &telco, Kind::Number).unwrap();
        assert!(text.contains("+8613800138000"));
        assert!(!text.contains("informant") && !text.contains("analyst-li"));
        assert!(exported(&store, &telco, Kind::Account).is_err());
        let analyst = principal(Role::Analyst, None);
        let full = exported(&store, &analyst, Kind::Number).unwrap();
        assert!(full.contains("informant") && full.contains("analyst-li"));
    }

    #[test]
    fn the_feed_is_cut_to_the_scope_and_pages_past_what_it_hides() {
        let (_dir, store) = store();
        let icbc = principal(Role::Bank, Some("ICBC"));
        let mut cursor = ChangeCursor::default();
        let mut seen = Vec::new();
        loop {
            let page = changes(&store, &icbc, cursor, 1).unwrap();
            assert_eq!(page.detail, Detail::Decision);
            for entry in &page.entries {
                assert!(entry.author.is_empty() && entry.attributes.note.is_none());
                seen.push(entry.identifier.value.clone());
            }
            match page.next {
                Some(next) => cursor = next,
                None => break,
            }
        }
        assert_eq!(seen, ["6222020200112233446"]);
    }
}
