//! API tokens: kept by hash, listed, found, revoked.

use time::{Duration, OffsetDateTime};

use crate::{NewToken, Role, Store, TokenHash, TokenRecord, mint_token};

fn station() -> NewToken {
    NewToken {
        role: Role::Station,
        name: "gulou station".into(),
        org: None,
        territory: Some("350102".into()),
    }
}

fn bank() -> NewToken {
    NewToken {
        role: Role::Bank,
        name: "icbc screening".into(),
        org: Some("ICBC".into()),
        territory: None,
    }
}

fn create(store: &dyn Store, token: &NewToken) -> (String, TokenRecord) {
    let (clear, hash) = mint_token().unwrap();
    (clear, store.create_token(token, &hash).unwrap())
}

pub fn created_tokens_are_listed_and_revocable(store: &dyn Store) {
    assert!(store.tokens().unwrap().is_empty());
    let before = store.tokens_generation().unwrap();
    let (clear, record) = create(store, &station());
    let created = store.tokens_generation().unwrap();
    assert!(created > before);
    assert_eq!(
        (
            record.role,
            record.name.as_str(),
            record.org.as_deref(),
            record.territory.as_deref()
        ),
        (Role::Station, "gulou station", None, Some("350102"))
    );
    assert_eq!(record.hash, TokenHash::of(&clear));
    assert_eq!(record.revoked_at, None);

    let all = store.tokens().unwrap();
    assert_eq!(all, vec![record.clone()]);

    assert!(store.revoke_token(record.id).unwrap());
    assert!(store.tokens_generation().unwrap() > created);
    assert!(!store.revoke_token(record.id).unwrap());
    assert!(!store.revoke_token(record.id + 1_000).unwrap());
    let revoked = &store.tokens().unwrap()[0];
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        TokenRecord {
            revoked_at: None,
            ..revoked.clone()
        },
        record
    );
}

pub fn token_by_hash_finds_active_and_revoked_tokens(store: &dyn Store) {
    let (_, active) = create(store, &station());
    let (revoked_clear, revoked) = create(store, &bank());
    assert_ne!(active.id, revoked.id);
    assert!(store.revoke_token(revoked.id).unwrap());

    assert_eq!(store.token_by_hash(&active.hash).unwrap(), Some(active));
    let found = store
        .token_by_hash(&TokenHash::of(&revoked_clear))
        .unwrap()
        .unwrap();
    assert_eq!(found.id, revoked.id);
    assert_eq!(
        (found.role, found.org.as_deref()),
        (Role::Bank, Some("ICBC"))
    );
    let revoked_at = found.revoked_at.expect("a revoked token carries its time");
    assert!(revoked_at >= found.created_at);
    // the lookup and the full listing agree
    assert!(store.tokens().unwrap().contains(&found));

    let (_, unknown) = mint_token().unwrap();
    assert_eq!(store.token_by_hash(&unknown).unwrap(), None);
}

pub fn token_times_are_kept_to_the_second(store: &dyn Store) {
    let started = OffsetDateTime::now_utc();
    let (_, record) = create(store, &station());
    assert!(store.revoke_token(record.id).unwrap());
    let stored = store.token_by_hash(&record.hash).unwrap().unwrap();
    let finished = OffsetDateTime::now_utc();

    assert_eq!(stored.created_at, record.created_at);
    for time in [stored.created_at, stored.revoked_at.unwrap()] {
        assert_eq!(time.nanosecond(), 0, "{time}");
        assert!(
            time > started - Duration::SECOND && time <= finished,
            "{time} is not now"
        );
    }
}
