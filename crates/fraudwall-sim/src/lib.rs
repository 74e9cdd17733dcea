//! A seeded simulated province, with its ground truth: subscribers, their calls, messages, web
//! visits, app installs and transfers, fraud gangs with their numbers, domains, apps and money
//! mules, victims, their reports, citizens' clues, and what an operator already knew at the
//! start. `docs/simulation.md` describes every file and gives every parameter with its source.
//!
//! **Invariant:** pure. No IO of its own (it writes to the writers an [`Output`] hands it),
//! no async; the same [`Params`] give the same bytes whatever the number of threads, because
//! every part draws from its own stream derived from `(seed, part, day, hour)` and parts are
//! written in a fixed order. It streams: a day is made, written and dropped before the next.

pub mod calendar;
pub mod fraud;
pub mod gangs;
pub mod geo;
pub mod ids;
pub mod legit;
pub mod ordinary;
pub mod population;
pub mod record;
pub mod rng;
pub mod scripts;
pub mod separability;
pub mod types;

use std::io::{self, Write};

use rayon::prelude::*;
use serde_json::{Value, json};

use crate::calendar::{Clock, DAY, Date, Time};
use crate::gangs::Gang;
use crate::geo::Territories;
use crate::ids::num_string;
use crate::population::{AccountRow, Population};
use crate::record::{KINDS, Timed, write_line};
use crate::rng::{Rng, stream};

/// The version of the scenario's file formats, in `scenario.json`.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone)]
pub struct Params {
    pub seed: u64,
    pub subscribers: u32,
    pub days: u32,
    pub start: Date,
    /// Fraud gangs; by default one per 4,000 subscribers, at least 13 (one per fraud type).
    pub gangs: Option<u32>,
    /// Threads making hours in parallel; the output does not depend on it.
    pub threads: usize,
    /// New victims a day per 100,000 subscribers.
    pub victims_per_100k: f64,
}

impl Params {
    pub fn new(seed: u64, subscribers: u32, days: u32) -> Params {
        Params {
            seed,
            subscribers,
            days,
            start: Date {
                year: 2026,
                month: 3,
                day: 2,
            },
            gangs: None,
            threads: 1,
            victims_per_100k: DEFAULT_VICTIMS_PER_100K,
        }
    }

    pub fn gang_count(&self) -> u32 {
        self.gangs.unwrap_or((self.subscribers / 4_000).max(13))
    }
}

/// Real rates are below 1 a day per 100,000 people; a small province needs more to have cases
/// worth scoring (see `docs/simulation.md`).
pub const DEFAULT_VICTIMS_PER_100K: f64 = 10.0;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("invalid parameter: {0}")]
    Params(String),
    #[error("cannot write {file}: {source}")]
    Write {
        file: String,
        #[source]
        source: io::Error,
    },
    #[error("cannot start {threads} threads: {message}")]
    Threads { threads: usize, message: String },
}

/// Where the files go: the caller opens them (a directory, memory, anything).
pub trait Output {
    /// A writer for the file at `path` (relative, `/`-separated, e.g. `lists/black-number.txt`).
    fn create(&mut self, path: &str) -> io::Result<Box<dyn Write>>;
}

/// How far the generator has got, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub day: u32,
    pub days: u32,
    pub records: u64,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Records by kind, in the order of [`record::KINDS`].
    pub records: [u64; 5],
    pub cases: u64,
    pub clues: u64,
    pub victims: u64,
    pub targets: u64,
    pub truth: u64,
    pub files: Vec<String>,
}

impl Summary {
    pub fn total_records(&self) -> u64 {
        self.records.iter().sum()
    }
}

/// The province's standing parts, made once.
#[derive(Debug)]
pub struct World {
    pub params: Params,
    pub clock: Clock,
    pub territories: Territories,
    pub population: Population,
    pub gangs: Vec<Gang>,
    pub dealers: Vec<gangs::Dealer>,
    pub local_mules: Vec<(u64, u32)>,
    pub mule_accounts: Vec<AccountRow>,
    mule_holders: std::collections::HashMap<u64, ids::Num>,
}

