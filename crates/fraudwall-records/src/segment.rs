//! The segment: an immutable run of records, indexed both ways, as bytes.
//!
//! A segment holds each record twice: once sorted by (a, time) for "whom did X contact", once
//! by (b, time) for "who contacted X". Each copy is cut into blocks of [`BLOCK`] records; a
//! sparse index gives each block's first key, first time and byte offset, so a query binary
//! searches the index and decodes one or a few blocks. Within a block each record is written as
//! varints relative to the record before it: the key's delta, the time's delta (zigzag, since it
//! falls back when the key changes), the other party as a zigzag difference from the key (parties
//! of the same kind share their leading digits, so this is shorter than the party itself), and
//! the value and kind packed together. A record indexed both ways takes about 20 to 30 bytes.
//!
//! Layout, integers little-endian:
//! ```text
//! magic "FWREC001" | count u64 | min_time i64 | max_time i64
//! then for the outgoing and the incoming copy:
//!   blocks u32 | blocks x (first_key u64, first_time i64, offset u32) | data_len u32 | data
//! ```

use crate::{Kind, Record};

/// Records per block: small enough that a query decodes little it does not need, large enough
/// that the sparse index stays under a byte per record.
pub const BLOCK: usize = 128;

const MAGIC: &[u8; 8] = b"FWREC001";
const INDEX_ENTRY: usize = 20;

/// Which party a query's identifier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Records where the identifier acted (party `a`): whom it contacted.
    Outgoing,
    /// Records where the identifier was acted on (party `b`): who contacted it.
    Incoming,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SegmentError {
    #[error("not a record segment")]
    BadMagic,
    #[error("record segment is truncated or corrupt")]
    Corrupt,
}

/// Encodes records into segment bytes. Duplicates are stored once; order does not matter.
pub fn encode(records: &[Record]) -> Vec<u8> {
    let mut outgoing = records.to_vec();
    outgoing.sort_unstable();
    outgoing.dedup();
    let mut incoming = outgoing.clone();
    incoming.sort_unstable_by_key(incoming_order);
    let mut out = Vec::with_capacity(32 + outgoing.len() * 30);
    Encoder::default()
        .write(outgoing.iter().copied(), incoming.iter().copied(), &mut out)
        .expect("a vector takes every write");
    out
}

/// The outgoing copy's order: by (a, time), then the rest of the record.
pub fn outgoing_order(r: &Record) -> (u64, i64, u64, Kind, u64) {
    (r.a, r.time, r.b, r.kind, r.value)
}

/// The incoming copy's order: by (b, time), then the rest of the record.
pub fn incoming_order(r: &Record) -> (u64, i64, u64, Kind, u64) {
    (r.b, r.time, r.a, r.kind, r.value)
}

/// Writes segments from records that are in order already, keeping its buffers from one segment
/// to the next: a store that flushes millions of records at a time then neither sorts them again
/// nor faults in fresh memory for every segment.
#[derive(Debug, Default)]
pub struct Encoder {
    copies: [CopyBuffers; 2],
}

/// One copy's sparse index and blocks, encoded before they are written.
#[derive(Debug, Default)]
struct CopyBuffers {
    index: Vec<u8>,
    data: Vec<u8>,
}

impl Encoder {
    /// Makes room for a segment of about `records` records, so that the buffers do not grow by
    /// copying while they are written. Call records take about 12 bytes in each copy; room for
    /// 16 leaves a margin.
    pub fn reserve(&mut self, records: usize) {
        for copy in &mut self.copies {
            copy.index.clear();
            copy.data.clear();
            copy.index.reserve(records.div_ceil(BLOCK) * INDEX_ENTRY);
            copy.data.reserve(records.saturating_mul(16));
        }
    }

