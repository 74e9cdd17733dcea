//! The lists' use cases: entries put on and taken off, list files imported and exported, the
//! change feed, the privacy-preserving lookup. The HTTP API and the command line both come
//! here, so an entry or a file is judged the same way whichever door it came through.

use std::cell::RefCell;
use std::collections::VecDeque;

use fraudwall_ids::phone::PhoneNormalizer;
use fraudwall_lists::entry::{
    Attributes, Change, Entry, Identifier, Kind, List, OnExisting, Outcome, Severity, Source,
};
use fraudwall_lists::import::Format;
use fraudwall_lists::listfile::{self, ImportPlan, Rejection};
use fraudwall_store::{
    AuditStore, EntryFilter, HashMatch, HistoryRecord, ListStore, OffsetDateTime,
};

use crate::audit;
use crate::error::{AppError, ErrorKind};
use crate::limits;
use crate::principal::Principal;

/// Lines parsed and handed to the store at a time when a file is imported. The store sorts each
/// chunk before writing it, so larger chunks write in better order; this size keeps a chunk's
/// changes near 100 MB, and at most three chunks are alive at once. The same for every door.
pub const IMPORT_CHUNK: usize = 500_000;
/// White entries read at a time when the official ones are gathered.
const WHITE_PAGE: usize = 50_000;

/// One entry to put on a list, its names already read by the adapter.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDraft {
    pub kind: Kind,
    pub value: String,
    pub fraud_type: Option<String>,
    /// 0 to 1; 1 when absent.
    pub confidence: Option<f32>,
    pub severity: Option<Severity>,
    /// RFC 3339.
    pub expires_at: Option<String>,
    pub evidence: Vec<String>,
    pub note: Option<String>,
    /// Analyst when absent.
    pub source: Option<Source>,
}

/// The result of one item of a batch, in request order.
pub type ItemResult = Result<(Outcome, Kind, String), AppError>;

/// What a batch of entry changes did.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchReport {
    /// The list version after the batch.
    pub version: u64,
    pub results: Vec<ItemResult>,
}

impl BatchReport {
    pub fn changed(&self) -> bool {
        self.results
            .iter()
            .any(|r| matches!(r, Ok((outcome, _, _)) if outcome.changed()))
    }
}

fn forbidden_official() -> AppError {
    AppError::new(
        ErrorKind::ForbiddenOfficial,
        "only an administrator puts official entries, and only on the white list",
    )
}

/// Whether a put on `list` by `principal` must first be checked against the official
/// whitelist. A black or gray entry on an official number (110, a bank's hotline) marks it as
/// fraud, and a fatal one beats the whitelist in the rules, so that only an administrator may
/// list one there; the store protects the white entries themselves.
fn guards_official(principal: &Principal, list: List) -> bool {
    !principal.is_admin() && list != List::White
}

/// Whether the official whitelist holds `identifier` as a live entry.
fn is_official<S: ListStore + ?Sized>(
    store: &S,
    kind: Kind,
    value: &str,
) -> Result<bool, AppError> {
    Ok(store
        .list_entry(List::White, kind, value)?
        .is_some_and(|entry| !entry.removed && entry.attributes.source == Source::Official))
}

fn official_listed(value: &str, list: List) -> AppError {
    AppError::new(
        ErrorKind::ForbiddenOfficial,
        format!("{value} is on the official whitelist; only an administrator lists it {list}"),
    )
}

/// Every live official white entry, for checking a whole file against at once: the official
/// whitelist is a few dozen entries, so one pass over the white list beats a lookup per line.
fn official_entries<S: ListStore + ?Sized>(
    store: &S,
) -> Result<hashbrown::HashSet<(Kind, String)>, AppError> {
    let filter = EntryFilter {
        list: Some(List::White),
        kind: None,
        include_removed: false,
    };
    let mut official = hashbrown::HashSet::new();
    let mut after = 0;
    loop {
        let page = store.list_entries(&filter, after, WHITE_PAGE)?;
        let Some(last) = page.last() else { break };
        after = last.id;
        official.extend(
            page.into_iter()
                .filter(|entry| entry.attributes.source == Source::Official)
                .map(|entry| (entry.identifier.kind, entry.identifier.value)),
        );
    }
    Ok(official)
}

