//! `fraudwall simulate`: writes a seeded simulated province, with its ground truth, into a
//! directory. The generator (`fraudwall-sim`) does the work; this command only opens the files
//! it asks for, shows progress on a terminal and prints the rate at the end.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use fraudwall_sim::calendar::Date;
use fraudwall_sim::{Output, Params, Progress};

#[derive(Debug, clap::Args)]
pub struct SimulateArgs {
    /// The seed: the same seed and parameters give the same bytes
    #[arg(long)]
    seed: u64,
    /// Subscribers of the province
    #[arg(long)]
    subscribers: u32,
    /// Days to simulate
    #[arg(long)]
    days: u32,
    /// Directory to write the scenario into (created; must be empty unless --force)
    #[arg(long)]
    out: PathBuf,
    /// The first day, YYYY-MM-DD
    #[arg(long, default_value = "2026-03-02")]
    start: Date,
    /// Fraud gangs [default: one per 4,000 subscribers, at least 13]
    #[arg(long)]
    gangs: Option<u32>,
    /// New victims a day per 100,000 subscribers
    #[arg(long, default_value_t = fraudwall_sim::DEFAULT_VICTIMS_PER_100K)]
    victims_per_100k: f64,
    /// Threads [default: all cores]; the output does not depend on it
    #[arg(long)]
    threads: Option<usize>,
    /// Write into a directory that already holds files
    #[arg(long)]
    force: bool,
    /// Print the summary as one JSON object
    #[arg(long)]
    json: bool,
}

/// Files under the scenario directory, each buffered.
pub struct DirOutput {
    pub root: PathBuf,
}

impl Output for DirOutput {
    fn create(&mut self, path: &str) -> std::io::Result<Box<dyn Write>> {
        let full = self.root.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)?;
        }
        Ok(Box::new(BufWriter::with_capacity(
            1 << 20,
            File::create(full)?,
        )))
    }
}

fn check_out_dir(out: &Path, force: bool) -> anyhow::Result<()> {
    if out.exists() {
        let mut entries =
            std::fs::read_dir(out).with_context(|| format!("cannot read {}", out.display()))?;
        if entries.next().is_some() && !force {
            anyhow::bail!(
                "{} is not empty; choose another directory or pass --force",
                out.display()
            );
        }
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))
}

pub fn run(args: SimulateArgs) -> anyhow::Result<()> {
    check_out_dir(&args.out, args.force)?;
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let params = Params {
        seed: args.seed,
        subscribers: args.subscribers,
        days: args.days,
        start: args.start,
        gangs: args.gangs,
        threads,
        victims_per_100k: args.victims_per_100k,
    };
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(u64::from(args.days)),
        indicatif::ProgressDrawTarget::stderr(),
    );
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} day {pos}/{len} {msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let mut output = DirOutput {
        root: args.out.clone(),
    };
    let summary = fraudwall_sim::generate(&params, &mut output, &mut |p: Progress| {
        bar.set_position(u64::from(p.day));
        bar.set_message(format!("{} records", p.records));
    })
    .with_context(|| format!("cannot simulate into {}", args.out.display()))?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let total = summary.total_records();
    let rate = total as f64 / seconds.max(1e-9);
    let mut out = std::io::stdout().lock();
    if args.json {
        let kinds: serde_json::Map<String, serde_json::Value> = fraudwall_sim::record::KINDS
            .iter()
            .zip(summary.records)
            .map(|(k, n)| ((*k).to_owned(), n.into()))
            .collect();
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({
                "out": args.out, "records": total, "by_kind": kinds, "cases": summary.cases,
                "clues": summary.clues, "victims": summary.victims, "seconds": seconds,
                "records_per_second": rate.round(), "threads": threads,
            }),
        )?;
        writeln!(out)?;
    } else {
        let by_kind: Vec<String> = fraudwall_sim::record::KINDS
            .iter()
            .zip(summary.records)
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        writeln!(
            out,
            "wrote {} to {}: {total} records ({}), {} victims, {} cases, {} clues",
            summary.files.len().to_string() + " files",
            args.out.display(),
            by_kind.join(", "),
            summary.victims,
            summary.cases,
            summary.clues,
        )?;
        writeln!(
            out,
            "{total} records in {seconds:.2} s, {rate:.0} records/s ({threads} threads)"
        )?;
    }
    Ok(())
}
