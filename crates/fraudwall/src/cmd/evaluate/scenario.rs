//! Reading a scenario written by `fraudwall simulate`: its manifest, a check of every line
//! before anything is scored, and its three time-ordered streams merged into one.

use std::fs::File;
use std::io::{BufRead, BufReader, Lines};
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub fn open_lines(path: &Path) -> anyhow::Result<BufReader<File>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(BufReader::with_capacity(1 << 20, file))
}

/// An RFC 3339 time as Unix seconds.
pub fn seconds(text: &str) -> anyhow::Result<i64> {
    Ok(OffsetDateTime::parse(text, &Rfc3339)
        .with_context(|| format!("not an RFC 3339 time: {text:?}"))?
        .unix_timestamp())
}

#[derive(Debug, Deserialize)]
pub struct Manifest {
    pub files: Files,
}

#[derive(Debug, Deserialize)]
pub struct Files {
    pub cases: String,
    pub clues: String,
    pub lists: String,
    pub records: Vec<DayFile>,
}

#[derive(Debug, Deserialize)]
pub struct DayFile {
    pub day: u32,
    pub date: String,
    pub file: String,
}

#[derive(Debug, Deserialize)]
pub struct ListsManifest {
    pub lists: Vec<ListFile>,
}

#[derive(Debug, Deserialize)]
pub struct ListFile {
    pub file: String,
    pub format: String,
    pub kind: String,
    pub list: String,
    pub source: String,
}

/// A scenario directory with its manifest read.
#[derive(Debug)]
pub struct Scenario {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

/// What a line of any stream must hold to be placed in time.
#[derive(Deserialize)]
struct Timed<'a> {
    #[serde(borrow)]
    start: Option<&'a str>,
    time: Option<&'a str>,
    filed_at: Option<&'a str>,
}

/// One item of the merged streams, at its time.
pub enum Item {
    /// A day's activity record: the day's index (from 0) and the line.
    Record(usize, String),
    Case(String),
    Clue(String),
}

impl Scenario {
    pub fn open(dir: &Path) -> anyhow::Result<Scenario> {
        let path = dir.join("scenario.json");
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("{} is not a scenario: no scenario.json", dir.display()))?;
        let manifest = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a scenario manifest", path.display()))?;
        Ok(Scenario {
            dir: dir.to_owned(),
            manifest,
        })
    }

    pub fn lists(&self) -> anyhow::Result<(PathBuf, ListsManifest)> {
        let path = self.dir.join(&self.manifest.files.lists);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let manifest = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a list manifest", path.display()))?;
        let dir = path.parent().unwrap_or(&self.dir).to_owned();
        Ok((dir, manifest))
    }

    fn streams(&self) -> Vec<(PathBuf, usize)> {
        let files = &self.manifest.files;
        let mut streams: Vec<(PathBuf, usize)> = files
            .records
            .iter()
            .enumerate()
            .map(|(day, file)| (self.dir.join(&file.file), day))
            .collect();
        streams.push((self.dir.join(&files.cases), usize::MAX));
        streams.push((self.dir.join(&files.clues), usize::MAX - 1));
        streams
    }

    /// Reads every line of every stream once: each must be a JSON object with its time, and
    /// each stream in time order. The first bad line is named by file and line, before anything
    /// is replayed.
    pub fn check(&self) -> anyhow::Result<u64> {
        let mut lines_read = 0;
        for (path, _) in self.streams() {
            let mut last = i64::MIN;
            for (index, line) in open_lines(&path)?.lines().enumerate() {
                let at = || format!("{}:{}", path.display(), index + 1);
                let line = line.with_context(at)?;
                if line.trim().is_empty() {
                    continue;
                }
                let value: serde_json::Value = serde_json::from_str(&line)
                    .with_context(|| format!("{}: not a JSON object", at()))?;
                anyhow::ensure!(value.is_object(), "{}: not a JSON object", at());
                let t = time_of(&line).with_context(at)?;
                anyhow::ensure!(t >= last, "{}: out of time order", at());
                last = t;
                lines_read += 1;
            }
        }
        Ok(lines_read)
    }

    /// The day files, the cases and the clues merged by time: at equal times, what people
    /// report comes before the traffic, so that it acts on that traffic.
    pub fn merged(&self) -> anyhow::Result<Merged> {
        let files = &self.manifest.files;
        let days = files
            .records
            .iter()
            .map(|file| self.dir.join(&file.file))
            .collect::<Vec<_>>();
        Ok(Merged {
            days: days.into_iter(),
            day: None,
            day_index: 0,
            records: None,
            cases: Peeked::new(open_lines(&self.dir.join(&files.cases))?.lines())?,
            clues: Peeked::new(open_lines(&self.dir.join(&files.clues))?.lines())?,
        })
    }
}

/// The time of a line: `start` for calls, `time` for other records, `filed_at` for reports.
pub fn time_of(line: &str) -> anyhow::Result<i64> {
    let timed: Timed<'_> = serde_json::from_str(line)?;
    let text = timed
        .filed_at
        .or(timed.start)
        .or(timed.time)
        .ok_or_else(|| anyhow::anyhow!("the line has no start, time or filed_at"))?;
    seconds(text)
}

/// A stream of lines with the next one and its time read ahead.
pub struct Peeked {
    lines: Lines<BufReader<File>>,
    next: Option<(i64, String)>,
}

impl Peeked {
    fn new(lines: Lines<BufReader<File>>) -> anyhow::Result<Peeked> {
        let mut peeked = Peeked { lines, next: None };
        peeked.advance()?;
        Ok(peeked)
    }

    fn advance(&mut self) -> anyhow::Result<()> {
        self.next = None;
        for line in self.lines.by_ref() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            self.next = Some((time_of(&line)?, line));
            break;
        }
        Ok(())
    }

    fn time(&self) -> Option<i64> {
        self.next.as_ref().map(|(t, _)| *t)
    }

    fn take(&mut self) -> anyhow::Result<Option<(i64, String)>> {
        let taken = self.next.take();
        self.advance()?;
        Ok(taken)
    }
}

pub struct Merged {
    days: std::vec::IntoIter<PathBuf>,
    day: Option<PathBuf>,
    day_index: usize,
    records: Option<Peeked>,
    cases: Peeked,
    clues: Peeked,
}

impl Merged {
    /// The next item and its time, or none at the end of every stream.
    pub fn next_item(&mut self) -> anyhow::Result<Option<(i64, Item)>> {
        loop {
            if self.records.as_ref().is_none_or(|r| r.next.is_none()) {
                match self.days.next() {
                    Some(path) => {
                        if self.day.is_some() {
                            self.day_index += 1;
                        }
                        self.records = Some(Peeked::new(open_lines(&path)?.lines())?);
                        self.day = Some(path);
                        continue;
                    }
                    None => self.records = None,
                }
            }
            break;
        }
        let record = self.records.as_ref().and_then(Peeked::time);
        let case = self.cases.time();
        let clue = self.clues.time();
        let earliest = [record, case, clue].into_iter().flatten().min();
        let Some(t) = earliest else { return Ok(None) };
        if clue == Some(t) {
            return Ok(self.clues.take()?.map(|(t, line)| (t, Item::Clue(line))));
        }
        if case == Some(t) {
            return Ok(self.cases.take()?.map(|(t, line)| (t, Item::Case(line))));
        }
        let day = self.day_index;
        let records = self.records.as_mut().expect("a record was peeked");
        Ok(records
            .take()?
            .map(|(t, line)| (t, Item::Record(day, line))))
    }
}
