//! The libphonenumber example numbers (one per region and number type, 1,144 in all), as shipped
//! in the `phonenumber` crate, are test vectors for the normalizer and its automaton.

use fraudwall_ids::phone::{E164, PhoneNormalizer, PhoneNumber, Region};
use phonenumber::Type;
use phonenumber::metadata::DATABASE;

const TYPES: [Type; 10] = [
    Type::FixedLine,
    Type::Mobile,
    Type::TollFree,
    Type::PremiumRate,
    Type::SharedCost,
    Type::PersonalNumber,
    Type::Voip,
    Type::Pager,
    Type::Uan,
    Type::Voicemail,
];

fn examples() -> Vec<(String, u16, String)> {
    let mut out = Vec::new();
    for meta in DATABASE.iter() {
        for kind in TYPES {
            if let Some(example) = meta.descriptors().get(kind).and_then(|d| d.example()) {
                out.push((
                    meta.id().to_owned(),
                    meta.country_code(),
                    example.to_owned(),
                ));
            }
        }
    }
    out
}

#[test]
fn every_example_number_is_valid_in_e164_form() {
    let examples = examples();
    assert!(examples.len() > 1000, "{}", examples.len());
    let mut failures = Vec::new();
    for (region, code, national) in &examples {
        let text = format!("+{code}{national}");
        match E164::parse(&text) {
            Ok(n) if n.to_string() == text && n.calling_code() == *code => {}
            other => failures.push(format!("{region} {text}: {other:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
}

#[test]
fn every_example_number_normalizes_from_its_national_form() {
    let mut failures = Vec::new();
    for (region, code, national) in examples() {
        let Ok(r) = Region::parse(&region) else {
            continue; // the non-geographic "001" entities
        };
        let expected = format!("+{code}{national}");
        match PhoneNormalizer::new(r).normalize(&national) {
            Ok(PhoneNumber::E164(n)) if n.to_string() == expected => {}
            other => failures.push(format!("{region} {national}: {other:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures: {failures:#?}",
        failures.len()
    );
}

/// The automaton is compiled from the same metadata the `phonenumber` crate validates with, so
/// on numbers made by perturbing the examples the two must agree, apart from the crate's known
/// laxness: it matches patterns as prefixes of the number rather than in full.
#[test]
fn automaton_agrees_with_phonenumber_is_valid() {
    let (mut both, mut only_ours, mut only_theirs, mut neither) = (0, 0, 0, 0);
    let mut ours_not_theirs = Vec::new();
    let mut theirs_not_ours = Vec::new();
    for (_, code, national) in examples() {
        let digits: Vec<u8> = national.bytes().collect();
        let mut variants = Vec::new();
        for i in 0..digits.len() {
            for d in [b'0', b'5', b'9'] {
                let mut v = digits.clone();
                v[i] = d;
                variants.push(v);
            }
        }
        variants.push(digits[..digits.len() - 1].to_vec());
        let mut longer = digits.clone();
        longer.push(b'7');
        variants.push(longer);
        for v in variants {
            let text = format!("+{code}{}", String::from_utf8(v).unwrap());
            let ours = E164::parse(&text).is_ok();
            let theirs = phonenumber::parse(None, &text).is_ok_and(|n| phonenumber::is_valid(&n));
            match (ours, theirs) {
                (true, true) => both += 1,
                (true, false) => {
                    only_ours += 1;
                    ours_not_theirs.push(text);
                }
                (false, true) => {
                    only_theirs += 1;
                    theirs_not_ours.push(text);
                }
                (false, false) => neither += 1,
            }
        }
    }
    eprintln!(
        "both {both}, only ours {only_ours}, only phonenumber {only_theirs}, neither {neither}"
    );
    assert!(both > 10_000 && neither > 1_000);
    ours_not_theirs.dedup();
    theirs_not_ours.dedup();
    eprintln!("only ours: {ours_not_theirs:?}");
    eprintln!("only phonenumber: {theirs_not_ours:?}");
    // Measured: 220 and 211 of about 31,800. Those only we accept are mostly the crate stripping
    // an `8` trunk prefix after +7/+375/+370 and mishandling regions that share +7; those only
    // it accepts come from its prefix (not full) pattern matches.
    assert!((only_ours + only_theirs) * 50 <= both + neither);
}
