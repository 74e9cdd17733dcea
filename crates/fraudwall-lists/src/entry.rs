//! List entries as the rest of the system sees them: which list, which identifier (normalized,
//! with its compact key), and the provenance that explains why it is there.

use std::fmt;
use std::str::FromStr;

use fraudwall_ids::account::Account;
use fraudwall_ids::app::{CertSha256, PackageName};
use fraudwall_ids::domain::Domain;
use fraudwall_ids::phone::{PhoneNormalizer, PhoneNumber};
use fraudwall_ids::range::NumberRange;
use fraudwall_ids::sender::SenderId;
use fraudwall_ids::social::SocialId;
use fraudwall_ids::url::{self, HostKind};
use sha2::{Digest, Sha256};

/// Declares a closed set of names with stable spellings, parsed and printed the same way.
macro_rules! names {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownName {
                        what: $what,
                        given: s.chars().take(40).collect(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }
    };
}

/// A name outside a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {given:?}; expected one of {}", expected.join(", "))]
pub struct UnknownName {
    pub what: &'static str,
    pub given: String,
    pub expected: &'static [&'static str],
}

names! {
    /// The three lists. An identifier may sit on several at once (an official number that a
    /// fraud ring spoofs is white and, once proven, black with fatal severity).
    List, "list" {
        Black = "black",
        Gray = "gray",
        White = "white",
    }
}

names! {
    /// What an entry identifies.
    Kind, "kind" {
        /// A phone number: E.164, or a service number of the server's region.
        Number = "number",
        /// A block of numbers by prefix (`+86170123456*`).
        Range = "range",
        /// A host name and everything under it.
        Domain = "domain",
        /// A Safe Browsing expression: a host and a path prefix (`evil.example/login/`).
        Url = "url",
        /// An IP address used as a URL host.
        Ip = "ip",
        /// An Android package name.
        App = "app",
        /// An app signing certificate's SHA-256.
        Cert = "cert",
        /// A bank account or card number.
        Account = "account",
        /// An account on a social or messaging platform (`wechat:wxid_abc`).
        Social = "social",
        /// An SMS sender id that is not a phone number (`royalmail`, `icbc`), case-folded.
        Sender = "sender",
    }
}

names! {
    /// Where an entry came from.
    Source, "source" {
        /// Shipped with fraudwall or set by an administrator: official service numbers.
        Official = "official",
        /// A citizen's report.
        Report = "report",
        /// A victim's case.
        Case = "case",
        /// A telecom operator or bank.
        Operator = "operator",
        /// A bulk import of a list file.
        Import = "import",
        /// An analyst's decision.
        Analyst = "analyst",
        /// Derived by the server from evidence (reputation, ranges).
        Derived = "derived",
    }
}

names! {
    /// How hard an entry hits. A fatal black entry overrides the official whitelist.
    Severity, "severity" {
        Normal = "normal",
        Fatal = "fatal",
    }
}

/// The in-memory table an identifier kind is looked up in. Domains, URL expressions and IP
/// hosts share one table, because a URL check looks all of them up through its expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Numbers,
    Ranges,
    Expressions,
    Accounts,
    Apps,
    Certs,
    Socials,
    Senders,
}

impl Table {
    pub const COUNT: usize = 8;
    pub const ALL: [Table; Table::COUNT] = [
        Table::Numbers,
        Table::Ranges,
        Table::Expressions,
        Table::Accounts,
        Table::Apps,
        Table::Certs,
        Table::Socials,
        Table::Senders,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

impl Kind {
    pub fn table(self) -> Table {
        match self {
            Kind::Number => Table::Numbers,
            Kind::Range => Table::Ranges,
            Kind::Domain | Kind::Url | Kind::Ip => Table::Expressions,
            Kind::App => Table::Apps,
            Kind::Cert => Table::Certs,
            Kind::Account => Table::Accounts,
            Kind::Social => Table::Socials,
            Kind::Sender => Table::Senders,
        }
    }
}

/// Why a value cannot be an identifier of the given kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct IdentifierError {
    /// A stable code from the identifier parser (`phone_too_short`, `url_invalid_host`, …).
    pub code: &'static str,
    pub message: String,
}

impl IdentifierError {
    fn from_id<E: fraudwall_ids::ErrorCode + fmt::Display>(error: E) -> IdentifierError {
        IdentifierError {
            code: error.code(),
            message: error.to_string(),
        }
    }

    fn new(code: &'static str, message: impl Into<String>) -> IdentifierError {
        IdentifierError {
            code,
            message: message.into(),
        }
    }
}

/// A normalized identifier: its kind, its canonical spelling (the entry's identity in the
/// store) and its compact lookup key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identifier {
    pub kind: Kind,
    /// Canonical text: `+8613800138000`, `96110`, `+86170123456*`, `evil.example`,
    /// `evil.example/login/`, `1.2.3.4`, `com.evil.app`, a certificate's hex, an account's
    /// digits, `wechat:wxid_abc`, `royalmail`.
    pub value: String,
    pub key: u64,
}

