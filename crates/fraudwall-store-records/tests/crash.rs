//! Kill -9 in the middle of appending: every acknowledged batch must be there after reopening.
//!
//! The test re-runs its own executable as the appender (selected by an environment variable and
//! an exact test filter), reads the numbers of the batches it acknowledged, kills it with
//! SIGKILL at an arbitrary moment and reopens the index.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use fraudwall_records::{ContactIndex, Direction, Kind, Record};
use fraudwall_store_records::{Options, SegmentIndex};

const CHILD_DIR: &str = "FRAUDWALL_CRASH_TEST_DIR";
const CHILD_FIRST_BATCH: &str = "FRAUDWALL_CRASH_TEST_FIRST_BATCH";
const CHILD_MEMTABLE: &str = "FRAUDWALL_CRASH_TEST_MEMTABLE";
const BATCH: u64 = 200;
const KEY_BASE: u64 = 8_613_800_000_000;

fn batch(number: u64) -> Vec<Record> {
    (0..BATCH)
        .map(|i| Record {
            a: KEY_BASE + number,
            time: 1_770_000_000 + i as i64,
            b: 8_613_900_000_000 + i,
            kind: Kind::Call,
            value: number,
        })
        .collect()
}

fn options(memtable_records: usize) -> Options {
    Options {
        memtable_records,
        ..Options::default()
    }
}

/// The appender, when run as the child: appends batches forever, printing each acknowledged one.
#[test]
fn append_forever_child() {
    let Ok(dir) = std::env::var(CHILD_DIR) else {
        return;
    };
    let first: u64 = std::env::var(CHILD_FIRST_BATCH).unwrap().parse().unwrap();
    let memtable: usize = std::env::var(CHILD_MEMTABLE).unwrap().parse().unwrap();
    let index = SegmentIndex::open(dir, options(memtable)).unwrap();
    let mut stdout = std::io::stdout().lock();
    for number in first.. {
        index.append(&batch(number)).unwrap();
        writeln!(stdout, "acked {number}").unwrap();
        stdout.flush().unwrap();
    }
}

/// Runs the appender until it has acknowledged `wanted` batches, kills it, and returns the
/// highest batch number it acknowledged.
fn append_and_kill(dir: &Path, first_batch: u64, memtable: usize, wanted: u64) -> u64 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "append_forever_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .env(CHILD_FIRST_BATCH, first_batch.to_string())
        .env(CHILD_MEMTABLE, memtable.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut last_acked = None;
    for line in lines {
        let line = line.unwrap();
        if let Some(number) = line.strip_prefix("acked ") {
            let number: u64 = number.parse().unwrap();
            last_acked = Some(number);
            if number + 1 - first_batch >= wanted {
                break;
            }
        }
    }
    // SIGKILL: no destructor, no flush, no chance to finish the write in progress
    child.kill().unwrap();
    child.wait().unwrap();
    last_acked.expect("the appender acknowledged nothing")
}

fn assert_batches_present(dir: &Path, through: u64) {
    let index = SegmentIndex::open(dir, options(1 << 20)).unwrap();
    for number in 0..=through {
        let found = index
            .contacts(KEY_BASE + number, Direction::Outgoing, i64::MIN, i64::MAX)
            .unwrap();
        assert_eq!(found, batch(number), "batch {number} after the crash");
    }
}

#[test]
fn acknowledged_batches_survive_kill_9() {
    if std::env::var(CHILD_DIR).is_ok() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // a memtable that never fills: everything is in the log when the process dies
    let first_round = append_and_kill(dir.path(), 0, 1 << 30, 300);
    assert_batches_present(dir.path(), first_round);

    // a memtable that fills every five batches: the kill likely lands in or near a flush
    let second_round = append_and_kill(dir.path(), first_round + 1, 5 * BATCH as usize, 400);
    assert!(second_round > first_round);
    assert_batches_present(dir.path(), second_round);

    // and once more, starting from the state the second crash left
    let third_round = append_and_kill(dir.path(), second_round + 1, 3 * BATCH as usize, 157);
    assert_batches_present(dir.path(), third_round);
    let segments = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "fwr")
        })
        .count();
    assert!(segments > 0, "the small memtable was flushed");
}
