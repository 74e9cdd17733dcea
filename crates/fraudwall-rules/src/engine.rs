//! The engine: looks an event's identifiers up in one list snapshot, raises signals, and reads
//! the rule set over them. Immutable; a new snapshot or rule set makes a new engine.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

use arc_swap::ArcSwap;

use fraudwall_ids::phone::{PhoneNormalizer, PhoneNumber, Region};
use fraudwall_ids::range::NumberRange;
use fraudwall_ids::url::{self, CanonicalUrl, Canonicalizer, HostKind};
use fraudwall_links::{Fact, LinkAnalyzer, LinkFacts};
use fraudwall_lists::entry::{Kind, List, Table};
use fraudwall_lists::snapshot::{Listing, Mark, Snapshot};
use fraudwall_text::{EntityKind, Model};

use crate::decision::{Decision, MatchedEntry, Reason, Verdict, Versions};
use crate::event::{Attestation, Event, Sender};
use crate::ruleset::{EventKind, Rule, RuleSet};
use crate::screening::Screening;
use crate::signals::{Measure, PartyFact, Role, Signal, Signals, Standing};

/// Gateways named so carry calls from abroad.
const INTERNATIONAL_GATEWAYS: [&str; 3] = ["international", "intl", "overseas"];

/// Everything a decision needs, shared cheaply between engines.
#[derive(Clone)]
pub struct Engine {
    snapshot: Snapshot,
    rules: Arc<RuleSet>,
    model: Option<Arc<Model>>,
    home: Region,
    /// What links show on their own; the compiled-in tables, built once per process.
    links: &'static LinkAnalyzer,
    /// What transfer screening knows beyond the lists. Shared by every engine made from this
    /// one, so that replacing it never races with a new list snapshot replacing the engine.
    screening: Arc<ArcSwap<Screening>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("snapshot", &self.snapshot)
            .field("rules", &self.rules.version)
            .field(
                "model",
                &self.model.as_ref().map(|m| m.version().to_owned()),
            )
            .finish()
    }
}

/// Reusable buffers for deciding: one per thread, so a batch allocates nothing per event unless
/// something matches.
#[derive(Debug, Default)]
pub struct Scratch {
    canonicalizer: Canonicalizer,
    keys: Vec<u64>,
    lengths: Vec<usize>,
    text: fraudwall_text::Scratch,
    normalizer: fraudwall_text::Normalizer,
    normalized: fraudwall_text::Normalized,
    found: Found,
    /// The moment decisions are made at (unix seconds), for what holds only for a while: a
    /// call in progress. The caller sets it once per batch.
    now: i64,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch::default()
    }

    pub fn set_now(&mut self, unix_seconds: i64) {
        self.now = unix_seconds;
    }
}

/// What the lookups found for each role, for naming the entry in a reason.
#[derive(Debug, Default, Clone)]
struct Found {
    marks: [Option<Mark>; Role::ALL.len()],
    /// The most specific listed range holding the role's number, with the range's key.
    ranges: [Option<(Mark, u64)>; Role::ALL.len()],
    /// For roles with many candidates (links and numbers in a text): which one matched.
    items: [Option<String>; Role::ALL.len()],
    /// For links (`url`, `text_link`): the key of the expression that gave each list's
    /// listing (black, gray, white), so a reason names the entry without looking again.
    expressions: [[u64; 3]; Role::ALL.len()],
    /// Links (`text_link`, `url`) that raised link facts: the role, the canonical host and the
    /// facts, so a reason says what matched. Strings are made only for links that raised one.
    links: Vec<(Role, String, LinkFacts)>,
}

impl Found {
    fn clear(&mut self) {
        self.marks = Default::default();
        self.ranges = Default::default();
        // `expressions` is read only for a role whose mark this event set, and written with
        // it, so it needs no clearing on the per-event path
        for item in &mut self.items {
            *item = None;
        }
        self.links.clear();
    }
}

/// The result of reading an event, before the rules: useful on its own for dry runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub kind: EventKind,
    pub signals: Signals,
}

