//! The write-ahead log: every acknowledged batch, until a segment holds it.
//!
//! A log file is a run of frames, one per `append`:
//! ```text
//! payload_len u32 | crc32 u32 (of payload_len's bytes, then the payload) | payload
//! payload: count u32 | widths [u8; 5] | bases [u64; 5] | count x record
//! record: a, time, b, kind, value, each as its difference from the field's base in the field's
//!         width of bytes
//! ```
//! Integers are little-endian; a time is stored with its sign bit flipped. A field's base is its
//! smallest value in the frame and its width the bytes the largest difference needs (0 when every
//! record shares the value), so a batch of calls among one country's numbers over a few days
//! takes about 15 bytes a record instead of 33. Every record of a frame has the same width, so
//! writing one is a few shifts and stores, no more than a copy costs the appender; varints would
//! save a little more and cost more than the bytes they save. The length is covered by the
//! checksum so that a torn header cannot make a reader skip over good frames, and an empty frame
//! is never written, so a file extended with zeros by a crash does not read as valid frames.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use fraudwall_records::{IndexError, Kind, Record};

const HEADER_BYTES: usize = 8;
/// Fields of a record in a frame: a, time, b, kind, value.
const FIELDS: usize = 5;
/// The payload's own header: count, widths and bases.
const PAYLOAD_HEAD: usize = 4 + FIELDS + 8 * FIELDS;

/// Flips a time's sign bit: signed order becomes unsigned order, so a frame of times on both
/// sides of 1970 still has the earliest as its base.
const TIME_FLIP: u64 = 1 << 63;

fn fields(record: &Record) -> [u64; FIELDS] {
    [
        record.a,
        record.time as u64 ^ TIME_FLIP,
        record.b,
        u64::from(record.kind as u8),
        record.value,
    ]
}

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
        let (mut bases, mut tops) = ([u64::MAX; FIELDS], [0u64; FIELDS]);
        for record in records {
            let values = fields(record);
            for f in 0..FIELDS {
                bases[f] = bases[f].min(values[f]);
                tops[f] = tops[f].max(values[f]);
            }
        }
        let widths: [usize; FIELDS] = std::array::from_fn(|f| {
            (u64::BITS - tops[f].wrapping_sub(bases[f]).leading_zeros()).div_ceil(8) as usize
        });
        let record_bytes: usize = widths.iter().sum();
        let payload_len = records
            .len()
            .checked_mul(record_bytes)
            .and_then(|n| n.checked_add(PAYLOAD_HEAD))
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| io::Error::other("batch too large for one log frame"))?;
        let count = u32::try_from(records.len()).expect("fewer records than payload bytes");
        self.frame.clear();
        self.frame.extend_from_slice(&payload_len.to_le_bytes());
        self.frame.extend_from_slice(&[0; 4]);
        self.frame.extend_from_slice(&count.to_le_bytes());
        self.frame.extend(widths.iter().map(|&w| w as u8));
        for base in bases {
            self.frame.extend_from_slice(&base.to_le_bytes());
        }
        // each field is stored as eight bytes and the next one written over the ones it did
        // not need, so the buffer has eight bytes to spare at its end
        let mut at = self.frame.len();
        let end = at + records.len() * record_bytes;
        self.frame.resize(end + 8, 0);
        for record in records {
            let values = fields(record);
            for f in 0..FIELDS {
                self.frame[at..at + 8]
                    .copy_from_slice(&values[f].wrapping_sub(bases[f]).to_le_bytes());
                at += widths[f];
            }
        }
        self.frame.truncate(end);
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
    let mut bytes = std::fs::read(path)?;
    let file_len = bytes.len();
    // a field is read as eight bytes and masked to its width: the last one needs room
    bytes.extend_from_slice(&[0; 8]);
    let u64_at = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
    let mut at = 0usize;
    while at < file_len {
        let Some(header) = bytes.get(at..at + HEADER_BYTES) else {
            break;
        };
        let payload_len = u32::from_le_bytes(header[..4].try_into().expect("4 bytes")) as usize;
        let crc = u32::from_le_bytes(header[4..].try_into().expect("4 bytes"));
        let start = at + HEADER_BYTES;
        if payload_len < PAYLOAD_HEAD || start + payload_len > file_len {
            break;
        }
        let payload = &bytes[start..start + payload_len];
        if frame_crc(&header[..4], payload) != crc {
            break;
        }
        let corrupt = |what: String| {
            IndexError::Corrupt(format!(
                "log {} holds {what} under a valid checksum",
                path.display()
            ))
        };
        let count = u32::from_le_bytes(payload[..4].try_into().expect("4 bytes")) as usize;
        let widths: [usize; FIELDS] = std::array::from_fn(|f| usize::from(payload[4 + f]));
        let bases: [u64; FIELDS] = std::array::from_fn(|f| u64_at(payload, 4 + FIELDS + 8 * f));
        let record_bytes: usize = widths.iter().sum();
        if widths.iter().any(|&w| w > 8)
            || count == 0
            || count.checked_mul(record_bytes) != Some(payload_len - PAYLOAD_HEAD)
        {
            return Err(corrupt(format!(
                "a frame of {count} records in {payload_len} bytes"
            )));
        }
        let masks = widths.map(|w| u64::MAX.checked_shr(64 - 8 * w as u32).unwrap_or(0));
        records.reserve(count);
        let first = records.len();
        let mut field_at = start + PAYLOAD_HEAD;
        for _ in 0..count {
            let values: [u64; FIELDS] = std::array::from_fn(|f| {
                let v = bases[f].wrapping_add(u64_at(&bytes, field_at) & masks[f]);
                field_at += widths[f];
                v
            });
            let Some(kind) = u8::try_from(values[3]).ok().and_then(Kind::from_u8) else {
                records.truncate(first);
                return Err(corrupt(format!("a record of unknown kind {}", values[3])));
            };
            records.push(Record {
                a: values[0],
                time: (values[1] ^ TIME_FLIP) as i64,
                b: values[2],
                kind,
                value: values[4],
            });
        }
        at = start + payload_len;
    }
    Ok(Replay {
        valid_bytes: at as u64,
        torn: at < file_len,
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
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn frames_of_any_values_read_back(
            batches in prop::collection::vec(
                prop::collection::vec(
                    (
                        prop_oneof![any::<u64>(), 8_613_800_000_000u64..8_613_900_000_000],
                        prop_oneof![any::<i64>(), -100i64..100, Just(i64::MIN), Just(i64::MAX)],
                        prop_oneof![any::<u64>(), Just(0u64), Just(u64::MAX)],
                        0u8..5,
                        prop_oneof![any::<u64>(), 0u64..2],
                    ),
                    1..50,
                ),
                1..4,
            ),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("wal-1.log");
            let mut wal = WalWriter::create(path.clone()).unwrap();
            let mut written = Vec::new();
            for batch in batches {
                let records: Vec<Record> = batch
                    .into_iter()
                    .map(|(a, time, b, kind, value)| Record {
                        a,
                        time,
                        b,
                        kind: Kind::from_u8(kind).unwrap(),
                        value,
                    })
                    .collect();
                wal.append(&records).unwrap();
                written.extend(records);
            }
            let mut read = Vec::new();
            let found = replay(&path, &mut read).unwrap();
            prop_assert!(!found.torn);
            prop_assert_eq!(read, written);
        }
    }

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
