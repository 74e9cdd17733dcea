//! The list semantics of the store: outcomes, versions, tombstones, the change feed, expiry,
//! history and the lookups built on them.

use fraudwall_lists::entry::{Identifier, Kind, List, Outcome, Severity, Source};
use sha2::{Digest, Sha256};
use time::format_description::well_known::Rfc3339;
use time::macros::{datetime, offset};
use time::{Duration, OffsetDateTime};

use super::{attrs, id, nth_number, number, put, remove, replace};
use crate::{ChangeCursor, EntryFilter, LiveRow, Store, StoreError};

/// The clock of these cases, and the same instant as an expiry is spelled.
const NOW: OffsetDateTime = datetime!(2025-06-01 00:00:00 UTC);
const NOW_TEXT: &str = "2025-06-01T00:00:00Z";

fn live_keys(store: &dyn Store, now: OffsetDateTime) -> (u64, Vec<(List, Kind, u64)>) {
    let mut rows = Vec::new();
    let version = store
        .scan_live_entries(now, &mut |row: &LiveRow<'_>| {
            rows.push((row.list, row.kind, row.key))
        })
        .unwrap();
    rows.sort();
    (version, rows)
}

pub fn a_fresh_store_has_version_zero_and_no_entries(store: &dyn Store) {
    assert_eq!(store.list_version().unwrap(), 0);
    assert_eq!(store.list_counts().unwrap(), vec![]);
    assert_eq!(live_keys(store, NOW), (0, vec![]));
    assert!(
        store
            .list_changes(ChangeCursor::default(), 10)
            .unwrap()
            .is_empty()
    );
}

pub fn duplicates_within_and_across_batches_change_nothing(store: &dyn Store) {
    let a = number("13800138000");
    let b = number("13900139000");
    let mut other = attrs(Source::Report);
    other.confidence = 0.5;
    let applied = store
        .apply_list_changes(
            &[
                put(List::Black, &a, attrs(Source::Import)),
                // repeated in the batch: a duplicate even though it asks to replace
                replace(List::Black, &a, other.clone()),
                put(List::Black, &b, attrs(Source::Import)),
                // the same value on another list is another entry
                put(List::Gray, &a, attrs(Source::Import)),
            ],
            "import",
            false,
        )
        .unwrap();
    assert_eq!(
        applied.outcomes,
        [
            Outcome::Added,
            Outcome::Duplicate,
            Outcome::Added,
            Outcome::Added
        ]
    );
    assert_eq!(applied.version, 1);
    let stored = store
        .list_entry(List::Black, Kind::Number, &a.value)
        .unwrap()
        .unwrap();
    assert_eq!(stored.attributes, attrs(Source::Import));

    let again = store
        .apply_list_changes(
            &[
                put(List::Black, &a, other.clone()),
                put(List::Black, &b, attrs(Source::Import)),
            ],
            "import",
            false,
        )
        .unwrap();
    assert_eq!(again.outcomes, [Outcome::Duplicate, Outcome::Duplicate]);
    assert_eq!(again.version, 1);
    assert_eq!(store.list_version().unwrap(), 1);
}

