//! Subscribers: where they live, their age and occupation, their SIM, their bank accounts,
//! their habits and their social graph (family, work, friends).

use crate::geo::Territories;
use crate::ids::{self, Num};
use crate::rng::{Alias, Rng, cumulative};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Occupation {
    Student,
    OfficeWorker,
    Accountant,
    FactoryWorker,
    Farmer,
    SelfEmployed,
    Sales,
    Courier,
    CallCenter,
    CivilServant,
    Teacher,
    Medical,
    Driver,
    Homemaker,
    Unemployed,
    Retired,
}

pub const OCCUPATIONS: [Occupation; 16] = [
    Occupation::Student,
    Occupation::OfficeWorker,
    Occupation::Accountant,
    Occupation::FactoryWorker,
    Occupation::Farmer,
    Occupation::SelfEmployed,
    Occupation::Sales,
    Occupation::Courier,
    Occupation::CallCenter,
    Occupation::CivilServant,
    Occupation::Teacher,
    Occupation::Medical,
    Occupation::Driver,
    Occupation::Homemaker,
    Occupation::Unemployed,
    Occupation::Retired,
];

impl Occupation {
    pub fn code(self) -> &'static str {
        match self {
            Occupation::Student => "student",
            Occupation::OfficeWorker => "office_worker",
            Occupation::Accountant => "accountant",
            Occupation::FactoryWorker => "factory_worker",
            Occupation::Farmer => "farmer",
            Occupation::SelfEmployed => "self_employed",
            Occupation::Sales => "sales",
            Occupation::Courier => "courier",
            Occupation::CallCenter => "call_center",
            Occupation::CivilServant => "civil_servant",
            Occupation::Teacher => "teacher",
            Occupation::Medical => "medical",
            Occupation::Driver => "driver",
            Occupation::Homemaker => "homemaker",
            Occupation::Unemployed => "unemployed",
            Occupation::Retired => "retired",
        }
    }

    /// Outgoing calls a day, on average, for this occupation.
    pub fn calls_per_day(self) -> f64 {
        match self {
            Occupation::Student => 1.2,
            Occupation::OfficeWorker => 3.5,
            Occupation::Accountant => 3.5,
            Occupation::FactoryWorker => 2.0,
            Occupation::Farmer => 1.5,
            Occupation::SelfEmployed => 6.0,
            Occupation::Sales => 28.0,
            Occupation::Courier => 35.0,
            Occupation::CallCenter => 70.0,
            Occupation::CivilServant => 4.0,
            Occupation::Teacher => 2.5,
            Occupation::Medical => 2.5,
            Occupation::Driver => 5.0,
            Occupation::Homemaker => 2.5,
            Occupation::Unemployed => 1.8,
            Occupation::Retired => 1.5,
        }
    }

    /// Share of outgoing calls to the subscriber's own contacts (the rest go to strangers:
    /// customers, leads, recipients of parcels).
    pub fn social_share(self) -> f64 {
        match self {
            Occupation::Sales => 0.15,
            Occupation::Courier => 0.05,
            Occupation::CallCenter => 0.02,
            Occupation::SelfEmployed | Occupation::Driver => 0.5,
            _ => 0.9,
        }
    }

    /// Whether this occupation's calls to strangers are mostly short (couriers, sales, call
    /// centres: the legitimate look-alikes of fraud callers).
    pub fn works_the_phone(self) -> bool {
        matches!(
            self,
            Occupation::Sales | Occupation::Courier | Occupation::CallCenter
        )
    }
}

/// Age bands of the 2020 census (share of the population, %) and the share of each band that
/// holds a mobile number.
pub static AGE_BANDS: &[(u32, u32, f64, f64)] = &[
    (10, 14, 6.0, 0.55),
    (15, 19, 5.3, 0.92),
    (20, 24, 5.4, 0.99),
    (25, 29, 6.6, 0.99),
    (30, 34, 8.8, 0.99),
    (35, 39, 7.0, 0.99),
    (40, 44, 6.6, 0.98),
    (45, 49, 8.2, 0.97),
    (50, 54, 8.7, 0.95),
    (55, 59, 7.1, 0.92),
    (60, 64, 5.2, 0.85),
    (65, 69, 5.6, 0.78),
    (70, 74, 3.9, 0.65),
    (75, 79, 2.4, 0.50),
    (80, 89, 2.9, 0.35),
];

