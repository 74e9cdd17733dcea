//! [`App`]: one running node's use cases over its store, engine and jobs. The HTTP adapter
//! holds one; its methods block on the store, so async callers run them off the reactor.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Entry, Kind, List};
use fraudwall_lists::import::Format;
use fraudwall_rules::{DryRun, Engine, RuleSet};
use fraudwall_store::{
    AuditEntry, CaseIdentifier, CaseRecord, CaseVersion, ChangeCursor, ClueKind, ClueRecord,
    ClueStatus, HashMatch, HistoryRecord, NewToken, Role, Store, TokenRecord,
};

use crate::activity::{self, EventsImportReport, RecordFormat};
use crate::cards::{self, CardImportReport};
use crate::cases::{CaseDraft, CaseLinks, CutReport, LinkDraft, LinkedView, ProgressDraft};
use crate::clues::{ClueDraft, ClueOutcome, ReviewDraft, ReviewOutcome};
use crate::conviction::{self, ConvictionDraft};
use crate::error::AppError;
use crate::evidence::{EvidenceDraft, EvidenceResult};
use crate::export::{ChangesPage, ExportError};
use crate::funds::{
    self, ActionDraft, FreezeAction, FreezeQuery, FreezeView, FundsSettings, FundsStat, TraceQuery,
    TraceView,
};
use crate::jobs::{JobRunner, JobSpec, JobStats, ShutdownReport};
use crate::leads::{self, LeadQuery, Leads};
use crate::lists::{BatchReport, EntryDraft, ImportReport, ImportRequest, ListsStatus};
use crate::principal::Principal;
use crate::ratelimit::{RateLimiter, Rates};
use crate::recent::RecentEvents;
use crate::registry::{self, RegistryImportReport, UnitTree};
use crate::reputation::{PassReport, ReputationJob};
use crate::screening::{ScreeningKeeper, ScreeningSettings, ScreeningSizes};
use crate::sharing::{self, SharedClues};
use crate::snapshots::SnapshotKeeper;
use crate::tokens::TokenIndex;
use crate::verification;
use crate::warnings::{self, OutcomeDraft, WarningQuery, WarningSettings, WarningView};
use crate::witness::{Witness, WitnessFiles};
use crate::{
    audit, cases, clues, evidence, export, lists, rules, setup, snapshots, tokens, witness,
};
use fraudwall_records::{ContactIndex, MemoryIndex};
use time::OffsetDateTime;

/// Who imports another centre's or platform's shared intelligence as clues: the centre
/// itself, operators and banks, each under its own name.
const SHARED_INTEL_SOURCES: [Role; 4] = [Role::Admin, Role::Analyst, Role::Telco, Role::Bank];

/// How a node runs; the server reads it from its configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Region assumed for numbers written without a country code.
    pub region: Region,
    /// Seed the official whitelist of the region into an empty store.
    pub official_whitelist: bool,
    /// The SMS text model: `bundled`, `none`, or a model file.
    pub model: String,
    /// How often list changes made by other processes are looked for.
    pub lists_refresh: Duration,
    /// How often token changes made by other processes are looked for.
    pub token_refresh: Duration,
    /// The reputation job's period; none runs it only on demand.
    pub reputation_period: Option<Duration>,
    /// Where the audit log's head is signed; none signs nothing (tests, throwaway nodes).
    pub witness: Option<WitnessFiles>,
    /// How often a moved head is signed.
    pub checkpoint_interval: Duration,
    /// Evidence items a token may add a minute.
    pub evidence_rates: Rates,
}

/// Clues a caller may send a minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClueLimits {
    /// Per token, by role.
    pub rates: Rates,
    /// Per client address, for clues sent without a token.
    pub public_per_minute: u32,
}

impl Default for ClueLimits {
    fn default() -> ClueLimits {
        ClueLimits {
            // a citizen reports a few numbers a day; an operator forwards its subscribers'
            rates: Rates {
                reporter_per_minute: 60,
                per_minute: 60_000,
            },
            public_per_minute: 10,
        }
    }
}

/// How often due warnings are looked for; every deadline is at least a minute.
const WARNING_TICK: Duration = Duration::from_secs(15);

/// How often freeze requests' deadlines are checked: they count in minutes.
const FREEZE_TICK: Duration = Duration::from_secs(15);

/// How often transfer screening's warnings, mule leads and payee patterns are published.
const SCREENING_REFRESH: Duration = Duration::from_secs(15);

/// How often activity records are flushed and compacted.
const RECORDS_UPKEEP: Duration = Duration::from_secs(3_600);

/// How many recent events dry runs replay.
const RECENT_EVENTS: usize = 10_000;

