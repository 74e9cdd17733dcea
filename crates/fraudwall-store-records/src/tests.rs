use std::io::Write;

use fraudwall_records::{Kind, MemoryIndex};
use proptest::prelude::*;

use super::*;

fn call(a: u64, b: u64, time: i64, value: u64) -> Record {
    Record {
        a,
        time,
        b,
        kind: Kind::Call,
        value,
    }
}

fn small(memtable_records: usize) -> Options {
    Options {
        window_s: 1_000,
        memtable_records,
        merge_fanout: 2,
        max_segment_records: 1_000_000,
    }
}

fn all(index: &SegmentIndex, key: u64, direction: Direction) -> Vec<Record> {
    index.contacts(key, direction, i64::MIN, i64::MAX).unwrap()
}

fn files(dir: &Path, ext: &str) -> usize {
    fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == ext)
        })
        .count()
}

#[test]
fn answers_from_memory_segments_and_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let records = [call(1, 2, 100, 60), call(1, 3, 200, 5), call(4, 1, 150, 9)];
    {
        let index = SegmentIndex::open(dir.path(), small(100)).unwrap();
        index.append(&records[..2]).unwrap();
        assert_eq!(all(&index, 1, Direction::Outgoing), records[..2]);
        index.flush().unwrap();
        assert_eq!(index.segment_count(), 1);
        assert_eq!(files(dir.path(), WAL_EXT), 1, "the flushed log is deleted");
        index.append(&records[2..]).unwrap();
        index.append(&records[..1]).unwrap();
        assert_eq!(all(&index, 1, Direction::Outgoing), records[..2]);
        assert_eq!(all(&index, 1, Direction::Incoming), records[2..]);
        assert_eq!(
            index.contacts(1, Direction::Outgoing, 150, 1_000).unwrap(),
            records[1..2]
        );
        let stats = index.stats();
        assert_eq!((stats.records, stats.buffered), (4, 2));
        assert!(stats.disk_bytes > 0);
    }
    let index = SegmentIndex::open(dir.path(), small(100)).unwrap();
    assert_eq!(all(&index, 1, Direction::Outgoing), records[..2]);
    assert_eq!(all(&index, 1, Direction::Incoming), records[2..]);
    assert_eq!(index.stats().buffered, 2, "the log was replayed");
}

#[test]
fn a_full_memtable_is_flushed_by_append() {
    let dir = tempfile::tempdir().unwrap();
    let index = SegmentIndex::open(dir.path(), small(10)).unwrap();
    for i in 0..25 {
        index.append(&[call(7, i, i as i64, 1)]).unwrap();
    }
    assert_eq!(index.segment_count(), 2);
    assert_eq!(index.stats().buffered, 5);
    assert_eq!(all(&index, 7, Direction::Outgoing).len(), 25);
    assert_eq!(files(dir.path(), SEGMENT_EXT), 2);
}

#[test]
fn a_torn_log_tail_is_dropped_and_earlier_records_kept() {
    let dir = tempfile::tempdir().unwrap();
    let records: Vec<Record> = (0..50).map(|i| call(9, i, i as i64 * 10, i)).collect();
    {
        let index = SegmentIndex::open(dir.path(), small(1_000)).unwrap();
        index.append(&records[..20]).unwrap();
        index.append(&records[20..]).unwrap();
    }
    let wal = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == WAL_EXT))
        .unwrap();
    let clean_len = fs::metadata(&wal).unwrap().len();
    // a frame header promising more than follows, then garbage: a crash mid-write
    let mut file = fs::OpenOptions::new().append(true).open(&wal).unwrap();
    file.write_all(&(33u32 * 4).to_le_bytes()).unwrap();
    file.write_all(&[0xab; 40]).unwrap();
    drop(file);

    let index = SegmentIndex::open(dir.path(), small(1_000)).unwrap();
    assert_eq!(all(&index, 9, Direction::Outgoing), records);
    assert_eq!(fs::metadata(&wal).unwrap().len(), clean_len, "cut back");
    // and the index goes on working across another restart
    index.append(&[call(9, 99, 5, 0)]).unwrap();
    drop(index);
    let index = SegmentIndex::open(dir.path(), small(1_000)).unwrap();
    assert_eq!(all(&index, 9, Direction::Outgoing).len(), 51);
}

#[test]
fn leftover_tmp_files_are_deleted() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("seg-0000000000000007.tmp"),
        b"half a segment",
    )
    .unwrap();
    let index = SegmentIndex::open(dir.path(), small(10)).unwrap();
    assert_eq!(files(dir.path(), TMP_EXT), 0);
    index.append(&[call(1, 2, 3, 4)]).unwrap();
    index.flush().unwrap();
    // the next names are past every name seen
    assert!(
        index.read_state().segments[0].seq > 7,
        "sequence continues past leftovers"
    );
}

