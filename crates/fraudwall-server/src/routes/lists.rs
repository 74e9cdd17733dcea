//! The black, gray and white lists over the API: entries in and out, bulk import and export in
//! the list-file formats, the change feed that operators' and banks' own nodes follow, and the
//! snapshot's status. Reads that return identifiers are audited.

use std::str::FromStr;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use fraudwall_app::AppError;
use fraudwall_app::export::ExportError;
use fraudwall_app::lists::{BatchReport, EntryDraft, ImportReport, ImportRequest};
use fraudwall_app::records::{ChangeCursor, HistoryRecord};
use fraudwall_lists::entry::{Entry, Kind, Source, UnknownName};
use fraudwall_lists::import::Format;
use fraudwall_lists::listfile::Detail;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::auth::Principal;
use crate::error::{ApiError, Code, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, JsonBody, RawBody};

/// Entries per request to the entry endpoints.
pub const MAX_ENTRIES: usize = 10_000;
const MAX_CHANGES_PAGE: usize = 10_000;

/// A list, kind, source or severity by name.
fn parse_name<T: FromStr<Err = UnknownName>>(name: &str) -> Result<T, ApiError> {
    name.parse()
        .map_err(|err: UnknownName| ApiError::new(Code::InvalidParameter, err.to_string()))
}

/// One entry to put on a list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    /// number, range, domain, url, ip, app, cert, account, social or sender.
    #[schema(example = "number")]
    pub kind: String,
    #[schema(example = "+8613800138000")]
    pub value: String,
    /// A code of the fraud taxonomy (`GET /v1/fraud-types`).
    #[schema(example = "fake_customer_service")]
    pub fraud_type: Option<String>,
    /// 0 to 1; 1 when absent.
    pub confidence: Option<f32>,
    /// normal or fatal (fatal black entries beat the official whitelist).
    pub severity: Option<String>,
    /// RFC 3339; the entry stops matching after it.
    pub expires_at: Option<String>,
    /// References to supporting evidence: case ids, report ids, documents.
    #[serde(default)]
    pub evidence: Vec<String>,
    pub note: Option<String>,
    /// report, case, operator, import, analyst (default) or derived; official needs an admin.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutEntries {
    /// 1 to 10,000 entries.
    #[schema(min_items = 1, max_items = 10000)]
    pub entries: Vec<EntryInput>,
    /// Replace the attributes of entries already listed (default: keep them and report a
    /// duplicate).
    #[serde(default)]
    pub replace: bool,
}

/// An identifier to take off a list.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRef {
    pub kind: String,
    pub value: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveEntries {
    /// 1 to 10,000 entries.
    #[schema(min_items = 1, max_items = 10000)]
    pub entries: Vec<EntryRef>,
}

/// The result for one entry of a request, in request order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum EntryResult {
    Done {
        /// added, updated, duplicate, removed or not_found.
        #[schema(example = "added")]
        outcome: &'static str,
        kind: &'static str,
        /// The normalized value the entry is stored under.
        value: String,
    },
    Error(ErrorBody),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntriesResponse {
    /// The list version after the request; changes are in decisions within a second.
    pub version: u64,
    pub results: Vec<EntryResult>,
}

/// A name read into a slot: an unknown name fails its slot alone.
fn slot_name<T: FromStr<Err = UnknownName>>(name: &str) -> Result<T, AppError> {
    name.parse()
        .map_err(|err: UnknownName| AppError::invalid(err.to_string()))
}

fn draft(input: EntryInput) -> Result<EntryDraft, AppError> {
    Ok(EntryDraft {
        kind: slot_name(&input.kind)?,
        value: input.value,
        fraud_type: input.fraud_type,
        confidence: input.confidence,
        severity: input.severity.as_deref().map(slot_name).transpose()?,
        expires_at: input.expires_at,
        evidence: input.evidence,
        note: input.note,
        source: input.source.as_deref().map(slot_name).transpose()?,
    })
}

pub(crate) fn entries_response(report: BatchReport) -> EntriesResponse {
    EntriesResponse {
        version: report.version,
        results: report
            .results
            .into_iter()
            .map(|result| match result {
                Ok((outcome, kind, value)) => EntryResult::Done {
                    outcome: outcome.as_str(),
                    kind: kind.as_str(),
                    value,
                },
                Err(err) => EntryResult::Error(ApiError::slot(&err)),
            })
            .collect(),
    }
}

