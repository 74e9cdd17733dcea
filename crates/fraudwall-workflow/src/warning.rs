//! A warning's ladder, modelled on GoAlert's alerts and escalation policies: the warning is
//! triggered, then acknowledged, then closed; its steps run in stages, each step with an action,
//! an assignee unit, a deadline and an acknowledgement. A stage whose steps are all
//! acknowledged starts the next one; a step that misses its deadline starts the next stage, or
//! when there is none goes to the unit above. Every transition is an event in the warning's
//! own log, and the version counts them.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::WorkflowError;
use crate::calendar::minutes;
use crate::tier::{Reason, Tier};

/// What a step asks of its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    ReminderSms,
    Call,
    DoorVisit,
    /// Block the fraudster's number or account.
    Block,
    /// Stop the loss: stop-payment and freeze of the money already sent.
    StopLoss,
}

/// One step of a ladder. `with_previous` starts it together with the step before, in one stage
/// (a call and a door visit at once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    pub action: Action,
    pub deadline_minutes: u32,
    #[serde(default)]
    pub with_previous: bool,
}

pub type Ladder = Vec<StepSpec>;

/// One ladder per tier. Defaults:
/// - low: a reminder SMS, acknowledged (delivered) within 60 minutes;
/// - medium: a call within 30 minutes;
/// - high: a call (10 minutes) and a door visit (30 minutes) at once, then a block (30), then
///   stopping the loss (60);
/// - special: the same within 5, 15, 15 and 30 minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LadderConfig {
    pub low: Ladder,
    pub medium: Ladder,
    pub high: Ladder,
    pub special: Ladder,
}

fn step(action: Action, deadline_minutes: u32, with_previous: bool) -> StepSpec {
    StepSpec {
        action,
        deadline_minutes,
        with_previous,
    }
}

impl Default for LadderConfig {
    fn default() -> Self {
        let urgent = |m: [u32; 4]| {
            vec![
                step(Action::Call, m[0], false),
                step(Action::DoorVisit, m[1], true),
                step(Action::Block, m[2], false),
                step(Action::StopLoss, m[3], false),
            ]
        };
        LadderConfig {
            low: vec![step(Action::ReminderSms, 60, false)],
            medium: vec![step(Action::Call, 30, false)],
            high: urgent([10, 30, 30, 60]),
            special: urgent([5, 15, 15, 30]),
        }
    }
}

impl LadderConfig {
    pub fn ladder(&self, tier: Tier) -> &Ladder {
        match tier {
            Tier::Low => &self.low,
            Tier::Medium => &self.medium,
            Tier::High => &self.high,
            Tier::Special => &self.special,
        }
    }

    /// Every ladder has a step and every deadline is at least a minute, so a tick at a given
    /// `now` always ends (a deadline of zero would escalate forever).
    pub fn validate(&self) -> Result<(), WorkflowError> {
        for tier in Tier::ALL {
            let ladder = self.ladder(tier);
            if ladder.is_empty() {
                return Err(WorkflowError::EmptyLadder(tier.code()));
            }
            if ladder.iter().any(|s| s.deadline_minutes == 0) {
                return Err(WorkflowError::ZeroDeadline);
            }
        }
        Ok(())
    }
}

/// The unit tree, as the caller knows it: a station's district centre, a district's city.
pub trait Units {
    fn parent_of(&self, unit: &str) -> Option<String>;
}

impl Units for BTreeMap<String, String> {
    fn parent_of(&self, unit: &str) -> Option<String> {
        self.get(unit).cloned()
    }
}

impl Units for HashMap<String, String> {
    fn parent_of(&self, unit: &str) -> Option<String> {
        self.get(unit).cloned()
    }
}

/// A function as the unit tree (say, a territory code cut to its parent's length).
pub struct ParentFn<F>(pub F);

impl<F: Fn(&str) -> Option<String>> Units for ParentFn<F> {
    fn parent_of(&self, unit: &str) -> Option<String> {
        (self.0)(unit)
    }
}

