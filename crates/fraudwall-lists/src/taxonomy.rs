//! The fraud taxonomy: the codes every part of the system names a kind of fraud with, on list
//! entries, evidence and (later) cases and statistics. A code outside it is refused where it
//! comes in, so that counts per fraud type add up and nobody's typo becomes a category.

/// One kind of fraud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FraudType {
    /// The stable snake_case code.
    pub code: &'static str,
    pub description: &'static str,
}

const fn fraud(code: &'static str, description: &'static str) -> FraudType {
    FraudType { code, description }
}

/// Every fraud type, in the order the statistics report them.
pub const FRAUD_TYPES: &[FraudType] = &[
    fraud(
        "impersonate_police_government",
        "posing as police, procurators, courts or other officials",
    ),
    fraud(
        "fake_customer_service",
        "posing as a shop's, platform's or courier's customer service",
    ),
    fraud(
        "impersonate_boss_acquaintance",
        "posing as the victim's superior, a relative or an acquaintance",
    ),
    fraud(
        "fake_loan_credit",
        "fake loans, credit raises or credit repair for an advance fee",
    ),
    fraud(
        "task_brushing_parttime",
        "paid tasks, order brushing or part-time work that asks for advances",
    ),
    fraud(
        "pig_butchering_investment",
        "a cultivated relationship that leads to a fake investment platform",
    ),
    fraud("online_gambling", "online gambling platforms"),
    fraud(
        "sextortion_naked_chat",
        "extortion after a naked video chat",
    ),
    fraud(
        "fake_online_shopping",
        "shops that take payment and never deliver",
    ),
    fraud(
        "game_trading",
        "trading game accounts, items or currency that never arrive",
    ),
    fraud(
        "overseas_recruitment",
        "jobs abroad that lure people into fraud compounds",
    ),
    fraud(
        "elderly_care_investment",
        "elderly-care investments, products and services sold to the old",
    ),
    fraud("other", "any other fraud"),
];

/// Whether `code` is a fraud type of the taxonomy.
pub fn is_fraud_type(code: &str) -> bool {
    FRAUD_TYPES.iter().any(|t| t.code == code)
}

/// The message for a code outside the taxonomy.
pub fn unknown_fraud_type(code: &str) -> String {
    let code: String = code.chars().take(64).collect();
    format!("unknown fraud type {code:?}; GET /v1/fraud-types lists the taxonomy")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_unique_snake_case_codes() {
        assert_eq!(FRAUD_TYPES.len(), 13);
        let mut seen = std::collections::HashSet::new();
        for t in FRAUD_TYPES {
            assert!(seen.insert(t.code), "{} twice", t.code);
            assert!(t.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(is_fraud_type(t.code));
        }
        assert!(!is_fraud_type("no_such_type"));
        assert!(!is_fraud_type("Other"));
    }
}
