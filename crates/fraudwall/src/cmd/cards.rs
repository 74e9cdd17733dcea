//! `fraudwall cards import`: who holds each phone and bank card, from an operator's SIM file or
//! a bank's account file, into the embedded store.

use std::path::PathBuf;

use anyhow::Context;
use fraudwall_app::Principal;
use fraudwall_app::cards::{self, CardFile};
use fraudwall_ids::phone::{PhoneNormalizer, Region};

use crate::cmd::store;

/// Files smaller than this import too fast to need a bar.
const BAR_FROM_BYTES: u64 = 16 << 20;

#[derive(Debug, clap::Subcommand)]
pub enum CardsCommand {
    /// Import a SIM file (phone,operator,activated_on[,device][,holder]) or an account file
    /// (account,holder_phone,bank,opened_on[,type]); prints imported and rejected counts
    Import {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        /// Region for numbers written without a country code
        #[arg(long, default_value = "CN")]
        region: Region,
        /// Print the summary as one JSON object
        #[arg(long)]
        json: bool,
        file: PathBuf,
    },
}

pub fn run(command: CardsCommand) -> anyhow::Result<()> {
    let CardsCommand::Import {
        data_dir,
        region,
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
    let store = store::create_or_open(&data_dir)?;
    let report = cards::import(
        &store,
        &PhoneNormalizer::new(region),
        &Principal::command_line(),
        &mut std::io::BufReader::with_capacity(1 << 20, handle),
        &mut |bytes| bar.set_position(bytes),
    )
    .with_context(|| format!("cannot import {}", file.display()))?;
    bar.finish_and_clear();
    store::seal(&data_dir, &store)?;
    let seconds = started.elapsed().as_secs_f64();
    let file_kind = match report.file {
        CardFile::Sims => "sims",
        CardFile::Accounts => "accounts",
    };
    if json {
        let errors: Vec<serde_json::Value> = report
            .errors
            .iter()
            .map(|e| serde_json::json!({"line": e.line, "message": e.message}))
            .collect();
        println!(
            "{}",
            serde_json::json!({"file": file_kind, "imported": report.imported,
                "rejected": report.rejected, "errors": errors})
        );
    } else {
        println!(
            "imported {}, rejected {} ({file_kind})",
            report.imported, report.rejected
        );
        for error in &report.errors {
            println!("line {}: {}", error.line, error.message);
        }
    }
    let lines = report.imported + report.rejected;
    if seconds > 0.0 {
        eprintln!(
            "{lines} lines in {seconds:.1} s, {:.0} lines/s",
            lines as f64 / seconds
        );
    }
    Ok(())
}