impl Engine {
    pub fn new(
        snapshot: Snapshot,
        rules: Arc<RuleSet>,
        model: Option<Arc<Model>>,
        home: Region,
    ) -> Engine {
        Engine {
            snapshot,
            rules,
            model,
            home,
            links: LinkAnalyzer::builtin(),
            screening: Arc::new(ArcSwap::from_pointee(Screening::new())),
        }
    }

    /// Transfer screening's knowledge beyond the lists; store a new one to replace it.
    pub fn screening(&self) -> &ArcSwap<Screening> {
        &self.screening
    }

    /// No lists, the built-in rules, no text model, China as home.
    pub fn empty() -> Engine {
        Engine::new(
            Snapshot::empty(),
            Arc::new(RuleSet::builtin()),
            None,
            Region::CN,
        )
    }

    pub fn with_snapshot(&self, snapshot: Snapshot) -> Engine {
        Engine {
            snapshot,
            ..self.clone()
        }
    }

    pub fn with_rules(&self, rules: Arc<RuleSet>) -> Engine {
        Engine {
            rules,
            ..self.clone()
        }
    }

    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    pub fn model(&self) -> Option<&Arc<Model>> {
        self.model.as_ref()
    }

    pub fn versions(&self) -> Versions<'_> {
        Versions {
            lists: self.snapshot.version(),
            rules: &self.rules.version,
            model: self.model.as_ref().map_or("none", |m| m.version()),
        }
    }

    pub fn decide<'e>(&'e self, event: &Event, scratch: &mut Scratch) -> Decision<'e> {
        let evaluation = self.evaluate(event, scratch);
        self.apply_rules(&self.rules, event, &evaluation, scratch)
    }

    /// Decides with another rule set over this engine's lists: what a candidate rule set would
    /// answer (dry runs).
    pub fn decide_with<'r>(
        &'r self,
        rules: &'r RuleSet,
        event: &Event,
        scratch: &mut Scratch,
    ) -> Decision<'r> {
        let evaluation = self.evaluate(event, scratch);
        let mut decision = self.apply_rules(rules, event, &evaluation, scratch);
        decision.versions.rules = &rules.version;
        decision
    }

    /// Looks every identifier of `event` up and raises its signals.
    pub fn evaluate(&self, event: &Event, scratch: &mut Scratch) -> Evaluation {
        scratch.found.clear();
        let mut signals = Signals::default();
        let kind = match event {
            Event::Call(call) => {
                self.check_number(Role::Caller, &call.caller, &mut signals, scratch);
                if call.attestation == Some(Attestation::C) {
                    signals.raise(Signal::AttestationC);
                }
                let international = call.gateway.as_deref().is_some_and(|gateway| {
                    INTERNATIONAL_GATEWAYS
                        .iter()
                        .any(|name| gateway.trim().eq_ignore_ascii_case(name))
                });
                if international && self.is_domestic(&call.caller) {
                    signals.raise(Signal::SpoofedDomestic);
                }
                EventKind::Call
            }
            Event::Sms(sms) => {
                match &sms.sender {
                    Sender::Number(number) => {
                        self.check_number(Role::Sender, number, &mut signals, scratch);
                    }
                    Sender::Id(id) => {
                        self.check_key(
                            Role::Sender,
                            Table::Senders,
                            id.key(),
                            &mut signals,
                            scratch,
                        );
                    }
                }
                self.check_text(&sms.text, &mut signals, scratch);
                EventKind::Sms
            }
            Event::Url(visit) => {
                if visit.url.host_kind() != HostKind::Name {
                    signals.raise(Signal::IpHost);
                }
                let standing = self.check_url(&visit.url, scratch);
                if let Some((mark, keys)) = standing {
                    raise_mark(Role::Url, mark, &mut signals);
                    scratch.found.marks[Role::Url as usize] = Some(mark);
                    scratch.found.expressions[Role::Url as usize] = keys;
                }
                if standing.is_none_or(|(mark, _)| mark.white.is_none()) {
                    self.check_link(Role::Url, &visit.url, &mut signals, &mut scratch.found);
                }
                EventKind::Url
            }
            Event::App(app) => {
                self.check_key(
                    Role::App,
                    Table::Apps,
                    app.package.key(),
                    &mut signals,
                    scratch,
                );
                if let Some(cert) = &app.cert_sha256 {
                    self.check_key(Role::Cert, Table::Certs, cert.key(), &mut signals, scratch);
                }
                EventKind::App
            }
            Event::Transfer(transfer) => {
                let accounts = Table::Accounts;
                self.check_key(
                    Role::Payee,
                    accounts,
                    transfer.to_account.key(),
                    &mut signals,
                    scratch,
                );
                self.check_key(
                    Role::Payer,
                    accounts,
                    transfer.from_account.key(),
                    &mut signals,
                    scratch,
                );
                if let Some(phone) = &transfer.payer_phone {
                    self.check_number(Role::PayerPhone, phone, &mut signals, scratch);
                }
                self.screen(transfer, &mut signals, scratch.now);
                signals.set_measure(Measure::Amount, transfer.amount_minor as f64 / 100.0);
                EventKind::Transfer
            }
        };
        Evaluation { kind, signals }
    }

    /// Raises what the platform knows of a transfer's parties beyond the lists.
    fn screen(&self, transfer: &crate::event::Transfer, signals: &mut Signals, now: i64) {
        let screening = self.screening.load();
        let payer = transfer.from_account.key();
        let payee = transfer.to_account.key();
        let phone = transfer.payer_phone.as_ref().map(PhoneNumber::key);
        if phone.is_some_and(|key| screening.in_flagged_call(key, now).is_some()) {
            signals.raise(Signal::Party(PartyFact::PayerInFlaggedCall));
        }
        if screening.is_warned(payer) || phone.is_some_and(|key| screening.is_warned(key)) {
            signals.raise(Signal::Party(PartyFact::PayerWarned));
        }
        if screening.is_mule_lead(payee) {
            signals.raise(Signal::Party(PartyFact::PayeeMuleLead));
        }
        for fact in [
            PartyFact::PayeeYoungManyPayers,
            PartyFact::PayeeManySmallInbound,
        ] {
            if screening.payee_has(payee, fact) {
                signals.raise(Signal::Party(fact));
            }
        }
    }

    fn apply_rules<'r>(
        &'r self,
        rules: &'r RuleSet,
        event: &Event,
        evaluation: &Evaluation,
        scratch: &mut Scratch,
    ) -> Decision<'r> {
        let mut verdict = Verdict::Allow;
        let mut risk = 0f32;
        let mut reasons = Vec::new();
        rules.evaluate(evaluation.kind, &evaluation.signals, |rule| {
            verdict = verdict.max(rule.verdict);
            risk = risk.max(rule.risk_for(&evaluation.signals));
            let (detail, entry) = self.explain(rule, event, scratch);
            reasons.push(Reason {
                code: &rule.reason,
                detail,
                rule: &rule.id,
                entry,
            });
        });
        Decision {
            verdict,
            risk: risk.max(seen_risk(&evaluation.signals)),
            reasons,
            versions: Versions {
                lists: self.snapshot.version(),
                rules: &rules.version,
                model: self.model.as_ref().map_or("none", |m| m.version()),
            },
        }
    }

    /// The rule's own detail, followed by what matched: the entry's list, fraud type, source
    /// and confidence, or the classifier's label and the words that weighed most; and, for a
    /// rule that reads a listing, the entry itself.
    fn explain<'r>(
        &self,
        rule: &'r Rule,
        event: &Event,
        scratch: &mut Scratch,
    ) -> (Cow<'r, str>, Option<MatchedEntry>) {
        if let Some(detail) = self.link_detail(rule, event, scratch) {
            return (Cow::Owned(detail), None);
        }
        if rule.requires(Signal::TextFraud) {
            return (self.text_detail(rule, event, scratch), None);
        }
        let Some((role, standing)) = rule.subject else {
            return (Cow::Borrowed(&rule.detail), None);
        };
        let found = &scratch.found;
        let (mark, range) = match standing {
            Standing::RangeBlack | Standing::RangeGray => match found.ranges[role as usize] {
                Some((mark, key)) => (Some(mark), Some(key)),
                None => (None, None),
            },
            _ => (found.marks[role as usize], None),
        };
        let list = match standing {
            Standing::Black | Standing::BlackFatal | Standing::RangeBlack => List::Black,
            Standing::Gray | Standing::RangeGray => List::Gray,
            Standing::White => List::White,
        };
        let listing = mark.and_then(|mark| mark.get(list));
        let mut detail = rule.detail.clone();
        if let Some(item) = &found.items[role as usize] {
            let _ = write!(detail, ": {item}");
        }
        if let Some(listing) = listing {
            self.describe_listing(&listing, &mut detail);
        }
        let entry = listing.and_then(|listing| {
            let (kind, value) = match range {
                Some(key) => (Kind::Range, NumberRange::from_key(key)?.to_string()),
                None => self.listed_identity(role, list, event, scratch)?,
            };
            Some(MatchedEntry {
                list,
                kind,
                value,
                source: listing.source,
            })
        });
        (Cow::Owned(detail), entry)
    }

    /// The kind and canonical value of the entry that gave `role` its listing on `list`: the
    /// event's own identifier, or for links the expression the lookup found it under.
    fn listed_identity(
        &self,
        role: Role,
        list: List,
        event: &Event,
        scratch: &mut Scratch,
    ) -> Option<(Kind, String)> {
        let number = |n: &PhoneNumber| (Kind::Number, n.to_string());
        match (role, event) {
            (Role::Caller, Event::Call(call)) => Some(number(&call.caller)),
            (Role::Sender, Event::Sms(sms)) => Some(match &sms.sender {
                Sender::Number(n) => number(n),
                Sender::Id(id) => (Kind::Sender, id.to_string()),
            }),
            (Role::Url, Event::Url(visit)) => {
                let key = scratch.found.expressions[role as usize][list_index(list)];
                listed_expression(&visit.url, key)
            }
            (Role::App, Event::App(app)) => Some((Kind::App, app.package.to_string())),
            (Role::Cert, Event::App(app)) => {
                app.cert_sha256.as_ref().map(|c| (Kind::Cert, c.to_hex()))
            }
            (Role::Payee, Event::Transfer(t)) => Some((Kind::Account, t.to_account.to_string())),
            (Role::Payer, Event::Transfer(t)) => Some((Kind::Account, t.from_account.to_string())),
            (Role::PayerPhone, Event::Transfer(t)) => t.payer_phone.as_ref().map(number),
            (Role::TextNumber, _) => {
                let raw = scratch.found.items[role as usize].as_deref()?;
                let n = PhoneNormalizer::new(self.home).normalize(raw).ok()?;
                Some(number(&n))
            }
            (Role::TextLink, _) => {
                let raw = scratch.found.items[role as usize].clone()?;
                let text = if raw.contains("://") {
                    raw
                } else {
                    format!("http://{raw}")
                };
                let key = scratch.found.expressions[role as usize][list_index(list)];
                let canonical = scratch.canonicalizer.canonicalize(&text).ok()?;
                listed_expression(canonical, key)
            }
            _ => None,
        }
    }

    fn describe_listing(&self, listing: &Listing, out: &mut String) {
        out.push_str(" (");
        if let Some(fraud_type) = self.snapshot.fraud_type(listing) {
            let _ = write!(out, "{fraud_type}, ");
        }
        // integer arithmetic: float formatting shows up in profiles of blocked batches
        let pct = listing.confidence_pct;
        let _ = write!(
            out,
            "source {}, confidence {}.{:02}",
            listing.source,
            pct / 100,
            pct % 100
        );
        if listing.is_fatal() {
            out.push_str(", fatal");
        }
        out.push(')');
    }

    /// For a rule that reads link facts: its detail, then what each fact it requires found
    /// ("the link's domain 10086-jf.cc carries the brand China Mobile (10086) but is not one of
    /// its domains 10086.cn, chinamobile.com"), then the classifier's label if it reads that too.
    fn link_detail(&self, rule: &Rule, event: &Event, scratch: &mut Scratch) -> Option<String> {
        let mut detail: Option<String> = None;
        for role in [Role::TextLink, Role::Url] {
            for fact in Fact::ALL {
                if !rule.requires(Signal::link(role, fact)) {
                    continue;
                }
                let detail = detail.get_or_insert_with(|| format!("{}: ", rule.detail));
                let Some((_, host, facts)) = scratch
                    .found
                    .links
                    .iter()
                    .find(|(r, _, facts)| *r == role && facts.has(fact))
                else {
                    continue;
                };
                if !detail.ends_with(": ") {
                    detail.push_str("; ");
                }
                self.links.describe(fact, facts, host, detail);
            }
        }
        let mut detail = detail?;
        if rule.requires(Signal::TextFraud)
            && let Some(label) = self.text_label(event, scratch)
        {
            let _ = write!(detail, "; the text reads as {label}");
        }
        Some(detail)
    }

    fn text_detail<'r>(
        &self,
        rule: &'r Rule,
        event: &Event,
        scratch: &mut Scratch,
    ) -> Cow<'r, str> {
        match self.text_label(event, scratch) {
            Some(label) => Cow::Owned(format!("{}: {label}", rule.detail)),
            None => Cow::Borrowed(&rule.detail),
        }
    }

    /// The classifier's label for an SMS, with the words that weighed most.
    fn text_label(&self, event: &Event, scratch: &mut Scratch) -> Option<String> {
        let (Some(model), Event::Sms(sms)) = (&self.model, event) else {
            return None;
        };
        // The reasons are worked out only now that a rule needs them: most messages are
        // normal and never pay for this.
        let prediction = model.classify_with(&sms.text, &mut scratch.text, 3);
        let normal = model.normal_class();
        if normal == Some(prediction.class) {
            // the fraud types together outweigh normal (see `check_text`): name the likeliest,
            // without the reasons, which argue for normal
            let likeliest = (0..prediction.probabilities.len())
                .filter(|&c| Some(c) != normal)
                .max_by(|&a, &b| {
                    prediction.probabilities[a].total_cmp(&prediction.probabilities[b])
                });
            return Some(
                likeliest
                    .map_or("fraud", |c| model.classes()[c].as_str())
                    .to_owned(),
            );
        }
        let mut detail = prediction.label.to_string();
        if !prediction.reasons.is_empty() {
            detail.push_str(" (");
            for (i, reason) in prediction.reasons.iter().enumerate() {
                if i > 0 {
                    detail.push_str(", ");
                }
                detail.push_str(&reason.token);
            }
            detail.push(')');
        }
        Some(detail)
    }

    fn is_domestic(&self, number: &PhoneNumber) -> bool {
        match number {
            PhoneNumber::E164(e164) => e164.calling_code() == self.home.calling_code(),
            // service numbers exist only inside their country: from abroad they are spoofed
            PhoneNumber::Service(_) => true,
        }
    }

    fn check_key(
        &self,
        role: Role,
        table: Table,
        key: u64,
        signals: &mut Signals,
        scratch: &mut Scratch,
    ) {
        if let Some(mark) = self.snapshot.get(table, key) {
            raise_mark(role, mark, signals);
            scratch.found.marks[role as usize] = Some(mark);
        }
    }

    fn check_number(
        &self,
        role: Role,
        number: &PhoneNumber,
        signals: &mut Signals,
        scratch: &mut Scratch,
    ) {
        self.check_key(role, Table::Numbers, number.key(), signals, scratch);
        self.check_ranges(role, number, signals, &mut scratch.found);
    }

    /// Raises the range signals of every listed range holding the number, and remembers the
    /// most specific one for the reason.
    fn check_ranges(
        &self,
        role: Role,
        number: &PhoneNumber,
        signals: &mut Signals,
        found: &mut Found,
    ) {
        let PhoneNumber::E164(e164) = number else {
            return;
        };
        let number_key = e164.key();
        self.snapshot.ranges_holding(number_key, |length, mark| {
            if mark.black.is_some() {
                signals.raise(Signal::List(role, Standing::RangeBlack));
            }
            if mark.gray.is_some() {
                signals.raise(Signal::List(role, Standing::RangeGray));
            }
            found.ranges[role as usize]
                .get_or_insert_with(|| (mark, range_key(number_key, length)));
        });
    }

    /// The URL's standing on the lists, from all its expressions. A white match counts only
    /// when it is at least as specific as every black or gray match: a white-listed hosting
    /// platform does not clear a black-listed site on one of its subdomains.
    fn check_url(&self, url: &CanonicalUrl, scratch: &mut Scratch) -> Option<(Mark, [u64; 3])> {
        url_standing(&self.snapshot, url, &mut scratch.keys, &mut scratch.lengths)
    }

    /// The lists' standing of a raw URL, without rules: canonicalization, every expression and
    /// its lookup. The URL check of the hot path, on its own for benchmarks and tools.
    pub fn url_standing(
        &self,
        raw: &str,
        scratch: &mut Scratch,
    ) -> Result<Option<Mark>, url::UrlError> {
        let canonical = scratch.canonicalizer.canonicalize(raw)?;
        Ok(url_standing(
            &self.snapshot,
            canonical,
            &mut scratch.keys,
            &mut scratch.lengths,
        )
        .map(|(mark, _)| mark))
    }

    /// The classifier's risk, and every link and number in the text checked as URLs and numbers.
    fn check_text(&self, text: &str, signals: &mut Signals, scratch: &mut Scratch) {
        let entities = match &self.model {
            Some(model) => {
                let probabilities = model.probabilities_with(text, &mut scratch.text);
                let best = (0..probabilities.len())
                    .max_by(|&a, &b| probabilities[a].total_cmp(&probabilities[b]))
                    .unwrap_or(0);
                let normal = model.normal_class();
                let risk = normal.map_or(1.0, |n| 1.0 - probabilities[n]);
                signals.set_measure(Measure::TextRisk, f64::from(risk));
                // With thirteen fraud types the fraud can be spread over several of them, each
                // less likely than normal while together they outweigh it: the text reads as
                // fraud when either holds.
                if Some(best) != normal || risk > 0.5 {
                    signals.raise(Signal::TextFraud);
                }
                &scratch.text.normalized().entities
            }
            None => {
                scratch
                    .normalizer
                    .normalize_into(text, &mut scratch.normalized);
                &scratch.normalized.entities
            }
        };
        // Entities borrow the scratch; the lookups below need it too, so the few entities a
        // message carries are copied out first.
        let mut links: Vec<(EntityKind, String)> = Vec::new();
        for entity in entities {
            if matches!(entity.kind, EntityKind::Url | EntityKind::Phone) {
                links.push((entity.kind, entity.raw.clone()));
            }
        }
        let normalizer = PhoneNormalizer::new(self.home);
        // every link official and every number white: the text's only ways out are the real ones
        let mut urls = 0usize;
        let mut all_official = true;
        for (kind, raw) in links {
            match kind {
                EntityKind::Url => {
                    let with_scheme;
                    let text = if raw.contains("://") {
                        raw.as_str()
                    } else {
                        with_scheme = format!("http://{raw}");
                        &with_scheme
                    };
                    urls += 1;
                    let Ok(canonical) = scratch.canonicalizer.canonicalize(text) else {
                        all_official = false;
                        continue;
                    };
                    let standing = url_standing(
                        &self.snapshot,
                        canonical,
                        &mut scratch.keys,
                        &mut scratch.lengths,
                    );
                    // a white-listed link is nobody's look-alike
                    if standing.is_none_or(|(mark, _)| mark.white.is_none()) {
                        let facts =
                            self.check_link(Role::TextLink, canonical, signals, &mut scratch.found);
                        all_official &= standing.is_none_or(|(mark, _)| mark.black.is_none())
                            && facts.is_official();
                    } else {
                        all_official &= standing.is_some_and(|(mark, _)| mark.black.is_none());
                    }
                    if let Some((mark, keys)) = standing
                        && self.note_item(Role::TextLink, mark, &raw, signals, scratch)
                    {
                        scratch.found.expressions[Role::TextLink as usize] = keys;
                    }
                }
                EntityKind::Phone => {
                    // a tracking or waybill number that is no valid phone number is no way out
                    let Ok(number) = normalizer.normalize(&raw) else {
                        continue;
                    };
                    let mark = self.snapshot.get(Table::Numbers, number.key());
                    all_official &= mark.is_some_and(|m| m.white.is_some() && m.black.is_none());
                    if let Some(mark) = mark {
                        self.note_item(Role::TextNumber, mark, &raw, signals, scratch);
                    }
                    self.check_ranges(Role::TextNumber, &number, signals, &mut scratch.found);
                }
                _ => {}
            }
        }
        if urls > 0 && all_official {
            signals.raise(Signal::OfficialLinks);
        }
    }

    /// Raises the signals of what a link shows on its own, remembers the link for the reason,
    /// and returns its facts.
    fn check_link(
        &self,
        role: Role,
        url: &CanonicalUrl,
        signals: &mut Signals,
        found: &mut Found,
    ) -> LinkFacts {
        let facts = self.links.analyze(url);
        if facts.is_empty() {
            return facts;
        }
        for fact in facts.iter() {
            signals.raise(Signal::link(role, fact));
        }
        found.links.push((role, url.host().to_owned(), facts));
        facts
    }

    /// Raises a text item's signals and remembers the first black (else gray, else any) item
    /// for the reason; true when this item is the one remembered.
    fn note_item(
        &self,
        role: Role,
        mark: Mark,
        raw: &str,
        signals: &mut Signals,
        scratch: &mut Scratch,
    ) -> bool {
        raise_mark(role, mark, signals);
        let slot = role as usize;
        let rank = |mark: &Mark| (mark.black.is_some(), mark.gray.is_some());
        let better = match scratch.found.marks[slot] {
            None => true,
            Some(current) => rank(&mark) > rank(&current),
        };
        if better {
            scratch.found.marks[slot] = Some(mark);
            scratch.found.items[slot] = Some(raw.to_owned());
        }
        better
    }
}