pub fn replace_updates_only_when_the_attributes_differ(store: &dyn Store) {
    let a = number("13800138000");
    store
        .apply_list_changes(
            &[put(List::Black, &a, attrs(Source::Report))],
            "alice",
            false,
        )
        .unwrap();

    let same = store
        .apply_list_changes(
            &[replace(List::Black, &a, attrs(Source::Report))],
            "bob",
            false,
        )
        .unwrap();
    assert_eq!((same.outcomes[0], same.version), (Outcome::Duplicate, 1));

    let mut changed = attrs(Source::Analyst);
    changed.fraud_type = Some("fake_customer_service".into());
    changed.severity = Severity::Fatal;
    changed.confidence = 0.75;
    changed.expires_at = Some("2099-01-01T00:00:00Z".into());
    changed.evidence = vec!["case:1".into(), "report:\"7\"".into()];
    changed.note = Some("seen in 3 cases".into());
    let updated = store
        .apply_list_changes(&[replace(List::Black, &a, changed.clone())], "bob", false)
        .unwrap();
    assert_eq!(
        (updated.outcomes[0], updated.version),
        (Outcome::Updated, 2)
    );

    let entry = store
        .list_entry(List::Black, Kind::Number, &a.value)
        .unwrap()
        .unwrap();
    assert_eq!(entry.attributes, changed);
    assert_eq!(entry.identifier, a);
    assert_eq!((entry.version, entry.author.as_str()), (2, "bob"));
    assert!(!entry.removed);

    let history = store.list_history(entry.id).unwrap();
    let actions: Vec<_> = history
        .iter()
        .map(|h| (h.action.as_str(), h.actor.as_str(), h.version))
        .collect();
    assert_eq!(actions, [("add", "alice", 1), ("update", "bob", 2)]);
    assert_eq!(history[0].before, None);
    assert_eq!(history[0].after, history[1].before);
    let before: serde_json::Value =
        serde_json::from_str(history[1].before.as_deref().unwrap()).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(history[1].after.as_deref().unwrap()).unwrap();
    assert_eq!(
        before,
        serde_json::json!({ "source": "report", "confidence": 1.0, "severity": "normal" })
    );
    assert_eq!(
        after,
        serde_json::json!({
            "source": "analyst", "fraud_type": "fake_customer_service", "confidence": 0.75,
            "severity": "fatal", "expires_at": "2099-01-01T00:00:00Z",
            "evidence": ["case:1", "report:\"7\""], "note": "seen in 3 cases"
        })
    );
}

pub fn removal_leaves_a_tombstone_that_a_put_revives(store: &dyn Store) {
    let a = number("13800138000");
    let missing = number("13700137000");
    store
        .apply_list_changes(
            &[put(List::Gray, &a, attrs(Source::Report))],
            "alice",
            false,
        )
        .unwrap();

    let removed = store
        .apply_list_changes(
            &[
                remove(List::Gray, &a),
                remove(List::Gray, &a),
                remove(List::Gray, &missing),
            ],
            "bob",
            false,
        )
        .unwrap();
    assert_eq!(
        removed.outcomes,
        [Outcome::Removed, Outcome::NotFound, Outcome::NotFound]
    );
    assert_eq!(removed.version, 2);
    let tombstone = store
        .list_entry(List::Gray, Kind::Number, &a.value)
        .unwrap()
        .unwrap();
    assert!(tombstone.removed);
    assert_eq!((tombstone.version, tombstone.author.as_str()), (2, "bob"));
    assert_eq!(live_keys(store, NOW), (2, vec![]));

    let again = store
        .apply_list_changes(&[remove(List::Gray, &a)], "bob", false)
        .unwrap();
    assert_eq!((again.outcomes[0], again.version), (Outcome::NotFound, 2));

    let mut revived_attrs = attrs(Source::Case);
    revived_attrs.fraud_type = Some("investment".into());
    let revived = store
        .apply_list_changes(
            &[put(List::Gray, &a, revived_attrs.clone())],
            "carol",
            false,
        )
        .unwrap();
    assert_eq!((revived.outcomes[0], revived.version), (Outcome::Added, 3));
    let entry = store
        .list_entry(List::Gray, Kind::Number, &a.value)
        .unwrap()
        .unwrap();
    assert_eq!(entry.id, tombstone.id);
    assert!(!entry.removed);
    assert_eq!(entry.attributes, revived_attrs);
    assert_eq!(entry.created_at, tombstone.created_at);

    let history = store.list_history(entry.id).unwrap();
    let actions: Vec<_> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["add", "remove", "add"]);
    assert!(history[1].before.is_some() && history[1].after.is_none());
    assert!(history[2].before.is_none() && history[2].after.is_some());
}

pub fn a_removal_and_a_put_in_one_batch_apply_in_order(store: &dyn Store) {
    let a = number("13800138000");
    let applied = store
        .apply_list_changes(
            &[
                put(List::Black, &a, attrs(Source::Report)),
                remove(List::Black, &a),
                put(List::Black, &a, attrs(Source::Case)),
                put(List::Black, &a, attrs(Source::Import)),
            ],
            "alice",
            false,
        )
        .unwrap();
    assert_eq!(
        applied.outcomes,
        [
            Outcome::Added,
            Outcome::Removed,
            Outcome::Added,
            Outcome::Duplicate
        ]
    );
    assert_eq!(applied.version, 1);
    let entry = store
        .list_entry(List::Black, Kind::Number, &a.value)
        .unwrap()
        .unwrap();
    assert_eq!(
        (entry.attributes.source, entry.removed),
        (Source::Case, false)
    );
    assert_eq!(store.list_history(entry.id).unwrap().len(), 3);
}

