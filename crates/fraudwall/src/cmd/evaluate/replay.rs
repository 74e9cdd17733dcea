//! Feeding a scenario through a fresh node's application layer, in time order.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use fraudwall_app::cases::{CaseDraft, ContactDraft, PaymentDraft};
use fraudwall_app::clues::ClueDraft;
use fraudwall_app::leads::LeadQuery;
use fraudwall_app::lists::{EntryDraft, ImportRequest};
use fraudwall_app::ratelimit::Rates;
use fraudwall_app::records::{ClueKind, OffsetDateTime, Role, SqliteStore};
use fraudwall_app::{App, AppError, Principal, Settings};
use fraudwall_ids::phone::Region;
use fraudwall_lists::entry::{Kind, List, Source};
use fraudwall_lists::import::Format;
use fraudwall_rules::{Scratch, Verdict};
use fraudwall_server::wire::parse_event;
use fraudwall_sim::separability::Observer;
use serde::Deserialize;
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use super::funds::{FundsScore, TracedCase, account_key};
use super::leads::LeadScore;
use super::linking::Linking;
use super::report::{Channel, Report};
use super::scenario::{Item, Scenario};
use super::truth::Truth;
use super::warnings::WarningScore;
use fraudwall_app::warnings::WarningQuery;

/// How often, in scenario time, the reputation pass turns evidence into listings, and transfer
/// screening learns the open warnings, mule leads and payee patterns.
const REPUTATION_EVERY_S: i64 = 3_600;

pub fn replay(scenario: &Scenario, truth: &Truth, store_dir: &Path) -> anyhow::Result<Report> {
    let store = SqliteStore::open(store_dir)
        .with_context(|| format!("cannot open a store in {}", store_dir.display()))?;
    let hour = Duration::from_secs(3_600);
    let settings = Settings {
        region: Region::CN,
        official_whitelist: true,
        model: "bundled".to_owned(),
        // the replay settles lists itself before every decision that could see a change
        lists_refresh: hour,
        token_refresh: hour,
        reputation_period: None,
        witness: None,
        checkpoint_interval: hour,
        evidence_rates: Rates::default(),
    };
    let records = fraudwall_store_records::SegmentIndex::open(
        store_dir.join(fraudwall_store_records::RECORDS_DIR),
        fraudwall_store_records::Options::default(),
    )
    .context("cannot open the replay's activity records")?;
    let app = App::start(&settings, Arc::new(store))?.with_records(Arc::new(records))?;
    let outcome = Replay::new(&app, scenario, truth).run();
    app.shutdown(Duration::from_secs(5));
    outcome
}

struct Replay<'a> {
    app: &'a App,
    scenario: &'a Scenario,
    truth: &'a Truth,
    analyst: Principal,
    report: Report,
    /// Per-number and per-account behaviour, for the best single-statistic rules.
    observer: Observer,
    /// Scenario times are moved by this many seconds so that the scenario ends now: evidence
    /// keeps its age relative to the replay's clock, and none is in the future.
    shift: i64,
    /// The node's case id of each scenario case filed.
    case_ids: Vec<(i64, String)>,
    /// Every number the filed cases name, and each account their victims paid with who paid.
    named_numbers: HashSet<String>,
    paid_by: HashMap<String, HashSet<String>>,
    /// Each SIM's activation device, as the operators report it.
    device_of: HashMap<String, String>,
    /// The week's transfer records and the filed cases' payments, for tracing the money.
    transfers: Vec<fraudwall_funds::Transfer>,
    /// The ids of the transfers screening held, and how many of them were between accounts
    /// the truth does not know as fraud's.
    held_transfers: HashSet<u64>,
    held_legitimate: usize,
    traced_cases: Vec<TracedCase>,
    /// Records read but not yet in the contact index: appended in batches, and always before
    /// a case is filed, so counter-inspection sees everything before the report.
    pending: Vec<fraudwall_records::Record>,
    /// Each warned subscriber's first warning (scenario seconds) and its tier.
    warned: HashMap<String, (i64, String)>,
    /// The last warning id looked at.
    last_warning: i64,
    subscribers: u64,
    /// Subscribers a gang's number, link, app or account was in contact with.
    fraud_contacted: HashSet<String>,
}

/// Records appended to the contact index at once.
const RECORD_BATCH: usize = 10_000;

