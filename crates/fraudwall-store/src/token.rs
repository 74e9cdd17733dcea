use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::StoreError;

/// What a token holder is. Each role maps to the endpoints it may call in the server's
/// permission table; scopes (org, territory) narrow what it sees there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Runs the system: tokens, configuration, audit, every list.
    Admin,
    /// Anti-fraud centre analyst: judges cases, links them, manages lists.
    Analyst,
    /// Police station officer: warnings and outcomes in its own territory.
    Station,
    /// Bank or payment institution: screens transfers, answers freeze requests for its own accounts.
    Bank,
    /// Telecom operator: asks for verdicts on calls, SMS and URLs.
    Telco,
    /// A citizen or a reporting channel (hotline, app): submits clues.
    Reporter,
    /// A metrics scraper: reads `/metrics` and nothing else.
    Monitor,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Analyst,
        Role::Station,
        Role::Bank,
        Role::Telco,
        Role::Reporter,
        Role::Monitor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::Station => "station",
            Role::Bank => "bank",
            Role::Telco => "telco",
            Role::Reporter => "reporter",
            Role::Monitor => "monitor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown role {0:?}; expected one of admin, analyst, station, bank, telco, reporter, monitor"
)]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// A token about to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    pub role: Role,
    pub name: String,
    /// The organisation the holder belongs to (a bank's code, an operator's name).
    pub org: Option<String>,
    /// The administrative area the holder may see (a division code such as 350100).
    pub territory: Option<String>,
}

/// SHA-256 of a clear token. Tokens are long random secrets, so a plain hash (no salt, no
/// stretching) is enough to make a stolen database useless for authentication.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenHash(pub [u8; 32]);

impl TokenHash {
    pub fn of(token: &str) -> TokenHash {
        TokenHash(Sha256::digest(token.as_bytes()).into())
    }
}

impl fmt::Debug for TokenHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TokenHash({}…)", hex::encode(&self.0[..4]))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub id: i64,
    pub role: Role,
    pub name: String,
    pub org: Option<String>,
    pub territory: Option<String>,
    pub created_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    pub hash: TokenHash,
}

/// Prefix that makes fraudwall tokens recognizable to secret scanners.
pub const TOKEN_PREFIX: &str = "fw_";

/// Generates a new clear token (256 random bits) and its hash.
pub fn mint_token() -> Result<(String, TokenHash), StoreError> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|err| StoreError::Random(err.to_string()))?;
    let token = format!("{TOKEN_PREFIX}{}", hex::encode(secret));
    let hash = TokenHash::of(&token);
    Ok((token, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn minted_tokens_are_distinct_and_hash_to_themselves() {
        let (a, hash_a) = mint_token().unwrap();
        let (b, _) = mint_token().unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_eq!(TokenHash::of(&a), hash_a);
    }
}
