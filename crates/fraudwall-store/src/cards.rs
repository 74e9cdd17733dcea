//! Who holds a phone or bank card, as operators and banks know it: the registrant, the device a
//! SIM was activated in, and since when. A number recycled to a new subscriber has one row per
//! holder. Linking reads it to keep a recycled number's holders apart and to find the people
//! behind several cards that cases name.

use fraudwall_lists::entry::Kind;

/// One holder period of a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRecord {
    /// `number` or `account`.
    pub kind: Kind,
    /// The canonical value.
    pub value: String,
    /// The identifier's compact key.
    pub key: u64,
    /// When this holder took the card (activation or account opening), unix seconds; 0 when
    /// unknown.
    pub since: i64,
    /// The registrant: an account's holder phone, or the identity a SIM is registered to.
    pub holder: Option<String>,
    /// The handset or SIM box a SIM was first activated in.
    pub device: Option<String>,
    /// The operator or bank.
    pub issuer: Option<String>,
    /// An account's type as its bank gives it: `personal`, `merchant` or `corporate`.
    pub account_type: Option<String>,
}
