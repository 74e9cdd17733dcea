//! The fraud types (fraudwall's taxonomy codes) and how each works in the province: its share
//! of cases, whom it targets, how it makes contact, how long a victim is worked on, what a
//! victim loses.

use crate::population::Occupation;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum FraudType {
    ImpersonatePolice,
    FakeCustomerService,
    ImpersonateBoss,
    FakeLoan,
    TaskBrushing,
    PigButchering,
    OnlineGambling,
    Sextortion,
    FakeShopping,
    GameTrading,
    OverseasRecruitment,
    ElderlyCare,
    Other,
}

pub const FRAUD_TYPES: [FraudType; 13] = [
    FraudType::ImpersonatePolice,
    FraudType::FakeCustomerService,
    FraudType::ImpersonateBoss,
    FraudType::FakeLoan,
    FraudType::TaskBrushing,
    FraudType::PigButchering,
    FraudType::OnlineGambling,
    FraudType::Sextortion,
    FraudType::FakeShopping,
    FraudType::GameTrading,
    FraudType::OverseasRecruitment,
    FraudType::ElderlyCare,
    FraudType::Other,
];

/// How a gang first reaches people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// Calls first (police impersonation, elderly care, customer service by phone).
    Call,
    /// Text messages with a link or a number first.
    Sms,
    /// Social apps and ads first (no call or SMS record), then links and apps.
    Social,
}

/// How a type works. Sources of each figure are in `docs/simulation.md`.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    pub code: &'static str,
    /// Share of cases (victims), before normalisation.
    pub share: f64,
    pub channel: Channel,
    /// Probability that a victim of this type was deceived through a link, app or social id
    /// (an "internet fraud" case); the rest are telephone fraud (calls and SMS only).
    pub internet: f64,
    /// Probability that a targeted victim was born in 1990 or later.
    pub post1990: f64,
    /// Median loss, yuan.
    pub median_loss: f64,
    /// Hours from first contact to the last payment, median.
    pub span_hours: f64,
    /// Payments, at most.
    pub max_payments: u32,
    /// Whether the gang distributes an app.
    pub app: bool,
}

pub fn profile(t: FraudType) -> Profile {
    use Channel::*;
    let p =
        |code, share, channel, internet, post1990, median_loss, span_hours, max_payments, app| {
            Profile {
                code,
                share,
                channel,
                internet,
                post1990,
                median_loss,
                span_hours,
                max_payments,
                app,
            }
        };
    match t {
        FraudType::ImpersonatePolice => p(
            "impersonate_police_government",
            0.06,
            Call,
            0.35,
            0.45,
            60_000.0,
            3.0,
            3,
            true,
        ),
        FraudType::FakeCustomerService => p(
            "fake_customer_service",
            0.10,
            Call,
            0.9,
            0.62,
            15_000.0,
            4.0,
            3,
            true,
        ),
        FraudType::ImpersonateBoss => p(
            "impersonate_boss_acquaintance",
            0.03,
            Sms,
            0.6,
            0.35,
            120_000.0,
            2.0,
            2,
            false,
        ),
        FraudType::FakeLoan => p(
            "fake_loan_credit",
            0.12,
            Sms,
            0.95,
            0.68,
            6_000.0,
            30.0,
            4,
            true,
        ),
        FraudType::TaskBrushing => p(
            "task_brushing_parttime",
            0.33,
            Sms,
            1.0,
            0.76,
            12_000.0,
            48.0,
            6,
            true,
        ),
        FraudType::PigButchering => p(
            "pig_butchering_investment",
            0.15,
            Social,
            1.0,
            0.45,
            150_000.0,
            24.0 * 14.0,
            6,
            true,
        ),
        FraudType::OnlineGambling => p(
            "online_gambling",
            0.04,
            Social,
            1.0,
            0.62,
            30_000.0,
            24.0 * 5.0,
            6,
            true,
        ),
        FraudType::Sextortion => p(
            "sextortion_naked_chat",
            0.03,
            Social,
            1.0,
            0.70,
            20_000.0,
            6.0,
            3,
            true,
        ),
        FraudType::FakeShopping => p(
            "fake_online_shopping",
            0.06,
            Social,
            1.0,
            0.80,
            1_500.0,
            2.0,
            1,
            false,
        ),
        FraudType::GameTrading => p(
            "game_trading",
            0.03,
            Social,
            1.0,
            0.95,
            2_000.0,
            3.0,
            2,
            false,
        ),
        FraudType::OverseasRecruitment => p(
            "overseas_recruitment",
            0.01,
            Sms,
            0.8,
            0.85,
            5_000.0,
            24.0 * 3.0,
            2,
            false,
        ),
        FraudType::ElderlyCare => p(
            "elderly_care_investment",
            0.03,
            Call,
            0.1,
            0.0,
            50_000.0,
            24.0 * 6.0,
            4,
            false,
        ),
        FraudType::Other => p("other", 0.01, Sms, 0.6, 0.5, 5_000.0, 12.0, 2, false),
    }
}

impl FraudType {
    pub fn code(self) -> &'static str {
        profile(self).code
    }

    /// How much more likely someone of this occupation and age is targeted (relative weights).
    pub fn affinity(self, occupation: Occupation, age: u32) -> f64 {
        use Occupation::*;
        match self {
            FraudType::ElderlyCare => {
                if age >= 60 {
                    1.0
                } else {
                    0.0
                }
            }
            FraudType::TaskBrushing => match occupation {
                Student => 3.0,
                Homemaker | Unemployed => 2.5,
                _ => 1.0,
            },
            FraudType::ImpersonateBoss => match occupation {
                Accountant => 20.0,
                _ => 0.3,
            },
            FraudType::FakeLoan => match occupation {
                Unemployed | SelfEmployed => 2.5,
                FactoryWorker | Driver => 1.5,
                Retired => 0.1,
                _ => 1.0,
            },
            FraudType::GameTrading => match occupation {
                Student => 4.0,
                _ => 0.5,
            },
            FraudType::OverseasRecruitment => match occupation {
                Unemployed => 4.0,
                Student | FactoryWorker => 2.0,
                Retired => 0.0,
                _ => 0.5,
            },
            FraudType::Sextortion | FraudType::OnlineGambling if age < 16 => 0.1,
            _ => 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_fraudwalls_taxonomy() {
        for t in FRAUD_TYPES {
            assert!(
                fraudwall_lists::taxonomy::is_fraud_type(t.code()),
                "{}",
                t.code()
            );
        }
        let codes: Vec<&str> = FRAUD_TYPES.iter().map(|t| t.code()).collect();
        let taxonomy: Vec<&str> = fraudwall_lists::taxonomy::FRAUD_TYPES
            .iter()
            .map(|t| t.code)
            .collect();
        assert_eq!(codes, taxonomy, "the same codes in the same order");
    }

    #[test]
    fn shares_sum_to_one_and_internet_fraud_is_the_majority() {
        let total: f64 = FRAUD_TYPES.iter().map(|&t| profile(t).share).sum();
        assert!((total - 1.0).abs() < 1e-9, "{total}");
        let internet: f64 = FRAUD_TYPES
            .iter()
            .map(|&t| profile(t).share * profile(t).internet)
            .sum();
        assert!(internet > 0.85, "{internet}");
        let post1990: f64 = FRAUD_TYPES
            .iter()
            .map(|&t| profile(t).share * profile(t).post1990)
            .sum();
        assert!((post1990 - 0.627).abs() < 0.02, "{post1990}");
    }
}