impl World {
    pub fn new(params: &Params) -> Result<World, SimError> {
        if params.subscribers < 100 || params.subscribers > 50_000_000 {
            return Err(SimError::Params(format!(
                "subscribers must be from 100 to 50,000,000, got {}",
                params.subscribers
            )));
        }
        if params.days == 0 || params.days > 366 {
            return Err(SimError::Params(format!(
                "days must be from 1 to 366, got {}",
                params.days
            )));
        }
        if params.gang_count() == 0 || params.gang_count() > 10_000 {
            return Err(SimError::Params("gangs must be from 1 to 10,000".into()));
        }
        if !(0.0..=100_000.0).contains(&params.victims_per_100k) {
            return Err(SimError::Params(
                "victims per 100,000 must be from 0 to 100,000".into(),
            ));
        }
        let mut rng = Rng::derive(params.seed, stream::SETUP, 0, 0);
        let territories = Territories::generate(&mut rng);
        let mut rng = Rng::derive(params.seed, stream::POPULATION, 0, 0);
        let mut registry = ids::Registry::default();
        let population = Population::generate(
            &mut rng,
            &mut registry,
            &territories,
            params.subscribers,
            params.start.year,
        );
        let mut rng = Rng::derive(params.seed, stream::GANGS, 0, 0);
        let under = gangs::generate(
            &mut rng,
            &population,
            &territories,
            params.gang_count(),
            params.days,
            &mut registry,
        );
        Ok(World {
            params: params.clone(),
            clock: Clock::new(params.start),
            territories,
            population,
            gangs: under.gangs,
            dealers: under.dealers,
            local_mules: under.local_mules,
            mule_holders: under
                .accounts
                .iter()
                .map(|a| (a.account, a.holder))
                .collect(),
            mule_accounts: under.accounts,
        })
    }

    /// The phone of a mule account's holder (0 when the account is not a mule's).
    pub fn holder(&self, account: u64) -> ids::Num {
        self.mule_holders.get(&account).copied().unwrap_or(0)
    }

    /// The end of the scenario, in seconds from its start.
    pub fn end(&self) -> Time {
        i64::from(self.params.days) * DAY
    }
}

struct Files<'a> {
    out: &'a mut dyn Output,
    names: Vec<String>,
}

impl Files<'_> {
    fn create(&mut self, path: &str) -> Result<Named, SimError> {
        let writer = self.out.create(path).map_err(|source| SimError::Write {
            file: path.to_owned(),
            source,
        })?;
        self.names.push(path.to_owned());
        Ok(Named {
            name: path.to_owned(),
            writer,
        })
    }

    fn write_all(&mut self, path: &str, bytes: &[u8]) -> Result<(), SimError> {
        let mut file = self.create(path)?;
        file.write(bytes)?;
        file.finish()
    }
}

struct Named {
    name: String,
    writer: Box<dyn Write>,
}

impl Named {
    fn write(&mut self, bytes: &[u8]) -> Result<(), SimError> {
        self.writer
            .write_all(bytes)
            .map_err(|source| SimError::Write {
                file: self.name.clone(),
                source,
            })
    }

    fn line(&mut self, value: &Value) -> Result<(), SimError> {
        let mut bytes = serde_json::to_vec(value).expect("json values serialize");
        bytes.push(b'\n');
        self.write(&bytes)
    }

    fn finish(mut self) -> Result<(), SimError> {
        self.writer.flush().map_err(|source| SimError::Write {
            file: self.name,
            source,
        })
    }
}

/// Hours made at once: enough to keep the threads busy, few enough to bound memory.
const HOURS_PER_BATCH: usize = 6;

