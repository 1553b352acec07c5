//! The `seccoop` binary: everything happens in the library.

fn main() -> std::process::ExitCode {
    seccoop::cli::run(std::env::args_os())
}