pub struct App {
    store: Arc<dyn Store>,
    normalizer: PhoneNormalizer,
    engine: Arc<ArcSwap<Engine>>,
    tokens: Arc<TokenIndex>,
    snapshots: SnapshotKeeper,
    reputation: ReputationJob,
    recent: RecentEvents,
    witness: Option<Arc<Witness>>,
    evidence_limiter: RateLimiter,
    clue_limiter: RateLimiter,
    public_clues_per_minute: u32,
    cases: Arc<CaseLinks>,
    records: Arc<dyn ContactIndex>,
    screening: Arc<ScreeningKeeper>,
    warning_settings: Arc<WarningSettings>,
    funds_settings: Arc<FundsSettings>,
    runner: JobRunner,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

impl App {
    /// Prepares the store (seeding), builds the engine from it, and starts the background
    /// jobs: tokens, lists, lists-rebuild, lists-expiry, reputation.
    pub fn start(settings: &Settings, store: Arc<dyn Store>) -> Result<App, AppError> {
        let tokens = Arc::new(TokenIndex::load(store.as_ref())?);
        if settings.official_whitelist {
            setup::seed_official_whitelist(store.as_ref(), settings.region)?;
        }
        let rules = rules::load_active(store.as_ref())?;
        let model = setup::load_model(&settings.model)?;
        let snapshot = snapshots::build_snapshot(store.as_ref())?;
        let cases = Arc::new(CaseLinks::load(store.as_ref())?);
        let engine = Arc::new(ArcSwap::from_pointee(Engine::new(
            snapshot,
            Arc::new(rules),
            model,
            settings.region,
        )));
        let runner = JobRunner::new();
        let job_error = |err: crate::jobs::JobError| {
            AppError::new(crate::error::ErrorKind::Internal, err.to_string())
        };
        {
            let tokens = tokens.clone();
            let store = store.clone();
            runner
                .register(
                    JobSpec::every("tokens", settings.token_refresh),
                    move |_ctx: &crate::jobs::RunContext| {
                        if tokens.refresh(store.as_ref())? {
                            tracing::info!("token index reloaded");
                        }
                        Ok(())
                    },
                )
                .map_err(job_error)?;
        }
        let snapshots = SnapshotKeeper::start(
            &runner,
            store.clone(),
            engine.clone(),
            settings.lists_refresh,
        )
        .map_err(job_error)?;
        let keeper = snapshots.clone();
        let reputation = ReputationJob::start(
            &runner,
            store.clone(),
            move || keeper.changed(),
            settings.reputation_period,
        )
        .map_err(job_error)?;
        {
            let store = store.clone();
            runner
                .register(
                    JobSpec::every("warnings", WARNING_TICK),
                    move |_ctx: &crate::jobs::RunContext| {
                        let units = UnitTree::load(store.as_ref())?;
                        let report =
                            warnings::tick_due(store.as_ref(), &units, OffsetDateTime::now_utc())?;
                        if report.escalations > 0 {
                            tracing::info!(
                                warnings = report.warnings,
                                escalations = report.escalations,
                                "warning deadlines escalated"
                            );
                        }
                        Ok(())
                    },
                )
                .map_err(job_error)?;
        }
        {
            let store = store.clone();
            runner
                .register(
                    JobSpec::every("freezes", FREEZE_TICK),
                    move |_ctx: &crate::jobs::RunContext| {
                        let report = funds::tick_due(store.as_ref(), OffsetDateTime::now_utc())?;
                        if report.requests > 0 {
                            tracing::info!(
                                requests = report.requests,
                                escalations = report.escalations,
                                expired = report.expired,
                                "freeze request deadlines passed"
                            );
                        }
                        Ok(())
                    },
                )
                .map_err(job_error)?;
        }
        let witness = match &settings.witness {
            Some(files) => Some(start_witness(
                &runner,
                store.clone(),
                files,
                settings.checkpoint_interval,
            )?),
            None => None,
        };
        let screening = Arc::new(ScreeningKeeper::new(
            engine.clone(),
            ScreeningSettings::default(),
        ));
        Ok(App {
            store,
            screening,
            normalizer: PhoneNormalizer::new(settings.region),
            engine,
            tokens,
            snapshots,
            reputation,
            recent: RecentEvents::new(RECENT_EVENTS),
            witness,
            evidence_limiter: RateLimiter::new("evidence items", settings.evidence_rates),
            clue_limiter: RateLimiter::new("clues", ClueLimits::default().rates),
            public_clues_per_minute: ClueLimits::default().public_per_minute,
            cases,
            records: Arc::new(MemoryIndex::new()),
            warning_settings: Arc::new(WarningSettings::default()),
            funds_settings: Arc::new(FundsSettings::default()),
            runner,
        })
    }

