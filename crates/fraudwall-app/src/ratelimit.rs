//! Rate limits on what callers add to the store (evidence, clues): a token bucket per token,
//! or per client address for what comes without one. A bucket refills at the allowed rate and
//! holds at most one minute's worth, so a request may spend a minute's allowance at once and
//! no more.
//!
//! The buckets sit behind a mutex: they guard writes that go to the store anyway, never the
//! decision path.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::{AppError, ErrorKind};
use crate::principal::Principal;
use fraudwall_store::Role;

/// Items a minute, by role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// For reporters: citizens and reporting channels, the most numerous and least trusted.
    pub reporter_per_minute: u32,
    /// For every other role.
    pub per_minute: u32,
}

impl Default for Rates {
    fn default() -> Rates {
        Rates {
            reporter_per_minute: 600,
            per_minute: 60_000,
        }
    }
}

#[derive(Debug)]
struct Bucket {
    available: f64,
    updated: Instant,
}

/// Whose allowance a bucket holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Holder {
    Token(i64),
    Address(IpAddr),
}

/// Buckets kept before full ones are forgotten: a full bucket is what a new one would be, and
/// addresses are as many as the clients that ever called.
const BUCKETS_KEPT: usize = 10_000;

/// One limit, such as evidence items, across tokens.
#[derive(Debug)]
pub struct RateLimiter {
    what: &'static str,
    rates: Rates,
    buckets: Mutex<HashMap<Holder, Bucket>>,
}

impl RateLimiter {
    pub fn new(what: &'static str, rates: Rates) -> RateLimiter {
        RateLimiter {
            what,
            rates,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn per_minute(&self, role: Role) -> u32 {
        match role {
            Role::Reporter => self.rates.reporter_per_minute,
            _ => self.rates.per_minute,
        }
    }

    /// Takes `items` from the caller's allowance, or says when to try again. The command line
    /// (no token) is not limited: it holds the database anyway.
    pub fn take(&self, principal: &Principal, items: usize) -> Result<(), AppError> {
        self.take_at(principal, items, Instant::now())
    }

    fn take_at(&self, principal: &Principal, items: usize, now: Instant) -> Result<(), AppError> {
        let Some(token) = principal.token_id else {
            return Ok(());
        };
        let per_minute = self.per_minute(principal.role);
        let holder = format!("a {} token", principal.role.as_str());
        self.spend(Holder::Token(token), &holder, per_minute, items, now)
    }

    /// Takes `items` from the allowance of a client `address` that calls without a token, at
    /// most `per_minute` a minute.
    pub fn take_address(
        &self,
        address: IpAddr,
        per_minute: u32,
        items: usize,
    ) -> Result<(), AppError> {
        self.spend(
            Holder::Address(address),
            "one address",
            per_minute,
            items,
            Instant::now(),
        )
    }

    fn spend(
        &self,
        holder: Holder,
        named: &str,
        per_minute: u32,
        items: usize,
        now: Instant,
    ) -> Result<(), AppError> {
        let per_minute = f64::from(per_minute);
        let items = items as f64;
        if items > per_minute {
            return Err(AppError::new(
                ErrorKind::RateLimited { retry_after_s: 60 },
                format!(
                    "{named} adds at most {per_minute} {} a minute; send fewer at once",
                    self.what
                ),
            ));
        }
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= BUCKETS_KEPT {
            // a bucket refills whole within a minute, so one untouched that long is full
            buckets.retain(|_, bucket| {
                now.saturating_duration_since(bucket.updated) < Duration::from_secs(60)
            });
        }
        let bucket = buckets.entry(holder).or_insert(Bucket {
            available: per_minute,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.available = (bucket.available + elapsed * per_minute / 60.0).min(per_minute);
        bucket.updated = now;
        if bucket.available >= items {
            bucket.available -= items;
            return Ok(());
        }
        let wait = Duration::from_secs_f64((items - bucket.available) * 60.0 / per_minute);
        Err(AppError::new(
            ErrorKind::RateLimited {
                retry_after_s: wait.as_secs().saturating_add(1).min(60) as u32,
            },
            format!(
                "too many {} from {}: at most {per_minute} a minute",
                self.what,
                match holder {
                    Holder::Token(_) => "this token",
                    Holder::Address(_) => "this address",
                }
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(token: i64, role: Role) -> Principal {
        Principal {
            token_id: Some(token),
            name: "t".into(),
            role,
            org: None,
            territory: None,
        }
    }

    #[test]
    fn a_reporter_spends_a_minute_of_allowance_then_waits_for_the_refill() {
        let limiter = RateLimiter::new("evidence items", Rates::default());
        let reporter = principal(1, Role::Reporter);
        let start = Instant::now();
        limiter.take_at(&reporter, 600, start).unwrap();
        let refused = limiter.take_at(&reporter, 10, start).unwrap_err();
        assert_eq!(refused.code(), "rate_limited");
        assert!(matches!(
            refused.kind,
            ErrorKind::RateLimited {
                retry_after_s: 1..=2
            }
        ));
        // ten items come back in a second
        limiter
            .take_at(&reporter, 10, start + Duration::from_secs(1))
            .unwrap();
        // another token has its own allowance
        limiter
            .take_at(&principal(2, Role::Reporter), 600, start)
            .unwrap();
    }

    #[test]
    fn an_address_has_its_own_small_allowance() {
        let limiter = RateLimiter::new("clues", Rates::default());
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..10 {
            limiter.take_address(one, 10, 1).unwrap();
        }
        let refused = limiter.take_address(one, 10, 1).unwrap_err();
        assert_eq!(refused.code(), "rate_limited");
        assert_eq!(
            refused.message,
            "too many clues from this address: at most 10 a minute"
        );
        limiter
            .take_address("192.0.2.2".parse().unwrap(), 10, 10)
            .unwrap();
    }

    #[test]
    fn one_request_beyond_a_minute_of_allowance_is_refused_whole() {
        let limiter = RateLimiter::new("evidence items", Rates::default());
        let reporter = principal(1, Role::Reporter);
        assert!(limiter.take(&reporter, 601).is_err());
        // and spends nothing
        limiter.take(&reporter, 600).unwrap();
        limiter.take(&principal(3, Role::Telco), 10_000).unwrap();
        limiter.take(&Principal::command_line(), 1_000_000).unwrap();
    }
}
