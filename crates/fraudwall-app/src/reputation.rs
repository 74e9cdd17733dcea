//! The reputation job: runs the passes that turn stored evidence into derived list entries,
//! off the request path.
//!
//! One pass reads the evidence of the last four evidence half-lives (older evidence weighs
//! less than a sixteenth and its sources are forgotten) and the live list entries, hands them
//! to the planner (`fraudwall_lists::plan`, which decides what to list, unlist and derive), and
//! applies its changes in one batch. A background thread runs a pass every period; an
//! administrator can run one at once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fraudwall_lists::derive::RangePolicy;
pub use fraudwall_lists::plan::PassReport;
use fraudwall_lists::plan::{AUTHOR, ListedRow, Observation, PassPlanner};
use fraudwall_lists::reporters;
use fraudwall_lists::reputation::{Evidence, Policy};
use fraudwall_store::{EvidenceClass, EvidenceRecord, Store, StoreError};
use time::OffsetDateTime;

use crate::jobs::{JobError, JobHandle, JobRunner, JobSpec, RunContext, RunReason};

/// The handle to the job: runs a pass now, or wakes the background job.
#[derive(Clone)]
pub struct ReputationJob {
    inner: Arc<Inner>,
    /// Absent when timed passes are disabled.
    job: Option<JobHandle>,
}

struct Inner {
    store: Arc<dyn Store>,
    /// Tells the decision snapshot that the lists changed, so decisions see it at once.
    changed: Box<dyn Fn() + Send + Sync>,
    policy: Policy,
    ranges: RangePolicy,
    /// One pass at a time: a pass plans from what it read, and two interleaved passes would
    /// each undo the other's work.
    running: Mutex<()>,
    /// Evidence arrived since the last pass.
    evidence_arrived: AtomicBool,
}

impl std::fmt::Debug for ReputationJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReputationJob")
            .field("background", &self.job.is_some())
            .finish()
    }
}

/// A timed pass is skipped while neither evidence nor lists changed, since a pass scans every
/// live entry; decay alone still runs one at least this often.
const IDLE_PASS_EVERY: Duration = Duration::from_secs(3_600);

impl ReputationJob {
    /// Registers the `reputation` job with `period` unless it is none; passes run on request
    /// either way. `changed` is called after a pass that changed the lists.
    pub fn start(
        runner: &JobRunner,
        store: Arc<dyn Store>,
        changed: impl Fn() + Send + Sync + 'static,
        period: Option<Duration>,
    ) -> Result<ReputationJob, JobError> {
        let inner = Arc::new(Inner {
            store,
            changed: Box::new(changed),
            policy: Policy::default(),
            ranges: RangePolicy::default(),
            running: Mutex::new(()),
            evidence_arrived: AtomicBool::new(false),
        });
        let job = period
            .map(|period| {
                let inner = inner.clone();
                // the list version the last pass left; none before the first pass
                let mut last_version = None;
                let mut last_pass = Instant::now();
                runner.register(
                    JobSpec::every("reputation", period),
                    move |ctx: &RunContext| {
                        let version = inner.store.list_version()?;
                        let idle = !inner.evidence_arrived.load(Ordering::Relaxed)
                            && Some(version) == last_version
                            && last_pass.elapsed() < IDLE_PASS_EVERY;
                        if idle && ctx.reason() != RunReason::Wake {
                            return Ok(());
                        }
                        inner.evidence_arrived.store(false, Ordering::Relaxed);
                        last_pass = Instant::now();
                        let report = inner.run_pass()?;
                        last_version = Some(report.version);
                        Ok(())
                    },
                )
            })
            .transpose()?;
        Ok(ReputationJob { inner, job })
    }

    /// Notes that evidence was recorded, so the next timed pass does not skip.
    pub fn evidence_arrived(&self) {
        self.inner.evidence_arrived.store(true, Ordering::Relaxed);
    }

    /// Asks the background job for a pass now rather than at the end of its period.
    pub fn wake(&self) {
        if let Some(job) = &self.job {
            job.wake();
        }
    }

