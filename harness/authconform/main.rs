//! The `authconform` binary. Its command-line modules are private: what a program could reuse lives
//! in the `authconform` library.

mod cli;

fn main() {
    std::process::exit(cli::dispatch());
}