#[derive(Deserialize)]
struct RecordLine<'a> {
    kind: &'a str,
    duration_s: Option<u64>,
    caller: Option<&'a str>,
    callee: Option<&'a str>,
    sender: Option<&'a str>,
    recipient: Option<&'a str>,
    text: Option<String>,
    subscriber: Option<&'a str>,
    url: Option<&'a str>,
    package: Option<&'a str>,
    from_account: Option<&'a str>,
    to_account: Option<&'a str>,
    amount: Option<f64>,
    currency: Option<&'a str>,
    from_phone: Option<&'a str>,
}

#[derive(Deserialize)]
struct CaseLine {
    id: String,
    fraud_type: Option<String>,
    reported_at: String,
    victim: Victim,
    loss: Money,
    #[serde(default)]
    contacts: Vec<Contact>,
    #[serde(default)]
    payments: Vec<Payment>,
}

#[derive(Deserialize)]
struct Victim {
    phone: String,
    territory: Option<String>,
}

#[derive(Deserialize)]
struct Money {
    amount: f64,
    currency: String,
}

#[derive(Deserialize)]
struct Contact {
    kind: String,
    value: String,
    time: Option<String>,
}

#[derive(Deserialize)]
struct Payment {
    to_account: String,
    amount: f64,
    currency: String,
    time: Option<String>,
}

#[derive(Deserialize)]
struct ClueLine {
    kind: String,
    value: String,
    text: Option<String>,
    fraud_type: Option<String>,
    reporter: Option<String>,
}

