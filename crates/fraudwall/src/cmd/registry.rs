//! `fraudwall subscribers import` and `fraudwall units import`: the subscriber registry and the
//! jurisdiction tree, into the embedded store.

use std::path::{Path, PathBuf};

use anyhow::Context;
use fraudwall_app::Principal;
use fraudwall_app::registry::{self, RegistryImportReport};
use fraudwall_ids::phone::{PhoneNormalizer, Region};

use crate::cmd::store;

/// Files smaller than this import too fast to need a bar.
const BAR_FROM_BYTES: u64 = 16 << 20;

#[derive(Debug, clap::Subcommand)]
pub enum SubscribersCommand {
    /// Import the subscriber registry (phone,territory[,birth_year,occupation]); prints imported
    /// and rejected counts
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

#[derive(Debug, clap::Subcommand)]
pub enum UnitsCommand {
    /// Import the jurisdiction tree (code,name,level,parent[,contact,webhook])
    Import {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        json: bool,
        file: PathBuf,
    },
}

pub fn run_subscribers(command: SubscribersCommand) -> anyhow::Result<()> {
    let SubscribersCommand::Import {
        data_dir,
        region,
        json,
        file,
    } = command;
    import(&data_dir, &file, json, |store, input, progress| {
        registry::import_subscribers(
            store,
            &PhoneNormalizer::new(region),
            &Principal::command_line(),
            input,
            progress,
        )
    })
}

pub fn run_units(command: UnitsCommand) -> anyhow::Result<()> {
    let UnitsCommand::Import {
        data_dir,
        json,
        file,
    } = command;
    import(&data_dir, &file, json, |store, input, _| {
        registry::import_units(store, &Principal::command_line(), input)
    })
}

fn import(
    data_dir: &Path,
    file: &Path,
    json: bool,
    run: impl FnOnce(
        &fraudwall_app::records::SqliteStore,
        &mut dyn std::io::BufRead,
        &mut dyn FnMut(u64),
    ) -> Result<RegistryImportReport, fraudwall_app::AppError>,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let handle =
        std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
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
    let store = store::create_or_open(data_dir)?;
    let report = run(
        &store,
        &mut std::io::BufReader::with_capacity(1 << 20, handle),
        &mut |bytes| bar.set_position(bytes),
    )
    .with_context(|| format!("cannot import {}", file.display()))?;
    bar.finish_and_clear();
    store::seal(data_dir, &store)?;
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
                "errors": errors})
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
            "{lines} lines in {seconds:.1} s, {:.0} lines/s",
            lines as f64 / seconds
        );
    }
    Ok(())
}
