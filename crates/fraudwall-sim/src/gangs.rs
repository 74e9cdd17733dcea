//! The fraud side's standing parts: card dealers, gangs, their SIM cards (bought in batches,
//! used until police cut them, then replaced by numbers no list holds), their domains and
//! apps, and their money-mule accounts in layers.

use crate::calendar::{DAY, Time};
use crate::geo::Territories;
use crate::ids::{self, Num};
use crate::population::{AccountRow, Occupation, Population};
use crate::rng::Rng;
use crate::scripts;
use crate::types::{Channel, FRAUD_TYPES, FraudType, profile};

/// AMLSim's typologies: how money moves from one mule layer to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typology {
    FanOut,
    FanIn,
    Cycle,
    Bipartite,
    Stack,
    ScatterGather,
    GatherScatter,
}

pub const TYPOLOGIES: [Typology; 7] = [
    Typology::FanOut,
    Typology::FanIn,
    Typology::Cycle,
    Typology::Bipartite,
    Typology::Stack,
    Typology::ScatterGather,
    Typology::GatherScatter,
];

impl Typology {
    pub fn code(self) -> &'static str {
        match self {
            Typology::FanOut => "fan_out",
            Typology::FanIn => "fan_in",
            Typology::Cycle => "cycle",
            Typology::Bipartite => "bipartite",
            Typology::Stack => "stack",
            Typology::ScatterGather => "scatter_gather",
            Typology::GatherScatter => "gather_scatter",
        }
    }
}

/// Who a SIM card is registered to: someone who sold their identity or their card.
#[derive(Debug, Clone)]
pub struct Registration {
    pub grid: u32,
    pub birth_year: u16,
    pub occupation: Occupation,
}

#[derive(Debug, Clone)]
pub struct Sim {
    pub number: Num,
    /// In use from … until cut (or the gang drops it).
    pub from: Time,
    pub to: Time,
    /// Activation day relative to the start.
    pub activated: i32,
    pub dealer: u32,
    pub batch: u32,
    /// None for international numbers reached through a gateway.
    pub registration: Option<Registration>,
    pub operator: &'static str,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub domain: String,
    pub from: Time,
    pub to: Time,
}

#[derive(Debug, Clone)]
pub struct Gang {
    pub id: u32,
    pub fraud_type: FraudType,
    pub careful: bool,
    pub dealer: u32,
    pub obfuscation: u8,
    pub sims: Vec<Sim>,
    pub sites: Vec<Site>,
    pub apps: Vec<(String, &'static str)>,
    /// A bulk-SMS channel some gangs rent (a 106 service number).
    pub gateway: Option<Num>,
    /// Mule accounts, by layer (layer 1 receives victims' money).
    pub layers: Vec<Vec<u64>>,
    pub cashout: Vec<u64>,
    pub typology: Typology,
    pub members: Vec<String>,
    /// Relative volume of spray calls and SMS per active SIM.
    pub intensity: f64,
    /// Median minutes a mule holds money before passing it on.
    pub hold_minutes: f64,
}

impl Gang {
    pub fn name(&self) -> String {
        format!("gang-{:03}", self.id)
    }

    pub fn active_sims(&self, from: Time, to: Time) -> impl Iterator<Item = &Sim> {
        self.sims.iter().filter(move |s| s.from < to && s.to > from)
    }

    pub fn active_site(&self, t: Time) -> Option<&Site> {
        self.sites.iter().find(|s| s.from <= t && s.to > t)
    }

    pub fn sim_at(&self, rng: &mut Rng, t: Time) -> Option<&Sim> {
        let active: Vec<&Sim> = self
            .sims
            .iter()
            .filter(|s| s.from <= t && s.to > t)
            .collect();
        if active.is_empty() {
            None
        } else {
            Some(active[rng.below(active.len() as u64) as usize])
        }
    }
}

#[derive(Debug, Clone)]
pub struct Dealer {
    pub id: u32,
    pub name: String,
}

#[derive(Debug)]
pub struct Underworld {
    pub gangs: Vec<Gang>,
    pub dealers: Vec<Dealer>,
    /// Mule accounts held by people of the province, with their holders (subscriber indices).
    pub local_mules: Vec<(u64, u32)>,
    pub accounts: Vec<AccountRow>,
}

static SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "林", "郑",
];

