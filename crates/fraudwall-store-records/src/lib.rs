//! The durable contact index: sorted segment files and a write-ahead log in one directory.
//!
//! [`SegmentIndex`] implements [`ContactIndex`] without a database. The design is a small
//! log-structured merge tree:
//!
//! - `append` writes the batch as one checksummed frame to the current log (`wal-<seq>.log`, see
//!   [`wal`]) and fsyncs it before returning, so an acknowledged batch survives a crash. The
//!   records then join the memtable (sorted runs, see [`memtable`]), which queries read directly.
//! - When the memtable holds `memtable_records`, it is frozen (still queried), a new log is
//!   started, and the frozen runs, each sorted both ways already, are merged by
//!   [`fraudwall_records::Encoder`] into `seg-<seq>.fwr`: written as `.tmp`, fsynced, renamed,
//!   the directory fsynced. Only then are the logs it covers deleted. Encoding happens outside
//!   every lock that appenders or queries take. The runs' vectors are then lent to new runs.
//! - Segments are memory-mapped, so memory stays bounded whatever is stored; the kernel keeps
//!   the hot blocks in its page cache. A query binary searches each segment whose time range
//!   overlaps the query's, plus the memtable.
//! - On open, leftover `.tmp` files are deleted, segments are mapped and every log frame whose
//!   checksum holds is replayed. A torn final frame (a crash mid-write: never acknowledged) is
//!   cut off. A crash between a segment's rename and its logs' deletion replays records that a
//!   segment holds already; that is harmless, since a query answers each record once and
//!   compaction stores it once.
//! - [`SegmentIndex::compact`] drops what is older than the retention window and merges segments
//!   of similar size (tiered), which also merges records that were sent twice.
//!
//! Appenders take turns: each append writes and syncs its own frame. Sharing one sync among
//! concurrent appenders (group commit) would raise the rate of small appends; the bulk paths
//! append large batches, where one sync per batch costs little, so correctness came first.
//! A large batch's two copies are sorted for the memtable on two more threads while its frame is
//! written and synced.
//!
//! File names carry one increasing sequence, shared by logs and segments, so replay order and
//! the next free name follow from a directory listing alone, without a manifest to keep
//! consistent.

pub mod memtable;
pub mod wal;

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use fraudwall_records::{
    ContactIndex, Direction, Encoder, IndexError, IndexStats, Record, Segment, sort_contacts,
};
use memmap2::Mmap;

use crate::memtable::{Memtable, SortScratch, Spares};
use crate::wal::WalWriter;

/// The directory under a node's data directory that holds its activity records.
pub const RECORDS_DIR: &str = "records";

/// How the index keeps records.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seconds of history kept: compaction drops records older than `now - window_s`.
    pub window_s: i64,
    /// Records held in memory before they are written into a segment. Each costs about 80 bytes
    /// of memory (held twice, sorted each way); the flush encodes from them as they are.
    pub memtable_records: usize,
    /// Segments of similar size merged together once there are this many of them.
    pub merge_fanout: usize,
    /// Merging stops making segments larger than this: a merge holds its records in memory
    /// (about 200 bytes each while encoding), and the format's offsets are 32-bit.
    pub max_segment_records: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            window_s: 30 * 86_400,
            memtable_records: 2_000_000,
            merge_fanout: 4,
            max_segment_records: 16_000_000,
        }
    }
}

/// A segment file, mapped.
struct SegmentFile {
    seq: u64,
    path: PathBuf,
    segment: Segment<Mmap>,
}

impl SegmentFile {
    fn disk_bytes(&self) -> u64 {
        self.segment.bytes().len() as u64
    }

    fn overlaps(&self, from: i64, until: i64) -> bool {
        let (min, max) = self.segment.time_range();
        min < until && max >= from
    }
}

/// What appenders share: the open log, and the older logs whose records no segment holds yet.
struct Appender {
    wal: WalWriter,
    /// Logs replayed on open or rotated out by a flush that has not finished (or failed).
    retired: Vec<PathBuf>,
    /// Sorting buffers kept between batches, one for each copy.
    scratch: [SortScratch; 2],
}

