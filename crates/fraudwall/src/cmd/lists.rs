//! `fraudwall lists …`: import and export list files on the embedded store. A running server
//! sharing the store picks the changes up within its refresh period.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use fraudwall_app::Principal;
use fraudwall_app::export::{self, ExportError};
use fraudwall_app::lists::{self, ImportRequest};
use fraudwall_app::setup;
use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Kind, List, Source};
use fraudwall_lists::import::Format;
use fraudwall_server::wire::ImportSummary;

use crate::cmd::store;

#[derive(Debug, clap::Subcommand)]
pub enum ListsCommand {
    /// Import a list file; prints imported, duplicate and rejected counts, and every rejected
    /// line with its number
    Import {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        /// black, gray or white
        #[arg(long)]
        list: List,
        /// number, range, domain, url, ip, app, cert, account, social or sender
        #[arg(long)]
        kind: Kind,
        /// plain, hosts, abp or csv
        #[arg(long)]
        format: Format,
        /// Where the entries come from: import, operator, analyst, case, report
        #[arg(long, default_value = "import")]
        source: Source,
        /// Fraud type for entries that carry none (a code of the taxonomy)
        #[arg(long)]
        fraud_type: Option<String>,
        /// Region for numbers written without a country code
        #[arg(long, default_value = "CN")]
        region: Region,
        /// Print the summary as one JSON object
        #[arg(long)]
        json: bool,
        file: PathBuf,
    },
    /// Export a list's live entries of one kind as a list file
    Export {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        list: List,
        #[arg(long)]
        kind: Kind,
        #[arg(long)]
        format: Format,
        /// Write here instead of stdout
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn run(command: ListsCommand) -> anyhow::Result<()> {
    let principal = Principal::command_line();
    match command {
        ListsCommand::Import {
            data_dir,
            list,
            kind,
            format,
            source,
            fraud_type,
            region,
            json,
            file,
        } => {
            // the rate printed at the end counts from here: reading and parsing are part of it
            let progress = Progress::new();
            let text =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let text = String::from_utf8(text)
                .with_context(|| format!("{} is not utf-8", file.display()))?;
            let store = store::create_or_open(&data_dir)?;
            setup::seed_official_whitelist(&store, region)?;
            let report = lists::import(
                &store,
                &PhoneNormalizer::new(region),
                &principal,
                ImportRequest {
                    list,
                    kind,
                    format,
                    source,
                    fraud_type: fraud_type.as_deref(),
                    text: &text,
                },
                &mut |done, total| progress.update(done, total),
            )?;
            progress.finish();
            store::seal(&data_dir, &store)?;
            print_summary(&ImportSummary::from(report), list, json)
        }
        ListsCommand::Export {
            data_dir,
            list,
            kind,
            format,
            out,
        } => {
            let store = store::open_existing(&data_dir)?;
            let mut out: Box<dyn Write> = match &out {
                Some(path) => Box::new(std::io::BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("cannot write {}", path.display()))?,
                )),
                None => Box::new(std::io::stdout().lock()),
            };
            let exported = export::export(&store, &principal, list, kind, format, &mut out);
            store::seal(&data_dir, &store)?;
            match exported {
                Ok(_) => {}
                Err(ExportError::Write(err)) => return Err(err.into()),
                Err(ExportError::App(err)) => return Err(err.into()),
            }
            Ok(())
        }
    }
}

/// A progress bar on a terminal for imports large enough to wait for, and the rate at the end.
struct Progress {
    bar: indicatif::ProgressBar,
    started: std::time::Instant,
}

impl Progress {
    fn new() -> Progress {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} lines {per_sec} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            started: std::time::Instant::now(),
        }
    }

    fn update(&self, done: u64, total: u64) {
        if total >= lists::IMPORT_CHUNK as u64 && self.bar.is_hidden() {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
        let total = self.bar.length().unwrap_or(0);
        let seconds = self.started.elapsed().as_secs_f64();
        if total > 0 && seconds > 0.0 {
            // beside the summary, which stays one line (or one JSON object) for scripts
            eprintln!(
                "{total} lines in {seconds:.1} s, {:.0} lines/s",
                total as f64 / seconds
            );
        }
    }
}

fn print_summary(summary: &ImportSummary, list: List, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, summary)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "imported {}, duplicate {}, rejected {}, skipped {} (list {list}, version {})",
        summary.imported,
        summary.duplicate,
        summary.rejected.len(),
        summary.skipped,
        summary.version
    )?;
    for rejected in &summary.rejected {
        writeln!(
            out,
            "rejected line {}: {}: {}: {}",
            rejected.line, rejected.code, rejected.message, rejected.text
        )?;
    }
    Ok(())
}
