//! `fraudwall sms`: train, apply and evaluate the SMS text classifier.
//!
//! - `train` reads `label,text` CSV files (the English label `ham` means `normal`), chooses its
//!   settings by k-fold cross-validation and writes a model file.
//! - `classify` reads JSON lines `{"id": …, "text": …}` on stdin and writes
//!   `{"id": …, "label": …, "confidence": …, "reasons": […], "entities": […]}` per line, in input
//!   order; a line that is not such an object gets `{"id": …, "error": {"code", "message"}}`.
//! - `eval` scores a model on labelled CSV files, or with `--cv K` runs a nested
//!   cross-validation: each of K folds is classified by a model trained (with its own inner
//!   cross-validation) on the other folds.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::lines::ErrorBody;
use anyhow::{Context, bail};
use fraudwall_text::{
    Candidate, EMBEDDINGS_MAGIC, Embeddings, Entity, FeatureConfig, Learner, Model, NORMAL,
    Progress, Reason, Report, Scored, Scratch, Summary, TrainOptions, TrainingSet,
    default_candidates, evaluate, repeated_stratified_folds, summarize,
};
use serde::Serialize;

#[derive(Debug, clap::Subcommand)]
pub enum SmsCommand {
    /// Train a model from `label,text` CSV files; settings are chosen by cross-validation
    Train {
        /// Labelled CSV file with a `label,text` header (repeatable)
        #[arg(long, required = true)]
        data: Vec<PathBuf>,
        /// Where to write the model file
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        training: TrainingArgs,
    },
    /// Classify JSON lines `{"id": …, "text": …}` from stdin, one JSON object per line on stdout
    Classify {
        /// Model file (default: the bundled model)
        #[arg(long)]
        model: Option<PathBuf>,
        /// How many reasons (top tokens) to give per message
        #[arg(long, default_value_t = 5)]
        reasons: usize,
        /// Also print every class's probability
        #[arg(long)]
        probabilities: bool,
    },
    /// Evaluate on labelled CSV files: a given model, or nested cross-validation with `--cv`
    Eval {
        /// Labelled CSV file with a `label,text` header (repeatable)
        #[arg(long, required = true)]
        data: Vec<PathBuf>,
        /// Model file to evaluate (default: the bundled model); not with `--cv`
        #[arg(long, conflicts_with = "cv")]
        model: Option<PathBuf>,
        /// Cross-validate instead: train on K-1 folds, classify the K-th, K times
        #[arg(long)]
        cv: Option<usize>,
        /// With `--cv`: repeat the cross-validation N times on differently dealt folds (the
        /// first as without this option) and report each figure's mean and spread
        #[arg(long, default_value_t = 1, requires = "cv")]
        repeat: u32,
        /// Write one CSV line per message: source, row, fold, label, predicted, p_not_normal
        #[arg(long)]
        predictions: Option<PathBuf>,
        /// Print the reports as JSON instead of tables
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        training: TrainingArgs,
    },
    /// Print a model's header: version, classes, training summary and validation metrics
    Info {
        /// Model file (default: the bundled model)
        #[arg(long)]
        model: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, clap::Args)]
pub struct TrainingArgs {
    /// Folds of the cross-validation that chooses the settings
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Hash table size as a power of two (the model holds 2^bits rows)
    #[arg(long, default_value_t = FeatureConfig::default().bits)]
    bits: u8,
    /// Settings to search: `default` (several n-gram ranges and regularizations, with naive
    /// Bayes), or `quick` (one setting, still cross-validated for metrics and calibration)
    #[arg(long, default_value = "default")]
    search: String,
    /// Instead of `--search`: the settings to try, as a JSON array of
    /// `{"features": {...}, "learner": {"kind": "linear_svm", "c": 1.0}}` (see `sms info`)
    #[arg(long, conflicts_with = "search")]
    candidates: Option<String>,
    /// Feature settings to change in every candidate of `--search`, as a JSON object of the
    /// `features` fields that `sms info` prints, such as `{"cjk_chars": [2, 2], "opening_words": 0}`
    #[arg(long, conflicts_with = "candidates")]
    features: Option<String>,
    /// Embedding table for the `embedding` feature: a table file written by
    /// `models/wordpiece_embeddings.py` or `models/sentencepiece_embeddings.py`, or a model
    /// file that holds one (default: the bundled model's table)
    #[arg(long, conflicts_with = "no_embeddings")]
    embeddings: Option<PathBuf>,
    /// Train without the word-piece embedding
    #[arg(long)]
    no_embeddings: bool,
    /// Copies of each training message (three words or more) with words dropped and a pair
    /// swapped, learned beside it; 0 for none
    #[arg(long, default_value_t = TrainOptions::default().augment)]
    augment: usize,
}