pub fn the_official_whitelist_changes_only_with_permission(store: &dyn Store) {
    let bank = number("95588");
    let other = number("95599");

    let refused = store
        .apply_list_changes(
            &[put(List::White, &bank, attrs(Source::Official))],
            "alice",
            false,
        )
        .unwrap();
    assert_eq!(
        (refused.outcomes[0], refused.version),
        (Outcome::Forbidden, 0)
    );
    assert_eq!(
        store
            .list_entry(List::White, Kind::Number, &bank.value)
            .unwrap(),
        None
    );

    let allowed = store
        .apply_list_changes(
            &[put(List::White, &bank, attrs(Source::Official))],
            "admin",
            true,
        )
        .unwrap();
    assert_eq!((allowed.outcomes[0], allowed.version), (Outcome::Added, 1));

    let mut edited = attrs(Source::Analyst);
    edited.note = Some("not really official".into());
    let attempts = store
        .apply_list_changes(
            &[
                // modifying an official entry
                replace(List::White, &bank, edited.clone()),
                // removing it
                remove(List::White, &bank),
                // a put that changes nothing is harmless
                put(List::White, &bank, edited.clone()),
                // creating an official entry
                put(List::White, &other, attrs(Source::Official)),
                // an ordinary change in the same batch still goes through
                put(List::Black, &other, attrs(Source::Report)),
            ],
            "alice",
            false,
        )
        .unwrap();
    assert_eq!(
        attempts.outcomes,
        [
            Outcome::Forbidden,
            Outcome::Forbidden,
            Outcome::Duplicate,
            Outcome::Forbidden,
            Outcome::Added
        ]
    );
    assert_eq!(attempts.version, 2);
    let entry = store
        .list_entry(List::White, Kind::Number, &bank.value)
        .unwrap()
        .unwrap();
    assert_eq!(
        (entry.attributes.source, entry.removed, entry.version),
        (Source::Official, false, 1)
    );

    // turning an ordinary entry official is creating an official entry
    let promote = store
        .apply_list_changes(
            &[replace(List::Black, &other, attrs(Source::Official))],
            "alice",
            false,
        )
        .unwrap();
    assert_eq!(
        (promote.outcomes[0], promote.version),
        (Outcome::Forbidden, 2)
    );

    let admin = store
        .apply_list_changes(
            &[
                replace(List::White, &bank, edited.clone()),
                remove(List::White, &bank),
            ],
            "admin",
            true,
        )
        .unwrap();
    assert_eq!(admin.outcomes, [Outcome::Updated, Outcome::Removed]);
    assert_eq!(admin.version, 3);
}

pub fn the_version_moves_once_per_changing_batch(store: &dyn Store) {
    let numbers: Vec<Identifier> = (0..100).map(nth_number).collect();
    let changes: Vec<_> = numbers
        .iter()
        .map(|n| put(List::Black, n, attrs(Source::Import)))
        .collect();
    let applied = store.apply_list_changes(&changes, "import", false).unwrap();
    assert_eq!(applied.version, 1);
    assert_eq!(applied.changed(), 100);
    let all = store
        .list_changes(ChangeCursor::default(), usize::MAX)
        .unwrap();
    assert_eq!(all.len(), 100);
    assert!(all.iter().all(|entry| entry.version == 1));

    assert_eq!(
        store
            .apply_list_changes(&changes, "import", false)
            .unwrap()
            .version,
        1
    );
    assert_eq!(
        store
            .apply_list_changes(&[], "import", false)
            .unwrap()
            .version,
        1
    );
    let missing = remove(List::Gray, &numbers[0]);
    assert_eq!(
        store
            .apply_list_changes(&[missing], "import", false)
            .unwrap()
            .version,
        1
    );
    assert_eq!(store.list_version().unwrap(), 1);

    let one = store
        .apply_list_changes(
            &[
                remove(List::Black, &numbers[0]),
                remove(List::Black, &numbers[1]),
            ],
            "x",
            false,
        )
        .unwrap();
    assert_eq!(one.version, 2);
}

