//! The `fraudwall` binary: command-line entry points wired onto the library crates.

mod cmd;

/// The server allocates per request on every worker thread and frees on others; glibc's
/// allocator serializes that on arena locks, mimalloc's thread-local heaps do not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "fraudwall",
    version,
    about = "anti-fraud platform against telecom and network fraud"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole system (API server) on the embedded store
    Serve(cmd::serve::ServeArgs),
    /// Create, list and revoke API tokens
    #[command(subcommand)]
    Token(cmd::token::TokenCommand),
    /// Check the tamper-evident audit log
    #[command(subcommand)]
    Audit(cmd::audit::AuditCommand),
    /// URL tools: canonicalization and Safe Browsing expressions
    #[command(subcommand)]
    Url(cmd::url::UrlCommand),
    /// Phone-number tools: normalization to E.164
    #[command(subcommand)]
    Phone(cmd::phone::PhoneCommand),
    /// SMS text classifier: train, classify, evaluate
    #[command(subcommand)]
    Sms(cmd::sms::SmsCommand),
    /// Black, gray and white lists: import and export list files
    #[command(subcommand)]
    Lists(cmd::lists::ListsCommand),
    /// Who holds each phone and bank card: import operators' and banks' files
    #[command(subcommand)]
    Cards(cmd::cards::CardsCommand),
    /// Activity records (calls, SMS, visits, installs, transfers) for counter-inspection
    #[command(subcommand)]
    Events(cmd::events::EventsCommand),
    /// The subscriber registry: import an operator's file of territories, birth years and jobs
    #[command(subcommand)]
    Subscribers(cmd::registry::SubscribersCommand),
    /// The jurisdiction tree that warnings are dispatched and escalated along
    #[command(subcommand)]
    Units(cmd::registry::UnitsCommand),
    /// Decide on events from stdin (JSON lines) against a store's lists and rules
    Check(cmd::check::CheckArgs),
    /// Write a seeded simulated province, with its ground truth, into a directory
    Simulate(cmd::simulate::SimulateArgs),
    /// Replay a simulated scenario through a fresh node and score it against its truth
    Evaluate(cmd::evaluate::EvaluateArgs),
    /// Simulate a small province, replay and score it, and serve the API on it
    Demo(cmd::demo::DemoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => cmd::serve::run(args).map(|()| ExitCode::SUCCESS),
        Command::Token(command) => cmd::token::run(command).map(|()| ExitCode::SUCCESS),
        Command::Audit(command) => cmd::audit::run(command),
        Command::Url(command) => cmd::url::run(command).map(|()| ExitCode::SUCCESS),
        Command::Phone(command) => cmd::phone::run(command).map(|()| ExitCode::SUCCESS),
        Command::Sms(command) => cmd::sms::run(command).map(|()| ExitCode::SUCCESS),
        Command::Lists(command) => cmd::lists::run(command).map(|()| ExitCode::SUCCESS),
        Command::Cards(command) => cmd::cards::run(command).map(|()| ExitCode::SUCCESS),
        Command::Events(command) => cmd::events::run(command).map(|()| ExitCode::SUCCESS),
        Command::Subscribers(command) => {
            cmd::registry::run_subscribers(command).map(|()| ExitCode::SUCCESS)
        }
        Command::Units(command) => cmd::registry::run_units(command).map(|()| ExitCode::SUCCESS),
        Command::Check(args) => cmd::check::run(args).map(|()| ExitCode::SUCCESS),
        Command::Simulate(args) => cmd::simulate::run(args).map(|()| ExitCode::SUCCESS),
        Command::Evaluate(args) => cmd::evaluate::run(args).map(|()| ExitCode::SUCCESS),
        Command::Demo(args) => cmd::demo::run(args).map(|()| ExitCode::SUCCESS),
    };
    match outcome {
        Ok(code) => code,
        // the reader stopped reading (`| head`): what it wanted, it has
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
