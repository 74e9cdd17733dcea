//! Signed checkpoints of the audit log's head: what the database alone cannot prove.
//!
//! The store's hash chain shows that entries were not changed relative to each other. But
//! whoever can write the database file can rewrite a row and recompute every hash after it, cut
//! the tail and move the recorded head back, or empty the log, and the chain still verifies. A
//! checkpoint is the head (sequence number and hash) signed with an Ed25519 key kept outside the
//! database, appended to a file of its own. Verification checks the log against every
//! checkpoint: a rewritten, cut or emptied log no longer holds the entry a checkpoint signed.
//!
//! An operator or a second node that keeps a copy of the checkpoints and pins the public key
//! witnesses the log even against someone who also rewrites the checkpoint file: the idea of
//! Certificate Transparency's signed tree heads, in small.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use fraudwall_store::{AuditStore, StoreError};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The signing key's file name in a data directory, when the configuration names no other.
pub const KEY_FILE: &str = "audit-signing.key";
/// The checkpoints' file name in a data directory, when the configuration names no other.
pub const CHECKPOINT_FILE: &str = "audit-checkpoints.ndjson";

/// Domain separation: a checkpoint signature can never be replayed as any other signature.
const SIGNATURE_CONTEXT: &[u8] = b"fraudwall-audit-checkpoint-v1";

/// Where a node keeps its signing key and writes its checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessFiles {
    pub signing_key: PathBuf,
    pub checkpoints: PathBuf,
}

impl WitnessFiles {
    /// Both files in `dir`, under their default names.
    pub fn in_dir(dir: &Path) -> WitnessFiles {
        WitnessFiles {
            signing_key: dir.join(KEY_FILE),
            checkpoints: dir.join(CHECKPOINT_FILE),
        }
    }

    /// The public key's file: the signing key's path with the extension `pub`.
    pub fn public_key(&self) -> PathBuf {
        self.signing_key.with_extension("pub")
    }
}

/// One signed head, as a line of the checkpoint file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The sequence number of the entry signed.
    pub seq: u64,
    /// That entry's hash, hex.
    pub head: String,
    /// When it was signed, RFC 3339 UTC.
    pub time: String,
    /// The public key that signed it, hex.
    pub key: String,
    /// Ed25519 over the context, `seq`, `head` and `time`, hex.
    pub signature: String,
}

impl Checkpoint {
    fn sign(key: &SigningKey, seq: u64, head: &[u8; 32], time: String) -> Checkpoint {
        let signature = key.sign(&signed_message(seq, head, &time));
        Checkpoint {
            seq,
            head: hex::encode(head),
            time,
            key: hex::encode(key.verifying_key().as_bytes()),
            signature: hex::encode(signature.to_bytes()),
        }
    }

    /// The signed hash, if the checkpoint is signed by `key`.
    fn verified_head(&self, key: &VerifyingKey) -> Option<[u8; 32]> {
        if self.key != hex::encode(key.as_bytes()) {
            return None;
        }
        let head: [u8; 32] = hex::decode(&self.head).ok()?.try_into().ok()?;
        let signature: [u8; 64] = hex::decode(&self.signature).ok()?.try_into().ok()?;
        key.verify(
            &signed_message(self.seq, &head, &self.time),
            &Signature::from_bytes(&signature),
        )
        .ok()
        .map(|()| head)
    }
}

fn signed_message(seq: u64, head: &[u8; 32], time: &str) -> Vec<u8> {
    let mut message = Vec::with_capacity(SIGNATURE_CONTEXT.len() + 8 + 32 + 8 + time.len());
    message.extend_from_slice(SIGNATURE_CONTEXT);
    message.extend_from_slice(&seq.to_be_bytes());
    message.extend_from_slice(head);
    message.extend_from_slice(&(time.len() as u64).to_be_bytes());
    message.extend_from_slice(time.as_bytes());
    message
}

