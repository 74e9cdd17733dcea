//! `fraudwall subscribers import` and `fraudwall units import`: the subscriber registry and the
//! jurisdiction tree, into the embedded store.

use std::path::{Path, PathBuf};

use anyhow::Context;
use fraudwall_app::Principal;
use fraudwall_app::registry::{self, RegistryImportReport};
use fraudwall_ids::phone::{PhoneNormalizer, Region};

use crate::cmd::import_file::{ImportFile, Summary};
use crate::cmd::store;

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
    let mut input = ImportFile::open(file)?;
    let store = store::create_or_open(data_dir)?;
    let bar = input.bar.clone();
    let report = run(&store, &mut input.reader, &mut |bytes| {
        bar.set_position(bytes)
    })
    .with_context(|| format!("cannot import {}", file.display()))?;
    store::seal(data_dir, &store)?;
    input.finish(
        json,
        Summary {
            imported: report.imported,
            rejected: report.rejected,
            errors: &report.errors,
            extra: serde_json::json!({}),
            label: None,
            unit: "lines",
        },
    );
    Ok(())
}
