//! The subscriber registry and the unit tree: replaced when reported again, found by territory.

use super::nth_number;
use crate::{Store, SubscriberRecord, UnitRecord};

fn subscriber(n: u32, territory: &str) -> SubscriberRecord {
    let number = nth_number(n);
    SubscriberRecord {
        key: number.key,
        phone: number.value,
        territory: territory.to_owned(),
        birth_year: Some(1950 + n as i32),
        occupation: Some("retired".to_owned()),
        source: "operator".to_owned(),
    }
}

pub fn subscribers_are_replaced_when_reported_again_and_found_by_territory(store: &dyn Store) {
    let rows: Vec<SubscriberRecord> = (0..6)
        .map(|n| {
            subscriber(
                n,
                if n < 4 {
                    "350102001001"
                } else {
                    "350203001001"
                },
            )
        })
        .collect();
    assert_eq!(store.put_subscribers(&rows).unwrap(), 6);
    let mut moved = rows[0].clone();
    moved.territory = "350203001002".to_owned();
    moved.birth_year = None;
    store.put_subscribers(&[moved.clone()]).unwrap();
    assert_eq!(store.subscriber_count().unwrap(), 6);
    let unknown = nth_number(99).key;
    assert_eq!(
        store.subscribers(&[rows[0].key, unknown]).unwrap(),
        vec![moved.clone()]
    );
    let in_gulou = store.subscribers_in("350102", 0, 100).unwrap();
    assert_eq!(in_gulou.len(), 3);
    assert!(in_gulou.windows(2).all(|w| w[0].key < w[1].key));
    let first_page = store.subscribers_in("3502", 0, 2).unwrap();
    assert_eq!(first_page.len(), 2);
    let rest = store
        .subscribers_in("3502", first_page[1].key, 100)
        .unwrap();
    assert_eq!(rest.len(), 1);
}

pub fn units_are_kept_with_their_parent_and_duty_contacts(store: &dyn Store) {
    let unit = |code: &str, parent: Option<&str>| UnitRecord {
        code: code.to_owned(),
        name: format!("unit {code}"),
        level: "station".to_owned(),
        parent: parent.map(str::to_owned),
        contact: Some("+86591110".to_owned()),
        webhook: None,
    };
    store
        .put_units(&[unit("350102001", Some("350102")), unit("350102", None)])
        .unwrap();
    let mut renamed = unit("350102", Some("350100"));
    renamed.webhook = Some("https://duty.example/hook".to_owned());
    store.put_units(&[renamed.clone()]).unwrap();
    let units = store.units().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0], renamed);
    assert_eq!(units[1].parent.as_deref(), Some("350102"));
}
