//! The generator alone, writing into `io::sink()`: records a second without the disk.
//!
//! `cargo run --release -p fraudwall-sim --example throughput -- [subscribers] [days] [threads]`

use std::io::Write;

use fraudwall_sim::{Output, Params, generate};

struct Sink;

impl Output for Sink {
    fn create(&mut self, _path: &str) -> std::io::Result<Box<dyn Write>> {
        Ok(Box::new(std::io::sink()))
    }
}

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers"))
        .collect();
    let mut params = Params::new(
        1,
        *args.first().unwrap_or(&100_000) as u32,
        *args.get(1).unwrap_or(&2) as u32,
    );
    params.threads = *args.get(2).unwrap_or(&1) as usize;
    let started = std::time::Instant::now();
    let summary = generate(&params, &mut Sink, &mut |_| {}).expect("generates");
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{} records in {seconds:.2} s: {:.0} records/s ({} threads)",
        summary.total_records(),
        summary.total_records() as f64 / seconds,
        params.threads
    );
}
