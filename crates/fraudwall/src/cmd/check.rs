//! `fraudwall check`: decisions for events read from stdin, made in process against the lists
//! and rules of an embedded store, exactly as `POST /v1/decisions` makes them.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::sync::Arc;

use fraudwall_app::{rules, setup, snapshots};
use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_rules::{Engine, Scratch};
use fraudwall_server::wire::{DecisionWire, parse_event};

use crate::cmd::lines::{ErrorBody, for_each_line};

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Directory of the embedded store whose lists and rules decide
    #[arg(long, env = "FRAUDWALL_DATA_DIR")]
    pub data_dir: PathBuf,
    /// Region for numbers written without a country code
    #[arg(long, default_value = "CN")]
    pub region: Region,
    /// SMS text model: `bundled`, `none`, or a model file
    #[arg(long, default_value = "bundled")]
    pub model: String,
}

#[derive(serde::Serialize)]
struct ErrorLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<&'a str>,
    error: ErrorBody,
}

/// stdin: one event per line, as in `POST /v1/decisions`. stdout: one decision (or error) per
/// line, in input order.
pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let store = crate::cmd::store::open_existing(&args.data_dir)?;
    let snapshot = snapshots::build_snapshot(&store)?;
    let rules = rules::load_active(&store)?;
    let model = setup::load_model(&args.model)?;
    let engine = Engine::new(snapshot, Arc::new(rules), model, args.region);
    let normalizer = PhoneNormalizer::new(args.region);
    let mut scratch = Scratch::new();
    let mut out = BufWriter::new(std::io::stdout().lock());
    for_each_line(std::io::stdin().lock(), |line| {
        let Ok(text) = std::str::from_utf8(line) else {
            let error = ErrorBody {
                code: "invalid_event",
                message: "the line is not utf-8".to_owned(),
            };
            serde_json::to_writer(&mut out, &ErrorLine { input: None, error })?;
            return Ok(writeln!(out)?);
        };
        if text.trim().is_empty() {
            return Ok(());
        }
        match parse_event(text, &normalizer) {
            Ok((event, id)) => {
                let decision = engine.decide(&event, &mut scratch);
                serde_json::to_writer(&mut out, &DecisionWire::new(id, decision))?;
            }
            Err(err) => {
                let error = ErrorBody {
                    code: err.code.name(),
                    message: err.message,
                };
                serde_json::to_writer(
                    &mut out,
                    &ErrorLine {
                        input: Some(text),
                        error,
                    },
                )?;
            }
        }
        Ok(writeln!(out)?)
    })?;
    out.flush()?;
    Ok(())
}