pub fn the_change_feed_pages_inside_one_version_and_carries_tombstones(store: &dyn Store) {
    let numbers: Vec<Identifier> = (0..2_500).map(nth_number).collect();
    let changes: Vec<_> = numbers
        .iter()
        .map(|n| put(List::Black, n, attrs(Source::Import)))
        .collect();
    assert_eq!(
        store
            .apply_list_changes(&changes, "import", false)
            .unwrap()
            .version,
        1
    );

    let mut cursor = ChangeCursor::since(0);
    let mut seen = Vec::new();
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let page = store.list_changes(cursor, 1_000).unwrap();
        let Some(last) = page.last() else { break };
        cursor = ChangeCursor::after(last.version, last.id);
        pages += 1;
        ids.extend(page.iter().map(|entry| entry.id));
        seen.extend(page.into_iter().map(|entry| entry.identifier.value));
    }
    assert_eq!(pages, 3);
    let expected: Vec<String> = numbers.iter().map(|n| n.value.clone()).collect();
    assert_eq!(seen, expected, "every entry once, in id order");

    // the tail of the feed after the import is the removals alone, as tombstones
    let removals: Vec<_> = numbers[..10]
        .iter()
        .map(|n| remove(List::Black, n))
        .collect();
    assert_eq!(
        store
            .apply_list_changes(&removals, "alice", false)
            .unwrap()
            .version,
        2
    );
    let delta = store.list_changes(ChangeCursor::since(1), 1_000).unwrap();
    assert_eq!(delta.len(), 10);
    assert!(
        delta
            .iter()
            .all(|entry| entry.removed && entry.version == 2)
    );
    // a cursor inside version 1 continues with the rest of version 1, then version 2
    let tail = store
        .list_changes(ChangeCursor::after(1, ids[1_999]), 1_000)
        .unwrap();
    assert_eq!(tail.len(), 500 + 10);
    assert_eq!(tail[0].id, ids[2_000]);
    assert!(tail[500..].iter().all(|entry| entry.removed));
    assert!(
        store
            .list_changes(ChangeCursor::since(2), 1_000)
            .unwrap()
            .is_empty()
    );
}

pub fn listings_filter_and_page_by_id(store: &dyn Store) {
    let a = number("13800138000");
    let b = number("13900139000");
    let app = id(Kind::App, "com.evil.app");
    store
        .apply_list_changes(
            &[
                put(List::Black, &a, attrs(Source::Report)),
                put(List::Gray, &b, attrs(Source::Report)),
                put(List::Black, &app, attrs(Source::Report)),
                put(List::Black, &b, attrs(Source::Report)),
            ],
            "alice",
            false,
        )
        .unwrap();
    store
        .apply_list_changes(&[remove(List::Black, &b)], "alice", false)
        .unwrap();

    let values = |filter: EntryFilter, after: i64, limit: usize| -> Vec<String> {
        store
            .list_entries(&filter, after, limit)
            .unwrap()
            .into_iter()
            .map(|e| format!("{}:{}", e.list, e.identifier.value))
            .collect()
    };
    let everything = EntryFilter {
        include_removed: true,
        ..EntryFilter::default()
    };
    assert_eq!(values(everything, 0, 100).len(), 4);
    assert_eq!(values(EntryFilter::default(), 0, 100).len(), 3);
    let black = EntryFilter {
        list: Some(List::Black),
        ..EntryFilter::default()
    };
    assert_eq!(
        values(black, 0, 100),
        ["black:+8613800138000", "black:com.evil.app"]
    );
    let black_numbers = EntryFilter {
        kind: Some(Kind::Number),
        include_removed: true,
        ..black
    };
    assert_eq!(
        values(black_numbers, 0, 100),
        ["black:+8613800138000", "black:+8613900139000"]
    );
    let first = store.list_entries(&everything, 0, 2).unwrap();
    assert_eq!(first.len(), 2);
    let rest = store.list_entries(&everything, first[1].id, 100).unwrap();
    assert_eq!(rest.len(), 2);
    assert!(rest[0].id > first[1].id);
}

