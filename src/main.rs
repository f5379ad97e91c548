use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = testguard::cli::Cli::parse();
    match testguard::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("testguard: error: {e}");
            ExitCode::from(2)
        }
    }
}
