//! The edge between wire events and domain events: parse one event's JSON, normalize every
//! identifier, and say precisely which field is wrong when something is.

use fraudwall_ids::ErrorCode;
use fraudwall_ids::account::Account;
use fraudwall_ids::app::{CertSha256, PackageName};
use fraudwall_ids::phone::{PhoneNormalizer, PhoneNumber};
use fraudwall_ids::sender::{SenderError, SenderId};
use fraudwall_ids::url::CanonicalUrl;
use fraudwall_rules::{AppUse, Attestation, Call, Event, Sender, Sms, Transfer, UrlVisit};

use crate::error::{ApiError, Code};
use std::borrow::Cow;

use serde::Deserialize;

use crate::routes::decisions::AmountWire;

/// Longest SMS text accepted: concatenated SMS top out near 40 KB; anything beyond is not an SMS.
const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Largest transfer amount accepted, in major units; beyond it floating point loses cents.
const MAX_AMOUNT: f64 = 1e13;

/// Every field of every event kind, borrowed from the request where the JSON has no escapes.
/// One pass over the event and no intermediate buffering: serde's internally tagged enums
/// buffer every field before choosing the variant, which showed in profiles of large batches.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields<'a> {
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    caller: Option<Cow<'a, str>>,
    #[serde(borrow)]
    callee: Option<Cow<'a, str>>,
    #[serde(borrow)]
    attestation: Option<Cow<'a, str>>,
    #[serde(borrow)]
    gateway: Option<Cow<'a, str>>,
    #[serde(borrow)]
    sender: Option<Cow<'a, str>>,
    #[serde(borrow)]
    recipient: Option<Cow<'a, str>>,
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow)]
    subscriber: Option<Cow<'a, str>>,
    #[serde(borrow)]
    package: Option<Cow<'a, str>>,
    #[serde(borrow)]
    cert_sha256: Option<Cow<'a, str>>,
    #[serde(borrow)]
    from_account: Option<Cow<'a, str>>,
    #[serde(borrow)]
    to_account: Option<Cow<'a, str>>,
    amount: Option<AmountWire>,
    #[serde(borrow)]
    currency: Option<Cow<'a, str>>,
    #[serde(borrow)]
    payer_phone: Option<Cow<'a, str>>,
}

impl<'a> Fields<'a> {
    /// The fields present, by name, for telling a kind's foreign fields apart.
    fn present(&self) -> impl Iterator<Item = &'static str> + '_ {
        [
            ("caller", self.caller.is_some()),
            ("callee", self.callee.is_some()),
            ("attestation", self.attestation.is_some()),
            ("gateway", self.gateway.is_some()),
            ("sender", self.sender.is_some()),
            ("recipient", self.recipient.is_some()),
            ("text", self.text.is_some()),
            ("url", self.url.is_some()),
            ("subscriber", self.subscriber.is_some()),
            ("package", self.package.is_some()),
            ("cert_sha256", self.cert_sha256.is_some()),
            ("from_account", self.from_account.is_some()),
            ("to_account", self.to_account.is_some()),
            ("amount", self.amount.is_some()),
            ("currency", self.currency.is_some()),
            ("payer_phone", self.payer_phone.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
    }

    /// Refuses fields that belong to other kinds, as `deny_unknown_fields` would per kind.
    fn only(&self, kind: &str, allowed: &[&str]) -> Result<(), ApiError> {
        match self.present().find(|name| !allowed.contains(name)) {
            None => Ok(()),
            Some(name) => Err(ApiError::new(
                Code::UnknownField,
                format!("unknown field `{name}` for a {kind} event"),
            )),
        }
    }
}

const KINDS: [&str; 5] = ["call", "sms", "url", "app", "transfer"];

fn unknown_kind(kind: &str) -> ApiError {
    ApiError::new(
        Code::UnknownEventKind,
        format!(
            "unknown event kind {:?}; expected call, sms, url, app or transfer",
            kind.chars().take(40).collect::<String>()
        ),
    )
}

fn required<'a>(field: Option<Cow<'a, str>>, name: &str) -> Result<Cow<'a, str>, ApiError> {
    field.ok_or_else(|| ApiError::new(Code::MissingField, format!("missing field `{name}`")))
}

