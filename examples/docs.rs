//! The man page and the shell completions, from clap's own definition of
//! the command line (src/cli.rs), by clap's crates: `scripts/package` runs
//! `cargo run --example docs -- OUT_DIR`, which writes `OUT_DIR/securekey.1`
//! and `OUT_DIR/completions/{securekey.bash,_securekey,securekey.fish}`.
//! Not part of the binary: neither crate is in its dependency tree.

// Examples build against all of the package's dependencies; they use few.
#![allow(unused_crate_dependencies)]

// The binary's command line, as the binary has it (one definition).
#[allow(dead_code, unreachable_pub)]
#[path = "../src/cli.rs"]
mod cli;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(std::env::args_os().nth(1).unwrap_or_else(|| "dist".into()));
    let mut command = cli::command();
    std::fs::create_dir_all(out.join("completions"))?;
    let mut man = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut man)?;
    std::fs::write(out.join("securekey.1"), man)?;
    for (shell, file) in [
        (clap_complete::Shell::Bash, "securekey.bash"),
        (clap_complete::Shell::Zsh, "_securekey"),
        (clap_complete::Shell::Fish, "securekey.fish"),
    ] {
        let mut text = Vec::new();
        clap_complete::generate(shell, &mut command, "securekey", &mut text);
        std::fs::write(out.join("completions").join(file), text)?;
    }
    Ok(())
}