/// Whether `principal` may give entries of `list` the source `source`.
fn check_source(principal: &Principal, list: List, source: Source) -> Result<(), AppError> {
    if source == Source::Official && (!principal.is_admin() || list != List::White) {
        return Err(forbidden_official());
    }
    Ok(())
}

/// Validates one draft into the identifier and attributes to put.
pub fn plan_put(
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    list: List,
    draft: EntryDraft,
) -> Result<(Identifier, Attributes), AppError> {
    let identifier = Identifier::parse(draft.kind, &draft.value, normalizer)?;
    let source = draft.source.unwrap_or(Source::Analyst);
    check_source(principal, list, source)?;
    let fraud_type = crate::error::fraud_type(draft.fraud_type)?;
    limits::check_optional("note", draft.note.as_deref(), limits::NOTE)?;
    limits::check_items(
        "evidence",
        &draft.evidence,
        limits::EVIDENCE_ITEMS,
        limits::EVIDENCE_ITEM,
    )?;
    let confidence = draft.confidence.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&confidence) {
        return Err(AppError::invalid("confidence must be from 0 to 1"));
    }
    let expires_at = draft
        .expires_at
        .as_deref()
        .map(listfile::normalize_time)
        .transpose()
        .map_err(AppError::invalid)?;
    Ok((
        identifier,
        Attributes {
            source,
            fraud_type,
            confidence,
            severity: draft.severity.unwrap_or(Severity::Normal),
            expires_at,
            evidence: draft.evidence,
            note: draft.note,
        },
    ))
}

/// Puts entries on a list. Each draft stands alone: an invalid one gets its error in its slot
/// and the others are applied, in one list version.
pub fn put_entries<S: ListStore + AuditStore + ?Sized>(
    store: &S,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    list: List,
    drafts: Vec<Result<EntryDraft, AppError>>,
    replace: bool,
) -> Result<BatchReport, AppError> {
    let on_existing = if replace {
        OnExisting::Replace
    } else {
        OnExisting::Keep
    };
    let guard = guards_official(principal, list);
    let planned = drafts
        .into_iter()
        .map(|draft| {
            let (identifier, attributes) = plan_put(normalizer, principal, list, draft?)?;
            if guard && is_official(store, identifier.kind, &identifier.value)? {
                return Err(official_listed(&identifier.value, list));
            }
            Ok(Change::Put {
                list,
                identifier,
                attributes,
                on_existing,
            })
        })
        .collect();
    apply_batch(store, principal, list, planned, "lists.put")
}

/// Takes entries off a list; they stay as tombstones so that deltas carry the removal.
pub fn remove_entries<S: ListStore + AuditStore + ?Sized>(
    store: &S,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    list: List,
    refs: Vec<Result<(Kind, String), AppError>>,
) -> Result<BatchReport, AppError> {
    let planned = refs
        .into_iter()
        .map(|item| {
            let (kind, value) = item?;
            let identifier = Identifier::parse(kind, &value, normalizer)?;
            Ok(Change::Remove {
                list,
                kind: identifier.kind,
                value: identifier.value,
            })
        })
        .collect();
    apply_batch(store, principal, list, planned, "lists.remove")
}