impl TrainingArgs {
    /// The table `--embeddings` names, or the bundled model's.
    fn embeddings(&self) -> anyhow::Result<Option<Arc<Embeddings>>> {
        if self.no_embeddings {
            return Ok(None);
        }
        let Some(path) = &self.embeddings else {
            return Ok(Model::bundled().ok().and_then(|m| m.embeddings().cloned()));
        };
        let bytes = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if bytes.starts_with(EMBEDDINGS_MAGIC) {
            let table = Embeddings::from_bytes(&bytes)
                .with_context(|| format!("loading embedding table {}", path.display()))?;
            return Ok(Some(Arc::new(table)));
        }
        let model = Model::from_bytes(&bytes).with_context(|| {
            format!(
                "{} is neither an embedding table nor a model",
                path.display()
            )
        })?;
        match model.embeddings() {
            Some(table) => Ok(Some(table.clone())),
            None => bail!("model {} has no embedding table", path.display()),
        }
    }

    fn options(&self) -> anyhow::Result<TrainOptions> {
        let candidates = match (&self.candidates, self.search.as_str()) {
            (Some(json), _) => serde_json::from_str(json)
                .context("--candidates is not a JSON array of candidates")?,
            (None, "default") => default_candidates(self.bits),
            (None, "quick") => vec![Candidate {
                features: FeatureConfig {
                    bits: self.bits,
                    ..FeatureConfig::default()
                },
                // the bundled model's setting: chosen on the development set, where 1.0 caught
                // as much as 3.0 in English and more in Chinese
                learner: Learner::LinearSvm { c: 1.0 },
            }],
            (None, other) => bail!("unknown --search {other:?}: use default or quick"),
        };
        let candidates = match &self.features {
            None => candidates,
            Some(json) => candidates
                .into_iter()
                .map(|c| {
                    let features = c
                        .features
                        .with_overrides(json)
                        .map_err(|e| anyhow::anyhow!("--features: {e}"))?;
                    Ok(Candidate { features, ..c })
                })
                .collect::<anyhow::Result<_>>()?,
        };
        Ok(TrainOptions {
            folds: self.folds,
            candidates,
            embeddings: self.embeddings()?,
            augment: self.augment,
            ..TrainOptions::default()
        })
    }
}

pub fn run(command: SmsCommand) -> anyhow::Result<()> {
    match command {
        SmsCommand::Train {
            data,
            out,
            training,
        } => train(&data, &out, &training),
        SmsCommand::Classify {
            model,
            reasons,
            probabilities,
        } => {
            let model = load_model(model.as_deref())?;
            let stdin = io::stdin().lock();
            let stdout = BufWriter::with_capacity(1 << 16, io::stdout().lock());
            classify_lines(&model, reasons, probabilities, stdin, stdout)
        }
        SmsCommand::Eval {
            data,
            model,
            cv,
            repeat,
            predictions,
            json,
            training,
        } => {
            let set = read_sets(&data)?;
            match cv {
                Some(k) => cross_validate(
                    &set,
                    CrossValidation { folds: k, repeat },
                    &training,
                    predictions.as_deref(),
                    json,
                ),
                None => eval_model(
                    &load_model(model.as_deref())?,
                    &set,
                    predictions.as_deref(),
                    json,
                ),
            }
        }
        SmsCommand::Info { model } => {
            let model = load_model(model.as_deref())?;
            println!("{}", serde_json::to_string_pretty(model.info())?);
            Ok(())
        }
    }
}

fn load_model(path: Option<&Path>) -> anyhow::Result<Model> {
    match path {
        Some(path) => {
            let bytes = fs::read(path)
                .with_context(|| format!("cannot read model file {}", path.display()))?;
            Model::from_bytes(&bytes)
                .map_err(|e| anyhow::anyhow!("{}: {e} ({})", path.display(), e.code()))
        }
        None => Model::bundled().map_err(|e| anyhow::anyhow!("bundled model: {e} ({})", e.code())),
    }
}

