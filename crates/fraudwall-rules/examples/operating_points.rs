//! How SMS model files decide the development set through the whole decision, at several risk
//! thresholds of the `warn` rule: fraud caught and false alarms per file, per model, per
//! threshold. A new model needs its own operating point, chosen here, before the held-out set
//! ever sees it.
//!
//! ```text
//! cargo run --release -p fraudwall-rules --example operating_points -- \
//!     [--warn 0.6,0.65,0.7] [--data data/sms/dev/zh.csv ...] bundled other-model.fwm
//! ```
//!
//! Each message is an SMS from an unlisted sender, decided by the built-in rules (with the
//! `warn` rule's threshold replaced) over empty lists; `warn`, `block` and `hold` count as
//! flagged. The data files default to the development set, `data/sms/dev/`; the held-out set is
//! refused, since nothing may be chosen on it.

use std::sync::Arc;

use fraudwall_ids::phone::{PhoneNormalizer, Region};
use fraudwall_lists::snapshot::Snapshot;
use fraudwall_rules::{DEFAULT_RULES, Engine, Event, RuleSet, RulesFormat, Scratch, Sms, Verdict};
use fraudwall_text::{Model, NORMAL};

/// The `warn` rule's condition in the built-in rules, whose threshold is replaced.
const WARN_CONDITION: &str = "at_least = { \"text.risk\" = 0.65 }";

struct Args {
    warn: Vec<String>,
    data: Vec<String>,
    models: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        warn: vec!["0.65".to_owned()],
        data: Vec::new(),
        models: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--warn" => {
                let list = it
                    .next()
                    .ok_or("--warn needs thresholds, such as 0.6,0.7")?;
                args.warn = list.split(',').map(str::to_owned).collect();
                for t in &args.warn {
                    match t.parse::<f32>() {
                        Ok(v) if (0.0..=1.0).contains(&v) => {}
                        _ => return Err(format!("threshold {t:?} is not within 0 to 1")),
                    }
                }
            }
            "--data" => args.data.push(it.next().ok_or("--data needs a CSV file")?),
            _ if arg.starts_with("--") => return Err(format!("unknown option {arg}")),
            _ => args.models.push(arg),
        }
    }
    if args.models.is_empty() {
        return Err("name at least one model: `bundled` or a model file".to_owned());
    }
    if args.data.is_empty() {
        let dev = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/sms/dev");
        args.data = vec![format!("{dev}/zh.csv"), format!("{dev}/en.csv")];
    }
    if let Some(heldout) = args.data.iter().find(|p| p.contains("heldout")) {
        return Err(format!(
            "{heldout}: the held-out set is only scored, never chosen on"
        ));
    }
    Ok(args)
}

/// `(label, text)` rows of a `label,text` CSV file.
fn read(path: &str) -> Result<Vec<(String, String)>, String> {
    let mut reader = csv::Reader::from_path(path).map_err(|e| format!("{path}: {e}"))?;
    reader
        .records()
        .map(|r| {
            let r = r.map_err(|e| format!("{path}: {e}"))?;
            Ok((r[0].to_owned(), r[1].to_owned()))
        })
        .collect()
}

fn main() {
    if let Err(message) = run() {
        eprintln!("error: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if !DEFAULT_RULES.contains(WARN_CONDITION) {
        return Err("the built-in rules no longer carry the warn condition this replaces".into());
    }
    let sets: Vec<(String, Vec<(String, String)>)> = args
        .data
        .iter()
        .map(|p| read(p).map(|rows| (p.rsplit('/').next().unwrap_or(p).to_owned(), rows)))
        .collect::<Result<_, _>>()?;
    let numbers = PhoneNormalizer::new(Region::CN);
    let sender = numbers
        .normalize("13912345678")
        .map_err(|e| e.to_string())?;
    let recipient = numbers
        .normalize("13800000000")
        .map_err(|e| e.to_string())?;
    for name in &args.models {
        let model = if name == "bundled" {
            Model::bundled()
        } else {
            let bytes = std::fs::read(name).map_err(|e| format!("{name}: {e}"))?;
            Model::from_bytes(&bytes)
        }
        .map_err(|e| format!("{name}: {e}"))?;
        println!("{name} ({})", model.version());
        let model = Arc::new(model);
        for threshold in &args.warn {
            let text = DEFAULT_RULES.replace(
                WARN_CONDITION,
                &format!("at_least = {{ \"text.risk\" = {threshold} }}"),
            );
            let rules = RuleSet::parse(&text, RulesFormat::Toml).map_err(|e| e.to_string())?;
            let engine = Engine::new(
                Snapshot::empty(),
                Arc::new(rules),
                Some(model.clone()),
                Region::CN,
            );
            let mut scratch = Scratch::new();
            let mut line = format!("  warn at {threshold:<5}");
            for (file, rows) in &sets {
                let (mut fraud, mut caught, mut normal, mut alarms) = (0, 0, 0, 0);
                for (label, text) in rows {
                    let event = Event::Sms(Sms {
                        sender: sender.into(),
                        recipient,
                        text: text.clone(),
                    });
                    let verdict = engine.decide(&event, &mut scratch).verdict;
                    let flagged = matches!(verdict, Verdict::Warn | Verdict::Block | Verdict::Hold);
                    if label == NORMAL {
                        normal += 1;
                        alarms += usize::from(flagged);
                    } else {
                        fraud += 1;
                        caught += usize::from(flagged);
                    }
                }
                line +=
                    &format!("  {file}: caught {caught}/{fraud}, false alarms {alarms}/{normal}");
            }
            println!("{line}");
        }
    }
    Ok(())
}