impl Identifier {
    /// Parses and normalizes `raw` as an identifier of `kind`. A domain that is an IP address
    /// becomes an [`Kind::Ip`]; a URL without a path beyond `/` stays a URL expression.
    pub fn parse(
        kind: Kind,
        raw: &str,
        normalizer: &PhoneNormalizer,
    ) -> Result<Identifier, IdentifierError> {
        let raw = raw.trim();
        match kind {
            Kind::Number => {
                let number = normalizer
                    .normalize(raw)
                    .map_err(IdentifierError::from_id)?;
                Ok(Identifier::number(number))
            }
            Kind::Range => {
                let range = NumberRange::parse(raw).map_err(IdentifierError::from_id)?;
                Ok(Identifier {
                    kind,
                    value: range.to_string(),
                    key: range.key(),
                })
            }
            Kind::Domain | Kind::Ip => Identifier::host(kind, raw),
            Kind::Url => Identifier::url_expression(raw),
            Kind::App => {
                let package = PackageName::parse(raw).map_err(IdentifierError::from_id)?;
                Ok(Identifier {
                    kind,
                    key: package.key(),
                    value: package.to_string(),
                })
            }
            Kind::Cert => {
                let cert = CertSha256::parse(raw).map_err(IdentifierError::from_id)?;
                Ok(Identifier {
                    kind,
                    key: cert.key(),
                    value: cert.to_hex(),
                })
            }
            Kind::Account => {
                let account = Account::parse(raw).map_err(IdentifierError::from_id)?;
                Ok(Identifier {
                    kind,
                    key: account.key(),
                    value: account.to_string(),
                })
            }
            Kind::Social => {
                let social = SocialId::parse(raw).map_err(IdentifierError::from_id)?;
                Ok(Identifier {
                    kind,
                    key: social.key(),
                    value: social.to_string(),
                })
            }
            // A sender that is a phone number (`95588`) is that number, as an SMS from it is
            // checked, so that one sender never has two spellings.
            Kind::Sender => match normalizer.normalize(raw) {
                Ok(number) => Ok(Identifier::number(number)),
                Err(_) => Ok(Identifier::sender(
                    SenderId::parse(raw).map_err(IdentifierError::from_id)?,
                )),
            },
        }
    }

    pub fn sender(sender: SenderId) -> Identifier {
        Identifier {
            kind: Kind::Sender,
            key: sender.key(),
            value: sender.to_string(),
        }
    }

    pub fn number(number: PhoneNumber) -> Identifier {
        Identifier {
            kind: Kind::Number,
            value: number.to_string(),
            key: number.key(),
        }
    }

    /// A whole host. The value is the host as the URL canonicalizer writes it, so that it is
    /// found through the host expressions of any URL on it or under it.
    fn host(kind: Kind, raw: &str) -> Result<Identifier, IdentifierError> {
        if raw.is_empty() {
            return Err(IdentifierError::new("host_empty", "the host is empty"));
        }
        if raw.contains(['/', '?', '#', '@']) || raw.contains(char::is_whitespace) {
            return Err(IdentifierError::new(
                "host_invalid",
                "a domain or IP entry holds a host alone, without scheme, path or spaces",
            ));
        }
        let canonical =
            url::canonicalize_entry(&format!("http://{raw}/")).map_err(IdentifierError::from_id)?;
        let host_kind = canonical.host_kind();
        let kind = match (kind, host_kind) {
            (_, HostKind::Ipv4 | HostKind::Ipv6) => Kind::Ip,
            (Kind::Ip, HostKind::Name) => {
                return Err(IdentifierError::new(
                    "ip_invalid",
                    format!("{raw:?} is not an IP address"),
                ));
            }
            (_, HostKind::Name) => {
                Domain::parse(raw).map_err(IdentifierError::from_id)?;
                Kind::Domain
            }
        };
        let host = canonical.host().to_owned();
        let key = url::expression_key(&format!("{host}/"));
        Ok(Identifier {
            kind,
            value: host,
            key,
        })
    }

