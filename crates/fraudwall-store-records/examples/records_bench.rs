//! The contact index's figures: NDJSON import rate, bytes per stored record, and query latency
//! over a large store, with the records and queries written out for DuckDB to answer the same.
//!
//! ```text
//! cargo run --release -p fraudwall-store-records --example records_bench -- \
//!     --dir DIR [--import 10000000] [--stored 100000000] [--queries 1000]
//! ```
//! `--import 0` or `--stored 0` skips that part. Under `DIR/stored` it leaves `records.bin`
//! (a, time, b, value as little-endian i64 rows) and `queries.txt` (direction, key, from,
//! until, expected count) for `bench/records_duckdb.py`; the rest it deletes.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

use fraudwall_records::{ContactIndex, Direction, Kind, Record, parse_ndjson};
use fraudwall_store_records::{Options, SegmentIndex};

/// The allocator the fraudwall binary runs with: the import's large, short-lived buffers come back
/// from it without the page faults of fresh mappings.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// 2026-03-01T00:00:00+08:00: the records spread over the 30 days from here.
const START: i64 = 1_772_294_400;
const DAYS: i64 = 30;
const SUBSCRIBERS: usize = 1_000_000;
/// Chinese mobile prefixes, so keys look like the numbers they stand for.
const PREFIXES: [u64; 24] = [
    130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
    180, 182, 186, 187, 189,
];

/// A small, fast, deterministic generator (splitmix64): the same seed gives the same records.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// A population of subscribers and the calls between them.
struct Population {
    numbers: Vec<u64>,
}

impl Population {
    fn new(seed: u64) -> Population {
        let mut rng = Rng(seed);
        let numbers = (0..SUBSCRIBERS)
            .map(|_| {
                let prefix = PREFIXES[rng.below(PREFIXES.len() as u64) as usize];
                8_600_000_000_000 + prefix * 100_000_000 + rng.below(100_000_000)
            })
            .collect();
        Population { numbers }
    }

    /// One call: most callers are ordinary subscribers; one in ten calls comes from a thousand
    /// busy numbers (call centres, and the fraud the index is for).
    fn call(&self, rng: &mut Rng) -> Record {
        let caller = if rng.below(10) == 0 {
            self.numbers[rng.below(1_000) as usize]
        } else {
            self.numbers[rng.below(SUBSCRIBERS as u64) as usize]
        };
        let callee = self.numbers[rng.below(SUBSCRIBERS as u64) as usize];
        // a fifth unanswered, the rest mostly short with a long tail
        let duration = if rng.below(5) == 0 {
            0
        } else {
            let x = rng.below(1_000);
            1 + x * x / 1_000 + rng.below(60)
        };
        Record {
            a: caller,
            time: START + rng.below((DAYS * 86_400) as u64) as i64,
            b: callee,
            kind: Kind::Call,
            value: duration,
        }
    }
}

/// Unix seconds as RFC 3339 in China's +08:00.
fn rfc3339_cst(unix: i64) -> String {
    let local = unix + 8 * 3_600;
    let (days, secs) = (local.div_euclid(86_400), local.rem_euclid(86_400));
    // Howard Hinnant's civil_from_days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}+08:00",
        secs / 3_600,
        secs / 60 % 60,
        secs % 60
    )
}

fn write_ndjson(path: &Path, count: usize, population: &Population) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let mut rng = Rng(7);
    for _ in 0..count {
        let r = population.call(&mut rng);
        writeln!(
            out,
            r#"{{"kind":"call_record","caller":"+{}","callee":"+{}","start":"{}","duration_s":{}}}"#,
            r.a,
            r.b,
            rfc3339_cst(r.time),
            r.value
        )?;
    }
    out.into_inner()?.sync_all()
}

/// The file's bytes, mapped: the parsers read it straight from the page cache.
#[allow(unsafe_code)]
fn map_file(path: &Path) -> memmap2::Mmap {
    let file = File::open(path).unwrap();
    // SAFETY: the benchmark wrote the file and nothing changes it while it is mapped.
    let map = unsafe { memmap2::Mmap::map(&file).unwrap() };
    #[cfg(target_os = "linux")]
    let _ = map.advise(memmap2::Advice::Sequential);
    map
}