pub fn the_rebuild_scan_skips_removed_and_expired_entries(store: &dyn Store) {
    let kept = number("13800138000");
    let gone = number("13900139000");
    let expired = number("13700137000");
    let later = number("13600136000");
    let mut scam = attrs(Source::Case);
    scam.fraud_type = Some("investment".into());
    scam.severity = Severity::Fatal;
    scam.confidence = 0.625;
    let mut past = attrs(Source::Report);
    past.expires_at = Some("2025-01-01T00:00:00Z".into());
    let mut future = attrs(Source::Report);
    future.expires_at = Some("2026-01-01T00:00:00Z".into());
    store
        .apply_list_changes(
            &[
                put(List::Black, &kept, scam),
                put(List::Black, &gone, attrs(Source::Report)),
                put(List::Gray, &expired, past),
                put(List::Gray, &later, future),
            ],
            "alice",
            false,
        )
        .unwrap();
    store
        .apply_list_changes(&[remove(List::Black, &gone)], "alice", false)
        .unwrap();

    let mut rows = Vec::new();
    let version = store
        .scan_live_entries(NOW, &mut |row: &LiveRow<'_>| {
            rows.push((
                row.list,
                row.key,
                row.source,
                row.severity,
                row.confidence,
                row.fraud_type.map(str::to_owned),
            ))
        })
        .unwrap();
    assert_eq!(version, 2);
    rows.sort_by_key(|row| row.1);
    let mut expected = vec![
        (
            List::Black,
            kept.key,
            Source::Case,
            Severity::Fatal,
            0.625,
            Some("investment".to_owned()),
        ),
        (
            List::Gray,
            later.key,
            Source::Report,
            Severity::Normal,
            1.0,
            None,
        ),
    ];
    expected.sort_by_key(|row| row.1);
    assert_eq!(rows, expected);

    // after the later expiry, only the first is left
    let (_, rows) = live_keys(store, datetime!(2026-01-01 00:00:00 UTC));
    assert_eq!(rows, [(List::Black, Kind::Number, kept.key)]);
}

pub fn an_entry_expiring_at_now_is_not_live(store: &dyn Store) {
    let due = number("13800138000");
    let mut expiring = attrs(Source::Report);
    expiring.expires_at = Some(NOW_TEXT.into());
    store
        .apply_list_changes(&[put(List::Black, &due, expiring)], "alice", false)
        .unwrap();
    let hash = due.lookup_hash().unwrap();
    let live_at = |now: OffsetDateTime| {
        let scanned = !live_keys(store, now).1.is_empty();
        let found = !store
            .lookup_by_hash_prefix(&hash, now, 10)
            .unwrap()
            .is_empty();
        assert_eq!(scanned, found, "the scan and the lookup disagree at {now}");
        scanned
    };
    assert!(live_at(NOW - Duration::SECOND));
    assert!(live_at(NOW - Duration::milliseconds(500)));
    assert!(!live_at(NOW));
    assert!(!live_at(NOW + Duration::milliseconds(500)));
    assert!(!live_at(NOW.to_offset(offset!(+8))));

    assert_eq!(
        store
            .expire_list_entries(NOW - Duration::SECOND)
            .unwrap()
            .count,
        0
    );
    let expired = store.expire_list_entries(NOW).unwrap();
    assert_eq!((expired.count, expired.version), (1, 2));
}

pub fn history_times_are_kept_to_the_second(store: &dyn Store) {
    let started = OffsetDateTime::now_utc();
    let a = number("13800138000");
    store
        .apply_list_changes(
            &[put(List::Black, &a, attrs(Source::Report))],
            "alice",
            false,
        )
        .unwrap();
    store
        .apply_list_changes(&[remove(List::Black, &a)], "alice", false)
        .unwrap();
    let finished = OffsetDateTime::now_utc();
    let is_now = |time: OffsetDateTime| {
        assert_eq!(time.nanosecond(), 0, "{time}");
        assert!(
            time > started - Duration::SECOND && time <= finished,
            "{time} is not now"
        );
    };

    let entry = store
        .list_entry(List::Black, Kind::Number, &a.value)
        .unwrap()
        .unwrap();
    for text in [&entry.created_at, &entry.updated_at] {
        is_now(OffsetDateTime::parse(text, &Rfc3339).unwrap());
    }
    let history = store.list_history(entry.id).unwrap();
    assert_eq!(history.len(), 2);
    for record in &history {
        is_now(record.time);
    }
    assert!(history[0].time <= history[1].time);
}