    /// Writes one segment to `out` and returns its record count. `outgoing` yields the records in
    /// [`outgoing_order`], `incoming` the same records in [`incoming_order`], each without
    /// repeats. The two copies are encoded on two threads.
    pub fn write(
        &mut self,
        outgoing: impl IntoIterator<Item = Record, IntoIter: Send>,
        incoming: impl IntoIterator<Item = Record, IntoIter: Send>,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<u64> {
        let (outgoing, incoming) = (outgoing.into_iter(), incoming.into_iter());
        let [out_buffers, in_buffers] = &mut self.copies;
        let ((count, min_time, max_time), (incoming_count, ..)) = std::thread::scope(|scope| {
            let incoming = scope.spawn(|| in_buffers.encode(incoming, Direction::Incoming));
            let outgoing = out_buffers.encode(outgoing, Direction::Outgoing);
            let incoming = incoming
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (outgoing, incoming)
        });
        if incoming_count != count {
            return Err(std::io::Error::other(format!(
                "a segment's copies differ: {count} records outgoing, {incoming_count} incoming"
            )));
        }
        let mut header = [0u8; 32];
        header[..8].copy_from_slice(MAGIC);
        header[8..16].copy_from_slice(&count.to_le_bytes());
        header[16..24].copy_from_slice(&min_time.to_le_bytes());
        header[24..32].copy_from_slice(&max_time.to_le_bytes());
        out.write_all(&header)?;
        out_buffers.write(out)?;
        in_buffers.write(out)?;
        Ok(count)
    }
}

impl CopyBuffers {
    /// Encodes one copy; returns its count and time range (0, 0 when empty).
    fn encode(
        &mut self,
        rows: impl IntoIterator<Item = Record>,
        direction: Direction,
    ) -> (u64, i64, i64) {
        self.index.clear();
        self.data.clear();
        let (mut count, mut min_time, mut max_time) = (0u64, i64::MAX, i64::MIN);
        let (mut prev_key, mut prev_time) = (0u64, 0i64);
        for record in rows {
            let (key, other) = match direction {
                Direction::Outgoing => (record.a, record.b),
                Direction::Incoming => (record.b, record.a),
            };
            let time = record.time;
            if count.is_multiple_of(BLOCK as u64) {
                self.index.extend_from_slice(&key.to_le_bytes());
                self.index.extend_from_slice(&time.to_le_bytes());
                self.index
                    .extend_from_slice(&(self.data.len() as u32).to_le_bytes());
                (prev_key, prev_time) = (key, time);
            }
            // four varints of at most ten bytes each, gathered so that the vector grows once
            let mut buf = [0u8; 40];
            let mut len = put_varint(&mut buf, 0, key - prev_key);
            len = put_varint(&mut buf, len, zigzag(time.wrapping_sub(prev_time)));
            len = put_varint(&mut buf, len, zigzag(other.wrapping_sub(key) as i64));
            len = put_varint(
                &mut buf,
                len,
                (record.value << 3) | u64::from(record.kind as u8),
            );
            // all forty bytes, then cut back: a copy of fixed length is a few moves, one of the
            // record's own length a call to memcpy
            let at = self.data.len();
            self.data.extend_from_slice(&buf);
            self.data.truncate(at + len);
            (prev_key, prev_time) = (key, time);
            min_time = min_time.min(time);
            max_time = max_time.max(time);
            count += 1;
        }
        if count == 0 {
            (min_time, max_time) = (0, 0);
        }
        (count, min_time, max_time)
    }

    fn write(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let blocks = (self.index.len() / INDEX_ENTRY) as u32;
        out.write_all(&blocks.to_le_bytes())?;
        out.write_all(&self.index)?;
        out.write_all(&(self.data.len() as u32).to_le_bytes())?;
        out.write_all(&self.data)
    }
}

/// One copy's place in the segment bytes.
#[derive(Debug, Clone, Copy)]
struct Copy {
    index: usize,
    blocks: usize,
    data: usize,
    data_len: usize,
}

/// A segment read from its bytes; `B` is whatever holds them (a vector, a mapped file).
#[derive(Debug)]
pub struct Segment<B> {
    bytes: B,
    count: u64,
    min_time: i64,
    max_time: i64,
    copies: [Copy; 2],
}

impl<B: AsRef<[u8]>> Segment<B> {
    /// Checks the header and the two indexes; blocks are checked as they are decoded.
    pub fn new(bytes: B) -> Result<Segment<B>, SegmentError> {
        let s = bytes.as_ref();
        if s.len() < 32 || &s[..8] != MAGIC {
            return Err(SegmentError::BadMagic);
        }
        let count = read_u64(s, 8)?;
        let min_time = read_u64(s, 16)? as i64;
        let max_time = read_u64(s, 24)? as i64;
        let mut at = 32;
        let mut copies = [Copy {
            index: 0,
            blocks: 0,
            data: 0,
            data_len: 0,
        }; 2];
        for copy in &mut copies {
            let blocks = read_u32(s, at)? as usize;
            let index = at + 4;
            let data_len_at = blocks
                .checked_mul(INDEX_ENTRY)
                .and_then(|n| n.checked_add(index))
                .ok_or(SegmentError::Corrupt)?;
            let data_len = read_u32(s, data_len_at)? as usize;
            let data = data_len_at + 4;
            if data + data_len > s.len() {
                return Err(SegmentError::Corrupt);
            }
            *copy = Copy {
                index,
                blocks,
                data,
                data_len,
            };
            at = data + data_len;
        }
        if at != s.len() || (count as usize).div_ceil(BLOCK) != copies[0].blocks {
            return Err(SegmentError::Corrupt);
        }
        Ok(Segment {
            bytes,
            count,
            min_time,
            max_time,
            copies,
        })
    }