/// CPU seconds (user, system) that `/proc/<what>/stat` reports: `self` for the process,
/// `thread-self` for the calling thread. Zero where there is no such file.
fn cpu_seconds(what: &str) -> (f64, f64) {
    let Ok(stat) = fs::read_to_string(format!("/proc/{what}/stat")) else {
        return (0.0, 0.0);
    };
    // the fields after the command's closing parenthesis; utime and stime are the 14th and
    // 15th of the whole line, in clock ticks (100 a second on Linux)
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) / 100.0, ticks(12) / 100.0)
}

fn segment_bytes(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "fwr"))
        .map(|p| fs::metadata(p).unwrap().len())
        .sum()
}

/// Import: from the NDJSON file to durable, flush included. Parsing runs on every core over
/// chunks cut at newlines; this thread appends what they parse in large batches.
fn import(dir: &Path, count: usize, population: &Population) {
    let ndjson = dir.join("calls.ndjson");
    let index_dir = dir.join("index");
    let _ = fs::remove_dir_all(&index_dir);
    write_ndjson(&ndjson, count, population).unwrap();
    let file_bytes = fs::metadata(&ndjson).unwrap().len();
    // a mark for a profiler to start at: what follows is the import alone
    eprintln!("import: {file_bytes} bytes of NDJSON written, importing");

    let started = Instant::now();
    let (process_user, process_sys) = cpu_seconds("self");
    let (thread_user, thread_sys) = cpu_seconds("thread-self");
    let text = map_file(&ndjson);
    let read_done = started.elapsed();
    let index = SegmentIndex::open(&index_dir, Options::default()).unwrap();
    const CHUNK: usize = 16 << 20;
    let mut chunks = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let mut end = (at + CHUNK).min(text.len());
        while end < text.len() && text[end - 1] != b'\n' {
            end += 1;
        }
        chunks.push(at..end);
        at = end;
    }
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next_chunk = AtomicUsize::new(0);
    let mut appended = 0;
    let mut append_time = Duration::ZERO;
    // the parsers' vectors come back once appended, so that parsing does not fault in fresh
    // memory for every chunk
    let (spare_sender, spare_receiver) = mpsc::channel::<Vec<Record>>();
    let spare_receiver = Mutex::new(spare_receiver);
    // when the last parser finished: what follows is storing alone
    let parsed_at = Mutex::new(Duration::ZERO);
    let mut last_append = Duration::ZERO;
    std::thread::scope(|scope| {
        // the parsers keep up to a batch ahead of this thread: enough that it never waits
        // for them, few enough that their vectors come back to be reused
        let (sender, receiver) = mpsc::sync_channel::<Vec<Record>>(8);
        for _ in 0..workers {
            let sender = sender.clone();
            let (text, chunks, next_chunk) = (&text, &chunks, &next_chunk);
            let (spare_receiver, parsed_at, started) = (&spare_receiver, &parsed_at, &started);
            scope.spawn(move || {
                loop {
                    let i = next_chunk.fetch_add(1, Ordering::Relaxed);
                    let Some(range) = chunks.get(i) else { break };
                    let spare = spare_receiver.lock().unwrap().try_recv();
                    let mut records =
                        spare.unwrap_or_else(|_| Vec::with_capacity(range.len() / 100));
                    let mut line_errors = Vec::new();
                    // line numbers are not needed here: a clean file has no errors to place
                    parse_ndjson(&text[range.clone()], 1, &mut records, &mut line_errors);
                    assert!(line_errors.is_empty(), "{:?}", line_errors.first());
                    if sender.send(records).is_err() {
                        break;
                    }
                }
                let mut parsed_at = parsed_at.lock().unwrap();
                *parsed_at = (*parsed_at).max(started.elapsed());
            });
        }
        drop(sender);
        // a batch ends with the chunk that takes it past 2^20 records: room for that chunk up
        // front spares a copy into twice the memory
        let mut batch = Vec::with_capacity((1 << 20) + CHUNK / 64);
        for mut records in receiver {
            batch.extend_from_slice(&records);
            records.clear();
            let _ = spare_sender.send(records);
            if batch.len() >= 1 << 20 {
                let t = Instant::now();
                index.append(&batch).unwrap();
                append_time += t.elapsed();
                appended += batch.len();
                batch.clear();
            }
        }
        let t = Instant::now();
        index.append(&batch).unwrap();
        appended += batch.len();
        index.flush().unwrap();
        last_append = t.elapsed();
        append_time += last_append;
    });
    let parsed_at = parsed_at.into_inner().unwrap();
    let elapsed = started.elapsed();
    let process_cpu = {
        let (user, sys) = cpu_seconds("self");
        (user - process_user, sys - process_sys)
    };
    let thread_cpu = {
        let (user, sys) = cpu_seconds("thread-self");
        (user - thread_user, sys - thread_sys)
    };
    // after the import, so that the import found the file as it was written
    let parse_only = parse_only(&text, &chunks, workers);
    drop(text);
    let stats = index.stats();
    let segments = segment_bytes(&index_dir);
    println!(
        "import: {appended} records ({file_bytes} bytes of NDJSON) in {:.2} s = {:.0} records/s \
         (file mapped in {:.2} s, append+flush on the main thread {:.2} s), no line in error",
        elapsed.as_secs_f64(),
        appended as f64 / elapsed.as_secs_f64(),
        read_done.as_secs_f64(),
        append_time.as_secs_f64(),
    );
    println!(
        "import: parsers done at {:.2} s; the last batch and the final flush {:.2} s",
        parsed_at.as_secs_f64(),
        last_append.as_secs_f64(),
    );
    println!(
        "import: CPU {:.2} s user + {:.2} s system in the process, of which the appending \
         thread {:.2} s + {:.2} s",
        process_cpu.0, process_cpu.1, thread_cpu.0, thread_cpu.1,
    );
    println!(
        "import: parsing alone on {workers} threads, no storing: {:.2} s = {:.0} records/s",
        parse_only.as_secs_f64(),
        appended as f64 / parse_only.as_secs_f64()
    );
    println!(
        "import: {} records stored in {} segments, {segments} segment bytes = {:.1} bytes/record \
         (both directions indexed); disk_bytes {}",
        stats.records,
        index.segment_count(),
        segments as f64 / stats.records as f64,
        stats.disk_bytes,
    );
    drop(index);
    fs::remove_file(&ndjson).unwrap();
    fs::remove_dir_all(&index_dir).unwrap();
}