impl<'a> Replay<'a> {
    fn new(app: &'a App, scenario: &'a Scenario, truth: &'a Truth) -> Replay<'a> {
        let last_date = scenario
            .manifest
            .files
            .records
            .last()
            .map(|file| file.date.clone())
            .unwrap_or_default();
        let end = super::scenario::seconds(&format!("{last_date}T23:59:59+08:00")).unwrap_or(0);
        let shift = OffsetDateTime::now_utc().unix_timestamp() - end - 60;
        Replay {
            app,
            scenario,
            truth,
            analyst: Principal {
                token_id: Some(1),
                name: "replay analyst".to_owned(),
                role: Role::Analyst,
                org: None,
                territory: None,
            },
            report: Report::new(
                scenario
                    .manifest
                    .files
                    .records
                    .iter()
                    .map(|file| (file.day, file.date.clone()))
                    .collect(),
            ),
            shift,
            case_ids: Vec::new(),
            named_numbers: HashSet::new(),
            paid_by: HashMap::new(),
            device_of: HashMap::new(),
            transfers: Vec::new(),
            held_transfers: HashSet::new(),
            held_legitimate: 0,
            traced_cases: Vec::new(),
            pending: Vec::new(),
            warned: HashMap::new(),
            last_warning: 0,
            subscribers: 0,
            fraud_contacted: HashSet::new(),
            observer: Observer::default(),
        }
    }

    fn run(mut self) -> anyhow::Result<Report> {
        let started = Instant::now();
        self.import_lists()?;
        self.import_cards()?;
        self.import_subscribers()?;
        self.app.settle_lists()?;
        let mut scratch = Scratch::new();
        let mut merged = self.scenario.merged()?;
        let mut next_reputation = i64::MIN;
        let mut learned = false;
        while let Some((t, item)) = merged.next_item()? {
            if next_reputation == i64::MIN {
                next_reputation = t - t.rem_euclid(REPUTATION_EVERY_S) + REPUTATION_EVERY_S;
            }
            if t >= next_reputation {
                let pass = self.app.run_reputation(&self.administrator())?;
                learned |= pass.listed_black + pass.listed_gray + pass.removed > 0;
                self.store_pending_records(t)?;
                self.app.refresh_screening(
                    OffsetDateTime::from_unix_timestamp(t + self.shift)
                        .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                )?;
                next_reputation = t - t.rem_euclid(REPUTATION_EVERY_S) + REPUTATION_EVERY_S;
            }
            match item {
                Item::Record(day, line) => {
                    if learned {
                        self.app.settle_lists()?;
                        learned = false;
                    }
                    self.decide(day, t, &line, &mut scratch)?;
                }
                Item::Case(line) => learned |= self.file_case(t, &line)?,
                Item::Clue(line) => learned |= self.file_clue(&line)?,
            }
        }
        self.report.seconds = started.elapsed().as_secs_f64();
        self.read_sim_ages()?;
        self.report.linking = self.linking();
        self.report.leads = self.leads()?;
        self.report.funds = FundsScore::score(
            std::mem::take(&mut self.transfers),
            &self.held_transfers,
            &self.traced_cases,
            self.truth,
        );
        self.report.funds.held_legitimate = self.held_legitimate;
        self.report.warnings = WarningScore::score(
            &self.warned,
            &self.fraud_contacted,
            self.truth,
            self.subscribers,
        );
        self.report.baseline = self.observer.number_rules(&self.truth.fraud_numbers());
        self.report
            .baseline
            .extend(self.observer.account_rules(self.truth.fraud_accounts()));
        Ok(self.report)
    }

    /// SIM activation dates, from what the operators know (`sims.csv`), for the SIM-age rule.
    fn read_sim_ages(&mut self) -> anyhow::Result<()> {
        let path = self.scenario.dir.join("sims.csv");
        let Ok(file) = std::fs::File::open(&path) else {
            return Ok(());
        };
        let mut reader = csv::Reader::from_reader(std::io::BufReader::new(file));
        for (index, row) in reader.records().enumerate() {
            let row = row.with_context(|| format!("{}:{}", path.display(), index + 2))?;
            let (Some(phone), Some(date)) = (row.get(0), row.get(2)) else {
                continue;
            };
            let at = super::scenario::seconds(&format!("{date}T00:00:00+08:00"))
                .with_context(|| format!("{}:{}", path.display(), index + 2))?;
            self.observer.activated(phone, at.div_euclid(86_400));
        }
        Ok(())
    }

    /// The reputation pass is an administrator's to run.
    fn administrator(&self) -> Principal {
        Principal {
            role: Role::Admin,
            name: "replay".to_owned(),
            ..self.analyst.clone()
        }
    }

    fn import_lists(&mut self) -> anyhow::Result<()> {
        let (dir, manifest) = self.scenario.lists()?;
        for file in &manifest.lists {
            let path = dir.join(&file.file);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let request = ImportRequest {
                list: parse_name(&file.list)?,
                kind: parse_name(&file.kind)?,
                format: file.format.parse::<Format>().map_err(anyhow::Error::msg)?,
                source: parse_name(&file.source)?,
                fraud_type: None,
                text: &text,
            };
            let imported = self.app.import(&Principal::command_line(), request)?;
            self.report.seeded += imported.imported;
        }
        Ok(())
    }

    /// The registry of subscribers (territory, birth year, occupation), as operators send it.
    fn import_subscribers(&mut self) -> anyhow::Result<()> {
        let path = self.scenario.dir.join("subscribers.csv");
        let Ok(file) = std::fs::File::open(&path) else {
            return Ok(());
        };
        let report = self
            .app
            .import_subscribers(
                &self.administrator(),
                &mut std::io::BufReader::new(file),
                &mut |_| {},
            )
            .with_context(|| format!("cannot import {}", path.display()))?;
        self.subscribers = report.imported;
        Ok(())
    }

    /// Stores the records read since the last batch, and raises the warnings they call for
    /// (a long call from a listed number, a fraud app, a payment to a listed account).
    fn store_pending_records(&mut self, t: i64) -> anyhow::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.app
            .records()
            .append(&self.pending)
            .context("cannot store activity records")?;
        let raised = self
            .app
            .warn_from_records(&self.pending, OffsetDateTime::now_utc())?;
        self.pending.clear();
        if raised > 0 {
            self.note_warnings(t)?;
        }
        Ok(())
    }

    /// The warnings raised since the last look, at scenario time `t`.
    fn note_warnings(&mut self, t: i64) -> anyhow::Result<()> {
        loop {
            let page = self.app.warnings(
                &self.administrator(),
                &WarningQuery {
                    after: self.last_warning,
                    limit: 1_000,
                    ..WarningQuery::default()
                },
            )?;
            let Some(last) = page.last() else { break };
            self.last_warning = last.id;
            for view in page {
                self.warned
                    .entry(view.warning.subscriber.clone())
                    .or_insert((t, view.warning.tier.code().to_owned()));
            }
        }
        Ok(())
    }

