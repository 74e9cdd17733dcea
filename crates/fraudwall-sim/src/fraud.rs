//! The fraud side in motion, one day at a time: spray calls and messages from the gangs' live
//! numbers, victims worked on over minutes or weeks, payments into first-layer mules and the
//! money's way through the layers, reports that come late and incomplete, and citizens' clues
//! (right, mistaken and malicious).
//!
//! A victim's whole story is planned the day it begins; records of later days wait in a queue
//! keyed by day, so memory follows the stories in flight, not the number of days.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::World;
use crate::calendar::{DAY, HOUR, MINUTE, Time};
use crate::gangs::{Gang, Typology};
use crate::ids::{Num, num_string};
use crate::legit;
use crate::record::{Package, Rec, Text, Timed, Url};
use crate::rng::{Rng, stream};
use crate::scripts::{self, Fill};
use crate::types::{Channel, FRAUD_TYPES, FraudType, profile};

/// A citizen's report, waiting for its filing time.
#[derive(Debug, Clone)]
pub struct Filed {
    pub t: Time,
    pub json: Value,
}

#[derive(Debug, Default)]
pub struct DayOutput {
    /// Records of the day, by hour.
    pub hours: Vec<Vec<Timed>>,
    pub cases: Vec<Filed>,
    pub clues: Vec<Filed>,
    pub truth: Vec<Value>,
}

#[derive(Debug)]
pub struct Engine {
    pending: BTreeMap<i64, Vec<Timed>>,
    cases: BTreeMap<i64, Vec<Filed>>,
    clues: BTreeMap<i64, Vec<Filed>>,
    next_case: u64,
    next_clue: u64,
    next_victim: u64,
    next_hop: u64,
    pub victims: u64,
    pub targets: u64,
}

/// Probability that an engaged target is persuaded and pays.
pub const P_PAY: f64 = 0.4;
/// Probability that a victim reports to the police.
pub const P_REPORT: f64 = 0.75;
/// Probability that a victim remembers a given contact identifier / payment in the report.
pub const P_REMEMBER_CONTACT: f64 = 0.6;
pub const P_REMEMBER_PAYMENT: f64 = 0.85;
/// Probability that someone who received a spray call or message reports it as a clue.
pub const P_CLUE: f64 = 0.01;
/// Probability that the recipient of a fraud SMS with a link opens it.
pub const P_CLICK: f64 = 0.03;
/// Share of a social-channel gang's reach that is ad clicks on its site rather than calls or SMS.
pub const AD_CLICKS: f64 = 0.3;
/// Mistaken clues, per correct clue.
pub const MISTAKEN_PER_CLUE: f64 = 0.15;
/// Share of the population reached by a fraud call or SMS a day (seed 002: Shanghai blocks
/// 215,000 calls and 412,000 SMS a day for about 24.9 M residents).
pub const CONTACT_RATE: f64 = 0.025;

impl Engine {
    pub fn new() -> Engine {
        Engine {
            pending: BTreeMap::new(),
            cases: BTreeMap::new(),
            clues: BTreeMap::new(),
            next_case: 0,
            next_clue: 0,
            next_victim: 0,
            next_hop: 0,
            victims: 0,
            targets: 0,
        }
    }

    fn push(&mut self, world: &World, t: Time, rec: Rec) {
        if t < 0 || t >= world.end() {
            return;
        }
        self.pending
            .entry(t.div_euclid(DAY))
            .or_default()
            .push(Timed { t, rec });
    }

    fn clue(
        &mut self,
        world: &World,
        t: Time,
        mut json: Value,
        label: &str,
        truth: &mut Vec<Value>,
    ) {
        if t < 0 || t >= world.end() {
            return;
        }
        self.next_clue += 1;
        let id = format!("clue-{:06}", self.next_clue);
        json["id"] = Value::from(id.clone());
        json["filed_at"] = Value::from(world.clock.format(t));
        truth.push(json!({"type": "clue", "id": id, "label": label, "kind": json["kind"], "value": json["value"]}));
        self.clues
            .entry(t.div_euclid(DAY))
            .or_default()
            .push(Filed { t, json });
    }

