//! The `mediadiag-collector` binary; everything is in the library.

fn main() -> std::process::ExitCode {
    mediadiag_collector::main()
}