    fn decide(
        &mut self,
        day: usize,
        t: i64,
        line: &str,
        scratch: &mut Scratch,
    ) -> anyhow::Result<()> {
        // into the contact index on the replay's clock, as the operators would send it
        if let Ok(mut record) = fraudwall_records::parse_line(line.as_bytes()) {
            record.time += self.shift;
            // a call with a listed number holds its callee's transfers while it lasts
            self.app
                .note_for_screening(std::slice::from_ref(&record), record.time);
            self.pending.push(record);
            if self.pending.len() >= RECORD_BATCH {
                self.store_pending_records(t)?;
            }
        }
        let record: RecordLine<'_> = serde_json::from_str(line)?;
        let truth = self.truth;
        let (channel, event, fraud, fresh_number) = match record.kind {
            "call_record" => {
                let (caller, callee) = (
                    record.caller.unwrap_or_default(),
                    record.callee.unwrap_or_default(),
                );
                let fraud = truth.fraud_number(caller, t) || truth.fraud_number(callee, t);
                let fresh = truth.fraud_number(caller, t) && !truth.listed_at_start(caller);
                self.observer
                    .call(caller, callee, t, record.duration_s.unwrap_or_default());
                (
                    Channel::Call,
                    json!({"kind": "call", "caller": caller, "callee": callee}),
                    fraud,
                    fresh,
                )
            }
            "sms_record" => {
                let (sender, recipient) = (
                    record.sender.unwrap_or_default(),
                    record.recipient.unwrap_or_default(),
                );
                let fraud =
                    truth.fraud_number(sender, t) || truth.fraud_message(sender, recipient, t);
                let fresh = fraud && !truth.listed_at_start(sender);
                let text = record.text.unwrap_or_default();
                (
                    Channel::Sms,
                    json!({"kind": "sms", "sender": sender, "recipient": recipient, "text": text}),
                    fraud,
                    fresh,
                )
            }
            "visit" => {
                let url = record.url.unwrap_or_default();
                let event = json!({"kind": "url", "url": url, "subscriber": record.subscriber});
                (Channel::Url, event, truth.fraud_url(url, t), false)
            }
            "app_install" => {
                let package = record.package.unwrap_or_default();
                let event =
                    json!({"kind": "app", "package": package, "subscriber": record.subscriber});
                (Channel::App, event, truth.fraud_app(package), false)
            }
            "transfer_record" => {
                let (from, to) = (
                    record.from_account.unwrap_or_default(),
                    record.to_account.unwrap_or_default(),
                );
                let fraud = truth.fraud_account(to) || truth.fraud_account(from);
                self.observer.transfer(from, to, t);
                self.transfers.push(fraudwall_funds::Transfer {
                    id: self.transfers.len() as u64 + 1,
                    from: account_key(from),
                    to: account_key(to),
                    amount: (record.amount.unwrap_or_default() * 100.0).round() as i64,
                    at: t,
                });
                let mut event = json!({"kind": "transfer", "from_account": from, "to_account": to,
                    "amount": record.amount.unwrap_or_default(), "currency": record.currency.unwrap_or("CNY")});
                if let Some(phone) = record.from_phone {
                    event["payer_phone"] = json!(phone);
                }
                (Channel::Transfer, event, fraud, false)
            }
            other => anyhow::bail!("a record of unknown kind {other:?}"),
        };
        if fraud {
            let touched = match record.kind {
                "call_record" if truth.fraud_number(record.caller.unwrap_or_default(), t) => {
                    record.callee
                }
                "call_record" => record.caller,
                "sms_record" => record.recipient,
                "visit" | "app_install" => record.subscriber,
                "transfer_record" => record.from_phone,
                _ => None,
            };
            if let Some(phone) = touched {
                self.fraud_contacted.insert(phone.to_owned());
            }
        }
        let flagged = match parse_event(&event.to_string(), self.app.normalizer()) {
            Ok((event, _)) => {
                let engine = self.app.engine().load();
                scratch.set_now(t + self.shift);
                let decision = engine.decide(&event, scratch);
                if decision.verdict == Verdict::Hold && channel == Channel::Transfer {
                    self.held_transfers.insert(self.transfers.len() as u64);
                    self.held_legitimate += usize::from(!fraud);
                    for code in decision.reasons.iter().map(|r| r.code) {
                        let tally = self
                            .report
                            .held_by_reason
                            .entry(code.to_owned())
                            .or_default();
                        tally.0 += 1;
                        tally.1 += usize::from(!fraud);
                    }
                }
                decision.verdict != Verdict::Allow
            }
            Err(_) => {
                self.report.invalid += 1;
                false
            }
        };
        self.report
            .count(day, channel, fraud, flagged, fresh_number);
        Ok(())
    }

