//! `fraudwall cards import`: who holds each phone and bank card, from an operator's SIM file or
//! a bank's account file, into the embedded store.

use std::path::PathBuf;

use anyhow::Context;
use fraudwall_app::Principal;
use fraudwall_app::cards::{self, CardFile};
use fraudwall_ids::phone::{PhoneNormalizer, Region};

use crate::cmd::import_file::{ImportFile, Summary};
use crate::cmd::store;

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
    let mut input = ImportFile::open(&file)?;
    let store = store::create_or_open(&data_dir)?;
    let bar = input.bar.clone();
    let report = cards::import(
        &store,
        &PhoneNormalizer::new(region),
        &Principal::command_line(),
        &mut input.reader,
        &mut |bytes| bar.set_position(bytes),
    )
    .with_context(|| format!("cannot import {}", file.display()))?;
    store::seal(&data_dir, &store)?;
    let file_kind = match report.file {
        CardFile::Sims => "sims",
        CardFile::Accounts => "accounts",
    };
    input.finish(
        json,
        Summary {
            imported: report.imported,
            rejected: report.rejected,
            errors: &report.errors,
            extra: serde_json::json!({"file": file_kind}),
            label: Some(file_kind),
            unit: "lines",
        },
    );
    Ok(())
}
