//! Clues: reports from citizens, operators and banks about a number, a message, a link, an
//! app, an account or a social-media id, and the reporters' reviewed records. The same
//! reporter reporting the same identifier again is one clue that counts its reports.

use std::fmt;
use std::str::FromStr;

use fraudwall_lists::entry::Kind;
use time::OffsetDateTime;

/// Declares a closed set of names stored as text.
macro_rules! stored_names {
    ($(#[$doc:meta])* $name:ident, $error:ident, $what:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        #[error("unknown {what} {given:?}; expected one of {expected}", what = $what, given = self.0, expected = [$($text),+].join(", "))]
        pub struct $error(pub String);

        impl FromStr for $name {
            type Err = $error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $error(s.chars().take(40).collect()))
            }
        }
    };
}

stored_names! {
    /// What a clue is about, as the reporter names it.
    ClueKind, UnknownClueKind, "clue kind" {
        Number = "number",
        /// A message: its sender (a sender id or a number) and, usually, its text.
        Sms = "sms",
        Url = "url",
        /// An app: its package name or its signing certificate's hash.
        App = "app",
        Account = "account",
        Social = "social",
    }
}

stored_names! {
    /// Where a clue is in review.
    ClueStatus, UnknownClueStatus, "clue status" {
        /// Not reviewed yet.
        Pending = "pending",
        /// About an identifier the white list or the official numbers hold: it becomes
        /// evidence only once an analyst confirms it.
        NeedsReview = "needs_review",
        Confirmed = "confirmed",
        Refuted = "refuted",
    }
}

impl ClueStatus {
    /// Whether an analyst may still give a verdict on it.
    pub fn reviewable(self) -> bool {
        matches!(self, ClueStatus::Pending | ClueStatus::NeedsReview)
    }
}

/// A report about to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClue {
    pub kind: ClueKind,
    /// The identifier's kind (an SMS clue is about a number or a sender id).
    pub id_kind: Kind,
    /// The identifier's canonical value.
    pub value: String,
    pub key: u64,
    pub text: Option<String>,
    pub fraud_type: Option<String>,
    /// Who reported it, as its evidence source names it (`reporter:7`, `token:3`, `public`).
    pub reporter: String,
    /// The reporter's role (`reporter`, `telco`, …, or `public` when anonymous).
    pub reporter_role: String,
    /// The status a new clue starts in; a merged one keeps its own.
    pub status: ClueStatus,
    pub at: OffsetDateTime,
}

/// A stored clue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueRecord {
    pub id: i64,
    pub kind: ClueKind,
    pub id_kind: Kind,
    pub value: String,
    pub key: u64,
    pub text: Option<String>,
    pub fraud_type: Option<String>,
    pub reporter: String,
    pub reporter_role: String,
    pub first_at: OffsetDateTime,
    pub last_at: OffsetDateTime,
    /// How many times the reporter reported it.
    pub count: u64,
    pub status: ClueStatus,
    /// When one of its reports last became evidence; none if none did.
    pub evidence_at: Option<OffsetDateTime>,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<OffsetDateTime>,
    pub review_note: Option<String>,
}

/// What storing a report did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueSubmitted {
    pub clue: ClueRecord,
    /// False when the report merged into the reporter's earlier clue.
    pub created: bool,
}

/// An analyst's verdict on a clue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClueReview {
    /// Confirmed or refuted.
    pub status: ClueStatus,
    pub by: String,
    pub note: Option<String>,
    pub at: OffsetDateTime,
}

/// Which clues a listing returns.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClueFilter {
    pub status: Option<ClueStatus>,
    /// Only this reporter's clues.
    pub reporter: Option<String>,
}

/// A reporter's reviewed record: how many of their clues analysts confirmed and refuted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReporterRecord {
    /// As their evidence source names them.
    pub source: String,
    pub role: String,
    pub confirmed: u32,
    pub refuted: u32,
    pub first_seen: OffsetDateTime,
}
