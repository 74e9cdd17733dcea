//! Clues: merged per reporter and identifier, listed, counted, reviewed into reporters' records.

use fraudwall_lists::entry::Kind;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use super::nth_number;
use crate::{
    ClueFilter, ClueKind, ClueReview, ClueStatus, EvidenceClass, NewClue, NewEvidence, Store,
};

fn clue(n: u32, reporter: &str, at: OffsetDateTime) -> NewClue {
    let number = nth_number(n);
    NewClue {
        kind: ClueKind::Number,
        id_kind: number.kind,
        value: number.value,
        key: number.key,
        text: None,
        fraud_type: None,
        reporter: reporter.to_owned(),
        reporter_role: "reporter".to_owned(),
        status: ClueStatus::Pending,
        at,
    }
}

fn evidence_of(clue: &NewClue, source: &str, class: EvidenceClass) -> NewEvidence {
    NewEvidence {
        kind: clue.id_kind,
        value: clue.value.clone(),
        key: clue.key,
        class,
        source: source.to_owned(),
        time: clue.at,
        fraud_type: clue.fraud_type.clone(),
        note: None,
    }
}

pub fn a_report_repeated_by_its_reporter_merges_into_one_clue(store: &dyn Store) {
    let start = datetime!(2025-03-01 08:00:00 UTC);
    let first = clue(1, "reporter:1", start);
    let made = store
        .submit_clue(
            &first,
            Some(&evidence_of(&first, "reporter:1", EvidenceClass::Fraud)),
        )
        .unwrap();
    assert!(made.created);
    assert_eq!(made.clue.count, 1);
    assert_eq!(made.clue.status, ClueStatus::Pending);
    assert_eq!(made.clue.evidence_at, Some(start));
    assert_eq!(made.clue.first_at, start);

    let mut again = clue(1, "reporter:1", start + Duration::hours(2));
    again.text = Some("call me back".into());
    again.fraud_type = Some("fake_customer_service".into());
    // a merged clue keeps its own status, whatever the new report would have started in
    again.status = ClueStatus::NeedsReview;
    let merged = store.submit_clue(&again, None).unwrap();
    assert!(!merged.created);
    assert_eq!(merged.clue.id, made.clue.id);
    assert_eq!(merged.clue.count, 2);
    assert_eq!(merged.clue.status, ClueStatus::Pending);
    assert_eq!(merged.clue.first_at, start);
    assert_eq!(merged.clue.last_at, start + Duration::hours(2));
    assert_eq!(
        merged.clue.evidence_at,
        Some(start),
        "no evidence came with it"
    );
    assert_eq!(merged.clue.text.as_deref(), Some("call me back"));
    assert_eq!(
        merged.clue.fraud_type.as_deref(),
        Some("fake_customer_service")
    );

    // another reporter, or another kind of clue about the same number, is another clue
    let other = store
        .submit_clue(&clue(1, "reporter:2", start), None)
        .unwrap();
    assert!(other.created);
    let mut sms = clue(1, "reporter:1", start);
    sms.kind = ClueKind::Sms;
    assert!(store.submit_clue(&sms, None).unwrap().created);

    let number = nth_number(1);
    let about = store.clues_about(Kind::Number, number.key).unwrap();
    assert_eq!(about.len(), 3);
    assert_eq!(
        store
            .reporter_clue("reporter:1", ClueKind::Number, Kind::Number, number.key)
            .unwrap(),
        Some(merged.clue.clone())
    );
    assert_eq!(store.clue(made.clue.id).unwrap(), Some(merged.clue));
    assert_eq!(store.clue(9_999).unwrap(), None);
    // the evidence went in with the clue
    let evidence = store.evidence_for(Kind::Number, number.key).unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].source, "reporter:1");
}