fn apply_batch<S: ListStore + AuditStore + ?Sized>(
    store: &S,
    principal: &Principal,
    list: List,
    planned: Vec<Result<Change, AppError>>,
    action: &str,
) -> Result<BatchReport, AppError> {
    // the valid changes go to the store; each invalid item keeps its error in its slot
    let mut changes = Vec::with_capacity(planned.len());
    let slots: Vec<Option<AppError>> = planned
        .into_iter()
        .map(|item| match item {
            Ok(change) => {
                changes.push(change);
                None
            }
            Err(err) => Some(err),
        })
        .collect();
    let entries = changes.len();
    let applied = store.apply_audited_list_changes(
        &changes,
        &principal.actor(),
        principal.is_admin(),
        &mut |applied| {
            audit::event(
                principal,
                action,
                &format!("list:{list}"),
                serde_json::json!({"entries": entries, "changed": applied.changed(),
                    "version": applied.version}),
            )
        },
    )?;
    let mut done = changes.into_iter().zip(&applied.outcomes);
    let results = slots
        .into_iter()
        .map(|slot| {
            if let Some(err) = slot {
                return Err(err);
            }
            let (change, outcome) = done
                .next()
                .ok_or_else(|| AppError::new(ErrorKind::Internal, "missing outcome"))?;
            let (kind, value) = match change {
                Change::Put { identifier, .. } => (identifier.kind, identifier.value),
                Change::Remove { kind, value, .. } => (kind, value),
            };
            if *outcome == Outcome::Forbidden {
                return Err(AppError::new(
                    ErrorKind::ForbiddenOfficial,
                    format!("{value} is an official entry; only an administrator changes it"),
                ));
            }
            Ok((*outcome, kind, value))
        })
        .collect();
    Ok(BatchReport {
        version: applied.version,
        results,
    })
}

fn change_identity(change: &Change) -> (Kind, String) {
    match change {
        Change::Put { identifier, .. } => (identifier.kind, identifier.value.clone()),
        Change::Remove { kind, value, .. } => (*kind, value.clone()),
    }
}

/// A list file to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    pub list: List,
    pub kind: Kind,
    pub format: Format,
    /// Where the entries come from; official only for an administrator, on the white list.
    pub source: Source,
    /// For entries that carry none.
    pub fraud_type: Option<&'a str>,
    pub text: &'a str,
}

/// What an import did, line by line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportReport {
    pub version: u64,
    pub imported: u64,
    pub duplicate: u64,
    /// Comments and blank lines.
    pub skipped: u64,
    /// Every line that could not be imported, with its number and why, by line.
    pub rejected: Vec<Rejection>,
}

/// Imports a list file: the one import path of the API and the command line. The whole file is
/// one batch and one list version. A second thread parses the next chunk of [`IMPORT_CHUNK`]
/// lines (of a line-based file, in the order of their text) while the store writes the last, so
/// memory holds a few chunks rather than the whole file's changes; `progress` hears of every
/// chunk written (lines done, lines in all).
pub fn import<S: ListStore + AuditStore + ?Sized>(
    store: &S,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    request: ImportRequest<'_>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportReport, AppError> {
    check_source(principal, request.list, request.source)?;
    crate::error::fraud_type(request.fraud_type.map(str::to_owned))?;
    let official = if guards_official(principal, request.list) {
        official_entries(store)?
    } else {
        hashbrown::HashSet::new()
    };
    let lines = request.text.lines().count() as u64;
    let report = RefCell::new(ImportReport::default());
    // the rest of each plan in flight, waiting for its changes to come back with outcomes
    let pending: RefCell<VecDeque<(ImportPlan, u64)>> = RefCell::default();
    let mut done = 0;
    let actor = principal.actor();
    let version = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<(ImportPlan, u64)>(1);
        let normalizer = *normalizer;
        scope.spawn(move || {
            for planned in plans(&request, &normalizer) {
                if sender.send(planned).is_err() {
                    // the store failed and stopped reading
                    return;
                }
            }
        });
        let mut chunks = receiver.into_iter().map(|(mut plan, count)| {
            if !official.is_empty() {
                refuse_official(&mut plan, &official, request.list);
            }
            let changes = std::mem::take(&mut plan.changes);
            pending.borrow_mut().push_back((plan, count));
            changes
        });
        store.apply_list_change_chunks(
            &mut chunks,
            &actor,
            principal.is_admin(),
            &mut |changes, outcomes| {
                let Some((mut plan, count)) = pending.borrow_mut().pop_front() else {
                    return;
                };
                plan.changes = changes;
                tally(&mut report.borrow_mut(), plan, &outcomes);
                done += count;
                progress(done, lines);
            },
            // written in the import's transaction, once every chunk has been tallied
            &mut |version| {
                let report = report.borrow();
                audit::event(
                    principal,
                    "lists.import",
                    &format!("list:{}", request.list),
                    serde_json::json!({"kind": request.kind.as_str(),
                        "format": request.format.as_str(), "source": request.source.as_str(),
                        "imported": report.imported, "duplicate": report.duplicate,
                        "rejected": report.rejected.len(), "skipped": report.skipped,
                        "version": version}),
                )
            },
        )
    })?;
    let mut report = report.into_inner();
    report.version = version;
    report.rejected.sort_by_key(|r| r.line);
    Ok(report)
}