/// Parses and normalizes one event. Returns the event and its optional correlation id.
pub fn event(json: &str, phones: &PhoneNormalizer) -> Result<(Event, Option<String>), ApiError> {
    if !json.trim_start().starts_with('{') {
        return Err(ApiError::new(
            Code::InvalidEvent,
            "an event must be a json object",
        ));
    }
    let wire: Fields<'_> = serde_json::from_str(json).map_err(|err| {
        // an unknown kind explains unknown fields better than they explain themselves
        #[derive(Deserialize)]
        struct KindOnly<'a> {
            #[serde(borrow)]
            kind: Option<Cow<'a, str>>,
        }
        match serde_json::from_str::<KindOnly<'_>>(json) {
            Ok(KindOnly { kind: Some(kind) }) if !KINDS.contains(&&*kind) => unknown_kind(&kind),
            _ => wire_error(err),
        }
    })?;
    let kind = required(wire.kind.clone(), "kind")?;
    let event = match &*kind {
        "call" => {
            wire.only("call", &["caller", "callee", "attestation", "gateway"])?;
            Event::Call(Call {
                caller: phone("caller", &required(wire.caller, "caller")?, phones)?,
                callee: phone("callee", &required(wire.callee, "callee")?, phones)?,
                attestation: wire
                    .attestation
                    .as_deref()
                    .map(|text| {
                        Attestation::parse(text).ok_or_else(|| {
                            ApiError::new(
                                Code::InvalidAttestation,
                                format!("attestation: expected A, B or C, got {text:?}"),
                            )
                        })
                    })
                    .transpose()?,
                gateway: wire
                    .gateway
                    .map(|g| g.trim().to_ascii_lowercase())
                    .filter(|g| !g.is_empty()),
            })
        }
        "sms" => {
            wire.only("sms", &["sender", "recipient", "text"])?;
            let text = required(wire.text, "text")?;
            if text.len() > MAX_TEXT_BYTES {
                return Err(ApiError::new(
                    Code::InvalidText,
                    format!("text: {} bytes, more than {MAX_TEXT_BYTES}", text.len()),
                ));
            }
            Event::Sms(Sms {
                sender: sender(&required(wire.sender, "sender")?, phones)?,
                recipient: phone("recipient", &required(wire.recipient, "recipient")?, phones)?,
                text: text.into_owned(),
            })
        }
        "url" => {
            wire.only("url", &["url", "subscriber"])?;
            Event::Url(UrlVisit {
                url: CanonicalUrl::parse(&required(wire.url, "url")?)
                    .map_err(|err| field_error(Code::InvalidUrl, "url", &err))?,
                subscriber: optional_phone("subscriber", wire.subscriber.as_deref(), phones)?,
            })
        }
        "app" => {
            wire.only("app", &["package", "cert_sha256", "subscriber"])?;
            Event::App(AppUse {
                package: PackageName::parse(&required(wire.package, "package")?)
                    .map_err(|err| field_error(Code::InvalidPackage, "package", &err))?,
                cert_sha256: wire
                    .cert_sha256
                    .as_deref()
                    .map(|cert| {
                        CertSha256::parse(cert).map_err(|err| {
                            field_error(Code::InvalidCertificate, "cert_sha256", &err)
                        })
                    })
                    .transpose()?,
                subscriber: optional_phone("subscriber", wire.subscriber.as_deref(), phones)?,
            })
        }
        "transfer" => {
            wire.only(
                "transfer",
                &[
                    "from_account",
                    "to_account",
                    "amount",
                    "currency",
                    "payer_phone",
                ],
            )?;
            let amount_wire = wire
                .amount
                .as_ref()
                .ok_or_else(|| ApiError::new(Code::MissingField, "missing field `amount`"))?;
            Event::Transfer(Transfer {
                from_account: account(
                    "from_account",
                    &required(wire.from_account, "from_account")?,
                )?,
                to_account: account("to_account", &required(wire.to_account, "to_account")?)?,
                amount_minor: amount(amount_wire)?,
                currency: currency(&required(wire.currency, "currency")?)?,
                payer_phone: optional_phone("payer_phone", wire.payer_phone.as_deref(), phones)?,
            })
        }
        other => return Err(unknown_kind(other)),
    };
    Ok((event, wire.id.map(Cow::into_owned)))
}

fn phone(field: &str, text: &str, phones: &PhoneNormalizer) -> Result<PhoneNumber, ApiError> {
    phones
        .normalize(text)
        .map_err(|err| field_error(Code::InvalidPhone, field, &err))
}

/// An SMS sender: a phone number when the normalizer takes it (`95588` included), else an
/// alphanumeric sender id (`RoyalMail`). Digits alone that are no valid number stay a phone
/// error.
fn sender(text: &str, phones: &PhoneNormalizer) -> Result<Sender, ApiError> {
    let number_error = match phones.normalize(text) {
        Ok(number) => return Ok(Sender::Number(number)),
        Err(err) => err,
    };
    match SenderId::parse(text) {
        Ok(id) => Ok(Sender::Id(id)),
        Err(SenderError::Empty | SenderError::NoLetter) => {
            Err(field_error(Code::InvalidPhone, "sender", &number_error))
        }
        Err(err) => Err(field_error(Code::InvalidSender, "sender", &err)),
    }
}

