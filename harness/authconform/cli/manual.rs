//! `completions SHELL` and `man [DIR]`, both made from the command line's own definition, so
//! they never disagree with `--help`.

use std::path::{Path, PathBuf};

use clap::{Args, CommandFactory};

use super::Cli;
use super::error::CliError;

/// Print the shell completion script: bash, zsh, fish, elvish or powershell. For bash:
/// `authconform completions bash > ~/.local/share/bash-completion/completions/authconform`.
#[derive(Args)]
pub struct CompletionsArgs {
    shell: clap_complete::Shell,
}

/// Print the man page (roff), or write one page per command into DIR (`authconform.1`,
/// `authconform-run.1`, …): `authconform man | man -l -`.
#[derive(Args)]
pub struct ManArgs {
    dir: Option<PathBuf>,
}

pub fn completions(args: CompletionsArgs) -> Result<i32, CliError> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "authconform", &mut out);
    super::emit(&String::from_utf8_lossy(&out));
    Ok(0)
}

fn page(command: clap::Command) -> Result<Vec<u8>, CliError> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .map_err(|e| CliError::Failed(format!("cannot render the man page: {e}")))?;
    Ok(out)
}

pub fn man(args: ManArgs) -> Result<i32, CliError> {
    let command = Cli::command();
    let Some(dir) = args.dir else {
        super::emit(&String::from_utf8_lossy(&page(command)?));
        return Ok(0);
    };
    let write = |path: &Path, bytes: &[u8]| {
        std::fs::write(path, bytes)
            .map_err(|e| CliError::BadInput(format!("cannot write {}: {e}", path.display())))
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::BadInput(format!("cannot create {}: {e}", dir.display())))?;
    let mut written = vec![dir.join("authconform.1")];
    write(&written[0], &page(command.clone())?)?;
    for sub in command.get_subcommands() {
        let name = format!("authconform-{}", sub.get_name());
        let path = dir.join(format!("{name}.1"));
        write(&path, &page(sub.clone().name(name))?)?;
        written.push(path);
    }
    super::emit(&format!(
        "wrote {} man pages under {}\n",
        written.len(),
        dir.display()
    ));
    Ok(0)
}