/// Occupation weights for working-age adults (23 to 59), urban and rural.
fn adult_occupations(rural: bool) -> [(Occupation, f64); 15] {
    let farm = if rural { 22.0 } else { 2.0 };
    [
        (Occupation::OfficeWorker, if rural { 8.0 } else { 22.0 }),
        (Occupation::Accountant, 3.0),
        (Occupation::FactoryWorker, 18.0),
        (Occupation::Farmer, farm),
        (Occupation::SelfEmployed, 12.0),
        (Occupation::Sales, 4.5),
        (Occupation::Courier, 3.0),
        (Occupation::CallCenter, 1.0),
        (Occupation::CivilServant, 3.5),
        (Occupation::Teacher, 3.0),
        (Occupation::Medical, 3.0),
        (Occupation::Driver, 4.0),
        (Occupation::Homemaker, 6.0),
        (Occupation::Unemployed, 4.0),
        (Occupation::Student, 0.0),
    ]
}

#[derive(Debug, Clone)]
pub struct Subscriber {
    pub phone: Num,
    pub grid: u32,
    pub birth_year: u16,
    pub occupation: Occupation,
    /// The day the SIM was activated, relative to the start (negative: before it).
    pub activated: i32,
    /// Outgoing calls a day.
    pub calls: f32,
    /// Personal SMS a day.
    pub sms: f32,
    /// Web visits a day.
    pub visits: f32,
    /// Transfers a day.
    pub transfers: f32,
    /// The personal card.
    pub account: u64,
    /// The employer, if any (an index into `companies`).
    pub company: Option<u32>,
    /// A merchant account for the self-employed.
    pub merchant: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct Company {
    pub account: u64,
    /// Day of the month salaries are paid.
    pub payday: u32,
    pub employees: Vec<u32>,
    /// The boss, whom a "boss impersonation" message claims to be.
    pub boss: u32,
    /// A gig platform pays its couriers and drivers every day.
    pub daily: bool,
}

#[derive(Debug, Clone)]
pub struct AccountRow {
    pub account: u64,
    pub holder: Num,
    pub bank: usize,
    /// Days relative to the start (negative: before it).
    pub opened: i32,
    pub kind: &'static str,
}

#[derive(Debug)]
pub struct Population {
    pub subscribers: Vec<Subscriber>,
    pub operators: Vec<&'static str>,
    /// Cumulative call weights, to draw callers.
    pub call_weights: Alias,
    pub sms_weights: Alias,
    pub visit_weights: Alias,
    pub transfer_weights: Alias,
    /// Contacts of subscriber `i`: `contacts[offsets[i]..offsets[i + 1]]`.
    pub contacts: Vec<u32>,
    pub offsets: Vec<u32>,
    pub companies: Vec<Company>,
    pub accounts: Vec<AccountRow>,
    /// Merchants (subscriber indices), customers pay them.
    pub merchants: Vec<u32>,
    /// Group-buy organisers: neighbours pay them, they pay a supplier within hours.
    pub organisers: Vec<u32>,
}

impl Population {
    pub fn contacts_of(&self, i: u32) -> &[u32] {
        &self.contacts[self.offsets[i as usize] as usize..self.offsets[i as usize + 1] as usize]
    }

