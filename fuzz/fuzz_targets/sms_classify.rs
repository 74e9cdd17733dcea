//! Arbitrary bytes through the SMS classifier of the bundled model: normalization, segmentation,
//! feature extraction and scoring. Besides "never panics", it checks that probabilities are a
//! distribution, and that a scratch reused across messages (whose buffers and deduplication table
//! carry over from one message to the next) classifies exactly as a fresh one does. It also
//! normalizes with links' host words written out (`url_hosts`), which must leave the entities as
//! they were and the text tidy.

#![no_main]

use std::cell::RefCell;
use std::sync::LazyLock;

use fraudwall_text::{Model, Normalized, Normalizer, Placeholder, Scratch, normalize};
use libfuzzer_sys::fuzz_target;

static MODEL: LazyLock<Model> = LazyLock::new(|| Model::bundled().expect("bundled model"));

thread_local! {
    static REUSED: RefCell<Scratch> = RefCell::new(Scratch::new());
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let model = &*MODEL;
    let fresh = model.classify_with(&text, &mut Scratch::new(), 5);
    let reused = REUSED.with(|s| model.classify_with(&text, &mut s.borrow_mut(), 5));
    assert_eq!(fresh, reused, "{text:?}");

    let sum: f32 = fresh.probabilities.iter().sum();
    assert!((sum - 1.0).abs() < 1e-3, "{sum} {text:?}");
    assert!(fresh.probabilities.iter().all(|p| (0.0..=1.0).contains(p)));
    assert_eq!(model.classes()[fresh.class], fresh.label);
    assert!(fresh.reasons.len() <= 5);
    assert!(
        fresh
            .reasons
            .iter()
            .all(|r| !r.token.is_empty() && r.weight > 0.0)
    );

    let mut normalizer = Normalizer::new();
    normalizer.set_url_hosts(true);
    let mut with_hosts = Normalized::default();
    normalizer.normalize_into(&text, &mut with_hosts);
    let plain = normalize(&text);
    assert_eq!(with_hosts.entities, plain.entities, "{text:?}");
    let placeholders = with_hosts
        .text
        .chars()
        .filter(|c| Placeholder::from_char(*c).is_some())
        .count();
    assert_eq!(placeholders, with_hosts.entities.len(), "{text:?}");
    assert!(!with_hosts.text.contains("  "), "{text:?}");
});
