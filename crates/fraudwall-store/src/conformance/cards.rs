//! Card holders: periods kept apart, replaced when reported again, found by device.

use fraudwall_lists::entry::Kind;

use super::nth_number;
use crate::{CardRecord, Store};

fn sim(n: u32, since: i64, device: &str) -> CardRecord {
    let number = nth_number(n);
    CardRecord {
        kind: Kind::Number,
        value: number.value,
        key: number.key,
        since,
        holder: None,
        device: Some(device.to_owned()),
        issuer: Some("china_mobile".to_owned()),
        account_type: None,
    }
}

pub fn holder_periods_are_kept_apart_and_replaced_when_reported_again(store: &dyn Store) {
    assert_eq!(store.card_count().unwrap(), 0);
    let first = sim(1, 1_000, "860000000000001");
    let recycled = sim(1, 90_000, "860000000000002");
    assert_eq!(
        store.put_cards(&[recycled.clone(), first.clone()]).unwrap(),
        2
    );
    let mut corrected = first.clone();
    corrected.holder = Some("+8613800000001".to_owned());
    store.put_cards(&[corrected.clone()]).unwrap();
    assert_eq!(store.card_count().unwrap(), 2);
    let key = first.key;
    assert_eq!(
        store.cards_of(Kind::Number, &[key, key + 1]).unwrap(),
        vec![corrected, recycled]
    );
    // an account with the same digits is another card
    assert!(store.cards_of(Kind::Account, &[key]).unwrap().is_empty());
}

pub fn cards_are_found_by_the_device_they_were_activated_in(store: &dyn Store) {
    let sims: Vec<CardRecord> = (0..5)
        .map(|n| sim(n, 1_000, if n < 3 { "box-a" } else { "box-b" }))
        .collect();
    store.put_cards(&sims).unwrap();
    let in_a = store.cards_by_device("box-a").unwrap();
    assert_eq!(in_a.len(), 3);
    assert!(in_a.iter().all(|c| c.device.as_deref() == Some("box-a")));
    assert!(store.cards_by_device("box-c").unwrap().is_empty());
    // keys above i64::MAX survive the round trip
    let mut high = sim(9, 5, "box-h");
    high.key = u64::MAX - 3;
    store.put_cards(std::slice::from_ref(&high)).unwrap();
    assert_eq!(
        store.cards_of(Kind::Number, &[u64::MAX - 3]).unwrap(),
        vec![high]
    );
}
