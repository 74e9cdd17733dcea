//! What the file-import commands share: a progress bar over the file on a terminal, and the
//! summary (counts, the first rejected lines, the rate) at the end.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use fraudwall_app::cards::RejectedLine;

/// Files smaller than this import too fast to need a bar.
const BAR_FROM_BYTES: u64 = 16 << 20;

pub struct ImportFile {
    pub reader: std::io::BufReader<std::fs::File>,
    pub bar: indicatif::ProgressBar,
    started: Instant,
}

impl ImportFile {
    pub fn open(file: &Path) -> anyhow::Result<ImportFile> {
        let started = Instant::now();
        let handle =
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
        let bar = if size >= BAR_FROM_BYTES {
            indicatif::ProgressBar::new(size)
        } else {
            indicatif::ProgressBar::hidden()
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Ok(ImportFile {
            reader: std::io::BufReader::with_capacity(1 << 20, handle),
            bar,
            started,
        })
    }
}

/// What an import did, as the command prints it.
pub struct Summary<'a> {
    pub imported: u64,
    pub rejected: u64,
    pub errors: &'a [RejectedLine],
    /// More fields for the JSON summary, and a word for the text one (`sims`).
    pub extra: serde_json::Value,
    pub label: Option<&'a str>,
    /// What a line holds, for the rate: `lines`, `records`.
    pub unit: &'a str,
}

impl ImportFile {
    /// Clears the bar and prints the summary on stdout and the rate on stderr.
    pub fn finish(self, json: bool, summary: Summary<'_>) {
        self.bar.finish_and_clear();
        let seconds = self.started.elapsed().as_secs_f64();
        if json {
            let errors: Vec<serde_json::Value> = summary
                .errors
                .iter()
                .map(|e| serde_json::json!({"line": e.line, "message": e.message}))
                .collect();
            let mut out = serde_json::json!({"imported": summary.imported,
                "rejected": summary.rejected, "errors": errors});
            if let (Some(out), serde_json::Value::Object(extra)) =
                (out.as_object_mut(), summary.extra)
            {
                out.extend(extra);
            }
            println!("{out}");
        } else {
            let label = summary.label.map(|l| format!(" ({l})")).unwrap_or_default();
            println!(
                "imported {}, rejected {}{label}",
                summary.imported, summary.rejected
            );
            for error in summary.errors {
                println!("line {}: {}", error.line, error.message);
            }
        }
        let lines = summary.imported + summary.rejected;
        if seconds > 0.0 {
            eprintln!(
                "{lines} {} in {seconds:.1} s, {:.0} {}/s",
                summary.unit,
                lines as f64 / seconds,
                summary.unit
            );
        }
    }
}
