fn main() {
    std::process::exit(authconform::cli::main());
}
