//! One pass of the reputation job, as policy: which derived list entries the evidence and the
//! lists call for.
//!
//! The caller streams the evidence of the window in first, then the live list entries, and
//! takes a [`Plan`] of list changes: derived black or gray entries for every number, domain,
//! URL and IP address whose evidence holds, removals for those whose evidence faded, and derived
//! gray ranges from the numbers flagged black or gray, whoever flagged them. Entries that did
//! not come from the job (an analyst's, an import's) are never touched: where one exists on a
//! list, the plan leaves that list alone for that identifier. Reading the store, parsing its
//! times and applying the plan are the caller's; [`Plan::report`] counts what the store did.

use std::collections::{HashMap, HashSet};

use fraudwall_ids::phone::E164;

use crate::derive::{Assessor, DerivedRange, RangePolicy, RangeTally};
use crate::entry::{Attributes, Change, Identifier, Kind, List, OnExisting, Outcome, Source};
use crate::reputation::{Assessment, Evidence, Policy, Standing, Timestamp};

/// The kinds whose standing evidence decides. Ranges are never assessed: they are derived from
/// listed numbers, so the public cannot enter them.
pub const ASSESSED_KINDS: [Kind; 5] = [
    Kind::Number,
    Kind::Domain,
    Kind::Url,
    Kind::Ip,
    Kind::Sender,
];

/// The author of the job's list changes.
pub const AUTHOR: &str = "reputation";

/// One piece of evidence about an identifier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation<'a> {
    pub kind: Kind,
    pub key: u64,
    /// The canonical value, which a derived entry is put under.
    pub value: &'a str,
    pub evidence: Evidence,
    /// Who said it: a token, a feed. Distinct sources are what lists an identifier.
    pub source: &'a str,
    pub at: Timestamp,
    /// A code of the fraud taxonomy; counted for fraud reports only.
    pub fraud_type: Option<&'a str>,
    /// How much of a full observation it counts, 0 to 1: 1 for an institution, a citizen's
    /// standing for a citizen (`crate::reporters`). One of weight 0 is not counted at all.
    pub weight: f64,
}

/// A live list entry, as much of it as the plan needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListedRow<'a> {
    pub list: List,
    pub kind: Kind,
    pub key: u64,
    pub source: Source,
    pub value: &'a str,
}

/// Plans one pass from a stream of evidence, then a stream of live list entries.
pub struct PassPlanner {
    ranges: RangePolicy,
    evidence: EvidenceScan,
    listed: ListScan,
    /// Set by the first listed row: the list scan keeps only rows of identifiers with evidence,
    /// so evidence arriving after it would be planned against an incomplete view of the lists.
    listing: bool,
}

impl PassPlanner {
    pub fn new(policy: Policy, ranges: RangePolicy) -> PassPlanner {
        PassPlanner {
            ranges,
            evidence: EvidenceScan::new(policy),
            listed: ListScan::default(),
            listing: false,
        }
    }

    /// Takes in one observation. Every observation comes before the first listed row, oldest
    /// first: a source's repeated reports are damped in the order they arrive.
    pub fn observe(&mut self, observation: &Observation<'_>) {
        debug_assert!(!self.listing, "observations come before listed rows");
        self.evidence.visit(observation);
    }

    /// Takes in one live list entry, after all the observations.
    pub fn listed(&mut self, row: &ListedRow<'_>) {
        self.listing = true;
        self.listed.visit(row, &self.evidence.assessor);
    }

    /// The changes that bring the derived entries in step at `now`.
    pub fn finish(self, now: Timestamp) -> Plan {
        plan(self.evidence, self.listed, now, &self.ranges)
    }
}

/// What one pass counted and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

/// The list changes of one pass, with why each was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    assessed: usize,
    changes: Vec<Change>,
    /// One per change: outcomes are counted by what their change was for.
    purposes: Vec<Purpose>,
}

impl Plan {
    /// Identifiers with evidence recent enough to count.
    pub fn assessed(&self) -> usize {
        self.assessed
    }

    /// The changes to apply, in one batch, in this order.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Counts what applying the plan did: `outcomes` are the store's, one per change in order
    /// (none when nothing was applied), and `version` is the list version after.
    pub fn report(&self, outcomes: &[Outcome], version: u64) -> PassReport {
        let mut report = PassReport {
            assessed: self.assessed,
            version,
            ..PassReport::default()
        };
        for (purpose, outcome) in self.purposes.iter().zip(outcomes) {
            report.count(*purpose, *outcome);
        }
        report
    }