    /// Keeps activity records in `index`; a memory index until then, which a restart empties.
    /// Registers the `records-upkeep` job, which flushes and compacts it hourly, the
    /// `screening` job, which keeps transfer screening's warnings, mule leads and payee
    /// patterns current, and the `freezes-retrace` job, which follows the money of cases still
    /// being chased to the accounts it reached since and asks their banks to stop it.
    pub fn with_records(mut self, index: Arc<dyn ContactIndex>) -> Result<App, AppError> {
        let job_error = |err: crate::jobs::JobError| {
            AppError::new(crate::error::ErrorKind::Internal, err.to_string())
        };
        let upkeep = index.clone();
        self.runner
            .register(
                JobSpec::every("records-upkeep", RECORDS_UPKEEP),
                move |_ctx: &crate::jobs::RunContext| {
                    upkeep.maintain(OffsetDateTime::now_utc().unix_timestamp())?;
                    Ok(())
                },
            )
            .map_err(job_error)?;
        {
            let (keeper, store, cases, records) = (
                self.screening.clone(),
                self.store.clone(),
                self.cases.clone(),
                index.clone(),
            );
            let normalizer = self.normalizer;
            self.runner
                .register(
                    JobSpec::every("screening", SCREENING_REFRESH),
                    move |_ctx: &crate::jobs::RunContext| {
                        keeper.refresh(
                            store.as_ref(),
                            &normalizer,
                            &cases,
                            records.as_ref(),
                            OffsetDateTime::now_utc().unix_timestamp(),
                        )?;
                        Ok(())
                    },
                )
                .map_err(job_error)?;
        }
        {
            let (store, records, settings) = (
                self.store.clone(),
                index.clone(),
                self.funds_settings.clone(),
            );
            let mut cursor = funds::RetraceCursor::default();
            self.runner
                .register(
                    JobSpec::every("freezes-retrace", settings.retrace_period),
                    move |ctx: &crate::jobs::RunContext| {
                        let report = funds::retrace_active(
                            store.as_ref(),
                            records.as_ref(),
                            &settings,
                            &mut cursor,
                            OffsetDateTime::now_utc(),
                            || ctx.stopping(),
                        )?;
                        if !report.created.is_empty() {
                            tracing::info!(
                                cases = report.cases,
                                requests = report.created.len(),
                                "money traced to new accounts; freezes requested"
                            );
                        }
                        Ok(())
                    },
                )
                .map_err(job_error)?;
        }
        self.records = index;
        Ok(self)
    }

    /// Shows arriving records to transfer screening (calls with listed numbers, payees) without
    /// storing them: for a caller that stores them itself.
    pub fn note_for_screening(&self, records: &[fraudwall_records::Record], now: i64) {
        self.screening.note(records, now);
    }

    /// Publishes transfer screening's warnings, mule leads and payee patterns now; the
    /// `screening` job does this on its own.
    pub fn refresh_screening(&self, now: OffsetDateTime) -> Result<ScreeningSizes, AppError> {
        self.screening.refresh(
            self.store.as_ref(),
            &self.normalizer,
            &self.cases,
            self.records.as_ref(),
            now.unix_timestamp(),
        )
    }

    /// Sets how warnings are scored, laddered and placed; [`WarningSettings::default`] until then.
    pub fn with_warning_settings(mut self, settings: WarningSettings) -> App {
        self.warning_settings = Arc::new(settings);
        self
    }

    pub fn records(&self) -> &dyn ContactIndex {
        self.records.as_ref()
    }

    /// How money is traced and freezes requested; call before [`App::with_records`], whose
    /// `freezes-retrace` job reads the settings then.
    pub fn with_funds_settings(mut self, settings: FundsSettings) -> App {
        self.funds_settings = Arc::new(settings);
        self
    }

    /// Screening's thresholds; call before [`App::with_records`], whose `screening` job uses
    /// the keeper this replaces (the keeper holds nothing yet).
    pub fn with_screening_settings(mut self, settings: ScreeningSettings) -> App {
        self.screening = Arc::new(ScreeningKeeper::new(self.engine.clone(), settings));
        self
    }

    /// Sets the clue limits; [`ClueLimits::default`] until then.
    pub fn with_clue_limits(mut self, limits: ClueLimits) -> App {
        self.clue_limiter = RateLimiter::new("clues", limits.rates);
        self.public_clues_per_minute = limits.public_per_minute;
        self
    }

    /// The decision engine, swapped whole when lists or rules change. Decisions read it and
    /// nothing else: no store, no lock.
    pub fn engine(&self) -> &ArcSwap<Engine> {
        &self.engine
    }

    pub fn normalizer(&self) -> &PhoneNormalizer {
        &self.normalizer
    }

    /// Recent events, sampled, for dry runs of candidate rule sets.
    pub fn recent(&self) -> &RecentEvents {
        &self.recent
    }

    pub fn tokens(&self) -> &TokenIndex {
        &self.tokens
    }