    /// Runs one pass and waits for it. Blocks on the store: call it off the async workers.
    pub fn run_pass(&self) -> Result<PassReport, StoreError> {
        self.inner.run_pass()
    }
}

impl Inner {
    fn run_pass(&self) -> Result<PassReport, StoreError> {
        let _running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let store = self.store.as_ref();

        let mut pass = PassPlanner::new(self.policy, self.ranges);
        let since = (now - 4 * self.policy.evidence_half_life_s as i64).max(0);
        let since =
            OffsetDateTime::from_unix_timestamp(since).unwrap_or(OffsetDateTime::UNIX_EPOCH);
        // read at every pass, so that a review since the last one reweighs earlier reports
        let reporters = reporter_records(store)?;
        store.scan_evidence(since, &mut |record| {
            pass.observe(&observation(record, &reporters))
        })?;
        store.scan_live_entries(OffsetDateTime::now_utc(), &mut |row| {
            pass.listed(&ListedRow {
                list: row.list,
                kind: row.kind,
                key: row.key,
                source: row.source,
                value: row.value,
            });
        })?;

        let plan = pass.finish(now);
        let report = if plan.changes().is_empty() {
            plan.report(&[], store.list_version()?)
        } else {
            let applied = store.apply_list_changes(plan.changes(), AUTHOR, false)?;
            plan.report(&applied.outcomes, applied.version)
        };
        if report.changed() {
            (self.changed)();
            tracing::info!(
                assessed = report.assessed,
                listed_black = report.listed_black,
                listed_gray = report.listed_gray,
                removed = report.removed,
                ranges_added = report.ranges_added,
                ranges_removed = report.ranges_removed,
                version = report.version,
                seconds = started.elapsed().as_secs_f64(),
                "reputation pass changed the lists"
            );
        } else {
            tracing::debug!(
                assessed = report.assessed,
                seconds = started.elapsed().as_secs_f64(),
                "reputation pass changed nothing"
            );
        }
        Ok(report)
    }
}

/// Every reviewed citizen's record, by evidence source.
fn reporter_records(store: &dyn Store) -> Result<HashMap<String, reporters::Record>, StoreError> {
    Ok(store
        .reporter_standings()?
        .into_iter()
        .map(|r| {
            let record = reporters::Record {
                confirmed: r.confirmed,
                refuted: r.refuted,
            };
            (r.source, record)
        })
        .collect())
}

