//! `fraudwall audit …`: check the tamper-evident audit log against its signed checkpoints, and
//! hand the checkpoints to a witness.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use fraudwall_app::audit;
use fraudwall_app::witness::{self, Checkpoint};
use fraudwall_server::wire::AuditReportView;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain and check it against the signed checkpoints of its head; exits
    /// with status 1 if any entry was altered or removed
    Verify {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        /// The public key to trust (64 hex digits); by default the one beside the signing key.
        /// A witness pins its own copy, so that a replaced key file is not believed
        #[arg(long)]
        public_key: Option<PathBuf>,
        /// Checkpoints kept elsewhere (a witness's copy), checked as well as the node's own
        #[arg(long)]
        witness: Vec<PathBuf>,
    },
    /// Print the signed checkpoints, one JSON object a line, for a witness to keep
    Checkpoints {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        /// Only checkpoints of entries after this sequence number
        #[arg(long, default_value_t = 0)]
        after: u64,
    },
}

pub fn run(command: AuditCommand) -> anyhow::Result<std::process::ExitCode> {
    match command {
        AuditCommand::Verify {
            data_dir,
            public_key,
            witness,
        } => verify(&data_dir, public_key.as_deref(), &witness),
        AuditCommand::Checkpoints { data_dir, after } => {
            super::store::open_existing(&data_dir)?;
            let files = super::store::witness_files(&data_dir);
            let mut out = std::io::stdout().lock();
            for checkpoint in witness::read_checkpoints(&files.checkpoints)? {
                if checkpoint.seq > after {
                    writeln!(out, "{}", serde_json::to_string(&checkpoint)?)?;
                }
            }
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

fn verify(
    data_dir: &Path,
    public_key: Option<&Path>,
    witnesses: &[PathBuf],
) -> anyhow::Result<std::process::ExitCode> {
    let store = super::store::open_existing(data_dir)?;
    let files = super::store::witness_files(data_dir);
    let key = match public_key {
        Some(path) => Some(witness::read_public_key(path)?),
        None => [files.public_key(), files.signing_key.clone()]
            .into_iter()
            .find(|path| path.exists())
            .map(|path| witness::read_public_key(&path))
            .transpose()?,
    };
    let mut checkpoints: Vec<Checkpoint> = witness::read_checkpoints(&files.checkpoints)?;
    for path in witnesses {
        anyhow::ensure!(path.exists(), "no checkpoint file {}", path.display());
        checkpoints.extend(
            witness::read_checkpoints(path)
                .with_context(|| format!("cannot read checkpoints {}", path.display()))?,
        );
    }
    let verification = audit::verify(&store, &checkpoints, key.as_ref())?;
    let holds = verification.holds();
    let chain_break = verification.chain.first_break.clone();
    let entries = verification.chain.entries;
    let problem = verification
        .checkpoints
        .as_ref()
        .and_then(|report| report.problem.clone());
    println!(
        "{}",
        serde_json::to_string(&AuditReportView::from(verification))?
    );
    if let Some(broken) = chain_break {
        eprintln!(
            "audit chain broken at entry {}: {}",
            broken.seq, broken.reason
        );
        return Ok(std::process::ExitCode::FAILURE);
    }
    if let Some(problem) = problem {
        eprintln!("audit log fails its signed checkpoints: {problem}");
        return Ok(std::process::ExitCode::FAILURE);
    }
    if key.is_none() && entries > 0 {
        eprintln!("audit log not witnessed: no audit key found; pass --public-key");
        return Ok(std::process::ExitCode::FAILURE);
    }
    debug_assert!(holds);
    eprintln!("audit chain intact: {entries} entries, every signed checkpoint held");
    Ok(std::process::ExitCode::SUCCESS)
}
