//! `fraudwall events import`: activity records from an NDJSON or CSV file into a node's contact
//! index, durable when the command ends.

use std::path::PathBuf;

use anyhow::Context;
use fraudwall_app::Principal;
use fraudwall_app::activity::{self, RecordFormat};
use fraudwall_records::ContactIndex;

use crate::cmd::import_file::{ImportFile, Summary};
use crate::cmd::store;

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
    let mut input = ImportFile::open(&file)?;
    // the store is opened too, so that a mistyped directory is created as a node's, not alone
    let _store = store::create_or_open(&data_dir)?;
    let index = store::open_records(&data_dir)?;
    let format = match format {
        FormatArg::Ndjson => RecordFormat::Ndjson,
        FormatArg::Csv => RecordFormat::Csv,
    };
    let bar = input.bar.clone();
    let report = activity::import(
        &index,
        &Principal::command_line(),
        format,
        &mut input.reader,
        &mut |bytes| bar.set_position(bytes),
    )
    .with_context(|| format!("cannot import {}", file.display()))?;
    // written out, not compacted: records older than the window may be a replay's, and the
    // node's hourly upkeep drops them by the wall clock when it runs
    index
        .flush()
        .context("cannot write the records' segments")?;
    input.finish(
        json,
        Summary {
            imported: report.imported,
            rejected: report.rejected,
            errors: &report.errors,
            extra: serde_json::json!({"stored": index.stats().records}),
            label: None,
            unit: "records",
        },
    );
    Ok(())
}