/// The time to parse every chunk on `workers` threads, storing nothing: the import's ceiling.
fn parse_only(text: &[u8], chunks: &[std::ops::Range<usize>], workers: usize) -> Duration {
    let started = Instant::now();
    let next_chunk = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                let (mut records, mut errors) = (Vec::new(), Vec::new());
                while let Some(range) = chunks.get(next_chunk.fetch_add(1, Ordering::Relaxed)) {
                    records.clear();
                    parse_ndjson(&text[range.clone()], 1, &mut records, &mut errors);
                }
                std::hint::black_box(records.len());
            });
        }
    });
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e6
}

/// A large store, and counter-inspection over it.
fn stored(dir: &Path, count: usize, queries: usize, population: &Population) {
    let index_dir = dir.join("index");
    let _ = fs::remove_dir_all(&index_dir);
    let options = Options {
        memtable_records: 4_000_000,
        ..Options::default()
    };
    let index = SegmentIndex::open(&index_dir, options).unwrap();
    let mut export =
        BufWriter::with_capacity(1 << 20, File::create(dir.join("records.bin")).unwrap());
    let mut rng = Rng(11);
    let mut samples = Vec::with_capacity(queries);
    let started = Instant::now();
    let mut generated = 0;
    let mut batch = Vec::with_capacity(1 << 20);
    while generated < count {
        batch.clear();
        let n = (1 << 20).min(count - generated);
        batch.extend((0..n).map(|_| population.call(&mut rng)));
        for r in &batch {
            for v in [r.a as i64, r.time, r.b as i64, r.value as i64] {
                export.write_all(&v.to_le_bytes()).unwrap();
            }
        }
        // reservoir-free sampling: the first records of each batch are as random as any
        let per_batch = queries.div_ceil(count.div_ceil(1 << 20));
        samples.extend(batch.iter().take(per_batch).copied());
        index.append(&batch).unwrap();
        generated += n;
    }
    index.flush().unwrap();
    export.into_inner().unwrap().sync_all().unwrap();
    let built = started.elapsed();
    let segments_before = index.segment_count();
    let compact_started = Instant::now();
    let report = index.compact(START + DAYS * 86_400).unwrap();
    let compacted = compact_started.elapsed();
    let stats = index.stats();
    let segments = segment_bytes(&index_dir);
    println!(
        "stored: {generated} records appended and flushed in {:.1} s (generation and export \
         included), {segments_before} segments; compaction {:.1} s -> {} segments ({report:?})",
        built.as_secs_f64(),
        compacted.as_secs_f64(),
        index.segment_count(),
    );
    println!(
        "stored: {} records, {segments} segment bytes = {:.1} bytes/record",
        stats.records,
        segments as f64 / stats.records as f64
    );

    let mut query_file = BufWriter::new(File::create(dir.join("queries.txt")).unwrap());
    let mut plan = Vec::new();
    for (i, sample) in samples.iter().take(queries).enumerate() {
        let direction = if i % 2 == 0 {
            Direction::Outgoing
        } else {
            Direction::Incoming
        };
        let key = match direction {
            Direction::Outgoing => sample.a,
            Direction::Incoming => sample.b,
        };
        // a week around the sampled record
        let from = sample.time - rng.below(7 * 86_400) as i64;
        plan.push((key, direction, from, from + 7 * 86_400));
    }
    for pass in ["first", "second"] {
        let mut latencies = [Vec::new(), Vec::new()];
        let mut found = 0;
        for &(key, direction, from, until) in &plan {
            let t = Instant::now();
            let answer = index.contacts(key, direction, from, until).unwrap();
            latencies[direction as usize].push(t.elapsed());
            found += answer.len();
            if pass == "first" {
                let name = match direction {
                    Direction::Outgoing => "out",
                    Direction::Incoming => "in",
                };
                writeln!(query_file, "{name} {key} {from} {until} {}", answer.len()).unwrap();
            }
        }
        for (direction, mut latencies) in ["outgoing", "incoming"].into_iter().zip(latencies) {
            latencies.sort();
            println!(
                "query ({pass} pass) {direction}: {} queries, p50 {:.1} us, p99 {:.1} us, max {:.1} us",
                latencies.len(),
                percentile(&latencies, 0.5),
                percentile(&latencies, 0.99),
                percentile(&latencies, 1.0),
            );
        }
        println!("query ({pass} pass): {found} records returned in all");
    }
    query_file.into_inner().unwrap().sync_all().unwrap();
    drop(index);
    fs::remove_dir_all(&index_dir).unwrap();
}

fn main() {
    let mut dir = None;
    let mut import_count = 10_000_000;
    let mut stored_count = 100_000_000;
    let mut queries = 1_000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().expect("a value after the flag");
        match arg.as_str() {
            "--dir" => dir = Some(PathBuf::from(value())),
            "--import" => import_count = value().parse().expect("a count"),
            "--stored" => stored_count = value().parse().expect("a count"),
            "--queries" => queries = value().parse().expect("a count"),
            other => panic!("unknown argument {other}"),
        }
    }
    let dir = dir.expect("--dir DIR: where to write the files");
    fs::create_dir_all(dir.join("stored")).unwrap();
    fs::create_dir_all(dir.join("import")).unwrap();
    let population = Population::new(3);
    if import_count > 0 {
        import(&dir.join("import"), import_count, &population);
    }
    if stored_count > 0 {
        stored(&dir.join("stored"), stored_count, queries, &population);
    }
}
