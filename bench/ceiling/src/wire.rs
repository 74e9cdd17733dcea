//! The wire format of `POST /v1/decisions`, parsed into typed events with strings borrowed from
//! the body wherever they hold no escapes.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// `{"events": [EVENT, …]}`; each event stays raw until it is parsed on its own, so that one bad
/// event fails only its own slot.
#[derive(Debug, Deserialize)]
pub struct Batch<'a> {
    #[serde(borrow)]
    pub events: Vec<&'a RawValue>,
}

// The fields are parsed to be paid for and then dropped: the ceiling decides nothing.
#[expect(dead_code, reason = "events are parsed, never read")]
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event<'a> {
    Call(#[serde(borrow)] Call<'a>),
    Sms(#[serde(borrow)] Sms<'a>),
    Url(#[serde(borrow)] Url<'a>),
    App(#[serde(borrow)] App<'a>),
    Transfer(#[serde(borrow)] Transfer<'a>),
}

#[expect(dead_code, reason = "events are parsed, never read")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call<'a> {
    #[serde(borrow)]
    pub caller: Cow<'a, str>,
    #[serde(borrow)]
    pub callee: Cow<'a, str>,
    pub attestation: Option<Attestation>,
    #[serde(borrow)]
    pub gateway: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
}

/// STIR/SHAKEN attestation level.
#[derive(Debug, Clone, Copy, Deserialize)]
pub enum Attestation {
    #[serde(alias = "a")]
    A,
    #[serde(alias = "b")]
    B,
    #[serde(alias = "c")]
    C,
}

#[expect(dead_code, reason = "events are parsed, never read")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sms<'a> {
    #[serde(borrow)]
    pub sender: Cow<'a, str>,
    #[serde(borrow)]
    pub recipient: Cow<'a, str>,
    #[serde(borrow)]
    pub text: Cow<'a, str>,
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
}

#[expect(dead_code, reason = "events are parsed, never read")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Url<'a> {
    #[serde(borrow)]
    pub url: Cow<'a, str>,
    #[serde(borrow)]
    pub subscriber: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
}

#[expect(dead_code, reason = "events are parsed, never read")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct App<'a> {
    #[serde(borrow)]
    pub package: Cow<'a, str>,
    #[serde(borrow)]
    pub cert_sha256: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub subscriber: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
}

#[expect(dead_code, reason = "events are parsed, never read")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer<'a> {
    #[serde(borrow)]
    pub from_account: Cow<'a, str>,
    #[serde(borrow)]
    pub to_account: Cow<'a, str>,
    /// In major units; clients send it as a JSON number or, to keep cents exact, a string.
    #[serde(deserialize_with = "number_or_string")]
    pub amount: f64,
    #[serde(borrow)]
    pub currency: Cow<'a, str>,
    #[serde(borrow)]
    pub payer_phone: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub id: Option<Cow<'a, str>>,
}

fn number_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    struct Amount;

    impl Visitor<'_> for Amount {
        type Value = f64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an amount, as a number or a decimal string")
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<f64, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<f64, E> {
            Ok(v as f64)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<f64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    deserializer.deserialize_any(Amount)
}

#[derive(Debug, Serialize)]
pub struct Decisions {
    pub decisions: Vec<Slot>,
}

/// One event's answer: the constant decision, or the reason its event could not be parsed.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Slot {
    Decision(Decision),
    Error { error: ErrorDetail },
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Decision {
    pub verdict: &'static str,
    pub risk: f32,
    pub reasons: [&'static str; 0],
    pub versions: Versions,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Versions {
    pub lists: u64,
    pub rules: &'static str,
    pub model: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    pub code: &'static str,
    pub message: String,
}

const ALLOW: Decision = Decision {
    verdict: "allow",
    risk: 0.0,
    reasons: [],
    versions: Versions {
        lists: 0,
        rules: "ceiling",
        model: "none",
    },
};

/// Parses one event and answers it.
pub fn decide(raw: &RawValue) -> Slot {
    let json = raw.get();
    if !json.starts_with('{') {
        return error("invalid_event", "an event must be a json object".to_owned());
    }
    match serde_json::from_str::<Event<'_>>(json) {
        Ok(event) => {
            // Keeps the parse from being optimized away.
            std::hint::black_box(&event);
            Slot::Decision(ALLOW)
        }
        Err(err) => {
            let message = err.to_string();
            error(code_of(&message), message)
        }
    }
}

fn error(code: &'static str, message: String) -> Slot {
    Slot::Error {
        error: ErrorDetail { code, message },
    }
}

/// The same codes fraudwall gives serde's complaints.
fn code_of(message: &str) -> &'static str {
    if message.starts_with("unknown variant") {
        "unknown_event_kind"
    } else if message.starts_with("missing field") {
        "missing_field"
    } else if message.starts_with("unknown field") {
        "unknown_field"
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        "invalid_field_type"
    } else {
        "invalid_event"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(batch: &str) -> String {
        let batch: Batch<'_> = serde_json::from_str(batch).unwrap();
        let decisions = batch.events.iter().map(|raw| decide(raw)).collect();
        serde_json::to_string(&Decisions { decisions }).unwrap()
    }

    #[test]
    fn every_kind_parses_and_gets_the_constant_decision() {
        let out = answer(
            r#"{"events":[
            {"kind":"call","caller":"+8613800138000","callee":"13900139000","attestation":"C","gateway":"international"},
            {"kind":"sms","sender":"10690000","recipient":"13800138000","text":"\u4f60\u597d"},
            {"kind":"url","url":"http://example.com/a","subscriber":"13800138000"},
            {"kind":"app","package":"com.example.wallet","cert_sha256":"ab","subscriber":"13800138000"},
            {"kind":"transfer","from_account":"6222020200112233445","to_account":"6217000010001234567","amount":"1500.00","currency":"CNY"},
            {"kind":"transfer","from_account":"1","to_account":"2","amount":1500.5,"currency":"CNY","payer_phone":"13800138000"}
        ]}"#,
        );
        let allow = r#"{"verdict":"allow","risk":0.0,"reasons":[],"versions":{"lists":0,"rules":"ceiling","model":"none"}}"#;
        assert_eq!(
            out,
            format!(r#"{{"decisions":[{}]}}"#, [allow; 6].join(","))
        );
    }

    #[test]
    fn a_bad_event_fails_only_its_slot() {
        let out = answer(
            r#"{"events":[
            {"kind":"fax","to":"1"},
            [1],
            {"kind":"call","caller":"1"},
            {"kind":"call","caller":"1","callee":"2","extra":true},
            {"kind":"transfer","from_account":"1","to_account":"2","amount":"lots","currency":"CNY"},
            {"kind":"url","url":"http://example.com/"}
        ]}"#,
        );
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        let codes: Vec<&str> = value["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|slot| {
                slot["error"]["code"]
                    .as_str()
                    .unwrap_or_else(|| slot["verdict"].as_str().unwrap())
            })
            .collect();
        assert_eq!(
            codes,
            [
                "unknown_event_kind",
                "invalid_event",
                "missing_field",
                "unknown_field",
                "invalid_field_type",
                "allow"
            ]
        );
    }
}
