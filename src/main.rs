//! The `misdirect` binary: parse the command line, run, map the outcome to
//! an exit status (0 complete, 1 some inputs unreadable or damaged, 2 usage).

use std::process::ExitCode;

use clap::Parser;
use misdirect::app::{self, Exit};
use misdirect::cli::Cli;

fn main() -> ExitCode {
    let command_line: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let cli = Cli::parse();
    let command = match cli.into_command(command_line) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("misdirect: {e}");
            return ExitCode::from(Exit::Usage as u8);
        }
    };
    match app::run(command) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => {
            eprintln!("misdirect: error: {e:#}");
            ExitCode::from(Exit::Incomplete as u8)
        }
    }
}
