//! Properties of the phone, range and account parsers over generated input.

use fraudwall_ids::ErrorCode;
use fraudwall_ids::account::{Account, AccountKind, luhn_valid};
use fraudwall_ids::app::{CertSha256, PackageName};
use fraudwall_ids::phone::{E164, PhoneNormalizer, PhoneNumber, Region, normalize};
use fraudwall_ids::range::NumberRange;
use fraudwall_ids::social::SocialId;
use proptest::prelude::*;

/// Valid CN mobiles: 1[3-9] and nine digits; the generator also emits some unassigned ones,
/// which the properties must handle either way.
fn cn_mobile() -> impl Strategy<Value = String> {
    (3u8..=9, 0u64..1_000_000_000).prop_map(|(second, rest)| format!("1{second}{rest:09}"))
}

/// Numbers in many forms and regions: national, +E.164, with an IDD, junk digits.
fn phone_like() -> impl Strategy<Value = String> {
    prop_oneof![
        cn_mobile(),
        cn_mobile().prop_map(|m| format!("+86{m}")),
        cn_mobile().prop_map(|m| format!("0086{m}")),
        "[0-9]{3,15}",
        "\\+[1-9][0-9]{6,14}",
        "0[1-9][0-9]{8,10}",
    ]
}

fn separator() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        " ", "-", ".", "(", ")", "  ", "\u{3000}", "\u{ff0d}", "/",
    ])
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + 0xff10).unwrap(),
            '+' => '\u{ff0b}',
            c => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_arbitrary_text(s in "\\PC{0,40}", region in prop::sample::select(vec!["CN", "US", "GB", "DE", "IT", "AR", "RU", "IN"])) {
        let normalizer = PhoneNormalizer::new(Region::parse(region).unwrap());
        if let Err(e) = normalizer.normalize(&s) {
            prop_assert!(e.code().starts_with("phone_"));
        }
        let _ = E164::parse(&s);
        let _ = NumberRange::parse(&s);
        let _ = Account::parse(&s);
        let _ = PackageName::parse(&s);
        let _ = CertSha256::parse(&s);
        let _ = SocialId::parse(&s);
    }

    #[test]
    fn normalization_is_idempotent(s in phone_like(), region in prop::sample::select(vec!["CN", "US", "GB", "IT"])) {
        let normalizer = PhoneNormalizer::new(Region::parse(region).unwrap());
        if let Ok(number) = normalizer.normalize(&s) {
            // A service number's text is only meaningful in its own region.
            let home = number.service().map_or(normalizer, |n| PhoneNormalizer::new(n.region()));
            prop_assert_eq!(home.normalize(&number.to_string()), Ok(number));
            if let PhoneNumber::E164(e) = number {
                // The canonical text is strict E.164, whatever the default region.
                prop_assert_eq!(E164::parse(&e.to_string()), Ok(e));
                prop_assert_eq!(normalize(&e.to_string()), Ok(number));
            }
        }
    }

    #[test]
    fn keys_round_trip(s in phone_like()) {
        if let Ok(number) = normalize(&s) {
            prop_assert_eq!(PhoneNumber::from_key(number.key()), Some(number));
            prop_assert_eq!(number.key() >> 63 == 1, number.service().is_some());
        }
    }

    #[test]
    fn arbitrary_keys_decode_to_themselves(key in any::<u64>()) {
        if let Some(number) = PhoneNumber::from_key(key) {
            prop_assert_eq!(number.key(), key);
        }
        if let Some(range) = NumberRange::from_key(key) {
            prop_assert_eq!(range.key(), key);
        }
        if let Some(account) = Account::from_key(key) {
            prop_assert_eq!(account.key(), key);
        }
    }

    #[test]
    fn separators_do_not_change_the_result(
        s in phone_like(),
        cuts in prop::collection::vec((0usize..16, separator()), 0..5),
    ) {
        let mut chars: Vec<String> = s.chars().map(String::from).collect();
        for (at, sep) in cuts {
            // Never before the `+`: it must lead.
            let at = at.clamp(usize::from(s.starts_with('+')), chars.len());
            chars.insert(at, sep.to_owned());
        }
        let spaced: String = chars.concat();
        prop_assert_eq!(normalize(&spaced), normalize(&s), "{:?}", spaced);
    }

    #[test]
    fn full_width_equals_half_width(s in phone_like()) {
        prop_assert_eq!(normalize(&full_width(&s)), normalize(&s));
    }

    #[test]
    fn national_and_international_forms_agree(m in cn_mobile()) {
        let national = normalize(&m);
        prop_assert_eq!(normalize(&format!("+86 {m}")), national.clone());
        prop_assert_eq!(normalize(&format!("0086{m}")), national.clone());
        prop_assert_eq!(normalize(&format!("86-{m}")), national.clone());
        if let Ok(PhoneNumber::E164(e)) = national {
            prop_assert_eq!(e.to_string(), format!("+86{m}"));
        }
    }

    #[test]
    fn ranges_contain_what_they_enclose(m in cn_mobile(), dropped in 1usize..=9) {
        if let Ok(PhoneNumber::E164(e)) = normalize(&m) {
            let range = NumberRange::enclosing(e, dropped).unwrap();
            prop_assert!(range.contains(e.key()));
            prop_assert_eq!(NumberRange::parse(&range.to_string()), Ok(range));
            prop_assert_eq!(NumberRange::from_key(range.key()), Some(range));
            let text = e.to_string();
            prop_assert_eq!(range.to_string(), format!("{}*", &text[..text.len() - dropped]));
        }
    }

    #[test]
    fn luhn_catches_every_single_digit_change(body in "[1-9][0-9]{11,17}", pos in any::<prop::sample::Index>(), bump in 1u8..=9) {
        let card = (0..=9)
            .map(|d| format!("{body}{d}"))
            .find(|c| luhn_valid(c.as_bytes()))
            .unwrap();
        prop_assert_eq!(Account::parse_card(&card).unwrap().kind(), AccountKind::Card);
        let mut changed = card.clone().into_bytes();
        let i = pos.index(changed.len());
        changed[i] = b'0' + (changed[i] - b'0' + bump) % 10;
        let changed = String::from_utf8(changed).unwrap();
        prop_assert!(!luhn_valid(changed.as_bytes()));
        prop_assert_eq!(Account::parse_card(&changed).unwrap_err().code(), "card_luhn_failed");
    }

    #[test]
    fn account_keys_round_trip(digits in "[0-9]{8,30}") {
        let account = Account::parse(&digits).unwrap();
        prop_assert_eq!(Account::parse(&account.to_string()), Ok(account));
        if digits.len() <= 19 {
            prop_assert_eq!(Account::from_key(account.key()), Some(account));
        } else {
            prop_assert_eq!(Account::from_key(account.key()), None);
        }
    }
}
