//! `fraudwall evaluate --scenario DIR`: replays a simulated province through a fresh embedded
//! node, in time order, and scores what the node did against the scenario's truth.
//!
//! The replay is the node's own application layer, not a model of it: the operator's lists are
//! imported with the import use case; each activity record becomes the event the operator or
//! bank would ask about, decided by the engine exactly as `POST /v1/decisions` and
//! `fraudwall check` decide (`wire::parse_event`, `Engine::decide`); a citizen's clue is
//! evidence from that citizen's token; a victim's case is what an anti-fraud centre's analyst
//! lists black from it (its numbers, links, apps and accounts, source `case`); the reputation
//! pass runs every scenario hour. Every change reaches decisions before the next record, so what
//! the node learns on day 1 acts on day 2.

mod funds;
mod leads;
mod linking;
mod replay;
mod report;
mod scenario;
mod truth;
mod warnings;

use std::path::PathBuf;

use anyhow::Context;

pub use report::Report;

#[derive(Debug, clap::Args)]
pub struct EvaluateArgs {
    /// A scenario directory written by `fraudwall simulate`
    #[arg(long)]
    pub scenario: PathBuf,
    /// Also write the report as JSON to this file
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Keep the replay's store in this directory (default: a temporary one, removed after)
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
}

pub fn run(args: EvaluateArgs) -> anyhow::Result<()> {
    let report = evaluate(&args.scenario, args.data_dir.clone())?;
    print!("{}", report.table());
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_vec_pretty(&report.json())?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

/// Checks the scenario whole, replays it into a fresh store, and scores it.
pub fn evaluate(
    scenario_dir: &std::path::Path,
    data_dir: Option<PathBuf>,
) -> anyhow::Result<Report> {
    let scenario = scenario::Scenario::open(scenario_dir)?;
    let lines = scenario.check()?;
    tracing::info!(lines, "scenario checked");
    let truth = truth::Truth::load(&scenario_dir.join("truth.ndjson"))?;
    let (store_dir, temporary) = match data_dir {
        Some(dir) => {
            let occupied =
                std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some());
            anyhow::ensure!(
                !occupied,
                "{} is not empty; a replay starts from an empty store",
                dir.display()
            );
            (dir, false)
        }
        None => (
            std::env::temp_dir().join(format!(
                "fraudwall-evaluate-{}-{}",
                std::process::id(),
                time::OffsetDateTime::now_utc().unix_timestamp_nanos()
            )),
            true,
        ),
    };
    let outcome = replay::replay(&scenario, &truth, &store_dir);
    if temporary {
        let _ = std::fs::remove_dir_all(&store_dir);
    }
    outcome
}