/// A unit tree with a cycle would pass a step around it for ever; no real tree is this deep.
const MAX_UNIT_ESCALATIONS: u32 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Pending,
    Triggered,
    Acknowledged,
    /// Its deadline passed and the escalation went on without it; it may still be acknowledged.
    Missed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub action: Action,
    pub stage: u32,
    pub deadline_minutes: u32,
    pub unit: String,
    pub status: StepStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub triggered_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub deadline: Option<OffsetDateTime>,
    pub acknowledged: Option<Acknowledgement>,
    /// How many times it went to the unit above.
    pub escalations: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningStatus {
    Triggered,
    Acknowledged,
    Closed,
}

impl WarningStatus {
    pub fn code(self) -> &'static str {
        match self {
            WarningStatus::Triggered => "triggered",
            WarningStatus::Acknowledged => "acknowledged",
            WarningStatus::Closed => "closed",
        }
    }
}

/// How a warning ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Dissuaded,
    /// The money is gone: the caller opens a case.
    AlreadyDeceived,
    Unreachable,
    Refused,
    FalseAlarm,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [
        Outcome::Dissuaded,
        Outcome::AlreadyDeceived,
        Outcome::Unreachable,
        Outcome::Refused,
        Outcome::FalseAlarm,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Outcome::Dissuaded => "dissuaded",
            Outcome::AlreadyDeceived => "already_deceived",
            Outcome::Unreachable => "unreachable",
            Outcome::Refused => "refused",
            Outcome::FalseAlarm => "false_alarm",
        }
    }

    /// An outcome as a caller sends it; absent or empty is `outcome_required`.
    pub fn parse(code: Option<&str>) -> Result<Outcome, WorkflowError> {
        let code = code.map(str::trim).filter(|c| !c.is_empty());
        let code = code.ok_or(WorkflowError::OutcomeRequired)?;
        Outcome::ALL
            .into_iter()
            .find(|o| o.code() == code)
            .ok_or_else(|| WorkflowError::UnknownOutcome(code.to_string()))
    }

    pub fn opens_case(self) -> bool {
        self == Outcome::AlreadyDeceived
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub outcome: Outcome,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "escalation", rename_all = "snake_case")]
pub enum EscalationKind {
    /// The next stage started because this step missed its deadline.
    NextStep { stage: u32 },
    /// The step went to the unit above, with a fresh deadline.
    UnitAbove { from: String, to: String },
    /// No stage after it and no unit above: someone must look.
    Exhausted,
}

/// A missed deadline and what it led to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub warning: String,
    pub step: usize,
    pub action: Action,
    #[serde(with = "time::serde::rfc3339")]
    pub deadline: OffsetDateTime,
    #[serde(flatten)]
    pub kind: EscalationKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    Created { tier: Tier },
    StepTriggered { step: usize, unit: String },
    Acknowledged { step: usize },
    Escalated(Escalation),
    Closed { outcome: Outcome },
}

/// One transition. `at` is when it was recorded; an escalation also names the deadline it
/// missed, which a late tick may find well after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub version: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub by: Option<String>,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What a new warning needs: who, where, which unit takes it first, and its assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WarningDraft {
    pub id: String,
    pub subscriber: String,
    pub territory: String,
    pub unit: String,
    pub tier: Tier,
    pub reasons: Vec<Reason>,
}

/// What closing asks of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed {
    pub open_case: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub id: String,
    pub subscriber: String,
    pub territory: String,
    pub tier: Tier,
    pub reasons: Vec<Reason>,
    pub status: WarningStatus,
    pub steps: Vec<Step>,
    pub closure: Option<Closure>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: u64,
    pub events: Vec<Event>,
}

impl Warning {
    /// A warning with its tier's ladder, the first stage triggered at `now`.
    pub fn new(
        draft: WarningDraft,
        ladders: &LadderConfig,
        now: OffsetDateTime,
    ) -> Result<Warning, WorkflowError> {
        ladders.validate()?;
        let mut stage = 0;
        let steps = ladders
            .ladder(draft.tier)
            .iter()
            .enumerate()
            .map(|(i, spec)| {
                if i > 0 && !spec.with_previous {
                    stage += 1;
                }
                Step {
                    action: spec.action,
                    stage,
                    deadline_minutes: spec.deadline_minutes,
                    unit: draft.unit.clone(),
                    status: StepStatus::Pending,
                    triggered_at: None,
                    deadline: None,
                    acknowledged: None,
                    escalations: 0,
                }
            })
            .collect();
        let mut warning = Warning {
            id: draft.id,
            subscriber: draft.subscriber,
            territory: draft.territory,
            tier: draft.tier,
            reasons: draft.reasons,
            status: WarningStatus::Triggered,
            steps,
            closure: None,
            created_at: now,
            version: 0,
            events: Vec::new(),
        };
        warning.record(now, None, EventKind::Created { tier: warning.tier });
        warning.trigger_stage(0, now, now);
        Ok(warning)
    }