    /// The holder of a token the in-memory index does not know: one store lookup, rationed.
    pub fn authenticate_unknown(&self, token: &str) -> Result<Option<Arc<Principal>>, AppError> {
        Ok(self
            .tokens
            .authenticate_unknown(self.store.as_ref(), token)?)
    }

    /// Stops every background job, waiting up to `grace` for runs in progress.
    pub fn shutdown(&self, grace: Duration) -> ShutdownReport {
        let report = self.runner.shutdown(grace);
        // the last entries written before the stop are signed too
        self.seal_audit();
        report
    }

    /// Signs the audit log's head now, if it moved; a failure is logged, since the log itself
    /// is unharmed and the next verification reports what is wrong.
    fn seal_audit(&self) {
        if let Some(witness) = &self.witness
            && let Err(err) = witness.seal(self.store.as_ref())
        {
            tracing::error!(error = %err, "audit head not signed");
        }
    }

    pub fn job_stats(&self) -> Vec<JobStats> {
        self.runner.stats()
    }

    // lists

    pub fn put_entries(
        &self,
        principal: &Principal,
        list: List,
        drafts: Vec<Result<EntryDraft, AppError>>,
        replace: bool,
    ) -> Result<BatchReport, AppError> {
        let report = lists::put_entries(
            self.store.as_ref(),
            &self.normalizer,
            principal,
            list,
            drafts,
            replace,
        )?;
        self.lists_changed(report.changed());
        Ok(report)
    }

    pub fn remove_entries(
        &self,
        principal: &Principal,
        list: List,
        refs: Vec<Result<(Kind, String), AppError>>,
    ) -> Result<BatchReport, AppError> {
        let report =
            lists::remove_entries(self.store.as_ref(), &self.normalizer, principal, list, refs)?;
        self.lists_changed(report.changed());
        Ok(report)
    }

    pub fn import(
        &self,
        principal: &Principal,
        request: ImportRequest<'_>,
    ) -> Result<ImportReport, AppError> {
        let report = lists::import(
            self.store.as_ref(),
            &self.normalizer,
            principal,
            request,
            &mut |_, _| {},
        )?;
        self.lists_changed(report.imported > 0);
        Ok(report)
    }

    pub fn export(
        &self,
        principal: &Principal,
        list: List,
        kind: Kind,
        format: Format,
        out: &mut dyn std::io::Write,
    ) -> Result<u64, ExportError> {
        export::export(self.store.as_ref(), principal, list, kind, format, out)
    }

    pub fn entry_with_history(
        &self,
        principal: &Principal,
        list: List,
        kind: Kind,
        value: &str,
    ) -> Result<(Entry, Vec<HistoryRecord>), AppError> {
        lists::entry_with_history(
            self.store.as_ref(),
            &self.normalizer,
            principal,
            list,
            kind,
            value,
        )
    }

    pub fn list_changes(
        &self,
        principal: &Principal,
        cursor: ChangeCursor,
        limit: usize,
    ) -> Result<ChangesPage, AppError> {
        export::changes(self.store.as_ref(), principal, cursor, limit)
    }

    pub fn lists_status(&self) -> Result<ListsStatus, AppError> {
        lists::status(self.store.as_ref())
    }

    pub fn lookup(&self, prefix: &[u8]) -> Result<Vec<HashMatch>, AppError> {
        lists::lookup(self.store.as_ref(), prefix)
    }

    /// Makes every list change stored so far visible to decisions before returning.
    pub fn settle_lists(&self) -> Result<(), AppError> {
        Ok(snapshots::settle(self.store.as_ref(), &self.engine)?)
    }

    /// Rebuilds the engine's list snapshot from the store, off the request path.
    pub fn rebuild_lists(&self) {
        self.snapshots.rebuild();
    }

    fn lists_changed(&self, changed: bool) {
        if changed {
            self.snapshots.changed();
        }
    }

    // cases and their links

    /// Files a victim's case and links it; `(id, created)`, false when the same report was
    /// filed before.
    pub fn file_case(
        &self,
        principal: &Principal,
        draft: &CaseDraft,
    ) -> Result<(i64, bool), AppError> {
        let engine = self.engine.load();
        let (id, new) = cases::file(
            self.store.as_ref(),
            &self.cases,
            &self.normalizer,
            engine.snapshot(),
            principal,
            draft,
        )?;
        if new {
            // a case already filed stands even if its counter-inspection fails; a later
            // `counter_inspect` call retries it and warns no one twice
            if let Err(err) = self.counter_inspect(id, OffsetDateTime::now_utc()) {
                tracing::error!(case = id, error = %err, "counter-inspection failed");
            }
            // the golden hour: the banks are asked to stop the money as the case is filed; a
            // failure leaves the case standing and `request_freezes` can be called again
            if let Err(err) = self.request_freezes_on_filing(principal, id) {
                tracing::error!(case = id, error = %err, "freeze requests failed");
            }
        }
        Ok((id, new))
    }

