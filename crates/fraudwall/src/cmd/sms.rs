//! placeholder, replaced by this command's authors
#[derive(Debug, clap::Subcommand)]
pub enum SmsCommand {}

pub fn run(command: SmsCommand) -> anyhow::Result<()> {
    match command {}
}
