//! placeholder, replaced by this command's authors
#[derive(Debug, clap::Subcommand)]
pub enum PhoneCommand {}

pub fn run(command: PhoneCommand) -> anyhow::Result<()> {
    match command {}
}
