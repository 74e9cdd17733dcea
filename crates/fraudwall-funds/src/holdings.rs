//! What one account holds while a trace runs: clean money and the victim's, by how many hops
//! the victim's has come, kept as the attribution rule needs it.

use std::collections::VecDeque;

use crate::Rule;

/// Tainted money by depth: `(depth, cents)`.
pub type Parts = Vec<(u8, i64)>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lot {
    amount: i64,
    /// None for clean money.
    depth: Option<u8>,
}

#[derive(Debug, Clone)]
pub enum Holdings {
    /// First-in-first-out and last-in-first-out: lots in arrival order.
    Lots { lots: VecDeque<Lot>, lifo: bool },
    /// Proportional (haircut): every outflow carries the tainted share of the balance.
    Shares { balance: i64, tainted: Vec<i64> },
    /// Poison: from its first tainted inflow on, everything the account pays out is tainted.
    Poison { balance: i64, depth: Option<u8> },
}

impl Holdings {
    pub fn new(rule: Rule, opening: i64, max_depth: u8) -> Holdings {
        let opening = opening.max(0);
        match rule {
            Rule::Fifo | Rule::Lifo => {
                let mut lots = VecDeque::new();
                if opening > 0 {
                    lots.push_back(Lot {
                        amount: opening,
                        depth: None,
                    });
                }
                Holdings::Lots {
                    lots,
                    lifo: rule == Rule::Lifo,
                }
            }
            Rule::Proportional => Holdings::Shares {
                balance: opening,
                tainted: vec![0; usize::from(max_depth) + 1],
            },
            Rule::Poison => Holdings::Poison {
                balance: opening,
                depth: None,
            },
        }
    }

    /// Takes in `amount`, of which `parts` are tainted (their sum at most `amount`).
    pub fn receive(&mut self, amount: i64, parts: &[(u8, i64)]) {
        let tainted: i64 = parts.iter().map(|p| p.1).sum();
        let clean = (amount - tainted).max(0);
        match self {
            Holdings::Lots { lots, .. } => {
                for &(depth, amount) in parts {
                    lots.push_back(Lot {
                        amount,
                        depth: Some(depth),
                    });
                }
                if clean > 0 {
                    match lots.back_mut() {
                        Some(last) if last.depth.is_none() => last.amount += clean,
                        _ => lots.push_back(Lot {
                            amount: clean,
                            depth: None,
                        }),
                    }
                }
            }
            Holdings::Shares { balance, tainted } => {
                *balance += amount;
                for &(depth, amount) in parts {
                    tainted[usize::from(depth)] += amount;
                }
            }
            Holdings::Poison { balance, depth } => {
                *balance += amount;
                if let Some(first) = parts.iter().map(|p| p.0).min() {
                    *depth = Some(depth.map_or(first, |d| d.min(first)));
                }
            }
        }
    }

    /// Pays out `amount` and says which of it was tainted. Money paid beyond the balance came
    /// from outside the records and is clean.
    pub fn pay(&mut self, amount: i64) -> Parts {
        let mut parts = Parts::new();
        match self {
            Holdings::Lots { lots, lifo } => {
                let mut left = amount;
                while left > 0 {
                    let lot = if *lifo {
                        lots.back_mut()
                    } else {
                        lots.front_mut()
                    };
                    let Some(lot) = lot else { break };
                    let taken = lot.amount.min(left);
                    lot.amount -= taken;
                    left -= taken;
                    if let Some(depth) = lot.depth {
                        add(&mut parts, depth, taken);
                    }
                    if lot.amount == 0 {
                        if *lifo {
                            lots.pop_back();
                        } else {
                            lots.pop_front();
                        }
                    }
                }
            }
            Holdings::Shares { balance, tainted } => {
                let paid = amount.min(*balance);
                if paid > 0 {
                    for (depth, held) in tainted.iter_mut().enumerate() {
                        if *held > 0 {
                            let share = (i128::from(*held) * i128::from(paid)
                                / i128::from(*balance))
                                as i64;
                            if share > 0 {
                                *held -= share;
                                parts.push((depth as u8, share));
                            }
                        }
                    }
                }
                *balance -= paid;
            }
            Holdings::Poison { balance, depth } => {
                *balance = (*balance - amount).max(0);
                if let Some(depth) = *depth {
                    parts.push((depth, amount));
                }
            }
        }
        parts
    }

    /// The tainted money held now, by depth.
    pub fn tainted(&self) -> Parts {
        let mut parts = Parts::new();
        match self {
            Holdings::Lots { lots, .. } => {
                for lot in lots {
                    if let Some(depth) = lot.depth {
                        add(&mut parts, depth, lot.amount);
                    }
                }
            }
            Holdings::Shares { tainted, .. } => {
                for (depth, &held) in tainted.iter().enumerate() {
                    if held > 0 {
                        parts.push((depth as u8, held));
                    }
                }
            }
            Holdings::Poison { balance, depth } => {
                if let (Some(depth), true) = (depth, *balance > 0) {
                    parts.push((*depth, *balance));
                }
            }
        }
        parts
    }

    /// Whether nothing tainted can leave any more: the account need not be followed until
    /// tainted money arrives again. A poisoned account never is.
    pub fn is_clean(&self) -> bool {
        match self {
            Holdings::Lots { lots, .. } => lots.iter().all(|lot| lot.depth.is_none()),
            Holdings::Shares { tainted, .. } => tainted.iter().all(|&t| t == 0),
            Holdings::Poison { depth, .. } => depth.is_none(),
        }
    }
}

fn add(parts: &mut Parts, depth: u8, amount: i64) {
    if amount == 0 {
        return;
    }
    match parts.iter_mut().find(|p| p.0 == depth) {
        Some(part) => part.1 += amount,
        None => parts.push((depth, amount)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_pays_the_oldest_money_first_and_lifo_the_newest() {
        let mut fifo = Holdings::new(Rule::Fifo, 300, 6);
        fifo.receive(1_000, &[(1, 1_000)]);
        assert_eq!(fifo.pay(500), vec![(1, 200)]);
        assert_eq!(fifo.tainted(), vec![(1, 800)]);

        let mut lifo = Holdings::new(Rule::Lifo, 300, 6);
        lifo.receive(1_000, &[(1, 1_000)]);
        assert_eq!(lifo.pay(500), vec![(1, 500)]);
        assert_eq!(lifo.tainted(), vec![(1, 500)]);
    }

    #[test]
    fn a_haircut_pays_the_tainted_share_and_poison_taints_everything() {
        let mut shares = Holdings::new(Rule::Proportional, 3_000, 6);
        shares.receive(1_000, &[(2, 1_000)]);
        assert_eq!(shares.pay(2_000), vec![(2, 500)]);
        assert_eq!(shares.tainted(), vec![(2, 500)]);

        let mut poison = Holdings::new(Rule::Poison, 3_000, 6);
        assert_eq!(poison.pay(100), vec![]);
        poison.receive(1_000, &[(1, 1_000)]);
        assert_eq!(poison.pay(2_000), vec![(1, 2_000)]);
        assert!(!poison.is_clean());
    }

    #[test]
    fn paying_more_than_is_held_pays_the_rest_from_outside() {
        let mut fifo = Holdings::new(Rule::Fifo, 0, 6);
        fifo.receive(100, &[(1, 100)]);
        assert_eq!(fifo.pay(250), vec![(1, 100)]);
        assert!(fifo.is_clean());
    }
}
