//! Builders shared by the list tests.

#![allow(dead_code)]

use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Attributes, Change, Identifier, Kind, List, OnExisting, Source};
use fraudwall_store::SqliteStore;

pub fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).unwrap();
    (dir, store)
}

pub fn id(kind: Kind, raw: &str) -> Identifier {
    Identifier::parse(kind, raw, &PhoneNormalizer::new(Region::CN)).unwrap()
}

pub fn number(raw: &str) -> Identifier {
    id(Kind::Number, raw)
}

/// The n-th of a run of distinct CN mobile numbers.
pub fn nth_number(n: u32) -> Identifier {
    number(&format!("138{n:08}"))
}

pub fn attrs(source: Source) -> Attributes {
    Attributes::new(source)
}

pub fn put(list: List, identifier: &Identifier, attributes: Attributes) -> Change {
    Change::Put {
        list,
        identifier: identifier.clone(),
        attributes,
        on_existing: OnExisting::Keep,
    }
}

pub fn replace(list: List, identifier: &Identifier, attributes: Attributes) -> Change {
    Change::Put {
        list,
        identifier: identifier.clone(),
        attributes,
        on_existing: OnExisting::Replace,
    }
}

pub fn remove(list: List, identifier: &Identifier) -> Change {
    Change::Remove {
        list,
        kind: identifier.kind,
        value: identifier.value.clone(),
    }
}
