//! `fraudwall token …`: bootstrap and manage API tokens from the command line.

use std::path::PathBuf;

use fraudwall_app::records::{NewToken, Role};
use fraudwall_app::{Principal, tokens};
use fraudwall_server::wire::rfc3339;

use crate::cmd::store;

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
            let store = store::create_or_open(&data_dir)?;
            let (token, _) = tokens::create(
                &store,
                &Principal::command_line(),
                NewToken {
                    role,
                    name,
                    org,
                    territory,
                },
            )?;
            store::seal(&data_dir, &store)?;
            println!("{token}");
            Ok(())
        }
        TokenCommand::List { data_dir } => {
            let store = store::open_existing(&data_dir)?;
            for record in tokens::list(&store, &Principal::command_line())? {
                let line = serde_json::json!({
                    "id": record.id,
                    "role": record.role.as_str(),
                    "name": record.name,
                    "org": record.org,
                    "territory": record.territory,
                    "created_at": rfc3339(record.created_at),
                    "revoked_at": record.revoked_at.map(rfc3339),
                });
                println!("{line}");
            }
            store::seal(&data_dir, &store)?;
            Ok(())
        }
        TokenCommand::Revoke { data_dir, id } => {
            let store = store::open_existing(&data_dir)?;
            tokens::revoke(&store, &Principal::command_line(), id)?;
            store::seal(&data_dir, &store)?;
            eprintln!("revoked token {id}");
            Ok(())
        }
    }
}