fn optional_phone(
    field: &str,
    text: Option<&str>,
    phones: &PhoneNormalizer,
) -> Result<Option<PhoneNumber>, ApiError> {
    text.map(|text| phone(field, text, phones)).transpose()
}

fn account(field: &str, text: &str) -> Result<Account, ApiError> {
    Account::parse(text).map_err(|err| field_error(Code::InvalidAccount, field, &err))
}

fn amount(value: &AmountWire) -> Result<i64, ApiError> {
    match value {
        AmountWire::Number(value) => amount_number(*value),
        AmountWire::Text(text) => amount_text(text),
    }
}

/// A decimal string, read exactly: digits, and at most two after the point.
fn amount_text(text: &str) -> Result<i64, ApiError> {
    let invalid = || {
        ApiError::new(
            Code::InvalidAmount,
            format!("amount: expected a positive decimal with at most two places, got {text:?}"),
        )
    };
    let (whole, fraction) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
    if whole.is_empty()
        || fraction.len() > 2
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
    let minor = whole
        .checked_mul(100)
        .and_then(|m| m.checked_add(cents))
        .filter(|&m| m > 0 && m as f64 <= MAX_AMOUNT * 100.0)
        .ok_or_else(invalid)?;
    Ok(minor)
}

fn amount_number(value: f64) -> Result<i64, ApiError> {
    if !value.is_finite() || value <= 0.0 || value > MAX_AMOUNT {
        return Err(ApiError::new(
            Code::InvalidAmount,
            format!("amount: must be positive and at most {MAX_AMOUNT:e}, got {value}"),
        ));
    }
    let minor = (value * 100.0).round();
    if (minor / 100.0 - value).abs() > 1e-6 * value.max(1.0) {
        return Err(ApiError::new(
            Code::InvalidAmount,
            format!("amount: at most two decimal places, got {value}"),
        ));
    }
    Ok(minor as i64)
}

fn currency(text: &str) -> Result<[u8; 3], ApiError> {
    match text.trim().as_bytes() {
        &[a, b, c] if [a, b, c].iter().all(u8::is_ascii_alphabetic) => Ok([
            a.to_ascii_uppercase(),
            b.to_ascii_uppercase(),
            c.to_ascii_uppercase(),
        ]),
        _ => Err(ApiError::new(
            Code::InvalidCurrency,
            format!("currency: expected a three-letter ISO 4217 code, got {text:?}"),
        )),
    }
}

fn field_error<E: std::fmt::Display + ErrorCode>(code: Code, field: &str, err: &E) -> ApiError {
    ApiError::new(code, format!("{field}: {err} ({})", err.code()))
}

