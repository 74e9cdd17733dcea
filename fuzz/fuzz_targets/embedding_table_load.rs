//! Arbitrary bytes as an embedding table file, framed with the magic and a correct checksum so
//! that inputs reach the sizes and pieces behind them. The magic leaves out the version byte, so
//! the input's first byte picks the format: `1` a word-piece table, `2` a tagged one (a unigram
//! vocabulary with its piece scores). Loading must fail with an
//! error or give a table that embeds any text to unit length (or nothing) and saves to the
//! same bytes.

#![no_main]

use fraudwall_text::{EMBEDDINGS_MAGIC, Embeddings};
use libfuzzer_sys::fuzz_target;
use xxhash_rust::xxh3::xxh3_64;

fuzz_target!(|data: &[u8]| {
    let _ = Embeddings::from_bytes(data);
    let mut file = EMBEDDINGS_MAGIC.to_vec();
    file.extend_from_slice(data);
    let sum = xxh3_64(&file);
    file.extend_from_slice(&sum.to_le_bytes());
    if let Ok(table) = Embeddings::from_bytes(&file) {
        assert_eq!(
            table.to_bytes(),
            file,
            "a loaded table saves to the same bytes"
        );
        let text = String::from_utf8_lossy(data);
        for text in [text.as_ref(), "free prize, call now", "您好 café £5"] {
            let unit = table.embed_unit(text);
            if let Some(v) = unit {
                let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                assert!((norm - 1.0).abs() < 1e-3, "{norm}");
            }
        }
    }
});
