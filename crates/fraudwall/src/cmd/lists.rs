//! `fraudwall lists …`: import and export list files on the embedded store. A running server
//! sharing the store picks the changes up within its refresh period.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Change, Kind, List, Source};
use fraudwall_lists::import::Format;
use fraudwall_lists::listfile::{self, ImportPlan};
use fraudwall_server::wire::{ImportSummary, summarize};
use fraudwall_store::{AuditEvent, SqliteStore, Store};

/// Lines parsed and handed to the store at a time. The store sorts each chunk before writing
/// it, so larger chunks write in better order; this size keeps a chunk's changes near 100 MB,
/// and at most three chunks are alive at once.
const CHUNK: usize = 500_000;

#[derive(Debug, clap::Subcommand)]
pub enum ListsCommand {
    /// Import a list file; prints imported, duplicate and rejected counts, and every rejected
    /// line with its number
    Import {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        /// black, gray or white
        #[arg(long)]
        list: List,
        /// number, range, domain, url, ip, app, cert, account or social
        #[arg(long)]
        kind: Kind,
        /// plain, hosts, abp or csv
        #[arg(long)]
        format: Format,
        /// Where the entries come from: import, operator, analyst, case, report
        #[arg(long, default_value = "import")]
        source: Source,
        /// Fraud type for entries that carry none (a code of the taxonomy)
        #[arg(long)]
        fraud_type: Option<String>,
        /// Region for numbers written without a country code
        #[arg(long, default_value = "CN")]
        region: Region,
        /// Print the summary as one JSON object
        #[arg(long)]
        json: bool,
        file: PathBuf,
    },
    /// Export a list's live entries of one kind as a list file
    Export {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        list: List,
        #[arg(long)]
        kind: Kind,
        #[arg(long)]
        format: Format,
        /// Write here instead of stdout
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

pub fn run(command: ListsCommand) -> anyhow::Result<()> {
    match command {
        ListsCommand::Import {
            data_dir,
            list,
            kind,
            format,
            source,
            fraud_type,
            region,
            json,
            file,
        } => {
            let started = Instant::now();
            let text =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let text = String::from_utf8(text)
                .with_context(|| format!("{} is not utf-8", file.display()))?;
            let store = open(&data_dir)?;
            fraudwall_server::wire::seed_official_whitelist(&store, region)?;
            let request = Request {
                format,
                list,
                kind,
                source,
                fraud_type: fraud_type.as_deref(),
                normalizer: PhoneNormalizer::new(region),
            };
            let (summary, lines) = import(&store, &text, &request)?;
            drop(text);
            let seconds = started.elapsed().as_secs_f64();
            store.append_audit(&AuditEvent {
                actor: "cli".to_owned(),
                action: "lists.import".to_owned(),
                resource: format!("list:{list}"),
                detail:
                    serde_json::json!({"file": file.display().to_string(), "kind": kind.as_str(),
                    "imported": summary.imported, "duplicate": summary.duplicate,
                    "rejected": summary.rejected.len()})
                    .to_string(),
            })?;
            print_summary(&summary, list, json)?;
            // beside the summary, which stays one line (or one JSON object) for scripts
            eprintln!(
                "{lines} lines in {seconds:.1} s, {:.0} lines/s",
                lines as f64 / seconds.max(1e-9)
            );
            Ok(())
        }
        ListsCommand::Export {
            data_dir,
            list,
            kind,
            format,
            out,
        } => {
            let store = open(&data_dir)?;
            let text = fraudwall_server::wire::export_text(&store, list, kind, format)?;
            store.append_audit(&AuditEvent {
                actor: "cli".to_owned(),
                action: "lists.export".to_owned(),
                resource: format!("list:{list}"),
                detail: serde_json::json!({"kind": kind.as_str()}).to_string(),
            })?;
            match out {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => std::io::stdout().lock().write_all(text.as_bytes())?,
            }
            Ok(())
        }
    }
}

fn open(data_dir: &std::path::Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(data_dir)
        .with_context(|| format!("cannot open store in {}", data_dir.display()))
}

/// What to import a file as.
struct Request<'a> {
    format: Format,
    list: List,
    kind: Kind,
    source: Source,
    fraud_type: Option<&'a str>,
    normalizer: PhoneNormalizer,
}

impl Request<'_> {
    /// The plan of a piece of the file whose first line is line `first`.
    fn plan(&self, text: &str, first: u64) -> ImportPlan {
        let mut plan = listfile::plan_import(
            text,
            self.format,
            self.list,
            self.kind,
            self.source,
            &self.normalizer,
        );
        if let Some(fraud_type) = self.fraud_type {
            fill_fraud_type(&mut plan, fraud_type);
        }
        if first > 1 {
            for line in &mut plan.lines {
                *line += first - 1;
            }
            for rejected in &mut plan.rejected {
                rejected.line += first - 1;
            }
        }
        plan
    }
}

