//! Activity records: calls, messages, web visits, app installs and transfers, as compact rows.
//!
//! A [`Record`] keeps only what the contact index needs: its kind, the two parties as the compact
//! keys the rest of fraudwall uses for them (a phone number's key from `fraudwall-ids`, an
//! account's key, a URL's or a package's hash), the time in unix seconds, and one value (a call's
//! duration in seconds, a transfer's amount in cents). Party `a` is the one who acted (caller,
//! sender, visiting subscriber, installing subscriber, paying account); party `b` the other.
//!
//! [`parse`] reads NDJSON lines into records, [`segment`] encodes sorted records into the bytes
//! of an immutable segment with both contact directions indexed, and answers contact queries
//! over them. This crate does no IO.

pub mod index;
pub mod parse;
pub mod segment;
pub mod time;

pub use index::{ContactIndex, IndexError, IndexStats, MemoryIndex, sort_contacts};
pub use parse::{LineError, parse_line, parse_ndjson};
pub use segment::{
    Direction, Encoder, Segment, SegmentError, encode, incoming_order, outgoing_order,
};

/// What a record is a record of. The discriminants are stored; never renumber them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum Kind {
    Call = 0,
    Sms = 1,
    Visit = 2,
    AppInstall = 3,
    Transfer = 4,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Call,
        Kind::Sms,
        Kind::Visit,
        Kind::AppInstall,
        Kind::Transfer,
    ];

    pub fn from_u8(value: u8) -> Option<Kind> {
        Kind::ALL.get(usize::from(value)).copied()
    }

    /// The name used on the wire, e.g. `call_record`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Call => "call_record",
            Kind::Sms => "sms_record",
            Kind::Visit => "visit",
            Kind::AppInstall => "app_install",
            Kind::Transfer => "transfer_record",
        }
    }
}

/// One activity record in compact form. Two records with equal fields are the same record: that
/// is what makes sending a record twice harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Record {
    /// The acting party's key.
    pub a: u64,
    /// Unix seconds.
    pub time: i64,
    /// The other party's key.
    pub b: u64,
    pub kind: Kind,
    /// A call's duration in seconds, a transfer's amount in cents, otherwise 0.
    pub value: u64,
}

impl Record {
    /// A stable 64-bit fingerprint of the record's content, for deduplication.
    pub fn fingerprint(&self) -> u64 {
        // splitmix-style mixing of each field: cheap, and stable across releases unlike std's
        // hasher, so fingerprints may be kept on disk.
        let mut h = 0x9e37_79b9_7f4a_7c15_u64 ^ u64::from(self.kind as u8);
        for v in [self.a, self.b, self.time as u64, self.value] {
            h = mix(h ^ v);
        }
        h
    }
}

fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
