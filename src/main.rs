fn main() -> std::process::ExitCode {
    groundwork::server::main()
}