/// The plan of `text`, its lines numbered from one.
fn plan_piece(request: &ImportRequest<'_>, normalizer: &PhoneNormalizer, text: &str) -> ImportPlan {
    let mut plan = listfile::plan_import(
        text,
        request.format,
        request.list,
        request.kind,
        request.source,
        normalizer,
    );
    if let Some(fraud_type) = request.fraud_type.filter(|t| !t.trim().is_empty()) {
        fill_fraud_type(&mut plan, fraud_type);
    }
    plan
}

/// The file's plans, a chunk of lines at a time, each with the count of lines it covers. Only
/// line-based formats can be cut between lines; a csv record may span several, so a csv file
/// is planned whole and handed over in chunks of changes.
fn plans<'a>(
    request: &'a ImportRequest<'a>,
    normalizer: &'a PhoneNormalizer,
) -> Box<dyn Iterator<Item = (ImportPlan, u64)> + 'a> {
    let text = request.text;
    if request.format == Format::Csv {
        let mut plan = plan_piece(request, normalizer, text);
        let mut changes = std::mem::take(&mut plan.changes).into_iter();
        let mut numbers = std::mem::take(&mut plan.lines).into_iter();
        // the first chunk carries the rejections, the skipped lines and the whole file's lines
        let mut first = Some((plan, text.lines().count() as u64));
        return Box::new(std::iter::from_fn(move || {
            let (mut part, count) = first.take().unwrap_or_default();
            part.changes = changes.by_ref().take(IMPORT_CHUNK).collect();
            part.lines = numbers.by_ref().take(IMPORT_CHUNK).collect();
            if part.changes.is_empty() && part.rejected.is_empty() && count == 0 {
                return None;
            }
            Some((part, count))
        }));
    }
    // The lines in the order of their text, each with its number. The store writes a chunk in
    // value order; chunks that follow one another in that order too extend the unique index at
    // its end rather than spreading over the whole of it, which made the inserts of 10 M
    // generated numbers two fifths cheaper. Every change of a line-based file is a put with the
    // same attributes, so the order decides only which of two lines naming one value is counted
    // as its duplicate: the counts, the rejections and the entries stay the same.
    // sized first: grown by doubling, the list of a large file would be copied, and fresh pages
    // cleared for it, at each step while the store waits for the first chunk
    let mut lines: Vec<Line<'_>> =
        Vec::with_capacity(text.bytes().filter(|&byte| byte == b'\n').count() + 1);
    lines.extend(text.lines().zip(1u64..).map(Line::new));
    // The store waits for the first chunk until the sort ends, so the two halves of the file
    // are sorted at once and merged as the chunks are cut.
    let half = lines.len() / 2;
    let (first_half, second_half) = lines.split_at_mut(half);
    std::thread::scope(|scope| {
        scope.spawn(|| first_half.sort_unstable());
        second_half.sort_unstable();
    });
    let (mut next_first, mut next_second) = (0, 0);
    Box::new(std::iter::from_fn(move || {
        let (first_half, second_half) = lines.split_at(half);
        let mut piece = Vec::with_capacity(IMPORT_CHUNK.min(lines.len()));
        while piece.len() < IMPORT_CHUNK {
            // equal lines come first from the first half, as their numbers are lower
            let line = match (first_half.get(next_first), second_half.get(next_second)) {
                (Some(first), Some(second)) if first <= second => {
                    next_first += 1;
                    first
                }
                (Some(first), None) => {
                    next_first += 1;
                    first
                }
                (_, Some(second)) => {
                    next_second += 1;
                    second
                }
                (None, None) => break,
            };
            piece.push((line.text, line.number));
        }
        if piece.is_empty() {
            return None;
        }
        let mut joined = String::with_capacity(piece.iter().map(|(line, _)| line.len() + 1).sum());
        for (line, _) in &piece {
            joined.push_str(line);
            joined.push('\n');
        }
        let mut plan = plan_piece(request, normalizer, &joined);
        // from the line in the piece back to the line in the file
        let number = |line: u64| {
            line.checked_sub(1)
                .and_then(|at| piece.get(at as usize))
                .map_or(line, |&(_, number)| number)
        };
        for line in &mut plan.lines {
            *line = number(*line);
        }
        for rejected in &mut plan.rejected {
            rejected.line = number(rejected.line);
        }
        Some((plan, piece.len() as u64))
    }))
}

