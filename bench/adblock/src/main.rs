//! fraudwall's URL-list lookup against Brave's `adblock` engine: both loaded with the same
//! entries, both checking the same URLs from the raw string, each in its own process so that its
//! memory can be measured on its own.
//!
//! ```text
//! fraudwall-bench-adblock [--data DIR] [--urls N] [--seed S] [--rounds R] [--show N]
//! ```
//!
//! The parent process runs itself once per engine with `--engine fraudwall|adblock`, collects
//! each child's report and verdicts, and prints a markdown summary.

mod corpus;
mod engines;
mod memory;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use corpus::{Lists, TestSet, tag};
use engines::{Contender, Verdict};
use memory::Usage;

const USAGE: &str =
    "usage: fraudwall-bench-adblock [--data DIR] [--urls N] [--seed S] [--rounds R] [--show N]
       fraudwall-bench-adblock --engine fraudwall|adblock --verdicts FILE [same options]";

#[derive(Debug, Clone)]
struct Options {
    data: PathBuf,
    urls: usize,
    seed: u64,
    rounds: usize,
    show: usize,
    engine: Option<String>,
    verdicts: Option<PathBuf>,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
        let mut options = Options {
            data: PathBuf::from("../shared/data"),
            urls: 1_000_000,
            seed: 1,
            rounds: 5,
            show: 10,
            engine: None,
            verdicts: None,
        };
        while let Some(flag) = args.next() {
            if flag == "--help" || flag == "-h" {
                return Err(USAGE.to_owned());
            }
            let value = args
                .next()
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            let number = |v: &str| {
                v.replace('_', "")
                    .parse::<u64>()
                    .map_err(|e| format!("{flag} {v}: {e}"))
            };
            match flag.as_str() {
                "--data" => options.data = PathBuf::from(value),
                "--urls" => options.urls = number(&value)? as usize,
                "--seed" => options.seed = number(&value)?,
                "--rounds" => options.rounds = (number(&value)? as usize).max(1),
                "--show" => options.show = number(&value)? as usize,
                "--engine" => options.engine = Some(value),
                "--verdicts" => options.verdicts = Some(PathBuf::from(value)),
                other => return Err(format!("unknown flag {other}\n{USAGE}")),
            }
        }
        Ok(options)
    }
}

/// What one engine's process measured.
#[derive(Debug, Serialize, Deserialize)]
struct Report {
    engine: String,
    entries: usize,
    /// Distinct keys (fraudwall) or rules the parser accepts (adblock).
    loaded: usize,
    build_ms: f64,
    /// Per round, nanoseconds per URL.
    ns_per_url: Vec<f64>,
    blocked: usize,
    invalid: usize,
    baseline: Usage,
    after_build: Usage,
    after_check: Usage,
    /// The lookup structure's own size, where the engine tells it.
    structure_bytes: usize,
}

impl Report {
    fn median_ns(&self) -> f64 {
        let mut sorted = self.ns_per_url.clone();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    }

    fn best_ns(&self) -> f64 {
        self.ns_per_url
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
    }
}

fn main() {
    let outcome = Options::parse(std::env::args().skip(1)).and_then(|options| {
        match (options.engine.as_deref(), options.verdicts.as_ref()) {
            (Some(engine), Some(verdicts)) => run_engine(engine, verdicts, &options),
            (None, _) => compare(&options),
            (Some(_), None) => Err(format!("--engine needs --verdicts\n{USAGE}")),
        }
    });
    if let Err(message) = outcome {
        eprintln!("{message}");
        std::process::exit(2);
    }
}

