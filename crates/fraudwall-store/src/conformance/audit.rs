//! The audit log: appended, chained, paged, verified.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::Backend;
use crate::{AuditEntry, AuditEvent, GENESIS_HASH, Store};

fn event(n: u32) -> AuditEvent {
    AuditEvent {
        actor: "cli".into(),
        action: "token.create".into(),
        resource: format!("token:{n}"),
        detail: format!(r#"{{"n":{n}}}"#),
    }
}

/// Checks that `entries` are the whole log in order, each sealed onto the one before.
fn assert_chained(entries: &[AuditEntry]) {
    let mut prev = GENESIS_HASH;
    for (index, entry) in entries.iter().enumerate() {
        assert_eq!(entry.seq, index as u64 + 1);
        assert_eq!(entry.prev_hash, prev, "entry {}", entry.seq);
        assert_eq!(entry.hash, entry.expected_hash(), "entry {}", entry.seq);
        prev = entry.hash;
    }
}

pub fn an_empty_log_verifies(store: &dyn Store) {
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.entries, report.head), (0, GENESIS_HASH));
    assert!(store.audit_entries(0, 10).unwrap().is_empty());
}

pub fn appended_entries_chain_and_verify(store: &dyn Store) {
    let appended: Vec<AuditEntry> = (0..10)
        .map(|n| store.append_audit(&event(n)).unwrap())
        .collect();
    assert_chained(&appended);
    let third = &appended[2];
    assert_eq!(
        (
            third.actor.as_str(),
            third.action.as_str(),
            third.resource.as_str(),
            third.detail.as_str()
        ),
        ("cli", "token.create", "token:2", r#"{"n":2}"#)
    );
    // the sealed time is the text the hash covers, and it is a time
    for entry in &appended {
        OffsetDateTime::parse(&entry.time, &Rfc3339).unwrap();
    }

    assert_eq!(store.audit_entries(0, usize::MAX).unwrap(), appended);
    let report = store.verify_audit().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.entries, 10);
    assert_eq!(report.head, appended[9].hash);
}

pub fn audit_entries_page_by_sequence(store: &dyn Store) {
    for n in 0..7 {
        store.append_audit(&event(n)).unwrap();
    }
    let seqs = |after: u64, limit: usize| -> Vec<u64> {
        store
            .audit_entries(after, limit)
            .unwrap()
            .iter()
            .map(|entry| entry.seq)
            .collect()
    };
    assert_eq!(seqs(0, 3), [1, 2, 3]);
    assert_eq!(seqs(3, 3), [4, 5, 6]);
    assert_eq!(seqs(6, 3), [7]);
    assert!(seqs(7, 3).is_empty());
    assert!(seqs(0, 0).is_empty());
}

pub fn two_handles_on_one_database_keep_one_chain(backend: &dyn Backend) {
    let first = backend.open();
    let second = backend.reopen();
    for n in 0..5 {
        first.append_audit(&event(n)).unwrap();
        second.append_audit(&event(n + 100)).unwrap();
    }
    for store in [&first, &second] {
        let report = store.verify_audit().unwrap();
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.entries, 10);
    }
    let entries = second.audit_entries(0, usize::MAX).unwrap();
    assert_chained(&entries);
    let resources: Vec<&str> = entries.iter().map(|e| e.resource.as_str()).collect();
    assert_eq!(
        resources,
        [
            "token:0",
            "token:100",
            "token:1",
            "token:101",
            "token:2",
            "token:102",
            "token:3",
            "token:103",
            "token:4",
            "token:104"
        ]
    );
}

pub fn the_head_and_single_entries_are_read_back(store: &dyn Store) {
    assert_eq!(store.audit_head().unwrap(), None);
    assert_eq!(store.audit_entry(1).unwrap(), None);
    let appended: Vec<AuditEntry> = (0..5)
        .map(|n| store.append_audit(&event(n)).unwrap())
        .collect();
    assert_eq!(store.audit_head().unwrap(), Some((5, appended[4].hash)));
    assert_eq!(store.audit_entry(3).unwrap().as_ref(), Some(&appended[2]));
    assert_eq!(store.audit_entry(1).unwrap().as_ref(), Some(&appended[0]));
    assert_eq!(store.audit_entry(6).unwrap(), None);
    assert_eq!(store.audit_entry(0).unwrap(), None);
}