    /// Everything of `day` that is not ordinary life.
    pub fn day(&mut self, world: &World, day: u32) -> DayOutput {
        let mut rng = Rng::derive(world.params.seed, stream::FRAUD_DAY, u64::from(day), 0);
        let mut truth = Vec::new();
        let from = i64::from(day) * DAY;
        if day == 0 {
            // stories already running when the scenario starts: long cons began weeks ago
            for back in 1..=21 {
                self.new_stories(world, &mut rng, -back, &mut truth, true);
            }
        }
        self.spray(world, &mut rng, from, &mut truth);
        self.new_stories(world, &mut rng, i64::from(day), &mut truth, false);
        self.mule_cover(world, &mut rng, from);
        self.wrong_clues(world, &mut rng, from, &mut truth);

        let d = i64::from(day);
        let mut records = self.pending.remove(&d).unwrap_or_default();
        records.sort_by_key(|r| r.t);
        let mut hours: Vec<Vec<Timed>> = (0..24).map(|_| Vec::new()).collect();
        for r in records {
            hours[((r.t - from) / HOUR) as usize].push(r);
        }
        let mut cases = self.cases.remove(&d).unwrap_or_default();
        cases.sort_by_key(|c| c.t);
        let mut clues = self.clues.remove(&d).unwrap_or_default();
        clues.sort_by_key(|c| c.t);
        DayOutput {
            hours,
            cases,
            clues,
            truth,
        }
    }

    /// Calls and messages from every live number of every gang, to people picked at random and
    /// to people the gang targets.
    fn spray(&mut self, world: &World, rng: &mut Rng, from: Time, truth: &mut Vec<Value>) {
        let to = from + DAY;
        let weight = |g: &Gang, s: &crate::gangs::Sim| {
            let overlap = (s.to.min(to) - s.from.max(from)).max(0) as f64 / DAY as f64;
            g.intensity * overlap
        };
        let total: f64 = world
            .gangs
            .iter()
            .flat_map(|g| g.active_sims(from, to).map(move |s| weight(g, s)))
            .sum();
        if total <= 0.0 {
            return;
        }
        let contacts = CONTACT_RATE * world.population.subscribers.len() as f64;
        for g in &world.gangs {
            let p = profile(g.fraud_type);
            let call_share = match p.channel {
                Channel::Call => 0.85,
                Channel::Sms => 0.25,
                Channel::Social => 0.35,
            };
            let sims: Vec<_> = g.active_sims(from, to).cloned().collect();
            for sim in sims {
                let n = rng.poisson(contacts * weight(g, &sim) / total);
                let lo = sim.from.max(from + 8 * HOUR);
                let hi = sim.to.min(from + 22 * HOUR);
                if hi <= lo {
                    continue;
                }
                for _ in 0..n {
                    let t = lo + rng.below((hi - lo) as u64) as i64;
                    let target = if rng.chance(0.3) {
                        pick_target(world, rng, g.fraud_type)
                    } else {
                        rng.below(world.population.subscribers.len() as u64) as u32
                    };
                    let callee = world.population.subscribers[target as usize].phone;
                    // social-media ads: a click on the gang's site, no call or message
                    if p.channel == Channel::Social
                        && rng.chance(AD_CLICKS)
                        && let Some(site) = g.active_site(t)
                    {
                        let link = scripts::link(rng, &site.domain);
                        self.push(
                            world,
                            t,
                            Rec::Visit {
                                subscriber: callee,
                                url: Url::Owned(link.into()),
                            },
                        );
                        continue;
                    }
                    if rng.chance(call_share) {
                        let duration = spray_duration(rng, g.careful);
                        self.push(
                            world,
                            t,
                            Rec::Call {
                                caller: sim.number,
                                callee,
                                duration,
                            },
                        );
                        if rng.chance(P_CLUE) {
                            let json = json!({"kind": "number", "value": num_string(sim.number),
                                "fraud_type": guess(rng, g.fraud_type), "reporter": num_string(callee)});
                            self.clue(
                                world,
                                t + rng.lognormal(2.0 * HOUR as f64, 1.0) as i64,
                                json,
                                "correct",
                                truth,
                            );
                        }
                    } else {
                        let sender = match g.gateway {
                            Some(gw) if rng.chance(0.3) => gw,
                            _ => sim.number,
                        };
                        let (text, link) = self.script(rng, g, t, Some(sim.number));
                        if let Some(link) = link.filter(|_| rng.chance(P_CLICK)) {
                            let at = t + rng.lognormal(6.0 * MINUTE as f64, 1.0) as i64;
                            self.push(
                                world,
                                at,
                                Rec::Visit {
                                    subscriber: callee,
                                    url: Url::Owned(link.into()),
                                },
                            );
                        }
                        truth.push(json!({"type": "message", "gang": g.name(), "fraud_type": g.fraud_type.code(),
                            "sender": num_string(sender), "recipient": num_string(callee),
                            "time": world.clock.format(t), "text": text}));
                        if rng.chance(P_CLUE) {
                            let json = json!({"kind": "sms", "value": num_string(sender), "text": text,
                                "fraud_type": guess(rng, g.fraud_type), "reporter": num_string(callee)});
                            self.clue(
                                world,
                                t + rng.lognormal(2.0 * HOUR as f64, 1.0) as i64,
                                json,
                                "correct",
                                truth,
                            );
                        }
                        self.push(
                            world,
                            t,
                            Rec::Sms {
                                sender,
                                recipient: callee,
                                text: Text::Owned(text.into()),
                            },
                        );
                    }
                }
            }
        }
    }