    /// A URL's most specific Safe Browsing expression: host, path and query. A URL without a
    /// scheme is read as `http://`; one that names no web address (`javascript:alert(1)`, an
    /// escaped byte for a host) is refused rather than listed under a host nobody visits.
    fn url_expression(raw: &str) -> Result<Identifier, IdentifierError> {
        let canonical = url::canonicalize_entry(raw).map_err(IdentifierError::from_id)?;
        // A bare host is the host entry itself, so that one identity never has two spellings.
        if canonical.path() == "/" && canonical.query().is_none() {
            let kind = match canonical.host_kind() {
                HostKind::Name => Kind::Domain,
                HostKind::Ipv4 | HostKind::Ipv6 => Kind::Ip,
            };
            let host = canonical.host().to_owned();
            return Ok(Identifier {
                kind,
                key: url::expression_key(&format!("{host}/")),
                value: host,
            });
        }
        let mut value = String::with_capacity(canonical.host().len() + canonical.path().len());
        value.push_str(canonical.host());
        value.push_str(canonical.path());
        if let Some(query) = canonical.query() {
            value.push('?');
            value.push_str(query);
        }
        Ok(Identifier {
            kind: Kind::Url,
            key: url::expression_key(&value),
            value,
        })
    }

    pub fn table(&self) -> Table {
        self.kind.table()
    }

    /// The Safe Browsing expression an entry of the expressions table stands for.
    pub fn expression(&self) -> Option<String> {
        match self.kind {
            Kind::Domain | Kind::Ip => Some(format!("{}/", self.value)),
            Kind::Url => Some(self.value.clone()),
            _ => None,
        }
    }

    /// For a URL entry with a path, the key of its host's root expression (`host/`), which the
    /// snapshot marks so that URL checks look below it (see `Mark::paths_below`).
    pub fn host_root_key(&self) -> Option<u64> {
        host_root_key(self.kind, &self.value)
    }

    /// The SHA-256 a phone checks by prefix, without revealing what it checks: of the number as
    /// printed (`+8613800138000`), or of the URL expression (`evil.example/`). Other kinds are
    /// not offered to the public lookup.
    pub fn lookup_hash(&self) -> Option<[u8; 32]> {
        match self.kind {
            Kind::Number => Some(Sha256::digest(self.value.as_bytes()).into()),
            Kind::Domain | Kind::Ip | Kind::Url => {
                Some(url::expression_sha256(&self.expression()?))
            }
            _ => None,
        }
    }
}

/// [`Identifier::host_root_key`] from a stored kind and value.
pub fn host_root_key(kind: Kind, value: &str) -> Option<u64> {
    if kind != Kind::Url {
        return None;
    }
    let slash = value.find('/')?;
    Some(url::expression_key(&value[..=slash]))
}

/// Why an entry is on its list.
#[derive(Debug, Clone, PartialEq)]
pub struct Attributes {
    pub source: Source,
    /// A code of the fraud taxonomy (`fake_customer_service`, …), if known.
    pub fraud_type: Option<String>,
    /// 0 to 1.
    pub confidence: f32,
    pub severity: Severity,
    /// RFC 3339; the entry stops matching after it.
    pub expires_at: Option<String>,
    /// References to what supports the entry: case ids, report ids, documents.
    pub evidence: Vec<String>,
    pub note: Option<String>,
}

impl Attributes {
    pub fn new(source: Source) -> Attributes {
        Attributes {
            source,
            fraud_type: None,
            confidence: 1.0,
            severity: Severity::Normal,
            expires_at: None,
            evidence: Vec::new(),
            note: None,
        }
    }
}

/// An entry as stored, with its history's latest state.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub list: List,
    pub identifier: Identifier,
    pub attributes: Attributes,
    /// Who made the latest change (a token name, `import`, `fraudwall`).
    pub author: String,
    pub created_at: String,
    pub updated_at: String,
    /// The list version of the latest change.
    pub version: u64,
    /// Removed entries stay as tombstones, so that deltas can carry the removal.
    pub removed: bool,
}

/// What to do when a put finds the entry already listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnExisting {
    /// Leave it and count the put as a duplicate (bulk imports).
    Keep,
    /// Replace its attributes (an analyst's edit).
    Replace,
}

/// One change to the lists.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Put {
        list: List,
        identifier: Identifier,
        attributes: Attributes,
        on_existing: OnExisting,
    },
    Remove {
        list: List,
        kind: Kind,
        value: String,
    },
}

