//! `fraudwall lists …`: import and export list files on the embedded store. A running server
//! sharing the store picks the changes up within its refresh period.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::entry::{Kind, List, Source};
use fraudwall_lists::import::Format;
use fraudwall_lists::listfile::{self, ImportPlan};
use fraudwall_server::wire::{ImportSummary, summarize};
use fraudwall_store::{AuditEvent, SqliteStore, Store};

/// Changes applied per store transaction: bounds memory on files of millions of lines.
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
            let text =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let text = String::from_utf8(text)
                .with_context(|| format!("{} is not utf-8", file.display()))?;
            let store = open(&data_dir)?;
            fraudwall_server::wire::seed_official_whitelist(&store, region)?;
            let mut plan = listfile::plan_import(
                &text,
                format,
                list,
                kind,
                source,
                &PhoneNormalizer::new(region),
            );
            drop(text);
            if let Some(fraud_type) = fraud_type {
                fill_fraud_type(&mut plan, &fraud_type);
            }
            let summary = apply(&store, plan)?;
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
            print_summary(&summary, list, json)
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

fn fill_fraud_type(plan: &mut ImportPlan, fraud_type: &str) {
    for change in &mut plan.changes {
        if let fraudwall_lists::entry::Change::Put { attributes, .. } = change {
            attributes
                .fraud_type
                .get_or_insert_with(|| fraud_type.to_owned());
        }
    }
}

/// Applies the plan in chunks, with a progress bar on a terminal.
fn apply(store: &SqliteStore, plan: ImportPlan) -> anyhow::Result<ImportSummary> {
    let total = plan.changes.len();
    let progress = indicatif::ProgressBar::new(total as u64);
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} entries {per_sec} {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    if total < CHUNK {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let mut outcomes = Vec::with_capacity(total);
    let mut version = store.list_version()?;
    for chunk in plan.changes.chunks(CHUNK) {
        // the official whitelist is changed only by an administrator, through the API
        let applied = store.apply_list_changes(chunk, "cli", false)?;
        version = applied.version;
        outcomes.extend(applied.outcomes);
        progress.inc(chunk.len() as u64);
    }
    progress.finish_and_clear();
    Ok(summarize(plan, &outcomes, version))
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