    /// A message of the gang's, with the link it carries (if any).
    fn script(
        &self,
        rng: &mut Rng,
        g: &Gang,
        t: Time,
        number: Option<Num>,
    ) -> (String, Option<String>) {
        let link = g.active_site(t).map(|s| scripts::link(rng, &s.domain));
        let templates: Vec<&str> = scripts::scripts(g.fraud_type)
            .iter()
            .copied()
            .filter(|s| link.is_some() || !s.contains("{L}"))
            .collect();
        let template = if templates.is_empty() {
            *rng.pick(scripts::scripts(g.fraud_type))
        } else {
            *rng.pick(&templates)
        };
        let number = number.map(num_string).unwrap_or_default();
        let boss = if rng.chance(0.5) {
            "王总"
        } else {
            "你们李总"
        };
        let app = g.apps.first().map(|a| a.1).unwrap_or("助手");
        let amount = rng.range(5, 500) * 100;
        let text = scripts::render(
            rng,
            template,
            &Fill {
                link: link.as_deref().unwrap_or(""),
                number: &number,
                amount,
                app,
                boss,
            },
            g.obfuscation,
        );
        let carried = if template.contains("{L}") { link } else { None };
        (text, carried)
    }

    fn new_stories(
        &mut self,
        world: &World,
        rng: &mut Rng,
        day: i64,
        truth: &mut Vec<Value>,
        backlog: bool,
    ) {
        let per_day =
            world.params.victims_per_100k * world.population.subscribers.len() as f64 / 100_000.0;
        for t in FRAUD_TYPES {
            let p = profile(t);
            // a backlog only for cons that run longer than a day
            if backlog && (p.span_hours < 24.0 || (-day * 24) as f64 > 3.0 * p.span_hours) {
                continue;
            }
            let gangs: Vec<&Gang> = world.gangs.iter().filter(|g| g.fraud_type == t).collect();
            if gangs.is_empty() {
                continue;
            }
            let n = rng.poisson(per_day * p.share / P_PAY);
            for _ in 0..n {
                let g = gangs[rng.below(gangs.len() as u64) as usize];
                let t0 = day * DAY + 8 * HOUR + rng.below(14 * HOUR as u64) as i64;
                self.story(world, rng, g, t0, truth);
            }
        }
    }

