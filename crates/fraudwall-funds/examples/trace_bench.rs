//! Money tracing's figures: a victim's payment followed 6 hops through a large store of transfer
//! records, with the transfers and the payments written out for DuckDB to trace the same.
//!
//! ```text
//! cargo run --release -p fraudwall-funds --example trace_bench -- build --dir DIR \
//!     [--transfers 100000000] [--chains 300] [--ordinary 100]
//! cargo run --release -p fraudwall-funds --example trace_bench -- trace --dir DIR \
//!     [--poison 3] [--poison-ordinary 1]
//! ```
//! `build` generates the transfers, stores them in a `SegmentIndex` under `DIR/index` (appended
//! in batches of 2^20, flushed, compacted) and leaves `DIR/transfers.bin` (rows of a, b, time,
//! value, id as little-endian 64-bit integers, id being the record's fingerprint, which orders
//! transfers of the same second in a trace) and `DIR/payments.txt` (the payments to trace).
//!
//! `trace` opens the index, traces every payment twice under the default rule (the first pass
//! finds the segments as the page cache left them, the second warm), then the first `--poison`
//! victims' payments and `--poison-ordinary` ordinary ones under the poison rule, which follows
//! everything paid on and can reach a large part of the accounts. It writes `DIR/reach.txt`, the
//! accounts each trace reached, for `bench/funds/trace_duckdb.py` to check DuckDB's answers
//! against. Building and tracing are separate processes so that the driver can drop the segments
//! from the page cache between them.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use fraudwall_funds::{IndexLedger, Payment, Rule, Trace, TraceParams, trace};
use fraudwall_records::{ContactIndex, Direction, IndexError, IndexStats, Kind, Record};
use fraudwall_store_records::{Options, SegmentIndex};

/// The allocator the fraudwall binary runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 2026-03-01T00:00:00+08:00: the transfers spread over the 30 days from here.
const START: i64 = 1_772_294_400;
const DAYS: i64 = 30;
const END: i64 = START + DAYS * 86_400;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const BATCH: usize = 1 << 20;
const DEPTH: u8 = 6;
/// Chains of one gang share their fan-in mule and their cash-out account, so a trace through
/// them meets the other victims' money too.
const GANG: usize = 5;

/// A small, fast, deterministic generator (splitmix64): the same seed gives the same transfers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Seconds in `0..n`.
    fn secs(&mut self, n: i64) -> i64 {
        self.below(n as u64) as i64
    }

    /// Cents between `lo` and `hi` yuan, evenly spread in logarithm: small payments are common,
    /// large ones rare.
    fn yuan(&mut self, lo: f64, hi: f64) -> u64 {
        let yuan = lo * (hi / lo).powf(self.unit());
        (yuan * 100.0) as u64 + self.below(100)
    }
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn transfer(a: u64, b: u64, value: u64, time: i64) -> Record {
    Record {
        a,
        time,
        b,
        kind: Kind::Transfer,
        value,
    }
}

/// The accounts of a province's banks: people and businesses. Keys look like the 19-digit card
/// numbers they stand for, with a prefix per kind so that the kinds never collide.
struct World {
    persons: Vec<u64>,
    /// The first `active` persons make three in five of the people's transfers; the rest, most
    /// accounts, a few a month.
    active: usize,
    merchants: Vec<u64>,
}

/// Which kind of background transfer a record is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Salary,
    Purchase,
    BetweenPeople,
    Business,
}

impl World {
    /// Sized to the number of transfers, so that a person's activity is the same at every
    /// scale: one person in 20 transfers, a business per 100 people.
    fn new(transfers: usize, seed: u64) -> World {
        let mut rng = Rng(seed);
        let persons = (transfers / 20).max(1_000);
        let mut keys = |prefix: u64, n: usize| -> Vec<u64> {
            (0..n)
                .map(|_| prefix * 1_000_000_000_000_000 + rng.below(1_000_000_000_000_000))
                .collect()
        };
        World {
            persons: keys(6_222, persons),
            active: persons / 10,
            merchants: keys(6_228, persons / 100),
        }
    }

    fn person(&self, rng: &mut Rng) -> usize {
        rng.below(self.persons.len() as u64) as usize
    }