    pub fn len(&self) -> u64 {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The earliest and latest record times (both 0 when empty).
    pub fn time_range(&self) -> (i64, i64) {
        (self.min_time, self.max_time)
    }

    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// Every record, in (a, time) order.
    pub fn records(&self, out: &mut Vec<Record>) -> Result<(), SegmentError> {
        let copy = self.copies[0];
        for block in 0..copy.blocks {
            self.decode_block(Direction::Outgoing, block, |r| {
                out.push(r);
                true
            })?;
        }
        Ok(())
    }

    /// Appends the records where `key` is the party `direction` names, with `from <= time <
    /// until`, in time order.
    pub fn contacts(
        &self,
        key: u64,
        direction: Direction,
        from: i64,
        until: i64,
        out: &mut Vec<Record>,
    ) -> Result<(), SegmentError> {
        let copy = self.copies[direction as usize];
        if from >= until || copy.blocks == 0 {
            return Ok(());
        }
        // the first block whose first row is at or after (key, from); the rows wanted may start
        // in the block before it
        let (mut lo, mut hi) = (0, copy.blocks);
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (k, t, _) = self.index_entry(copy, mid)?;
            if (k, t) < (key, from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let mut block = lo.saturating_sub(1);
        while block < copy.blocks {
            let (k, t, _) = self.index_entry(copy, block)?;
            if (k, t) >= (key, until) {
                break;
            }
            let more = self.decode_block(direction, block, |r| {
                let (k, t) = match direction {
                    Direction::Outgoing => (r.a, r.time),
                    Direction::Incoming => (r.b, r.time),
                };
                if (k, t) >= (key, until) {
                    return false;
                }
                if k == key && t >= from {
                    out.push(r);
                }
                true
            })?;
            if !more {
                break;
            }
            block += 1;
        }
        Ok(())
    }

    fn index_entry(&self, copy: Copy, block: usize) -> Result<(u64, i64, usize), SegmentError> {
        let s = self.bytes.as_ref();
        let at = copy.index + block * INDEX_ENTRY;
        Ok((
            read_u64(s, at)?,
            read_u64(s, at + 8)? as i64,
            read_u32(s, at + 16)? as usize,
        ))
    }

    /// Decodes one block, handing each record to `each` until it answers false; returns whether
    /// it never did.
    fn decode_block(
        &self,
        direction: Direction,
        block: usize,
        mut each: impl FnMut(Record) -> bool,
    ) -> Result<bool, SegmentError> {
        let copy = self.copies[direction as usize];
        let (first_key, first_time, offset) = self.index_entry(copy, block)?;
        let end = if block + 1 < copy.blocks {
            self.index_entry(copy, block + 1)?.2
        } else {
            copy.data_len
        };
        if offset > end || end > copy.data_len {
            return Err(SegmentError::Corrupt);
        }
        let mut data = &self.bytes.as_ref()[copy.data + offset..copy.data + end];
        let (mut key, mut time) = (first_key, first_time);
        while !data.is_empty() {
            key = key
                .checked_add(get_varint(&mut data)?)
                .ok_or(SegmentError::Corrupt)?;
            time = time.wrapping_add(unzigzag(get_varint(&mut data)?));
            let other = key.wrapping_add(unzigzag(get_varint(&mut data)?) as u64);
            let packed = get_varint(&mut data)?;
            let kind = Kind::from_u8((packed & 7) as u8).ok_or(SegmentError::Corrupt)?;
            let (a, b) = match direction {
                Direction::Outgoing => (key, other),
                Direction::Incoming => (other, key),
            };
            let record = Record {
                a,
                time,
                b,
                kind,
                value: packed >> 3,
            };
            if !each(record) {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

fn read_u64(s: &[u8], at: usize) -> Result<u64, SegmentError> {
    s.get(at..at + 8)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_le_bytes)
        .ok_or(SegmentError::Corrupt)
}

fn read_u32(s: &[u8], at: usize) -> Result<u32, SegmentError> {
    s.get(at..at + 4)
        .and_then(|b| b.try_into().ok())
        .map(u32::from_le_bytes)
        .ok_or(SegmentError::Corrupt)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// Writes `v` at `buf[at..]` and returns where it ends.
fn put_varint(buf: &mut [u8; 40], mut at: usize, mut v: u64) -> usize {
    while v >= 0x80 {
        buf[at] = (v as u8) | 0x80;
        v >>= 7;
        at += 1;
    }
    buf[at] = v as u8;
    at + 1
}

fn get_varint(data: &mut &[u8]) -> Result<u64, SegmentError> {
    let mut v = 0u64;
    for (i, &b) in data.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b < 0x80 {
            *data = &data[i + 1..];
            return Ok(v);
        }
    }
    Err(SegmentError::Corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn record() -> impl Strategy<Value = Record> {
        // few distinct parties and times, so that queries hit and keys repeat across blocks
        (
            prop_oneof![0u64..20, any::<u64>()],
            -5i64..50,
            prop_oneof![0u64..20, any::<u64>()],
            0u8..5,
            prop_oneof![0u64..100, 0u64..(1 << 61)],
        )
            .prop_map(|(a, time, b, kind, value)| Record {
                a,
                time: time * 1000,
                b,
                kind: Kind::from_u8(kind).unwrap(),
                value,
            })
    }

    proptest! {
        #[test]
        fn round_trip(records in prop::collection::vec(record(), 0..700)) {
            let bytes = encode(&records);
            let segment = Segment::new(bytes).unwrap();
            let mut back = Vec::new();
            segment.records(&mut back).unwrap();
            let mut want = records.clone();
            want.sort_unstable();
            want.dedup();
            prop_assert_eq!(segment.len(), want.len() as u64);
            prop_assert_eq!(back, want);
        }

        #[test]
        fn query_is_a_filter(
            records in prop::collection::vec(record(), 0..700),
            key in prop_oneof![0u64..20, any::<u64>()],
            from in -6i64..52,
            span in 0i64..60,
        ) {
            let (from, until) = (from * 1000, (from + span) * 1000);
            let segment = Segment::new(encode(&records)).unwrap();
            for direction in [Direction::Outgoing, Direction::Incoming] {
                let mut got = Vec::new();
                segment.contacts(key, direction, from, until, &mut got).unwrap();
                let mut want: Vec<Record> = records
                    .iter()
                    .filter(|r| match direction {
                        Direction::Outgoing => r.a == key,
                        Direction::Incoming => r.b == key,
                    })
                    .filter(|r| r.time >= from && r.time < until)
                    .copied()
                    .collect();
                want.sort_unstable();
                want.dedup();
                got.sort_unstable();
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn garbage_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200), key: u64) {
            let mut bytes = bytes;
            if bytes.len() >= 8 {
                bytes[..8].copy_from_slice(MAGIC);
            }
            if let Ok(segment) = Segment::new(bytes) {
                let mut out = Vec::new();
                let _ = segment.records(&mut out);
                let _ = segment.contacts(key, Direction::Incoming, i64::MIN, i64::MAX, &mut out);
            }
        }
    }

    #[test]
    fn a_key_spanning_blocks_is_found_whole() {
        let records: Vec<Record> = (0..1000)
            .map(|i| Record {
                a: 8_613_800_138_000,
                time: i,
                b: 8_613_900_000_000 + (i as u64 % 7),
                kind: Kind::Call,
                value: 30,
            })
            .collect();
        let segment = Segment::new(encode(&records)).unwrap();
        let mut got = Vec::new();
        segment
            .contacts(8_613_800_138_000, Direction::Outgoing, 100, 900, &mut got)
            .unwrap();
        assert_eq!(got.len(), 800);
        got.clear();
        segment
            .contacts(8_613_900_000_003, Direction::Incoming, 0, 1000, &mut got)
            .unwrap();
        assert_eq!(got.len(), 143);
        // both copies of a record cost little: small deltas within a key
        assert!(
            segment.bytes().len() < 1000 * 20,
            "{}",
            segment.bytes().len()
        );
    }
}