    /// One target's story, planned whole.
    fn story(&mut self, world: &World, rng: &mut Rng, g: &Gang, t0: Time, truth: &mut Vec<Value>) {
        let p = profile(g.fraud_type);
        let Some(sim) = g.sim_at(rng, t0).cloned() else {
            return;
        };
        let v = pick_victim(world, rng, g.fraud_type, p.post1990);
        let victim = world.population.subscribers[v as usize].clone();
        let vp = victim.phone;
        let pays = rng.chance(P_PAY);
        let internet = p.channel == Channel::Social || rng.chance(p.internet);
        let span = (rng.lognormal(p.span_hours, 0.5) * HOUR as f64) as i64 + 10 * MINUTE;
        let mut contacts: Vec<Value> = Vec::new();
        let clock = &world.clock;
        let mut t = t0;
        match p.channel {
            Channel::Call => {
                let long = match g.fraud_type {
                    FraudType::ImpersonatePolice => 1200.0,
                    FraudType::ElderlyCare => 900.0,
                    _ => 600.0,
                };
                self.push(
                    world,
                    t,
                    Rec::Call {
                        caller: sim.number,
                        callee: vp,
                        duration: rng.lognormal(long, 0.6) as u32,
                    },
                );
                contacts.push(json!({"kind": "number", "value": num_string(sim.number), "time": clock.format(t), "how": "call"}));
            }
            Channel::Sms => {
                let sender = match g.gateway {
                    Some(gw) if rng.chance(0.3) => gw,
                    _ => sim.number,
                };
                let (text, _) = self.script(rng, g, t, Some(sim.number));
                self.push(
                    world,
                    t,
                    Rec::Sms {
                        sender,
                        recipient: vp,
                        text: Text::Owned(text.clone().into()),
                    },
                );
                if t >= 0 && t < world.end() {
                    truth.push(json!({"type": "message", "gang": g.name(), "fraud_type": g.fraud_type.code(),
                    "sender": num_string(sender), "recipient": num_string(vp), "time": clock.format(t), "text": text}));
                }
                contacts.push(json!({"kind": "sms", "value": num_string(sender), "time": clock.format(t), "how": "sms"}));
                if rng.chance(0.5) {
                    t += rng.lognormal(20.0 * MINUTE as f64, 0.8) as i64;
                    self.push(
                        world,
                        t,
                        Rec::Call {
                            caller: vp,
                            callee: sim.number,
                            duration: rng.lognormal(300.0, 0.7) as u32,
                        },
                    );
                    contacts.push(json!({"kind": "number", "value": num_string(sim.number), "time": clock.format(t), "how": "called back"}));
                }
            }
            Channel::Social => {
                let id = format!("wxid_{}{:04}", g.id, rng.below(10_000));
                contacts.push(
                    json!({"kind": "social", "value": id, "time": clock.format(t), "how": "chat"}),
                );
            }
        }
        let site = g.active_site(t).cloned();
        if internet {
            if let Some(site) = &site {
                t += rng.lognormal(15.0 * MINUTE as f64, 0.8) as i64;
                let link = scripts::link(rng, &site.domain);
                self.push(
                    world,
                    t,
                    Rec::Visit {
                        subscriber: vp,
                        url: Url::Owned(link.clone().into()),
                    },
                );
                contacts.push(
                    json!({"kind": "url", "value": link, "time": clock.format(t), "how": "visit"}),
                );
            }
            if let Some((package, _)) = g.apps.first() {
                t += rng.lognormal(10.0 * MINUTE as f64, 0.8) as i64;
                self.push(
                    world,
                    t,
                    Rec::App {
                        subscriber: vp,
                        package: Package::Owned(package.clone().into()),
                    },
                );
                contacts.push(json!({"kind": "app", "value": package, "time": clock.format(t), "how": "install"}));
            }
        }
        // being worked on: follow-up calls for telephone cons, return visits for internet ones
        let end = t0 + span;
        let mut k = t;
        let step = (span / 6).max(20 * MINUTE);
        while k + step < end {
            k += rng.range(step as u64 / 2, step as u64 * 3 / 2) as i64;
            if k >= end {
                break;
            }
            if internet && site.is_some() {
                let site = g
                    .active_site(k)
                    .or(site.as_ref())
                    .cloned()
                    .unwrap_or_else(|| site.clone().unwrap());
                let link = scripts::link(rng, &site.domain);
                self.push(
                    world,
                    k,
                    Rec::Visit {
                        subscriber: vp,
                        url: Url::Owned(link.into()),
                    },
                );
            } else if let Some(s) = g.sim_at(rng, k) {
                let number = s.number;
                self.push(
                    world,
                    k,
                    Rec::Call {
                        caller: number,
                        callee: vp,
                        duration: rng.lognormal(400.0, 0.8) as u32,
                    },
                );
                contacts.push(json!({"kind": "number", "value": num_string(number), "time": clock.format(k), "how": "call"}));
            }
        }
        if g.fraud_type == FraudType::Sextortion
            && let Some(s) = g.sim_at(rng, t + HOUR)
        {
            {
                let number = s.number;
                self.push(
                    world,
                    t + HOUR,
                    Rec::Call {
                        caller: number,
                        callee: vp,
                        duration: rng.lognormal(180.0, 0.5) as u32,
                    },
                );
                contacts.push(json!({"kind": "number", "value": num_string(number), "time": clock.format(t + HOUR), "how": "threat"}));
            }
        }

        self.next_victim += 1;
        let story_id = format!("target-{:06}", self.next_victim);
        let mut payments: Vec<Value> = Vec::new();
        let mut last_payment = None;
        if pays {
            let count = rng.range(1, u64::from(p.max_payments)) as usize;
            let loss = rng.lognormal(p.median_loss, 1.0).clamp(100.0, 20_000_000.0);
            let growing = matches!(
                g.fraud_type,
                FraudType::TaskBrushing
                    | FraudType::PigButchering
                    | FraudType::OnlineGambling
                    | FraudType::FakeLoan
            );
            let weights: Vec<f64> = (0..count)
                .map(|i| {
                    if growing {
                        2f64.powi(i as i32)
                    } else {
                        1.0 + rng.f64()
                    }
                })
                .collect();
            let sum: f64 = weights.iter().sum();
            let first = t + (span as f64 * 0.2) as i64;
            for (i, w) in weights.iter().enumerate() {
                let at = if count == 1 {
                    first
                } else {
                    first
                        + ((end - first) as f64 * i as f64 / (count - 1) as f64) as i64
                        + rng.below(600) as i64
                };
                let mut cents = (loss * w / sum * 100.0) as u64;
                if rng.chance(0.4) {
                    cents = (cents / 10_000).max(1) * 10_000;
                }
                let l1 = &g.layers[0];
                let to = l1[rng.below(l1.len() as u64) as usize];
                self.push(
                    world,
                    at,
                    Rec::Transfer {
                        from: victim.account,
                        to,
                        cents,
                        from_phone: vp,
                        to_phone: 0,
                    },
                );
                if at < world.end() {
                    payments.push(json!({"from_account": victim.account.to_string(), "to_account": to.to_string(),
                        "amount": cents as f64 / 100.0, "currency": "CNY", "time": clock.format(at)}));
                }
                last_payment = Some(at);
                self.launder(world, rng, g, to, 0, cents, at, false, &story_id, truth);
            }
        }
        // reports: late, and with what the victim remembers
        let mut case_id = Value::Null;
        let mut reported_at = Value::Null;
        if let Some(last) = last_payment.filter(|_| rng.chance(P_REPORT)) {
            let median = match g.fraud_type {
                FraudType::ImpersonatePolice | FraudType::ImpersonateBoss => 3.0 * HOUR as f64,
                FraudType::PigButchering | FraudType::ElderlyCare => 4.0 * DAY as f64,
                _ => 20.0 * HOUR as f64,
            };
            let at = last + rng.lognormal(median, 1.0) as i64;
            if at >= 0 && at < world.end() {
                self.next_case += 1;
                let id = format!("case-{:06}", self.next_case);
                let mut remembered: Vec<Value> = Vec::new();
                for c in &contacts {
                    if !rng.chance(P_REMEMBER_CONTACT) {
                        continue;
                    }
                    let mut c = c.clone();
                    if let Some(o) = c.as_object_mut() {
                        o.remove("how");
                        if rng.chance(0.4) {
                            o.remove("time");
                        }
                    }
                    remembered.push(c);
                }
                let remembered = if remembered.is_empty() && !contacts.is_empty() {
                    let mut c = contacts[0].clone();
                    c.as_object_mut().map(|o| o.remove("how"));
                    vec![c]
                } else {
                    remembered
                };
                let paid: Vec<Value> = payments
                    .iter()
                    .filter(|_| rng.chance(P_REMEMBER_PAYMENT))
                    .map(|p| {
                        let mut p = p.clone();
                        p.as_object_mut().map(|o| o.remove("from_account"));
                        p
                    })
                    .collect();
                let loss: f64 = if paid.is_empty() {
                    payments
                        .iter()
                        .map(|p| p["amount"].as_f64().unwrap_or(0.0))
                        .sum::<f64>()
                } else {
                    paid.iter()
                        .map(|p| p["amount"].as_f64().unwrap_or(0.0))
                        .sum()
                };
                let loss = if rng.chance(0.5) && loss >= 100.0 {
                    (loss / 100.0).round() * 100.0
                } else {
                    loss
                };
                let fraud_type = if rng.chance(0.85) {
                    g.fraud_type.code()
                } else {
                    "other"
                };
                let territory = &world.territories.grids[victim.grid as usize].code;
                let filed = at + rng.range(5, 40) as i64 * MINUTE;
                if filed < world.end() {
                    let json = json!({"id": id, "filed_at": clock.format(filed), "fraud_type": fraud_type,
                        "reported_at": clock.format(at),
                        "victim": {"phone": num_string(vp), "territory": territory},
                        "loss": {"amount": (loss * 100.0).round() / 100.0, "currency": "CNY"},
                        "contacts": remembered, "payments": paid});
                    self.cases
                        .entry(filed.div_euclid(DAY))
                        .or_default()
                        .push(Filed { t: filed, json });
                    case_id = Value::from(id);
                    reported_at = Value::from(clock.format(at));
                }
            }
        } else if !pays && rng.chance(0.1) {
            // a target who saw through it reports the number or the link
            if let Some(c) = contacts.first() {
                let at = t0 + rng.lognormal(3.0 * HOUR as f64, 1.0) as i64;
                let kind = if c["kind"] == "sms" || c["kind"] == "social" {
                    "number"
                } else {
                    c["kind"].as_str().unwrap_or("number")
                };
                let kind = if kind == "app" { "app" } else { kind };
                let json = json!({"kind": kind, "value": c["value"], "fraud_type": guess(rng, g.fraud_type), "reporter": num_string(vp)});
                if c["kind"] != "social" {
                    self.clue(world, at, json, "correct", truth);
                }
            }
        }
        if t0 + span >= 0 || !case_id.is_null() {
            if pays {
                self.victims += 1;
            } else {
                self.targets += 1;
            }
            let territory = &world.territories.grids[victim.grid as usize].code;
            let loss: f64 = payments
                .iter()
                .map(|p| p["amount"].as_f64().unwrap_or(0.0))
                .sum();
            truth.push(json!({"type": if pays { "victim" } else { "target" }, "id": story_id,
                "phone": num_string(vp), "territory": territory, "birth_year": victim.birth_year,
                "occupation": victim.occupation.code(), "fraud_type": g.fraud_type.code(), "gang": g.name(),
                "internet": internet, "first_contact": clock.format(t0), "contacts": contacts,
                "payments": payments, "loss": (loss * 100.0).round() / 100.0,
                "reported_at": reported_at, "case": case_id}));
        }
    }

