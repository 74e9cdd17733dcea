pub mod audit;
pub mod check;
pub mod lines;
pub mod lists;
pub mod phone;
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

    pub fn create_or_open(data_dir: &Path) -> anyhow::Result<SqliteStore> {
        SqliteStore::open(data_dir)
            .with_context(|| format!("cannot open store in {}", data_dir.display()))
    }

    pub fn open_existing(data_dir: &Path) -> anyhow::Result<SqliteStore> {
        Ok(SqliteStore::open_existing(data_dir)?)
    }
}
