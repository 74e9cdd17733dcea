//! The audit log's hash chain. Each entry's hash covers its own fields and the previous entry's
//! hash, so changing, inserting or deleting any entry breaks every hash after it. The chain's head
//! is also kept apart from the entries, which catches a truncated tail.

use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: [u8; 32] = [0; 32];

/// Domain separation, so an audit hash can never be mistaken for any other SHA-256 in the system.
const HASH_CONTEXT: &[u8] = b"fraudwall-audit-v1";

/// Something that happened and must be accountable: who did what to which resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// Who acted: a token's name and id (`token:12:alice`), or `cli` for local commands.
    pub actor: String,
    /// What they did, as a dotted verb (`token.create`, `decision.read`).
    pub action: String,
    /// What it was done to (`token:13`, `case:42`); empty when nothing specific.
    pub resource: String,
    /// Structured context as JSON text.
    pub detail: String,
}

/// An event sealed into the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: u64,
    /// RFC 3339, UTC, as sealed into the hash: kept as the exact text the hash covers.
    pub time: String,
    pub actor: String,
    pub action: String,
    pub resource: String,
    pub detail: String,
    pub prev_hash: [u8; 32],
    pub hash: [u8; 32],
}

impl AuditEntry {
    /// The hash this entry must carry, given its fields and its predecessor's hash.
    pub fn expected_hash(&self) -> [u8; 32] {
        chain_hash(
            &self.prev_hash,
            self.seq,
            &self.time,
            &self.actor,
            &self.action,
            &self.resource,
            &self.detail,
        )
    }
}

pub(crate) fn chain_hash(
    prev_hash: &[u8; 32],
    seq: u64,
    time: &str,
    actor: &str,
    action: &str,
    resource: &str,
    detail: &str,
) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(HASH_CONTEXT);
    hasher.update(prev_hash);
    hasher.update(seq.to_be_bytes());
    // Length prefixes keep field boundaries unambiguous ("ab"+"c" differs from "a"+"bc").
    for field in [time, actor, action, resource, detail] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hasher.finalize().into()
}

/// Where and why the chain stopped verifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    pub seq: u64,
    pub reason: String,
}

/// The outcome of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditReport {
    pub entries: u64,
    pub head: [u8; 32],
    pub first_break: Option<ChainBreak>,
}

impl AuditReport {
    pub fn is_intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// Walks entries in order and finds the first one that does not chain onto its predecessor.
/// `recorded_head` is the head hash stored apart from the entries.
pub(crate) fn verify_chain(
    entries: impl IntoIterator<Item = AuditEntry>,
    recorded_head: Option<[u8; 32]>,
) -> AuditReport {
    let mut expected_prev = GENESIS_HASH;
    let mut expected_seq = 1u64;
    let mut count = 0u64;
    for entry in entries {
        let broken = if entry.seq != expected_seq {
            Some(format!(
                "expected sequence {expected_seq}, found {}",
                entry.seq
            ))
        } else if entry.prev_hash != expected_prev {
            Some("previous-hash link does not match the entry before".to_owned())
        } else if entry.expected_hash() != entry.hash {
            Some("entry content does not match its hash".to_owned())
        } else {
            None
        };
        if let Some(reason) = broken {
            return AuditReport {
                entries: count,
                head: expected_prev,
                first_break: Some(ChainBreak {
                    seq: entry.seq,
                    reason,
                }),
            };
        }
        expected_prev = entry.hash;
        expected_seq += 1;
        count += 1;
    }
    let first_break = match recorded_head {
        Some(head) if head != expected_prev => Some(ChainBreak {
            seq: expected_seq,
            reason: "chain ends before the recorded head: entries were removed".to_owned(),
        }),
        None if count > 0 => Some(ChainBreak {
            seq: expected_seq,
            reason: "the recorded head is missing".to_owned(),
        }),
        _ => None,
    };
    AuditReport {
        entries: count,
        head: expected_prev,
        first_break,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: u64) -> Vec<AuditEntry> {
        let mut prev = GENESIS_HASH;
        (1..=n)
            .map(|seq| {
                let mut entry = AuditEntry {
                    seq,
                    time: "2026-01-01T00:00:00Z".into(),
                    actor: "cli".into(),
                    action: "token.create".into(),
                    resource: format!("token:{seq}"),
                    detail: "{}".into(),
                    prev_hash: prev,
                    hash: [0; 32],
                };
                entry.hash = entry.expected_hash();
                prev = entry.hash;
                entry
            })
            .collect()
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let entries = chain(5);
        let head = entries.last().unwrap().hash;
        let report = verify_chain(entries, Some(head));
        assert!(report.is_intact(), "{report:?}");
        assert_eq!(report.entries, 5);
        assert_eq!(report.head, head);
    }

    #[test]
    fn every_kind_of_tampering_is_caught_at_its_entry() {
        let entries = chain(5);
        let head = entries.last().unwrap().hash;

        let mut edited = entries.clone();
        edited[2].detail = r#"{"amount":1}"#.into();
        assert_eq!(verify_chain(edited, Some(head)).first_break.unwrap().seq, 3);

        let mut removed = entries.clone();
        removed.remove(1);
        assert_eq!(
            verify_chain(removed, Some(head)).first_break.unwrap().seq,
            3
        );

        let mut truncated = entries.clone();
        truncated.pop();
        let report = verify_chain(truncated, Some(head));
        assert_eq!(report.first_break.unwrap().seq, 5);

        let mut rehashed = entries;
        rehashed[0].actor = "mallory".into();
        rehashed[0].hash = rehashed[0].expected_hash();
        assert_eq!(
            verify_chain(rehashed, Some(head)).first_break.unwrap().seq,
            2
        );
    }

    #[test]
    fn field_boundaries_are_part_of_the_hash() {
        let a = chain_hash(&GENESIS_HASH, 1, "t", "ab", "c", "", "");
        let b = chain_hash(&GENESIS_HASH, 1, "t", "a", "bc", "", "");
        assert_ne!(a, b);
    }
}
