//! `fraudwall token …`: bootstrap and manage API tokens from the command line.

use std::path::PathBuf;

use anyhow::Context;
use fraudwall_store::{AuditEvent, NewToken, Role, SqliteStore, Store, mint_token};

#[derive(Debug, clap::Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it (and nothing else) on stdout
    Create {
        /// Directory of the embedded store
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        /// admin, analyst, station, bank, telco, reporter or monitor
        #[arg(long)]
        role: Role,
        /// Who holds the token (a person, a station, a bank's system)
        #[arg(long)]
        name: String,
        /// Organisation scope (a bank's or an operator's code)
        #[arg(long)]
        org: Option<String>,
        /// Territory scope (an administrative division code)
        #[arg(long)]
        territory: Option<String>,
    },
    /// List tokens (never their secrets) as JSON lines
    List {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
    },
    /// Revoke a token by id
    Revoke {
        #[arg(long, env = "FRAUDWALL_DATA_DIR")]
        data_dir: PathBuf,
        id: i64,
    },
}

pub fn run(command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create {
            data_dir,
            role,
            name,
            org,
            territory,
        } => {
            let name = name.trim().to_owned();
            anyhow::ensure!(!name.is_empty(), "--name must not be empty");
            let store = open(&data_dir)?;
            let (token, hash) = mint_token()?;
            let record = store.create_token(
                &NewToken {
                    role,
                    name,
                    org: org.filter(|v| !v.trim().is_empty()),
                    territory: territory.filter(|v| !v.trim().is_empty()),
                },
                &hash,
            )?;
            store.append_audit(&AuditEvent {
                actor: "cli".to_owned(),
                action: "token.create".to_owned(),
                resource: format!("token:{}", record.id),
                detail: serde_json::json!({"role": record.role, "name": record.name}).to_string(),
            })?;
            println!("{token}");
            Ok(())
        }
        TokenCommand::List { data_dir } => {
            let store = open(&data_dir)?;
            for record in store.tokens()? {
                let line = serde_json::json!({
                    "id": record.id,
                    "role": record.role,
                    "name": record.name,
                    "org": record.org,
                    "territory": record.territory,
                    "created_at": record.created_at,
                    "revoked_at": record.revoked_at,
                });
                println!("{line}");
            }
            Ok(())
        }
        TokenCommand::Revoke { data_dir, id } => {
            let store = open(&data_dir)?;
            anyhow::ensure!(store.revoke_token(id)?, "no active token {id}");
            store.append_audit(&AuditEvent {
                actor: "cli".to_owned(),
                action: "token.revoke".to_owned(),
                resource: format!("token:{id}"),
                detail: "{}".to_owned(),
            })?;
            eprintln!("revoked token {id}");
            Ok(())
        }
    }
}

pub fn open(data_dir: &std::path::Path) -> anyhow::Result<SqliteStore> {
    SqliteStore::open(data_dir)
        .with_context(|| format!("cannot open store in {}", data_dir.display()))
}