    /// A payer among the people: mostly the active ones.
    fn payer(&self, rng: &mut Rng) -> usize {
        if rng.below(10) < 6 {
            rng.below(self.active as u64) as usize
        } else {
            self.active + rng.below((self.persons.len() - self.active) as u64) as usize
        }
    }

    /// A shop, the large ones far more often: a chain store takes hundreds of payments a day.
    fn merchant(&self, rng: &mut Rng) -> u64 {
        let u = rng.unit();
        self.merchants[((u * u) * self.merchants.len() as f64) as usize]
    }

    /// Whom person `p` pays: one of the eight people they know.
    fn contact(&self, p: usize, rng: &mut Rng) -> u64 {
        let n = self.persons.len() as u64;
        let mut q = mix(p as u64 * 8 + rng.below(8) + 1) % n;
        if q == p as u64 {
            q = (q + 1) % n;
        }
        self.persons[q as usize]
    }

    /// A moment of the 30 days, mostly in waking hours.
    fn moment(rng: &mut Rng) -> i64 {
        let day = START + rng.secs(DAYS) * DAY;
        if rng.below(10) < 9 {
            day + 7 * HOUR + rng.secs(16 * HOUR)
        } else {
            day + rng.secs(DAY)
        }
    }

    /// One ordinary transfer: salaries, purchases, people paying people, businesses paying
    /// suppliers and refunds. Money goes round: what people spend comes back as salaries, so
    /// that some accounts pass money on within days and others save it.
    fn background(&self, rng: &mut Rng) -> (Record, Flow) {
        match rng.below(100) {
            0..10 => {
                let p = self.person(rng);
                let employer =
                    self.merchants[(mix(p as u64) % self.merchants.len() as u64) as usize];
                let payday = START + if rng.below(2) == 0 { 0 } else { 15 * DAY };
                let at = payday + 9 * HOUR + rng.secs(3 * HOUR);
                let salary = rng.yuan(1_500.0, 12_000.0);
                (
                    transfer(employer, self.persons[p], salary, at),
                    Flow::Salary,
                )
            }
            10..65 => {
                let p = self.payer(rng);
                let shop = self.merchant(rng);
                let amount = rng.yuan(5.0, 5_000.0);
                (
                    transfer(self.persons[p], shop, amount, World::moment(rng)),
                    Flow::Purchase,
                )
            }
            65..90 => {
                let p = self.payer(rng);
                let to = self.contact(p, rng);
                let amount = rng.yuan(20.0, 5_000.0);
                (
                    transfer(self.persons[p], to, amount, World::moment(rng)),
                    Flow::BetweenPeople,
                )
            }
            _ => {
                let shop = self.merchant(rng);
                let record = if rng.below(2) == 0 {
                    let supplier = self.merchant(rng);
                    transfer(
                        shop,
                        supplier,
                        rng.yuan(500.0, 80_000.0),
                        World::moment(rng),
                    )
                } else {
                    let customer = self.persons[self.person(rng)];
                    transfer(shop, customer, rng.yuan(20.0, 3_000.0), World::moment(rng))
                };
                if record.a == record.b {
                    return self.background(rng);
                }
                (record, Flow::Business)
            }
        }
    }
}

/// A payment to trace: a victim's into the first mule, or an ordinary one between people.
struct Seed {
    kind: &'static str,
    record: Record,
}

