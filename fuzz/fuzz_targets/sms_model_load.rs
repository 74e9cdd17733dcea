//! Arbitrary bytes as a model file. A checksum would stop nearly every input at the door, so
//! each input is also framed as a file with a correct one: after the bundled model's header
//! (made small, 2^8 buckets) when the first byte is even, or as the whole body when it is odd.
//! Loading must fail with an error or give a model that classifies, saves, and loads again to
//! the same decisions.

#![no_main]

use std::sync::LazyLock;

use fraudwall_text::{FORMAT_VERSION, Model};
use libfuzzer_sys::fuzz_target;
use xxhash_rust::xxh3::xxh3_64;

static HEADER: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut info = Model::bundled().expect("bundled model").info().clone();
    info.features.bits = 8;
    serde_json::to_vec(&info).expect("header serializes")
});

const TEXTS: [&str; 3] = [
    "您好，我是公安局的民警，请配合调查",
    "WINNER!! claim your £1000 prize, txt WIN to 80086 now",
    "see you at 7",
];

fn framed(body: &[u8]) -> Vec<u8> {
    let mut file = b"FWSMSMDL".to_vec();
    file.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    file.extend_from_slice(body);
    let sum = xxh3_64(&file);
    file.extend_from_slice(&sum.to_le_bytes());
    file
}

fn check(model: &Model) {
    let again = Model::from_bytes(&model.to_bytes()).expect("a loaded model saves and loads");
    for text in TEXTS {
        let p = model.classify(text);
        // softmax falls back to uniform rather than give NaN, whatever the weights
        let sum: f32 = p.probabilities.iter().sum();
        assert!(p.probabilities.iter().all(|v| (0.0..=1.0).contains(v)));
        assert!((sum - 1.0).abs() < 1e-3, "{sum}");
        assert_eq!(again.classify(text), p);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Ok(model) = Model::from_bytes(data) {
        check(&model);
    }
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let body = if mode % 2 == 0 {
        let mut body = (HEADER.len() as u32).to_le_bytes().to_vec();
        body.extend_from_slice(&HEADER);
        body.extend_from_slice(rest);
        body
    } else {
        rest.to_vec()
    };
    if let Ok(model) = Model::from_bytes(&framed(&body)) {
        check(&model);
    }
});