    /// What an analyst lists black from a victim's report: every number, link, app and
    /// account in it, as the case's.
    /// The clusters of the cases filed, against the gangs behind them.
    fn linking(&self) -> Linking {
        let clusters: HashMap<i64, i64> = self.app.case_clusters().into_iter().collect();
        let scored: Vec<(i64, &str)> = self
            .case_ids
            .iter()
            .filter_map(|(id, scenario_id)| {
                Some((*clusters.get(id)?, self.truth.case_gang(scenario_id)?))
            })
            .collect();
        Linking::score(&scored)
    }

    /// The chain leads over the filed cases, against the dealers and gangs' accounts.
    fn leads(&self) -> anyhow::Result<LeadScore> {
        let query = LeadQuery::default();
        let leads = self.app.case_leads(&self.analyst, query)?;
        Ok(LeadScore::score(
            &leads,
            self.truth,
            query.min_cards,
            &self.named_numbers,
            &self.device_of,
            &self.paid_by,
        ))
    }

    /// Who holds each SIM and account, as operators and banks would send it: the scenario's
    /// `sims.csv` and `accounts.csv`, their dates moved to the replay's clock.
    fn import_cards(&mut self) -> anyhow::Result<()> {
        for name in ["sims.csv", "accounts.csv"] {
            let path = self.scenario.dir.join(name);
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let mut lines = text.lines();
            let Some(header) = lines.next() else { continue };
            let columns: Vec<&str> = header.split(',').collect();
            let date_at = columns
                .iter()
                .position(|c| *c == "activated_on" || *c == "opened_on");
            let device_at = columns.iter().position(|c| *c == "device");
            let mut moved = String::with_capacity(text.len() + text.len() / 2);
            moved.push_str(header);
            moved.push('\n');
            for line in lines {
                let mut fields: Vec<String> = line.split(',').map(str::to_owned).collect();
                if let (Some(device), Some(phone)) =
                    (device_at.and_then(|at| fields.get(at)), fields.first())
                {
                    self.device_of.insert(phone.clone(), device.clone());
                }
                if let Some(date) = date_at.and_then(|at| fields.get_mut(at))
                    && let Some(at) = self.shifted(&format!("{date}T00:00:00+08:00"))
                {
                    *date = at;
                }
                moved.push_str(&fields.join(","));
                moved.push('\n');
            }
            let report = self
                .app
                .import_cards(&self.administrator(), &mut moved.as_bytes(), &mut |_| {})
                .with_context(|| format!("cannot import {}", path.display()))?;
            if report.rejected > 0 {
                tracing::warn!(
                    file = name,
                    rejected = report.rejected,
                    "card lines rejected"
                );
            }
        }
        Ok(())
    }

    /// A scenario time moved to the replay's clock.
    fn shifted(&self, text: &str) -> Option<String> {
        let at = OffsetDateTime::parse(text, &Rfc3339).ok()?;
        (at + time::Duration::seconds(self.shift))
            .format(&Rfc3339)
            .ok()
    }

    /// Files the case with the node, which links it to the cases before it.
    fn link_case(&mut self, case: &CaseLine) -> anyhow::Result<()> {
        let draft = CaseDraft {
            fraud_type: case
                .fraud_type
                .clone()
                .unwrap_or_else(|| "other".to_owned()),
            reported_at: self.shifted(&case.reported_at).unwrap_or_default(),
            victim_phone: case.victim.phone.clone(),
            territory: case.victim.territory.clone(),
            loss_amount: case.loss.amount,
            loss_currency: case.loss.currency.clone(),
            contacts: case
                .contacts
                .iter()
                .map(|c| ContactDraft {
                    kind: c.kind.clone(),
                    value: c.value.clone(),
                    time: c.time.as_deref().and_then(|t| self.shifted(t)),
                })
                .collect(),
            payments: case
                .payments
                .iter()
                .map(|p| PaymentDraft {
                    to_account: p.to_account.clone(),
                    amount: p.amount,
                    currency: p.currency.clone(),
                    time: p.time.as_deref().and_then(|t| self.shifted(t)),
                })
                .collect(),
        };
        match self.app.file_case(&self.analyst, &draft) {
            Ok((id, _)) => {
                self.case_ids.push((id, case.id.clone()));
                for contact in &case.contacts {
                    if matches!(contact.kind.as_str(), "number" | "sms") {
                        self.named_numbers.insert(contact.value.clone());
                    }
                }
                self.traced_cases.push(TracedCase {
                    scenario_id: case.id.clone(),
                    reported_at: super::scenario::seconds(&case.reported_at)?,
                    payments: case
                        .payments
                        .iter()
                        .filter_map(|p| {
                            Some(fraudwall_funds::Payment {
                                to: account_key(&p.to_account),
                                amount: (p.amount * 100.0).round() as i64,
                                at: super::scenario::seconds(p.time.as_deref()?).ok()?,
                            })
                        })
                        .collect(),
                });
                for payment in &case.payments {
                    self.paid_by
                        .entry(payment.to_account.clone())
                        .or_default()
                        .insert(case.victim.phone.clone());
                }
            }
            Err(err) => {
                self.report.cases_refused += 1;
                tracing::warn!(case = %case.id, error = %err, "case not filed");
            }
        }
        Ok(())
    }

