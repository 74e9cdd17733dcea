//! The signals an event raises: facts the engine establishes by looking identifiers up (the
//! caller is on the black list, a link in the text is gray) or by reading the event itself
//! (attestation C). Rules are written against their names; the engine sets them as bits.

use std::fmt;

use fraudwall_links::Fact;

/// Whose identifier a list signal is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A call's calling number.
    Caller,
    /// An SMS's sender.
    Sender,
    /// Any link in an SMS's text.
    TextLink,
    /// Any phone number in an SMS's text.
    TextNumber,
    /// A visited URL.
    Url,
    /// An app's package name.
    App,
    /// An app's signing certificate.
    Cert,
    /// A transfer's receiving account.
    Payee,
    /// A transfer's paying account.
    Payer,
    /// The phone of the payer, when the bank gives it.
    PayerPhone,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Caller,
        Role::Sender,
        Role::TextLink,
        Role::TextNumber,
        Role::Url,
        Role::App,
        Role::Cert,
        Role::Payee,
        Role::Payer,
        Role::PayerPhone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Caller => "caller",
            Role::Sender => "sender",
            Role::TextLink => "text_link",
            Role::TextNumber => "text_number",
            Role::Url => "url",
            Role::App => "app",
            Role::Cert => "cert",
            Role::Payee => "payee",
            Role::Payer => "payer",
            Role::PayerPhone => "payer_phone",
        }
    }

    /// Phone numbers are also checked against the listed ranges.
    fn is_number(self) -> bool {
        matches!(
            self,
            Role::Caller | Role::Sender | Role::TextNumber | Role::PayerPhone
        )
    }
}

/// What a list lookup found for a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    Black,
    /// Black with fatal severity: overrides the official whitelist.
    BlackFatal,
    Gray,
    White,
    /// In a black-listed number range.
    RangeBlack,
    /// In a gray-listed number range (ranges the server derived from evidence are gray).
    RangeGray,
}

impl Standing {
    pub const ALL: [Standing; 6] = [
        Standing::Black,
        Standing::BlackFatal,
        Standing::Gray,
        Standing::White,
        Standing::RangeBlack,
        Standing::RangeGray,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Black => "black",
            Standing::BlackFatal => "black_fatal",
            Standing::Gray => "gray",
            Standing::White => "white",
            Standing::RangeBlack => "range_black",
            Standing::RangeGray => "range_gray",
        }
    }

    fn is_range(self) -> bool {
        matches!(self, Standing::RangeBlack | Standing::RangeGray)
    }
}

/// A signal that is either raised or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    List(Role, Standing),
    /// The call came with STIR/SHAKEN attestation C (gateway only).
    AttestationC,
    /// An international gateway presents a number of the home country: the classic spoof.
    SpoofedDomestic,
    /// The URL's host is an IP address.
    IpHost,
    /// The text classifier labels the message as a fraud type.
    TextFraud,
    /// The text carries links, every one of them white-listed or an institution's own (a
    /// brand's official domain, a government suffix), and no number that is not white-listed:
    /// nowhere to send money but the real thing.
    OfficialLinks,
    /// What the platform knows of a transfer's parties beyond the lists: a call in progress, a
    /// warning, a mule lead or pattern ([`Screening`](crate::Screening)).
    Party(PartyFact),
    /// What a link shows on its own, whatever the lists say (`text_link.brand_lookalike`,
    /// `url.shortener`): only for [`Role::TextLink`] and [`Role::Url`]. Make them with
    /// [`Signal::link`], which spells a URL's IP host as the older [`Signal::IpHost`].
    Link(Role, Fact),
}

impl Signal {
    /// Every signal, in bit order.
    pub fn all() -> impl Iterator<Item = Signal> {
        Role::ALL
            .into_iter()
            .flat_map(|role| {
                Standing::ALL
                    .into_iter()
                    .filter(move |standing| role.is_number() || !standing.is_range())
                    .map(move |standing| Signal::List(role, standing))
            })
            .chain([
                Signal::AttestationC,
                Signal::SpoofedDomestic,
                Signal::IpHost,
                Signal::TextFraud,
                Signal::OfficialLinks,
            ])
            .chain(PartyFact::ALL.into_iter().map(Signal::Party))
            .chain(
                [Role::TextLink, Role::Url]
                    .into_iter()
                    .flat_map(|role| Fact::ALL.into_iter().map(move |fact| (role, fact)))
                    .filter(|&(role, fact)| !(role == Role::Url && fact == Fact::IpHost))
                    .map(|(role, fact)| Signal::Link(role, fact)),
            )
    }

    /// The signal of a link fact for links of `role` (`TextLink` or `Url`).
    pub fn link(role: Role, fact: Fact) -> Signal {
        match (role, fact) {
            (Role::Url, Fact::IpHost) => Signal::IpHost,
            _ => Signal::Link(role, fact),
        }
    }

    /// The signal's bit; bits are dense because [`Signal::all`] is.
    pub fn bit(self) -> u128 {
        match self {
            Signal::List(role, standing) => {
                1 << (role as u32 * Standing::ALL.len() as u32 + standing as u32)
            }
            Signal::AttestationC => 1 << 120,
            Signal::SpoofedDomestic => 1 << 121,
            Signal::IpHost => 1 << 122,
            Signal::TextFraud => 1 << 123,
            Signal::OfficialLinks => 1 << 124,
            // bits 100..105
            Signal::Party(fact) => 1 << (100 + fact as u32),
            // bits 60..72: six facts for text links, then six for visited URLs
            Signal::Link(role, fact) => {
                let base = if role == Role::Url { 66 } else { 60 };
                1 << (base + fact as u32)
            }
        }
    }