    /// Moves `cents` on from `account` in `layer` (0-based) through the gang's typology.
    #[allow(clippy::too_many_arguments)]
    fn launder(
        &mut self,
        world: &World,
        rng: &mut Rng,
        g: &Gang,
        account: u64,
        layer: usize,
        cents: u64,
        t: Time,
        cycled: bool,
        story: &str,
        truth: &mut Vec<Value>,
    ) {
        let last = layer + 1 >= g.layers.len() || cycled;
        let targets: Vec<(u64, f64)> = if last {
            if g.typology == Typology::Cycle && !cycled && layer + 1 >= g.layers.len() {
                // back to the first layer, then out
                let l1 = &g.layers[0];
                vec![(l1[rng.below(l1.len() as u64) as usize], 1.0)]
            } else {
                vec![(g.cashout[rng.below(g.cashout.len() as u64) as usize], 1.0)]
            }
        } else {
            let next = &g.layers[layer + 1];
            let some = |rng: &mut Rng, k: u64| -> Vec<(u64, f64)> {
                let k = k.min(next.len() as u64).max(1);
                let start = rng.below(next.len() as u64);
                let ws: Vec<f64> = (0..k).map(|_| 0.5 + rng.f64()).collect();
                let total: f64 = ws.iter().sum();
                (0..k)
                    .map(|i| {
                        (
                            next[((start + i) % next.len() as u64) as usize],
                            ws[i as usize] / total,
                        )
                    })
                    .collect()
            };
            match g.typology {
                Typology::FanOut => {
                    let k = rng.range(2, 4);
                    some(rng, k)
                }
                Typology::FanIn => vec![(next[0], 1.0)],
                Typology::Bipartite => {
                    let k = rng.range(1, 2);
                    some(rng, k)
                }
                Typology::Stack => {
                    let k = rng.range(2, 3);
                    some(rng, k)
                }
                Typology::ScatterGather if layer == 0 => some(rng, 3),
                Typology::ScatterGather => vec![(next[0], 1.0)],
                Typology::GatherScatter if layer == 0 => vec![(next[0], 1.0)],
                Typology::GatherScatter => some(rng, 3),
                Typology::Cycle => some(rng, 1),
            }
        };
        let back_to_first =
            last && g.typology == Typology::Cycle && !cycled && layer + 1 >= g.layers.len();
        for (to, share) in targets {
            let delay = rng.lognormal(g.hold_minutes * MINUTE as f64, 0.8) as i64 + 30;
            let at = t + delay;
            let fee = 1.0 - rng.range(5, 30) as f64 / 1000.0;
            let amount = (cents as f64 * share * fee) as u64;
            if amount < 100 {
                continue;
            }
            self.push(
                world,
                at,
                Rec::Transfer {
                    from: account,
                    to,
                    cents: amount,
                    from_phone: world.holder(account),
                    to_phone: 0,
                },
            );
            self.next_hop += 1;
            if at >= 0 && at < world.end() {
                truth.push(
                    json!({"type": "hop", "story": story, "gang": g.name(), "depth": layer + 1,
                    "from_account": account.to_string(), "to_account": to.to_string(),
                    "amount": amount as f64 / 100.0, "time": world.clock.format(at)}),
                );
            }
            if back_to_first {
                self.launder(world, rng, g, to, 0, amount, at, true, story, truth);
            } else if !last {
                self.launder(
                    world,
                    rng,
                    g,
                    to,
                    layer + 1,
                    amount,
                    at,
                    cycled,
                    story,
                    truth,
                );
            }
        }
    }

