//! Social-media and messaging ids: the accounts fraudsters chat and collect money from.
//!
//! A [`SocialId`] is a platform and an id normalized by that platform's rules, written
//! `platform:id` (`qq:10001`, `telegram:durov`, `whatsapp:+8613800138000`).
//!
//! # Key
//!
//! Stable: `xxh3_64` of the `platform:id` text.

use std::fmt;
use std::str::FromStr;

use crate::ErrorCode;
use crate::phone::{E164, PhoneNumber};

/// Why a social id was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SocialError {
    #[error("social id is empty")]
    Empty,
    #[error("social id must be written platform:id")]
    MissingPlatform,
    #[error("unknown platform {0:?}")]
    UnknownPlatform(String),
    #[error("invalid {platform} id: {reason}")]
    InvalidId {
        platform: Platform,
        reason: &'static str,
    },
}

impl ErrorCode for SocialError {
    fn code(&self) -> &'static str {
        match self {
            SocialError::Empty => "social_empty",
            SocialError::MissingPlatform => "social_missing_platform",
            SocialError::UnknownPlatform(_) => "social_unknown_platform",
            SocialError::InvalidId { .. } => "social_invalid_id",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Platform {
    Wechat,
    Qq,
    Alipay,
    Telegram,
    Whatsapp,
    Douyin,
    Kuaishou,
    Weibo,
    Line,
    Other,
}

impl Platform {
    pub const ALL: [Platform; 10] = [
        Platform::Wechat,
        Platform::Qq,
        Platform::Alipay,
        Platform::Telegram,
        Platform::Whatsapp,
        Platform::Douyin,
        Platform::Kuaishou,
        Platform::Weibo,
        Platform::Line,
        Platform::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Wechat => "wechat",
            Platform::Qq => "qq",
            Platform::Alipay => "alipay",
            Platform::Telegram => "telegram",
            Platform::Whatsapp => "whatsapp",
            Platform::Douyin => "douyin",
            Platform::Kuaishou => "kuaishou",
            Platform::Weibo => "weibo",
            Platform::Line => "line",
            Platform::Other => "other",
        }
    }

    /// Parses a platform name, case-insensitively, with the common aliases (`weixin`, `wx`,
    /// `tg`, `tiktok-cn`...) and Chinese names.
    pub fn parse(input: &str) -> Result<Platform, SocialError> {
        let name = input.trim().to_lowercase();
        let platform = match name.as_str() {
            "wechat" | "weixin" | "wx" | "微信" => Platform::Wechat,
            "qq" => Platform::Qq,
            "alipay" | "zhifubao" | "支付宝" => Platform::Alipay,
            "telegram" | "tg" | "电报" => Platform::Telegram,
            "whatsapp" | "wa" => Platform::Whatsapp,
            "douyin" | "抖音" => Platform::Douyin,
            "kuaishou" | "快手" => Platform::Kuaishou,
            "weibo" | "微博" => Platform::Weibo,
            "line" => Platform::Line,
            "other" => Platform::Other,
            _ => {
                return Err(SocialError::UnknownPlatform(
                    input.chars().take(32).collect(),
                ));
            }
        };
        Ok(platform)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Platform {
    type Err = SocialError;
    fn from_str(s: &str) -> Result<Platform, SocialError> {
        Platform::parse(s)
    }
}

/// A platform and a normalized id on it.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SocialId {
    platform: Platform,
    id: Box<str>,
}

const MAX_ID_CHARS: usize = 128;

impl SocialId {
    /// Normalizes `raw` by the rules of `platform`:
    /// - qq: digits only (spaces dropped), 5 to 11 digits, no leading zero;
    /// - wechat: lowercase, 6 to 20 of `a-z 0-9 _ -` starting with a letter, or a `wxid_` id;
    ///   a phone number or QQ number bound to the account is also accepted, as digits;
    /// - telegram: `@`, `t.me/` and `https://t.me/` dropped, lowercase, 5 to 32 of `a-z 0-9 _`;
    /// - whatsapp: a phone number (`wa.me/` links too), normalized to E.164; digits without `+`
    ///   are read as international, as WhatsApp writes them;
    /// - alipay: an email (lowercased) or a phone number (E.164, CN default), else digits (the
    ///   16-digit `2088...` user ids);
    /// - others: trimmed and lowercased, inner whitespace removed.
    pub fn new(platform: Platform, raw: &str) -> Result<SocialId, SocialError> {
        let invalid = |reason| SocialError::InvalidId { platform, reason };
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(SocialError::Empty);
        }
        if raw.chars().count() > MAX_ID_CHARS {
            return Err(invalid("too long"));
        }
        let id: String = match platform {
            Platform::Qq => {
                let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
                if !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(invalid("qq numbers are digits"));
                }
                if !(5..=11).contains(&digits.len()) || digits.starts_with('0') {
                    return Err(invalid(
                        "qq numbers have 5 to 11 digits and no leading zero",
                    ));
                }
                digits
            }
            Platform::Wechat => {
                let id = raw.to_lowercase();
                let charset_ok = id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                let plain = (6..=20).contains(&id.len())
                    && id.bytes().next().is_some_and(|b| b.is_ascii_alphabetic());
                let wxid = id.starts_with("wxid_") && id.len() <= 40;
                let digits = (5..=15).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit());
                if !charset_ok || !(plain || wxid || digits) {
                    return Err(invalid(
                        "wechat ids have 6 to 20 letters, digits, '_' or '-' and start with a letter",
                    ));
                }
                id
            }
            Platform::Telegram => {
                let lower = raw.to_lowercase();
                let name = ["https://t.me/", "http://t.me/", "t.me/", "@"]
                    .iter()
                    .find_map(|p| lower.strip_prefix(p))
                    .unwrap_or(&lower)
                    .trim_end_matches('/');
                let ok = (5..=32).contains(&name.len())
                    && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if !ok {
                    return Err(invalid(
                        "telegram usernames have 5 to 32 letters, digits or '_'",
                    ));
                }
                name.to_owned()
            }
            Platform::Whatsapp => {
                let lower = raw.to_lowercase();
                let number = ["https://wa.me/", "http://wa.me/", "wa.me/"]
                    .iter()
                    .find_map(|p| lower.strip_prefix(p))
                    .unwrap_or(&lower)
                    .trim_end_matches('/');
                let international = if number.starts_with('+') || number.starts_with('＋') {
                    number.to_owned()
                } else {
                    format!("+{number}")
                };
                match crate::phone::normalize(&international) {
                    Ok(PhoneNumber::E164(n)) => n.to_string(),
                    _ => {
                        return Err(invalid(
                            "whatsapp ids are phone numbers in international form",
                        ));
                    }
                }
            }
            Platform::Alipay => {
                if raw.contains('@') {
                    let email = raw.to_lowercase();
                    let ok = email.split_once('@').is_some_and(|(user, host)| {
                        !user.is_empty() && host.contains('.') && !host.contains('@')
                    }) && !email.chars().any(char::is_whitespace);
                    if !ok {
                        return Err(invalid("not an email address"));
                    }
                    email
                } else if let Ok(PhoneNumber::E164(n)) = crate::phone::normalize(raw) {
                    n.to_string()
                } else if raw.bytes().all(|b| b.is_ascii_digit()) && raw.len() >= 5 {
                    raw.to_owned()
                } else {
                    return Err(invalid(
                        "alipay accounts are a phone number, an email or a user id",
                    ));
                }
            }
            Platform::Douyin
            | Platform::Kuaishou
            | Platform::Weibo
            | Platform::Line
            | Platform::Other => raw
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .flat_map(char::to_lowercase)
                .collect(),
        };
        if id.is_empty() {
            return Err(SocialError::Empty);
        }
        Ok(SocialId {
            platform,
            id: id.into(),
        })
    }

    /// Parses `platform:id`. A WeChat internal id (`wxid_…`) names its platform by its shape,
    /// as victims write it without one.
    pub fn parse(input: &str) -> Result<SocialId, SocialError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(SocialError::Empty);
        }
        if text.starts_with("wxid_") {
            return SocialId::new(Platform::Wechat, text);
        }
        let (platform, id) = text
            .split_once(':')
            .or_else(|| text.split_once('：'))
            .ok_or(SocialError::MissingPlatform)?;
        SocialId::new(Platform::parse(platform)?, id)
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The E.164 number of a WhatsApp id, or of an Alipay account that is a phone number.
    pub fn phone(&self) -> Option<E164> {
        E164::parse(&self.id).ok()
    }

    /// The stable key; see the module docs.
    pub fn key(&self) -> u64 {
        let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
        hasher.update(self.platform.as_str().as_bytes());
        hasher.update(b":");
        hasher.update(self.id.as_bytes());
        hasher.digest()
    }
}