/// Generates the province into `out`.
pub fn generate(
    params: &Params,
    out: &mut dyn Output,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary, SimError> {
    let world = World::new(params)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(params.threads.max(1))
        .build()
        .map_err(|e| SimError::Threads {
            threads: params.threads,
            message: e.to_string(),
        })?;
    let mut files = Files {
        out,
        names: Vec::new(),
    };
    let mut summary = Summary::default();

    files.write_all("territories.csv", world.territories.csv.as_bytes())?;
    write_people(&world, &mut files)?;
    let mut truth = files.create("truth.ndjson")?;
    let listed = write_lists(&world, &mut files, &mut truth)?;
    summary.truth += write_static_truth(&world, &mut truth, &listed)?;

    let mut cases = files.create("cases.ndjson")?;
    let mut clues = files.create("clues.ndjson")?;
    let mut engine = fraud::Engine::new();
    let mut day_files = Vec::new();
    for day in 0..params.days {
        let mut fraud_day = engine.day(&world, day);
        let name = format!("records-day-{:03}.ndjson", day + 1);
        let mut file = files.create(&name)?;
        let mut hours = std::mem::take(&mut fraud_day.hours);
        let mut counts_day = [0u64; 5];
        for batch_start in (0..24).step_by(HOURS_PER_BATCH) {
            let batch: Vec<(usize, Vec<Timed>)> = (batch_start..batch_start + HOURS_PER_BATCH)
                .map(|h| (h, std::mem::take(&mut hours[h])))
                .collect();
            let made: Vec<(Vec<u8>, [u64; 5])> = pool.install(|| {
                batch
                    .into_par_iter()
                    .map(|(h, fraud)| make_hour(&world, day, h, fraud))
                    .collect()
            });
            for (bytes, counts) in made {
                file.write(&bytes)?;
                for (total, n) in counts_day.iter_mut().zip(counts) {
                    *total += n;
                }
            }
            progress(Progress {
                day,
                days: params.days,
                records: summary.total_records() + counts_day.iter().sum::<u64>(),
            });
        }
        file.finish()?;
        for (total, n) in summary.records.iter_mut().zip(counts_day) {
            *total += n;
        }
        day_files.push(json!({"file": name, "day": day + 1,
            "date": world.clock.date_of(i64::from(day) * DAY).to_string(),
            "records": counts_day.iter().sum::<u64>()}));
        for c in &fraud_day.cases {
            cases.line(&c.json)?;
        }
        for c in &fraud_day.clues {
            clues.line(&c.json)?;
        }
        summary.cases += fraud_day.cases.len() as u64;
        summary.clues += fraud_day.clues.len() as u64;
        for t in &fraud_day.truth {
            truth.line(t)?;
        }
        summary.truth += fraud_day.truth.len() as u64;
    }
    cases.finish()?;
    clues.finish()?;
    truth.finish()?;
    summary.victims = engine.victims;
    summary.targets = engine.targets;

    let mut counts = serde_json::Map::new();
    for (k, kind) in KINDS.iter().enumerate() {
        counts.insert((*kind).to_owned(), Value::from(summary.records[k]));
    }
    let scenario = json!({
        "format_version": FORMAT_VERSION,
        "generator": "fraudwall-sim",
        "seed": params.seed,
        "start": params.start.to_string(),
        "timezone": "+08:00",
        "parameters": {
            "subscribers": params.subscribers, "days": params.days, "gangs": params.gang_count(),
            "victims_per_100k_per_day": params.victims_per_100k,
            "contact_rate": fraud::CONTACT_RATE, "p_pay": fraud::P_PAY, "p_report": fraud::P_REPORT,
        },
        "files": {
            "territories": "territories.csv", "subscribers": "subscribers.csv", "sims": "sims.csv",
            "accounts": "accounts.csv", "lists": "lists/manifest.json", "records": day_files,
            "cases": "cases.ndjson", "clues": "clues.ndjson", "truth": "truth.ndjson",
        },
        "counts": {
            "records": counts, "records_total": summary.total_records(), "cases": summary.cases,
            "clues": summary.clues, "victims": summary.victims, "targets_not_deceived": summary.targets,
            "gangs": world.gangs.len(), "truth_lines": summary.truth,
        },
    });
    let mut bytes = serde_json::to_vec_pretty(&scenario).expect("json");
    bytes.push(b'\n');
    files.write_all("scenario.json", &bytes)?;
    summary.files = files.names;
    Ok(summary)
}

fn make_hour(world: &World, day: u32, hour: usize, fraud: Vec<Timed>) -> (Vec<u8>, [u64; 5]) {
    let mut records = Vec::new();
    ordinary::hour(world, day, hour, &mut records);
    records.extend(fraud);
    let order = by_second(
        &records,
        i64::from(day) * DAY + hour as i64 * calendar::HOUR,
    );
    let stamp = world.clock.stamp(i64::from(day));
    let mut counts = [0u64; 5];
    let mut bytes = Vec::with_capacity(records.len() * 170);
    for i in order {
        let r = &records[i as usize];
        counts[r.rec.kind_index()] += 1;
        write_line(&mut bytes, &stamp, r);
    }
    (bytes, counts)
}

/// The records' indices in time order, ties in index order: a counting sort over the hour's
/// seconds (every record of an hour lies inside it).
fn by_second(records: &[Timed], start: Time) -> Vec<u32> {
    let second = |r: &Timed| {
        debug_assert!(
            (0..calendar::HOUR).contains(&(r.t - start)),
            "a record outside its hour"
        );
        (r.t - start).clamp(0, calendar::HOUR - 1) as usize
    };
    let mut offsets = vec![0u32; calendar::HOUR as usize + 1];
    for r in records {
        offsets[second(r) + 1] += 1;
    }
    for i in 1..offsets.len() {
        offsets[i] += offsets[i - 1];
    }
    let mut order = vec![0u32; records.len()];
    for (i, r) in records.iter().enumerate() {
        let slot = &mut offsets[second(r)];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
    order
}

/// One row of `subscribers.csv` and `sims.csv`.
struct PersonRow<'a> {
    phone: ids::Num,
    grid: u32,
    birth_year: u16,
    occupation: population::Occupation,
    operator: &'a str,
    activated: i32,
    /// The handset or SIM box the card was first activated in, as the operator saw it.
    device: u64,
}

fn write_people(world: &World, files: &mut Files<'_>) -> Result<(), SimError> {
    let start = world.params.start;
    // the gangs' cards are registered to real people too (who sold their identity or card);
    // every file is in number order, so a row's place says nothing about who holds it
    let mut rows: Vec<PersonRow<'_>> = world
        .population
        .subscribers
        .iter()
        .zip(&world.population.operators)
        .map(|(s, operator)| PersonRow {
            phone: s.phone,
            grid: s.grid,
            birth_year: s.birth_year,
            occupation: s.occupation,
            operator,
            activated: s.activated,
            device: ids::own_device(s.phone),
        })
        .collect();
    for g in &world.gangs {
        for sim in &g.sims {
            if let Some(reg) = &sim.registration {
                rows.push(PersonRow {
                    phone: sim.number,
                    grid: reg.grid,
                    birth_year: reg.birth_year,
                    occupation: reg.occupation,
                    operator: sim.operator,
                    activated: sim.activated,
                    device: ids::dealer_device(sim.dealer, sim.number),
                });
            }
        }
    }
    rows.sort_unstable_by_key(|r| r.phone);
    let mut subscribers = files.create("subscribers.csv")?;
    let mut sims = files.create("sims.csv")?;
    subscribers.write(b"phone,territory,birth_year,occupation\n")?;
    sims.write(b"phone,operator,activated_on,device\n")?;
    let mut buf = Vec::with_capacity(1 << 16);
    let mut sim_buf = Vec::with_capacity(1 << 16);
    let grids = &world.territories.grids;
    for r in &rows {
        ids::write_num(&mut buf, r.phone);
        buf.push(b',');
        buf.extend_from_slice(grids[r.grid as usize].code.as_bytes());
        buf.push(b',');
        ids::write_u64(&mut buf, u64::from(r.birth_year));
        buf.push(b',');
        buf.extend_from_slice(r.occupation.code().as_bytes());
        buf.push(b'\n');
        ids::write_num(&mut sim_buf, r.phone);
        sim_buf.push(b',');
        sim_buf.extend_from_slice(r.operator.as_bytes());
        sim_buf.push(b',');
        sim_buf.extend_from_slice(
            start
                .add_days(i64::from(r.activated))
                .to_string()
                .as_bytes(),
        );
        sim_buf.push(b',');
        ids::write_u64(&mut sim_buf, r.device);
        sim_buf.push(b'\n');
        if buf.len() > 60_000 {
            subscribers.write(&buf)?;
            sims.write(&sim_buf)?;
            buf.clear();
            sim_buf.clear();
        }
    }
    subscribers.write(&buf)?;
    sims.write(&sim_buf)?;
    subscribers.finish()?;
    sims.finish()?;

    let mut accounts = files.create("accounts.csv")?;
    let mut buf = Vec::with_capacity(1 << 16);
    buf.extend_from_slice(b"account,holder_phone,bank,opened_on,type\n");
    let mut rows: Vec<&AccountRow> = world
        .population
        .accounts
        .iter()
        .chain(&world.mule_accounts)
        .collect();
    rows.sort_unstable_by_key(|r| r.account);
    for row in rows {
        ids::write_u64(&mut buf, row.account);
        buf.push(b',');
        ids::write_num(&mut buf, row.holder);
        buf.push(b',');
        buf.extend_from_slice(ids::BANKS[row.bank].0.as_bytes());
        buf.push(b',');
        buf.extend_from_slice(start.add_days(i64::from(row.opened)).to_string().as_bytes());
        buf.push(b',');
        buf.extend_from_slice(row.kind.as_bytes());
        buf.push(b'\n');
        if buf.len() > 60_000 {
            accounts.write(&buf)?;
            buf.clear();
        }
    }
    accounts.write(&buf)?;
    accounts.finish()
}

/// What the operator knew at the start.
#[derive(Debug, Default)]
struct Listed {
    numbers: std::collections::HashSet<u64>,
    domains: std::collections::HashSet<String>,
    accounts: std::collections::HashSet<u64>,
    apps: std::collections::HashSet<String>,
}

fn write_lists(
    world: &World,
    files: &mut Files<'_>,
    truth: &mut Named,
) -> Result<Listed, SimError> {
    let mut rng = Rng::derive(world.params.seed, stream::LISTS, 0, 0);
    let mut listed = Listed::default();
    let mut numbers =
        String::from("# numbers of fraud calls and messages known before the scenario starts\n");
    let mut domains = String::from("# fraud sites known before the scenario starts\n");
    let mut accounts = String::from("value,fraud_type,note\n");
    let mut apps = String::from("# fraud apps known before the scenario starts\n");
    for g in &world.gangs {
        for sim in &g.sims {
            // numbers cut before the start are mostly known; numbers in use are partly known;
            // numbers not yet in use are not known at all
            let p = if sim.to <= 0 {
                0.7
            } else if sim.from < -2 * DAY {
                0.25
            } else {
                0.0
            };
            if rng.chance(p) {
                listed.numbers.insert(sim.number);
                numbers.push_str(&num_string(sim.number));
                numbers.push('\n');
            }
        }
        for site in &g.sites {
            let p = if site.to <= 0 {
                0.8
            } else if site.from < -2 * DAY {
                0.3
            } else {
                0.0
            };
            if rng.chance(p) {
                listed.domains.insert(site.domain.clone());
                domains.push_str("0.0.0.0 ");
                domains.push_str(&site.domain);
                domains.push('\n');
            }
        }
        for &account in &g.layers[0] {
            if rng.chance(0.1) {
                listed.accounts.insert(account);
                accounts.push_str(&format!(
                    "{account},{},reported in an earlier case\n",
                    g.fraud_type.code()
                ));
            }
        }
        for (package, _) in &g.apps {
            if rng.chance(0.3) {
                listed.apps.insert(package.clone());
                apps.push_str(package);
                apps.push('\n');
            }
        }
    }
    // lists hold mistakes too: a few innocent numbers were listed on bad evidence
    let subs = &world.population.subscribers;
    let mistakes = (listed.numbers.len() / 100).max(1);
    for _ in 0..mistakes {
        let s = &subs[rng.below(subs.len() as u64) as usize];
        if listed.numbers.insert(s.phone) {
            numbers.push_str(&num_string(s.phone));
            numbers.push('\n');
            truth.line(
                &json!({"type": "listed_innocent", "kind": "number", "value": num_string(s.phone)}),
            )?;
        }
    }
    files.write_all("lists/black-number.txt", numbers.as_bytes())?;
    files.write_all("lists/black-domain.hosts", domains.as_bytes())?;
    files.write_all("lists/black-account.csv", accounts.as_bytes())?;
    files.write_all("lists/black-app.txt", apps.as_bytes())?;
    let manifest = json!({"lists": [
        {"file": "black-number.txt", "list": "black", "kind": "number", "format": "plain", "source": "operator"},
        {"file": "black-domain.hosts", "list": "black", "kind": "domain", "format": "hosts", "source": "operator"},
        {"file": "black-account.csv", "list": "black", "kind": "account", "format": "csv", "source": "case"},
        {"file": "black-app.txt", "list": "black", "kind": "app", "format": "plain", "source": "operator"},
    ]});
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("json");
    bytes.push(b'\n');
    files.write_all("lists/manifest.json", &bytes)?;
    Ok(listed)
}

fn write_static_truth(world: &World, truth: &mut Named, listed: &Listed) -> Result<u64, SimError> {
    let clock = &world.clock;
    let mut lines = 0u64;
    for d in &world.dealers {
        let gangs: Vec<String> = world
            .gangs
            .iter()
            .filter(|g| g.dealer == d.id)
            .map(Gang::name)
            .collect();
        let sims: usize = world
            .gangs
            .iter()
            .filter(|g| g.dealer == d.id)
            .map(|g| g.sims.iter().filter(|s| s.registration.is_some()).count())
            .sum();
        let devices: Vec<String> = (0..ids::DEALER_DEVICES)
            .map(|i| ids::dealer_device_at(d.id, i).to_string())
            .collect();
        truth.line(
            &json!({"type": "dealer", "id": d.name, "gangs": gangs, "sims_sold": sims,
            "devices": devices}),
        )?;
        lines += 1;
    }
    for g in &world.gangs {
        let code = g.fraud_type.code();
        let sims: Vec<Value> = g
            .sims
            .iter()
            .map(|s| json!({"number": num_string(s.number), "batch": (s.batch != u32::MAX).then_some(s.batch),
                "activated_on": clock.start().add_days(i64::from(s.activated)).to_string(),
                "from": clock.format(s.from), "to": clock.format(s.to)}))
            .collect();
        let layers: Vec<Vec<String>> = g
            .layers
            .iter()
            .map(|l| l.iter().map(u64::to_string).collect())
            .collect();
        truth.line(&json!({"type": "gang", "id": g.name(), "fraud_type": code, "careful": g.careful,
            "members": g.members, "dealer": world.dealers[g.dealer as usize].name, "sims": sims,
            "domains": g.sites.iter().map(|s| s.domain.clone()).collect::<Vec<_>>(),
            "apps": g.apps.iter().map(|a| a.0.clone()).collect::<Vec<_>>(),
            "gateway": g.gateway.map(num_string),
            "mule_accounts": layers, "cashout_accounts": g.cashout.iter().map(u64::to_string).collect::<Vec<_>>(),
            "typology": g.typology.code(), "hold_minutes_median": g.hold_minutes.round()}))?;
        lines += 1;
        for s in &g.sims {
            truth.line(&json!({"type": "number", "value": num_string(s.number), "gang": g.name(), "fraud_type": code,
                "from": clock.format(s.from), "to": clock.format(s.to), "listed_at_start": listed.numbers.contains(&s.number)}))?;
            lines += 1;
        }
        if let Some(gw) = g.gateway {
            truth.line(&json!({"type": "number", "value": num_string(gw), "gang": g.name(), "fraud_type": code,
                "from": clock.format(0), "to": clock.format(world.end()), "listed_at_start": false, "shared_gateway": true}))?;
            lines += 1;
        }
        for s in &g.sites {
            truth.line(&json!({"type": "domain", "value": s.domain, "gang": g.name(), "fraud_type": code,
                "from": clock.format(s.from), "to": clock.format(s.to), "listed_at_start": listed.domains.contains(&s.domain)}))?;
            lines += 1;
        }
        for (package, name) in &g.apps {
            truth.line(&json!({"type": "app", "value": package, "name": name, "gang": g.name(), "fraud_type": code,
                "listed_at_start": listed.apps.contains(package)}))?;
            lines += 1;
        }
        for (layer, accounts) in g.layers.iter().enumerate() {
            for a in accounts {
                truth.line(&json!({"type": "account", "value": a.to_string(), "gang": g.name(), "fraud_type": code,
                    "layer": layer + 1, "listed_at_start": listed.accounts.contains(a)}))?;
                lines += 1;
            }
        }
        for a in &g.cashout {
            truth.line(&json!({"type": "account", "value": a.to_string(), "gang": g.name(), "fraud_type": code,
                "layer": "cashout", "listed_at_start": false}))?;
            lines += 1;
        }
    }
    Ok(lines)
}

/// An [`Output`] in memory, for tests and for callers that want the bytes.
type Shared<T> = std::rc::Rc<std::cell::RefCell<T>>;

#[derive(Debug, Default, Clone)]
pub struct MemoryOutput {
    files: Shared<Vec<(String, Shared<Vec<u8>>)>>,
}

impl MemoryOutput {
    /// The files written, in the order they were created.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        self.files
            .borrow()
            .iter()
            .map(|(name, bytes)| (name.clone(), bytes.borrow().clone()))
            .collect()
    }

    pub fn get(&self, name: &str) -> Option<Vec<u8>> {
        self.files
            .borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.borrow().clone())
    }
}

struct MemoryFile(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

impl Write for MemoryFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Output for MemoryOutput {
    fn create(&mut self, path: &str) -> io::Result<Box<dyn Write>> {
        let bytes = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        self.files
            .borrow_mut()
            .push((path.to_owned(), bytes.clone()));
        Ok(Box::new(MemoryFile(bytes)))
    }
}
