//! The reputation job: turns stored evidence into derived list entries, off the request path.
//!
//! One pass reads the evidence of the last four evidence half-lives (older evidence weighs
//! less than a sixteenth and its sources are forgotten), assesses every number, domain, URL
//! and IP address it speaks about, and keeps the derived entries in step: black or gray while
//! the evidence holds, removed when it fades. It then derives number ranges from the numbers
//! flagged on the black and gray lists, whoever flagged them. Entries that did not come from
//! the job (an analyst's, an import's) are never touched: where one exists on a list, the job
//! leaves that list alone for that identifier. A background thread runs a pass every period;
//! an administrator can run one at once.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fraudwall_ids::phone::E164;
use fraudwall_lists::derive::{Assessor, DerivedRange, RangePolicy, RangeTally};
use fraudwall_lists::entry::{
    Attributes, Change, Identifier, Kind, List, OnExisting, Outcome, Source,
};
use fraudwall_lists::reputation::{Assessment, Evidence, Policy, Standing, Timestamp};
use fraudwall_store::{EvidenceClass, EvidenceRecord, LiveRow, Store, StoreError};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::config::ReputationSection;

/// The kinds whose standing evidence decides. Ranges are never assessed: they are derived from
/// listed numbers, so the public cannot enter them.
pub const ASSESSED_KINDS: [Kind; 4] = [Kind::Number, Kind::Domain, Kind::Url, Kind::Ip];

/// The author of the job's list changes.
pub const AUTHOR: &str = "reputation";

/// What one pass did; also the answer of `POST /v1/reputation/run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ReputationRun)]
pub struct PassReport {
    /// Identifiers with evidence recent enough to count.
    pub assessed: usize,
    /// Derived black entries added or updated.
    pub listed_black: usize,
    /// Derived gray entries added or updated.
    pub listed_gray: usize,
    /// Derived entries of identifiers taken off: their evidence faded, or they moved to the
    /// other list.
    pub removed: usize,
    pub ranges_added: usize,
    pub ranges_removed: usize,
    /// The list version after the pass.
    pub version: u64,
}

impl PassReport {
    pub fn changed(&self) -> bool {
        self.listed_black
            + self.listed_gray
            + self.removed
            + self.ranges_added
            + self.ranges_removed
            > 0
    }
}

/// The handle to the job: runs a pass now, or wakes the background thread.
#[derive(Clone)]
pub struct ReputationJob {
    inner: Arc<Inner>,
    /// Absent when the background thread is disabled. The thread ends when the last handle
    /// is dropped.
    wake: Option<Sender<()>>,
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
            .field("background", &self.wake.is_some())
            .finish()
    }
}

impl ReputationJob {
    /// Starts the background thread unless the configuration disables it; passes run on
    /// request either way. `changed` is called after a pass that changed the lists.
    pub fn start(
        store: Arc<dyn Store>,
        changed: impl Fn() + Send + Sync + 'static,
        config: &ReputationSection,
    ) -> ReputationJob {
        let inner = Arc::new(Inner {
            store,
            changed: Box::new(changed),
            policy: Policy::default(),
            ranges: RangePolicy::default(),
            running: Mutex::new(()),
            evidence_arrived: AtomicBool::new(false),
        });
        let wake = config.enabled.then(|| {
            let (sender, receiver) = mpsc::channel();
            let thread_inner = inner.clone();
            let period = Duration::from_secs(config.period_s);
            std::thread::Builder::new()
                .name("fraudwall-reputation".into())
                .spawn(move || keep(&thread_inner, period, receiver))
                .expect("the reputation thread starts");
            sender
        });
        ReputationJob { inner, wake }
    }

    /// Notes that evidence was recorded, so the next timed pass does not skip.
    pub fn evidence_arrived(&self) {
        self.inner.evidence_arrived.store(true, Ordering::Relaxed);
    }

    /// Asks the background thread for a pass now rather than at the end of its period.
    pub fn wake(&self) {
        if let Some(sender) = &self.wake {
            let _ = sender.send(());
        }
    }

    /// Runs one pass and waits for it. Blocks on the store: call it off the async workers.
    pub fn run_pass(&self) -> Result<PassReport, StoreError> {
        self.inner.run_pass()
    }
}

/// A timed pass is skipped while neither evidence nor lists changed, since a pass scans every
/// live entry; decay alone still runs one at least this often.
const IDLE_PASS_EVERY: Duration = Duration::from_secs(3_600);

