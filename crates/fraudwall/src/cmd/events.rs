//! `fraudwall events import`: activity records from an NDJSON or CSV file into a node's contact
//! index, durable when the command ends.

use std::path::PathBuf;

use anyhow::Context;
use fraudwall_app::Principal;
use fraudwall_app::activity::{self, RecordFormat};
use fraudwall_records::ContactIndex;

use crate::cmd::store;

/// Files smaller than this import too fast to need a bar.
const BAR_FROM_BYTES: u64 = 16 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Ndjson,
    Csv,
}

#[derive(Debug, clap::Subcommand)]
pub enum EventsCommand {
    /// Import call and SMS records, visits, installs and transfers; prints imported and
    /// rejected counts, and records per second on stderr
    Import {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long, value_enum, default_value = "ndjson")]
        format: FormatArg,
        /// Print the summary as one JSON object
        #[arg(long)]
        json: bool,
        file: PathBuf,
    },
}

pub fn run(command: EventsCommand) -> anyhow::Result<()> {
    let EventsCommand::Import {
        data_dir,
        format,
        json,
        file,
    } = command;
    let started = std::time::Instant::now();
    let handle =
        std::fs::File::open(&file).with_context(|| format!("cannot read {}", file.display()))?;
    let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if size >= BAR_FROM_BYTES {
        indicatif::ProgressBar::new(size)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    // the store is opened too, so that a mistyped directory is created as a node's, not alone
    let _store = store::create_or_open(&data_dir)?;
    let index = store::open_records(&data_dir)?;
    let format = match format {
        FormatArg::Ndjson => RecordFormat::Ndjson,
        FormatArg::Csv => RecordFormat::Csv,
    };
    let report = activity::import(
        &index,
        &Principal::command_line(),
        format,
        &mut std::io::BufReader::with_capacity(1 << 20, handle),
        &mut |bytes| bar.set_position(bytes),
    )
    .with_context(|| format!("cannot import {}", file.display()))?;
    // written out, not compacted: records older than the window may be a replay's, and the
    // node's hourly upkeep drops them by the wall clock when it runs
    index
        .flush()
        .context("cannot write the records' segments")?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    if json {
        let errors: Vec<serde_json::Value> = report
            .errors
            .iter()
            .map(|e| serde_json::json!({"line": e.line, "message": e.message}))
            .collect();
        println!(
            "{}",
            serde_json::json!({"imported": report.imported, "rejected": report.rejected,
                "errors": errors, "stored": index.stats().records})
        );
    } else {
        println!("imported {}, rejected {}", report.imported, report.rejected);
        for error in &report.errors {
            println!("line {}: {}", error.line, error.message);
        }
    }
    let lines = report.imported + report.rejected;
    if seconds > 0.0 {
        eprintln!(
            "{lines} records in {seconds:.1} s, {:.0} records/s",
            lines as f64 / seconds
        );
    }
    Ok(())
}
