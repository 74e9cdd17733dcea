//! `fraudwall serve`: the whole system on the embedded store.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use fraudwall_app::records::SqliteStore;
use fraudwall_server::Config;
use fraudwall_server::config::LogFormat;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Directory of the embedded store (created if missing)
    #[arg(long, env = "FRAUDWALL_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on, such as 127.0.0.1:8080 (port 0 picks a free port)
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// TOML configuration file; FRAUDWALL_<SECTION>__<KEY> variables override it
    #[arg(long, env = "FRAUDWALL_CONFIG")]
    pub config: Option<PathBuf>,
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    let mut config = Config::load(args.config.as_deref())?;
    if let Some(data_dir) = args.data_dir {
        config.store.data_dir = data_dir;
    }
    if let Some(listen) = args.listen {
        config.server.listen = listen;
    }
    init_logging(config.log.format, &config.log.filter)?;
    let store = SqliteStore::open(&config.store.data_dir)
        .with_context(|| format!("cannot open store in {}", config.store.data_dir.display()))?;
    tracing::info!(data_dir = %config.store.data_dir.display(), "store opened");
    let records = crate::cmd::store::open_records(&config.store.data_dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(fraudwall_server::serve(
        config,
        Arc::new(store),
        Arc::new(records),
        |address| {
            tracing::info!(%address, "listening");
            // The contract: one line on stdout containing `listening on ADDR`, flushed at once so
            // that scripts waiting for it see it.
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "listening on {address}");
            let _ = stdout.flush();
        },
    ))
}

fn init_logging(format: LogFormat, filter: &str) -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .with_context(|| format!("invalid log filter {filter:?}"))?;
    // colours only on a terminal: in files and pipes they are noise
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    let outcome = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
    outcome.map_err(|err| anyhow::anyhow!("cannot start logging: {err}"))
}
