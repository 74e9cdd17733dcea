//! Arbitrary bytes through the phone normalizer (in several default regions), the strict E.164
//! parser, and the range, account, app and social parsers. Besides "never panics", it checks the
//! invariants the rest of the system relies on: normalization is idempotent and keys round-trip.

#![no_main]

use fraudwall_ids::account::Account;
use fraudwall_ids::app::{CertSha256, PackageName};
use fraudwall_ids::phone::{E164, PhoneNormalizer, PhoneNumber, Region};
use fraudwall_ids::range::NumberRange;
use fraudwall_ids::social::SocialId;
use libfuzzer_sys::fuzz_target;

const REGIONS: [&str; 6] = ["CN", "US", "GB", "IT", "AR", "RU"];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let region = REGIONS[data.first().map_or(0, |&b| usize::from(b) % REGIONS.len())];
    let normalizer = PhoneNormalizer::new(Region::parse(region).unwrap());

    if let Ok(number) = normalizer.normalize(&text) {
        let home = number
            .service()
            .map_or(normalizer, |s| PhoneNormalizer::new(s.region()));
        assert_eq!(home.normalize(&number.to_string()), Ok(number), "{text:?}");
        assert_eq!(
            PhoneNumber::from_key(number.key()),
            Some(number),
            "{text:?}"
        );
        if let PhoneNumber::E164(e) = number {
            assert_eq!(E164::parse(&e.to_string()), Ok(e));
            for dropped in 1..=3 {
                if let Some(range) = NumberRange::enclosing(e, dropped) {
                    assert!(range.contains(e.key()));
                    assert_eq!(NumberRange::from_key(range.key()), Some(range));
                }
            }
        }
    }
    if let Ok(e) = E164::parse(&text) {
        assert_eq!(normalizer.normalize(&text), Ok(PhoneNumber::E164(e)));
    }
    if let Ok(range) = NumberRange::parse(&text) {
        assert_eq!(NumberRange::parse(&range.to_string()), Ok(range));
        assert_eq!(NumberRange::from_key(range.key()), Some(range));
    }
    if let Ok(account) = Account::parse(&text) {
        assert_eq!(Account::parse(account.as_str()), Ok(account));
        if let Some(back) = Account::from_key(account.key()) {
            assert_eq!(back, account);
        }
        let _ = account.bank();
    }
    let _ = Account::parse_card(&text);
    if let Ok(package) = PackageName::parse(&text) {
        assert_eq!(PackageName::parse(package.as_str()), Ok(package));
    }
    if let Ok(cert) = CertSha256::parse(&text) {
        assert_eq!(CertSha256::parse(&cert.to_hex()), Ok(cert));
    }
    if let Ok(id) = SocialId::parse(&text) {
        assert_eq!(SocialId::parse(&id.to_string()), Ok(id), "{text:?}");
    }
    let _ = PhoneNumber::from_key(u64::from_le_bytes(
        data.get(..8)
            .and_then(|b| b.try_into().ok())
            .unwrap_or_default(),
    ));
});