    pub fn generate(
        rng: &mut Rng,
        registry: &mut ids::Registry,
        territories: &Territories,
        n: u32,
        start_year: i32,
    ) -> Population {
        let band_weights = cumulative(AGE_BANDS.iter().map(|b| b.2 * b.3));
        let mut subscribers = Vec::with_capacity(n as usize);
        let mut operators = Vec::with_capacity(n as usize);
        let mut accounts = Vec::with_capacity(n as usize + n as usize / 8);
        for _ in 0..n {
            let grid = rng.weighted(&territories.grid_weights) as u32;
            let rural = territories.grids[grid as usize].rural;
            let band = AGE_BANDS[rng.weighted(&band_weights)];
            let age = rng.range(u64::from(band.0), u64::from(band.1)) as u32;
            let occupation = occupation_for(rng, age, rural);
            let (phone, operator) = registry.mobile(rng, 0.015);
            // ordinary churn: about 1.5% of SIMs were activated in the last 30 days
            let activated = if rng.chance(0.015) {
                -(rng.range(0, 29) as i32)
            } else {
                -(rng.range(30, 365 * 12) as i32)
            };
            let habit = rng.lognormal(1.0, 0.55);
            let calls = occupation.calls_per_day() * habit;
            let young = age < 40;
            // couriers, sales staff and shops text customers they do not know
            let sms = if occupation.works_the_phone() || occupation == Occupation::SelfEmployed {
                2.5
            } else {
                0.25
            } * rng.lognormal(1.0, 0.7);
            let visits = if age >= 70 {
                0.8
            } else if young {
                3.6
            } else {
                2.6
            } * rng.lognormal(1.0, 0.6);
            let transfers = if age < 16 { 0.02 } else { 0.12 } * rng.lognormal(1.0, 0.6);
            let bank = ids::pick_bank(rng);
            let account = registry.card(rng, bank);
            accounts.push(AccountRow {
                account,
                holder: phone,
                bank,
                opened: -(rng.range(60, 365 * 15) as i32),
                kind: "personal",
            });
            let merchant = if occupation == Occupation::SelfEmployed && rng.chance(0.6) {
                let bank = ids::pick_bank(rng);
                let account = registry.card(rng, bank);
                accounts.push(AccountRow {
                    account,
                    holder: phone,
                    bank,
                    // some shops opened their account recently
                    opened: -(rng.range(3, 365 * 8) as i32),
                    kind: "merchant",
                });
                Some(account)
            } else {
                None
            };
            subscribers.push(Subscriber {
                phone,
                grid,
                birth_year: (start_year - age as i32) as u16,
                occupation,
                activated,
                calls: calls as f32,
                sms: sms as f32,
                visits: visits as f32,
                transfers: transfers as f32,
                account,
                company: None,
                merchant,
            });
            operators.push(operator);
        }

        // employers: people who work for someone, in companies of log-normal size per district
        let mut companies: Vec<Company> = Vec::new();
        let mut by_district: Vec<Vec<u32>> = vec![Vec::new(); territories.district_grids.len()];
        for (i, s) in subscribers.iter().enumerate() {
            if employed(s.occupation) {
                by_district[territories.grids[s.grid as usize].district].push(i as u32);
            }
        }
        for workers in &by_district {
            let mut k = 0;
            while k < workers.len() {
                let size = (rng.lognormal(12.0, 1.0) as usize)
                    .clamp(3, 400)
                    .min(workers.len() - k);
                let employees: Vec<u32> = workers[k..k + size].to_vec();
                let boss = employees[rng.below(employees.len() as u64) as usize];
                let bank = ids::pick_bank(rng);
                let account = registry.card(rng, bank);
                let daily = employees
                    .iter()
                    .filter(|&&e| {
                        matches!(
                            subscribers[e as usize].occupation,
                            Occupation::Courier | Occupation::Driver
                        )
                    })
                    .count()
                    * 2
                    > employees.len();
                accounts.push(AccountRow {
                    account,
                    holder: subscribers[boss as usize].phone,
                    bank,
                    opened: -(rng.range(100, 365 * 20) as i32),
                    kind: "corporate",
                });
                for &e in &employees {
                    subscribers[e as usize].company = Some(companies.len() as u32);
                }
                companies.push(Company {
                    account,
                    payday: rng.range(1, 28) as u32,
                    employees,
                    boss,
                    daily,
                });
                k += size;
            }
        }

        let (contacts, offsets) = social_graph(rng, &subscribers, territories, &companies);
        let merchants = subscribers
            .iter()
            .enumerate()
            .filter(|(_, s)| s.merchant.is_some())
            .map(|(i, _)| i as u32)
            .collect();
        let organisers = (0..n)
            .filter(|&i| {
                let s = &subscribers[i as usize];
                matches!(s.occupation, Occupation::Homemaker | Occupation::Retired)
                    && (u64::from(i).wrapping_mul(0x9e37_79b9) >> 7) % 40 == 0
            })
            .collect();
        let weights = |f: fn(&Subscriber) -> f32| {
            Alias::new(
                &subscribers
                    .iter()
                    .map(|s| f64::from(f(s)))
                    .collect::<Vec<_>>(),
            )
        };
        let call_weights = weights(|s| s.calls);
        let sms_weights = weights(|s| s.sms);
        let visit_weights = weights(|s| s.visits);
        let transfer_weights = weights(|s| s.transfers);
        Population {
            subscribers,
            operators,
            call_weights,
            sms_weights,
            visit_weights,
            transfer_weights,
            contacts,
            offsets,
            companies,
            accounts,
            merchants,
            organisers,
        }
    }
}

fn employed(o: Occupation) -> bool {
    matches!(
        o,
        Occupation::OfficeWorker
            | Occupation::Accountant
            | Occupation::FactoryWorker
            | Occupation::Sales
            | Occupation::Courier
            | Occupation::CallCenter
            | Occupation::CivilServant
            | Occupation::Teacher
            | Occupation::Medical
            | Occupation::Driver
    )
}

pub fn occupation_for(rng: &mut Rng, age: u32, rural: bool) -> Occupation {
    if age < 19 {
        return Occupation::Student;
    }
    if age < 23 {
        return if rng.chance(0.7) {
            Occupation::Student
        } else if rng.chance(0.5) {
            Occupation::FactoryWorker
        } else {
            Occupation::Unemployed
        };
    }
    if age < 27 && rng.chance(0.12) {
        return Occupation::Student;
    }
    if age >= 60 {
        return if rural && rng.chance(0.2) {
            Occupation::Farmer
        } else if rng.chance(0.05) {
            Occupation::SelfEmployed
        } else {
            Occupation::Retired
        };
    }
    let table = adult_occupations(rural);
    let weights = cumulative(table.iter().map(|t| t.1));
    table[rng.weighted(&weights)].0
}

/// Family (same district), coworkers (same company) and friends (anywhere), symmetric.
fn social_graph(
    rng: &mut Rng,
    subscribers: &[Subscriber],
    territories: &Territories,
    companies: &[Company],
) -> (Vec<u32>, Vec<u32>) {
    let n = subscribers.len();
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); n];
    let mut by_district: Vec<Vec<u32>> = vec![Vec::new(); territories.district_grids.len()];
    for (i, s) in subscribers.iter().enumerate() {
        by_district[territories.grids[s.grid as usize].district].push(i as u32);
    }
    let link = |lists: &mut Vec<Vec<u32>>, a: u32, b: u32| {
        if a != b && lists[a as usize].len() < 60 && !lists[a as usize].contains(&b) {
            lists[a as usize].push(b);
            lists[b as usize].push(a);
        }
    };
    for people in &by_district {
        for (k, &i) in people.iter().enumerate() {
            // family: a household is a few neighbours in the district's list
            for _ in 0..rng.range(1, 2) {
                let j = people[(k + 1 + rng.below(4) as usize) % people.len()];
                link(&mut lists, i, j);
            }
            // friends mostly near
            for _ in 0..rng.range(1, 3) {
                let j = people[rng.below(people.len() as u64) as usize];
                link(&mut lists, i, j);
            }
        }
    }
    for company in companies {
        for (k, &e) in company.employees.iter().enumerate() {
            link(&mut lists, e, company.boss);
            for _ in 0..2 {
                let j =
                    company.employees[(k + 1 + rng.below(6) as usize) % company.employees.len()];
                link(&mut lists, e, j);
            }
        }
    }
    for i in 0..n as u32 {
        if rng.chance(0.5) {
            let j = rng.below(n as u64) as u32;
            link(&mut lists, i, j);
        }
    }
    let mut contacts = Vec::with_capacity(lists.iter().map(Vec::len).sum());
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0);
    for list in lists {
        contacts.extend(list);
        offsets.push(contacts.len() as u32);
    }
    (contacts, offsets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_social_graph_is_symmetric_and_sparse() {
        let territories = Territories::generate(&mut Rng::derive(1, 0, 0, 0));
        let mut registry = ids::Registry::default();
        let p = Population::generate(
            &mut Rng::derive(1, 1, 0, 0),
            &mut registry,
            &territories,
            5_000,
            2026,
        );
        let mut degree = 0usize;
        for i in 0..5_000u32 {
            for &j in p.contacts_of(i) {
                assert_ne!(i, j);
                assert!(p.contacts_of(j).contains(&i), "{i} → {j} one way");
            }
            degree += p.contacts_of(i).len();
        }
        let mean = degree as f64 / 5_000.0;
        assert!((8.0..=14.0).contains(&mean), "mean degree {mean}");
        let employed = p.subscribers.iter().filter(|s| s.company.is_some()).count();
        assert!(employed > 1_000, "{employed}");
    }
}
