//! A freeze request to a bank, from the request to the money's return, under the legal limits
//! of the jurisdiction as configuration (`FreezeLimits`, China's by default). Banks answer at any
//! hour, so minutes count round the clock; only the refund counts working days.
//!
//! requested → acknowledged → frozen (all or part of the amount) → released or
//! returned_to_victim; or rejected; or expired (a stop-payment or a freeze that lapsed). An
//! emergency stop-payment is a hold inside the request, before the freeze.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::WorkflowError;
use crate::calendar::{Calendar, add_months, minutes};

/// Legal limits and service deadlines. Defaults (China):
/// - the bank acknowledges a request within 30 minutes;
/// - an emergency stop-payment holds 48 hours, at most twice per account (the first hold and
///   one extension);
/// - a freeze lasts 6 months and lapses unless renewed;
/// - funds found unrelated to the case are released within 3 days;
/// - a refund to the victim completes within 3 working days (Monday to Friday, minus
///   `holidays`), counted in UTC+8.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FreezeLimits {
    pub acknowledge_minutes: u32,
    pub stop_payment_hours: u32,
    pub max_stop_payments: u8,
    pub freeze_months: u32,
    pub unrelated_release_days: u32,
    pub refund_working_days: u32,
    pub holidays: Vec<Date>,
    pub utc_offset_minutes: i16,
    /// How to appeal, stated on every restriction that does not state its own.
    pub appeal: String,
}

impl Default for FreezeLimits {
    fn default() -> Self {
        FreezeLimits {
            acknowledge_minutes: 30,
            stop_payment_hours: 48,
            max_stop_payments: 2,
            freeze_months: 6,
            unrelated_release_days: 3,
            refund_working_days: 3,
            holidays: Vec::new(),
            utc_offset_minutes: 8 * 60,
            appeal: "the account holder may appeal to the public security organ that ordered the \
                     measure, or to the bank, which must hear it; an upheld appeal lifts the \
                     restriction at once (Anti-Telecom and Online Fraud Law, art. 32)"
                .to_string(),
        }
    }
}

impl FreezeLimits {
    fn offset(&self) -> UtcOffset {
        UtcOffset::from_whole_seconds(i32::from(self.utc_offset_minutes) * 60)
            .unwrap_or(UtcOffset::UTC)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreezeStatus {
    Requested,
    Acknowledged,
    Frozen,
    Released,
    ReturnedToVictim,
    Rejected,
    Expired,
}

impl FreezeStatus {
    pub fn code(self) -> &'static str {
        match self {
            FreezeStatus::Requested => "requested",
            FreezeStatus::Acknowledged => "acknowledged",
            FreezeStatus::Frozen => "frozen",
            FreezeStatus::Released => "released",
            FreezeStatus::ReturnedToVictim => "returned_to_victim",
            FreezeStatus::Rejected => "rejected",
            FreezeStatus::Expired => "expired",
        }
    }

    pub fn is_final(self) -> bool {
        matches!(
            self,
            FreezeStatus::Released
                | FreezeStatus::ReturnedToVictim
                | FreezeStatus::Rejected
                | FreezeStatus::Expired
        )
    }
}

/// What a new request needs. Amounts are in minor units (fen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreezeDraft {
    pub id: String,
    pub case: String,
    pub account: String,
    pub bank: String,
    pub amount: u64,
    /// Why the account is restricted, as the holder will read it.
    pub reason: String,
    /// How to appeal; the limits' text when absent.
    pub appeal: Option<String>,
    /// Emergency stop-payments this account already had, in other requests: the limit is
    /// per account, and only the store can count them.
    pub prior_stop_payments: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FreezeEventKind {
    Requested {
        amount: u64,
    },
    Acknowledged,
    StopPayment {
        #[serde(with = "time::serde::rfc3339")]
        until: OffsetDateTime,
        count: u8,
    },
    Frozen {
        amount: u64,
        partial: bool,
        #[serde(with = "time::serde::rfc3339")]
        until: OffsetDateTime,
    },
    Renewed {
        #[serde(with = "time::serde::rfc3339")]
        until: OffsetDateTime,
    },
    UnrelatedFound {
        amount: u64,
        #[serde(with = "time::serde::rfc3339")]
        due: OffsetDateTime,
    },
    UnrelatedReleased {
        amount: u64,
    },
    ReturnOrdered {
        #[serde(with = "time::serde::rfc3339")]
        due: OffsetDateTime,
    },
    Returned {
        amount: u64,
    },
    Released {
        reason: String,
    },
    Rejected {
        reason: String,
    },
    AppealUpheld,
    Alert(FreezeAlert),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreezeEvent {
    pub version: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub by: Option<String>,
    #[serde(flatten)]
    pub kind: FreezeEventKind,
}

/// A deadline `tick` found passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "alert", rename_all = "snake_case")]
pub enum FreezeAlert {
    /// The bank has not acknowledged: escalate to it.
    AcknowledgeOverdue {
        #[serde(with = "time::serde::rfc3339")]
        deadline: OffsetDateTime,
    },
    /// The stop-payment ran out with no freeze: the request expired.
    StopPaymentLapsed {
        #[serde(with = "time::serde::rfc3339")]
        deadline: OffsetDateTime,
    },
    /// The freeze was not renewed: the request expired.
    FreezeLapsed {
        #[serde(with = "time::serde::rfc3339")]
        deadline: OffsetDateTime,
    },
    UnrelatedReleaseOverdue {
        #[serde(with = "time::serde::rfc3339")]
        deadline: OffsetDateTime,
    },
    RefundOverdue {
        #[serde(with = "time::serde::rfc3339")]
        deadline: OffsetDateTime,
    },
}

/// A dated deadline that raises its alert once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub alerted: bool,
}

impl Deadline {
    fn new(at: OffsetDateTime) -> Deadline {
        Deadline { at, alerted: false }
    }

