//! `fraudwall audit …`: check the tamper-evident audit log.

use std::path::PathBuf;

use fraudwall_app::audit;
use fraudwall_server::wire::AuditReportView;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain; exits with status 1 if any entry was altered or removed
    Verify {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
    },
}

pub fn run(command: AuditCommand) -> anyhow::Result<std::process::ExitCode> {
    match command {
        AuditCommand::Verify { data_dir } => {
            let store = super::store::open_existing(&data_dir)?;
            let report = audit::verify(&store)?;
            println!(
                "{}",
                serde_json::to_string(&AuditReportView::from(report.clone()))?
            );
            match &report.first_break {
                None => {
                    eprintln!("audit chain intact: {} entries", report.entries);
                    Ok(std::process::ExitCode::SUCCESS)
                }
                Some(broken) => {
                    eprintln!(
                        "audit chain broken at entry {}: {}",
                        broken.seq, broken.reason
                    );
                    Ok(std::process::ExitCode::FAILURE)
                }
            }
        }
    }
}