/// What queries read. Every part is immutable or cheap to clone, so a query copies what it
/// needs and lets go of the lock before searching.
#[derive(Default)]
struct State {
    memtable: Memtable,
    /// Memtables being written into a segment, still queried until it is in place.
    frozen: Vec<Memtable>,
    segments: Vec<Arc<SegmentFile>>,
    wal_bytes: u64,
    retired_wal_bytes: u64,
}

/// The durable contact index. See the crate documentation.
pub struct SegmentIndex {
    dir: PathBuf,
    options: Options,
    appender: Mutex<Appender>,
    state: RwLock<State>,
    /// One flush or compaction at a time; it holds the segment encoder's buffers.
    maintenance: Mutex<Encoder>,
    /// The vectors of flushed runs, for new runs to reuse.
    spares: Spares,
    next_seq: AtomicU64,
}

/// What one compaction did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CompactionReport {
    /// Segments deleted whole because all their records were older than the window.
    pub segments_dropped: usize,
    /// Segments read and written again (cut at the window's edge, or merged).
    pub segments_rewritten: usize,
    /// Segments written.
    pub segments_written: usize,
    /// Records in the segments read, and in the segments written from them.
    pub records_read: u64,
    pub records_written: u64,
}

/// Batches this large sort into the memtable on threads of their own while the log is written:
/// below it, starting the threads costs more than it saves.
const PARALLEL_APPEND: usize = 4_096;

const SEGMENT_EXT: &str = "fwr";
const WAL_EXT: &str = "log";
const TMP_EXT: &str = "tmp";

fn segment_path(dir: &Path, seq: u64) -> PathBuf {
    dir.join(format!("seg-{seq:016}.{SEGMENT_EXT}"))
}

fn wal_path(dir: &Path, seq: u64) -> PathBuf {
    dir.join(format!("wal-{seq:016}.{WAL_EXT}"))
}