/// A line of a file being sorted: ordered by its text, then by its number.
///
/// The text's first sixteen bytes are packed into integers, so that comparing two lines, most
/// of which differ there, neither follows the pointer into the file (a cache miss at a random
/// place once the file outgrows the cache) nor calls `memcmp`: the sort of 10 M lines spent
/// most of its time on both, while the store waited for its first chunk.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Line<'a> {
    /// Big-endian, so that integer order is byte order; a shorter text's zero padding sorts
    /// it first, as a prefix sorts first, and texts equal in these bytes fall back on `text`.
    head: (u64, u64),
    text: &'a str,
    number: u64,
}

impl<'a> Line<'a> {
    fn new((text, number): (&'a str, u64)) -> Line<'a> {
        let mut head = [0u8; 16];
        let len = text.len().min(16);
        head[..len].copy_from_slice(&text.as_bytes()[..len]);
        let (high, low) = head.split_at(8);
        let word = |bytes: &[u8]| u64::from_be_bytes(bytes.try_into().unwrap_or_default());
        Line {
            head: (word(high), word(low)),
            text,
            number,
        }
    }
}

/// Takes the puts on official identifiers out of a plan and reports their lines as rejected.
fn refuse_official(
    plan: &mut ImportPlan,
    official: &hashbrown::HashSet<(Kind, String)>,
    list: List,
) {
    let changes = std::mem::take(&mut plan.changes);
    let lines = std::mem::take(&mut plan.lines);
    for (change, line) in changes.into_iter().zip(lines) {
        let identity = change_identity(&change);
        if official.contains(&identity) {
            plan.rejected.push(Rejection {
                line,
                code: "forbidden_official",
                message: official_listed(&identity.1, list).message,
                text: identity.1,
            });
        } else {
            plan.changes.push(change);
            plan.lines.push(line);
        }
    }
}

fn fill_fraud_type(plan: &mut ImportPlan, fraud_type: &str) {
    for change in &mut plan.changes {
        if let Change::Put { attributes, .. } = change {
            attributes
                .fraud_type
                .get_or_insert_with(|| fraud_type.to_owned());
        }
    }
}

/// Counts an applied chunk into the report; forbidden changes (official entries) are reported
/// as rejected.
fn tally(report: &mut ImportReport, plan: ImportPlan, outcomes: &[Outcome]) {
    report.skipped += plan.skipped;
    report.rejected.extend(plan.rejected);
    for ((change, outcome), line) in plan.changes.iter().zip(outcomes).zip(&plan.lines) {
        match outcome {
            Outcome::Added | Outcome::Updated => report.imported += 1,
            Outcome::Duplicate => report.duplicate += 1,
            _ => report.rejected.push(Rejection {
                line: *line,
                text: change_identity(change).1,
                code: "forbidden_official",
                message: "an official entry; only an administrator changes it".to_owned(),
            }),
        }
    }
}

/// One entry, live or removed, with its full history. Audited.
pub fn entry_with_history<S: ListStore + AuditStore + ?Sized>(
    store: &S,
    normalizer: &PhoneNormalizer,
    principal: &Principal,
    list: List,
    kind: Kind,
    value: &str,
) -> Result<(Entry, Vec<HistoryRecord>), AppError> {
    let identifier =
        Identifier::parse(kind, value, normalizer).map_err(|err| AppError::invalid(err.message))?;
    let entry = store
        .list_entry(list, identifier.kind, &identifier.value)?
        .ok_or_else(|| AppError::new(ErrorKind::NotFound, "no such entry on that list"))?;
    let history = store.list_history(entry.id)?;
    audit::record(
        store,
        principal,
        "lists.read",
        &format!("list:{list}:{}:{}", identifier.kind, identifier.value),
        serde_json::json!({"entry": entry.id}),
    )?;
    Ok((entry, history))
}

/// The store's list version and its live entries per list and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListsStatus {
    pub version: u64,
    pub counts: Vec<(List, Kind, u64)>,
}

pub fn status(store: &dyn ListStore) -> Result<ListsStatus, AppError> {
    Ok(ListsStatus {
        version: store.list_version()?,
        counts: store.list_counts()?,
    })
}

/// Live black and gray entries whose lookup hash starts with `prefix`.
pub fn lookup(store: &dyn ListStore, prefix: &[u8]) -> Result<Vec<HashMatch>, AppError> {
    Ok(store.lookup_by_hash_prefix(prefix, OffsetDateTime::now_utc(), 1_000)?)
}

#[cfg(test)]
mod tests {
    use fraudwall_ids::phone::Region;
    use fraudwall_store::{Role, SqliteStore};