    pub fn parse(name: &str) -> Option<Signal> {
        Signal::all().find(|signal| signal.to_string() == name)
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Signal::List(role, standing) => write!(f, "{}.{}", role.as_str(), standing.as_str()),
            Signal::AttestationC => f.write_str("call.attestation_c"),
            Signal::SpoofedDomestic => f.write_str("call.spoofed_domestic"),
            Signal::IpHost => f.write_str("url.ip_host"),
            Signal::TextFraud => f.write_str("text.fraud"),
            Signal::OfficialLinks => f.write_str("text_link.official"),
            Signal::Party(fact) => f.write_str(fact.as_str()),
            Signal::Link(role, fact) => write!(f, "{}.{}", role.as_str(), fact.as_str()),
        }
    }
}

/// A fact about a transfer's parties that no list holds, from the platform's other records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartyFact {
    /// The payer's phone is on a call with a black-listed number at this moment.
    PayerInFlaggedCall,
    /// The payer (account or phone) is under an open warning.
    PayerWarned,
    /// The payee is a mule lead: paid by several victims' cases.
    PayeeMuleLead,
    /// The payee account was opened weeks ago and already receives from many payers.
    PayeeYoungManyPayers,
    /// One payer split a sum into many small transfers to the payee within a day.
    PayeeManySmallInbound,
}

impl PartyFact {
    pub const ALL: [PartyFact; 5] = [
        PartyFact::PayerInFlaggedCall,
        PartyFact::PayerWarned,
        PartyFact::PayeeMuleLead,
        PartyFact::PayeeYoungManyPayers,
        PartyFact::PayeeManySmallInbound,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartyFact::PayerInFlaggedCall => "payer_phone.in_flagged_call",
            PartyFact::PayerWarned => "payer.warned",
            PartyFact::PayeeMuleLead => "payee.mule_lead",
            PartyFact::PayeeYoungManyPayers => "payee.young_many_payers",
            PartyFact::PayeeManySmallInbound => "payee.many_small_inbound",
        }
    }
}

/// A measured quantity a rule can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// The text classifier's risk, `1 - P(normal)`; 0 when there is no text or no model.
    TextRisk,
    /// A transfer's amount in major units (yuan).
    Amount,
    /// The highest confidence among the list entries that matched.
    ListConfidence,
}

impl Measure {
    pub const ALL: [Measure; 3] = [Measure::TextRisk, Measure::Amount, Measure::ListConfidence];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::TextRisk => "text.risk",
            Measure::Amount => "amount",
            Measure::ListConfidence => "list.confidence",
        }
    }

    pub fn parse(name: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// Everything an event raised.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    pub bits: u128,
    pub measures: [f64; 3],
}

impl Signals {
    pub fn raise(&mut self, signal: Signal) {
        self.bits |= signal.bit();
    }

    pub fn has(&self, signal: Signal) -> bool {
        self.bits & signal.bit() != 0
    }

    pub fn measure(&self, measure: Measure) -> f64 {
        self.measures[measure as usize]
    }

    pub fn set_measure(&mut self, measure: Measure, value: f64) {
        self.measures[measure as usize] = value;
    }

    /// Keeps the highest value seen.
    pub fn raise_measure(&mut self, measure: Measure, value: f64) {
        let slot = &mut self.measures[measure as usize];
        *slot = slot.max(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_signal_has_its_own_bit_and_round_trips_by_name() {
        let signals: Vec<_> = Signal::all().collect();
        let bits: HashSet<u128> = signals.iter().map(|s| s.bit()).collect();
        assert_eq!(bits.len(), signals.len());
        for signal in &signals {
            assert_eq!(Signal::parse(&signal.to_string()), Some(*signal));
        }
        assert_eq!(
            Signal::parse("caller.range_black"),
            Some(Signal::List(Role::Caller, Standing::RangeBlack))
        );
        // ranges exist for numbers only
        assert_eq!(Signal::parse("url.range_black"), None);
        assert_eq!(Signal::parse("caller.purple"), None);
        // link signals: bits 60..72, a URL's ip host keeps its older signal
        assert_eq!(
            Signal::parse("text_link.brand_lookalike"),
            Some(Signal::link(Role::TextLink, Fact::BrandLookalike))
        );
        assert_eq!(
            Signal::parse("url.ip_host"),
            Some(Signal::link(Role::Url, Fact::IpHost))
        );
        assert_eq!(Signal::parse("caller.shortener"), None);
        for signal in &signals {
            if let Signal::Link(..) = signal {
                assert!(
                    (60..72).contains(&signal.bit().trailing_zeros()),
                    "{signal}"
                );
            } else if let Signal::Party(..) = signal {
                assert!(
                    (100..105).contains(&signal.bit().trailing_zeros()),
                    "{signal}"
                );
            } else {
                assert!(
                    !(60..120).contains(&signal.bit().trailing_zeros()),
                    "{signal}"
                );
            }
        }
    }
}