    fn push(&mut self, purpose: Purpose, change: Change) {
        self.purposes.push(purpose);
        self.changes.push(change);
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

/// The evidence of the window, fed observation by observation.
struct EvidenceScan {
    assessor: Assessor<Id>,
    tallies: HashMap<Id, Tally>,
    /// Sources arrive as text; the reputation arithmetic counts them as numbers.
    sources: HashMap<String, u64>,
}

impl EvidenceScan {
    fn new(policy: Policy) -> EvidenceScan {
        EvidenceScan {
            assessor: Assessor::new(policy),
            tallies: HashMap::new(),
            sources: HashMap::new(),
        }
    }

    fn visit(&mut self, observation: &Observation<'_>) {
        // a discredited reporter's word is not a report, not even in an entry's note
        if !ASSESSED_KINDS.contains(&observation.kind) || !counts(observation.weight) {
            return;
        }
        let source = match self.sources.get(observation.source) {
            Some(&source) => source,
            None => {
                let next = self.sources.len() as u64;
                self.sources.insert(observation.source.to_owned(), next);
                next
            }
        };
        let id = (observation.kind, observation.key);
        let tally = self.tallies.entry(id).or_insert_with(|| Tally {
            value: observation.value.to_owned(),
            ..Tally::default()
        });
        match observation.evidence {
            Evidence::Fraud => {
                tally.fraud += 1;
                tally.fraud_sources.insert(source);
                if let Some(fraud_type) = observation.fraud_type {
                    *tally.fraud_types.entry(fraud_type.to_owned()).or_default() += 1;
                }
            }
            Evidence::Benign => tally.benign += 1,
        }
        self.assessor.record_weighted(
            id,
            observation.evidence,
            source,
            observation.at,
            observation.weight,
        );
    }
}

/// Whether an observation of `weight` counts at all; NaN does not.
fn counts(weight: f64) -> bool {
    weight > 0.0
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
    fn visit(&mut self, row: &ListedRow<'_>, assessor: &Assessor<Id>) {
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

#[cfg(test)]
mod tests {
    use fraudwall_ids::phone::{PhoneNormalizer, Region};

    use super::*;

    const NOW: Timestamp = 1_750_000_000;
    const HOUR: Timestamp = 3_600;

    fn id(kind: Kind, text: &str) -> Identifier {
        Identifier::parse(kind, text, &PhoneNormalizer::new(Region::CN)).unwrap()
    }

    fn number(text: &str) -> Identifier {
        id(Kind::Number, text)
    }

    fn range(text: &str) -> Identifier {
        id(Kind::Range, text)
    }

    /// An observation that owns its text, as a store would hand it over.
    struct Record {
        of: Identifier,
        evidence: Evidence,
        source: String,
        at: Timestamp,
        fraud_type: Option<String>,
    }

    fn record(of: &Identifier, evidence: Evidence, source: usize, at: Timestamp) -> Record {
        Record {
            of: of.clone(),
            evidence,
            source: format!("token:{source}"),
            at,
            fraud_type: None,
        }
    }

    /// `each` fraud reports from each of `sources` sources, an hour before now.
    fn reports(of: &Identifier, sources: usize, each: usize) -> Vec<Record> {
        let mut records = Vec::new();
        for round in 0..each {
            for source in 0..sources {
                let at = NOW - HOUR + (round * sources + source) as i64;
                records.push(record(of, Evidence::Fraud, source, at));
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

    fn plan_of(records: &[Record], rows: &[Row], now: Timestamp) -> Plan {
        let mut pass = PassPlanner::new(Policy::default(), RangePolicy::default());
        for record in records {
            pass.observe(&Observation {
                kind: record.of.kind,
                key: record.of.key,
                value: &record.of.value,
                evidence: record.evidence,
                source: &record.source,
                at: record.at,
                fraud_type: record.fraud_type.as_deref(),
                weight: 1.0,
            });
        }
        for row in rows {
            pass.listed(&ListedRow {
                list: row.list,
                kind: row.identifier.kind,
                key: row.identifier.key,
                source: row.source,
                value: &row.identifier.value,
            });
        }
        pass.finish(now)
    }

    /// The plan's changes, one line each: `put black +8613800138001 keep`.
    fn lines(plan: &Plan) -> Vec<String> {
        plan.changes()
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
        match &plan.changes()[index] {
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
        assert_eq!(plan.assessed(), 1);
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
        assert_eq!(plan.assessed(), 1);
        assert!(plan.changes().is_empty(), "{:?}", lines(&plan));
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

    /// An SMS sender id ("RoyalMail-Pay") is reported like a number and listed the same way.
    #[test]
    fn reported_sender_ids_are_listed_like_numbers() {
        let sender = id(Kind::Sender, "RoyalMail-Pay");
        let plan = plan_of(&reports(&sender, 4, 2), &[], NOW);
        assert_eq!(plan.assessed(), 1);
        assert_eq!(lines(&plan), ["put black royalmail-pay keep"]);
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
            .map(|source| record(&target, Evidence::Fraud, source, reported))
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
        records.extend((0..30).map(|i| record(&target, Evidence::Benign, 7, NOW - i)));
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

    #[test]
    fn a_report_counts_only_what_the_store_did() {
        let black = number("13800138001");
        let gray = number("13800138002");
        let mut records = reports(&black, 3, 3);
        // the evidence that keeps a derived black entry, but only earns a new one gray
        let reported = NOW - (Policy::default().evidence_half_life_s * 0.2) as i64;
        records.extend((0..5).map(|source| record(&gray, Evidence::Fraud, source, reported)));
        let rows = [
            row(List::Gray, &number("13800138003"), Source::Derived),
            row(List::Gray, &range("+861390013900*"), Source::Derived),
        ];
        let plan = plan_of(&records, &rows, NOW);
        assert_eq!(
            lines(&plan),
            [
                "put black +8613800138001 keep",
                "put gray +8613800138002 keep",
                "remove gray +8613800138003",
                "remove gray +861390013900*",
            ]
        );
        let outcomes = [
            Outcome::Added,
            Outcome::Duplicate,
            Outcome::Removed,
            Outcome::NotFound,
        ];
        let report = plan.report(&outcomes, 7);
        assert_eq!(
            report,
            PassReport {
                assessed: 2,
                listed_black: 1,
                removed: 1,
                version: 7,
                ..PassReport::default()
            }
        );
        assert!(report.changed());
        assert!(!plan.report(&[], 7).changed());
    }
}