/// The child: build one engine, check every URL, print a JSON report, write the verdicts.
fn run_engine(engine: &str, verdicts_path: &Path, options: &Options) -> Result<(), String> {
    let lists = Lists::load(&options.data)?;
    let set = TestSet::generate(&lists, options.urls, options.seed);
    let mut verdicts = vec![0u8; set.urls.len()];
    // Everything both engines share (the parsed lists, the URLs, the verdict buffer) is in place
    // before the baseline, so what grows after it is the engine's own.
    let baseline = Usage::reset_peak()?;

    let start = Instant::now();
    let mut contender = Contender::build(engine, &lists.entries)?;
    let build_ms = start.elapsed().as_secs_f64() * 1e3;
    let after_build = Usage::read()?;

    let mut ns_per_url = Vec::with_capacity(options.rounds);
    for _ in 0..options.rounds {
        let start = Instant::now();
        contender.check_all(&set.urls, &mut verdicts);
        ns_per_url.push(start.elapsed().as_nanos() as f64 / set.urls.len().max(1) as f64);
    }
    let after_check = Usage::read()?;

    // Asked after the measurements, since answering allocates.
    let loaded = contender.loaded(&lists.entries);
    let structure_bytes = contender.structure_bytes();
    let report = Report {
        engine: engine.to_owned(),
        entries: lists.entries.len(),
        loaded,
        build_ms,
        ns_per_url,
        blocked: verdicts
            .iter()
            .filter(|&&v| v == Verdict::Block as u8)
            .count(),
        invalid: verdicts
            .iter()
            .filter(|&&v| v == Verdict::Invalid as u8)
            .count(),
        baseline,
        after_build,
        after_check,
        structure_bytes,
    };
    std::fs::write(verdicts_path, &verdicts)
        .map_err(|e| format!("cannot write {}: {e}", verdicts_path.display()))?;
    println!(
        "{}",
        serde_json::to_string(&report).map_err(|e| e.to_string())?
    );
    Ok(())
}

/// Runs one engine in a child process; returns its report and verdicts.
fn spawn(engine: &str, options: &Options) -> Result<(Report, Vec<u8>), String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find own binary: {e}"))?;
    let verdicts_path = std::env::temp_dir().join(format!(
        "fraudwall-bench-adblock-{}-{engine}.bin",
        std::process::id()
    ));
    let output = Command::new(exe)
        .args(["--engine", engine, "--verdicts"])
        .arg(&verdicts_path)
        .arg("--data")
        .arg(&options.data)
        .args(["--urls", &options.urls.to_string()])
        .args(["--seed", &options.seed.to_string()])
        .args(["--rounds", &options.rounds.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the {engine} child: {e}"))?;
    if !output.status.success() {
        return Err(format!("the {engine} child failed: {}", output.status));
    }
    let report = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("unreadable report from the {engine} child: {e}"))?;
    let verdicts = std::fs::read(&verdicts_path)
        .map_err(|e| format!("cannot read {}: {e}", verdicts_path.display()))?;
    let _ = std::fs::remove_file(&verdicts_path);
    Ok((report, verdicts))
}

/// The parent: run both engines, one after the other so neither competes with the other for the
/// cores, then compare.
fn compare(options: &Options) -> Result<(), String> {
    let (fw, fw_verdicts) = spawn("fraudwall", options)?;
    let (ab, ab_verdicts) = spawn("adblock", options)?;
    let lists = Lists::load(&options.data)?;
    let set = TestSet::generate(&lists, options.urls, options.seed);
    if fw_verdicts.len() != set.urls.len() || ab_verdicts.len() != set.urls.len() {
        return Err("a child checked a different number of URLs".to_owned());
    }

    let listed = set.tags.iter().filter(|&&t| t & tag::LISTED != 0).count();
    let with_path = lists.entries.iter().filter(|e| e.with_path).count();
    println!("## fraudwall vs adblock (Brave's engine)\n");
    println!(
        "Entries: {} ({} hosts, {} host/path), {} list lines refused by the list parser; \
         fraudwall: {} distinct keys; adblock: {} rules accepted.",
        group(lists.entries.len()),
        group(lists.entries.len() - with_path),
        group(with_path),
        lists.rejected,
        group(fw.loaded),
        group(ab.loaded),
    );
    println!(
        "URLs: {} (seed {}): {} made from list entries, {} not ({} rounds).\n",
        group(set.urls.len()),
        options.seed,
        group(listed),
        group(set.urls.len() - listed),
        options.rounds,
    );

    println!(
        "| engine | ns/URL, median | ns/URL, best | URLs/s, median | each round (ns/URL) | build | blocked | unparsable | peak RSS growth, built | peak RSS growth, checked | RSS growth at end | structure |"
    );
    println!("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|");
    for (report, structure) in [(&fw, "list snapshot"), (&ab, "flatbuffer, serialized")] {
        let ns = report.median_ns();
        let rounds: Vec<String> = report
            .ns_per_url
            .iter()
            .map(|ns| format!("{ns:.0}"))
            .collect();
        println!(
            "| {} | {ns:.0} | {:.0} | {} | {} | {:.1} ms | {} | {} | {} | {} | {} | {} ({structure}) |",
            report.engine,
            report.best_ns(),
            rate(1e9 / ns),
            rounds.join(", "),
            report.build_ms,
            group(report.blocked),
            group(report.invalid),
            kib(report.after_build.since(&report.baseline).peak_kib),
            kib(report.after_check.since(&report.baseline).peak_kib),
            kib(report.after_check.since(&report.baseline).now_kib),
            bytes(report.structure_bytes),
        );
    }
    let fw_peak = fw.after_check.since(&fw.baseline).peak_kib.max(1);
    let ab_peak = ab.after_check.since(&ab.baseline).peak_kib;
    println!(
        "\nfraudwall is {:.1}× faster per URL (median; {:.1}× best against best); its peak RSS \
         growth is {:.1}× smaller. RSS before loading (lists and URLs in memory): fraudwall {}, \
         adblock {}.\n",
        ab.median_ns() / fw.median_ns(),
        ab.best_ns() / fw.best_ns(),
        ab_peak as f64 / fw_peak as f64,
        kib(fw.baseline.now_kib),
        kib(ab.baseline.now_kib),
    );

    agreement(&set, &fw_verdicts, &ab_verdicts, options.show);
    Ok(())
}

