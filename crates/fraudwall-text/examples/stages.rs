//! Times each classification stage over a model and the corpora: `stages MODEL`.
use std::time::Instant;
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let model = fraudwall_text::Model::from_bytes(&std::fs::read(&args[1]).expect("model")).expect("model");
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/sms");
    let mut texts = Vec::new();
    for name in ["en-sms-spam.train.csv", "cn-fraud-sms.train.csv"] {
        let mut r = csv::Reader::from_path(format!("{dir}/{name}")).expect("csv");
        texts.extend(r.records().map(|r| r.expect("row")[1].to_owned()));
    }
    let mut norm = fraudwall_text::Normalizer::new();
    let mut out = fraudwall_text::Normalized::default();
    let best = |f: &mut dyn FnMut()| (0..5).map(|_| { let t = Instant::now(); f(); t.elapsed().as_secs_f64() }).fold(f64::MAX, f64::min);
    let n = texts.len() as f64;
    println!("normalize {:.2} us/msg", best(&mut || for x in &texts { norm.normalize_into(x, &mut out); }) * 1e6 / n);
    let mut s = fraudwall_text::Scratch::new();
    println!("probabilities {:.2} us/msg", best(&mut || for x in &texts { std::hint::black_box(model.probabilities_with(x, &mut s)); }) * 1e6 / n);
    println!("classify+reasons {:.2} us/msg", best(&mut || for x in &texts { std::hint::black_box(model.classify_with(x, &mut s, 5)); }) * 1e6 / n);
}
