//! Evidence classes, apart from any store: their stored names.

use fraudwall_store::EvidenceClass;

#[test]
fn evidence_classes_round_trip_through_their_names() {
    for class in EvidenceClass::ALL {
        assert_eq!(class.as_str().parse::<EvidenceClass>(), Ok(class));
    }
    assert!("maybe".parse::<EvidenceClass>().is_err());
}