    /// Mules' everyday traffic: the cards are real people's, and they use them.
    fn mule_cover(&mut self, world: &World, rng: &mut Rng, from: Time) {
        let subs = &world.population.subscribers;
        let merchants = &world.population.merchants;
        if merchants.is_empty() {
            return;
        }
        for &(account, holder) in &world.local_mules {
            let h = &subs[holder as usize];
            for _ in 0..rng.poisson(1.5) {
                let m = &subs[merchants[rng.below(merchants.len() as u64) as usize] as usize];
                let t = from + 8 * HOUR + rng.below(15 * HOUR as u64) as i64;
                self.push(
                    world,
                    t,
                    Rec::Transfer {
                        from: account,
                        to: m.merchant.unwrap_or(m.account),
                        cents: rng.lognormal(4_000.0, 0.8) as u64 + 100,
                        from_phone: h.phone,
                        to_phone: 0,
                    },
                );
            }
            for _ in 0..rng.poisson(0.6) {
                let friend = world.population.contacts_of(holder);
                if friend.is_empty() {
                    continue;
                }
                let f = &subs[friend[rng.below(friend.len() as u64) as usize] as usize];
                let t = from + 8 * HOUR + rng.below(15 * HOUR as u64) as i64;
                self.push(
                    world,
                    t,
                    Rec::Transfer {
                        from: f.account,
                        to: account,
                        cents: rng.lognormal(20_000.0, 0.8) as u64 + 100,
                        from_phone: f.phone,
                        to_phone: 0,
                    },
                );
            }
        }
    }