impl fmt::Display for SocialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.id)
    }
}

impl fmt::Debug for SocialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SocialId({self})")
    }
}

impl FromStr for SocialId {
    type Err = SocialError;
    fn from_str(s: &str) -> Result<SocialId, SocialError> {
        SocialId::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        SocialId::parse(s).unwrap().to_string()
    }

    fn code(s: &str) -> &'static str {
        SocialId::parse(s).unwrap_err().code()
    }

    #[test]
    fn normalizes_per_platform() {
        assert_eq!(norm("QQ: 1000 1 "), "qq:10001");
        assert_eq!(norm("wechat:Zhang_San-88"), "wechat:zhang_san-88");
        assert_eq!(norm("weixin:wxid_abc123"), "wechat:wxid_abc123");
        assert_eq!(norm("wx:13800138000"), "wechat:13800138000");
        assert_eq!(norm("telegram:@Durov"), "telegram:durov");
        assert_eq!(
            norm("tg:https://t.me/Some_Channel/"),
            "telegram:some_channel"
        );
        assert_eq!(
            norm("whatsapp:+86 138 0013 8000"),
            "whatsapp:+8613800138000"
        );
        assert_eq!(
            norm("whatsapp:wa.me/8613800138000"),
            "whatsapp:+8613800138000"
        );
        assert_eq!(
            norm("alipay:Someone@Example.COM"),
            "alipay:someone@example.com"
        );
        assert_eq!(norm("支付宝：138-0013-8000"), "alipay:+8613800138000");
        assert_eq!(norm("alipay:2088102122524333"), "alipay:2088102122524333");
        assert_eq!(norm("douyin: Dy 12345 "), "douyin:dy12345");
        assert_eq!(norm("other:Some Name"), "other:somename");
        let wa = SocialId::parse("whatsapp:+8613800138000").unwrap();
        assert_eq!(wa.phone().map(|n| n.key()), Some(8613800138000));
        assert_eq!(wa.platform(), Platform::Whatsapp);
    }

    #[test]
    fn rejects_invalid_ids() {
        assert_eq!(code(""), "social_empty");
        assert_eq!(code("10001"), "social_missing_platform");
        assert_eq!(
            SocialId::parse("wxid_51289").unwrap().to_string(),
            SocialId::parse("wechat:wxid_51289").unwrap().to_string()
        );
        assert_eq!(code("myspace:tom"), "social_unknown_platform");
        assert_eq!(code("qq:"), "social_empty");
        assert_eq!(code("qq:abc"), "social_invalid_id");
        assert_eq!(code("qq:0123456"), "social_invalid_id");
        assert_eq!(code("qq:1234"), "social_invalid_id");
        assert_eq!(code("wechat:ab"), "social_invalid_id");
        assert_eq!(code("wechat:1abcdefg"), "social_invalid_id");
        assert_eq!(code("telegram:@abc"), "social_invalid_id");
        assert_eq!(code("telegram:a b c d e"), "social_invalid_id");
        assert_eq!(code("whatsapp:hello"), "social_invalid_id");
        assert_eq!(code("alipay:@x"), "social_invalid_id");
        assert_eq!(code("alipay:abc"), "social_invalid_id");
        assert_eq!(
            code(&format!("other:{}", "x".repeat(200))),
            "social_invalid_id"
        );
        assert_eq!(code("other: \u{7} "), "social_empty");
    }

    #[test]
    fn display_parses_back_and_keys_follow_the_text() {
        for input in [
            "QQ:10001",
            "telegram:@Durov",
            "whatsapp:8613800138000",
            "weibo:某人",
        ] {
            let id = SocialId::parse(input).unwrap();
            let again = SocialId::parse(&id.to_string()).unwrap();
            assert_eq!(again, id);
            assert_eq!(again.key(), id.key());
        }
        let id = SocialId::parse("qq:10001").unwrap();
        assert_eq!(id.key(), xxhash_rust::xxh3::xxh3_64(b"qq:10001"));
        assert_ne!(id.key(), SocialId::parse("other:10001").unwrap().key());
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.as_str()).unwrap(), p);
        }
    }
}