/// How far the verdicts agree, the disagreements grouped by how the URL was made, and the first
/// few in full.
fn agreement(set: &TestSet, fw: &[u8], ab: &[u8], show: usize) {
    let blocked = |v: u8| Verdict::from_byte(v) == Verdict::Block;
    let mut same = 0usize;
    // Per way of making a URL: how many only fraudwall blocks, how many only adblock, and the
    // first such URL.
    let mut by_tags: BTreeMap<u16, (usize, usize, usize)> = BTreeMap::new();
    let mut examples = Vec::new();
    for (i, (&f, &a)) in fw.iter().zip(ab).enumerate() {
        if blocked(f) == blocked(a) {
            same += 1;
            continue;
        }
        let counts = by_tags.entry(set.tags[i]).or_insert((0, 0, i));
        if blocked(f) {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
        if examples.len() < show {
            examples.push(i);
        }
    }
    let n = fw.len().max(1);
    println!(
        "Agreement: {} of {} URLs ({:.3}%); {} disagreements.\n",
        group(same),
        group(fw.len()),
        100.0 * same as f64 / n as f64,
        group(fw.len() - same),
    );
    for (name, mask) in [
        ("made from list entries", tag::LISTED),
        ("not made from an entry", 0),
    ] {
        let in_class: Vec<usize> = (0..fw.len())
            .filter(|&i| set.tags[i] & tag::LISTED == mask)
            .collect();
        let count = |v: &[u8]| in_class.iter().filter(|&&i| blocked(v[i])).count();
        println!(
            "- URLs {name} ({}): fraudwall blocks {}, adblock blocks {}",
            group(in_class.len()),
            group(count(fw)),
            group(count(ab)),
        );
    }
    if by_tags.is_empty() {
        return;
    }
    println!(
        "\n| how the URL was made | only fraudwall blocks | only adblock blocks | first example |"
    );
    println!("|---|---:|---:|---|");
    for (tags, (only_fw, only_ab, first)) in &by_tags {
        println!(
            "| {} | {} | {} | `{}` |",
            tag::describe(*tags),
            group(*only_fw),
            group(*only_ab),
            set.urls[*first],
        );
    }
    println!("\nFirst disagreements:\n");
    for i in examples {
        println!(
            "- `{}`: fraudwall {:?}, adblock {:?} ({})",
            set.urls[i],
            Verdict::from_byte(fw[i]),
            Verdict::from_byte(ab[i]),
            tag::describe(set.tags[i]),
        );
    }
}

/// `1234567` → `1,234,567`.
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.2} M", per_second / 1e6)
    } else {
        format!("{:.0} K", per_second / 1e3)
    }
}

fn kib(kib: u64) -> String {
    bytes(kib as usize * 1024)
}

fn bytes(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{:.1} MiB", bytes as f64 / f64::from(1 << 20))
    } else {
        format!("{:.0} KiB", bytes as f64 / 1024.0)
    }
}
