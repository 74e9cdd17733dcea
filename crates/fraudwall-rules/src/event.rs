//! Events as the engine sees them: every identifier already parsed and normalized, so the
//! engine only looks keys up. Wire formats and their validation live at the edges.

use fraudwall_ids::account::Account;
use fraudwall_ids::app::{CertSha256, PackageName};
use fraudwall_ids::phone::PhoneNumber;
use fraudwall_ids::sender::SenderId;
use fraudwall_ids::url::CanonicalUrl;

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Call(Call),
    Sms(Sms),
    Url(UrlVisit),
    App(AppUse),
    Transfer(Transfer),
}

impl Event {
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Call(_) => "call",
            Event::Sms(_) => "sms",
            Event::Url(_) => "url",
            Event::App(_) => "app",
            Event::Transfer(_) => "transfer",
        }
    }
}

/// STIR/SHAKEN attestation of the calling number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Attestation {
    /// Full: the carrier knows the customer and their right to the number.
    A,
    /// Partial: the carrier knows the customer, not their right to the number.
    B,
    /// Gateway: the carrier only knows where the call entered its network.
    C,
}

impl Attestation {
    pub fn parse(text: &str) -> Option<Attestation> {
        match text.trim() {
            "A" | "a" => Some(Attestation::A),
            "B" | "b" => Some(Attestation::B),
            "C" | "c" => Some(Attestation::C),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub caller: PhoneNumber,
    pub callee: PhoneNumber,
    pub attestation: Option<Attestation>,
    /// The gateway the call entered through, as the operator names it (`international`, a
    /// trunk id); compared case-insensitively.
    pub gateway: Option<String>,
}

/// Who an SMS comes from: a phone number (short codes such as `95588` included), or an
/// alphanumeric sender id (`royalmail`) when the sender is no number.
#[derive(Debug, Clone, PartialEq)]
pub enum Sender {
    Number(PhoneNumber),
    Id(SenderId),
}

impl From<PhoneNumber> for Sender {
    fn from(number: PhoneNumber) -> Sender {
        Sender::Number(number)
    }
}

impl From<SenderId> for Sender {
    fn from(id: SenderId) -> Sender {
        Sender::Id(id)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sms {
    pub sender: Sender,
    pub recipient: PhoneNumber,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UrlVisit {
    pub url: CanonicalUrl,
    pub subscriber: Option<PhoneNumber>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppUse {
    pub package: PackageName,
    pub cert_sha256: Option<CertSha256>,
    pub subscriber: Option<PhoneNumber>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Transfer {
    pub from_account: Account,
    pub to_account: Account,
    /// In minor units (cents, fen), so sums are exact.
    pub amount_minor: i64,
    /// ISO 4217, upper case.
    pub currency: [u8; 3],
    pub payer_phone: Option<PhoneNumber>,
}