#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("cannot use {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not an audit key: {reason}")]
    BadKey { path: PathBuf, reason: String },
    #[error("{path}, line {line}: not a checkpoint: {reason}")]
    BadCheckpoint {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    #[error(
        "the audit log no longer holds entry {seq} as signed at {time}; its head is not signed"
    )]
    Diverged { seq: u64, time: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WitnessError + '_ {
    move |source| WitnessError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Signs the audit log's head into the checkpoint file whenever it moved.
pub struct Witness {
    key: SigningKey,
    files: WitnessFiles,
    /// The last checkpoint written or found; sealing is rare, so a mutex costs nothing here.
    latest: Mutex<Option<Checkpoint>>,
}

impl std::fmt::Debug for Witness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Witness")
            .field("files", &self.files)
            .finish_non_exhaustive()
    }
}

impl Witness {
    /// Loads the signing key, or makes one (readable by its owner only) with its public key
    /// beside it, and finds the last checkpoint.
    pub fn open_or_create(files: WitnessFiles) -> Result<Witness, WitnessError> {
        let key = match std::fs::read_to_string(&files.signing_key) {
            Ok(text) => parse_signing_key(&files.signing_key, &text)?,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => create_key(&files)?,
            Err(err) => return Err(io_error(&files.signing_key)(err)),
        };
        let latest = read_checkpoints(&files.checkpoints)?.pop();
        Ok(Witness {
            key,
            files,
            latest: Mutex::new(latest),
        })
    }

    pub fn files(&self) -> &WitnessFiles {
        &self.files
    }

    pub fn public_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    /// Signs the log's head if it moved since the last checkpoint. A head that does not extend
    /// the last checkpoint (the log was cut or rewritten behind it) is refused, never signed.
    pub fn seal(&self, store: &dyn AuditStore) -> Result<Option<Checkpoint>, WitnessError> {
        let mut latest = self.latest.lock().unwrap_or_else(|e| e.into_inner());
        let Some((seq, head)) = store.audit_head()? else {
            return match latest.as_ref() {
                Some(last) => Err(WitnessError::Diverged {
                    seq: last.seq,
                    time: last.time.clone(),
                }),
                None => Ok(None),
            };
        };
        if let Some(last) = latest.as_ref() {
            if last.seq == seq && last.head == hex::encode(head) {
                return Ok(None);
            }
            let kept = store.audit_entry(last.seq)?;
            if kept.is_none_or(|entry| hex::encode(entry.hash) != last.head) {
                return Err(WitnessError::Diverged {
                    seq: last.seq,
                    time: last.time.clone(),
                });
            }
        }
        let checkpoint = Checkpoint::sign(&self.key, seq, &head, now());
        append_line(&self.files.checkpoints, &checkpoint)?;
        *latest = Some(checkpoint.clone());
        Ok(Some(checkpoint))
    }
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
        .format(&Rfc3339)
        .expect("a current time formats as RFC 3339")
}

/// The 32 bytes a key file holds as 64 hex digits.
fn key_bytes(path: &Path, text: &str) -> Result<[u8; 32], WitnessError> {
    hex::decode(text.trim())
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .ok_or_else(|| WitnessError::BadKey {
            path: path.to_owned(),
            reason: "expected 64 hex digits".to_owned(),
        })
}

fn parse_signing_key(path: &Path, text: &str) -> Result<SigningKey, WitnessError> {
    Ok(SigningKey::from_bytes(&key_bytes(path, text)?))
}

/// Reads a public key file (64 hex digits), or derives the public key from a signing key file.
pub fn read_public_key(path: &Path) -> Result<VerifyingKey, WitnessError> {
    let text = std::fs::read_to_string(path).map_err(io_error(path))?;
    let bytes = key_bytes(path, &text)?;
    if path.extension().is_some_and(|ext| ext == "pub") {
        VerifyingKey::from_bytes(&bytes).map_err(|err| WitnessError::BadKey {
            path: path.to_owned(),
            reason: err.to_string(),
        })
    } else {
        Ok(SigningKey::from_bytes(&bytes).verifying_key())
    }
}