    fn fire(&mut self, now: OffsetDateTime) -> bool {
        let fire = !self.alerted && self.at <= now;
        self.alerted |= fire;
        fire
    }
}

/// What restricts the account now, with its reason and how to appeal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restriction {
    pub kind: &'static str,
    pub amount: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub until: OffsetDateTime,
    pub reason: String,
    pub appeal: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreezeRequest {
    pub id: String,
    pub case: String,
    pub account: String,
    pub bank: String,
    pub amount_requested: u64,
    pub reason: String,
    pub appeal: String,
    pub status: FreezeStatus,
    pub acknowledge_by: Deadline,
    /// The emergency stop-payment in force, if any, and how many this account has had.
    #[serde(with = "time::serde::rfc3339::option")]
    pub stop_payment_until: Option<OffsetDateTime>,
    pub stop_payments: u8,
    pub frozen_amount: u64,
    pub partial: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub frozen_until: Option<OffsetDateTime>,
    pub unrelated_amount: u64,
    pub unrelated_release_by: Option<Deadline>,
    pub refund_by: Option<Deadline>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: u64,
    pub events: Vec<FreezeEvent>,
}

impl FreezeRequest {
    pub fn new(
        draft: FreezeDraft,
        limits: &FreezeLimits,
        now: OffsetDateTime,
    ) -> Result<FreezeRequest, WorkflowError> {
        let appeal = draft.appeal.unwrap_or_else(|| limits.appeal.clone());
        if draft.reason.trim().is_empty() || appeal.trim().is_empty() {
            return Err(WorkflowError::MissingReason);
        }
        if draft.amount == 0 {
            return Err(WorkflowError::ZeroAmount);
        }
        let mut request = FreezeRequest {
            id: draft.id,
            case: draft.case,
            account: draft.account,
            bank: draft.bank,
            amount_requested: draft.amount,
            reason: draft.reason,
            appeal,
            status: FreezeStatus::Requested,
            acknowledge_by: Deadline::new(now + minutes(limits.acknowledge_minutes)),
            stop_payment_until: None,
            stop_payments: draft.prior_stop_payments,
            frozen_amount: 0,
            partial: false,
            frozen_until: None,
            unrelated_amount: 0,
            unrelated_release_by: None,
            refund_by: None,
            created_at: now,
            version: 0,
            events: Vec::new(),
        };
        request.record(
            now,
            None,
            FreezeEventKind::Requested {
                amount: draft.amount,
            },
        );
        Ok(request)
    }