/// The sequence number in a file name this index wrote: `seg-<seq>.fwr`, `wal-<seq>.log`.
fn parse_name(name: &str) -> Option<(&str, u64, &str)> {
    let (stem, ext) = name.rsplit_once('.')?;
    let (prefix, seq) = stem.split_once('-')?;
    Some((prefix, seq.parse().ok()?, ext))
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

fn corrupt(path: &Path, what: impl std::fmt::Display) -> IndexError {
    IndexError::Corrupt(format!("{}: {what}", path.display()))
}

/// Maps a segment file and checks its header.
#[allow(unsafe_code)]
fn map_segment(seq: u64, path: PathBuf) -> Result<SegmentFile, IndexError> {
    let file = File::open(&path)?;
    // SAFETY: segment files are immutable once renamed into place: this index never writes to
    // one again, and deletes it only by unlinking, which leaves an existing mapping intact.
    // Another process truncating the file under us is outside what the index can defend
    // against (as with any store whose files are edited behind its back).
    let map = unsafe { Mmap::map(&file)? };
    let segment = Segment::new(map).map_err(|e| corrupt(&path, e))?;
    warm_sparse_indexes(segment.bytes());
    Ok(SegmentFile { seq, path, segment })
}

/// Reads the pages of a segment's two sparse indexes (20 bytes per 128 records, about 0.3 bytes
/// per record) so that they are in the page cache: a query that finds its segments cold then
/// waits for one block per segment, not for every step of the binary search as well. The
/// layout is the one `fraudwall_records::segment` documents; `Segment::new` has checked it.
fn warm_sparse_indexes(bytes: &[u8]) {
    const PAGE: usize = 4096;
    let read_u32 = |at: usize| {
        bytes.get(at..at + 4).map_or(0, |b| {
            u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize
        })
    };
    let mut at = 32;
    let mut touched = 0u8;
    for _copy in 0..2 {
        let blocks = read_u32(at);
        let index_end = (at + 4 + blocks * 20).min(bytes.len());
        for page in (at..index_end).step_by(PAGE) {
            touched ^= bytes[page];
        }
        let data_len = read_u32(index_end);
        at = index_end + 4 + data_len;
    }
    std::hint::black_box(touched);
}

impl SegmentIndex {
    /// Opens the index in `dir`, creating the directory if needed, and replays its logs.
    pub fn open(dir: impl Into<PathBuf>, options: Options) -> Result<SegmentIndex, IndexError> {
        let dir = dir.into();
        fs::create_dir_all(&dir)?;
        let mut segment_names = Vec::new();
        let mut wal_names = Vec::new();
        let mut max_seq = 0;
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some((prefix, seq, ext)) = name.to_str().and_then(parse_name) else {
                continue;
            };
            match (prefix, ext) {
                // a segment whose writing a crash interrupted: its records are still in a log
                ("seg", TMP_EXT) => fs::remove_file(entry.path())?,
                ("seg", SEGMENT_EXT) => segment_names.push((seq, entry.path())),
                ("wal", WAL_EXT) => wal_names.push((seq, entry.path())),
                _ => continue,
            }
            max_seq = max_seq.max(seq);
        }
        segment_names.sort();
        wal_names.sort();

        let mut segments = Vec::with_capacity(segment_names.len());
        for (seq, path) in segment_names {
            segments.push(Arc::new(map_segment(seq, path)?));
        }

        let mut replayed = Vec::new();
        let mut retired_wal_bytes = 0;
        for (_, path) in &wal_names {
            let found = wal::replay(path, &mut replayed)?;
            if found.torn {
                // A crash mid-write leaves a torn frame at the end of the newest log; an older
                // log ends in one only if a failed write could not be cut off, after which the
                // index moved to a new log. Either way the frame was never acknowledged.
                wal::truncate(path, found.valid_bytes)?;
            }
            retired_wal_bytes += found.valid_bytes;
        }

        let seq = max_seq + 1;
        let wal = WalWriter::create(wal_path(&dir, seq))?;
        sync_dir(&dir)?;
        let memtable = if replayed.is_empty() {
            Memtable::default()
        } else {
            Memtable::default().with(&replayed)
        };
        let index = SegmentIndex {
            dir,
            options,
            appender: Mutex::new(Appender {
                wal,
                retired: wal_names.into_iter().map(|(_, path)| path).collect(),
                scratch: Default::default(),
            }),
            state: RwLock::new(State {
                memtable,
                frozen: Vec::new(),
                segments,
                wal_bytes: 0,
                retired_wal_bytes,
            }),
            maintenance: Mutex::new(Encoder::default()),
            spares: Spares::default(),
            next_seq: AtomicU64::new(seq + 1),
        };
        if index.read_state().memtable.len() >= index.options.memtable_records {
            index.flush()?;
        }
        Ok(index)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Segments on disk now.
    pub fn segment_count(&self) -> usize {
        self.read_state().segments.len()
    }

    /// Writes every record held in memory into a segment and deletes the logs it covers.
    pub fn flush(&self) -> Result<(), IndexError> {
        let mut encoder = lock(&self.maintenance);
        self.flush_locked(&mut encoder)
    }

    fn flush_locked(&self, encoder: &mut Encoder) -> Result<(), IndexError> {
        // freeze the memtable and start a new log, both under the appender's lock, so that
        // every record is in exactly one of: the frozen tables (covered by `covered` logs) or
        // the new memtable (covered by the new log)
        let (frozen, covered, covered_bytes) = {
            let mut appender = lock(&self.appender);
            let mut state = self.write_state();
            if state.memtable.is_empty() && state.frozen.is_empty() {
                return Ok(());
            }
            let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
            let mut new_wal = WalWriter::create(wal_path(&self.dir, seq))?;
            sync_dir(&self.dir)?;
            new_wal.take_buffer(&mut appender.wal);
            let old_wal = std::mem::replace(&mut appender.wal, new_wal);
            appender.retired.push(old_wal.path().to_owned());
            let memtable = std::mem::take(&mut state.memtable);
            state.frozen.push(memtable);
            state.retired_wal_bytes += state.wal_bytes;
            state.wal_bytes = 0;
            (
                state.frozen.clone(),
                std::mem::take(&mut appender.retired),
                state.retired_wal_bytes,
            )
        };

        // every run is sorted both ways already: the segment is their merge
        let runs: Vec<Arc<memtable::Run>> = frozen
            .iter()
            .flat_map(|table| table.runs().iter().cloned())
            .collect();
        encoder.reserve(runs.iter().map(|run| run.len()).sum());
        let written = self.write_segment(|file| {
            encoder.write(
                memtable::merged(&runs, Direction::Outgoing),
                memtable::merged(&runs, Direction::Incoming),
                file,
            )
        });
        let written = match written {
            Ok(written) => written,
            Err(e) => {
                // the frozen tables stay queried and their logs stay on disk: the next flush
                // tries again
                lock(&self.appender).retired.extend(covered);
                return Err(e);
            }
        };
        {
            let mut state = self.write_state();
            state.segments.extend(written);
            state.frozen.drain(..frozen.len());
            state.retired_wal_bytes -= covered_bytes;
        }
        drop(frozen);
        self.spares.give(runs);
        for path in covered {
            remove_if_present(&path)?;
        }
        Ok(())
    }

    /// Moves appends to a new log after a failed write left the current one damaged. The old
    /// log's whole frames are still replayed until a flush covers them.
    fn rotate_broken_wal(&self, appender: &mut Appender) -> Result<(), IndexError> {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let new_wal = WalWriter::create(wal_path(&self.dir, seq))?;
        sync_dir(&self.dir)?;
        let old_wal = std::mem::replace(&mut appender.wal, new_wal);
        appender.retired.push(old_wal.path().to_owned());
        let mut state = self.write_state();
        state.retired_wal_bytes += state.wal_bytes;
        state.wal_bytes = 0;
        Ok(())
    }

    /// Writes a new segment file with `write` (which answers how many records it wrote),
    /// durably. None when it wrote no records.
    fn write_segment(
        &self,
        write: impl FnOnce(&mut File) -> io::Result<u64>,
    ) -> Result<Option<Arc<SegmentFile>>, IndexError> {
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let path = segment_path(&self.dir, seq);
        let tmp = path.with_extension(TMP_EXT);
        let written = (|| -> io::Result<bool> {
            let mut file = File::create(&tmp)?;
            if write(&mut file)? == 0 {
                return Ok(false);
            }
            file.sync_all()?;
            fs::rename(&tmp, &path)?;
            sync_dir(&self.dir)?;
            Ok(true)
        })();
        match written {
            Ok(true) => Ok(Some(Arc::new(map_segment(seq, path)?))),
            Ok(false) => {
                remove_if_present(&tmp)?;
                Ok(None)
            }
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e.into())
            }
        }
    }

    /// Drops records older than `now - window_s` and merges segments of similar size.
    ///
    /// Segments entirely older than the window are deleted; those straddling its edge are
    /// written again without their old records. Then, while `merge_fanout` segments fall in the
    /// same size tier (sizes within a factor of `merge_fanout` of each other), they are merged
    /// into one, up to `max_segment_records`. Merging stores a record sent twice once.
    /// Records in memory are untouched: they reach a segment at the next flush.
    pub fn compact(&self, now: i64) -> Result<CompactionReport, IndexError> {
        let mut encoder = lock(&self.maintenance);
        let cutoff = now.saturating_sub(self.options.window_s);
        let mut report = CompactionReport::default();

        let segments = self.read_state().segments.clone();
        let mut dropped = Vec::new();
        let mut groups = Vec::new();
        for segment in segments {
            let (min, max) = segment.segment.time_range();
            if max < cutoff {
                dropped.push(segment);
            } else if min < cutoff {
                groups.push(vec![segment]);
            }
        }
        report.segments_dropped = dropped.len();
        self.replace_segments(&mut encoder, dropped, groups, cutoff, &mut report)?;

        loop {
            let groups = self.merge_plan();
            if groups.is_empty() {
                break;
            }
            self.replace_segments(&mut encoder, Vec::new(), groups, cutoff, &mut report)?;
        }
        Ok(report)
    }

    /// Groups of segments to merge: `merge_fanout` or more of one size tier, smallest first.
    fn merge_plan(&self) -> Vec<Vec<Arc<SegmentFile>>> {
        let fanout = self.options.merge_fanout.max(2);
        let base = (self.options.memtable_records / fanout).max(1) as u64;
        let mut segments = self.read_state().segments.clone();
        segments.sort_by_key(|s| s.segment.len());
        let tier = |s: &SegmentFile| (s.segment.len() / base).max(1).ilog(fanout as u64);
        let mut groups = Vec::new();
        let mut at = 0;
        while at < segments.len() {
            let this_tier = tier(&segments[at]);
            let end = at + segments[at..].partition_point(|s| tier(s) == this_tier);
            let tier_segments: Vec<&Arc<SegmentFile>> = segments[at..end]
                .iter()
                .filter(|s| (s.segment.len() as usize) < self.options.max_segment_records)
                .collect();
            if tier_segments.len() >= fanout {
                for chunk in tier_segments.chunks(fanout) {
                    // as many of the chunk as fit under the size cap; two at least, or the
                    // merge would only rewrite a segment
                    let mut group = Vec::new();
                    let mut group_records = 0;
                    for segment in chunk {
                        let len = segment.segment.len() as usize;
                        if group_records + len > self.options.max_segment_records {
                            break;
                        }
                        group.push(Arc::clone(segment));
                        group_records += len;
                    }
                    if group.len() >= 2 {
                        groups.push(group);
                    }
                }
            }
            at = end;
        }
        groups
    }

    /// Writes each group's records at or after `cutoff` into one new segment, then puts the new
    /// segments in place of the groups and of `dropped`, and deletes the old files.
    fn replace_segments(
        &self,
        encoder: &mut Encoder,
        dropped: Vec<Arc<SegmentFile>>,
        groups: Vec<Vec<Arc<SegmentFile>>>,
        cutoff: i64,
        report: &mut CompactionReport,
    ) -> Result<(), IndexError> {
        let mut written = Vec::new();
        let mut replaced = dropped;
        for group in groups {
            let mut records = Vec::new();
            for segment in &group {
                let before = records.len();
                segment
                    .segment
                    .records(&mut records)
                    .map_err(|e| corrupt(&segment.path, e))?;
                report.records_read += (records.len() - before) as u64;
            }
            records.retain(|r| r.time >= cutoff);
            let mut scratch = SortScratch::default();
            let mut outgoing = Vec::new();
            memtable::sort_into(&records, Direction::Outgoing, &mut outgoing, &mut scratch);
            outgoing.dedup();
            let mut incoming = records;
            memtable::sort_into(&outgoing, Direction::Incoming, &mut incoming, &mut scratch);
            report.records_written += outgoing.len() as u64;
            report.segments_rewritten += group.len();
            let segment = self.write_segment(|file| {
                encoder.write(outgoing.iter().copied(), incoming.iter().copied(), file)
            })?;
            if let Some(segment) = segment {
                report.segments_written += 1;
                written.push(segment);
            }
            replaced.extend(group);
        }
        if replaced.is_empty() {
            return Ok(());
        }
        {
            let mut state = self.write_state();
            state
                .segments
                .retain(|s| !replaced.iter().any(|r| r.seq == s.seq));
            state.segments.extend(written);
            state.segments.sort_by_key(|s| s.seq);
        }
        for segment in replaced {
            remove_if_present(&segment.path)?;
        }
        sync_dir(&self.dir)?;
        Ok(())
    }

    fn read_state(&self) -> RwLockReadGuard<'_, State> {
        self.state.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write_state(&self) -> RwLockWriteGuard<'_, State> {
        self.state.write().unwrap_or_else(|e| e.into_inner())
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