    /// Clues that are wrong: honest mistakes about couriers, sales calls, marketing and small
    /// shops, and malicious campaigns to get an innocent number blocked.
    fn wrong_clues(&mut self, world: &World, rng: &mut Rng, from: Time, truth: &mut Vec<Value>) {
        let subs = &world.population.subscribers;
        let n = subs.len() as f64;
        let expected_correct = CONTACT_RATE * n * P_CLUE;
        for _ in 0..rng.poisson(expected_correct * MISTAKEN_PER_CLUE) {
            let t = from + 8 * HOUR + rng.below(14 * HOUR as u64) as i64;
            let reporter = num_string(subs[rng.below(subs.len() as u64) as usize].phone);
            let json = match rng.below(3) {
                0 => {
                    // a courier or a salesperson who called a stranger
                    let Some(i) = (0..50)
                        .map(|_| rng.below(subs.len() as u64) as usize)
                        .find(|&i| subs[i].occupation.works_the_phone())
                    else {
                        continue;
                    };
                    json!({"kind": "number", "value": num_string(subs[i].phone), "reporter": reporter})
                }
                1 => {
                    let marketing: Vec<usize> = legit::NOTIFICATIONS
                        .iter()
                        .enumerate()
                        .filter(|(_, n)| n.2.contains('\x04'))
                        .map(|(i, _)| i)
                        .collect();
                    let i = marketing[rng.below(marketing.len() as u64) as usize];
                    let mut text = Vec::new();
                    legit::render(
                        &mut text,
                        legit::NOTIFICATIONS[i].2,
                        rng.next_u64() >> 8,
                        5_000,
                        t,
                    );
                    json!({"kind": "sms", "value": num_string(crate::ids::service(legit::NOTIFICATIONS[i].0)),
                        "text": String::from_utf8_lossy(&text), "fraud_type": "fake_customer_service", "reporter": reporter})
                }
                _ => {
                    let site = rng.pick(legit::SMALL_SITES);
                    json!({"kind": "url", "value": format!("https://{site}/"), "fraud_type": "fake_online_shopping", "reporter": reporter})
                }
            };
            self.clue(world, t, json, "mistaken", truth);
        }
        // a malicious campaign now and then: several accounts report one innocent shop owner
        if rng.chance((n / 50_000.0).min(1.0) * 0.5) && !world.population.merchants.is_empty() {
            let merchants = &world.population.merchants;
            let victim = &subs[merchants[rng.below(merchants.len() as u64) as usize] as usize];
            let t = from + 9 * HOUR + rng.below(10 * HOUR as u64) as i64;
            let code = FRAUD_TYPES[rng.below(12) as usize].code();
            for _ in 0..rng.range(3, 8) {
                let reporter = num_string(subs[rng.below(subs.len() as u64) as usize].phone);
                let json = json!({"kind": "number", "value": num_string(victim.phone), "fraud_type": code,
                    "text": "这个号码是骗子，骗了我的钱", "reporter": reporter});
                let at = t + rng.below(3 * HOUR as u64) as i64;
                self.clue(world, at, json, "malicious", truth);
            }
        }
    }
}

