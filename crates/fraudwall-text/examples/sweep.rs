//! Cross-validates settings given as JSON candidates on the command line, printing per-source
//! scores: `cargo run --release --example sweep -- '{"features": {...}, "learner": {...}}' ...`
use fraudwall_text::{Candidate, TrainOptions, TrainingSet};

fn main() {
    let dir = std::env::var("FRAUDWALL_SHARED_DATA")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data").into());
    let mut set = TrainingSet::default();
    let names: Vec<String> = std::env::var("SOURCES")
        .map(|s| s.split(',').map(String::from).collect())
        .unwrap_or_else(|_| {
            vec![
                "en-sms-spam.train.csv".into(),
                "cn-fraud-sms.train.csv".into(),
            ]
        });
    for name in &names {
        let s = set.add_source(name);
        let mut r = csv::Reader::from_path(format!("{dir}/sms/{name}")).expect("corpus");
        for rec in r.records() {
            let rec = rec.expect("row");
            set.push(s, &rec[0], rec[1].to_owned());
        }
    }
    for arg in std::env::args().skip(1) {
        let candidate: Candidate = serde_json::from_str(&arg).expect("candidate json");
        let options = TrainOptions {
            folds: 5,
            candidates: vec![candidate],
            seed: 0x5EED,
            tune_offsets: std::env::var("NO_OFFSETS").is_err(),
            // the bundled model's word-piece table, for candidates with an embedding weight
            embeddings: fraudwall_text::Model::bundled()
                .ok()
                .and_then(|m| m.embeddings().cloned()),
            ..TrainOptions::default()
        };
        let t = std::time::Instant::now();
        let model = fraudwall_text::train(&set, &options, &mut |_| {}).expect("train");
        let v = model.info().validation.clone().expect("validation");
        let en = &v.per_source[0].1;
        let cn = &v.per_source[v.per_source.len() - 1].1;
        let spam_i = en.classes.iter().position(|c| c == "spam").unwrap_or(0);
        let spam = en.per_class[spam_i].f1;
        let fn_ = en.confusion[spam_i][0];
        println!(
            "off {:?} en_spam_f1 {spam:.4} (fn {fn_}) cn_macro {:.4} all_macro {:.4} rec@.99 {:?} {:.0}s  {arg}",
            v.offsets,
            cn.macro_f1,
            v.report.macro_f1,
            v.report.not_normal[0].recall,
            t.elapsed().as_secs_f64()
        );
    }
}
