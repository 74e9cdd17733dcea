//! One hour of ordinary life: calls in the social graph and to strangers, notifications and
//! personal messages, web visits, app installs, transfers between people, to merchants, payroll
//! and group buys. Each hour draws from its own stream `(seed, day, hour)` and produces only
//! records inside that hour, so hours can be made on any thread and concatenated in order.

use crate::World;
use crate::calendar::{DAY, HOUR, Time};
use crate::ids::Num;
use crate::legit;
use crate::population::Occupation;
use crate::record::{Package, Rec, Text, Timed, Url};
use crate::rng::{Rng, cumulative, stream};

/// Relative activity by hour of the day, for calls and messages.
pub static DIURNAL_CALLS: [f64; 24] = [
    0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.6, 1.5, 2.5, 3.2, 3.5, 3.2, 2.6, 2.5, 3.0, 3.2, 3.3, 3.2, 2.9,
    3.0, 3.0, 2.6, 1.6, 0.8,
];

/// Relative activity by hour of the day, for the web.
pub static DIURNAL_WEB: [f64; 24] = [
    1.2, 0.6, 0.3, 0.2, 0.2, 0.3, 0.8, 1.6, 2.2, 2.4, 2.5, 2.6, 2.9, 2.6, 2.4, 2.4, 2.5, 2.6, 2.8,
    3.2, 3.6, 3.8, 3.4, 2.3,
];

/// Notifications (bank, operator, courier, marketing, codes) an ordinary subscriber receives
/// a day.
pub const NOTIFICATIONS_PER_DAY: f64 = 2.6;
/// App installs a subscriber makes a day.
pub const INSTALLS_PER_DAY: f64 = 0.03;
/// Payments a merchant receives a day, on average.
pub const MERCHANT_SALES_PER_DAY: f64 = 12.0;

/// Calls a day between the province and relatives abroad, per subscriber.
pub const FAMILY_ABROAD_CALLS: f64 = 0.012;

/// Whether subscriber `i` has a relative abroad (4%, fixed by the seed).
pub fn has_family_abroad(world: &World, i: u32) -> bool {
    mix(world.params.seed, i).is_multiple_of(25)
}

/// The number of subscriber `i`'s relative abroad.
pub fn family_abroad(world: &World, i: u32) -> Num {
    let bits = mix(world.params.seed ^ 0x5eed, i);
    let forms = crate::ids::FAMILY_ABROAD;
    crate::ids::foreign(forms[(bits % forms.len() as u64) as usize], bits >> 8)
}

