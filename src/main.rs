use clap::Parser;

fn main() -> std::process::ExitCode {
    // A panic message could quote input; say only that it happened.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        #[allow(clippy::print_stderr)]
        {
            eprintln!("keylint: internal error{at}; please report it");
        }
    }));
    let cli = keylint::cli::Cli::parse();
    let stdout = std::io::stdout();
    // stderr is not locked for the whole run: the panic hook on a worker thread (a parser panic
    // is caught and the run goes on) must be able to write to it, or it waits forever
    match keylint::run_then_exit(cli, &mut stdout.lock(), &mut std::io::stderr()) {
        Ok(code) => std::process::ExitCode::from(u8::try_from(code).unwrap_or(1)),
        // a closed pipe (`keylint lint | head`) is the reader's choice, not an error
        Err(keylint::error::Fatal::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            std::process::ExitCode::SUCCESS
        }
        Err(fatal) => {
            #[allow(clippy::print_stderr)] // the one place a fatal error reaches the user
            {
                eprintln!("{}", keylint::error::render_fatal(&fatal));
            }
            std::process::ExitCode::from(2)
        }
    }
}
