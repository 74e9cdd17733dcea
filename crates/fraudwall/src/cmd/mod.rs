pub mod audit;
pub mod cards;
pub mod check;
pub mod demo;
pub mod evaluate;
pub mod events;
pub mod import_file;
pub mod lines;
pub mod lists;
pub mod phone;
pub mod registry;
pub mod serve;
pub mod simulate;
pub mod sms;
pub mod token;
pub mod url;

/// Opening the embedded store. Commands that only read or change what a store holds open an
/// existing one, so that a mistyped `--data-dir` fails instead of answering from an empty store;
/// commands that put something in (`serve`, `token create`, `lists import`) may create it.
pub mod store {
    use std::path::Path;

    use anyhow::Context;
    use fraudwall_app::records::SqliteStore;
    use fraudwall_app::witness::{Witness, WitnessFiles};

    /// The node's activity records, in the data directory's `records` directory.
    pub fn open_records(data_dir: &Path) -> anyhow::Result<fraudwall_store_records::SegmentIndex> {
        let dir = data_dir.join(fraudwall_store_records::RECORDS_DIR);
        fraudwall_store_records::SegmentIndex::open(
            &dir,
            fraudwall_store_records::Options::default(),
        )
        .with_context(|| format!("cannot open activity records in {}", dir.display()))
    }

    pub fn create_or_open(data_dir: &Path) -> anyhow::Result<SqliteStore> {
        SqliteStore::open(data_dir)
            .with_context(|| format!("cannot open store in {}", data_dir.display()))
    }

    pub fn open_existing(data_dir: &Path) -> anyhow::Result<SqliteStore> {
        Ok(SqliteStore::open_existing(data_dir)?)
    }

    /// Where the audit log's head is signed: the data directory's files, unless the same
    /// `FRAUDWALL_AUDIT__*` variables that configure the server name others.
    pub fn witness_files(data_dir: &Path) -> WitnessFiles {
        let mut files = WitnessFiles::in_dir(data_dir);
        if let Some(key) = std::env::var_os("FRAUDWALL_AUDIT__SIGNING_KEY") {
            files.signing_key = key.into();
        }
        if let Some(checkpoints) = std::env::var_os("FRAUDWALL_AUDIT__CHECKPOINTS") {
            files.checkpoints = checkpoints.into();
        }
        files
    }

    /// Signs the audit log's head after a command wrote to it, as a running server does.
    pub fn seal(data_dir: &Path, store: &SqliteStore) -> anyhow::Result<()> {
        Witness::open_or_create(witness_files(data_dir))?.seal(store)?;
        Ok(())
    }
}