fn mix(seed: u64, i: u32) -> u64 {
    let mut z = seed ^ (u64::from(i).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub fn share(table: &[f64; 24], hour: usize) -> f64 {
    table[hour] / table.iter().sum::<f64>()
}

fn pick_contact(world: &World, rng: &mut Rng, i: u32) -> Option<u32> {
    let contacts = world.population.contacts_of(i);
    (!contacts.is_empty()).then(|| contacts[rng.below(contacts.len() as u64) as usize])
}

fn at(rng: &mut Rng, from: Time, span: i64) -> Time {
    from + rng.below(span.max(1) as u64) as i64
}

/// The ordinary records of `hour` of `day`, unsorted.
pub fn hour(world: &World, day: u32, hour: usize, out: &mut Vec<Timed>) {
    let mut rng = Rng::derive(world.params.seed, stream::HOUR, u64::from(day), hour as u64);
    let pop = &world.population;
    let subs = &pop.subscribers;
    let n = subs.len() as u64;
    let start = i64::from(day) * DAY + hour as i64 * HOUR;
    let date = world.clock.date_of(start);
    let weekend = date.weekday() >= 5;
    let calls_share = share(&DIURNAL_CALLS, hour);
    let web_share = share(&DIURNAL_WEB, hour);
    let phone = |i: u32| -> Num { subs[i as usize].phone };
    let expected = (pop.call_weights.total
        + pop.sms_weights.total
        + pop.transfer_weights.total
        + n as f64 * NOTIFICATIONS_PER_DAY)
        * calls_share
        + (pop.visit_weights.total
            + n as f64 * INSTALLS_PER_DAY
            + pop.merchants.len() as f64 * MERCHANT_SALES_PER_DAY)
            * web_share;
    out.reserve((expected * 1.05) as usize + 1024);

    // calls
    let total = pop.call_weights.total * if weekend { 0.85 } else { 1.0 };
    for _ in 0..rng.poisson(total * calls_share) {
        let caller = pop.call_weights.draw(&mut rng) as u32;
        let s = &subs[caller as usize];
        let social = rng.chance(s.occupation.social_share());
        let (callee, duration) = match social
            .then(|| pick_contact(world, &mut rng, caller))
            .flatten()
        {
            Some(c) => (
                c,
                if rng.chance(0.12) {
                    0.0
                } else {
                    rng.lognormal(70.0, 1.15)
                },
            ),
            None => {
                let callee = rng.below(n) as u32;
                let duration = if s.occupation.works_the_phone() {
                    if rng.chance(0.3) {
                        0.0
                    } else {
                        let median = match s.occupation {
                            Occupation::Courier => 22.0,
                            Occupation::Sales => 35.0,
                            _ => 28.0,
                        };
                        rng.lognormal(median, 0.8)
                    }
                } else if rng.chance(0.15) {
                    0.0
                } else {
                    rng.lognormal(50.0, 1.0)
                };
                (callee, duration)
            }
        };
        if callee == caller {
            continue;
        }
        out.push(Timed {
            t: at(&mut rng, start, HOUR),
            rec: Rec::Call {
                caller: s.phone,
                callee: phone(callee),
                duration: duration.min(3.0 * 3600.0) as u32,
            },
        });
    }

    // family abroad: 4% of subscribers have a relative overseas who calls or is called
    for _ in 0..rng.poisson(n as f64 * FAMILY_ABROAD_CALLS * calls_share) {
        let Some(i) = (0..100)
            .map(|_| rng.below(n) as u32)
            .find(|&i| has_family_abroad(world, i))
        else {
            continue;
        };
        let relative = family_abroad(world, i);
        let duration = if rng.chance(0.1) {
            0.0
        } else {
            rng.lognormal(300.0, 1.0)
        };
        let (caller, callee) = if rng.chance(0.5) {
            (relative, phone(i))
        } else {
            (phone(i), relative)
        };
        out.push(Timed {
            t: at(&mut rng, start, HOUR),
            rec: Rec::Call {
                caller,
                callee,
                duration: duration.min(3.0 * 3600.0) as u32,
            },
        });
    }

    // notifications and personal messages
    let weights = cumulative(legit::NOTIFICATIONS.iter().map(|t| t.1));
    for _ in 0..rng.poisson(n as f64 * NOTIFICATIONS_PER_DAY * calls_share) {
        let template = rng.weighted(&weights);
        let recipient = rng.below(n) as u32;
        out.push(Timed {
            t: at(&mut rng, start, HOUR),
            rec: Rec::Sms {
                sender: crate::ids::service(legit::NOTIFICATIONS[template].0),
                recipient: phone(recipient),
                text: Text::Notice {
                    template: template as u16,
                    a: rng.next_u64() >> 8,
                    b: rng.lognormal(8_000.0, 1.3) as u64 + 1,
                },
            },
        });
    }
    let total = pop.sms_weights.total;
    for _ in 0..rng.poisson(total * calls_share) {
        let sender = pop.sms_weights.draw(&mut rng) as u32;
        let s = &subs[sender as usize];
        if (s.occupation.works_the_phone() || s.occupation == Occupation::SelfEmployed)
            && rng.chance(0.8)
        {
            let to = rng.below(n) as u32;
            out.push(Timed {
                t: at(&mut rng, start, HOUR),
                rec: Rec::Sms {
                    sender: s.phone,
                    recipient: phone(to),
                    text: Text::Work(rng.below(legit::WORK.len() as u64) as u16),
                },
            });
            continue;
        }
        if let Some(to) = pick_contact(world, &mut rng, sender) {
            out.push(Timed {
                t: at(&mut rng, start, HOUR),
                rec: Rec::Sms {
                    sender: phone(sender),
                    recipient: phone(to),
                    text: Text::Personal(rng.below(legit::PERSONAL.len() as u64) as u16),
                },
            });
        }
    }

    // the web
    let total = pop.visit_weights.total;
    for _ in 0..rng.poisson(total * web_share) {
        let who = pop.visit_weights.draw(&mut rng) as u32;
        let url = if rng.chance(0.03) {
            Url::Small {
                site: rng.below(legit::SMALL_SITES.len() as u64) as u16,
                id: rng.below(100_000),
            }
        } else {
            let site = rng.below(legit::SITES.len() as u64) as usize;
            Url::Site {
                site: site as u16,
                path: rng.below(legit::SITES[site].1.len() as u64) as u8,
                id: rng.below(1_000_000_000),
            }
        };
        out.push(Timed {
            t: at(&mut rng, start, HOUR),
            rec: Rec::Visit {
                subscriber: phone(who),
                url,
            },
        });
    }
    let app_weights = cumulative(legit::APPS.iter().map(|a| a.1));
    for _ in 0..rng.poisson(n as f64 * INSTALLS_PER_DAY * web_share) {
        let who = rng.below(n) as u32;
        out.push(Timed {
            t: at(&mut rng, start, HOUR),
            rec: Rec::App {
                subscriber: phone(who),
                package: Package::Common(rng.weighted(&app_weights) as u16),
            },
        });
    }

    // money between people
    let total = pop.transfer_weights.total;
    for _ in 0..rng.poisson(total * calls_share) {
        let from = pop.transfer_weights.draw(&mut rng) as u32;
        if let Some(to) = pick_contact(world, &mut rng, from) {
            let (a, b) = (&subs[from as usize], &subs[to as usize]);
            out.push(Timed {
                t: at(&mut rng, start, HOUR),
                rec: Rec::Transfer {
                    from: a.account,
                    to: b.account,
                    cents: rng.lognormal(30_000.0, 1.2) as u64 + 100,
                    from_phone: a.phone,
                    to_phone: 0,
                },
            });
        }
    }
    let merchants = &pop.merchants;
    if !merchants.is_empty() {
        for _ in 0..rng.poisson(merchants.len() as f64 * MERCHANT_SALES_PER_DAY * web_share) {
            let m = &subs[merchants[rng.below(merchants.len() as u64) as usize] as usize];
            let c = &subs[rng.below(n) as usize];
            out.push(Timed {
                t: at(&mut rng, start, HOUR),
                rec: Rec::Transfer {
                    from: c.account,
                    to: m.merchant.unwrap_or(m.account),
                    cents: rng.lognormal(6_000.0, 1.0) as u64 + 100,
                    from_phone: c.phone,
                    to_phone: 0,
                },
            });
        }
        // the evening sweep: a shop moves the day's takings on
        if hour == 22 {
            for &mi in merchants {
                let m = &subs[mi as usize];
                if rng.chance(0.6) {
                    let to = if rng.chance(0.5) {
                        m.account
                    } else {
                        let other =
                            &subs[merchants[rng.below(merchants.len() as u64) as usize] as usize];
                        other.merchant.unwrap_or(other.account)
                    };
                    out.push(Timed {
                        t: at(&mut rng, start, HOUR),
                        rec: Rec::Transfer {
                            from: m.merchant.unwrap_or(m.account),
                            to,
                            cents: rng.lognormal(80_000.0, 0.8) as u64 + 100,
                            from_phone: m.phone,
                            to_phone: 0,
                        },
                    });
                }
            }
        }
    }
    // payroll fans out: monthly on the company's payday, daily for gig platforms
    if hour == 10 || hour == 18 {
        for company in &pop.companies {
            let pays = if hour == 10 {
                !company.daily && company.payday == date.day
            } else {
                company.daily
            };
            if !pays {
                continue;
            }
            let base = rng.f64() * 1200.0;
            for &e in &company.employees {
                let s = &subs[e as usize];
                let cents = if company.daily {
                    rng.lognormal(25_000.0, 0.4)
                } else {
                    rng.lognormal(600_000.0, 0.4)
                };
                out.push(Timed {
                    t: start + base as i64 + rng.below(600) as i64,
                    rec: Rec::Transfer {
                        from: company.account,
                        to: s.account,
                        cents: cents as u64,
                        from_phone: subs[company.boss as usize].phone,
                        to_phone: 0,
                    },
                });
            }
        }
    }
    // group buys fan in and pass straight through to a supplier: the innocent twin of a mule
    if hour == 20 && !merchants.is_empty() {
        for &o in &pop.organisers {
            if !rng.chance(0.15) {
                continue;
            }
            let org = &subs[o as usize];
            let mut sum = 0;
            for _ in 0..rng.range(5, 20) {
                let payer = match pick_contact(world, &mut rng, o) {
                    Some(p) if rng.chance(0.6) => p,
                    _ => rng.below(n) as u32,
                };
                let p = &subs[payer as usize];
                let cents = rng.lognormal(5_000.0, 0.6) as u64 + 100;
                sum += cents;
                out.push(Timed {
                    t: at(&mut rng, start, 40 * 60),
                    rec: Rec::Transfer {
                        from: p.account,
                        to: org.account,
                        cents,
                        from_phone: p.phone,
                        to_phone: 0,
                    },
                });
            }
            let supplier = &subs[merchants[rng.below(merchants.len() as u64) as usize] as usize];
            out.push(Timed {
                t: start + 45 * 60 + rng.below(15 * 60) as i64,
                rec: Rec::Transfer {
                    from: org.account,
                    to: supplier.merchant.unwrap_or(supplier.account),
                    cents: sum,
                    from_phone: org.phone,
                    to_phone: 0,
                },
            });
        }
    }
}