/// What one change did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Added,
    Updated,
    /// Already listed (or repeated in the same batch) and kept as it was.
    Duplicate,
    Removed,
    /// A removal of something not listed.
    NotFound,
    /// Refused: the official whitelist changes only by an administrator.
    Forbidden,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Added => "added",
            Outcome::Updated => "updated",
            Outcome::Duplicate => "duplicate",
            Outcome::Removed => "removed",
            Outcome::NotFound => "not_found",
            Outcome::Forbidden => "forbidden",
        }
    }

    /// Whether the change altered the lists.
    pub fn changed(self) -> bool {
        matches!(self, Outcome::Added | Outcome::Updated | Outcome::Removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fraudwall_ids::phone::Region;

    fn parse(kind: Kind, raw: &str) -> Result<Identifier, IdentifierError> {
        Identifier::parse(kind, raw, &PhoneNormalizer::new(Region::CN))
    }

    #[test]
    fn numbers_are_normalized_to_e164_or_service_digits() {
        let a = parse(Kind::Number, "138 0013 8000").unwrap();
        let b = parse(Kind::Number, "+86 138-0013-8000").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.value, "+8613800138000");
        assert_eq!(parse(Kind::Number, "96110").unwrap().value, "96110");
        assert_eq!(
            parse(Kind::Number, "abc").unwrap_err().code,
            "phone_invalid_characters"
        );
    }

    #[test]
    fn domains_keep_the_canonical_host_and_key_its_host_expression() {
        let domain = parse(Kind::Domain, "Evil.Example.").unwrap();
        assert_eq!(domain.value, "evil.example");
        assert_eq!(domain.key, url::expression_key("evil.example/"));
        assert_eq!(domain.expression().as_deref(), Some("evil.example/"));
        let ip = parse(Kind::Domain, "1.2.3.4").unwrap();
        assert_eq!(ip.kind, Kind::Ip);
        assert_eq!(ip.key, url::expression_key("1.2.3.4/"));
        assert_eq!(
            parse(Kind::Domain, "evil.example/path").unwrap_err().code,
            "host_invalid"
        );
        assert_eq!(
            parse(Kind::Ip, "evil.example").unwrap_err().code,
            "ip_invalid"
        );
    }

    #[test]
    fn urls_become_their_most_specific_expression() {
        let a = parse(Kind::Url, "HTTP://Evil.Example:80/a/../login/?x=1#frag").unwrap();
        assert_eq!(a.value, "evil.example/login/?x=1");
        let b = parse(Kind::Url, "evil.example/login/").unwrap();
        assert_eq!(b.value, "evil.example/login/");
        assert_eq!(b.key, url::expression_key("evil.example/login/"));
        assert_eq!(
            b.host_root_key(),
            Some(url::expression_key("evil.example/"))
        );
        let bare = parse(Kind::Url, "https://Evil.Example/").unwrap();
        assert_eq!(bare, parse(Kind::Domain, "evil.example").unwrap());
    }

    #[test]
    fn entries_that_name_no_web_address_are_refused_with_a_code() {
        let code = |kind, raw| parse(kind, raw).map(|_| ()).map_err(|e| e.code);
        assert_eq!(
            code(Kind::Url, "javascript:alert(1)"),
            Err("url_unsupported_scheme")
        );
        assert_eq!(code(Kind::Url, "http://%00/"), Err("url_invalid_host"));
        assert_eq!(code(Kind::Url, "http://%00/login"), Err("url_invalid_host"));
        assert_eq!(code(Kind::Domain, "%00"), Err("url_invalid_host"));
        assert_eq!(code(Kind::Url, "evil.example:8080/login"), Ok(()));
    }

    #[test]
    fn lookup_hashes_cover_numbers_and_expressions_only() {
        let number = parse(Kind::Number, "13800138000").unwrap();
        let expected: [u8; 32] = Sha256::digest(b"+8613800138000").into();
        assert_eq!(number.lookup_hash(), Some(expected));
        let domain = parse(Kind::Domain, "evil.example").unwrap();
        assert_eq!(
            domain.lookup_hash(),
            Some(url::expression_sha256("evil.example/"))
        );
        let app = parse(Kind::App, "com.evil.app").unwrap();
        assert_eq!(app.lookup_hash(), None);
    }

    #[test]
    fn sender_ids_are_folded_and_numbers_stay_numbers() {
        let a = parse(Kind::Sender, " RoyalMail").unwrap();
        assert_eq!(a.kind, Kind::Sender);
        assert_eq!(a.value, "royalmail");
        assert_eq!(a.table(), Table::Senders);
        assert_eq!(a, parse(Kind::Sender, "ROYALMAIL").unwrap());
        assert_eq!(
            parse(Kind::Sender, "95588").unwrap(),
            parse(Kind::Number, "95588").unwrap()
        );
        assert_eq!(
            parse(Kind::Sender, "<b>bank</b>").unwrap_err().code,
            "sender_invalid_characters"
        );
        assert_eq!(
            parse(Kind::Sender, &"x".repeat(40)).unwrap_err().code,
            "sender_too_long"
        );
    }

    #[test]
    fn names_round_trip_and_reject_unknown_spellings() {
        for list in List::ALL {
            assert_eq!(list.as_str().parse::<List>().unwrap(), *list);
        }
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>().unwrap(), *kind);
        }
        let error = "purple".parse::<List>().unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown list \"purple\"; expected one of black, gray, white"
        );
    }
}