fn create_key(files: &WitnessFiles) -> Result<SigningKey, WitnessError> {
    let path = &files.signing_key;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io_error(parent))?;
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|err| WitnessError::Io {
        path: path.clone(),
        source: std::io::Error::other(err.to_string()),
    })?;
    let key = SigningKey::from_bytes(&seed);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io_error(path))?;
    writeln!(file, "{}", hex::encode(seed)).map_err(io_error(path))?;
    file.sync_all().map_err(io_error(path))?;
    let public = files.public_key();
    std::fs::write(
        &public,
        format!("{}\n", hex::encode(key.verifying_key().as_bytes())),
    )
    .map_err(io_error(&public))?;
    tracing::info!(key = %path.display(), "audit signing key created");
    Ok(key)
}

fn append_line(path: &Path, checkpoint: &Checkpoint) -> Result<(), WitnessError> {
    let mut line = serde_json::to_string(checkpoint).expect("a checkpoint serializes");
    line.push('\n');
    let mut file = OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .map_err(io_error(path))?;
    // one write of one line: appends from two processes never interleave within a line
    file.write_all(line.as_bytes()).map_err(io_error(path))?;
    file.sync_data().map_err(io_error(path))
}

/// Every checkpoint of a file, in order; a missing file holds none.
pub fn read_checkpoints(path: &Path) -> Result<Vec<Checkpoint>, WitnessError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => return Err(io_error(path)(err)),
    };
    let mut checkpoints = Vec::new();
    for (index, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_error(path))?;
        if line.trim().is_empty() {
            continue;
        }
        let checkpoint =
            serde_json::from_str(&line).map_err(|err| WitnessError::BadCheckpoint {
                path: path.to_owned(),
                line: index + 1,
                reason: err.to_string(),
            })?;
        checkpoints.push(checkpoint);
    }
    Ok(checkpoints)
}

/// What the checkpoints say about the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessReport {
    /// Checkpoints checked.
    pub checkpoints: usize,
    /// The highest sequence number signed.
    pub latest_seq: Option<u64>,
    /// The first way the log fails its checkpoints, if any.
    pub problem: Option<String>,
}

impl WitnessReport {
    pub fn holds(&self) -> bool {
        self.problem.is_none()
    }
}