fn fill_fraud_type(plan: &mut ImportPlan, fraud_type: &str) {
    for change in &mut plan.changes {
        if let Change::Put { attributes, .. } = change {
            attributes
                .fraud_type
                .get_or_insert_with(|| fraud_type.to_owned());
        }
    }
}

/// Imports `text` as one batch, one list version: a thread parses the next chunk of lines
/// while the store writes the last, so memory holds a few chunks rather than the whole file's
/// changes. Shows a progress bar on a terminal. Returns the summary and the count of lines.
fn import(
    store: &SqliteStore,
    text: &str,
    request: &Request<'_>,
) -> anyhow::Result<(ImportSummary, u64)> {
    let lines = text.lines().count() as u64;
    let progress = indicatif::ProgressBar::new(lines);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} lines {per_sec} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if lines < CHUNK as u64 {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut summary = ImportSummary {
        version: 0,
        imported: 0,
        duplicate: 0,
        skipped: 0,
        rejected: Vec::new(),
    };
    // the rest of each plan in flight, waiting for its changes to come back with outcomes
    let pending: RefCell<VecDeque<(ImportPlan, u64)>> = RefCell::default();
    let version = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<(ImportPlan, u64)>(1);
        scope.spawn(move || {
            for (plan, count) in plans(text, request) {
                if sender.send((plan, count)).is_err() {
                    // the store failed and stopped reading
                    return;
                }
            }
        });
        let mut chunks = receiver.into_iter().map(|(mut plan, count)| {
            let changes = std::mem::take(&mut plan.changes);
            pending.borrow_mut().push_back((plan, count));
            changes
        });
        // the official whitelist is changed only by an administrator, through the API
        store.apply_list_change_chunks(&mut chunks, "cli", false, &mut |changes, outcomes| {
            let (mut plan, count) = pending
                .borrow_mut()
                .pop_front()
                .expect("every chunk applied was planned");
            plan.changes = changes;
            let part = summarize(plan, &outcomes, 0);
            summary.imported += part.imported;
            summary.duplicate += part.duplicate;
            summary.skipped += part.skipped;
            summary.rejected.extend(part.rejected);
            progress.inc(count);
        })
    })?;
    progress.finish_and_clear();
    summary.version = version;
    summary.rejected.sort_by_key(|rejected| rejected.line);
    Ok((summary, lines))
}

/// The file's plans, a chunk of lines at a time, each with the count of lines it covers. Only
/// line-based formats can be cut between lines; a csv record may span several.
fn plans<'a>(
    text: &'a str,
    request: &'a Request<'a>,
) -> Box<dyn Iterator<Item = (ImportPlan, u64)> + 'a> {
    if request.format == Format::Csv {
        let mut plan = request.plan(text, 1);
        let mut changes = std::mem::take(&mut plan.changes).into_iter();
        let mut numbers = std::mem::take(&mut plan.lines).into_iter();
        // the first chunk carries the rejections, the skipped lines and the whole file's lines
        let mut first = Some((plan, text.lines().count() as u64));
        return Box::new(std::iter::from_fn(move || {
            let (mut part, count) = first.take().unwrap_or_default();
            part.changes = changes.by_ref().take(CHUNK).collect();
            part.lines = numbers.by_ref().take(CHUNK).collect();
            if part.changes.is_empty() && part.rejected.is_empty() && count == 0 {
                return None;
            }
            Some((part, count))
        }));
    }
    let mut rest = text;
    let mut first = 1u64;
    Box::new(std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = line_boundary(rest, CHUNK);
        let (piece, after) = rest.split_at(cut);
        rest = after;
        let count = piece.lines().count() as u64;
        let plan = request.plan(piece, first);
        first += count;
        Some((plan, count))
    }))
}

/// The byte offset just past the `lines`-th newline of `text`, or its end.
fn line_boundary(text: &str, lines: usize) -> usize {
    text.bytes()
        .enumerate()
        .filter(|(_, byte)| *byte == b'\n')
        .nth(lines - 1)
        .map_or(text.len(), |(at, _)| at + 1)
}

fn print_summary(summary: &ImportSummary, list: List, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, summary)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "imported {}, duplicate {}, rejected {}, skipped {} (list {list}, version {})",
        summary.imported,
        summary.duplicate,
        summary.rejected.len(),
        summary.skipped,
        summary.version
    )?;
    for rejected in &summary.rejected {
        writeln!(
            out,
            "rejected line {}: {}: {}: {}",
            rejected.line, rejected.code, rejected.message, rejected.text
        )?;
    }
    Ok(())
}