#[test]
fn a_damaged_segment_is_reported_as_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SegmentIndex::open(dir.path(), small(10)).unwrap();
        index.append(&[call(1, 2, 3, 4)]).unwrap();
        index.flush().unwrap();
    }
    let segment = segment_path(dir.path(), 2);
    fs::write(&segment, b"not a segment at all, certainly not").unwrap();
    match SegmentIndex::open(dir.path(), small(10)) {
        Err(IndexError::Corrupt(message)) => assert!(message.contains("not a record segment")),
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a damaged segment was accepted"),
    }
}

#[test]
fn compaction_keeps_the_window_and_stores_duplicates_once() {
    let dir = tempfile::tempdir().unwrap();
    let index = SegmentIndex::open(dir.path(), small(1_000)).unwrap();
    // window 1000 s; now = 5000, so records before 4000 go
    let old: Vec<Record> = (0..10).map(|i| call(1, i, 100 + i as i64, 0)).collect();
    let edge: Vec<Record> = (0..10).map(|i| call(1, i, 3_995 + i as i64, 0)).collect();
    let new: Vec<Record> = (0..10).map(|i| call(1, i, 4_500 + i as i64, 0)).collect();
    for batch in [&old, &edge, &new, &new] {
        index.append(batch).unwrap();
        index.flush().unwrap();
    }
    assert_eq!(index.stats().records, 40);
    let report = index.compact(5_000).unwrap();
    assert_eq!(report.segments_dropped, 1);
    let kept = all(&index, 1, Direction::Outgoing);
    assert_eq!(kept, [&edge[5..], &new[..]].concat());
    assert_eq!(index.segment_count(), 1, "{report:?}");
    assert_eq!(
        index.stats().records,
        15,
        "the duplicate batch is stored once"
    );
    assert_eq!(files(dir.path(), SEGMENT_EXT), 1);
    drop(index);
    let index = SegmentIndex::open(dir.path(), small(1_000)).unwrap();
    assert_eq!(all(&index, 1, Direction::Outgoing), kept);
}

#[test]
fn segments_just_over_a_tier_still_merge_under_the_size_cap() {
    let dir = tempfile::tempdir().unwrap();
    let options = Options {
        window_s: 1 << 40,
        memtable_records: 4,
        merge_fanout: 4,
        max_segment_records: 16,
    };
    let index = SegmentIndex::open(dir.path(), options).unwrap();
    for segment in 0..8u64 {
        let batch: Vec<Record> = (0..5).map(|i| call(segment, i, 10, 0)).collect();
        index.append(&batch).unwrap();
    }
    assert_eq!(index.segment_count(), 8);
    index.compact(0).unwrap();
    // four segments of five do not fit under sixteen; three do
    assert!(
        index.segment_count() <= 4,
        "{} segments",
        index.segment_count()
    );
    assert!(
        index
            .read_state()
            .segments
            .iter()
            .all(|s| s.segment.len() <= 16)
    );
    assert_eq!(index.stats().records, 40);
}

#[derive(Debug, Clone)]
enum Op {
    Append(Vec<Record>),
    Flush,
    Compact,
    Reopen,
    Query(u64, bool, i64, i64),
}

fn record() -> impl Strategy<Value = Record> {
    (0u64..6, -50i64..50, 0u64..6, 0u8..5, 0u64..3).prop_map(|(a, time, b, kind, value)| Record {
        a,
        time,
        b,
        kind: Kind::from_u8(kind).unwrap(),
        value,
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => prop::collection::vec(record(), 0..12).prop_map(Op::Append),
        1 => Just(Op::Flush),
        1 => Just(Op::Compact),
        1 => Just(Op::Reopen),
        4 => (0u64..6, any::<bool>(), -60i64..60, -60i64..60)
            .prop_map(|(k, out, f, u)| Op::Query(k, out, f, u)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn answers_like_the_memory_index(ops in prop::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        // a window wider than any record's age: compaction only merges here
        let options = Options { window_s: 1 << 40, memtable_records: 16, merge_fanout: 2, max_segment_records: 64 };
        let mut index = SegmentIndex::open(dir.path(), options.clone()).unwrap();
        let model = MemoryIndex::new();
        for op in ops {
            match op {
                Op::Append(records) => {
                    index.append(&records).unwrap();
                    model.append(&records).unwrap();
                }
                Op::Flush => index.flush().unwrap(),
                Op::Compact => { index.compact(0).unwrap(); }
                Op::Reopen => {
                    drop(index);
                    index = SegmentIndex::open(dir.path(), options.clone()).unwrap();
                }
                Op::Query(key, outgoing, from, until) => {
                    let direction = if outgoing { Direction::Outgoing } else { Direction::Incoming };
                    prop_assert_eq!(
                        index.contacts(key, direction, from, until).unwrap(),
                        model.contacts(key, direction, from, until).unwrap()
                    );
                }
            }
        }
        for key in 0..6 {
            for direction in [Direction::Outgoing, Direction::Incoming] {
                prop_assert_eq!(
                    index.contacts(key, direction, i64::MIN, i64::MAX).unwrap(),
                    model.contacts(key, direction, i64::MIN, i64::MAX).unwrap()
                );
            }
        }
    }
}
