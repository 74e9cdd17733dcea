//! Property tests for app, social-media and SMS sender identifiers: total parsers, stable normal
//! forms.

use fraudwall_ids::app::{CertSha256, PackageName};
use fraudwall_ids::sender::{MAX_SENDER_CHARS, SenderId};
use fraudwall_ids::social::SocialId;
use proptest::prelude::*;

fn package() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,8}(\\.[a-zA-Z][a-zA-Z0-9_]{0,8}){1,4}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic(s in "\\PC{0,80}") {
        let _ = PackageName::parse(&s);
        let _ = CertSha256::parse(&s);
        let _ = SocialId::parse(&s);
        let _ = SenderId::parse(&s);
    }

    #[test]
    fn sender_ids_are_their_own_normal_form(s in "\\PC{0,30}") {
        if let Ok(id) = SenderId::parse(&s) {
            let again = SenderId::parse(id.as_str()).unwrap();
            prop_assert_eq!(again.key(), id.key());
            prop_assert_eq!(&again, &id);
            prop_assert!(id.as_str().chars().count() <= MAX_SENDER_CHARS);
            prop_assert_eq!(id.as_str().trim(), id.as_str());
            prop_assert!(!id.as_str().contains("  "));
        }
    }

    #[test]
    fn sender_ids_ignore_case_and_spacing(s in "[A-Za-z][A-Za-z0-9]{0,7}( {1,3}[A-Za-z0-9&.]{1,5})?") {
        let id = SenderId::parse(&s).unwrap();
        let shouted = format!("  {}\t", s.to_uppercase());
        prop_assert_eq!(SenderId::parse(&shouted).unwrap(), id.clone());
        prop_assert_eq!(SenderId::parse(&s.to_lowercase()).unwrap(), id);
    }

    #[test]
    fn package_names_are_their_own_normal_form(name in package()) {
        let parsed = PackageName::parse(&name).unwrap();
        let again = PackageName::parse(parsed.as_str()).unwrap();
        prop_assert_eq!(parsed.key(), again.key());
        prop_assert_eq!(parsed, again);
    }

    #[test]
    fn certificate_spellings_agree(bytes in any::<[u8; 32]>()) {
        let cert = CertSha256::from_bytes(bytes);
        let lower = cert.to_hex();
        let keytool = bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":");
        prop_assert_eq!(CertSha256::parse(&lower).unwrap(), cert);
        prop_assert_eq!(CertSha256::parse(&lower.to_uppercase()).unwrap(), cert);
        prop_assert_eq!(CertSha256::parse(&keytool).unwrap(), cert);
        prop_assert_eq!(CertSha256::parse(&keytool).unwrap().key(), cert.key());
    }

    #[test]
    fn social_ids_round_trip_through_their_text(s in "\\PC{0,40}") {
        if let Ok(id) = SocialId::parse(&s) {
            let again = SocialId::parse(&id.to_string()).unwrap();
            prop_assert_eq!(again.key(), id.key());
            prop_assert_eq!(again, id);
        }
    }

    #[test]
    fn qq_ids_keep_only_their_digits(n in 10_000u64..99_999_999_999) {
        let spaced = format!("qq: {n} ");
        let id = SocialId::parse(&spaced).unwrap();
        prop_assert_eq!(id.id(), n.to_string());
    }
}