pub fn expiry_makes_tombstones_in_one_version(store: &dyn Store) {
    let numbers: Vec<Identifier> = (0..5).map(nth_number).collect();
    let mut changes = Vec::new();
    for (n, identifier) in numbers.iter().enumerate() {
        let mut a = attrs(Source::Report);
        a.expires_at = match n {
            0 | 1 => Some("2000-01-01T00:00:00Z".into()),
            2 => Some(NOW_TEXT.into()),
            3 => Some("2999-01-01T00:00:00Z".into()),
            _ => None,
        };
        changes.push(put(List::Gray, identifier, a));
    }
    store.apply_list_changes(&changes, "alice", false).unwrap();
    // counts use the real clock, which is past all but the last two
    let counts = store.list_counts().unwrap();
    assert_eq!(counts, [(List::Gray, Kind::Number, 2)]);

    let expired = store.expire_list_entries(NOW).unwrap();
    assert_eq!((expired.count, expired.version), (3, 2));
    for (n, identifier) in numbers.iter().enumerate() {
        let entry = store
            .list_entry(List::Gray, Kind::Number, &identifier.value)
            .unwrap()
            .unwrap();
        assert_eq!(entry.removed, n <= 2, "entry {n}");
        if entry.removed {
            assert_eq!((entry.version, entry.author.as_str()), (2, "fraudwall"));
            let history = store.list_history(entry.id).unwrap();
            let last = history.last().unwrap();
            assert_eq!(
                (last.action.as_str(), last.actor.as_str(), last.version),
                ("expire", "fraudwall", 2)
            );
            assert!(
                last.before
                    .as_deref()
                    .unwrap()
                    .contains("\"expires_at\":\"")
                    && last.after.is_none()
            );
        }
    }
    let delta = store.list_changes(ChangeCursor::since(1), 100).unwrap();
    assert_eq!(delta.len(), 3);

    let nothing = store.expire_list_entries(NOW).unwrap();
    assert_eq!((nothing.count, nothing.version), (0, 2));
    assert_eq!(store.list_version().unwrap(), 2);
}

/// A number whose lookup hash starts with `first`.
fn number_hashing_to(first: u8) -> Identifier {
    (0..100_000)
        .map(nth_number)
        .find(|n| n.lookup_hash().unwrap()[0] == first)
        .unwrap()
}

