//! The official whitelist fraudwall ships with: public-service, anti-fraud, regulator, carrier
//! and bank hotlines. Fraud rings impersonate exactly these numbers, so they are never flagged
//! by reports; only an administrator can change them, and a fatal black entry (a proven
//! spoofing campaign) still wins over them in the rules.

use fraudwall_ids::phone::{PhoneNormalizer, Region};

use crate::entry::{Attributes, Change, Identifier, Kind, List, OnExisting, Source};

/// China's official numbers, with who answers them.
pub const OFFICIAL_CN: &[(&str, &str)] = &[
    ("110", "police"),
    ("119", "fire service"),
    ("120", "medical emergency"),
    ("122", "traffic police"),
    ("12110", "police by sms"),
    ("96110", "anti-fraud warning hotline"),
    (
        "12381",
        "anti-fraud warning sms of the ministry of industry and information technology",
    ),
    ("12321", "reporting centre for spam and fraud"),
    ("12315", "consumer complaints"),
    ("12345", "government service hotline"),
    ("12377", "reporting centre for illegal online content"),
    ("10086", "china mobile"),
    ("10010", "china unicom"),
    ("10000", "china telecom"),
    ("95588", "industrial and commercial bank of china"),
    ("95533", "china construction bank"),
    ("95599", "agricultural bank of china"),
    ("95566", "bank of china"),
    ("95559", "bank of communications"),
    ("95555", "china merchants bank"),
    ("95528", "shanghai pudong development bank"),
    ("95558", "china citic bank"),
    ("95568", "china minsheng bank"),
    ("95595", "china everbright bank"),
    ("95561", "industrial bank"),
    ("95508", "china guangfa bank"),
    ("95511", "ping an bank"),
    ("95580", "postal savings bank of china"),
    ("95188", "alipay"),
    ("95017", "tenpay (wechat pay)"),
];

/// The official numbers of `region` as puts on the white list that keep whatever is already
/// there (so an administrator's later edits survive a restart).
pub fn official_whitelist(region: Region) -> Vec<Change> {
    let numbers = if region == Region::CN {
        OFFICIAL_CN
    } else {
        &[]
    };
    let normalizer = PhoneNormalizer::new(region);
    numbers
        .iter()
        .filter_map(|&(number, holder)| {
            let identifier = Identifier::parse(Kind::Number, number, &normalizer).ok()?;
            let mut attributes = Attributes::new(Source::Official);
            attributes.note = Some(holder.to_owned());
            Some(Change::Put {
                list: List::White,
                identifier,
                attributes,
                on_existing: OnExisting::Keep,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_official_number_is_a_valid_service_number() {
        let changes = official_whitelist(Region::CN);
        assert_eq!(changes.len(), OFFICIAL_CN.len());
        for change in changes {
            let Change::Put { identifier, .. } = change else {
                unreachable!()
            };
            assert!(!identifier.value.starts_with('+'), "{}", identifier.value);
        }
    }
}
