//! `fraudwall demo`: a small simulated province, replayed into a fresh store, scored, and
//! served. What a new user sees first: the API with lists, rules and traffic behind it, an
//! administrator's token, and the figures that say how well the node protected the province.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use fraudwall_app::Principal;
use fraudwall_app::records::{NewToken, Role, SqliteStore};
use fraudwall_app::tokens;
use fraudwall_sim::Params;
use fraudwall_sim::calendar::Date;

use super::simulate::DirOutput;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Address to serve the API on
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Subscribers of the simulated province
    #[arg(long, default_value_t = 5_000)]
    pub subscribers: u32,
    /// Days simulated, ending yesterday
    #[arg(long, default_value_t = 2)]
    pub days: u32,
    /// The simulation's seed
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Keep the scenario and the store here (default: a temporary directory)
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let (root, temporary) = match &args.dir {
        Some(dir) => (dir.clone(), false),
        None => (
            std::env::temp_dir().join(format!("fraudwall-demo-{}", std::process::id())),
            true,
        ),
    };
    let outcome = demo(&args, &root, started);
    if temporary {
        let _ = std::fs::remove_dir_all(&root);
    }
    outcome
}

fn demo(args: &DemoArgs, root: &Path, started: std::time::Instant) -> anyhow::Result<()> {
    let scenario = root.join("scenario");
    let data_dir = root.join("data");
    for dir in [&scenario, &data_dir] {
        let occupied = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
        anyhow::ensure!(!occupied, "{} is not empty", dir.display());
    }
    std::fs::create_dir_all(&scenario)
        .with_context(|| format!("cannot create {}", scenario.display()))?;
    let today = time::OffsetDateTime::now_utc().date();
    let start = today - time::Duration::days(i64::from(args.days));
    let start: Date = format!(
        "{:04}-{:02}-{:02}",
        start.year(),
        u8::from(start.month()),
        start.day()
    )
    .parse()
    .map_err(|err| anyhow::anyhow!("cannot start the province on {start}: {err}"))?;
    let params = Params {
        start,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        ..Params::new(args.seed, args.subscribers, args.days)
    };
    eprintln!(
        "simulating a province of {} subscribers over {} days…",
        args.subscribers, args.days
    );
    let summary = fraudwall_sim::generate(
        &params,
        &mut DirOutput {
            root: scenario.clone(),
        },
        &mut |_| {},
    )
    .context("cannot simulate the province")?;
    eprintln!(
        "replaying {} records, {} cases and {} clues through a fresh node…",
        summary.total_records(),
        summary.cases,
        summary.clues
    );
    let report = super::evaluate::evaluate(&scenario, Some(data_dir.clone()))?;
    print!("{}", report.table());

    let store = SqliteStore::open(&data_dir)?;
    let (token, _) = tokens::create(
        &store,
        &Principal::command_line(),
        NewToken {
            role: Role::Admin,
            name: "demo".to_owned(),
            org: None,
            territory: None,
        },
    )?;
    super::store::seal(&data_dir, &store)?;
    drop(store);
    println!("admin token: {token}");
    println!(
        "try: curl -H 'Authorization: Bearer {token}' http://{}/v1/lists/status",
        args.listen
    );
    eprintln!(
        "ready in {:.1} s; serving the province's store",
        started.elapsed().as_secs_f64()
    );
    super::serve::run(super::serve::ServeArgs {
        data_dir: Some(data_dir),
        listen: Some(args.listen),
        config: None,
    })
}
