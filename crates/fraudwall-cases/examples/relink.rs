//! Relinks COUNT synthetic cases (10 identifiers each) from scratch and prints the time, the
//! clusters and the memory held. With `--edges FILE`, also writes the unions it made as a text
//! edge list, for a graph library's connected components on the same edges.
//!
//!     cargo run --release -p fraudwall-cases --example relink -- 10000000 [--edges FILE]

use std::io::Write;
use std::time::Instant;

use fraudwall_cases::Linker;

/// The allocator of the `fraudwall` binary, whose node relinks its cases on start; with
/// `MIMALLOC_LARGE_OS_PAGES=1` its large tables ask for transparent huge pages.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let count: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000_000);
    let edges = match (args.next().as_deref(), args.next()) {
        (Some("--edges"), Some(path)) => Some(path),
        _ => None,
    };
    let occurrences_total = count as usize * synthetic::PER_CASE;

    // the generator alone, to tell its time from the linking's
    let started = Instant::now();
    let mut cases = synthetic::Cases::new(1, count);
    let mut occurrences = Vec::with_capacity(synthetic::PER_CASE);
    let mut checksum = 0u64;
    for _ in 0..count {
        let input = cases.next_case(&mut occurrences);
        checksum ^= input.external ^ occurrences[3].ident;
    }
    let generate = started.elapsed().as_secs_f64();
    let identifiers = cases.identifier_bound();

    let started = Instant::now();
    let mut cases = synthetic::Cases::new(1, count);
    let mut linker = Linker::with_capacity(count as usize, occurrences_total, identifiers);
    for _ in 0..count {
        let input = cases.next_case(&mut occurrences);
        linker.add_case(&input, &occurrences).expect("new case");
    }
    let total = started.elapsed().as_secs_f64();
    let counts = linker.cluster_counts();
    println!(
        "relinked {count} cases, {occurrences_total} occurrences, {} identifiers in {:.1} s \
         ({:.1} s without generating them; generating alone {generate:.1} s, checksum {checksum:x})",
        linker.identifiers(),
        total,
        total - generate
    );
    println!(
        "{} clusters; {} cases in clusters of two or more; largest {}",
        counts.clusters, counts.linked, counts.largest
    );
    println!(
        "linker heap {:.2} GiB; peak resident {}",
        linker.heap_bytes() as f64 / (1u64 << 30) as f64,
        peak_resident()
    );

    if let Some(path) = edges {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        let mut written = 0u64;
        let mut edges = Vec::new();
        linker.union_edges(&mut edges);
        for (a, b) in edges {
            writeln!(out, "{a} {b}")?;
            written += 1;
        }
        out.flush()?;
        println!("wrote {written} edges over {count} vertices to {path}");
    }
    Ok(())
}

fn peak_resident() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}