pub fn hash_prefix_lookup_finds_live_black_and_gray_entries(store: &dyn Store) {
    let black = number("13800138000");
    let gray = id(Kind::Url, "evil.example/login/");
    let white = number("95588");
    let removed = number("13900139000");
    let expired = number("13700137000");
    let app = id(Kind::App, "com.evil.app");
    let edge = number_hashing_to(0xff);
    let low = number_hashing_to(0x00);
    let mut scam = attrs(Source::Case);
    scam.fraud_type = Some("phishing".into());
    let mut past = attrs(Source::Report);
    past.expires_at = Some("2000-01-01T00:00:00Z".into());
    store
        .apply_list_changes(
            &[
                put(List::Black, &black, attrs(Source::Report)),
                put(List::Gray, &gray, scam),
                put(List::White, &white, attrs(Source::Analyst)),
                put(List::Black, &removed, attrs(Source::Report)),
                put(List::Black, &expired, past),
                put(List::Black, &app, attrs(Source::Report)),
                put(List::Black, &edge, attrs(Source::Report)),
                put(List::Gray, &low, attrs(Source::Report)),
            ],
            "alice",
            false,
        )
        .unwrap();
    store
        .apply_list_changes(&[remove(List::Black, &removed)], "alice", false)
        .unwrap();

    let hash: [u8; 32] = Sha256::digest(black.value.as_bytes()).into();
    for len in 1..=32 {
        let found = store.lookup_by_hash_prefix(&hash[..len], NOW, 100).unwrap();
        assert!(
            found
                .iter()
                .any(|m| m.hash == hash && m.list == List::Black && m.kind == Kind::Number),
            "prefix of {len}"
        );
        assert!(found.iter().all(|m| m.hash.starts_with(&hash[..len])));
    }
    let url = store
        .lookup_by_hash_prefix(&gray.lookup_hash().unwrap(), NOW, 10)
        .unwrap();
    assert_eq!(url.len(), 1);
    assert_eq!(
        (url[0].list, url[0].kind, url[0].fraud_type.as_deref()),
        (List::Gray, Kind::Url, Some("phishing"))
    );

    for hidden in [&white, &removed, &expired] {
        let hash = hidden.lookup_hash().unwrap();
        assert!(
            store
                .lookup_by_hash_prefix(&hash, NOW, 10)
                .unwrap()
                .is_empty(),
            "{}",
            hidden.value
        );
    }

    // all-0xff prefixes have no incremented upper bound
    let edge_hash = edge.lookup_hash().unwrap();
    let top = store.lookup_by_hash_prefix(&[0xff], NOW, 100).unwrap();
    assert!(top.iter().any(|m| m.hash == edge_hash));
    assert!(top.iter().all(|m| m.hash[0] == 0xff));
    assert!(
        store
            .lookup_by_hash_prefix(&[0xff; 32], NOW, 10)
            .unwrap()
            .iter()
            .all(|m| m.hash == [0xff; 32])
    );
    let bottom = store.lookup_by_hash_prefix(&[0x00], NOW, 100).unwrap();
    assert!(bottom.iter().any(|m| m.hash == low.lookup_hash().unwrap()));
    assert!(bottom.iter().all(|m| m.hash[0] == 0x00));

    // every live black or gray hashed entry has some one-byte prefix
    let total: usize = (0..=255u8)
        .map(|b| store.lookup_by_hash_prefix(&[b], NOW, 100).unwrap().len())
        .sum();
    assert_eq!(total, 4);
    assert_eq!(
        store.lookup_by_hash_prefix(&[0xff], NOW, 0).unwrap().len(),
        0
    );

    for bad in [&[][..], &[0u8; 33][..]] {
        let err = store.lookup_by_hash_prefix(bad, NOW, 10).unwrap_err();
        assert!(matches!(err, StoreError::InvalidHashPrefix { .. }), "{err}");
    }
}

pub fn keys_above_i64_max_round_trip(store: &dyn Store) {
    let identifier = Identifier {
        kind: Kind::Account,
        value: "6222020200000000000".into(),
        key: u64::MAX - 7,
    };
    let low = Identifier {
        kind: Kind::Account,
        value: "1".into(),
        key: 1 << 63,
    };
    store
        .apply_list_changes(
            &[
                put(List::Black, &identifier, attrs(Source::Case)),
                put(List::Black, &low, attrs(Source::Case)),
            ],
            "alice",
            false,
        )
        .unwrap();
    let entry = store
        .list_entry(List::Black, Kind::Account, &identifier.value)
        .unwrap()
        .unwrap();
    assert_eq!(entry.identifier, identifier);
    let (_, rows) = live_keys(store, NOW);
    assert_eq!(
        rows,
        [
            (List::Black, Kind::Account, 1 << 63),
            (List::Black, Kind::Account, u64::MAX - 7)
        ]
    );
    let feed = store.list_changes(ChangeCursor::default(), 10).unwrap();
    assert_eq!(feed[0].identifier.key, u64::MAX - 7);
}

pub fn list_counts_group_by_list_and_kind(store: &dyn Store) {
    let mut changes: Vec<_> = (0..3)
        .map(|n| put(List::Black, &nth_number(n), attrs(Source::Import)))
        .collect();
    changes.push(put(List::Gray, &nth_number(0), attrs(Source::Import)));
    changes.push(put(
        List::Black,
        &id(Kind::Domain, "evil.example"),
        attrs(Source::Import),
    ));
    store.apply_list_changes(&changes, "import", false).unwrap();
    store
        .apply_list_changes(&[remove(List::Black, &nth_number(2))], "x", false)
        .unwrap();
    let mut counts = store.list_counts().unwrap();
    counts.sort();
    assert_eq!(
        counts,
        [
            (List::Black, Kind::Number, 2),
            (List::Black, Kind::Domain, 1),
            (List::Gray, Kind::Number, 1)
        ]
    );
}
