//! Evidence: appended, read per identifier, streamed by time.

mod common;

use common::{nth_number, store};
use fraudwall_lists::entry::Kind;
use fraudwall_store::{EvidenceClass, EvidenceRecord, NewEvidence, Store};

fn observation(n: u32, class: EvidenceClass, time: &str) -> NewEvidence {
    let number = nth_number(n);
    NewEvidence {
        kind: Kind::Number,
        value: number.value,
        key: number.key,
        class,
        source: format!("token:{n}"),
        time: time.into(),
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
        time: record.time.clone(),
        fraud_type: record.fraud_type.clone(),
        note: record.note.clone(),
    }
}

#[test]
fn evidence_is_read_per_identifier_and_streamed_by_time() {
    let (_dir, store) = store();
    let mut big_key = observation(9, EvidenceClass::Benign, "2025-01-05T00:00:00Z");
    big_key.key = u64::MAX;
    big_key.note = Some("operator says it is a courier".into());
    let records = vec![
        observation(1, EvidenceClass::Fraud, "2025-01-03T00:00:00Z"),
        observation(2, EvidenceClass::Fraud, "2025-01-01T00:00:00Z"),
        observation(1, EvidenceClass::Benign, "2025-01-02T00:00:00Z"),
        big_key.clone(),
    ];
    store.append_evidence(&records).unwrap();
    store.append_evidence(&[]).unwrap();

    let first = nth_number(1);
    let about_first = store.evidence_for(Kind::Number, first.key).unwrap();
    assert_eq!(
        about_first.iter().map(without_id).collect::<Vec<_>>(),
        [records[2].clone(), records[0].clone()]
    );
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

    let mut times = Vec::new();
    store
        .scan_evidence("2025-01-02T00:00:00Z", &mut |record: &EvidenceRecord| {
            times.push(record.time.clone())
        })
        .unwrap();
    assert_eq!(
        times,
        [
            "2025-01-02T00:00:00Z",
            "2025-01-03T00:00:00Z",
            "2025-01-05T00:00:00Z"
        ]
    );
}

#[test]
fn evidence_classes_round_trip_through_their_names() {
    for class in EvidenceClass::ALL {
        assert_eq!(class.as_str().parse::<EvidenceClass>(), Ok(class));
    }
    assert!("maybe".parse::<EvidenceClass>().is_err());
}