fn remove_if_present(path: &Path) -> Result<(), IndexError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

impl ContactIndex for SegmentIndex {
    fn maintain(&self, now: i64) -> Result<(), IndexError> {
        self.flush()?;
        self.compact(now).map(|_| ())
    }

    fn append(&self, records: &[Record]) -> Result<(), IndexError> {
        if records.is_empty() {
            return Ok(());
        }
        let full = {
            // appenders take turns: the log's frames and the memtable's runs go in one order
            let mut appender = lock(&self.appender);
            if appender.wal.is_broken() {
                self.rotate_broken_wal(&mut appender)?;
            }
            let current = self.read_state().memtable.clone();
            let Appender { wal, scratch, .. } = &mut *appender;
            let spares = &self.spares;
            // the records are sorted into the memtable's next version (a copy: queries read
            // the current one meanwhile) while the log's write waits for the disk; the new
            // version is put in place only once the log has the records
            let next = if records.len() < PARALLEL_APPEND {
                wal.append(records)?;
                current.with_buffers(records, &mut scratch[0], spares)
            } else {
                // each copy on a thread of its own: sorting is most of an append's work
                let [out_scratch, in_scratch] = scratch;
                let (logged, by_a, by_b) = std::thread::scope(|scope| {
                    let by_a = scope.spawn(|| {
                        memtable::sorted_copy(records, Direction::Outgoing, out_scratch, spares)
                    });
                    let by_b = scope.spawn(|| {
                        memtable::sorted_copy(records, Direction::Incoming, in_scratch, spares)
                    });
                    let logged = wal.append(records);
                    (logged, by_a.join(), by_b.join())
                });
                let unwrap = |copy: std::thread::Result<Vec<Record>>| {
                    copy.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                };
                let (by_a, by_b) = (unwrap(by_a), unwrap(by_b));
                logged?;
                current.with_run(memtable::Run::from_copies(by_a, by_b))
            };
            let mut state = self.write_state();
            state.memtable = next;
            state.wal_bytes = appender.wal.bytes();
            state.memtable.len() >= self.options.memtable_records
        };
        if full {
            let mut encoder = lock(&self.maintenance);
            // another appender may have flushed while this one waited
            if self.read_state().memtable.len() >= self.options.memtable_records {
                self.flush_locked(&mut encoder)?;
            }
        }
        Ok(())
    }