    fn record(&mut self, at: OffsetDateTime, by: Option<&str>, kind: FreezeEventKind) {
        self.version += 1;
        self.events.push(FreezeEvent {
            version: self.version,
            at,
            by: by.map(str::to_string),
            kind,
        });
    }

    fn require(&self, action: &'static str, allowed: &[FreezeStatus]) -> Result<(), WorkflowError> {
        if allowed.contains(&self.status) {
            Ok(())
        } else {
            Err(WorkflowError::InvalidTransition {
                action,
                status: self.status.code(),
            })
        }
    }

    /// The bank has the request and is acting on it.
    pub fn acknowledge(&mut self, by: &str, now: OffsetDateTime) -> Result<(), WorkflowError> {
        self.require("acknowledge", &[FreezeStatus::Requested])?;
        self.status = FreezeStatus::Acknowledged;
        self.record(now, Some(by), FreezeEventKind::Acknowledged);
        Ok(())
    }

    /// An emergency stop-payment, or its extension while one holds: `stop_payment_hours` from
    /// `now`, at most `max_stop_payments` for the account. A bank that stops payment has
    /// acknowledged the request.
    pub fn stop_payment(
        &mut self,
        by: &str,
        now: OffsetDateTime,
        limits: &FreezeLimits,
    ) -> Result<OffsetDateTime, WorkflowError> {
        self.require(
            "stop payment on",
            &[FreezeStatus::Requested, FreezeStatus::Acknowledged],
        )?;
        if self.stop_payments >= limits.max_stop_payments {
            return Err(WorkflowError::StopPaymentLimit(limits.max_stop_payments));
        }
        if self.status == FreezeStatus::Requested {
            self.acknowledge(by, now)?;
        }
        self.stop_payments += 1;
        let until = now + Duration::hours(i64::from(limits.stop_payment_hours));
        self.stop_payment_until = Some(until);
        let count = self.stop_payments;
        self.record(now, Some(by), FreezeEventKind::StopPayment { until, count });
        Ok(until)
    }

    /// Freezes `amount`, all of the request or the part the account still holds; the freeze
    /// replaces any stop-payment and lasts `freeze_months`.
    pub fn freeze(
        &mut self,
        amount: u64,
        by: &str,
        now: OffsetDateTime,
        limits: &FreezeLimits,
    ) -> Result<OffsetDateTime, WorkflowError> {
        self.require(
            "freeze",
            &[FreezeStatus::Requested, FreezeStatus::Acknowledged],
        )?;
        if amount == 0 {
            return Err(WorkflowError::ZeroAmount);
        }
        if amount > self.amount_requested {
            return Err(WorkflowError::AmountTooLarge {
                amount,
                available: self.amount_requested,
            });
        }
        let until = add_months(now, limits.freeze_months, limits.offset());
        self.status = FreezeStatus::Frozen;
        self.stop_payment_until = None;
        self.frozen_amount = amount;
        self.partial = amount < self.amount_requested;
        self.frozen_until = Some(until);
        let partial = self.partial;
        self.record(
            now,
            Some(by),
            FreezeEventKind::Frozen {
                amount,
                partial,
                until,
            },
        );
        Ok(until)
    }

    /// Renews a freeze before it lapses, for another `freeze_months` from its end.
    pub fn renew(
        &mut self,
        by: &str,
        now: OffsetDateTime,
        limits: &FreezeLimits,
    ) -> Result<OffsetDateTime, WorkflowError> {
        self.require("renew", &[FreezeStatus::Frozen])?;
        let end = self.frozen_until.unwrap_or(now);
        if end <= now {
            return Err(WorkflowError::InvalidTransition {
                action: "renew",
                status: "lapsed",
            });
        }
        let until = add_months(end, limits.freeze_months, limits.offset());
        self.frozen_until = Some(until);
        self.record(now, Some(by), FreezeEventKind::Renewed { until });
        Ok(until)
    }

