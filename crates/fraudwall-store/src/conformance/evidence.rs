//! Evidence: appended, read per identifier, streamed by time.

use fraudwall_lists::entry::Kind;
use time::OffsetDateTime;
use time::macros::datetime;

use super::nth_number;
use crate::{EvidenceClass, EvidenceRecord, NewEvidence, Store};

fn observation(n: u32, class: EvidenceClass, time: OffsetDateTime) -> NewEvidence {
    let number = nth_number(n);
    NewEvidence {
        kind: Kind::Number,
        value: number.value,
        key: number.key,
        class,
        source: format!("token:{n}"),
        time,
        fraud_type: (class == EvidenceClass::Fraud).then(|| "investment".to_owned()),
        note: None,
    }
}

fn without_id(record: &EvidenceRecord) -> NewEvidence {
    NewEvidence {
        kind: record.kind,
        value: record.value.clone(),
        key: record.key,
        class: record.class,
        source: record.source.clone(),
        time: record.time,
        fraud_type: record.fraud_type.clone(),
        note: record.note.clone(),
    }
}

fn scan_times(store: &dyn Store, since: OffsetDateTime) -> Vec<OffsetDateTime> {
    let mut times = Vec::new();
    store
        .scan_evidence(since, &mut |record: &EvidenceRecord| {
            times.push(record.time)
        })
        .unwrap();
    times
}

pub fn evidence_is_read_per_identifier_and_streamed_by_time(store: &dyn Store) {
    let mut big_key = observation(9, EvidenceClass::Benign, datetime!(2025-01-05 00:00:00 UTC));
    big_key.key = u64::MAX;
    big_key.note = Some("operator says it is a courier".into());
    let records = vec![
        observation(1, EvidenceClass::Fraud, datetime!(2025-01-03 00:00:00 UTC)),
        observation(2, EvidenceClass::Fraud, datetime!(2025-01-01 00:00:00 UTC)),
        observation(1, EvidenceClass::Benign, datetime!(2025-01-02 00:00:00 UTC)),
        big_key.clone(),
    ];
    store.append_evidence(&records).unwrap();

    let first = nth_number(1);
    let about_first = store.evidence_for(Kind::Number, first.key).unwrap();
    assert_eq!(
        about_first.iter().map(without_id).collect::<Vec<_>>(),
        [records[2].clone(), records[0].clone()]
    );
    assert_ne!(about_first[0].id, about_first[1].id);
    assert_eq!(
        store
            .evidence_for(Kind::Number, u64::MAX)
            .unwrap()
            .iter()
            .map(without_id)
            .collect::<Vec<_>>(),
        [big_key]
    );
    assert!(
        store
            .evidence_for(Kind::Account, first.key)
            .unwrap()
            .is_empty()
    );

    assert_eq!(
        scan_times(store, datetime!(2025-01-02 00:00:00 UTC)),
        [
            datetime!(2025-01-02 00:00:00 UTC),
            datetime!(2025-01-03 00:00:00 UTC),
            datetime!(2025-01-05 00:00:00 UTC),
        ]
    );
    assert!(scan_times(store, datetime!(2025-01-05 00:00:01 UTC)).is_empty());
}

pub fn evidence_times_are_kept_to_the_second(store: &dyn Store) {
    let records = [
        observation(
            1,
            EvidenceClass::Fraud,
            datetime!(2025-03-04 05:06:07.75 UTC),
        ),
        // another offset: the same instant comes back, however it is spelled
        observation(
            1,
            EvidenceClass::Benign,
            datetime!(2025-03-04 13:06:08.999 +08:00),
        ),
    ];
    store.append_evidence(&records).unwrap();
    let times: Vec<OffsetDateTime> = store
        .evidence_for(Kind::Number, nth_number(1).key)
        .unwrap()
        .iter()
        .map(|record| record.time)
        .collect();
    assert_eq!(
        times,
        [
            datetime!(2025-03-04 05:06:07 UTC),
            datetime!(2025-03-04 05:06:08 UTC)
        ]
    );
    assert_eq!(
        scan_times(store, datetime!(2025-03-04 05:06:08 UTC)),
        [datetime!(2025-03-04 05:06:08 UTC)]
    );
}

pub fn an_empty_batch_of_evidence_is_accepted(store: &dyn Store) {
    store.append_evidence(&[]).unwrap();
    assert!(scan_times(store, OffsetDateTime::UNIX_EPOCH).is_empty());
}