/// The fraud: per chain a victim pays a mule, which passes the money within minutes to two or
/// three others; they pass it within hours to their gang's fan-in mule, which pays the gang's
/// cash-out account (an over-the-counter dealer), which pays people. Every mule also has
/// unrelated transfers in before the victim's payment and out before and after it, so only the
/// time rule tells the victim's money from the rest.
fn fraud(world: &World, chains: usize, rng: &mut Rng) -> (Vec<Record>, Vec<Seed>) {
    let mut records = Vec::new();
    let mut seeds = Vec::new();
    let mut mule_keys = 0u64;
    let mut mule = || {
        mule_keys += 1;
        6_217 * 1_000_000_000_000_000 + mix(mule_keys) % 1_000_000_000_000_000
    };
    let random_person = |rng: &mut Rng| world.persons[world.person(rng)];
    // unrelated money in before `before`, some of it out again before then
    let history = |account: u64, before: i64, records: &mut Vec<Record>, rng: &mut Rng| {
        let mut first = before;
        for _ in 0..1 + rng.below(3) {
            let at = before - HOUR - rng.secs(8 * DAY);
            first = first.min(at);
            let amount = rng.yuan(100.0, 3_000.0);
            records.push(transfer(random_person(rng), account, amount, at));
        }
        for _ in 0..rng.below(3) {
            let at = first + rng.secs(before - first);
            let amount = rng.yuan(50.0, 1_000.0);
            records.push(transfer(account, random_person(rng), amount, at));
        }
    };
    for gang in 0..chains.div_ceil(GANG) {
        let fan_in = mule();
        let dealer = mule();
        // the dealer's own trade, all month
        for _ in 0..20 {
            let at = World::moment(rng);
            let amount = rng.yuan(1_000.0, 50_000.0);
            records.push(transfer(random_person(rng), dealer, amount, at));
            let at = World::moment(rng);
            let amount = rng.yuan(1_000.0, 50_000.0);
            records.push(transfer(dealer, random_person(rng), amount, at));
        }
        for _ in 0..GANG.min(chains - gang * GANG) {
            let victim = random_person(rng);
            let first = mule();
            let at = START + 10 * DAY + rng.secs(18 * DAY);
            let stolen = rng.yuan(20_000.0, 500_000.0);
            let payment = transfer(victim, first, stolen, at);
            records.push(payment);
            seeds.push(Seed {
                kind: "victim",
                record: payment,
            });
            history(first, at, &mut records, rng);
            // the first mule keeps being used afterwards
            for _ in 0..rng.below(3) {
                let later = at + DAY + rng.secs(5 * DAY);
                if later < END {
                    let amount = rng.yuan(50.0, 2_000.0);
                    records.push(transfer(first, random_person(rng), amount, later));
                }
            }
            let fan_out = 2 + rng.below(2);
            let mut left = stolen - stolen / 100 * rng.below(3);
            let mut pooled_at = at;
            let mut pooled = 0;
            for i in 0..fan_out {
                let share = if i + 1 == fan_out {
                    left
                } else {
                    left / (fan_out - i) + rng.below(left / (fan_out - i) / 5 + 1)
                };
                left -= share;
                let second = mule();
                let passed = at + 60 + rng.secs(1_800);
                history(second, passed, &mut records, rng);
                records.push(transfer(first, second, share, passed));
                let pooled_share = share - share / 100;
                let pool_at = passed + 300 + rng.secs(3 * HOUR);
                records.push(transfer(second, fan_in, pooled_share, pool_at));
                pooled += pooled_share;
                pooled_at = pooled_at.max(pool_at);
            }
            // cashed out in one to three pieces, then paid to the dealer's customers
            let pieces = 1 + rng.below(3);
            let mut cash_at = pooled_at + 600 + rng.secs(6 * HOUR);
            let mut cashed = 0;
            for i in 0..pieces {
                let piece = if i + 1 == pieces {
                    pooled - pooled / 50 - cashed
                } else {
                    (pooled - pooled / 50) / pieces
                };
                cashed += piece;
                records.push(transfer(fan_in, dealer, piece, cash_at));
                cash_at += 60 + rng.secs(900);
            }
            let payouts = 3 + rng.below(4);
            for _ in 0..payouts {
                let at = cash_at + 1_800 + rng.secs(DAY);
                records.push(transfer(dealer, random_person(rng), cashed / payouts, at));
            }
        }
    }
    records.retain(|r| r.time >= START && r.time < END && r.a != r.b);
    (records, seeds)
}

fn segment_bytes(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "fwr"))
        .map(|p| fs::metadata(p).unwrap().len())
        .sum()
}

fn options() -> Options {
    Options {
        memtable_records: 4_000_000,
        ..Options::default()
    }
}

