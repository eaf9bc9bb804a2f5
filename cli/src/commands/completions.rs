//! `audacities completions SHELL`: completion scripts generated from the clap definition.

use clap::CommandFactory;
use clap_complete::Shell;

use crate::failure::Failure;

#[derive(clap::Args)]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell.
    shell: Shell,
}

pub fn run<C: CommandFactory>(args: Args) -> Result<(), Failure> {
    let mut command = C::command();
    let name = command.get_name().to_owned();
    clap_complete::generate(args.shell, &mut command, name, &mut std::io::stdout());
    Ok(())
}