/// Reads `label,text` CSV files. A malformed row stops the run with its file and line: a
/// training set that silently lost rows would be worse than none.
fn read_sets(paths: &[PathBuf]) -> anyhow::Result<TrainingSet> {
    let mut set = TrainingSet::default();
    for path in paths {
        let source = set.add_source(path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        ));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let headers = reader
            .headers()
            .with_context(|| format!("{}: no header", path.display()))?
            .clone();
        let column = |name: &str, fallback: usize| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
                .unwrap_or(fallback)
        };
        let (label_at, text_at) = (column("label", 0), column("text", 1));
        for record in reader.records() {
            let record = record.with_context(|| format!("{}: malformed CSV", path.display()))?;
            let line = record.position().map_or(0, |p| p.line());
            let (Some(label), Some(text)) = (record.get(label_at), record.get(text_at)) else {
                bail!("{}:{line}: expected label and text columns", path.display());
            };
            if label.trim().is_empty() {
                bail!("{}:{line}: empty label", path.display());
            }
            set.push(source, label, text);
        }
    }
    if set.examples.is_empty() {
        bail!(
            "no labelled messages in {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(set)
}

fn report_progress(prefix: &str) -> impl FnMut(Progress<'_>) + '_ {
    move |p| match p {
        Progress::Normalized { messages } => eprintln!("{prefix}normalized {messages} messages"),
        Progress::Dictionary { words } => {
            eprintln!("{prefix}segmentation dictionary: {words} words")
        }
        Progress::Fold { .. } => {}
        Progress::Candidate {
            index,
            candidate,
            macro_f1,
        } => eprintln!(
            "{prefix}candidate {}: {} cjk_chars={:?} latin_chars={:?} -> cross-validated macro-F1 {macro_f1:.4}",
            index + 1,
            candidate.learner,
            candidate.features.cjk_chars,
            candidate.features.latin_chars
        ),
        Progress::FinalFit { candidate } => {
            eprintln!("{prefix}final fit on all messages: {}", candidate.learner)
        }
    }
}

fn train(data: &[PathBuf], out: &Path, args: &TrainingArgs) -> anyhow::Result<()> {
    let set = read_sets(data)?;
    let options = args.options()?;
    let started = Instant::now();
    let model = fraudwall_text::train(&set, &options, &mut report_progress(""))
        .map_err(|e| anyhow::anyhow!("{e} ({})", e.code()))?;
    let bytes = model.to_bytes();
    fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    let info = model.info();
    println!(
        "wrote {} ({:.1} MB), version {}, {} messages, trained in {:.1} s",
        out.display(),
        bytes.len() as f64 / 1e6,
        model.version(),
        info.training.messages,
        started.elapsed().as_secs_f64()
    );
    if let Some(v) = &info.validation {
        println!(
            "chosen: {} with {:?}; {}-fold cross-validation:",
            info.learner, info.features, v.folds
        );
        for (source, report) in &v.per_source {
            println!("== {source}\n{report}");
        }
        println!("== all\n{}", v.report);
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct Input {
    #[serde(default)]
    id: serde_json::Value,
    text: String,
}

#[derive(Serialize)]
struct Output<'a> {
    id: &'a serde_json::Value,
    label: &'a str,
    confidence: f32,
    reasons: &'a [Reason],
    entities: &'a [Entity],
    #[serde(skip_serializing_if = "Option::is_none")]
    probabilities: Option<BTreeMap<&'a str, f32>>,
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    id: &'a serde_json::Value,
    error: ErrorBody,
}

fn classify_lines(
    model: &Model,
    reasons: usize,
    probabilities: bool,
    input: impl BufRead,
    mut out: impl Write,
) -> anyhow::Result<()> {
    let mut scratch = Scratch::new();
    let null = serde_json::Value::Null;
    for line in input.lines() {
        let line = line.context("cannot read stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Input>(&line) {
            Ok(msg) => {
                let p = model.classify_with(&msg.text, &mut scratch, reasons);
                let probabilities = probabilities.then(|| {
                    model
                        .classes()
                        .iter()
                        .map(String::as_str)
                        .zip(p.probabilities.iter().copied())
                        .collect()
                });
                serde_json::to_writer(
                    &mut out,
                    &Output {
                        id: &msg.id,
                        label: &p.label,
                        confidence: p.confidence,
                        reasons: &p.reasons,
                        entities: &p.entities,
                        probabilities,
                    },
                )?;
            }
            Err(e) => {
                // keep the id when the line is an object with one, so the answer can be matched
                let id = serde_json::from_str::<serde_json::Value>(&line)
                    .ok()
                    .and_then(|v| v.get("id").cloned());
                let code = if id.is_some() || e.is_data() {
                    "invalid_message"
                } else {
                    "invalid_json"
                };
                serde_json::to_writer(
                    &mut out,
                    &ErrorLine {
                        id: id.as_ref().unwrap_or(&null),
                        error: ErrorBody {
                            code,
                            message: format!("expected {{\"id\": …, \"text\": \"…\"}}: {e}"),
                        },
                    },
                )?;
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// The classes of a training set in the order models use: `normal` first, then sorted.
fn classes_of(set: &TrainingSet) -> Vec<String> {
    let mut classes: Vec<String> = set.examples.iter().map(|e| e.label.clone()).collect();
    classes.sort();
    classes.dedup();
    if let Some(i) = classes.iter().position(|c| c == NORMAL) {
        let normal = classes.remove(i);
        classes.insert(0, normal);
    }
    classes
}

struct Prediction {
    fold: usize,
    predicted: usize,
    not_normal: f32,
}

/// Scores held-out messages with `model`, mapping its classes onto `classes`. Returns the time
/// spent classifying (normalization, features and scoring: what a caller pays per message).
fn predict(
    model: &Model,
    set: &TrainingSet,
    rows: &[usize],
    classes: &[String],
    fold: usize,
    out: &mut [Option<Prediction>],
) -> anyhow::Result<Duration> {
    let map: Vec<usize> = model
        .classes()
        .iter()
        .map(|c| classes.iter().position(|k| k == c).unwrap_or(usize::MAX))
        .collect();
    let normal = model.normal_class();
    let mut scratch = Scratch::new();
    let mut probabilities = vec![Vec::new(); rows.len()];
    let started = Instant::now();
    for (slot, &r) in probabilities.iter_mut().zip(rows) {
        slot.extend_from_slice(model.probabilities_with(&set.examples[r].text, &mut scratch));
    }
    let elapsed = started.elapsed();
    for (p, &r) in probabilities.iter().zip(rows) {
        let best = (0..p.len())
            .max_by(|a, b| p[*a].total_cmp(&p[*b]).then(b.cmp(a)))
            .unwrap_or(0);
        if map[best] == usize::MAX {
            bail!(
                "model class {:?} is not a label of the data",
                model.classes()[best]
            );
        }
        out[r] = Some(Prediction {
            fold,
            predicted: map[best],
            not_normal: normal.map_or(1.0, |n| 1.0 - p[n]),
        });
    }
    Ok(elapsed)
}

#[derive(Serialize)]
struct EvalOutput<'a> {
    per_source: Vec<(&'a str, Report)>,
    all: Report,
    classify_seconds: f64,
    messages_per_second: f64,
}

/// Time spent classifying, and how many messages it covered.
#[derive(Clone, Copy, Debug)]
struct Timing {
    messages: usize,
    elapsed: Duration,
}

impl Timing {
    fn messages_per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.messages as f64 / seconds
        } else {
            0.0
        }
    }

    fn output<'a>(&self, per_source: Vec<(&'a str, Report)>, all: Report) -> EvalOutput<'a> {
        EvalOutput {
            per_source,
            all,
            classify_seconds: self.elapsed.as_secs_f64(),
            messages_per_second: self.messages_per_second(),
        }
    }
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let seconds = self.elapsed.as_secs_f64();
        write!(
            f,
            "classification: {} messages in {seconds:.3} s, {:.1} µs per message, {:.0} messages/s (one thread)",
            self.messages,
            seconds * 1e6 / self.messages.max(1) as f64,
            self.messages_per_second()
        )
    }
}

/// The reports of one pass over the data: per source and over all.
struct Outcome<'a> {
    per_source: Vec<(&'a str, Report)>,
    all: Report,
}

fn outcome<'a>(
    set: &'a TrainingSet,
    classes: &[String],
    predictions: &[Option<Prediction>],
) -> Outcome<'a> {
    let truth: BTreeMap<&str, usize> = classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let scored: Vec<Scored> = set
        .examples
        .iter()
        .zip(predictions)
        .filter_map(|(e, p)| {
            p.as_ref().map(|p| Scored {
                truth: truth[e.label.as_str()],
                predicted: p.predicted,
                not_normal: p.not_normal,
            })
        })
        .collect();
    let per_source: Vec<(&str, Report)> = set
        .sources
        .iter()
        .enumerate()
        .map(|(s, name)| {
            let rows: Vec<Scored> = set
                .examples
                .iter()
                .zip(&scored)
                .filter(|(e, _)| e.source == s)
                .map(|(_, x)| *x)
                .collect();
            (name.as_str(), evaluate(classes, &rows))
        })
        .collect();
    Outcome {
        per_source,
        all: evaluate(classes, &scored),
    }
}

