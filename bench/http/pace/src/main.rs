//! An open-loop load generator for one question: the latency at a fixed request rate.
//!
//!     fraudwall-bench-pace --addr 127.0.0.1:8080 --path /v1/decisions --token T \
//!         --rate 20000 --connections 32 --seconds 10 BODY.json [BODY.json …]
//!
//! Each connection is a thread with a keep-alive socket and its own schedule: connection `c`
//! sends request `k` at `start + (k * connections + c) / rate`. Latency is measured from that
//! scheduled moment, not from when the request went out, so a stalled server is charged for
//! the requests that should have been sent meanwhile (no coordinated omission). The threads
//! sleep between requests and parse only the status line and `content-length`, so the
//! generator takes little of the cores it shares with the server.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Args {
    addr: String,
    path: String,
    token: String,
    rate: f64,
    connections: usize,
    seconds: f64,
    bodies: Vec<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        addr: "127.0.0.1:8080".into(),
        path: "/v1/decisions".into(),
        token: String::new(),
        rate: 20_000.0,
        connections: 32,
        seconds: 10.0,
        bodies: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--addr" => args.addr = value("--addr")?,
            "--path" => args.path = value("--path")?,
            "--token" => args.token = value("--token")?,
            "--rate" => args.rate = value("--rate")?.parse().map_err(|e| format!("--rate: {e}"))?,
            "--connections" => {
                args.connections = value("--connections")?
                    .parse()
                    .map_err(|e| format!("--connections: {e}"))?
            }
            "--seconds" => {
                args.seconds = value("--seconds")?
                    .parse()
                    .map_err(|e| format!("--seconds: {e}"))?
            }
            body => args.bodies.push(body.to_owned()),
        }
    }
    if args.bodies.is_empty() {
        return Err("give at least one body file".into());
    }
    Ok(args)
}

fn request_bytes(args: &Args, body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        args.path,
        args.addr,
        body.len()
    );
    if !args.token.is_empty() {
        head.push_str(&format!("Authorization: Bearer {}\r\n", args.token));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Reads one response; returns whether its status was 2xx.
fn read_response(reader: &mut BufReader<TcpStream>, line: &mut String) -> std::io::Result<bool> {
    line.clear();
    reader.read_line(line)?;
    let ok = line.split(' ').nth(1).is_some_and(|status| status.starts_with('2'));
    let mut length = 0usize;
    loop {
        line.clear();
        if reader.read_line(line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut left = length;
    while left > 0 {
        let buffer = reader.fill_buf()?;
        if buffer.is_empty() {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let take = buffer.len().min(left);
        reader.consume(take);
        left -= take;
    }
    Ok(ok)
}

struct Tally {
    latencies_us: Vec<u32>,
    failed: u64,
}

fn run_connection(args: &Args, requests: &[Vec<u8>], index: usize, start: Instant) -> Tally {
    let mut tally = Tally { latencies_us: Vec::new(), failed: 0 };
    let stream = match TcpStream::connect(&args.addr) {
        Ok(stream) => stream,
        Err(_) => {
            tally.failed += 1;
            return tally;
        }
    };
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().expect("a socket clones");
    let mut reader = BufReader::with_capacity(1 << 16, stream);
    let interval = args.connections as f64 / args.rate;
    let offset = index as f64 / args.rate;
    let mut line = String::new();
    for k in 0u64.. {
        let due = offset + k as f64 * interval;
        if due >= args.seconds {
            break;
        }
        let due_at = start + Duration::from_secs_f64(due);
        let now = Instant::now();
        if due_at > now {
            std::thread::sleep(due_at - now);
        }
        let request = &requests[(k as usize + index) % requests.len()];
        let outcome = writer
            .write_all(request)
            .and_then(|()| read_response(&mut reader, &mut line));
        match outcome {
            Ok(true) => {
                let micros = due_at.elapsed().as_micros().min(u32::MAX as u128) as u32;
                tally.latencies_us.push(micros);
            }
            Ok(false) => tally.failed += 1,
            Err(_) => {
                tally.failed += 1;
                break;
            }
        }
    }
    tally
}

fn main() {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("error: {message}");
            std::process::exit(2);
        }
    };
    let requests: Vec<Vec<u8>> = args
        .bodies
        .iter()
        .map(|file| {
            let body = std::fs::read(file).unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
            request_bytes(&args, &body)
        })
        .collect();
    let start = Instant::now() + Duration::from_millis(100);
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..args.connections)
            .map(|index| {
                let (args, requests) = (&args, &requests);
                scope.spawn(move || run_connection(args, requests, index, start))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a connection thread")).collect()
    });
    let elapsed = start.elapsed().as_secs_f64();
    let mut latencies: Vec<u32> = tallies.iter().flat_map(|t| t.latencies_us.iter().copied()).collect();
    let failed: u64 = tallies.iter().map(|t| t.failed).sum();
    latencies.sort_unstable();
    let percentile = |q: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let index = ((q * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len()) - 1;
        f64::from(latencies[index]) / 1000.0
    };
    let rps = latencies.len() as f64 / elapsed;
    println!("requests/s   {rps:.0} (asked {:.0})", args.rate);
    println!(
        "latency ms   p50 {:.3}   p99 {:.3}   p99.9 {:.3}   max {:.3}   (from the scheduled send)",
        percentile(0.5),
        percentile(0.99),
        percentile(0.999),
        percentile(1.0)
    );
    println!("failed       {failed}");
    println!(
        "RESULT rps={rps:.0} p50_ms={:.3} p99_ms={:.3} p999_ms={:.3} failed={failed}",
        percentile(0.5),
        percentile(0.99),
        percentile(0.999)
    );
}