/// Black, gray, white: the order of [`UrlStanding`]'s expression keys.
fn list_index(list: List) -> usize {
    match list {
        List::Black => 0,
        List::Gray => 1,
        List::White => 2,
    }
}

/// The expression of `url` with key `key`, as an entry spells it: a host (`evil.example`, kind
/// domain or ip) or a host and path (kind url). Only hashes: the lookups were made already.
fn listed_expression(url: &CanonicalUrl, key: u64) -> Option<(Kind, String)> {
    let expressions = url.expressions();
    let expression = (0..expressions.host_count())
        .flat_map(|host| expressions.of_host(host))
        .find(|expression| url::expression_key(expression) == key)?;
    Some(match expression.strip_suffix('/') {
        Some(host) if !host.contains('/') => match url.host_kind() {
            HostKind::Name => (Kind::Domain, host.to_owned()),
            HostKind::Ipv4 | HostKind::Ipv6 => (Kind::Ip, host.to_owned()),
        },
        _ => (Kind::Url, expression.to_owned()),
    })
}

/// A URL's standing from its Safe Browsing expressions. Host roots (`host/`) are looked up
/// first; the path expressions of a host only when the snapshot marks it as having listed paths,
/// so a URL on an unlisted site costs one lookup per host suffix.
fn url_standing(
    snapshot: &Snapshot,
    url: &CanonicalUrl,
    keys: &mut Vec<u64>,
    lengths: &mut Vec<usize>,
) -> Option<(Mark, [u64; 3])> {
    let expressions = url.expressions();
    let hosts = expressions.host_count();
    keys.clear();
    lengths.clear();
    for host in 0..hosts {
        let root = expressions.host_root(host);
        keys.push(url::expression_key(root));
        lengths.push(root.len());
    }
    let mut standing = UrlStanding::default();
    let mut deeper = 0u32;
    snapshot.get_many(Table::Expressions, keys, |index, mark| {
        if let Some(mark) = mark {
            if mark.paths_below {
                deeper |= 1 << index;
            }
            standing.absorb(mark, lengths[index], keys[index]);
        }
    });
    if deeper != 0 {
        keys.clear();
        lengths.clear();
        for host in (0..hosts).filter(|host| deeper & (1 << host) != 0) {
            let root = expressions.host_root(host);
            for expression in expressions.of_host(host).filter(|e| e.len() != root.len()) {
                keys.push(url::expression_key(expression));
                lengths.push(expression.len());
            }
        }
        snapshot.get_many(Table::Expressions, keys, |index, mark| {
            if let Some(mark) = mark {
                standing.absorb(mark, lengths[index], keys[index]);
            }
        });
    }
    standing.finish()
}

