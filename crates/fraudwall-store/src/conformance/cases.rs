//! Cases: filed once per fingerprint, moved on by version, scanned with their identifiers,
//! and cuts kept.

use fraudwall_lists::entry::Kind;
use time::macros::datetime;

use super::nth_number;
use crate::{CaseIdentifier, CaseProgress, CaseRecord, LinkCut, NewCase, Store};

fn case(n: u32, fingerprint: &str) -> NewCase {
    let victim = nth_number(n);
    let caller = nth_number(1000 + n);
    NewCase {
        fingerprint: fingerprint.to_owned(),
        fraud_type: "fake_customer_service".to_owned(),
        reported_at: datetime!(2026-11-01 10:00 UTC),
        victim_phone: victim.value,
        victim_key: victim.key,
        territory: Some("500101".to_owned()),
        loss_cents: 1_250_000,
        currency: "CNY".to_owned(),
        report: "{}".to_owned(),
        filed_by: "token:1:station".to_owned(),
        org: None,
        identifiers: vec![CaseIdentifier {
            kind: Kind::Number,
            value: caller.value,
            key: caller.key,
            link_key: u64::MAX - u64::from(n),
            role: "contact".to_owned(),
            time: Some(datetime!(2026-10-31 09:30 UTC)),
        }],
    }
}

pub fn a_case_is_filed_once_per_fingerprint_and_read_back(store: &dyn Store) {
    let now = datetime!(2026-11-02 08:00 UTC);
    let (first, created) = store.insert_case(&case(1, "a"), now).unwrap();
    assert!(created);
    let (again, created) = store.insert_case(&case(1, "a"), now).unwrap();
    assert!(!created);
    assert_eq!(again.id, first.id);
    let (other, _) = store.insert_case(&case(2, "b"), now).unwrap();
    assert_ne!(other.id, first.id);
    let read = store.case(first.id).unwrap().unwrap();
    assert_eq!(read, first);
    assert_eq!(read.progress.status, "reported");
    assert_eq!(read.version, 1);
    assert_eq!(read.filed_at, now);
    let named = store.case_identifiers(first.id).unwrap();
    assert_eq!(named, case(1, "a").identifiers);
    assert_eq!(
        store
            .cases(&[other.id, 999, first.id])
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>(),
        vec![other.id, first.id]
    );
    assert!(store.case(999).unwrap().is_none());
}

pub fn a_case_moves_on_only_from_the_version_read(store: &dyn Store) {
    let now = datetime!(2026-11-02 08:00 UTC);
    let (filed, _) = store.insert_case(&case(1, "a"), now).unwrap();
    let progress = CaseProgress {
        status: "investigating".to_owned(),
        suspects: "[]".to_owned(),
        arrests: 0,
        recovered_cents: 0,
        note: Some("assigned".to_owned()),
    };
    let later = datetime!(2026-11-03 08:00 UTC);
    let moved = store
        .update_case(filed.id, 1, &progress, "token:2:analyst", later)
        .unwrap()
        .unwrap();
    assert_eq!(moved.version, 2);
    assert_eq!(moved.progress, progress);
    assert_eq!(moved.updated_at, later);
    // a second writer still holding version 1 is refused
    assert!(
        store
            .update_case(filed.id, 1, &progress, "token:3:other", later)
            .unwrap()
            .is_none()
    );
    let versions = store.case_versions(filed.id).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].progress.status, "reported");
    assert_eq!(versions[1].by, "token:2:analyst");
}

pub fn cases_scan_in_id_order_with_their_identifiers_and_cuts_are_kept(store: &dyn Store) {
    let now = datetime!(2026-11-02 08:00 UTC);
    for n in 1..=3 {
        let mut filed = case(n, &format!("f{n}"));
        if n == 2 {
            filed.identifiers.clear();
        }
        store.insert_case(&filed, now).unwrap();
    }
    let mut seen: Vec<(i64, usize)> = Vec::new();
    store
        .scan_cases(&mut |record: &CaseRecord, named: &[CaseIdentifier]| {
            seen.push((record.id, named.len()));
        })
        .unwrap();
    assert_eq!(seen.len(), 3);
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(seen.iter().map(|s| s.1).collect::<Vec<_>>(), vec![1, 0, 1]);
    let cut = LinkCut {
        case_id: seen[0].0,
        link_key: u64::MAX - 1,
        kind: Kind::Number,
        value: "+8613800000001".to_owned(),
        by: "token:2:analyst".to_owned(),
        at: now,
        reason: Some("misremembered".to_owned()),
    };
    assert!(store.add_link_cut(&cut).unwrap());
    assert!(!store.add_link_cut(&cut).unwrap());
    assert_eq!(store.link_cuts().unwrap(), vec![cut.clone()]);
    assert!(store.remove_link_cut(cut.case_id, cut.link_key).unwrap());
    assert!(!store.remove_link_cut(cut.case_id, cut.link_key).unwrap());
    assert!(store.link_cuts().unwrap().is_empty());
}