    fn record(&mut self, at: OffsetDateTime, by: Option<&str>, kind: EventKind) {
        self.version += 1;
        self.events.push(Event {
            version: self.version,
            at,
            by: by.map(str::to_string),
            kind,
        });
    }

    /// Starts a stage's pending steps from `from` (when they should have started), recorded
    /// at `now`. Returns whether the stage exists and was pending.
    fn trigger_stage(&mut self, stage: u32, from: OffsetDateTime, now: OffsetDateTime) -> bool {
        let mut any = false;
        for i in 0..self.steps.len() {
            let step = &mut self.steps[i];
            if step.stage != stage || step.status != StepStatus::Pending {
                continue;
            }
            step.status = StepStatus::Triggered;
            step.triggered_at = Some(from);
            step.deadline = Some(from + minutes(step.deadline_minutes));
            let unit = step.unit.clone();
            self.record(now, None, EventKind::StepTriggered { step: i, unit });
            any = true;
        }
        any
    }

    fn stage_pending(&self, stage: u32) -> bool {
        self.steps
            .iter()
            .any(|s| s.stage == stage && s.status == StepStatus::Pending)
    }

    pub fn is_closed(&self) -> bool {
        self.status == WarningStatus::Closed
    }

    /// The unit acknowledges a step (the call was made, the visit done). A missed step may
    /// still be acknowledged late. When a stage has nothing left running, the next starts.
    pub fn acknowledge(
        &mut self,
        step: usize,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<(), WorkflowError> {
        if self.is_closed() {
            return Err(WorkflowError::AlreadyClosed);
        }
        let s = self
            .steps
            .get_mut(step)
            .ok_or(WorkflowError::UnknownStep(step))?;
        match s.status {
            StepStatus::Pending => return Err(WorkflowError::StepNotTriggered(step)),
            StepStatus::Acknowledged => return Err(WorkflowError::StepAlreadyAcknowledged(step)),
            StepStatus::Triggered | StepStatus::Missed => {}
        }
        s.status = StepStatus::Acknowledged;
        s.acknowledged = Some(Acknowledgement {
            by: by.to_string(),
            at: now,
        });
        let stage = s.stage;
        self.status = WarningStatus::Acknowledged;
        self.record(now, Some(by), EventKind::Acknowledged { step });
        let running = self
            .steps
            .iter()
            .any(|s| s.stage == stage && s.status == StepStatus::Triggered);
        if !running {
            self.trigger_stage(stage + 1, now, now);
        }
        Ok(())
    }

    /// Closes the warning with its outcome. A closed warning never moves again.
    pub fn close(
        &mut self,
        outcome: Outcome,
        by: &str,
        now: OffsetDateTime,
    ) -> Result<Closed, WorkflowError> {
        if self.is_closed() {
            return Err(WorkflowError::AlreadyClosed);
        }
        self.status = WarningStatus::Closed;
        self.closure = Some(Closure {
            outcome,
            by: by.to_string(),
            at: now,
        });
        self.record(now, Some(by), EventKind::Closed { outcome });
        Ok(Closed {
            open_case: outcome.opens_case(),
        })
    }

    /// The earliest deadline still running, if any: when the next `tick` has work. It may be
    /// in the past, when a tick is late.
    pub fn due(&self) -> Option<OffsetDateTime> {
        if self.is_closed() {
            return None;
        }
        self.steps
            .iter()
            .filter(|s| s.status == StepStatus::Triggered)
            .filter_map(|s| s.deadline)
            .min()
    }

    /// Escalates every deadline passed by `now`, in deadline order, each from the deadline it
    /// missed, so a late tick ends where timely ones would have. Ticking again at the same
    /// `now` finds nothing: every new deadline lies after it.
    pub fn tick(&mut self, now: OffsetDateTime, units: &dyn Units) -> Vec<Escalation> {
        let mut out = Vec::new();
        if self.is_closed() {
            return out;
        }
        loop {
            let missed = self
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.status == StepStatus::Triggered)
                .filter_map(|(i, s)| s.deadline.map(|d| (d, i)))
                .filter(|&(d, _)| d <= now)
                .min();
            let Some((deadline, i)) = missed else { break };
            let stage = self.steps[i].stage;
            let kind = if self.stage_pending(stage + 1) {
                self.steps[i].status = StepStatus::Missed;
                EscalationKind::NextStep { stage: stage + 1 }
            } else {
                let step = &mut self.steps[i];
                let parent = units
                    .parent_of(&step.unit)
                    .filter(|p| *p != step.unit && step.escalations < MAX_UNIT_ESCALATIONS);
                match parent {
                    Some(to) => {
                        let from = std::mem::replace(&mut step.unit, to.clone());
                        step.escalations += 1;
                        step.deadline = Some(deadline + minutes(step.deadline_minutes));
                        EscalationKind::UnitAbove { from, to }
                    }
                    None => {
                        step.status = StepStatus::Missed;
                        EscalationKind::Exhausted
                    }
                }
            };
            let escalation = Escalation {
                warning: self.id.clone(),
                step: i,
                action: self.steps[i].action,
                deadline,
                kind,
            };
            self.record(now, None, EventKind::Escalated(escalation.clone()));
            if let EscalationKind::NextStep { stage } = escalation.kind {
                self.trigger_stage(stage, deadline, now);
            }
            out.push(escalation);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-12-03 12:00 UTC);

    fn units() -> BTreeMap<String, String> {
        [("station-1", "district-1"), ("district-1", "city-1")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    fn warning(tier: Tier) -> Warning {
        let draft = WarningDraft {
            id: "w1".into(),
            subscriber: "+8613800000001".into(),
            territory: "350102".into(),
            unit: "station-1".into(),
            tier,
            reasons: vec![],
        };
        Warning::new(draft, &LadderConfig::default(), T0).unwrap()
    }

    fn statuses(w: &Warning) -> Vec<StepStatus> {
        w.steps.iter().map(|s| s.status).collect()
    }

    use StepStatus::*;

    #[test]
    fn high_tier_calls_and_visits_at_once() {
        let w = warning(Tier::High);
        assert_eq!(statuses(&w), [Triggered, Triggered, Pending, Pending]);
        assert_eq!(w.due(), Some(T0 + minutes(10)));
        assert_eq!(w.status, WarningStatus::Triggered);
        assert_eq!(w.version, 3);
        assert_eq!(w.events.len() as u64, w.version);
    }

    #[test]
    fn acknowledging_a_stage_starts_the_next() {
        let mut w = warning(Tier::High);
        w.acknowledge(0, "officer-7", T0 + minutes(3)).unwrap();
        assert_eq!(w.status, WarningStatus::Acknowledged);
        assert_eq!(statuses(&w), [Acknowledged, Triggered, Pending, Pending]);
        w.acknowledge(1, "officer-7", T0 + minutes(20)).unwrap();
        assert_eq!(
            statuses(&w),
            [Acknowledged, Acknowledged, Triggered, Pending]
        );
        assert_eq!(w.due(), Some(T0 + minutes(50)));
        assert_eq!(
            w.acknowledge(1, "officer-7", T0 + minutes(21)),
            Err(WorkflowError::StepAlreadyAcknowledged(1))
        );
        assert_eq!(
            w.acknowledge(3, "x", T0).unwrap_err().code(),
            "step_not_triggered"
        );
        assert_eq!(
            w.acknowledge(9, "x", T0).unwrap_err().code(),
            "step_not_found"
        );
    }

    #[test]
    fn a_missed_call_starts_the_next_step() {
        let mut w = warning(Tier::High);
        let e = w.tick(T0 + minutes(10), &units());
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].step, 0);
        assert_eq!(e[0].kind, EscalationKind::NextStep { stage: 1 });
        assert_eq!(statuses(&w), [Missed, Triggered, Triggered, Pending]);
        // the block started when the call was missed
        assert_eq!(w.steps[2].deadline, Some(T0 + minutes(40)));
    }

    #[test]
    fn a_missed_last_step_goes_to_the_unit_above_then_runs_out() {
        let mut w = warning(Tier::Medium);
        let e = w.tick(T0 + minutes(30), &units());
        assert_eq!(
            e[0].kind,
            EscalationKind::UnitAbove {
                from: "station-1".into(),
                to: "district-1".into()
            }
        );
        assert_eq!(w.steps[0].unit, "district-1");
        assert_eq!(w.due(), Some(T0 + minutes(60)));
        // a late tick catches up: city at 60, then nothing above the city at 90
        let e = w.tick(T0 + minutes(100), &units());
        let kinds: Vec<_> = e.iter().map(|e| e.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                EscalationKind::UnitAbove {
                    from: "district-1".into(),
                    to: "city-1".into()
                },
                EscalationKind::Exhausted
            ]
        );
        assert_eq!(e[1].deadline, T0 + minutes(90));
        assert_eq!(w.due(), None);
        // a missed step can still be done late
        w.acknowledge(0, "city-officer", T0 + minutes(101)).unwrap();
    }

