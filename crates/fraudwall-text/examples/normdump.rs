//! Prints each CSV row's normalized text, placeholders as private-use characters, one per line.
fn main() {
    let path = std::env::args().nth(1).expect("csv path");
    let mut r = csv::Reader::from_path(path).expect("csv");
    for rec in r.records() {
        let rec = rec.expect("row");
        println!("{}\t{}", fraudwall_text::canonical_label(&rec[0]), fraudwall_text::normalize(&rec[1]).text);
    }
}