/// Folds the marks of a URL's expressions into one. A white match counts only when it is at
/// least as specific (as long) as every black or gray match: a white-listed hosting platform
/// does not clear a black-listed site on one of its subdomains.
#[derive(Default)]
struct UrlStanding {
    combined: Mark,
    listed: bool,
    bad_specificity: usize,
    white_specificity: usize,
    /// The key of the expression each list's listing came from (black, gray, white).
    keys: [u64; 3],
}

impl UrlStanding {
    #[inline]
    fn absorb(&mut self, mark: Mark, specificity: usize, key: u64) {
        if !mark.is_listed() {
            return;
        }
        self.listed = true;
        if mark.black.is_some() || mark.gray.is_some() {
            self.bad_specificity = self.bad_specificity.max(specificity);
        }
        let black = strongest(self.combined.black, mark.black);
        if black != self.combined.black {
            self.combined.black = black;
            self.keys[0] = key;
        }
        let gray = strongest(self.combined.gray, mark.gray);
        if gray != self.combined.gray {
            self.combined.gray = gray;
            self.keys[1] = key;
        }
        if mark.white.is_some() && specificity >= self.white_specificity {
            self.white_specificity = specificity;
            self.combined.white = mark.white;
            self.keys[2] = key;
        }
    }

    fn finish(mut self) -> Option<(Mark, [u64; 3])> {
        if self.combined.white.is_some() && self.white_specificity < self.bad_specificity {
            self.combined.white = None;
        }
        self.listed.then_some((self.combined, self.keys))
    }
}