pub fn clues_are_listed_by_status_and_reporter_and_counted_per_identifier(store: &dyn Store) {
    let start = datetime!(2025-03-01 08:00:00 UTC);
    for (i, reporter) in ["reporter:1", "reporter:2", "public", "token:9"]
        .into_iter()
        .enumerate()
    {
        let mut new = clue(5, reporter, start + Duration::minutes(i as i64));
        if reporter == "public" {
            new.reporter_role = "public".into();
        }
        if reporter == "token:9" {
            new.reporter_role = "telco".into();
        }
        let evidence = evidence_of(&new, reporter, EvidenceClass::Fraud);
        store.submit_clue(&new, Some(&evidence)).unwrap();
    }
    let mut review = clue(6, "reporter:1", start);
    review.status = ClueStatus::NeedsReview;
    store.submit_clue(&review, None).unwrap();

    let key = nth_number(5).key;
    let citizens = ["reporter", "public"];
    assert_eq!(
        store
            .count_clue_evidence(Kind::Number, key, start, &citizens)
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .count_clue_evidence(Kind::Number, key, start + Duration::minutes(1), &citizens)
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_clue_evidence(Kind::Number, key, start, &["telco"])
            .unwrap(),
        1
    );

    let all = store.clues(&ClueFilter::default(), 0, 100).unwrap();
    assert_eq!(all.len(), 5);
    assert!(all.windows(2).all(|w| w[0].id < w[1].id));
    let page = store.clues(&ClueFilter::default(), all[1].id, 2).unwrap();
    assert_eq!(
        page.iter().map(|c| c.id).collect::<Vec<_>>(),
        [all[2].id, all[3].id]
    );
    let waiting = ClueFilter {
        status: Some(ClueStatus::NeedsReview),
        reporter: None,
    };
    let waiting = store.clues(&waiting, 0, 100).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].value, nth_number(6).value);
    let own = ClueFilter {
        status: None,
        reporter: Some("reporter:1".into()),
    };
    assert_eq!(store.clues(&own, 0, 100).unwrap().len(), 2);
}

pub fn a_review_counts_in_the_reporters_record_once_and_appends_its_evidence(store: &dyn Store) {
    let start = datetime!(2025-03-01 08:00:00 UTC);
    let mut ids = Vec::new();
    for n in 0..3 {
        let made = store
            .submit_clue(&clue(n, "reporter:1", start), None)
            .unwrap();
        ids.push(made.clue.id);
    }
    let seen = store.reporter("reporter:1").unwrap().unwrap();
    assert_eq!((seen.confirmed, seen.refuted), (0, 0));
    assert_eq!(seen.role, "reporter");
    assert_eq!(seen.first_seen, start);
    assert!(store.reporter_standings().unwrap().is_empty());

    let at = start + Duration::hours(1);
    let verdict = |status| ClueReview {
        status,
        by: "token:2:analyst".into(),
        note: Some("checked with the operator".into()),
        at,
    };
    let target = nth_number(0);
    let evidence = NewEvidence {
        kind: target.kind,
        value: target.value.clone(),
        key: target.key,
        class: EvidenceClass::Fraud,
        source: "token:2".into(),
        time: at,
        fraud_type: None,
        note: None,
    };
    let confirmed = store
        .review_clue(ids[0], &verdict(ClueStatus::Confirmed), Some(&evidence))
        .unwrap()
        .unwrap();
    assert_eq!(confirmed.status, ClueStatus::Confirmed);
    assert_eq!(confirmed.reviewed_by.as_deref(), Some("token:2:analyst"));
    assert_eq!(confirmed.reviewed_at, Some(at));
    assert_eq!(
        confirmed.review_note.as_deref(),
        Some("checked with the operator")
    );
    // reviewed once: a second verdict changes nothing and counts nothing
    assert_eq!(
        store
            .review_clue(ids[0], &verdict(ClueStatus::Refuted), None)
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .review_clue(9_999, &verdict(ClueStatus::Refuted), None)
            .unwrap(),
        None
    );
    store
        .review_clue(ids[1], &verdict(ClueStatus::Confirmed), None)
        .unwrap()
        .unwrap();
    store
        .review_clue(ids[2], &verdict(ClueStatus::Refuted), None)
        .unwrap()
        .unwrap();

    let standings = store.reporter_standings().unwrap();
    assert_eq!(standings.len(), 1);
    assert_eq!((standings[0].confirmed, standings[0].refuted), (2, 1));
    let evidence = store.evidence_for(target.kind, target.key).unwrap();
    assert_eq!(evidence.len(), 1);
    assert_eq!(evidence[0].source, "token:2");
}
