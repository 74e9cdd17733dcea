//! placeholder, replaced by this command's authors
#[derive(Debug, clap::Subcommand)]
pub enum UrlCommand {}

pub fn run(command: UrlCommand) -> anyhow::Result<()> {
    match command {}
}