fn strongest(a: Option<Listing>, b: Option<Listing>) -> Option<Listing> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.stronger(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// The key of the range of the first `length` digits of the number with key `number_key` (see
/// `NumberRange::key`).
fn range_key(number_key: u64, length: usize) -> u64 {
    let digits = number_key.checked_ilog10().map_or(1, |n| n as usize + 1);
    let prefix = number_key / 10u64.pow(digits.saturating_sub(length) as u32);
    (prefix << 4) | length as u64
}

/// The share of a listing's confidence that a black or gray listing adds to the risk on its
/// own, when no rule reads it: a rule that does speaks louder (0.6 for gray, 0.95 for black).
const UNRULED_LISTING_WEIGHT: f64 = 0.5;

/// What the signals say on their own, below every rule's threshold: the text classifier's
/// fraud probability (`text.risk`), and half the confidence of the strongest black or gray
/// listing. A decision's risk is the highest of this and the risks of the rules that held, so
/// a message the classifier scores at 0.58 is allowed with risk 0.58, not 0; verdicts are the
/// rules' alone.
fn seen_risk(signals: &Signals) -> f32 {
    let text = signals.measure(Measure::TextRisk);
    let listed = signals.measure(Measure::ListConfidence) * UNRULED_LISTING_WEIGHT;
    text.max(listed).clamp(0.0, 1.0) as f32
}

fn raise_mark(role: Role, mark: Mark, signals: &mut Signals) {
    if let Some(black) = mark.black {
        signals.raise(Signal::List(role, Standing::Black));
        if black.is_fatal() {
            signals.raise(Signal::List(role, Standing::BlackFatal));
        }
        signals.raise_measure(Measure::ListConfidence, f64::from(black.confidence()));
    }
    if let Some(gray) = mark.gray {
        signals.raise(Signal::List(role, Standing::Gray));
        signals.raise_measure(Measure::ListConfidence, f64::from(gray.confidence()));
    }
    if mark.white.is_some() {
        signals.raise(Signal::List(role, Standing::White));
    }
}
