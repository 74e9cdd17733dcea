//! The `fraudwall` binary: command-line entry points wired onto the library crates.

mod cmd;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "fraudwall", version, about = "anti-fraud platform against telecom and network fraud")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// URL tools: canonicalization and Safe Browsing expressions
    #[command(subcommand)]
    Url(cmd::url::UrlCommand),
    /// Phone-number tools: normalization to E.164
    #[command(subcommand)]
    Phone(cmd::phone::PhoneCommand),
    /// SMS text classifier: train, classify, evaluate
    #[command(subcommand)]
    Sms(cmd::sms::SmsCommand),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Url(command) => cmd::url::run(command),
        Command::Phone(command) => cmd::phone::run(command),
        Command::Sms(command) => cmd::sms::run(command),
    }
}