    /// Part of the frozen money turns out unrelated to the case: it must be released within
    /// `unrelated_release_days`.
    pub fn mark_unrelated(
        &mut self,
        amount: u64,
        by: &str,
        now: OffsetDateTime,
        limits: &FreezeLimits,
    ) -> Result<OffsetDateTime, WorkflowError> {
        self.require("mark unrelated funds of", &[FreezeStatus::Frozen])?;
        if amount == 0 {
            return Err(WorkflowError::ZeroAmount);
        }
        let available = self.frozen_amount - self.unrelated_amount;
        if amount > available {
            return Err(WorkflowError::AmountTooLarge { amount, available });
        }
        self.unrelated_amount += amount;
        // the earliest finding sets the deadline: later findings do not postpone it
        let due = match &self.unrelated_release_by {
            Some(d) => d.at,
            None => now + Duration::days(i64::from(limits.unrelated_release_days)),
        };
        if self.unrelated_release_by.is_none() {
            self.unrelated_release_by = Some(Deadline::new(due));
        }
        self.record(
            now,
            Some(by),
            FreezeEventKind::UnrelatedFound { amount, due },
        );
        Ok(due)
    }

    /// The bank released the unrelated funds; a freeze left with nothing is released.
    pub fn release_unrelated(
        &mut self,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<(), WorkflowError> {
        self.require("release unrelated funds of", &[FreezeStatus::Frozen])?;
        if self.unrelated_amount == 0 {
            return Err(WorkflowError::ZeroAmount);
        }
        let amount = std::mem::take(&mut self.unrelated_amount);
        self.frozen_amount -= amount;
        self.unrelated_release_by = None;
        self.record(now, Some(by), FreezeEventKind::UnrelatedReleased { amount });
        if self.frozen_amount == 0 {
            self.finish(
                FreezeStatus::Released,
                by,
                now,
                "nothing related to the case is left",
            );
        }
        Ok(())
    }

    /// The frozen money is to go back to the victim, within `refund_working_days`.
    pub fn order_return(
        &mut self,
        by: &str,
        now: OffsetDateTime,
        limits: &FreezeLimits,
    ) -> Result<OffsetDateTime, WorkflowError> {
        self.require("order the return of", &[FreezeStatus::Frozen])?;
        if self.refund_by.is_some() {
            return Err(WorkflowError::InvalidTransition {
                action: "order the return of",
                status: "return_ordered",
            });
        }
        let calendar = Calendar {
            offset: limits.offset(),
            holidays: &limits.holidays,
        };
        let due = calendar.add_working_days(now, limits.refund_working_days);
        self.refund_by = Some(Deadline::new(due));
        self.record(now, Some(by), FreezeEventKind::ReturnOrdered { due });
        Ok(due)
    }

    /// The bank paid the frozen money (less any unrelated funds) back to the victim.
    pub fn returned(&mut self, by: &str, now: OffsetDateTime) -> Result<(), WorkflowError> {
        self.require("return", &[FreezeStatus::Frozen])?;
        if self.refund_by.is_none() {
            return Err(WorkflowError::InvalidTransition {
                action: "return",
                status: "return_not_ordered",
            });
        }
        let amount = self.frozen_amount - self.unrelated_amount;
        self.status = FreezeStatus::ReturnedToVictim;
        self.record(now, Some(by), FreezeEventKind::Returned { amount });
        Ok(())
    }

    /// Lifts a stop-payment or a freeze, with the reason.
    pub fn release(
        &mut self,
        reason: &str,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<(), WorkflowError> {
        if self.restriction().is_none() {
            return Err(WorkflowError::InvalidTransition {
                action: "release",
                status: self.status.code(),
            });
        }
        if reason.trim().is_empty() {
            return Err(WorkflowError::MissingReason);
        }
        self.finish(FreezeStatus::Released, by, now, reason);
        Ok(())
    }

    /// The bank refuses the request, with the reason.
    pub fn reject(
        &mut self,
        reason: &str,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<(), WorkflowError> {
        self.require(
            "reject",
            &[FreezeStatus::Requested, FreezeStatus::Acknowledged],
        )?;
        if reason.trim().is_empty() {
            return Err(WorkflowError::MissingReason);
        }
        self.status = FreezeStatus::Rejected;
        self.stop_payment_until = None;
        self.record(
            now,
            Some(by),
            FreezeEventKind::Rejected {
                reason: reason.to_string(),
            },
        );
        Ok(())
    }

    /// An upheld appeal lifts whatever restricts the account, at once (art. 32).
    pub fn appeal_upheld(&mut self, by: &str, now: OffsetDateTime) -> Result<(), WorkflowError> {
        if self.restriction().is_none() {
            return Err(WorkflowError::InvalidTransition {
                action: "lift on appeal",
                status: self.status.code(),
            });
        }
        self.record(now, Some(by), FreezeEventKind::AppealUpheld);
        self.finish(FreezeStatus::Released, by, now, "appeal upheld");
        Ok(())
    }

    fn finish(&mut self, status: FreezeStatus, by: &str, now: OffsetDateTime, reason: &str) {
        self.status = status;
        self.stop_payment_until = None;
        self.unrelated_release_by = None;
        self.refund_by = None;
        self.record(
            now,
            Some(by),
            FreezeEventKind::Released {
                reason: reason.to_string(),
            },
        );
    }

    /// What restricts the account now: a stop-payment or a freeze, with its reason and appeal.
    pub fn restriction(&self) -> Option<Restriction> {
        let (kind, amount, until) = match self.status {
            FreezeStatus::Frozen => ("freeze", self.frozen_amount, self.frozen_until?),
            FreezeStatus::Requested | FreezeStatus::Acknowledged => (
                "stop_payment",
                self.amount_requested,
                self.stop_payment_until?,
            ),
            _ => return None,
        };
        Some(Restriction {
            kind,
            amount,
            until,
            reason: self.reason.clone(),
            appeal: self.appeal.clone(),
        })
    }

    /// The earliest deadline still ahead of the request, if any.
    pub fn due(&self) -> Option<OffsetDateTime> {
        if self.status.is_final() {
            return None;
        }
        let ack = (self.status == FreezeStatus::Requested && !self.acknowledge_by.alerted)
            .then_some(self.acknowledge_by.at);
        let pending = |d: &Option<Deadline>| d.as_ref().filter(|d| !d.alerted).map(|d| d.at);
        [
            ack,
            self.stop_payment_until,
            self.frozen_until,
            pending(&self.unrelated_release_by),
            pending(&self.refund_by),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Reports every deadline passed by `now`, once: an acknowledgement overdue, a release or
    /// refund overdue, and a stop-payment or freeze that lapsed, which expires the request.
    pub fn tick(&mut self, now: OffsetDateTime) -> Vec<FreezeAlert> {
        let mut alerts = Vec::new();
        if self.status.is_final() {
            return alerts;
        }
        if self.status == FreezeStatus::Requested && self.acknowledge_by.fire(now) {
            alerts.push(FreezeAlert::AcknowledgeOverdue {
                deadline: self.acknowledge_by.at,
            });
        }
        if let Some(d) = &mut self.unrelated_release_by
            && d.fire(now)
        {
            alerts.push(FreezeAlert::UnrelatedReleaseOverdue { deadline: d.at });
        }
        if let Some(d) = &mut self.refund_by
            && d.fire(now)
        {
            alerts.push(FreezeAlert::RefundOverdue { deadline: d.at });
        }
        let lapsed = match self.status {
            FreezeStatus::Frozen => self
                .frozen_until
                .filter(|&t| t <= now)
                .map(|deadline| FreezeAlert::FreezeLapsed { deadline }),
            _ => self
                .stop_payment_until
                .filter(|&t| t <= now)
                .map(|deadline| FreezeAlert::StopPaymentLapsed { deadline }),
        };
        for alert in &alerts {
            self.record(now, None, FreezeEventKind::Alert(alert.clone()));
        }
        if let Some(alert) = lapsed {
            self.record(now, None, FreezeEventKind::Alert(alert.clone()));
            self.status = FreezeStatus::Expired;
            self.stop_payment_until = None;
            alerts.push(alert);
        }
        alerts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    // a Thursday, 20:00 in Beijing
    const T0: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

    fn draft(prior: u8) -> FreezeDraft {
        FreezeDraft {
            id: "f1".into(),
            case: "c1".into(),
            account: "6222020200000000001".into(),
            bank: "icbc".into(),
            amount: 5_000_000,
            reason: "received a victim's money in case c1".into(),
            appeal: None,
            prior_stop_payments: prior,
        }
    }

    fn request() -> FreezeRequest {
        FreezeRequest::new(draft(0), &FreezeLimits::default(), T0).unwrap()
    }

    fn hours(h: i64) -> Duration {
        Duration::hours(h)
    }

    #[test]
    fn an_unacknowledged_request_escalates_once() {
        let mut r = request();
        assert_eq!(r.due(), Some(T0 + minutes(30)));
        assert!(r.tick(T0 + minutes(29)).is_empty());
        let alerts = r.tick(T0 + minutes(30));
        assert_eq!(
            alerts,
            [FreezeAlert::AcknowledgeOverdue {
                deadline: T0 + minutes(30)
            }]
        );
        assert!(r.tick(T0 + minutes(30)).is_empty());
        assert_eq!(r.status, FreezeStatus::Requested);
        r.acknowledge("icbc-desk", T0 + minutes(40)).unwrap();
        assert_eq!(r.status, FreezeStatus::Acknowledged);
    }

    #[test]
    fn a_stop_payment_holds_48_hours_twice_at_most_then_lapses() {
        let limits = FreezeLimits::default();
        let mut r = request();
        let until = r.stop_payment("icbc-desk", T0, &limits).unwrap();
        assert_eq!(until, T0 + hours(48));
        assert_eq!(r.status, FreezeStatus::Acknowledged);
        let restriction = r.restriction().unwrap();
        assert_eq!(restriction.kind, "stop_payment");
        assert!(restriction.appeal.contains("art. 32"));
        let until = r
            .stop_payment("icbc-desk", T0 + hours(40), &limits)
            .unwrap();
        assert_eq!(until, T0 + hours(88));
        let err = r
            .stop_payment("icbc-desk", T0 + hours(80), &limits)
            .unwrap_err();
        assert_eq!(err.code(), "stop_payment_limit");
        let alerts = r.tick(T0 + hours(88));
        assert_eq!(
            alerts,
            [FreezeAlert::StopPaymentLapsed {
                deadline: T0 + hours(88)
            }]
        );
        assert_eq!(r.status, FreezeStatus::Expired);
        assert!(r.restriction().is_none());
        assert!(r.tick(T0 + hours(100)).is_empty());
    }

    #[test]
    fn the_stop_payment_limit_is_per_account() {
        let limits = FreezeLimits::default();
        let mut r = FreezeRequest::new(draft(2), &limits, T0).unwrap();
        assert_eq!(
            r.stop_payment("x", T0, &limits).unwrap_err().code(),
            "stop_payment_limit"
        );
    }

    #[test]
    fn a_partial_freeze_lasts_six_months_unless_renewed() {
        let limits = FreezeLimits::default();
        let mut r = request();
        r.stop_payment("icbc-desk", T0, &limits).unwrap();
        let err = r
            .freeze(6_000_000, "officer-3", T0 + hours(2), &limits)
            .unwrap_err();
        assert_eq!(err.code(), "amount_too_large");
        let until = r
            .freeze(3_000_000, "officer-3", T0 + hours(2), &limits)
            .unwrap();
        assert_eq!(until, datetime!(2027-06-03 14:00 UTC));
        assert!(r.partial);
        assert_eq!(r.stop_payment_until, None);
        assert_eq!(r.restriction().unwrap().kind, "freeze");
        // renewal runs from the end of the freeze
        let renewed = r.renew("officer-3", until - hours(24), &limits).unwrap();
        assert_eq!(renewed, datetime!(2027-12-03 14:00 UTC));
        assert_eq!(r.tick(renewed - hours(1)), []);
        assert_eq!(
            r.tick(renewed),
            [FreezeAlert::FreezeLapsed { deadline: renewed }]
        );
        assert_eq!(r.status, FreezeStatus::Expired);
        assert_eq!(
            r.renew("officer-3", renewed, &limits).unwrap_err().code(),
            "freeze_invalid_transition"
        );
    }

    #[test]
    fn unrelated_funds_are_released_within_three_days() {
        let limits = FreezeLimits::default();
        let mut r = request();
        r.freeze(5_000_000, "officer-3", T0, &limits).unwrap();
        let due = r
            .mark_unrelated(1_000_000, "officer-3", T0, &limits)
            .unwrap();
        assert_eq!(due, T0 + hours(72));
        assert_eq!(
            r.mark_unrelated(4_000_001, "o", T0, &limits)
                .unwrap_err()
                .code(),
            "amount_too_large"
        );
        assert_eq!(
            r.tick(due),
            [FreezeAlert::UnrelatedReleaseOverdue { deadline: due }]
        );
        assert!(r.tick(due).is_empty());
        r.release_unrelated("icbc-desk", due + hours(1)).unwrap();
        assert_eq!(r.frozen_amount, 4_000_000);
        assert_eq!(r.status, FreezeStatus::Frozen);
    }

    #[test]
    fn a_refund_completes_within_three_working_days() {
        let limits = FreezeLimits {
            holidays: vec![date!(2026 - 12 - 07)],
            ..FreezeLimits::default()
        };
        let mut r = request();
        r.freeze(5_000_000, "officer-3", T0, &limits).unwrap();
        assert_eq!(
            r.returned("icbc-desk", T0).unwrap_err().code(),
            "freeze_invalid_transition"
        );
        // ordered Thursday evening in Beijing: Friday, (Monday a holiday) Tuesday, Wednesday
        let due = r.order_return("officer-3", T0, &limits).unwrap();
        assert_eq!(due, datetime!(2026-12-09 16:00 UTC));
        assert_eq!(r.tick(due), [FreezeAlert::RefundOverdue { deadline: due }]);
        r.returned("icbc-desk", due + hours(1)).unwrap();
        assert_eq!(r.status, FreezeStatus::ReturnedToVictim);
        assert!(r.tick(due + hours(10_000)).is_empty());
    }

    #[test]
    fn an_upheld_appeal_lifts_the_restriction_at_once() {
        let limits = FreezeLimits::default();
        let mut r = request();
        assert_eq!(
            r.appeal_upheld("court", T0).unwrap_err().code(),
            "freeze_invalid_transition"
        );
        r.freeze(5_000_000, "officer-3", T0, &limits).unwrap();
        let version = r.version;
        r.appeal_upheld("officer-9", T0 + hours(5)).unwrap();
        assert_eq!(r.status, FreezeStatus::Released);
        assert!(r.restriction().is_none());
        assert_eq!(r.version, version + 2);
        assert_eq!(r.due(), None);
    }

    #[test]
    fn rejection_and_release_state_their_reason() {
        let limits = FreezeLimits::default();
        let mut r = request();
        assert_eq!(
            r.reject(" ", "icbc-desk", T0).unwrap_err().code(),
            "reason_required"
        );
        r.reject("account closed in 2024", "icbc-desk", T0).unwrap();
        assert_eq!(r.status, FreezeStatus::Rejected);
        assert_eq!(
            r.freeze(1, "o", T0, &limits).unwrap_err().code(),
            "freeze_invalid_transition"
        );
        let mut r = request();
        assert_eq!(
            r.release("no hold", "o", T0).unwrap_err().code(),
            "freeze_invalid_transition"
        );
        r.stop_payment("icbc-desk", T0, &limits).unwrap();
        r.release("the victim's money was found elsewhere", "officer-3", T0)
            .unwrap();
        assert_eq!(r.status, FreezeStatus::Released);
        let mut d = draft(0);
        d.reason.clear();
        assert_eq!(
            FreezeRequest::new(d, &limits, T0).unwrap_err().code(),
            "reason_required"
        );
    }

    #[test]
    fn a_request_and_its_limits_round_trip_through_json() {
        let limits: FreezeLimits =
            serde_json::from_str(r#"{"holidays": ["2027-01-01"], "stop_payment_hours": 24}"#)
                .unwrap();
        assert_eq!(limits.holidays, [date!(2027 - 01 - 01)]);
        assert_eq!(limits.max_stop_payments, 2);
        let mut r = request();
        r.stop_payment("icbc-desk", T0, &limits).unwrap();
        r.freeze(10, "officer-3", T0, &limits).unwrap();
        let json = serde_json::to_string(&r).unwrap();
        assert!(json.contains(r#""status":"frozen""#), "{json}");
        let back: FreezeRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert_eq!(r.version, r.events.len() as u64);
    }
}
