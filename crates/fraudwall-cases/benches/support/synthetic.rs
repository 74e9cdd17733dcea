//! A seeded stream of cases for the linking benchmarks: gangs of skewed sizes, each with its
//! own numbers and accounts (a few used in many of its cases), identifiers only one victim
//! saw, and now and then a mule account shared across gangs.

use fraudwall_cases::{CaseInput, LinkKey, Occurrence, Role};
use fraudwall_lists::entry::Kind;

pub const PER_CASE: usize = 10;

pub struct Cases {
    state: u64,
    gangs: u64,
    fresh: u64,
    next: u64,
}

impl Cases {
    /// `cases` cases in all, about 20 to a gang.
    pub fn new(seed: u64, cases: u64) -> Cases {
        Cases {
            state: seed,
            gangs: (cases / 20).max(1),
            fresh: 1 << 40,
            next: 0,
        }
    }

    /// At most how many distinct identifiers the cases so far name (a store counts them
    /// exactly; this is close enough to size tables).
    #[allow(
        dead_code,
        reason = "the relink example sizes its tables with it, the bench does not"
    )]
    pub fn identifier_bound(&self) -> usize {
        ((self.fresh - (1 << 40)) + self.gangs * 64 + 1_000_000) as usize
    }

    fn u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// The next case and its identifiers, written into `out`.
    pub fn next_case(&mut self, out: &mut Vec<Occurrence>) -> CaseInput<'static> {
        self.next += 1;
        out.clear();
        let u = self.unit();
        let gang = (self.gangs as f64 * u * u) as u64;
        let reported_at = 1_700_000_000 + (self.next as i64 % 31_536_000);
        for i in 0..PER_CASE {
            // within a gang's 64 identifiers: 8 accounts, 32 numbers, 12 sites, 12 chat ids
            let (kind, role, base, width) = match i {
                0 => (Kind::Account, Role::Payment, 0, 8.0),
                1..=5 => (Kind::Number, Role::Contact, 8, 32.0),
                6..=7 => (Kind::Url, Role::Contact, 40, 12.0),
                _ => (Kind::Social, Role::Contact, 52, 12.0),
            };
            let draw = self.unit();
            let ident = if draw < 0.3 {
                self.fresh += 1;
                self.fresh
            } else if draw < 0.31 && kind == Kind::Account {
                // a mule account several gangs use
                (1 << 50) + self.u64() % 1_000_000
            } else {
                let v = self.unit();
                gang * 64 + base + (width * v * v) as u64
            };
            out.push(Occurrence {
                key: LinkKey::new(kind, ident),
                kind,
                ident,
                at: Some(reported_at - 3_600),
                role,
            });
        }
        CaseInput {
            external: self.next,
            victim: self.next,
            loss_cents: 1_000_000,
            reported_at,
            territory: "500101",
            fraud_type: "fake_customer_service",
        }
    }
}