fn build(dir: &Path, count: usize, chains: usize, ordinary: usize) {
    let index_dir = dir.join("index");
    let _ = fs::remove_dir_all(&index_dir);
    let index = SegmentIndex::open(&index_dir, options()).unwrap();
    let mut export =
        BufWriter::with_capacity(1 << 20, File::create(dir.join("transfers.bin")).unwrap());
    let world = World::new(count, 3);
    let mut rng = Rng(11);
    let (fraud_records, mut seeds) = fraud(&world, chains, &mut rng);
    let fraud_count = fraud_records.len();
    let batches = count.div_ceil(BATCH);
    let ordinary_per_batch = ordinary.div_ceil(batches);
    let mut ordinary_seeds = Vec::new();
    let started = Instant::now();
    let mut append_time = Duration::ZERO;
    let mut generated = 0;
    let mut busiest = 0u64;
    let mut batch = Vec::with_capacity(BATCH);
    let mut pending = fraud_records.into_iter();
    while generated < count {
        batch.clear();
        let n = BATCH.min(count - generated);
        // the fraud goes in with the first batch: the index keeps no order of arrival
        batch.extend(pending.by_ref().take(n));
        let mut sampled = 0;
        while batch.len() < n {
            let (record, flow) = world.background(&mut rng);
            if flow == Flow::BetweenPeople
                && sampled < ordinary_per_batch
                && ordinary_seeds.len() < ordinary
            {
                ordinary_seeds.push(Seed {
                    kind: "ordinary",
                    record,
                });
                sampled += 1;
            }
            batch.push(record);
        }
        for r in &batch {
            busiest += u64::from(r.a == world.merchants[0] || r.b == world.merchants[0]);
            for v in [r.a, r.b, r.time as u64, r.value, r.fingerprint()] {
                export.write_all(&v.to_le_bytes()).unwrap();
            }
        }
        let t = Instant::now();
        index.append(&batch).unwrap();
        append_time += t.elapsed();
        generated += n;
    }
    let t = Instant::now();
    index.flush().unwrap();
    append_time += t.elapsed();
    export.into_inner().unwrap().sync_all().unwrap();
    let built = started.elapsed();
    let segments_before = index.segment_count();
    let compact_started = Instant::now();
    let report = index.compact(END).unwrap();
    let compacted = compact_started.elapsed();
    let stats = index.stats();
    let segments = segment_bytes(&index_dir);
    println!(
        "build: {} persons ({} active), {} businesses (the busiest in {busiest} transfers); \
         {chains} fraud chains in {fraud_count} transfers",
        world.persons.len(),
        world.active,
        world.merchants.len(),
    );
    println!(
        "build: {generated} transfers generated, appended and flushed in {:.1} s (append and \
         flush {:.1} s, the rest generation and the export for DuckDB), {segments_before} \
         segments; compaction {:.1} s -> {} segments ({report:?})",
        built.as_secs_f64(),
        append_time.as_secs_f64(),
        compacted.as_secs_f64(),
        index.segment_count(),
    );
    println!(
        "build: {} records stored, {segments} segment bytes = {:.1} bytes/transfer; \
         transfers.bin {} bytes",
        stats.records,
        segments as f64 / stats.records as f64,
        fs::metadata(dir.join("transfers.bin")).unwrap().len(),
    );
    seeds.extend(ordinary_seeds);
    let mut out = BufWriter::new(File::create(dir.join("payments.txt")).unwrap());
    for seed in &seeds {
        let r = seed.record;
        writeln!(
            out,
            "{} {} {} {} {} {}",
            seed.kind,
            r.a,
            r.b,
            r.value,
            r.time,
            r.fingerprint()
        )
        .unwrap();
    }
    out.into_inner().unwrap().sync_all().unwrap();
}

/// The index with a count of what the traces asked of it: where a trace's time goes.
struct Counted {
    index: SegmentIndex,
    calls: AtomicU64,
    records: AtomicU64,
    nanos: AtomicU64,
}

impl Counted {
    /// Calls, records returned and time spent since the last look.
    fn take(&self) -> (u64, u64, Duration) {
        (
            self.calls.swap(0, Ordering::Relaxed),
            self.records.swap(0, Ordering::Relaxed),
            Duration::from_nanos(self.nanos.swap(0, Ordering::Relaxed)),
        )
    }
}

