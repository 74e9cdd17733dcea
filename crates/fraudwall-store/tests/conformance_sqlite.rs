//! The conformance suite on the embedded SQLite store.

use std::path::PathBuf;
use std::sync::Mutex;

use fraudwall_store::conformance::Backend;
use fraudwall_store::{SqliteStore, Store};

/// Each store in a directory of its own under one temporary directory, removed with the
/// backend at the end of its test.
struct Sqlite {
    root: tempfile::TempDir,
    opened: Mutex<Vec<PathBuf>>,
}

impl Sqlite {
    fn new() -> Sqlite {
        Sqlite {
            root: tempfile::tempdir().unwrap(),
            opened: Mutex::new(Vec::new()),
        }
    }
}

impl Backend for Sqlite {
    fn open(&self) -> Box<dyn Store> {
        let mut opened = self.opened.lock().unwrap();
        let dir = self.root.path().join(opened.len().to_string());
        let store = SqliteStore::open(&dir).unwrap();
        opened.push(dir);
        Box::new(store)
    }

    fn reopen(&self) -> Box<dyn Store> {
        let opened = self.opened.lock().unwrap();
        let dir = opened.last().expect("reopen after open");
        Box::new(SqliteStore::open(dir).unwrap())
    }
}

fraudwall_store::conformance_tests!(Sqlite::new());
