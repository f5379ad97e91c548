#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    install_panic_hook();
    // lets the tests of the panic hook trigger one; compiled out of release builds
    if cfg!(debug_assertions) && std::env::var_os("TESTGUARD_TEST_PANIC").is_some() {
        panic!("test panic with a password: hunter2-test-secret");
    }
    let cli = testguard::cli::Cli::parse();
    match testguard::cli::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("testguard: error: {e}");
            ExitCode::from(2)
        }
    }
}

/// A panic is a bug in testguard, never the user's fault: say so in two lines
/// and exit 2 (testguard could not run), from any thread. The panic's
/// message is not printed: it can quote file text, and file text can hold a
/// secret. `RUST_BACKTRACE=1` shows the full report for debugging.
fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0") {
            default(info);
        }
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "testguard: internal error{at} (testguard {}). This is a bug in testguard, not in your files.\n\
             Please report it at https://github.com/testguard/testguard/issues with the command you ran \
             (and, if you can, a file that triggers it with its secrets removed).",
            env!("CARGO_PKG_VERSION")
        );
        std::process::exit(2);
    }));
}