    fn contacts(
        &self,
        key: u64,
        direction: Direction,
        from: i64,
        until: i64,
    ) -> Result<Vec<Record>, IndexError> {
        let mut found = Vec::new();
        if from >= until {
            return Ok(found);
        }
        let (memtable, frozen, segments) = {
            let state = self.read_state();
            let segments: Vec<Arc<SegmentFile>> = state
                .segments
                .iter()
                .filter(|s| s.overlaps(from, until))
                .cloned()
                .collect();
            (state.memtable.clone(), state.frozen.clone(), segments)
        };
        for segment in &segments {
            segment
                .segment
                .contacts(key, direction, from, until, &mut found)
                .map_err(|e| corrupt(&segment.path, e))?;
        }
        for table in frozen.iter().chain([&memtable]) {
            table.contacts(key, direction, from, until, &mut found);
        }
        sort_contacts(&mut found, direction);
        Ok(found)
    }

    fn stats(&self) -> IndexStats {
        let state = self.read_state();
        let buffered =
            (state.memtable.len() + state.frozen.iter().map(Memtable::len).sum::<usize>()) as u64;
        IndexStats {
            records: state.segments.iter().map(|s| s.segment.len()).sum::<u64>() + buffered,
            disk_bytes: state.segments.iter().map(|s| s.disk_bytes()).sum::<u64>()
                + state.wal_bytes
                + state.retired_wal_bytes,
            buffered,
        }
    }
}

#[cfg(test)]
mod tests;
