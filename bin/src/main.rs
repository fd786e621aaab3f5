//! `generate`: reads keiko.yaml and rewrites generated/, or checks that it is current.
//!
//! Exit status: 0 success; 1 `--check` found drift; 2 the spec or the arguments are
//! invalid (nothing written); 3 rendering or I/O failed (nothing written).

use anyhow::Context;
use clap::Parser;
use keiko_generate::{drift, render_all, write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Renders the Keiko platform from its spec.
#[derive(Debug, Parser)]
#[command(name = "generate", version, about)]
struct Args {
    /// The platform spec to read.
    #[arg(long, default_value = "keiko.yaml")]
    spec: PathBuf,
    /// The directory that holds the generated files.
    #[arg(long, default_value = "generated")]
    out: PathBuf,
    /// Compare instead of writing: exit 1 with a diff when the directory is stale.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(3)
        }
    }
}

fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let text = std::fs::read_to_string(&args.spec).with_context(|| format!("cannot read {}", args.spec.display()))?;
    let spec = match keiko_manifests::load(&args.spec.display().to_string(), &text) {
        Ok(spec) => spec,
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("nothing was written: fix the spec and run `cargo run --bin generate` again");
            return Ok(ExitCode::from(2));
        }
    };
    let files = render_all(&spec).context("rendering failed; nothing was written")?;
    if args.check {
        return check(&files, &args.out, started);
    }
    let summary =
        write::write_all(&args.out, &files).with_context(|| format!("cannot write {}", args.out.display()))?;
    println!(
        "generate: {} files written to {}, {} changed, {} removed in {} ms",
        summary.written,
        args.out.display(),
        summary.changed,
        summary.removed,
        started.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

fn check(files: &keiko_manifests::Files, out: &Path, started: Instant) -> anyhow::Result<ExitCode> {
    let drift = drift::compare(files, out).with_context(|| format!("cannot read {}", out.display()))?;
    let elapsed = started.elapsed().as_millis();
    if drift.is_clean() {
        println!("generate --check: {} files in {} are up to date ({elapsed} ms)", files.len(), out.display());
        return Ok(ExitCode::SUCCESS);
    }
    print!("{}", drift.report(&out.display().to_string()));
    eprintln!(
        "error: {} is stale ({} missing, {} extra, {} changed): run `cargo run --bin generate` and commit the result",
        out.display(),
        drift.missing.len(),
        drift.extra.len(),
        drift.changed.len()
    );
    Ok(ExitCode::from(1))
}