    fn request_freezes_on_filing(&self, principal: &Principal, id: i64) -> Result<(), AppError> {
        let Some(case) = self.store.case(id)? else {
            return Ok(());
        };
        funds::request_for_case(
            self.store.as_ref(),
            self.records.as_ref(),
            &self.funds_settings,
            &principal.actor(),
            &case,
            OffsetDateTime::now_utc(),
        )?;
        Ok(())
    }

    // fund control

    /// A case's money followed through the transfer records, with its freeze requests.
    pub fn trace_case(
        &self,
        principal: &Principal,
        case_id: i64,
        query: TraceQuery,
    ) -> Result<TraceView, AppError> {
        funds::trace_case(
            self.store.as_ref(),
            self.records.as_ref(),
            &self.funds_settings,
            principal,
            case_id,
            query,
            OffsetDateTime::now_utc(),
        )
    }

    /// Traces a case again and asks the banks to stop the money in accounts it newly reached.
    pub fn request_freezes(
        &self,
        principal: &Principal,
        case_id: i64,
    ) -> Result<funds::RequestReport, AppError> {
        funds::request_freezes(
            self.store.as_ref(),
            self.records.as_ref(),
            &self.funds_settings,
            principal,
            case_id,
            OffsetDateTime::now_utc(),
        )
    }

    pub fn freeze_requests(
        &self,
        principal: &Principal,
        query: &FreezeQuery,
    ) -> Result<Vec<FreezeView>, AppError> {
        funds::list(self.store.as_ref(), principal, query)
    }

    pub fn freeze_request(&self, principal: &Principal, id: i64) -> Result<FreezeView, AppError> {
        funds::get(self.store.as_ref(), principal, id)
    }

    pub fn act_on_freeze(
        &self,
        principal: &Principal,
        id: i64,
        action: FreezeAction,
        draft: &ActionDraft,
    ) -> Result<FreezeView, AppError> {
        funds::act(
            self.store.as_ref(),
            &self.funds_settings,
            principal,
            id,
            action,
            draft,
            OffsetDateTime::now_utc(),
        )
    }

    pub fn funds_stats(&self, principal: &Principal) -> Result<Vec<FundsStat>, AppError> {
        funds::stats(self.store.as_ref(), &self.funds_settings, principal)
    }