/// A stored observation as the planner takes it: a citizen's under the source and weight the
/// reporter's record gives it.
fn observation<'a>(
    record: &'a EvidenceRecord,
    reporters: &HashMap<String, reporters::Record>,
) -> Observation<'a> {
    let (source, weight) = reporters::weigh(&record.source, reporters.get(&record.source).copied());
    Observation {
        kind: record.kind,
        key: record.key,
        value: &record.value,
        evidence: match record.class {
            EvidenceClass::Fraud => Evidence::Fraud,
            EvidenceClass::Benign => Evidence::Benign,
        },
        source,
        at: record.time.unix_timestamp(),
        fraud_type: record.fraud_type.as_deref(),
        weight,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use fraudwall_ids::phone::{PhoneNormalizer, Region};
    use fraudwall_lists::entry::{Identifier, Kind, List, Source};
    use fraudwall_lists::reputation::Timestamp;
    use fraudwall_store::{NewEvidence, SqliteStore};

    use super::*;

    fn number(text: &str) -> Identifier {
        Identifier::parse(Kind::Number, text, &PhoneNormalizer::new(Region::CN)).unwrap()
    }

    fn new_evidence(of: &Identifier, source: usize, at: Timestamp) -> NewEvidence {
        NewEvidence {
            kind: of.kind,
            value: of.value.clone(),
            key: of.key,
            class: EvidenceClass::Fraud,
            source: format!("token:{source}"),
            time: OffsetDateTime::from_unix_timestamp(at).unwrap(),
            fraud_type: None,
            note: None,
        }
    }

    #[test]
    fn a_pass_applies_its_plan_once_and_the_next_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let target = number("13800138001");
        let records: Vec<_> = (0..9)
            .map(|i| new_evidence(&target, i % 3, now - 60 + i as i64))
            .collect();
        store.append_evidence(&records).unwrap();
        let changes = Arc::new(AtomicUsize::new(0));
        let counter = changes.clone();
        let runner = JobRunner::new();
        let job = ReputationJob::start(
            &runner,
            store.clone(),
            move || {
                counter.fetch_add(1, Ordering::SeqCst);
            },
            None,
        )
        .unwrap();
        let first = job.run_pass().unwrap();
        assert_eq!(
            (first.assessed, first.listed_black, first.listed_gray),
            (1, 1, 0)
        );
        assert_eq!(first.version, store.list_version().unwrap());
        let entry = store
            .list_entry(List::Black, Kind::Number, "+8613800138001")
            .unwrap()
            .unwrap();
        assert_eq!(entry.attributes.source, Source::Derived);
        assert_eq!(entry.author, AUTHOR);
        assert_eq!(changes.load(Ordering::SeqCst), 1);

        let second = job.run_pass().unwrap();
        assert!(!second.changed(), "{second:?}");
        assert_eq!(second.version, first.version);
        assert_eq!(changes.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn unproven_citizens_are_one_source_until_reviews_prove_them() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let target = number("13800138001");
        // fifty citizens, three reports each: black by count, one source by standing
        let records: Vec<_> = (0..150)
            .map(|i| {
                let mut record = new_evidence(&target, i % 50, now - 600 + i as i64);
                record.source = format!("reporter:{}", i % 50);
                record
            })
            .collect();
        store.append_evidence(&records).unwrap();
        let runner = JobRunner::new();
        let job = ReputationJob::start(&runner, store.clone(), || {}, None).unwrap();
        let pass = job.run_pass().unwrap();
        assert_eq!(
            (pass.assessed, pass.listed_black, pass.listed_gray),
            (1, 0, 0)
        );

        // two of them proven by reviews of other clues: now three sources
        for reporter in ["reporter:0", "reporter:1"] {
            for n in 0..2 {
                let other = number(&format!("1390013900{n}"));
                let clue = fraudwall_store::NewClue {
                    kind: fraudwall_store::ClueKind::Number,
                    id_kind: other.kind,
                    value: other.value.clone(),
                    key: other.key,
                    text: None,
                    fraud_type: None,
                    reporter: reporter.to_owned(),
                    reporter_role: "reporter".to_owned(),
                    status: fraudwall_store::ClueStatus::Pending,
                    at: OffsetDateTime::now_utc(),
                };
                let id = store.submit_clue(&clue, None).unwrap().clue.id;
                let review = fraudwall_store::ClueReview {
                    status: fraudwall_store::ClueStatus::Confirmed,
                    by: "analyst".to_owned(),
                    note: None,
                    at: OffsetDateTime::now_utc(),
                };
                store.review_clue(id, &review, None).unwrap().unwrap();
            }
        }
        let pass = job.run_pass().unwrap();
        assert_eq!(pass.listed_gray + pass.listed_black, 1, "{pass:?}");
    }

    #[test]
    fn a_woken_background_job_runs_a_pass_before_its_period_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let target = number("13800138001");
        let records: Vec<_> = (0..3)
            .map(|source| new_evidence(&target, source, now - 60))
            .collect();
        store.append_evidence(&records).unwrap();
        let runner = JobRunner::new();
        let job = ReputationJob::start(
            &runner,
            store.clone(),
            || {},
            Some(Duration::from_secs(3_600)),
        )
        .unwrap();
        job.wake();
        let deadline = Instant::now() + Duration::from_secs(10);
        while store
            .list_entry(List::Gray, Kind::Number, "+8613800138001")
            .unwrap()
            .is_none()
        {
            assert!(Instant::now() < deadline, "the woken job never ran");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
