//! Numbers and accounts as compact integers, and their text forms.
//!
//! A number is a `u64` with a tag in the top four bits: a Chinese mobile number (its eleven
//! digits, written `+86…`), a service number (`95588`, `1069…`, written as dialled) or an
//! international number (its E.164 digits, written `+…`). Mobile numbers are drawn from the
//! real prefixes of the three operators and the virtual operators with eight random digits, and
//! a [`Registry`] makes sure no two holders share one.

use std::collections::HashSet;

use crate::rng::Rng;

const TAG_SHIFT: u32 = 60;
const VALUE_MASK: u64 = (1 << TAG_SHIFT) - 1;
const TAG_CN: u64 = 0;
const TAG_SERVICE: u64 = 1;
const TAG_INTL: u64 = 2;

pub type Num = u64;

pub fn cn(digits: u64) -> Num {
    TAG_CN << TAG_SHIFT | digits
}

pub fn service(digits: u64) -> Num {
    TAG_SERVICE << TAG_SHIFT | digits
}

pub fn intl(digits: u64) -> Num {
    TAG_INTL << TAG_SHIFT | digits
}

pub fn is_cn_mobile(n: Num) -> bool {
    n >> TAG_SHIFT == TAG_CN
}

/// Appends the number as the records write it.
pub fn write_num(out: &mut Vec<u8>, n: Num) {
    match n >> TAG_SHIFT {
        TAG_CN => {
            out.extend_from_slice(b"+86");
            write_u64(out, n & VALUE_MASK);
        }
        TAG_INTL => {
            out.push(b'+');
            write_u64(out, n & VALUE_MASK);
        }
        _ => write_u64(out, n & VALUE_MASK),
    }
}

pub fn num_string(n: Num) -> String {
    let mut out = Vec::with_capacity(16);
    write_num(&mut out, n);
    String::from_utf8(out).expect("ascii")
}

/// Appends the decimal digits of `v`, two at a time.
#[inline]
pub fn write_u64(out: &mut Vec<u8>, mut v: u64) {
    const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
        2021222324252627282930313233343536373839\
        4041424344454647484950515253545556575859\
        6061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899";
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    while v >= 100 {
        let pair = (v % 100) as usize * 2;
        v /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    }
    if v >= 10 {
        let pair = v as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[pair..pair + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + v as u8;
    }
    out.extend_from_slice(&buf[i..]);
}

/// Appends `cents` as a decimal amount in major units with two decimals (`1234.50`).
pub fn write_amount(out: &mut Vec<u8>, cents: u64) {
    write_u64(out, cents / 100);
    out.push(b'.');
    out.push(b'0' + (cents / 10 % 10) as u8);
    out.push(b'0' + (cents % 10) as u8);
}

/// Mobile prefixes by operator, with the operators' subscriber shares (MIIT, 2023: China
/// Mobile about 57%, China Telecom 24%, China Unicom 19%) and a small virtual-operator share.
pub static OPERATORS: &[(&str, f64, &[u64])] = &[
    (
        "china_mobile",
        0.565,
        &[
            134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 178, 182, 183, 184,
            187, 188, 198,
        ],
    ),
    (
        "china_telecom",
        0.235,
        &[133, 153, 173, 177, 180, 181, 189, 191, 199],
    ),
    (
        "china_unicom",
        0.185,
        &[130, 131, 132, 145, 155, 156, 166, 175, 176, 185, 186],
    ),
    ("virtual", 0.015, &[162, 165, 167, 170, 171]),
];

/// Every number and account handed out so far: new ones are drawn at random (so a number says
/// nothing about who holds it or when it was made) and drawn again on a collision.
#[derive(Debug, Default)]
pub struct Registry {
    numbers: HashSet<Num>,
    accounts: HashSet<u64>,
}

impl Registry {
    /// Claims `number`; false when it is already someone's.
    pub fn claim(&mut self, number: Num) -> bool {
        self.numbers.insert(number)
    }

    /// A new mobile number, on a virtual operator with probability `virtual_share`, otherwise
    /// by the three operators' shares.
    pub fn mobile(&mut self, rng: &mut Rng, virtual_share: f64) -> (Num, &'static str) {
        loop {
            let op = if rng.chance(virtual_share) {
                3
            } else {
                let x = rng.f64() * (1.0 - OPERATORS[3].1);
                let mut acc = 0.0;
                let mut chosen = 2;
                for (i, (_, share, _)) in OPERATORS[..3].iter().enumerate() {
                    acc += share;
                    if x < acc {
                        chosen = i;
                        break;
                    }
                }
                chosen
            };
            let (name, _, prefixes) = OPERATORS[op];
            let prefix = *rng.pick(prefixes);
            let number = cn(prefix * 100_000_000 + rng.below(100_000_000));
            if self.claim(number) {
                return (number, name);
            }
        }
    }

    /// A new 19-digit card of `bank`: its BIN, twelve random digits, a Luhn check digit.
    pub fn card(&mut self, rng: &mut Rng, bank: usize) -> u64 {
        loop {
            let partial = BANKS[bank].1 * 1_000_000_000_000 + rng.below(1_000_000_000_000);
            let card = partial * 10 + luhn_digit(partial);
            if self.accounts.insert(card) {
                return card;
            }
        }
    }
}

/// Foreign mobile numbers as (leading digits of the E.164 number: country code and mobile
/// prefix, random digits after them).
/// Where fraud compounds call from: the Philippines, Cambodia, Malaysia.
pub static FRAUD_ABROAD: &[(u64, u32)] = &[(63917, 7), (85512, 6), (6012, 7)];
/// Where Fujian's relatives abroad live: the United States, Singapore, Hong Kong, Japan,
/// Taiwan, Malaysia, the Philippines.
pub static FAMILY_ABROAD: &[(u64, u32)] = &[
    (16462, 6),
    (6591, 6),
    (85261, 6),
    (81901, 7),
    (8869, 8),
    (6012, 7),
    (63917, 7),
];

/// A foreign number of the form `(leading, random digits)`, from `bits`.
pub fn foreign(form: (u64, u32), bits: u64) -> Num {
    let span = 10u64.pow(form.1);
    intl(form.0 * span + bits % span)
}

/// The operator a mobile prefix belongs to.
pub fn operator_of(prefix: u64) -> &'static str {
    OPERATORS
        .iter()
        .find(|o| o.2.contains(&prefix))
        .map_or("unknown", |o| o.0)
}