    #[test]
    fn ticking_twice_at_the_same_now_escalates_once() {
        let mut w = warning(Tier::Special);
        let now = T0 + minutes(45);
        let first = w.tick(now, &units());
        assert!(!first.is_empty());
        let after = w.clone();
        assert!(w.tick(now, &units()).is_empty());
        assert_eq!(w, after);
    }

    #[test]
    fn a_parent_function_and_a_cycle_both_end() {
        let mut w = warning(Tier::Low);
        let cycle = ParentFn(|u: &str| Some(if u == "a" { "b" } else { "a" }.to_string()));
        let e = w.tick(T0 + minutes(60 * 100), &cycle);
        assert_eq!(e.len() as u32, MAX_UNIT_ESCALATIONS + 1);
        assert_eq!(e.last().unwrap().kind, EscalationKind::Exhausted);
    }

    #[test]
    fn close_needs_an_outcome_and_happens_once() {
        assert_eq!(Outcome::parse(None).unwrap_err().code(), "outcome_required");
        assert_eq!(
            Outcome::parse(Some(" ")).unwrap_err().code(),
            "outcome_required"
        );
        assert_eq!(
            Outcome::parse(Some("scared")).unwrap_err().code(),
            "outcome_unknown"
        );
        let outcome = Outcome::parse(Some("already_deceived")).unwrap();
        let mut w = warning(Tier::High);
        assert_eq!(
            w.close(outcome, "officer-7", T0 + minutes(5)),
            Ok(Closed { open_case: true })
        );
        let closed = w.clone();
        assert_eq!(
            w.close(Outcome::Dissuaded, "officer-7", T0 + minutes(6))
                .unwrap_err()
                .code(),
            "warning_closed"
        );
        assert_eq!(
            w.acknowledge(0, "x", T0 + minutes(6)).unwrap_err().code(),
            "warning_closed"
        );
        assert!(w.tick(T0 + minutes(600), &units()).is_empty());
        assert_eq!(w, closed);
        assert_eq!(w.due(), None);
        assert!(!Outcome::Dissuaded.opens_case());
    }

    #[test]
    fn a_warning_round_trips_through_json() {
        let mut w = warning(Tier::High);
        w.acknowledge(0, "officer-7", T0 + minutes(3)).unwrap();
        w.tick(T0 + minutes(31), &units());
        let json = serde_json::to_string(&w).unwrap();
        assert!(json.contains(r#""tier":"high""#), "{json}");
        assert!(json.contains(r#""kind":"escalated""#), "{json}");
        let back: Warning = serde_json::from_str(&json).unwrap();
        assert_eq!(back, w);
    }

    #[test]
    fn ladder_config_is_checked() {
        let mut c = LadderConfig::default();
        c.low[0].deadline_minutes = 0;
        assert_eq!(c.validate().unwrap_err().code(), "deadline_zero");
        c.low.clear();
        assert_eq!(c.validate().unwrap_err().code(), "ladder_empty");
        let c: LadderConfig =
            serde_json::from_str(r#"{"low": [{"action": "call", "deadline_minutes": 15}]}"#)
                .unwrap();
        assert_eq!(c.low[0].action, Action::Call);
        assert_eq!(c.high, LadderConfig::default().high);
    }
}