    use super::*;

    /// Each item's outcome, or its error's code, in request order.
    fn outcome_codes(report: &BatchReport) -> Vec<&'static str> {
        report
            .results
            .iter()
            .map(|r| {
                r.as_ref()
                    .map_or_else(AppError::code, |(o, _, _)| o.as_str())
            })
            .collect()
    }

    fn analyst() -> Principal {
        Principal {
            token_id: Some(2),
            name: "analyst".into(),
            role: Role::Analyst,
            org: None,
            territory: None,
        }
    }

    fn draft(value: &str, severity: Severity) -> Result<EntryDraft, AppError> {
        Ok(EntryDraft {
            kind: Kind::Number,
            value: value.into(),
            fraud_type: None,
            confidence: None,
            severity: Some(severity),
            expires_at: None,
            evidence: Vec::new(),
            note: None,
            source: None,
        })
    }

    fn seeded() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path()).unwrap();
        crate::setup::seed_official_whitelist(&store, Region::CN).unwrap();
        (dir, store)
    }

    #[test]
    fn lines_sort_by_their_text_then_their_number() {
        let texts = [
            "+8613800138000",
            "+861380013800",
            "a.example.long.enough.to.pass.sixteen",
            "a.example.long.enough.to.pass.fifteen",
            "a.example.long.",
            "a.example.long.\u{0}",
            "\u{e9}t\u{e9}.example",
            "",
            "+8613800138000",
            "+861380013800",
        ];
        let mut lines: Vec<Line<'_>> = texts.iter().copied().zip(1u64..).map(Line::new).collect();
        lines.sort_unstable();
        let mut wanted: Vec<(&str, u64)> = texts.iter().copied().zip(1u64..).collect();
        wanted.sort_unstable();
        let sorted: Vec<(&str, u64)> = lines.iter().map(|line| (line.text, line.number)).collect();
        assert_eq!(sorted, wanted);
    }

    #[test]
    fn a_note_or_evidence_beyond_its_bound_fails_alone_and_stores_nothing() {
        let (_dir, store) = seeded();
        let normalizer = PhoneNormalizer::new(Region::CN);
        let with = |value: &str, note: usize, evidence: usize| {
            draft(value, Severity::Normal).map(|draft| EntryDraft {
                note: Some("x".repeat(note)),
                evidence: vec!["case-1".to_owned(); evidence],
                ..draft
            })
        };
        let drafts = vec![
            with("13800138001", limits::NOTE + 1, 0),
            with("13800138002", limits::NOTE, limits::EVIDENCE_ITEMS + 1),
            with("13800138003", limits::NOTE, limits::EVIDENCE_ITEMS),
        ];
        let report =
            put_entries(&store, &normalizer, &analyst(), List::Black, drafts, false).unwrap();
        let codes = outcome_codes(&report);
        assert_eq!(codes, ["field_too_long", "field_too_long", "added"]);
        for value in ["+8613800138001", "+8613800138002"] {
            assert!(
                store
                    .list_entry(List::Black, Kind::Number, value)
                    .unwrap()
                    .is_none()
            );
        }
    }

    #[test]
    fn only_an_administrator_lists_an_official_number_black_or_gray() {
        let (_dir, store) = seeded();
        let normalizer = PhoneNormalizer::new(Region::CN);
        for list in [List::Black, List::Gray] {
            let drafts = vec![
                draft("110", Severity::Fatal),
                draft("13800138000", Severity::Fatal),
                draft("96110", Severity::Normal),
            ];
            let report = put_entries(&store, &normalizer, &analyst(), list, drafts, false).unwrap();
            let codes = outcome_codes(&report);
            // the refused items fail alone; the ordinary number is listed
            assert_eq!(codes, ["forbidden_official", "added", "forbidden_official"]);
            assert!(
                store
                    .list_entry(list, Kind::Number, "110")
                    .unwrap()
                    .is_none()
            );
        }
        let admin = Principal::command_line();
        let drafts = vec![draft("110", Severity::Fatal)];
        let report = put_entries(&store, &normalizer, &admin, List::Black, drafts, false).unwrap();
        assert!(matches!(report.results[0], Ok((Outcome::Added, _, _))));
    }

    #[test]
    fn an_analyst_imports_a_file_but_not_its_official_numbers() {
        let (_dir, store) = seeded();
        let normalizer = PhoneNormalizer::new(Region::CN);
        let request = ImportRequest {
            list: List::Black,
            kind: Kind::Number,
            format: Format::Plain,
            source: Source::Import,
            fraud_type: None,
            text: "110\n13800138000\n95588\n",
        };
        let report = import(&store, &normalizer, &analyst(), request, &mut |_, _| {}).unwrap();
        assert_eq!(report.imported, 1);
        let rejected: Vec<_> = report.rejected.iter().map(|r| (r.line, r.code)).collect();
        assert_eq!(
            rejected,
            [(1, "forbidden_official"), (3, "forbidden_official")]
        );
        let admin = Principal::command_line();
        let report = import(&store, &normalizer, &admin, request, &mut |_, _| {}).unwrap();
        assert_eq!(report.imported, 2);
    }

    #[test]
    fn an_import_reports_the_file_s_own_line_numbers_whatever_order_it_writes_in() {
        let (_dir, store) = seeded();
        let normalizer = PhoneNormalizer::new(Region::CN);
        let request = ImportRequest {
            list: List::Black,
            kind: Kind::Number,
            format: Format::Plain,
            source: Source::Import,
            fraud_type: None,
            text: "# list\n13900139000\nbogus\n110\n13800138000\n13900139000\n",
        };
        let mut progress = Vec::new();
        let report = import(
            &store,
            &normalizer,
            &analyst(),
            request,
            &mut |done, all| {
                progress.push((done, all));
            },
        )
        .unwrap();
        assert_eq!(
            (report.imported, report.duplicate, report.skipped),
            (2, 1, 1)
        );
        let rejected: Vec<_> = report.rejected.iter().map(|r| (r.line, r.code)).collect();
        assert_eq!(
            rejected,
            [(3, "phone_invalid_characters"), (4, "forbidden_official")]
        );
        assert_eq!(progress.last(), Some(&(6, 6)));
    }
}