/// Banks with one BIN each (6 digits, from fraudwall-ids' BIN table) and a market-share weight.
pub static BANKS: &[(&str, u64, f64)] = &[
    ("ICBC", 622202, 0.18),
    ("CCB", 621700, 0.16),
    ("ABC", 622848, 0.15),
    ("BOC", 621661, 0.12),
    ("PSBC", 621799, 0.10),
    ("BOCOM", 622260, 0.06),
    ("CMB", 621483, 0.07),
    ("CIB", 622908, 0.06),
    ("PAB", 622155, 0.03),
    ("SPDB", 622521, 0.03),
    ("CITIC", 622690, 0.02),
    ("CEB", 622660, 0.02),
];

/// The Luhn check digit for `partial` (digits without the check digit).
pub fn luhn_digit(partial: u64) -> u64 {
    let mut sum = 0;
    let mut v = partial;
    let mut double = true;
    while v > 0 {
        let mut d = v % 10;
        if double {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        double = !double;
        v /= 10;
    }
    (10 - sum % 10) % 10
}

pub fn pick_bank(rng: &mut Rng) -> usize {
    let total: f64 = BANKS.iter().map(|b| b.2).sum();
    let x = rng.f64() * total;
    let mut acc = 0.0;
    for (i, b) in BANKS.iter().enumerate() {
        acc += b.2;
        if x < acc {
            return i;
        }
    }
    BANKS.len() - 1
}

/// SIM boxes ("cat pools") each card dealer activates its cards in.
pub const DEALER_DEVICES: u32 = 4;

/// The handset a subscriber activated their own card in: one each.
pub fn own_device(phone: Num) -> u64 {
    imei(scramble(phone ^ 0x0d1c_e5ee_d000_0001))
}

/// The SIM box a dealer activated `number` in: one of its few, chosen by the number, so that
/// the same card always names the same box.
pub fn dealer_device(dealer: u32, number: Num) -> u64 {
    dealer_device_at(
        dealer,
        (scramble(number) % u64::from(DEALER_DEVICES)) as u32,
    )
}

/// A dealer's `index`-th SIM box.
pub fn dealer_device_at(dealer: u32, index: u32) -> u64 {
    imei(scramble(
        0xca75_b0c5_0000_0000 ^ (u64::from(dealer) << 8) ^ u64::from(index),
    ))
}

fn scramble(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A 15-digit IMEI from `bits`: a type allocation code of 86 (handsets sold in China), a
/// serial, and the Luhn check digit.
fn imei(bits: u64) -> u64 {
    let body = 86_000_000_000_000 + bits % 1_000_000_000_000;
    let mut sum = 0;
    let mut digits = body;
    // the body's last digit is doubled, since the check digit follows it
    let mut double = true;
    while digits > 0 {
        let mut d = digits % 10;
        if double {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        double = !double;
        digits /= 10;
    }
    body * 10 + (10 - sum % 10) % 10
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_as_fraudwall_reads_them() {
        let mut rng = Rng::derive(3, 0, 0, 0);
        let mut registry = Registry::default();
        for _ in 0..2000 {
            let (n, _) = registry.mobile(&mut rng, 0.2);
            let text = num_string(n);
            let parsed = fraudwall_ids::phone::normalize(&text).expect(&text);
            assert!(parsed.e164().is_some(), "{text}");
        }
        assert_eq!(num_string(service(95588)), "95588");
        assert_eq!(num_string(intl(639171234567)), "+639171234567");
    }

    #[test]
    fn foreign_numbers_are_valid() {
        let mut rng = Rng::derive(4, 0, 0, 0);
        for &form in FRAUD_ABROAD.iter().chain(FAMILY_ABROAD) {
            for _ in 0..50 {
                let text = num_string(foreign(form, rng.next_u64()));
                let parsed = fraudwall_ids::phone::normalize(&text).expect(&text);
                assert_eq!(
                    parsed.e164().map(|e| e.to_string()),
                    Some(text.clone()),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn cards_pass_luhn_and_name_their_bank() {
        let mut rng = Rng::derive(3, 0, 0, 0);
        let mut registry = Registry::default();
        for (bank, (code, _, _)) in BANKS.iter().enumerate() {
            for _ in 0..50 {
                let number = registry.card(&mut rng, bank).to_string();
                let account = fraudwall_ids::account::Account::parse(&number).unwrap();
                assert_eq!(
                    account.kind(),
                    fraudwall_ids::account::AccountKind::Card,
                    "{number}"
                );
                assert_eq!(account.bank().map(|b| b.code()), Some(*code), "{number}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn digits_are_the_decimal_form(v: u64) {
            let mut out = Vec::new();
            write_u64(&mut out, v);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

    #[test]
    fn devices_are_imeis_with_a_valid_check_digit() {
        // a known valid imei: 490154203237518
        assert_eq!(imei(0) / 10, 86_000_000_000_000);
        for bits in [0u64, 1, 42, u64::MAX, 0x1234_5678_9abc_def0] {
            let imei = imei(bits);
            assert_eq!(imei.to_string().len(), 15, "{imei}");
            assert!(luhn_valid(imei), "{imei}");
        }
        assert!(luhn_valid(490_154_203_237_518));
        assert!(!luhn_valid(490_154_203_237_519));
        // a dealer's cards share few boxes; subscribers' handsets are their own
        let boxes: std::collections::HashSet<u64> = (0..200)
            .map(|n| dealer_device(3, cn(17_100_000_000 + n)))
            .collect();
        assert_eq!(boxes.len(), DEALER_DEVICES as usize);
        assert_ne!(dealer_device_at(3, 0), dealer_device_at(4, 0));
        assert_ne!(
            own_device(cn(13_800_138_000)),
            own_device(cn(13_800_138_001))
        );
    }

    fn luhn_valid(number: u64) -> bool {
        let digits: Vec<u64> = number
            .to_string()
            .bytes()
            .map(|b| u64::from(b - b'0'))
            .collect();
        let sum: u64 = digits
            .iter()
            .rev()
            .enumerate()
            .map(|(i, &d)| {
                if i % 2 == 1 {
                    if d * 2 > 9 { d * 2 - 9 } else { d * 2 }
                } else {
                    d
                }
            })
            .sum();
        sum.is_multiple_of(10)
    }

    #[test]
    fn amounts_have_two_decimals() {
        let mut out = Vec::new();
        write_amount(&mut out, 123_405);
        assert_eq!(out, b"1234.05");
    }
}
