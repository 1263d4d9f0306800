fn main() -> std::process::ExitCode {
    groundwork::server::cli::main()
}