pub fn generate(
    rng: &mut Rng,
    population: &Population,
    territories: &Territories,
    n_gangs: u32,
    days: u32,
    registry: &mut ids::Registry,
) -> Underworld {
    let n_dealers = (n_gangs / 3).max(2);
    let dealers: Vec<Dealer> = (0..n_dealers)
        .map(|id| Dealer {
            id,
            name: format!("dealer-{id:03}"),
        })
        .collect();
    let end = i64::from(days) * DAY;
    let mut accounts = Vec::new();
    let mut local_mules = Vec::new();
    let mut names = std::collections::HashSet::new();
    // card sellers of the province: young people short of money
    let sellers: Vec<u32> = population
        .subscribers
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            matches!(
                s.occupation,
                Occupation::Student
                    | Occupation::Unemployed
                    | Occupation::Farmer
                    | Occupation::FactoryWorker
            ) && s.birth_year >= 1985
        })
        .map(|(i, _)| i as u32)
        .collect();

    let mut gangs = Vec::with_capacity(n_gangs as usize);
    // the most common types first, so a small number of gangs still covers most cases
    let mut order: Vec<FraudType> = FRAUD_TYPES.to_vec();
    order.sort_by(|a, b| profile(*b).share.total_cmp(&profile(*a).share));
    for id in 0..n_gangs {
        let fraud_type = order[id as usize % order.len()];
        let p = profile(fraud_type);
        let careful = rng.chance(0.3);
        let dealer = rng.below(u64::from(n_dealers)) as u32;
        let mut sims = Vec::new();
        // SIMs enter use as a Poisson process from 30 days before the start; each is used until
        // the police cut it
        let active_target = if careful {
            rng.range(2, 3)
        } else {
            rng.range(3, 7)
        } as f64;
        let lifetime_median = if careful { 9.0 } else { 2.5 } * DAY as f64;
        let mut t = -30 * DAY;
        let mut batch = 0u32;
        let mut in_batch = 0u32;
        let batch_size = if careful {
            rng.range(4, 10)
        } else {
            rng.range(20, 50)
        } as u32;
        let mut batch_day = 0i32;
        let mut block: Option<(u64, u64, u64)> = None;
        let overseas = fraud_type == FraudType::ImpersonatePolice && rng.chance(0.6);
        while t < end {
            t += rng.exp(lifetime_median / active_target) as i64;
            if t >= end {
                break;
            }
            let life = rng.lognormal(lifetime_median, 0.7) as i64;
            if overseas && rng.chance(0.5) {
                let form = *rng.pick(ids::FRAUD_ABROAD);
                let number = ids::foreign(form, rng.next_u64());
                sims.push(Sim {
                    number,
                    from: t,
                    to: t + life,
                    activated: (t.div_euclid(DAY)) as i32,
                    dealer,
                    batch: u32::MAX,
                    registration: None,
                    operator: "international",
                });
                continue;
            }
            if in_batch == 0 {
                batch += 1;
                in_batch = batch_size;
                // a dealer often sells a run of consecutive numbers of one segment
                block = (!careful && rng.chance(0.6)).then(|| {
                    let prefixes = if rng.chance(0.5) {
                        ids::OPERATORS[3].2
                    } else {
                        ids::OPERATORS[rng.below(3) as usize].2
                    };
                    (*rng.pick(prefixes), rng.below(1_000_000) * 100, 0u64)
                });
                // careful gangs use "raised" cards, activated months before; the others cards
                // activated days before
                let age = if careful {
                    rng.range(60, 365)
                } else {
                    rng.range(1, 20)
                } as i32;
                batch_day = (t.div_euclid(DAY)) as i32 - age;
            }
            in_batch -= 1;
            let (number, operator) = match &mut block {
                Some((prefix, base, k)) => loop {
                    let number = ids::cn(*prefix * 100_000_000 + (*base + *k) % 100_000_000);
                    *k += 1;
                    if registry.claim(number) {
                        break (number, ids::operator_of(*prefix));
                    }
                },
                None => registry.mobile(rng, if careful { 0.05 } else { 0.3 }),
            };
            let registration = if !sellers.is_empty() && rng.chance(0.3) {
                let s = &population.subscribers
                    [sellers[rng.below(sellers.len() as u64) as usize] as usize];
                Registration {
                    grid: s.grid,
                    birth_year: s.birth_year,
                    occupation: s.occupation,
                }
            } else {
                Registration {
                    grid: rng.weighted(&territories.grid_weights) as u32,
                    birth_year: rng.range(1960, 2006) as u16,
                    occupation: *rng.pick(&[
                        Occupation::Unemployed,
                        Occupation::Farmer,
                        Occupation::Student,
                        Occupation::FactoryWorker,
                        Occupation::Retired,
                    ]),
                }
            };
            sims.push(Sim {
                number,
                from: t,
                to: t + life,
                activated: batch_day,
                dealer,
                batch,
                registration: Some(registration),
                operator,
            });
        }
        // domains rotate too, more slowly
        let mut sites = Vec::new();
        let mut t = -40 * DAY;
        while t < end {
            let life = rng.lognormal(6.0 * DAY as f64, 0.6) as i64;
            sites.push(Site {
                domain: scripts::domain(rng, fraud_type, &mut names),
                from: t,
                to: t + life,
            });
            t += (life as f64 * rng.range(5, 9) as f64 / 10.0) as i64;
        }
        let apps = if p.app {
            (0..rng.range(1, 2))
                .map(|_| {
                    (
                        scripts::app_package(rng, fraud_type, &mut names),
                        *rng.pick(scripts::app_names(fraud_type)),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        let gateway = (p.channel == Channel::Sms && rng.chance(0.3))
            .then(|| ids::service(1_069_000_000_000 + rng.below(1_000_000_000)));
        // mule layers: the first held by card sellers of the province, deeper ones elsewhere
        let sizes = if careful {
            [rng.range(3, 6), rng.range(2, 4), rng.range(2, 3)]
        } else {
            [rng.range(6, 14), rng.range(3, 7), rng.range(2, 4)]
        };
        let mut layers = Vec::new();
        for (layer, &size) in sizes.iter().enumerate() {
            let mut accts = Vec::new();
            for _ in 0..size {
                let bank = ids::pick_bank(rng);
                let account = registry.card(rng, bank);
                let holder = if layer == 0 && !sellers.is_empty() {
                    let who = sellers[rng.below(sellers.len() as u64) as usize];
                    local_mules.push((account, who));
                    population.subscribers[who as usize].phone
                } else {
                    registry.mobile(rng, 0.1).0
                };
                accounts.push(AccountRow {
                    account,
                    holder,
                    bank,
                    // most mule cards are fresh; some were opened long ago and sold later
                    opened: if rng.chance(0.7) {
                        -(rng.range(7, 180) as i32)
                    } else {
                        -(rng.range(365, 365 * 8) as i32)
                    },
                    kind: "personal",
                });
                accts.push(account);
            }
            layers.push(accts);
        }
        let cashout = (0..rng.range(1, 3))
            .map(|_| {
                let bank = ids::pick_bank(rng);
                let account = registry.card(rng, bank);
                let holder = registry.mobile(rng, 0.1).0;
                accounts.push(AccountRow {
                    account,
                    holder,
                    bank,
                    opened: -(rng.range(30, 900) as i32),
                    kind: "personal",
                });
                account
            })
            .collect();
        let members = (0..rng.range(4, 20))
            .map(|m| format!("{}某{}", rng.pick(SURNAMES), m + 1))
            .collect();
        gangs.push(Gang {
            id,
            fraud_type,
            careful,
            dealer,
            obfuscation: if careful { 2 } else { rng.below(3) as u8 },
            sims,
            sites,
            apps,
            gateway,
            layers,
            cashout,
            typology: TYPOLOGIES[rng.below(TYPOLOGIES.len() as u64) as usize],
            members,
            intensity: if careful {
                0.25
            } else {
                rng.lognormal(1.0, 0.4)
            },
            hold_minutes: if careful {
                rng.lognormal(8.0 * 60.0, 0.5)
            } else {
                rng.lognormal(25.0, 0.6)
            },
        });
    }
    Underworld {
        gangs,
        dealers,
        local_mules,
        accounts,
    }
}