fn check_size(count: usize) -> Result<(), ApiError> {
    if count == 0 {
        return Err(ApiError::new(
            Code::EmptyBatch,
            "entries must hold at least one entry",
        ));
    }
    if count > MAX_ENTRIES {
        return Err(ApiError::new(
            Code::BatchTooLarge,
            format!("at most {MAX_ENTRIES} entries per request, got {count}; import files instead"),
        ));
    }
    Ok(())
}

/// Puts entries on a list. Each entry is validated on its own; a bad one gets an error in its
/// slot and the others are applied.
#[utoipa::path(post, path = "/v1/lists/{list}/entries", tag = "lists",
    params(("list" = String, Path, description = "black, gray or white")),
    request_body = PutEntries,
    responses(
        (status = 200, description = "one result per entry, in order", body = EntriesResponse),
        (status = 400, description = "unknown list, or an empty or oversized request", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn put(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(list): ApiPath<String>,
    JsonBody(body): JsonBody<PutEntries>,
) -> Result<Json<EntriesResponse>, ApiError> {
    let list = parse_name(&list)?;
    check_size(body.entries.len())?;
    let drafts = body.entries.into_iter().map(draft).collect();
    let replace = body.replace;
    let report = state
        .blocking(move |app| app.put_entries(&principal, list, drafts, replace))
        .await?;
    Ok(Json(entries_response(report)))
}

/// Takes entries off a list. They stay as tombstones, so that deltas carry the removal.
#[utoipa::path(post, path = "/v1/lists/{list}/remove", tag = "lists",
    params(("list" = String, Path, description = "black, gray or white")),
    request_body = RemoveEntries,
    responses(
        (status = 200, description = "one result per entry, in order", body = EntriesResponse),
        (status = 400, description = "unknown list, or an empty or oversized request", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(list): ApiPath<String>,
    JsonBody(body): JsonBody<RemoveEntries>,
) -> Result<Json<EntriesResponse>, ApiError> {
    let list = parse_name(&list)?;
    check_size(body.entries.len())?;
    let refs = body
        .entries
        .into_iter()
        .map(|entry| Ok((slot_name::<Kind>(&entry.kind)?, entry.value)))
        .collect();
    let report = state
        .blocking(move |app| app.remove_entries(&principal, list, refs))
        .await?;
    Ok(Json(entries_response(report)))
}

/// An entry as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    pub id: i64,
    pub list: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub source: &'static str,
    pub fraud_type: Option<String>,
    pub confidence: f32,
    pub severity: &'static str,
    pub expires_at: Option<String>,
    pub evidence: Vec<String>,
    pub note: Option<String>,
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: u64,
    pub removed: bool,
}

impl From<Entry> for EntryView {
    fn from(entry: Entry) -> EntryView {
        EntryView {
            id: entry.id,
            list: entry.list.as_str(),
            kind: entry.identifier.kind.as_str(),
            value: entry.identifier.value,
            source: entry.attributes.source.as_str(),
            fraud_type: entry.attributes.fraud_type,
            confidence: entry.attributes.confidence,
            severity: entry.attributes.severity.as_str(),
            expires_at: entry.attributes.expires_at,
            evidence: entry.attributes.evidence,
            note: entry.attributes.note,
            author: entry.author,
            created_at: entry.created_at,
            updated_at: entry.updated_at,
            version: entry.version,
            removed: entry.removed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub version: u64,
    pub time: String,
    pub actor: String,
    /// add, update, remove or expire.
    pub action: String,
    /// The attributes before and after, as JSON text.
    pub before: Option<String>,
    pub after: Option<String>,
}

impl From<HistoryRecord> for HistoryView {
    fn from(record: HistoryRecord) -> HistoryView {
        HistoryView {
            version: record.version,
            time: crate::routes::rfc3339(record.time),
            actor: record.actor,
            action: record.action,
            before: record.before,
            after: record.after,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryWithHistory {
    pub entry: EntryView,
    /// Every change, oldest first: who changed what, and when.
    pub history: Vec<HistoryView>,
}

/// One entry, live or removed, with its full history. Audited.
#[utoipa::path(get, path = "/v1/lists/{list}/entries/{kind}/{value}", tag = "lists",
    params(("list" = String, Path, description = "black, gray or white"),
        ("kind" = String, Path, description = "the identifier kind"),
        ("value" = String, Path, description = "the identifier, in any accepted spelling")),
    responses(
        (status = 200, description = "the entry and its history", body = EntryWithHistory),
        (status = 404, description = "never listed", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn get_entry(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath((list, kind, value)): ApiPath<(String, String, String)>,
) -> Result<Json<EntryWithHistory>, ApiError> {
    let list = parse_name(&list)?;
    let kind = parse_name(&kind)?;
    let (entry, history) = state
        .blocking(move |app| app.entry_with_history(&principal, list, kind, &value))
        .await?;
    Ok(Json(EntryWithHistory {
        entry: entry.into(),
        history: history.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FileParams {
    /// The kind of the entries: number, range, domain, url, ip, app, cert, account, social,
    /// sender.
    pub kind: String,
    /// plain, hosts, abp or csv.
    pub format: String,
    /// Where the entries come from (import files only): import (default), operator, analyst,
    /// case or report; official needs an administrator and the white list.
    pub source: Option<String>,
    /// Fraud type for entries that carry none (import files only), a code of
    /// `GET /v1/fraud-types`.
    pub fraud_type: Option<String>,
}

/// What an export takes: the kind and the file format, nothing an import alone uses.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    /// The kind of the entries: number, range, domain, url, ip, app, cert, account, social.
    pub kind: String,
    /// plain, hosts, abp or csv.
    pub format: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RejectedLineView {
    pub line: u64,
    pub code: &'static str,
    pub message: String,
    pub text: String,
}

/// What an import did, line by line.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSummary {
    pub version: u64,
    pub imported: u64,
    pub duplicate: u64,
    /// Comments and blank lines.
    pub skipped: u64,
    /// Every line that could not be imported, with its number and why.
    pub rejected: Vec<RejectedLineView>,
}

impl From<ImportReport> for ImportSummary {
    fn from(report: ImportReport) -> ImportSummary {
        ImportSummary {
            version: report.version,
            imported: report.imported,
            duplicate: report.duplicate,
            skipped: report.skipped,
            rejected: report
                .rejected
                .into_iter()
                .map(|r| RejectedLineView {
                    line: r.line,
                    code: r.code,
                    message: r.message,
                    text: r.text,
                })
                .collect(),
        }
    }
}

fn parse_format(format: &str) -> Result<Format, ApiError> {
    format
        .parse()
        .map_err(|message: String| ApiError::new(Code::InvalidParameter, message))
}

/// Imports a list file (the request body, any content type) into a list.
#[utoipa::path(post, path = "/v1/lists/{list}/import", tag = "lists",
    params(("list" = String, Path, description = "black, gray or white"), FileParams),
    request_body(content = String, description = "the list file", content_type = "text/plain"),
    responses(
        (status = 200, description = "counts, and every rejected line", body = ImportSummary),
        (status = 400, description = "unknown list, kind or format, or a body that is not UTF-8", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn import(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(list): ApiPath<String>,
    ApiQuery(params): ApiQuery<FileParams>,
    RawBody(body): RawBody,
) -> Result<Json<ImportSummary>, ApiError> {
    let list = parse_name(&list)?;
    let kind = parse_name(&params.kind)?;
    let format = parse_format(&params.format)?;
    let source: Source = match params.source.as_deref() {
        None => Source::Import,
        Some(name) => parse_name(name)?,
    };
    let text = String::from_utf8(body.to_vec()).map_err(|err| {
        ApiError::new(
            Code::InvalidParameter,
            format!("the file is not utf-8: {err}"),
        )
    })?;
    let fraud_type = params.fraud_type;
    let report = state
        .blocking(move |app| {
            app.import(
                &principal,
                ImportRequest {
                    list,
                    kind,
                    format,
                    source,
                    fraud_type: fraud_type.as_deref(),
                    text: &text,
                },
            )
        })
        .await?;
    Ok(Json(report.into()))
}

/// Exports a list's live entries of one kind as a list file. Audited.
#[utoipa::path(get, path = "/v1/lists/{list}/export", tag = "lists",
    params(("list" = String, Path, description = "black, gray or white"), ExportParams),
    responses(
        (status = 200, description = "the list file", body = String, content_type = "text/plain"),
        (status = 400, description = "unknown list, kind or format", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiPath(list): ApiPath<String>,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let list = parse_name(&list)?;
    let kind = parse_name(&params.kind)?;
    let format = parse_format(&params.format)?;
    // refused before the status line, so a refusal is a coded error and not a cut stream
    fraudwall_app::export::check(&principal, kind)?;
    let content_type = if format == Format::Csv {
        "text/csv; charset=utf-8"
    } else {
        "text/plain; charset=utf-8"
    };
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(EXPORT_CHUNKS_IN_FLIGHT);
    let app = state.app.clone();
    tokio::task::spawn_blocking(move || {
        let mut out = ChunkSender(sender);
        match app.export(&principal, list, kind, format, &mut out) {
            Ok(entries) => tracing::debug!(entries, "list exported"),
            Err(ExportError::Write(_)) => tracing::info!("export stopped: the client went away"),
            Err(err) => tracing::error!(error = %err, "export failed midway"),
        }
    });
    let body = futures_util::stream::unfold(receiver, |mut receiver| async move {
        let chunk = receiver.recv().await?;
        Some((Ok::<_, std::io::Error>(chunk), receiver))
    });
    Ok((
        [(CONTENT_TYPE, content_type)],
        axum::body::Body::from_stream(body),
    )
        .into_response())
}

/// Chunks of an export queued for the client; with the exporter's own buffer this bounds an
/// export's memory to about a megabyte whatever the list's size.
const EXPORT_CHUNKS_IN_FLIGHT: usize = 4;

/// The exporter's writer: each write is one chunk of the response body. A client that goes away
/// drops the receiver, and the export stops at its next write.
struct ChunkSender(tokio::sync::mpsc::Sender<Bytes>);

impl std::io::Write for ChunkSender {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Bytes::copy_from_slice(buf))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangesParams {
    /// Changes after this list version (0: everything).
    #[serde(default)]
    pub since: u64,
    /// Continue inside version `since` after this entry id (from `next`).
    pub after: Option<i64>,
    /// At most this many changes (1 to 10,000, default 1,000).
    #[param(minimum = 1, maximum = 10000)]
    pub limit: Option<usize>,
}

/// One change of the feed: the entry's state at its latest version.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeView {
    pub version: u64,
    pub id: i64,
    /// put or remove (a tombstone).
    pub op: &'static str,
    pub list: &'static str,
    pub kind: &'static str,
    pub value: String,
    /// The compact lookup key, as a decimal string (it does not fit a JSON number).
    pub key: String,
    /// Who listed it (analyst, report, import…); for analysts and administrators only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    pub fraud_type: Option<String>,
    pub confidence: f32,
    pub severity: &'static str,
    pub expires_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NextPage {
    pub since: u64,
    pub after: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangesResponse {
    pub since: u64,
    /// The store's list version when the page was read.
    pub version: u64,
    pub changes: Vec<ChangeView>,
    /// Where the next page starts; absent when the feed is exhausted.
    pub next: Option<NextPage>,
}

/// The delta feed: additions and tombstones after a list version, for nodes that keep their own
/// copy of the lists. Audited.
#[utoipa::path(get, path = "/v1/lists/changes", tag = "lists", params(ChangesParams),
    responses(
        (status = 200, description = "a page of changes", body = ChangesResponse),
        (status = 400, description = "invalid parameters", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn changes(
    State(state): State<AppState>,
    Extension(principal): Extension<Arc<Principal>>,
    ApiQuery(params): ApiQuery<ChangesParams>,
) -> Result<Json<ChangesResponse>, ApiError> {
    let limit = params.limit.unwrap_or(1_000);
    if !(1..=MAX_CHANGES_PAGE).contains(&limit) {
        return Err(ApiError::new(
            Code::InvalidParameter,
            "limit must be from 1 to 10000",
        ));
    }
    let cursor = ChangeCursor {
        since: params.since,
        after_id: params.after,
    };
    let page = state
        .blocking(move |app| app.list_changes(&principal, cursor, limit))
        .await?;
    let full = page.detail == Detail::Full;
    Ok(Json(ChangesResponse {
        since: params.since,
        version: page.version,
        next: page.next.map(|next| NextPage {
            since: next.since,
            after: next.after_id.unwrap_or_default(),
        }),
        changes: page
            .entries
            .into_iter()
            .map(|entry| ChangeView {
                version: entry.version,
                id: entry.id,
                op: if entry.removed { "remove" } else { "put" },
                list: entry.list.as_str(),
                kind: entry.identifier.kind.as_str(),
                key: entry.identifier.key.to_string(),
                value: entry.identifier.value,
                source: full.then(|| entry.attributes.source.as_str()),
                fraud_type: entry.attributes.fraud_type,
                confidence: entry.attributes.confidence,
                severity: entry.attributes.severity.as_str(),
                expires_at: entry.attributes.expires_at,
            })
            .collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountView {
    pub list: &'static str,
    pub kind: &'static str,
    pub count: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotView {
    /// The list version decisions are made with.
    pub version: u64,
    pub base_keys: usize,
    /// Keys changed since the base was built.
    pub delta_keys: usize,
    pub memory_bytes: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListsStatus {
    /// The store's list version.
    pub version: u64,
    pub snapshot: SnapshotView,
    /// Live entries per list and kind.
    pub counts: Vec<CountView>,
}

/// The list version in the store and in the decision engine, and the entry counts.
#[utoipa::path(get, path = "/v1/lists/status", tag = "lists",
    responses(
        (status = 200, description = "versions and counts", body = ListsStatus),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn status(State(state): State<AppState>) -> Result<Json<ListsStatus>, ApiError> {
    let fraudwall_app::lists::ListsStatus { version, counts } =
        state.blocking(|app| app.lists_status()).await?;
    let engine = state.app.engine().load();
    let snapshot = engine.snapshot();
    Ok(Json(ListsStatus {
        version,
        snapshot: SnapshotView {
            version: snapshot.version(),
            base_keys: snapshot.base_len(),
            delta_keys: snapshot.delta_len(),
            memory_bytes: snapshot.memory_bytes(),
        },
        counts: counts
            .into_iter()
            .map(|(list, kind, count)| CountView {
                list: list.as_str(),
                kind: kind.as_str(),
                count,
            })
            .collect(),
    }))
}

/// Rebuilds the decision engine's list snapshot from the store, off the request path.
#[utoipa::path(post, path = "/v1/lists/rebuild", tag = "lists",
    responses(
        (status = 202, description = "the rebuild started"),
        (status = 401, description = "missing or invalid token", body = ErrorBody),
        (status = 403, description = "role not allowed", body = ErrorBody)))]
pub async fn rebuild(State(state): State<AppState>) -> axum::http::StatusCode {
    state.app.rebuild_lists();
    axum::http::StatusCode::ACCEPTED
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupMatch {
    /// The full SHA-256, hex.
    pub sha256: String,
    pub list: &'static str,
    /// number, or domain/url/ip for URL expressions.
    pub kind: &'static str,
    pub fraud_type: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LookupResponse {
    pub prefix: String,
    pub matches: Vec<LookupMatch>,
}

/// Privacy-preserving lookup: the full hashes of listed numbers (SHA-256 of the E.164 text,
/// `+8613800138000`) and URL expressions (SHA-256 of `host/path`, as Safe Browsing) that start
/// with a prefix of at least 4 bytes. The client compares locally, so the server never learns
/// what was checked.
#[utoipa::path(get, path = "/v1/lookup/{prefix}", tag = "lists",
    params(("prefix" = String, Path, description = "8 to 64 hex digits")),
    responses(
        (status = 200, description = "the matching full hashes", body = LookupResponse),
        (status = 400, description = "prefix shorter than 4 bytes or not hex", body = ErrorBody),
        (status = 401, description = "missing or invalid token", body = ErrorBody)))]
pub async fn lookup(
    State(state): State<AppState>,
    ApiPath(prefix): ApiPath<String>,
) -> Result<Json<LookupResponse>, ApiError> {
    let bad = || {
        ApiError::new(
            Code::InvalidParameter,
            "the prefix must be 8 to 64 hex digits (4 to 32 bytes)",
        )
    };
    if prefix.len() < 8 || prefix.len() > 64 || prefix.len() % 2 != 0 {
        return Err(bad());
    }
    let bytes = hex::decode(&prefix).map_err(|_| bad())?;
    let matches = state.blocking(move |app| app.lookup(&bytes)).await?;
    Ok(Json(LookupResponse {
        prefix: prefix.to_ascii_lowercase(),
        matches: matches
            .into_iter()
            .map(|m| LookupMatch {
                sha256: hex::encode(m.hash),
                list: m.list.as_str(),
                kind: m.kind.as_str(),
                fraud_type: m.fraud_type,
            })
            .collect(),
    }))
}
