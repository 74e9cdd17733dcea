//! The write-ahead log: every acknowledged batch, until a segment holds it.
//!
//! A log file is a run of frames, one per `append`:
//! ```text
//! payload_len u32 | crc32 u32 (of payload_len's bytes, then the payload) | payload
//! payload: records x (a u64, time i64, b u64, kind u8, value u64), little-endian, 33 bytes each
//! ```
//! Fixed-width records cost more bytes than varints, but the log lives only until the next flush,
//! and writing it must not cost the appender more than a copy. The length is covered by the
//! checksum so that a torn header cannot make a reader skip over good frames, and an empty frame
//! is never written, so a file extended with zeros by a crash does not read as valid frames.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use fraudwall_records::{IndexError, Kind, Record};

/// Bytes of one record in a frame.
pub const RECORD_BYTES: usize = 33;
const HEADER_BYTES: usize = 8;

/// The open log new batches go to.
pub struct WalWriter {
    file: File,
    path: PathBuf,
    bytes: u64,
    /// Reused frame buffer, so a steady stream of appends does not allocate.
    frame: Vec<u8>,
    /// A failed write could not be cut off: a frame after it would be unreadable, so none is
    /// written; the index starts a new log instead.
    broken: bool,
}

impl WalWriter {
    /// Creates a new, empty log file. The caller fsyncs the directory so the name survives.
    pub fn create(path: PathBuf) -> Result<WalWriter, IndexError> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(WalWriter {
            file,
            path,
            bytes: 0,
            frame: Vec::new(),
            broken: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Takes over `previous`'s frame buffer, so that moving to a new log does not fault in a
    /// fresh one for the next large batch.
    pub fn take_buffer(&mut self, previous: &mut WalWriter) {
        self.frame = std::mem::take(&mut previous.frame);
    }

    /// Whether a failed write left damage that could not be cut off.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    /// Writes the records as one frame and waits until the disk has them.
    pub fn append(&mut self, records: &[Record]) -> Result<(), IndexError> {
        if records.is_empty() {
            return Ok(());
        }
        if self.broken {
            return Err(IndexError::Io(io::Error::other(
                "the log is damaged by an earlier failed write",
            )));
        }
        let payload_len = u32::try_from(records.len() * RECORD_BYTES)
            .map_err(|_| io::Error::other("batch too large for one log frame"))?;
        self.frame.clear();
        self.frame.reserve(HEADER_BYTES + payload_len as usize);
        self.frame.extend_from_slice(&payload_len.to_le_bytes());
        self.frame.extend_from_slice(&[0; 4]);
        for record in records {
            self.frame.extend_from_slice(&record.a.to_le_bytes());
            self.frame.extend_from_slice(&record.time.to_le_bytes());
            self.frame.extend_from_slice(&record.b.to_le_bytes());
            self.frame.push(record.kind as u8);
            self.frame.extend_from_slice(&record.value.to_le_bytes());
        }
        let crc = frame_crc(&self.frame[..4], &self.frame[HEADER_BYTES..]);
        self.frame[4..8].copy_from_slice(&crc.to_le_bytes());
        if let Err(e) = self
            .file
            .write_all(&self.frame)
            .and_then(|()| self.file.sync_data())
        {
            // A partly written frame must not stay in front of the next one: cut it off so the
            // log stays a run of whole frames. If even that fails, replay would stop at the
            // damage, so this log takes no more frames.
            if self
                .file
                .set_len(self.bytes)
                .and_then(|()| self.file.sync_data())
                .is_err()
            {
                self.broken = true;
            }
            return Err(e.into());
        }
        self.bytes += self.frame.len() as u64;
        Ok(())
    }
}

fn frame_crc(len_bytes: &[u8], payload: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(len_bytes);
    hasher.update(payload);
    hasher.finalize()
}

/// What reading a log file found.
pub struct Replay {
    /// Bytes of whole, checked frames from the start of the file.
    pub valid_bytes: u64,
    /// Whether something followed the last whole frame (a torn write).
    pub torn: bool,
}

/// Reads a log file's frames into `records`, stopping at the first frame that is incomplete or
/// fails its checksum.
pub fn replay(path: &Path, records: &mut Vec<Record>) -> Result<Replay, IndexError> {
    let bytes = std::fs::read(path)?;
    let mut at = 0usize;
    while at < bytes.len() {
        let Some(header) = bytes.get(at..at + HEADER_BYTES) else {
            break;
        };
        let payload_len = u32::from_le_bytes(header[..4].try_into().expect("4 bytes")) as usize;
        let crc = u32::from_le_bytes(header[4..].try_into().expect("4 bytes"));
        if payload_len == 0 || !payload_len.is_multiple_of(RECORD_BYTES) {
            break;
        }
        let Some(payload) = bytes.get(at + HEADER_BYTES..at + HEADER_BYTES + payload_len) else {
            break;
        };
        if frame_crc(&header[..4], payload) != crc {
            break;
        }
        let first = records.len();
        for raw in payload.chunks_exact(RECORD_BYTES) {
            let u64_at = |i: usize| u64::from_le_bytes(raw[i..i + 8].try_into().expect("8 bytes"));
            let Some(kind) = Kind::from_u8(raw[24]) else {
                records.truncate(first);
                return Err(IndexError::Corrupt(format!(
                    "log {} holds a record of unknown kind {} under a valid checksum",
                    path.display(),
                    raw[24]
                )));
            };
            records.push(Record {
                a: u64_at(0),
                time: u64_at(8) as i64,
                b: u64_at(16),
                kind,
                value: u64_at(25),
            });
        }
        at += HEADER_BYTES + payload_len;
    }
    Ok(Replay {
        valid_bytes: at as u64,
        torn: at < bytes.len(),
    })
}

/// Cuts a log file back to its whole frames, durably.
pub fn truncate(path: &Path, valid_bytes: u64) -> Result<(), IndexError> {
    let file = OpenOptions::new().write(true).open(path)?;
    file.set_len(valid_bytes)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: u64) -> Record {
        Record {
            a: 8613800000000 + i,
            time: 1_770_000_000 + i as i64,
            b: 8613900000000 + i * 7,
            kind: Kind::ALL[(i % 5) as usize],
            value: i * 3,
        }
    }

    #[test]
    fn frames_read_back_and_a_torn_tail_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wal-1.log");
        let mut wal = WalWriter::create(path.clone()).unwrap();
        let first: Vec<Record> = (0..10).map(record).collect();
        let second: Vec<Record> = (10..13).map(record).collect();
        wal.append(&first).unwrap();
        wal.append(&[]).unwrap();
        wal.append(&second).unwrap();
        let whole = wal.bytes();
        drop(wal);

        let mut read = Vec::new();
        let found = replay(&path, &mut read).unwrap();
        assert_eq!(read, [first.clone(), second.clone()].concat());
        assert_eq!((found.valid_bytes, found.torn), (whole, false));

        // half a frame, as a crash mid-write leaves it
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_within(..20);
        std::fs::write(&path, &bytes).unwrap();
        let mut read = Vec::new();
        let found = replay(&path, &mut read).unwrap();
        assert_eq!(read.len(), 13);
        assert_eq!((found.valid_bytes, found.torn), (whole, true));

        // a flipped bit in the last frame drops that frame only
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(whole as usize);
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        let mut read = Vec::new();
        replay(&path, &mut read).unwrap();
        assert_eq!(read, first);
    }
}