    /// Accounts put to their banks for holder re-verification, in the caller's scope.
    pub fn verifications(
        &self,
        principal: &Principal,
        status: Option<&str>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<verification::VerificationView>, AppError> {
        verification::list(self.store.as_ref(), principal, status, after, limit)
    }

    /// A bank's answer to a verification; a failure is its evidence against the account.
    pub fn answer_verification(
        &self,
        principal: &Principal,
        id: i64,
        finding: verification::Finding,
        note: Option<String>,
    ) -> Result<verification::VerificationView, AppError> {
        verification::answer(
            self.store.as_ref(),
            &self.normalizer,
            principal,
            id,
            finding,
            note,
            OffsetDateTime::now_utc(),
        )
    }

    /// Warns everyone in contact with a case's identifiers in the window before its report.
    pub fn counter_inspect(
        &self,
        case_id: i64,
        now: OffsetDateTime,
    ) -> Result<warnings::CounterReport, AppError> {
        warnings::counter_inspect(
            self.store.as_ref(),
            self.records.as_ref(),
            &self.warning_settings,
            case_id,
            now,
        )
    }

    // activity records and warnings

    pub fn ingest_records(
        &self,
        principal: &Principal,
        slots: &[&[u8]],
    ) -> Result<Vec<Result<(), AppError>>, AppError> {
        let mut stored = Vec::new();
        let results = activity::ingest_slots(self.records.as_ref(), principal, slots, &mut stored)?;
        self.screening
            .note(&stored, OffsetDateTime::now_utc().unix_timestamp());
        // the records are kept whatever happens next; a failed warning pass is logged, not
        // answered as a failure of the records
        if let Err(err) = self.warn_from_records(&stored, OffsetDateTime::now_utc()) {
            tracing::error!(error = %err, "warnings from records failed");
        }
        Ok(results)
    }

    /// Warns the people these records show in contact with listed fraud (a long call from a
    /// black-listed number, a fraud app installed, a payment to a black-listed account).
    pub fn warn_from_records(
        &self,
        records: &[fraudwall_records::Record],
        now: OffsetDateTime,
    ) -> Result<usize, AppError> {
        let engine = self.engine.load();
        warnings::warn_from_records(
            self.store.as_ref(),
            engine.snapshot(),
            &self.warning_settings,
            records,
            now,
        )
    }

    pub fn import_records(
        &self,
        principal: &Principal,
        format: RecordFormat,
        input: &mut dyn std::io::BufRead,
        progress: &mut dyn FnMut(u64),
    ) -> Result<EventsImportReport, AppError> {
        activity::import(self.records.as_ref(), principal, format, input, progress)
    }

    pub fn import_subscribers(
        &self,
        principal: &Principal,
        input: &mut dyn std::io::BufRead,
        progress: &mut dyn FnMut(u64),
    ) -> Result<RegistryImportReport, AppError> {
        registry::import_subscribers(
            self.store.as_ref(),
            &self.normalizer,
            principal,
            input,
            progress,
        )
    }

    pub fn import_units(
        &self,
        principal: &Principal,
        input: &mut dyn std::io::BufRead,
    ) -> Result<RegistryImportReport, AppError> {
        registry::import_units(self.store.as_ref(), principal, input)
    }

    pub fn warnings(
        &self,
        principal: &Principal,
        query: &WarningQuery,
    ) -> Result<Vec<WarningView>, AppError> {
        warnings::list(self.store.as_ref(), principal, query)
    }

    /// Closes a warning with its outcome; `already_deceived` answers that a case should open.
    pub fn warning_outcome(
        &self,
        principal: &Principal,
        id: i64,
        draft: &OutcomeDraft,
    ) -> Result<(WarningView, bool), AppError> {
        warnings::record_outcome(
            self.store.as_ref(),
            principal,
            id,
            draft,
            OffsetDateTime::now_utc(),
        )
    }

    pub fn acknowledge_warning_step(
        &self,
        principal: &Principal,
        id: i64,
        step: usize,
    ) -> Result<WarningView, AppError> {
        warnings::acknowledge(
            self.store.as_ref(),
            principal,
            id,
            step,
            OffsetDateTime::now_utc(),
        )
    }

    /// Escalates warnings whose deadlines passed by `now`; the warnings job does this on its own.
    pub fn tick_warnings(&self, now: OffsetDateTime) -> Result<warnings::TickReport, AppError> {
        let units = UnitTree::load(self.store.as_ref())?;
        warnings::tick_due(self.store.as_ref(), &units, now)
    }

    pub fn warning_kpis(
        &self,
        principal: &Principal,
        depth: usize,
    ) -> Result<Vec<warnings::Kpi>, AppError> {
        warnings::kpis(self.store.as_ref(), principal, depth)
    }

    pub fn case(
        &self,
        principal: &Principal,
        id: i64,
    ) -> Result<(CaseRecord, Vec<CaseIdentifier>, Vec<CaseVersion>), AppError> {
        cases::get(self.store.as_ref(), principal, id)
    }

    pub fn linked_cases(
        &self,
        principal: &Principal,
        id: i64,
        max_cases: usize,
    ) -> Result<LinkedView, AppError> {
        cases::linked(self.store.as_ref(), &self.cases, principal, id, max_cases)
    }

    /// A case's cluster as a shared document; see [`crate::sharing::export`].
    pub fn export_cluster(
        &self,
        principal: &Principal,
        id: i64,
        format: crate::sharing::Format,
        max_cases: usize,
    ) -> Result<serde_json::Value, AppError> {
        crate::sharing::export(
            self.store.as_ref(),
            &self.cases,
            principal,
            id,
            format,
            max_cases,
        )
    }

    pub fn cut_link(
        &self,
        principal: &Principal,
        id: i64,
        link: LinkDraft,
    ) -> Result<CutReport, AppError> {
        cases::cut(
            self.store.as_ref(),
            &self.cases,
            &self.normalizer,
            principal,
            id,
            link,
        )
    }

    pub fn restore_link(
        &self,
        principal: &Principal,
        id: i64,
        link: LinkDraft,
    ) -> Result<u32, AppError> {
        cases::restore(
            self.store.as_ref(),
            &self.cases,
            &self.normalizer,
            principal,
            id,
            link,
        )
    }

    /// Every case's id with its cluster's id.
    pub fn case_clusters(&self) -> Vec<(i64, i64)> {
        self.cases.clusters()
    }

    /// Puts a solved case's convicted suspects' identifiers on the black list.
    pub fn blacklist_convicted(
        &self,
        principal: &Principal,
        id: i64,
        draft: ConvictionDraft,
    ) -> Result<BatchReport, AppError> {
        let report =
            conviction::blacklist(self.store.as_ref(), &self.normalizer, principal, id, draft)?;
        self.lists_changed(report.changed());
        Ok(report)
    }

    pub fn case_leads(&self, principal: &Principal, query: LeadQuery) -> Result<Leads, AppError> {
        leads::leads(self.store.as_ref(), &self.cases, principal, query)
    }

    /// Imports who holds each card; `progress` hears the bytes read so far.
    pub fn import_cards(
        &self,
        principal: &Principal,
        input: &mut dyn std::io::BufRead,
        progress: &mut dyn FnMut(u64),
    ) -> Result<CardImportReport, AppError> {
        cards::import(
            self.store.as_ref(),
            &self.normalizer,
            principal,
            input,
            progress,
        )
    }

    pub fn progress_case(
        &self,
        principal: &Principal,
        id: i64,
        draft: ProgressDraft,
    ) -> Result<CaseRecord, AppError> {
        cases::progress(self.store.as_ref(), principal, id, draft)
    }

    // evidence and reputation

    pub fn record_evidence(
        &self,
        principal: &Principal,
        drafts: Vec<Result<EvidenceDraft, AppError>>,
    ) -> Result<Vec<EvidenceResult>, AppError> {
        self.evidence_limiter.take(principal, drafts.len())?;
        let results = evidence::record(self.store.as_ref(), &self.normalizer, principal, drafts)?;
        if results.iter().any(Result::is_ok) {
            self.reputation.evidence_arrived();
        }
        Ok(results)
    }

    // clues

    /// Takes reports from a token's holder, within its allowance of clues a minute; see
    /// [`clues::submit`].
    pub fn submit_clues(
        &self,
        principal: &Principal,
        drafts: Vec<Result<ClueDraft, AppError>>,
    ) -> Result<Vec<Result<ClueOutcome, AppError>>, AppError> {
        self.clue_limiter.take(principal, drafts.len())?;
        self.submit_clues_unlimited(principal, drafts)
    }

    /// Takes the phone numbers, bank accounts, URLs and domains of a shared MISP event or STIX
    /// bundle as clues from `principal`, within its allowance: another centre's or an
    /// operator's intelligence counts under the principal's own name. A malformed attribute
    /// is rejected alone.
    pub fn submit_shared_clues(
        &self,
        principal: &Principal,
        document: &[u8],
    ) -> Result<(SharedClues, Vec<Result<ClueOutcome, AppError>>), AppError> {
        crate::cases::require(
            principal,
            &SHARED_INTEL_SOURCES,
            "import shared intelligence",
        )?;
        let shared = sharing::read_shared(document, &self.normalizer)?;
        let drafts: Vec<Result<ClueDraft, AppError>> = shared
            .clues
            .iter()
            .map(|clue| {
                let kind = match clue.identifier.kind {
                    Kind::Number => ClueKind::Number,
                    Kind::Account => ClueKind::Account,
                    // a domain is reported as a link to its host
                    _ => ClueKind::Url,
                };
                Ok(ClueDraft {
                    kind,
                    value: clue.identifier.value.clone(),
                    text: clue.comment.clone(),
                    fraud_type: None,
                })
            })
            .collect();
        if drafts.is_empty() {
            return Ok((shared, Vec::new()));
        }
        let results = self.submit_clues(principal, drafts)?;
        Ok((shared, results))
    }

    /// Takes reports sent without a token from `address`, within that address's allowance.
    pub fn submit_public_clues(
        &self,
        address: IpAddr,
        drafts: Vec<Result<ClueDraft, AppError>>,
    ) -> Result<Vec<Result<ClueOutcome, AppError>>, AppError> {
        self.clue_limiter
            .take_address(address, self.public_clues_per_minute, drafts.len())?;
        self.submit_clues_unlimited(&Principal::anonymous(), drafts)
    }

    fn submit_clues_unlimited(
        &self,
        principal: &Principal,
        drafts: Vec<Result<ClueDraft, AppError>>,
    ) -> Result<Vec<Result<ClueOutcome, AppError>>, AppError> {
        let results = clues::submit(self.store.as_ref(), &self.normalizer, principal, drafts)?;
        if results.iter().any(|r| r.as_ref().is_ok_and(|o| o.evidence)) {
            self.reputation.evidence_arrived();
        }
        Ok(results)
    }

    pub fn clues(
        &self,
        principal: &Principal,
        status: Option<ClueStatus>,
        after_id: i64,
        limit: usize,
    ) -> Result<Vec<ClueRecord>, AppError> {
        clues::list(self.store.as_ref(), principal, status, after_id, limit)
    }

    pub fn review_clue(
        &self,
        principal: &Principal,
        id: i64,
        draft: ReviewDraft,
    ) -> Result<ReviewOutcome, AppError> {
        let outcome = clues::review(self.store.as_ref(), principal, id, draft)?;
        self.reputation.evidence_arrived();
        Ok(outcome)
    }

    /// Runs one reputation pass now and waits for it. Audited.
    pub fn run_reputation(&self, principal: &Principal) -> Result<PassReport, AppError> {
        let report = self.reputation.run_pass()?;
        audit::record(
            self.store.as_ref(),
            principal,
            "reputation.run",
            "lists",
            serde_json::json!({"assessed": report.assessed, "listed_black": report.listed_black,
                "listed_gray": report.listed_gray, "removed": report.removed,
                "ranges_added": report.ranges_added, "ranges_removed": report.ranges_removed,
                "version": report.version}),
        )?;
        Ok(report)
    }

    // rules

    /// Stores a validated rule set and puts it in force at once.
    pub fn replace_rules(
        &self,
        principal: &Principal,
        rules: Arc<RuleSet>,
    ) -> Result<(), AppError> {
        rules::replace(self.store.as_ref(), principal, &rules)?;
        self.engine
            .rcu(|engine| Arc::new(engine.with_rules(rules.clone())));
        tracing::info!(version = %rules.version, "rule set replaced");
        Ok(())
    }

    /// What `candidate` would change: replays the sampled recent events through the current
    /// rules and the candidate, over the same lists. Audited.
    pub fn dry_run(
        &self,
        principal: &Principal,
        candidate: &RuleSet,
        examples: usize,
    ) -> Result<DryRun, AppError> {
        let events = self.recent.events();
        let engine = self.engine.load_full();
        let run = DryRun::replay(&engine, candidate, events.iter().map(Arc::as_ref), examples);
        audit::record(
            self.store.as_ref(),
            principal,
            "rules.dry_run",
            "rules",
            serde_json::json!({"current": run.current, "candidate": run.candidate,
                "changed": run.changed}),
        )?;
        Ok(run)
    }

    // tokens and audit

    pub fn create_token(
        &self,
        principal: &Principal,
        new: NewToken,
    ) -> Result<(String, TokenRecord), AppError> {
        let created = tokens::create(self.store.as_ref(), principal, new)?;
        self.refresh_tokens();
        Ok(created)
    }

    pub fn list_tokens(&self, principal: &Principal) -> Result<Vec<TokenRecord>, AppError> {
        tokens::list(self.store.as_ref(), principal)
    }

    pub fn revoke_token(&self, principal: &Principal, id: i64) -> Result<(), AppError> {
        tokens::revoke(self.store.as_ref(), principal, id)?;
        self.refresh_tokens();
        Ok(())
    }

    /// Makes token changes visible at once on this node (other nodes follow within the refresh
    /// period).
    fn refresh_tokens(&self) {
        if let Err(err) = self.tokens.refresh(self.store.as_ref()) {
            tracing::warn!(error = %err, "token refresh failed");
        }
    }

    pub fn audit_entries(
        &self,
        principal: &Principal,
        after: u64,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, AppError> {
        audit::entries(self.store.as_ref(), principal, after, limit)
    }

    /// Recomputes the chain and checks it against this node's signed checkpoints, after signing
    /// the head as it stands (a head that does not extend the last checkpoint is never signed).
    pub fn verify_audit(&self) -> Result<audit::Verification, AppError> {
        let Some(witness) = &self.witness else {
            return audit::verify(self.store.as_ref(), &[], None);
        };
        self.seal_audit();
        let checkpoints = witness::read_checkpoints(&witness.files().checkpoints)
            .map_err(|err| AppError::new(crate::error::ErrorKind::Internal, err.to_string()))?;
        audit::verify(
            self.store.as_ref(),
            &checkpoints,
            Some(&witness.public_key()),
        )
    }
}

/// Opens the signing key, signs the head as found, and signs it again whenever it moves.
fn start_witness(
    runner: &JobRunner,
    store: Arc<dyn Store>,
    files: &WitnessFiles,
    interval: Duration,
) -> Result<Arc<Witness>, AppError> {
    let witness = Arc::new(
        Witness::open_or_create(files.clone())
            .map_err(|err| AppError::new(crate::error::ErrorKind::Internal, err.to_string()))?,
    );
    let mut refusing = false;
    if let Err(err) = witness.seal(store.as_ref()) {
        tracing::error!(error = %err, "audit head not signed");
        refusing = true;
    }
    let job_witness = witness.clone();
    // a refusal is logged when it starts, not on every run while it lasts
    runner
        .register(
            JobSpec::every("audit-checkpoint", interval),
            move |_ctx: &crate::jobs::RunContext| {
                match job_witness.seal(store.as_ref()) {
                    Ok(_) => refusing = false,
                    Err(err @ witness::WitnessError::Diverged { .. }) => {
                        if !refusing {
                            tracing::error!(error = %err, "audit log diverges from its checkpoints");
                        }
                        refusing = true;
                    }
                    Err(err) => tracing::warn!(error = %err, "audit head not signed"),
                }
                Ok(())
            },
        )
        .map_err(|err| AppError::new(crate::error::ErrorKind::Internal, err.to_string()))?;
    Ok(witness)
}