impl ContactIndex for Counted {
    fn append(&self, records: &[Record]) -> Result<(), IndexError> {
        self.index.append(records)
    }

    fn contacts(
        &self,
        key: u64,
        direction: Direction,
        from: i64,
        until: i64,
    ) -> Result<Vec<Record>, IndexError> {
        let t = Instant::now();
        let found = self.index.contacts(key, direction, from, until);
        self.nanos
            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        self.calls.fetch_add(1, Ordering::Relaxed);
        if let Ok(records) = &found {
            self.records
                .fetch_add(records.len() as u64, Ordering::Relaxed);
        }
        found
    }

    fn stats(&self) -> IndexStats {
        self.index.stats()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn summary(label: &str, latencies: &mut [Duration]) {
    if latencies.is_empty() {
        return;
    }
    latencies.sort();
    println!(
        "{label}: {} traces, p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        percentile(latencies, 0.5),
        percentile(latencies, 0.95),
        percentile(latencies, 0.99),
        percentile(latencies, 1.0),
    );
}

/// The accounts the victim's money reached: every hop's receiving account.
fn reached(trace: &Trace) -> BTreeSet<u64> {
    trace.hops.iter().map(|h| h.to).collect()
}

fn run_trace(index: &Counted, seed: &Seed, rule: Rule) -> (Trace, Duration) {
    let payment = Payment {
        to: seed.record.b,
        amount: seed.record.value as i64,
        at: seed.record.time,
    };
    let params = TraceParams {
        rule,
        max_depth: DEPTH,
        until: END,
    };
    let t = Instant::now();
    let ledger = IndexLedger::new(index);
    let found = trace(&ledger, &[payment], params);
    ledger.finish().unwrap();
    (found, t.elapsed())
}

fn write_reach(out: &mut impl Write, rule: &str, n: usize, accounts: &BTreeSet<u64>) {
    write!(out, "{rule} {n}").unwrap();
    for account in accounts {
        write!(out, " {account}").unwrap();
    }
    writeln!(out).unwrap();
}

fn trace_all(dir: &Path, poison: [usize; 2]) {
    let opened = Instant::now();
    let index = SegmentIndex::open(dir.join("index"), options()).unwrap();
    println!(
        "trace: index opened in {:.1} ms: {} records in {} segments",
        opened.elapsed().as_secs_f64() * 1e3,
        index.stats().records,
        index.segment_count()
    );
    let index = Counted {
        index,
        calls: AtomicU64::new(0),
        records: AtomicU64::new(0),
        nanos: AtomicU64::new(0),
    };
    let seeds: Vec<Seed> = BufReader::new(File::open(dir.join("payments.txt")).unwrap())
        .lines()
        .map(|line| {
            let line = line.unwrap();
            let f: Vec<&str> = line.split(' ').collect();
            let kind = if f[0] == "victim" {
                "victim"
            } else {
                "ordinary"
            };
            Seed {
                kind,
                record: transfer(
                    f[1].parse().unwrap(),
                    f[2].parse().unwrap(),
                    f[3].parse().unwrap(),
                    f[4].parse().unwrap(),
                ),
            }
        })
        .collect();
    let mut out = BufWriter::new(File::create(dir.join("reach.txt")).unwrap());
    for pass in ["first", "second"] {
        let mut latencies: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
        let (mut hops, mut accounts, mut held, mut unmatched) = ([0; 2], [0; 2], [0; 2], 0);
        let mut recovered = [0i64; 2];
        let mut stolen = [0i64; 2];
        let (mut calls, mut read, mut in_index) = ([0; 2], [0; 2], [Duration::ZERO; 2]);
        // the slowest trace: its time, the accounts it reached and the records it read
        let mut slowest = (Duration::ZERO, 0, 0);
        for (n, seed) in seeds.iter().enumerate() {
            let (found, took) = run_trace(&index, seed, Rule::Fifo);
            let k = usize::from(seed.kind == "ordinary");
            latencies[k].push(took);
            let reach = reached(&found);
            let (c, r, d) = index.take();
            calls[k] += c;
            read[k] += r;
            in_index[k] += d;
            if took > slowest.0 {
                slowest = (took, reach.len(), r);
            }
            hops[k] += found.hops.len();
            accounts[k] += reach.len();
            held[k] += found.held.len();
            recovered[k] += found.held.iter().map(|h| h.amount).sum::<i64>();
            stolen[k] += seed.record.value as i64;
            if found.hops.first().and_then(|h| h.transfer) != Some(seed.record.fingerprint()) {
                unmatched += 1;
            }
            if pass == "first" {
                write_reach(&mut out, "fifo", n, &reach);
            }
        }
        for (k, kind) in ["victim", "ordinary"].into_iter().enumerate() {
            let traces = latencies[k].len().max(1);
            summary(
                &format!("trace fifo ({pass} pass) {kind}"),
                &mut latencies[k],
            );
            println!(
                "trace fifo ({pass} pass) {kind}: per trace {:.1} hops, {:.1} accounts reached, \
                 {:.1} accounts still holding {:.1}% of the payment",
                hops[k] as f64 / traces as f64,
                accounts[k] as f64 / traces as f64,
                held[k] as f64 / traces as f64,
                100.0 * recovered[k] as f64 / stolen[k].max(1) as f64,
            );
            let total: Duration = latencies[k].iter().sum();
            println!(
                "trace fifo ({pass} pass) {kind}: per trace {:.1} index queries returning {:.0} \
                 records; {:.0}% of the time in the index",
                calls[k] as f64 / traces as f64,
                read[k] as f64 / traces as f64,
                100.0 * in_index[k].as_secs_f64() / total.as_secs_f64().max(1e-9),
            );
        }
        let mut all: Vec<Duration> = latencies.concat();
        summary(&format!("trace fifo ({pass} pass) all"), &mut all);
        println!("trace fifo ({pass} pass): {unmatched} payments not matched to their record");
        println!(
            "trace fifo ({pass} pass): the slowest, {:.2} ms, reached {} accounts and read {} \
             records",
            slowest.0.as_secs_f64() * 1e3,
            slowest.1,
            slowest.2
        );
    }
    // the poison rule reaches what the time rule alone reaches: DuckDB's answer exactly
    let mut picked = [0; 2];
    let mut latencies: [Vec<Duration>; 2] = [Vec::new(), Vec::new()];
    let mut sizes = [0; 2];
    for (n, seed) in seeds.iter().enumerate() {
        let k = usize::from(seed.kind == "ordinary");
        if picked[k] >= poison[k] {
            continue;
        }
        picked[k] += 1;
        let (found, took) = run_trace(&index, seed, Rule::Poison);
        let reach = reached(&found);
        index.take();
        latencies[k].push(took);
        sizes[k] += reach.len();
        write_reach(&mut out, "poison", n, &reach);
    }
    for (k, kind) in ["victim", "ordinary"].into_iter().enumerate() {
        summary(&format!("trace poison {kind}"), &mut latencies[k]);
        if picked[k] > 0 {
            println!(
                "trace poison {kind}: {:.1} accounts reached per trace",
                sizes[k] as f64 / picked[k] as f64
            );
        }
    }
    out.into_inner().unwrap().sync_all().unwrap();
}

fn main() {
    let mut args = std::env::args().skip(1);
    let command = args.next().expect("build or trace");
    let mut dir = None;
    let mut transfers = 100_000_000;
    let mut chains = 300;
    let mut ordinary = 100;
    let mut poison = [3, 1];
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match arg.as_str() {
            "--dir" => dir = Some(PathBuf::from(value())),
            "--transfers" => transfers = value().parse().expect("a count"),
            "--chains" => chains = value().parse().expect("a count"),
            "--ordinary" => ordinary = value().parse().expect("a count"),
            "--poison" => poison[0] = value().parse().expect("a count"),
            "--poison-ordinary" => poison[1] = value().parse().expect("a count"),
            other => panic!("unknown argument {other}"),
        }
    }
    let dir = dir.expect("--dir DIR: where to write the files");
    fs::create_dir_all(&dir).unwrap();
    match command.as_str() {
        "build" => build(&dir, transfers, chains, ordinary),
        "trace" => trace_all(&dir, poison),
        other => panic!("unknown command {other}: build or trace"),
    }
}