/// One CSV line per message and repetition: source, row, fold, label, predicted, p_not_normal,
/// repetition.
fn write_predictions(
    path: &Path,
    set: &TrainingSet,
    classes: &[String],
    runs: &[Vec<Option<Prediction>>],
) -> anyhow::Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))?;
    w.write_record([
        "source",
        "row",
        "fold",
        "label",
        "predicted",
        "p_not_normal",
        "repetition",
    ])?;
    for (repetition, predictions) in runs.iter().enumerate() {
        let mut row_in_source = vec![0usize; set.sources.len()];
        for (e, p) in set.examples.iter().zip(predictions) {
            let row = row_in_source[e.source];
            row_in_source[e.source] += 1;
            if let Some(p) = p {
                w.write_record([
                    set.sources[e.source].as_str(),
                    &row.to_string(),
                    &p.fold.to_string(),
                    &e.label,
                    &classes[p.predicted],
                    &format!("{:.6}", p.not_normal),
                    &repetition.to_string(),
                ])?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

fn finish(
    set: &TrainingSet,
    classes: &[String],
    predictions: Vec<Option<Prediction>>,
    elapsed: Duration,
    path: Option<&Path>,
    json: bool,
) -> anyhow::Result<()> {
    let Outcome { per_source, all } = outcome(set, classes, &predictions);
    let timing = Timing {
        messages: all.messages,
        elapsed,
    };
    if let Some(path) = path {
        write_predictions(path, set, classes, &[predictions])?;
    }
    if json {
        let out = timing.output(per_source, all);
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for (name, report) in &per_source {
            println!("== {name}\n{report}");
        }
        println!("== all\n{all}");
        println!("{timing}");
    }
    Ok(())
}

fn eval_model(
    model: &Model,
    set: &TrainingSet,
    predictions: Option<&Path>,
    json: bool,
) -> anyhow::Result<()> {
    let mut classes: Vec<String> = model.classes().to_vec();
    for e in &set.examples {
        if !classes.contains(&e.label) {
            classes.push(e.label.clone());
            eprintln!(
                "note: label {:?} is not a class of the model; its messages all count as misclassified",
                e.label
            );
        }
    }
    let rows: Vec<usize> = (0..set.examples.len()).collect();
    let mut out: Vec<Option<Prediction>> = (0..rows.len()).map(|_| None).collect();
    let elapsed = predict(model, set, &rows, &classes, 0, &mut out)?;
    finish(set, &classes, out, elapsed, predictions, json)
}

/// How `eval --cv` deals and repeats its folds.
#[derive(Clone, Copy, Debug)]
struct CrossValidation {
    folds: usize,
    repeat: u32,
}

fn cross_validate(
    set: &TrainingSet,
    cv: CrossValidation,
    args: &TrainingArgs,
    predictions: Option<&Path>,
    json: bool,
) -> anyhow::Result<()> {
    let k = cv.folds;
    if k < 2 {
        bail!("--cv needs at least 2 folds, got {k}");
    }
    if cv.repeat == 0 {
        bail!("--repeat needs at least 1 repetition");
    }
    let options = args.options()?;
    let classes = classes_of(set);
    let labels: Vec<usize> = set
        .examples
        .iter()
        .map(|e| classes.iter().position(|c| *c == e.label).unwrap_or(0))
        .collect();
    let mut runs = Vec::new();
    let started = Instant::now();
    for repetition in 0..cv.repeat {
        let folds = repeated_stratified_folds(&labels, k, repetition);
        let mut out: Vec<Option<Prediction>> = (0..set.examples.len()).map(|_| None).collect();
        let mut elapsed = Duration::ZERO;
        for fold in 0..k {
            let train_rows: Vec<usize> = (0..folds.len()).filter(|&r| folds[r] != fold).collect();
            let test_rows: Vec<usize> = (0..folds.len()).filter(|&r| folds[r] == fold).collect();
            let sub = TrainingSet {
                sources: set.sources.clone(),
                examples: train_rows
                    .iter()
                    .map(|&r| set.examples[r].clone())
                    .collect(),
            };
            let prefix = if cv.repeat > 1 {
                format!(
                    "repetition {}/{}, fold {}/{k}: ",
                    repetition + 1,
                    cv.repeat,
                    fold + 1
                )
            } else {
                format!("fold {}/{k}: ", fold + 1)
            };
            let model = fraudwall_text::train(&sub, &options, &mut report_progress(&prefix))
                .map_err(|e| anyhow::anyhow!("fold {}: {e} ({})", fold + 1, e.code()))?;
            elapsed += predict(&model, set, &test_rows, &classes, fold, &mut out)?;
            eprintln!(
                "{prefix}chosen {} ({:.0} s so far)",
                model.info().learner,
                started.elapsed().as_secs_f64()
            );
        }
        runs.push((out, elapsed));
    }
    if cv.repeat == 1
        && let Some((out, elapsed)) = runs.pop()
    {
        return finish(set, &classes, out, elapsed, predictions, json);
    }
    let (runs, times): (Vec<_>, Vec<_>) = runs.into_iter().unzip();
    if let Some(path) = predictions {
        write_predictions(path, set, &classes, &runs)?;
    }
    summarize_repetitions(set, &classes, cv, &runs, &times, json)
}

#[derive(Serialize)]
struct RepeatedOutput<'a> {
    repetitions: Vec<EvalOutput<'a>>,
    summary: Vec<(&'a str, Summary)>,
    classify_seconds: f64,
    messages_per_second: f64,
}

/// Prints each repetition's headline figures, then every figure's mean and spread per source
/// and over all.
fn summarize_repetitions(
    set: &TrainingSet,
    classes: &[String],
    cv: CrossValidation,
    runs: &[Vec<Option<Prediction>>],
    times: &[Duration],
    json: bool,
) -> anyhow::Result<()> {
    let outcomes: Vec<Outcome> = runs.iter().map(|r| outcome(set, classes, r)).collect();
    let mut names: Vec<&str> = set.sources.iter().map(String::as_str).collect();
    names.push("all");
    let report_of = |o: &Outcome, s: usize| -> Report {
        o.per_source
            .get(s)
            .map_or_else(|| o.all.clone(), |(_, r)| r.clone())
    };
    let summary: Vec<(&str, Summary)> = names
        .iter()
        .enumerate()
        .filter_map(|(s, name)| {
            let reports: Vec<Report> = outcomes.iter().map(|o| report_of(o, s)).collect();
            summarize(&reports).map(|x| (*name, x))
        })
        .collect();
    let timings: Vec<Timing> = outcomes
        .iter()
        .zip(times)
        .map(|(o, &elapsed)| Timing {
            messages: o.all.messages,
            elapsed,
        })
        .collect();
    let total = Timing {
        messages: timings.iter().map(|t| t.messages).sum(),
        elapsed: times.iter().sum(),
    };
    if json {
        let out = RepeatedOutput {
            repetitions: outcomes
                .into_iter()
                .zip(&timings)
                .map(|(o, t)| t.output(o.per_source, o.all))
                .collect(),
            summary,
            classify_seconds: total.elapsed.as_secs_f64(),
            messages_per_second: total.messages_per_second(),
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    for (r, o) in outcomes.iter().enumerate() {
        let figures: Vec<String> = o
            .per_source
            .iter()
            .map(|(name, report)| format!("{name} macro-F1 {:.4}", report.macro_f1))
            .collect();
        println!("repetition {}: {}", r + 1, figures.join(", "));
    }
    for (name, s) in &summary {
        println!(
            "\n== {name}: mean over {} repetitions of {}-fold cross-validation\n{s}",
            s.repetitions, cv.folds
        );
    }
    println!("{total}");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_answers_every_line_in_order() {
        let Ok(model) = Model::bundled() else { return };
        let input = "{\"id\": 1, \"text\": \"您好，我是公安局的民警\"}\nnot json\n\n{\"id\": \"b\"}\n{\"id\": 3, \"text\": \"see you at lunch\"}\n";
        let mut out = Vec::new();
        classify_lines(&model, 2, false, input.as_bytes(), &mut out).expect("runs");
        let lines: Vec<serde_json::Value> = String::from_utf8(out)
            .expect("utf-8")
            .lines()
            .map(|l| serde_json::from_str(l).expect("json"))
            .collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0]["id"], 1);
        assert!(lines[0]["label"].is_string());
        assert_eq!(lines[1]["error"]["code"], "invalid_json");
        assert_eq!(lines[2]["id"], "b");
        assert_eq!(lines[2]["error"]["code"], "invalid_message");
        assert_eq!(lines[3]["label"], NORMAL);
    }
}