    fn file_case(&mut self, t: i64, line: &str) -> anyhow::Result<bool> {
        let case: CaseLine = serde_json::from_str(line)?;
        self.report.cases += 1;
        self.store_pending_records(t)?;
        self.link_case(&case)?;
        self.note_warnings(t)?;
        let fraud_type = case
            .fraud_type
            .clone()
            .filter(|code| fraudwall_lists::taxonomy::is_fraud_type(code));
        let mut drafts: Vec<Result<EntryDraft, AppError>> = Vec::new();
        let mut draft = |kind: Kind, value: String| {
            drafts.push(Ok(EntryDraft {
                kind,
                value,
                fraud_type: fraud_type.clone(),
                confidence: Some(0.9),
                severity: None,
                expires_at: None,
                evidence: vec![case.id.clone()],
                note: None,
                source: Some(Source::Case),
            }));
        };
        for contact in &case.contacts {
            let kind = match contact.kind.as_str() {
                "number" | "sms" => Kind::Number,
                "url" => Kind::Url,
                "app" => Kind::App,
                "social" => Kind::Social,
                "account" => Kind::Account,
                _ => continue,
            };
            draft(kind, contact.value.clone());
        }
        for payment in &case.payments {
            draft(Kind::Account, payment.to_account.clone());
        }
        if drafts.is_empty() {
            return Ok(false);
        }
        let report = self
            .app
            .put_entries(&self.analyst, List::Black, drafts, false)?;
        Ok(report.changed())
    }

    /// A citizen's clue, as evidence from that citizen: each reporter is one source.
    /// A citizen's clue, through the clue intake as the citizen's app sends it: unproven
    /// reporters count as one source together, however many there are.
    fn file_clue(&mut self, line: &str) -> anyhow::Result<bool> {
        let clue: ClueLine = serde_json::from_str(line)?;
        self.report.clues += 1;
        let Ok(kind) = clue.kind.parse::<ClueKind>() else {
            return Ok(false);
        };
        let reporter = clue.reporter.unwrap_or_else(|| "anonymous".to_owned());
        let principal = Principal {
            token_id: Some(reporter_id(&reporter)),
            name: format!("citizen {reporter}"),
            role: Role::Reporter,
            org: None,
            territory: None,
        };
        let draft = ClueDraft {
            kind,
            value: clue.value,
            text: clue.text,
            fraud_type: clue
                .fraud_type
                .filter(|code| fraudwall_lists::taxonomy::is_fraud_type(code)),
        };
        match self.app.submit_clues(&principal, vec![Ok(draft)]) {
            Ok(results) => {
                if let Some(Err(err)) = results.first() {
                    tracing::debug!(error = %err, "clue not taken");
                }
            }
            Err(err) => tracing::debug!(error = %err, "clue not taken"),
        }
        // clues list nothing by themselves: the next reputation pass decides
        Ok(false)
    }
}

/// A stable token id per reporter, well away from real token ids.
fn reporter_id(reporter: &str) -> i64 {
    let digits: String = reporter.chars().filter(char::is_ascii_digit).collect();
    1_000_000_000 + digits.parse::<i64>().unwrap_or(0) % 1_000_000_000_000
}

fn parse_name<T: std::str::FromStr>(name: &str) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    name.parse::<T>()
        .map_err(|err| anyhow::anyhow!("lists manifest: {err}"))
}