impl Default for Engine {
    fn default() -> Self {
        Engine::new()
    }
}

/// What a reporter thinks the fraud was: often right, sometimes left out.
fn guess(rng: &mut Rng, t: FraudType) -> Value {
    if rng.chance(0.6) {
        Value::from(t.code())
    } else if rng.chance(0.5) {
        Value::from("other")
    } else {
        Value::Null
    }
}

fn spray_duration(rng: &mut Rng, careful: bool) -> u32 {
    if rng.chance(if careful { 0.25 } else { 0.5 }) {
        return 0;
    }
    let d = if careful {
        rng.lognormal(45.0, 1.0)
    } else if rng.chance(0.05) {
        rng.lognormal(120.0, 1.0)
    } else {
        rng.lognormal(8.0, 0.9)
    };
    d.min(3.0 * 3600.0) as u32
}

fn age_of(world: &World, birth_year: u16) -> u32 {
    (world.clock.start().year - i32::from(birth_year)).max(0) as u32
}

/// Someone a gang of type `t` aims at (spray targeting, no cohort constraint).
fn pick_target(world: &World, rng: &mut Rng, t: FraudType) -> u32 {
    let subs = &world.population.subscribers;
    for _ in 0..200 {
        let i = rng.below(subs.len() as u64) as u32;
        let s = &subs[i as usize];
        if rng.f64() * 20.0 < t.affinity(s.occupation, age_of(world, s.birth_year)) {
            return i;
        }
    }
    rng.below(subs.len() as u64) as u32
}

/// A victim for type `t`: of the post-1990 cohort with probability `post1990`, then by the
/// type's affinity for occupation and age.
fn pick_victim(world: &World, rng: &mut Rng, t: FraudType, post1990: f64) -> u32 {
    let subs = &world.population.subscribers;
    let young = rng.chance(post1990);
    let max = match t {
        FraudType::ImpersonateBoss => 20.0,
        FraudType::GameTrading | FraudType::OverseasRecruitment => 4.0,
        FraudType::TaskBrushing => 3.0,
        FraudType::FakeLoan => 2.5,
        _ => 1.0,
    };
    let mut fallback = None;
    for _ in 0..5000 {
        let i = rng.below(subs.len() as u64) as u32;
        let s = &subs[i as usize];
        let age = age_of(world, s.birth_year);
        if age < 12 || (s.birth_year >= 1990) != young {
            continue;
        }
        fallback.get_or_insert(i);
        if rng.f64() * max < t.affinity(s.occupation, age) {
            return i;
        }
    }
    fallback.unwrap_or_else(|| rng.below(subs.len() as u64) as u32)
}