/// Checks the log against `checkpoints`: each must be signed by `key`, and the log must still
/// hold every entry they signed, with the hash they signed. A log with entries and no checkpoint
/// at all fails too, since emptying the checkpoint file is the cheapest way to hide a rewrite.
pub fn check(
    store: &dyn AuditStore,
    checkpoints: &[Checkpoint],
    key: &VerifyingKey,
) -> Result<WitnessReport, StoreError> {
    let mut report = WitnessReport {
        checkpoints: checkpoints.len(),
        latest_seq: checkpoints.iter().map(|c| c.seq).max(),
        problem: None,
    };
    if checkpoints.is_empty() {
        if let Some((seq, _)) = store.audit_head()? {
            report.problem = Some(format!(
                "the log has {seq} entries and no signed checkpoint"
            ));
        }
        return Ok(report);
    }
    let mut checked: Option<(u64, [u8; 32])> = None;
    for (index, checkpoint) in checkpoints.iter().enumerate() {
        let Some(head) = checkpoint.verified_head(key) else {
            report.problem = Some(format!(
                "checkpoint {} (entry {}) is not signed by the audit key",
                index + 1,
                checkpoint.seq
            ));
            return Ok(report);
        };
        if checked == Some((checkpoint.seq, head)) {
            continue;
        }
        let problem = match store.audit_entry(checkpoint.seq)? {
            None => Some(format!(
                "entry {}, signed at {}, is missing: the log was cut or emptied",
                checkpoint.seq, checkpoint.time
            )),
            Some(entry) if entry.hash != head => Some(format!(
                "entry {} differs from what was signed at {}: the log was rewritten",
                checkpoint.seq, checkpoint.time
            )),
            Some(_) => None,
        };
        if problem.is_some() {
            report.problem = problem;
            return Ok(report);
        }
        checked = Some((checkpoint.seq, head));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use fraudwall_store::{AuditEvent, SqliteStore};

    fn event(n: u32) -> AuditEvent {
        AuditEvent {
            actor: "cli".into(),
            action: "token.create".into(),
            resource: format!("token:{n}"),
            detail: "{}".into(),
        }
    }

    fn witnessed_store(dir: &Path, entries: u32) -> (SqliteStore, Witness) {
        let store = SqliteStore::open(&dir.join("store")).unwrap();
        let witness = Witness::open_or_create(WitnessFiles::in_dir(dir)).unwrap();
        for n in 0..entries {
            store.append_audit(&event(n)).unwrap();
            witness.seal(&store).unwrap();
        }
        (store, witness)
    }

    #[test]
    fn an_untouched_log_holds_its_checkpoints() {
        let temp = tempfile::tempdir().unwrap();
        let (store, witness) = witnessed_store(temp.path(), 3);
        assert_eq!(
            witness.seal(&store).unwrap(),
            None,
            "an unmoved head is not signed again"
        );
        let checkpoints = read_checkpoints(&witness.files().checkpoints).unwrap();
        assert_eq!(checkpoints.len(), 3);
        let report = check(&store, &checkpoints, &witness.public_key()).unwrap();
        assert!(report.holds(), "{report:?}");
        assert_eq!(report.latest_seq, Some(3));
    }

    #[test]
    fn the_key_survives_a_restart_and_its_public_half_is_written_beside_it() {
        let temp = tempfile::tempdir().unwrap();
        let files = WitnessFiles::in_dir(temp.path());
        let first = Witness::open_or_create(files.clone()).unwrap();
        let again = Witness::open_or_create(files.clone()).unwrap();
        assert_eq!(first.public_key(), again.public_key());
        assert_eq!(
            read_public_key(&files.public_key()).unwrap(),
            first.public_key()
        );
        assert_eq!(
            read_public_key(&files.signing_key).unwrap(),
            first.public_key()
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&files.signing_key)
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "the signing key is its owner's alone");
        }
    }

    #[test]
    fn another_key_or_an_edited_checkpoint_is_not_believed() {
        let temp = tempfile::tempdir().unwrap();
        let (store, witness) = witnessed_store(temp.path(), 2);
        let mut checkpoints = read_checkpoints(&witness.files().checkpoints).unwrap();
        let stranger = SigningKey::from_bytes(&[7; 32]).verifying_key();
        assert!(!check(&store, &checkpoints, &stranger).unwrap().holds());
        checkpoints[0].seq = 2;
        let report = check(&store, &checkpoints, &witness.public_key()).unwrap();
        assert!(report.problem.unwrap().contains("not signed"));
    }

    #[test]
    fn a_log_with_entries_and_no_checkpoint_fails() {
        let temp = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(temp.path()).unwrap();
        let key = SigningKey::from_bytes(&[1; 32]).verifying_key();
        assert!(
            check(&store, &[], &key).unwrap().holds(),
            "an empty log needs none"
        );
        store.append_audit(&event(1)).unwrap();
        assert!(!check(&store, &[], &key).unwrap().holds());
    }

    #[test]
    fn a_garbled_checkpoint_file_names_its_line() {
        let temp = tempfile::tempdir().unwrap();
        let path = temp.path().join(CHECKPOINT_FILE);
        std::fs::write(&path, "\n{\"seq\": 1}\n").unwrap();
        let err = read_checkpoints(&path).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }
}