/// Names serde's complaint with a stable code; the message keeps serde's wording, which says
/// which field and what was expected.
fn wire_error(err: serde_json::Error) -> ApiError {
    let message = err.to_string();
    let code = if message.starts_with("unknown variant") {
        Code::UnknownEventKind
    } else if message.starts_with("missing field") {
        Code::MissingField
    } else if message.starts_with("unknown field") {
        Code::UnknownField
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        Code::InvalidFieldType
    } else {
        Code::InvalidEvent
    };
    ApiError::new(code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(json: &str) -> Result<Event, (&'static str, String)> {
        event(json, &PhoneNormalizer::default())
            .map(|(event, _)| event)
            .map_err(|err| (err.code.name(), err.message))
    }

    fn code_of(json: &str) -> &'static str {
        check(json).expect_err(json).0
    }

    #[test]
    fn valid_events_of_every_kind_are_normalized() {
        let Event::Call(call) = check(
            r#"{"kind":"call","caller":"+86 138-0013-8000","callee":"13900139000","attestation":"c"}"#,
        )
        .unwrap() else {
            panic!("not a call")
        };
        assert_eq!(call.caller.to_string(), "+8613800138000");
        assert_eq!(call.attestation, Some(Attestation::C));

        let Event::Url(visit) =
            check(r#"{"kind":"url","url":"HTTP://Www.Example.COM:80/a/../b"}"#).unwrap()
        else {
            panic!("not a url")
        };
        assert_eq!(visit.url.as_str(), "http://www.example.com/b");

        assert!(matches!(
            check(
                r#"{"kind":"sms","sender":"106900000000","recipient":"13800138000","text":"hi"}"#
            ),
            Ok(Event::Sms(_))
        ));
        assert!(matches!(
            check(r#"{"kind":"app","package":"com.example.wallet"}"#),
            Ok(Event::App(_))
        ));
        let Event::Transfer(transfer) = check(
            r#"{"kind":"transfer","from_account":"6222020200112233445","to_account":"6217000010001234567","amount":5000.5,"currency":"cny"}"#,
        )
        .unwrap() else {
            panic!("not a transfer")
        };
        assert_eq!(transfer.amount_minor, 500_050);
        let exact = check(
            r#"{"kind":"transfer","from_account":"6222020200112233445","to_account":"6217000010001234567","amount":"1500.5","currency":"CNY"}"#,
        );
        let Ok(Event::Transfer(exact)) = exact else {
            panic!("{exact:?}")
        };
        assert_eq!(exact.amount_minor, 150_050);
        assert_eq!(&transfer.currency, b"CNY");
    }

    #[test]
    fn sms_senders_are_numbers_or_sender_ids() {
        let sender_of = |raw: &str| {
            let json = format!(
                r#"{{"kind":"sms","sender":{},"recipient":"13800138000","text":"hi"}}"#,
                serde_json::to_string(raw).unwrap()
            );
            match check(&json) {
                Ok(Event::Sms(sms)) => Ok(sms.sender),
                Ok(other) => panic!("{other:?}"),
                Err((code, _)) => Err(code),
            }
        };
        assert_eq!(
            sender_of(" RoyalMail "),
            Ok(Sender::Id(SenderId::parse("royalmail").unwrap()))
        );
        assert!(matches!(sender_of("ICBC"), Ok(Sender::Id(_))));
        // a short code the normalizer takes stays a number
        assert!(matches!(sender_of("95588"), Ok(Sender::Number(_))));
        assert!(matches!(
            sender_of("+86 138 0013 8000"),
            Ok(Sender::Number(_))
        ));
        // digits alone that are no number are a mistyped number
        assert_eq!(sender_of("+86 138"), Err("invalid_phone"));
        assert_eq!(sender_of("<script>"), Err("invalid_sender"));
        assert_eq!(sender_of(&"a".repeat(30)), Err("invalid_sender"));
    }

    #[test]
    fn each_bad_slot_gets_its_own_code() {
        assert_eq!(code_of("[1,2]"), "invalid_event");
        assert_eq!(code_of(r#"{"kind":"fax","to":"1"}"#), "unknown_event_kind");
        assert_eq!(code_of(r#"{"caller":"1"}"#), "missing_field");
        assert_eq!(
            code_of(r#"{"kind":"call","caller":"13800138000"}"#),
            "missing_field"
        );
        assert_eq!(
            code_of(r#"{"kind":"call","caller":"13800138000","callee":"13800138000","calee":"1"}"#),
            "unknown_field"
        );
        assert_eq!(
            code_of(r#"{"kind":"call","caller":13800138000,"callee":"1"}"#),
            "invalid_field_type"
        );
        assert_eq!(
            code_of(r#"{"kind":"call","caller":"abc","callee":"13800138000"}"#),
            "invalid_phone"
        );
        assert_eq!(
            code_of(
                r#"{"kind":"call","caller":"13800138000","callee":"13800138000","attestation":"D"}"#
            ),
            "invalid_attestation"
        );
        assert_eq!(code_of(r#"{"kind":"url","url":"   "}"#), "invalid_url");
        assert_eq!(
            code_of(r#"{"kind":"app","package":"not a package"}"#),
            "invalid_package"
        );
        assert_eq!(
            code_of(r#"{"kind":"app","package":"com.example","cert_sha256":"abc"}"#),
            "invalid_certificate"
        );
        let transfer = |from: &str, amount: &str, currency: &str| {
            format!(
                r#"{{"kind":"transfer","from_account":"{from}","to_account":"6217000010001234567","amount":{amount},"currency":"{currency}"}}"#
            )
        };
        assert_eq!(code_of(&transfer("12", "1", "CNY")), "invalid_account");
        assert_eq!(
            code_of(&transfer("6217000010001234567", "-1", "CNY")),
            "invalid_amount"
        );
        assert_eq!(
            code_of(&transfer("6217000010001234567", "0.001", "CNY")),
            "invalid_amount"
        );
        assert_eq!(
            code_of(&transfer("6217000010001234567", "1", "yuan")),
            "invalid_currency"
        );
        for bad in [
            "\"1.234\"",
            "\"-5\"",
            "\"0.00\"",
            "\"1e3\"",
            "\"\"",
            "\"12,00\"",
        ] {
            assert_eq!(
                code_of(&transfer("6217000010001234567", bad, "CNY")),
                "invalid_amount",
                "{bad}"
            );
        }
    }

    #[test]
    fn messages_name_the_field() {
        let (_, message) =
            check(r#"{"kind":"call","caller":"13800138000","callee":"abc"}"#).unwrap_err();
        assert!(message.starts_with("callee:"), "{message}");
        let (_, message) = check(r#"{"kind":"call","caller":"13800138000"}"#).unwrap_err();
        assert!(message.contains("callee"), "{message}");
    }
}