fn keep(inner: &Inner, period: Duration, receiver: Receiver<()>) {
    let mut last_version = None;
    let mut last_pass = Instant::now();
    loop {
        let woken = match receiver.recv_timeout(period) {
            Ok(()) => true,
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let version = inner.store.list_version().ok();
        let idle = !inner.evidence_arrived.load(Ordering::Relaxed)
            && version.is_some()
            && version == last_version
            && last_pass.elapsed() < IDLE_PASS_EVERY;
        if idle && !woken {
            continue;
        }
        inner.evidence_arrived.store(false, Ordering::Relaxed);
        last_pass = Instant::now();
        match inner.run_pass() {
            Ok(report) => last_version = Some(report.version),
            Err(err) => tracing::warn!(error = %err, "reputation pass failed"),
        }
    }
}

impl Inner {
    fn run_pass(&self) -> Result<PassReport, StoreError> {
        let _running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let store = self.store.as_ref();

        let mut evidence = EvidenceScan::new(self.policy);
        let since = (now - 4 * self.policy.evidence_half_life_s as i64).max(0);
        store.scan_evidence(&rfc3339(since), &mut |record| evidence.visit(record))?;
        if evidence.unreadable > 0 {
            tracing::warn!(
                records = evidence.unreadable,
                "evidence with an unreadable time skipped"
            );
        }
        let mut listed = ListScan::default();
        store.scan_live_entries(&rfc3339(now), &mut |row| {
            listed.visit(row, &evidence.assessor);
        })?;

        let plan = plan(evidence, listed, now, &self.ranges);
        let mut report = PassReport {
            assessed: plan.assessed,
            ..PassReport::default()
        };
        report.version = if plan.changes.is_empty() {
            store.list_version()?
        } else {
            let applied = store.apply_list_changes(&plan.changes, AUTHOR, false)?;
            for (purpose, outcome) in plan.purposes.iter().zip(&applied.outcomes) {
                report.count(*purpose, *outcome);
            }
            applied.version
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

/// Why a change of the plan was made, to count its outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Purpose {
    List(List),
    Unlist,
    AddRange,
    RemoveRange,
}

impl PassReport {
    fn count(&mut self, purpose: Purpose, outcome: Outcome) {
        let counter = match (purpose, outcome) {
            (Purpose::List(List::Black), Outcome::Added | Outcome::Updated) => {
                &mut self.listed_black
            }
            (Purpose::List(_), Outcome::Added | Outcome::Updated) => &mut self.listed_gray,
            (Purpose::Unlist, Outcome::Removed) => &mut self.removed,
            (Purpose::AddRange, Outcome::Added) => &mut self.ranges_added,
            (Purpose::RemoveRange, Outcome::Removed) => &mut self.ranges_removed,
            _ => return,
        };
        *counter += 1;
    }
}

type Id = (Kind, u64);

/// What the window's evidence says about one identifier, beyond its reputation: for the
/// entry's note and fraud type.
#[derive(Debug, Default)]
struct Tally {
    value: String,
    fraud: usize,
    benign: usize,
    fraud_sources: HashSet<u64>,
    fraud_types: HashMap<String, usize>,
}

impl Tally {
    /// The most reported fraud type; ties go to the first name, so passes agree.
    fn fraud_type(&self) -> Option<String> {
        self.fraud_types
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(name, _)| name.clone())
    }

    fn note(&self) -> String {
        let mut note = format!(
            "{} from {}",
            plural(self.fraud, "fraud report"),
            plural(self.fraud_sources.len(), "source")
        );
        if self.benign > 0 {
            note.push_str(&format!(", {}", plural(self.benign, "benign signal")));
        }
        note
    }
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// The evidence of the window, fed record by record.
struct EvidenceScan {
    assessor: Assessor<Id>,
    tallies: HashMap<Id, Tally>,
    /// Sources are strings in the store; the reputation arithmetic counts them as numbers.
    sources: HashMap<String, u64>,
    unreadable: usize,
}

impl EvidenceScan {
    fn new(policy: Policy) -> EvidenceScan {
        EvidenceScan {
            assessor: Assessor::new(policy),
            tallies: HashMap::new(),
            sources: HashMap::new(),
            unreadable: 0,
        }
    }

    fn visit(&mut self, record: &EvidenceRecord) {
        if !ASSESSED_KINDS.contains(&record.kind) {
            return;
        }
        let Ok(at) = OffsetDateTime::parse(&record.time, &Rfc3339) else {
            self.unreadable += 1;
            return;
        };
        let next = self.sources.len() as u64;
        let source = *self.sources.entry(record.source.clone()).or_insert(next);
        let id = (record.kind, record.key);
        let tally = self.tallies.entry(id).or_insert_with(|| Tally {
            value: record.value.clone(),
            ..Tally::default()
        });
        let evidence = match record.class {
            EvidenceClass::Fraud => {
                tally.fraud += 1;
                tally.fraud_sources.insert(source);
                if let Some(fraud_type) = &record.fraud_type {
                    *tally.fraud_types.entry(fraud_type.clone()).or_default() += 1;
                }
                Evidence::Fraud
            }
            EvidenceClass::Benign => {
                tally.benign += 1;
                Evidence::Benign
            }
        };
        self.assessor
            .record(id, evidence, source, at.unix_timestamp());
    }
}

/// What the lists hold that the plan needs, fed row by row. Only the rows that matter are
/// kept, so that a scan of millions of entries stays small.
#[derive(Default)]
struct ListScan {
    /// The source of each entry of an identifier with evidence, and of each range entry.
    sources: HashMap<(List, Kind, u64), Source>,
    /// Every entry the job manages: derived black or gray identifiers of the assessed kinds,
    /// and derived gray ranges.
    derived: Vec<(List, Kind, u64, String)>,
    /// Numbers flagged black or gray by entries the job does not manage.
    flagged: RangeTally,
}

impl ListScan {
    /// Takes in one live row; `assessor` holds the identifiers that have evidence.
    fn visit(&mut self, row: &LiveRow<'_>, assessor: &Assessor<Id>) {
        let managed = row.kind == Kind::Range || ASSESSED_KINDS.contains(&row.kind);
        if !managed {
            return;
        }
        if row.kind == Kind::Range || assessor.contains(&(row.kind, row.key)) {
            self.sources
                .insert((row.list, row.kind, row.key), row.source);
        }
        // the job writes black and gray identifiers and gray ranges, and manages only those
        let writes = match row.kind {
            Kind::Range => row.list == List::Gray,
            _ => row.list != List::White,
        };
        if row.source == Source::Derived && writes {
            self.derived
                .push((row.list, row.kind, row.key, row.value.to_owned()));
        } else if row.kind == Kind::Number
            && row.list != List::White
            && let Some(number) = E164::from_key(row.key)
        {
            // the job's own number entries are counted once the plan has settled them
            self.flagged.add(number);
        }
    }
}

struct Plan {
    assessed: usize,
    changes: Vec<Change>,
    purposes: Vec<Purpose>,
}

impl Plan {
    fn push(&mut self, purpose: Purpose, change: Change) {
        self.purposes.push(purpose);
        self.changes.push(change);
    }
}

/// Turns standings and flagged numbers into the changes that bring the derived entries in step.
fn plan(evidence: EvidenceScan, listed: ListScan, now: Timestamp, ranges: &RangePolicy) -> Plan {
    let ListScan {
        sources,
        derived,
        mut flagged,
    } = listed;
    let EvidenceScan {
        assessor, tallies, ..
    } = evidence;
    let source_of = |list: List, (kind, key): Id| sources.get(&(list, kind, key)).copied();
    let previous = |id: &Id| {
        [(List::Black, Standing::Black), (List::Gray, Standing::Gray)]
            .into_iter()
            .find(|(list, _)| source_of(*list, *id) == Some(Source::Derived))
            .map(|(_, standing)| standing)
    };
    let assessed = assessor.assess(now, previous);
    let mut plan = Plan {
        assessed: assessed.len(),
        changes: Vec::new(),
        purposes: Vec::new(),
    };
    // the derived entries that stay; every other one is removed below
    let mut kept: HashSet<(List, Kind, u64)> = HashSet::new();

    for (id, assessment) in &assessed {
        // a white-listed identifier is someone's considered judgement; evidence does not list it
        let target = match assessment.standing {
            _ if source_of(List::White, *id).is_some() => None,
            Standing::Black => Some(List::Black),
            Standing::Gray => Some(List::Gray),
            Standing::Unlisted => None,
        };
        let Some(list) = target else { continue };
        let on_existing = match source_of(list, *id) {
            Some(Source::Derived) => OnExisting::Replace,
            Some(_) => continue,
            None => OnExisting::Keep,
        };
        let Some(tally) = tallies.get(id) else {
            continue;
        };
        kept.insert((list, id.0, id.1));
        plan.push(
            Purpose::List(list),
            Change::Put {
                list,
                identifier: Identifier {
                    kind: id.0,
                    value: tally.value.clone(),
                    key: id.1,
                },
                attributes: identifier_attributes(assessment, tally),
                on_existing,
            },
        );
        if id.0 == Kind::Number
            && let Some(number) = E164::from_key(id.1)
        {
            flagged.add(number);
        }
    }
    for (list, kind, key, value) in &derived {
        if *kind != Kind::Range && !kept.contains(&(*list, *kind, *key)) {
            plan.push(
                Purpose::Unlist,
                Change::Remove {
                    list: *list,
                    kind: *kind,
                    value: value.clone(),
                },
            );
        }
    }

    for range in flagged.finish(ranges) {
        let id = (Kind::Range, range.range.key());
        if source_of(List::White, id).is_some() {
            continue;
        }
        let on_existing = match source_of(List::Gray, id) {
            Some(Source::Derived) => OnExisting::Replace,
            Some(_) => continue,
            None => OnExisting::Keep,
        };
        kept.insert((List::Gray, id.0, id.1));
        plan.push(
            Purpose::AddRange,
            Change::Put {
                list: List::Gray,
                identifier: Identifier {
                    kind: Kind::Range,
                    value: range.range.to_string(),
                    key: id.1,
                },
                attributes: range_attributes(&range),
                on_existing,
            },
        );
    }
    for (list, kind, key, value) in &derived {
        if *kind == Kind::Range && !kept.contains(&(*list, *kind, *key)) {
            plan.push(
                Purpose::RemoveRange,
                Change::Remove {
                    list: *list,
                    kind: *kind,
                    value: value.clone(),
                },
            );
        }
    }
    plan
}

/// Confidence in hundredths, as the decision snapshot keeps it: finer steps would rewrite
/// every derived entry on every pass as its evidence decays, for no change in any decision.
fn hundredths(value: f64) -> f32 {
    ((value.clamp(0.0, 1.0) * 100.0).round() / 100.0) as f32
}

fn identifier_attributes(assessment: &Assessment, tally: &Tally) -> Attributes {
    Attributes {
        fraud_type: tally.fraud_type(),
        confidence: hundredths(assessment.confidence),
        note: Some(tally.note()),
        ..Attributes::new(Source::Derived)
    }
}

fn range_attributes(range: &DerivedRange) -> Attributes {
    Attributes {
        // the share of the range's numbers that are flagged
        confidence: hundredths(range.flagged as f64 / range.size as f64),
        note: Some(format!(
            "{} in {} of 10",
            plural(range.flagged, "flagged number"),
            plural(range.blocks_of_10, "block"),
        )),
        ..Attributes::new(Source::Derived)
    }
}

/// A Unix time as the store spells times: RFC 3339, UTC, whole seconds.
pub(crate) fn rfc3339(unix: Timestamp) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use fraudwall_ids::phone::{PhoneNormalizer, Region};
    use fraudwall_lists::entry::Severity;
    use fraudwall_store::{NewEvidence, SqliteStore};

    use super::*;

    const NOW: Timestamp = 1_750_000_000;
    const HOUR: Timestamp = 3_600;

    fn id(kind: Kind, text: &str) -> Identifier {
        Identifier::parse(kind, text, &PhoneNormalizer::new(Region::CN)).unwrap()
    }

    fn number(text: &str) -> Identifier {
        id(Kind::Number, text)
    }

    fn record(
        of: &Identifier,
        class: EvidenceClass,
        source: usize,
        at: Timestamp,
    ) -> EvidenceRecord {
        EvidenceRecord {
            id: 0,
            kind: of.kind,
            value: of.value.clone(),
            key: of.key,
            class,
            source: format!("token:{source}"),
            time: rfc3339(at),
            fraud_type: None,
            note: None,
        }
    }

    /// `each` fraud reports from each of `sources` sources, an hour before now.
    fn reports(of: &Identifier, sources: usize, each: usize) -> Vec<EvidenceRecord> {
        let mut records = Vec::new();
        for round in 0..each {
            for source in 0..sources {
                let at = NOW - HOUR + (round * sources + source) as i64;
                records.push(record(of, EvidenceClass::Fraud, source, at));
            }
        }
        records
    }

    struct Row {
        list: List,
        identifier: Identifier,
        source: Source,
    }

    fn row(list: List, identifier: &Identifier, source: Source) -> Row {
        Row {
            list,
            identifier: identifier.clone(),
            source,
        }
    }

    fn range(text: &str) -> Identifier {
        id(Kind::Range, text)
    }

    fn plan_of(records: &[EvidenceRecord], rows: &[Row], now: Timestamp) -> Plan {
        let mut evidence = EvidenceScan::new(Policy::default());
        for record in records {
            evidence.visit(record);
        }
        let mut listed = ListScan::default();
        for row in rows {
            let live = LiveRow {
                list: row.list,
                kind: row.identifier.kind,
                key: row.identifier.key,
                source: row.source,
                severity: Severity::Normal,
                confidence: 1.0,
                fraud_type: None,
                value: &row.identifier.value,
            };
            listed.visit(&live, &evidence.assessor);
        }
        plan(evidence, listed, now, &RangePolicy::default())
    }

    /// The plan's changes, one line each: `put black +8613800138001 keep`.
    fn lines(plan: &Plan) -> Vec<String> {
        plan.changes
            .iter()
            .map(|change| match change {
                Change::Put {
                    list,
                    identifier,
                    on_existing,
                    ..
                } => {
                    let how = match on_existing {
                        OnExisting::Keep => "keep",
                        OnExisting::Replace => "replace",
                    };
                    format!("put {list} {} {how}", identifier.value)
                }
                Change::Remove { list, value, .. } => format!("remove {list} {value}"),
            })
            .collect()
    }

    fn attributes(plan: &Plan, index: usize) -> &Attributes {
        match &plan.changes[index] {
            Change::Put { attributes, .. } => attributes,
            Change::Remove { .. } => panic!("change {index} is a removal"),
        }
    }

    #[test]
    fn three_sources_list_a_number_with_the_counts_in_its_note() {
        let target = number("13800138001");
        let mut records = reports(&target, 3, 3);
        for (index, record) in records.iter_mut().enumerate() {
            let fraud_type = if index % 3 == 0 {
                "loan"
            } else {
                "fake_police"
            };
            record.fraud_type = Some(fraud_type.to_owned());
        }
        let plan = plan_of(&records, &[], NOW);
        assert_eq!(plan.assessed, 1);
        assert_eq!(lines(&plan), ["put black +8613800138001 keep"]);
        let attributes = attributes(&plan, 0);
        assert_eq!(attributes.source, Source::Derived);
        assert_eq!(attributes.fraud_type.as_deref(), Some("fake_police"));
        assert_eq!(
            attributes.note.as_deref(),
            Some("9 fraud reports from 3 sources")
        );
        // the Wilson bound of 5.25 decayed reports and no benign ones, in hundredths
        assert_eq!(attributes.confidence, 0.58);
    }

    #[test]
    fn one_source_never_lists_anything() {
        let target = number("13800138001");
        let plan = plan_of(&reports(&target, 1, 50), &[], NOW);
        assert_eq!(plan.assessed, 1);
        assert!(plan.changes.is_empty(), "{:?}", lines(&plan));
    }

    #[test]
    fn entries_of_other_sources_are_never_touched() {
        let black = number("13800138001");
        let gray = number("13800138002");
        let mut records = reports(&black, 3, 3);
        records.extend(reports(&gray, 2, 1));
        let rows = [
            // an analyst's black entry, and the job's gray one from when evidence was thin
            row(List::Black, &black, Source::Analyst),
            row(List::Gray, &black, Source::Derived),
            row(List::Gray, &gray, Source::Import),
        ];
        let plan = plan_of(&records, &rows, NOW);
        assert_eq!(lines(&plan), ["remove gray +8613800138001"]);
    }

    #[test]
    fn white_listed_identifiers_get_no_derived_entry() {
        let official = number("95555");
        let domain = id(Kind::Domain, "bank.example");
        let mut records = reports(&official, 5, 2);
        records.extend(reports(&domain, 5, 2));
        let rows = [
            row(List::White, &official, Source::Official),
            row(List::White, &domain, Source::Analyst),
            row(List::Black, &domain, Source::Derived),
        ];
        let plan = plan_of(&records, &rows, NOW);
        assert_eq!(lines(&plan), ["remove black bank.example"]);
    }

    #[test]
    fn derived_entries_without_evidence_are_removed_and_others_kept() {
        let faded = number("13800138001");
        let url = id(Kind::Url, "http://evil.example/login/");
        let rows = [
            row(List::Black, &faded, Source::Derived),
            row(List::Gray, &url, Source::Derived),
            // the job never writes white entries or black ranges, so it leaves them alone
            row(List::White, &number("13800138002"), Source::Derived),
            row(List::Black, &range("+861380013800*"), Source::Derived),
            row(List::Gray, &range("+861390013900*"), Source::Derived),
        ];
        let plan = plan_of(&[], &rows, NOW);
        assert_eq!(
            lines(&plan),
            [
                "remove black +8613800138001",
                "remove gray evil.example/login/",
                "remove gray +861390013900*",
            ]
        );
    }

    #[test]
    fn a_derived_black_entry_holds_near_the_line_and_a_new_one_does_not_enter() {
        let target = number("13800138001");
        let policy = Policy::default();
        let reported = NOW - (policy.evidence_half_life_s * 0.2) as i64;
        let records: Vec<_> = (0..5)
            .map(|source| record(&target, EvidenceClass::Fraud, source, reported))
            .collect();
        let listed = plan_of(&records, &[row(List::Black, &target, Source::Derived)], NOW);
        assert_eq!(lines(&listed), ["put black +8613800138001 replace"]);
        let fresh = plan_of(&records, &[], NOW);
        assert_eq!(lines(&fresh), ["put gray +8613800138001 keep"]);
    }

    #[test]
    fn benign_evidence_takes_a_derived_entry_off() {
        let target = number("13800138001");
        let mut records = reports(&target, 3, 3);
        records.extend((0..30).map(|i| record(&target, EvidenceClass::Benign, 7, NOW - i)));
        let rows = [row(List::Black, &target, Source::Derived)];
        let plan = plan_of(&records, &rows, NOW);
        assert_eq!(lines(&plan), ["remove black +8613800138001"]);
    }

    #[test]
    fn ranges_follow_the_numbers_flagged_after_the_pass() {
        let analyst = [number("13800138001"), number("13800138002")];
        let faded = number("13800138003");
        let reported = [number("13800138004"), number("13800138005")];
        let mut records = Vec::new();
        for target in &reported {
            records.extend(reports(target, 3, 3));
        }
        let mut rows: Vec<Row> = analyst
            .iter()
            .map(|n| row(List::Black, n, Source::Analyst))
            .collect();
        rows.push(row(List::Gray, &faded, Source::Derived));
        // a range the numbers no longer support, and one an analyst put on the gray list
        rows.push(row(List::Gray, &range("+861390013900*"), Source::Derived));
        rows.push(row(List::Gray, &range("+861370013700*"), Source::Analyst));
        for tail in [1, 2, 3, 4] {
            let flagged = number(&format!("1370013700{tail}"));
            rows.push(row(List::Gray, &flagged, Source::Analyst));
        }
        let plan = plan_of(&records, &rows, NOW);
        assert_eq!(
            lines(&plan),
            [
                "put black +8613800138004 keep",
                "put black +8613800138005 keep",
                "remove gray +8613800138003",
                "put gray +861380013800* keep",
                "remove gray +861390013900*",
            ]
        );
        // the faded number no longer counts
        let range = attributes(&plan, 3);
        assert_eq!(
            range.note.as_deref(),
            Some("4 flagged numbers in 1 block of 10")
        );
        assert_eq!(range.confidence, 0.4);
        assert_eq!(range.source, Source::Derived);
    }

    fn new_evidence(of: &Identifier, source: usize, at: Timestamp) -> NewEvidence {
        NewEvidence {
            kind: of.kind,
            value: of.value.clone(),
            key: of.key,
            class: EvidenceClass::Fraud,
            source: format!("token:{source}"),
            time: rfc3339(at),
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
        let config = ReputationSection {
            enabled: false,
            period_s: 60,
        };
        let job = ReputationJob::start(
            store.clone(),
            move || {
                counter.fetch_add(1, Ordering::SeqCst);
            },
            &config,
        );
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
    fn a_woken_background_job_runs_a_pass_before_its_period_ends() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(dir.path()).unwrap());
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let target = number("13800138001");
        let records: Vec<_> = (0..3)
            .map(|source| new_evidence(&target, source, now - 60))
            .collect();
        store.append_evidence(&records).unwrap();
        let config = ReputationSection {
            enabled: true,
            period_s: 3_600,
        };
        let job = ReputationJob::start(store.clone(), || {}, &config);
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
