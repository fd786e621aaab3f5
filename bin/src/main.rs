//! `generate`: reads keiko.yaml and rewrites generated/, or checks that it is current;
//! `set-image` and `promote` change image tags in the spec and regenerate;
//! `install-workflows` copies a service's CI/CD workflow into its repository;
//! `lint` runs the Kubernetes policy rules over any YAML (docs/policy.md).
//!
//! Every file is written by `keiko_generate::write` in one [`Mode`]: `--check` compares
//! instead, `--dry-run` prints what a write would change; neither writes anything.
//!
//! Exit status: 0 success, a dry run included; 1 `--check` found drift, or `lint` found
//! an error-level finding; 2 the spec, the arguments or the requested change are invalid
//! (nothing written), or `lint` could not read or parse an input; 3 rendering or I/O
//! failed; 4 the rendered output fails an error-level policy rule (nothing written).

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use keiko_generate::write::{self, FileOutcome, Mode, Outcome};
use keiko_generate::{POLICY_REPORT, drift, render_checked, render_checked_with};
use keiko_model::Platform;
use keiko_policy::{self as policy, Report};
use keiko_spec::edit::{self, TagChange};
use keiko_spec::{Env, SpecErrors};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// See the note on the dependency in Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Renders the Keiko platform from its spec.
#[derive(Debug, Parser)]
#[command(name = "generate", version, about)]
struct Args {
    /// The platform spec to read.
    #[arg(long, global = true, default_value = "keiko.yaml")]
    spec: PathBuf,
    /// The directory that holds the generated files.
    #[arg(long, global = true, default_value = "generated")]
    out: PathBuf,
    /// Compare instead of writing: exit 1 with a diff when the directory is stale.
    #[arg(long, conflicts_with = "dry_run")]
    check: bool,
    /// Print what would be written, added, changed or removed, and write nothing.
    #[arg(long, global = true)]
    dry_run: bool,
    /// Render a synthetic fleet of N services instead of reading the spec (benchmarks).
    #[arg(long, value_name = "N", conflicts_with = "spec")]
    synthetic: Option<usize>,
    /// With `--synthetic`: write the synthetic spec to FILE instead of rendering it.
    #[arg(long, value_name = "FILE", requires = "synthetic")]
    spec_out: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Set one service's image tag in one environment, then regenerate.
    SetImage {
        /// The environment.
        #[arg(long, value_enum)]
        env: EnvArg,
        /// The service.
        #[arg(long)]
        service: String,
        /// The new tag: a full commit SHA or sha256 digest (any version tag in dev).
        #[arg(long)]
        tag: String,
    },
    /// Copy image tags from an environment to the next one, then regenerate.
    Promote {
        /// The environment whose tags are promoted.
        #[arg(long, value_enum)]
        from: EnvArg,
        /// The next environment.
        #[arg(long, value_enum)]
        to: EnvArg,
        /// Promote only this service (default: every service).
        #[arg(long)]
        service: Option<String>,
    },
    /// Write a service's generated CI/CD workflow, or this repository's Terraform
    /// workflows, into a repository's workflow directory, where GitHub runs them.
    InstallWorkflows {
        /// The service whose workflow to install.
        #[arg(long, required_unless_present = "terraform", conflicts_with = "terraform")]
        service: Option<String>,
        /// Install the Terraform workflow of every environment (`terraform-<env>.yml`).
        #[arg(long)]
        terraform: bool,
        /// The directory to write into (usually `.github/workflows`).
        #[arg(long)]
        into: PathBuf,
    },
    /// Run the Kubernetes policy rules over YAML files or directories.
    Lint {
        /// Files or directories (searched recursively for .yaml and .yml files); `-`
        /// reads standard input.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// How findings are printed.
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
}

/// An output format of `lint`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Sarif,
}

/// An environment on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum EnvArg {
    Dev,
    Staging,
    Production,
}

impl From<EnvArg> for Env {
    fn from(arg: EnvArg) -> Env {
        match arg {
            EnvArg::Dev => Env::Dev,
            EnvArg::Staging => Env::Staging,
            EnvArg::Production => Env::Production,
        }
    }
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
    if let (Some(n), None) = (args.synthetic, &args.command) {
        return synthetic(args, n, started);
    }
    if let Some(Command::Lint { paths, format }) = &args.command {
        return lint(paths, *format);
    }
    let text = std::fs::read_to_string(&args.spec).with_context(|| format!("cannot read {}", args.spec.display()))?;
    let file = args.spec.display().to_string();
    let edited = match &args.command {
        None => None,
        Some(Command::InstallWorkflows { service: Some(service), into, .. }) => {
            return install_workflows(&file, &text, service, into, mode(args));
        }
        Some(Command::InstallWorkflows { service: None, into, .. }) => {
            return install_terraform_workflows(&file, &text, into, mode(args));
        }
        Some(Command::Lint { .. }) => None,
        Some(Command::SetImage { env, service, tag }) => {
            Some(edit::set_image(&file, &text, service, (*env).into(), tag))
        }
        Some(Command::Promote { from, to, service }) => {
            Some(edit::promote(&file, &text, (*from).into(), (*to).into(), service.as_deref()))
        }
    };
    match edited {
        None => generate(args, &file, &text, started),
        Some(Err(errors)) => Ok(invalid(&errors)),
        Some(Ok((new_text, changes))) => apply_edit(args, &file, &new_text, &changes, started),
    }
}

fn generate(args: &Args, file: &str, text: &str, started: Instant) -> anyhow::Result<ExitCode> {
    let run = start(args)?;
    let platform = match keiko_spec::load(file, text).and_then(|spec| keiko_generate::platform(&args.spec, spec)) {
        Ok(platform) => platform,
        Err(errors) => return Ok(invalid(&errors)),
    };
    output(args, &platform, run, started)
}

/// What the flags ask of the writer.
fn mode(args: &Args) -> Mode {
    match (args.check, args.dry_run) {
        (true, _) => Mode::Check,
        (false, true) => Mode::DryRun,
        (false, false) => Mode::Write,
    }
}

/// Starts listing the tree under `--out` (see [`write::Run`]).
fn start(args: &Args) -> anyhow::Result<write::Run> {
    write::Run::start(&args.out, mode(args)).with_context(|| format!("cannot lock {}", args.out.display()))
}

/// `--synthetic N`: renders a generated fleet, or writes its spec with `--spec-out`.
fn synthetic(args: &Args, n: usize, started: Instant) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.spec_out {
        let text = keiko_spec::synthetic::yaml(n)?;
        let written = write::write_file(path, &text, mode(args)).with_context(|| cannot(mode(args), path))?;
        if written == FileOutcome::Written {
            println!("generate: wrote a synthetic spec of {n} services to {}", path.display());
        }
        return Ok(file_report(path, written, mode(args)));
    }
    match keiko_spec::synthetic::spec(n) {
        Ok(spec) => output(args, &Platform::new(spec), start(args)?, started),
        Err(errors) => Ok(invalid(&errors)),
    }
}

/// Renders `spec`, then writes it to `--out` or compares, as the mode asks.
fn output(args: &Args, platform: &Platform, mut run: write::Run, started: Instant) -> anyhow::Result<ExitCode> {
    // The current tree is compared with the rendered files while the policy runs.
    let compare = |files: &keiko_manifests::Files| run.compare(files);
    let (files, policy, comparison) =
        render_checked_with(platform, compare).context("rendering failed; nothing was written")?;
    if policy.has_errors() {
        return Ok(refuse(&policy));
    }
    let mut comparison = comparison.with_context(|| format!("cannot read {}", args.out.display()))?;
    let report_file = files.get(POLICY_REPORT).unwrap_or_default();
    comparison
        .add(&args.out, POLICY_REPORT, report_file)
        .with_context(|| format!("cannot read {}", args.out.display()))?;
    let outcome = run.finish(&files, &comparison).with_context(|| cannot(mode(args), &args.out))?;
    Ok(tree_report(&files, &args.out, &outcome, started))
}

/// Renders the edited spec first, so a spec that does not render is never written.
fn apply_edit(
    args: &Args,
    file: &str,
    text: &str,
    changes: &[TagChange],
    started: Instant,
) -> anyhow::Result<ExitCode> {
    let platform = match keiko_spec::load(file, text).and_then(|spec| keiko_generate::platform(&args.spec, spec)) {
        Ok(platform) => platform,
        Err(errors) => return Ok(invalid(&errors)),
    };
    let (files, policy) = render_checked(&platform).context("rendering failed; nothing was written")?;
    if policy.has_errors() {
        return Ok(refuse(&policy));
    }
    if changes.is_empty() {
        println!("no tag changed");
    }
    for change in changes {
        println!("{}: {} -> {}", edit::tag_path(&change.service, change.env), change.from, change.to);
    }
    let mode = mode(args);
    let spec_written = write::write_file(&args.spec, text, mode).with_context(|| cannot(mode, &args.spec))?;
    let spec_code = file_report(&args.spec, spec_written, mode);
    let outcome = write::write_all(&args.out, &files, mode).with_context(|| cannot(mode, &args.out))?;
    let tree_code = tree_report(&files, &args.out, &outcome, started);
    Ok(if spec_code == ExitCode::SUCCESS { tree_code } else { spec_code })
}

/// Writes the rendered workflow of `service` to `<into>/<service>.yml`.
fn install_workflows(file: &str, text: &str, service: &str, into: &Path, mode: Mode) -> anyhow::Result<ExitCode> {
    let spec = match keiko_spec::load(file, text) {
        Ok(spec) => spec,
        Err(errors) => return Ok(invalid(&errors)),
    };
    let Some(workflow) = keiko_manifests::github::service_workflow(&Platform::new(spec), service)? else {
        eprintln!("error: {file} has no service {service}: give one of the names under services");
        return Ok(ExitCode::from(2));
    };
    let path = into.join(keiko_manifests::github::workflow_file(service));
    write::create_dir(into, mode).with_context(|| format!("cannot create {}", into.display()))?;
    let written = write::write_file(&path, &workflow, mode).with_context(|| cannot(mode, &path))?;
    if written == FileOutcome::Written {
        println!("generate: wrote {}", path.display());
    }
    Ok(file_report(&path, written, mode))
}

/// `install-workflows --terraform`: the platform repository's Terraform workflows, exactly as
/// `generated/github/workflows` holds them (tests/workflows_installed.rs keeps them equal).
fn install_terraform_workflows(file: &str, text: &str, into: &Path, mode: Mode) -> anyhow::Result<ExitCode> {
    let spec = match keiko_spec::load(file, text) {
        Ok(spec) => spec,
        Err(errors) => return Ok(invalid(&errors)),
    };
    let platform = Platform::new(spec);
    write::create_dir(into, mode).with_context(|| format!("cannot create {}", into.display()))?;
    let mut code = ExitCode::SUCCESS;
    for (name, workflow) in keiko_manifests::github::terraform_workflows(&platform)? {
        let path = into.join(&name);
        let written = write::write_file(&path, &workflow, mode).with_context(|| cannot(mode, &path))?;
        if written == FileOutcome::Written {
            println!("generate: wrote {}", path.display());
        }
        let outcome = file_report(&path, written, mode);
        if outcome != ExitCode::SUCCESS {
            code = outcome;
        }
    }
    Ok(code)
}

/// Prints the policy findings of output that may not be written.
fn refuse(report: &Report) -> ExitCode {
    eprint!("{}", report.findings_text());
    eprintln!("error: the rendered output fails an error-level policy rule (docs/policy.md); nothing was written");
    ExitCode::from(4)
}

/// `generate lint`: findings on stdout, unreadable inputs on stderr.
fn lint(paths: &[PathBuf], format: Format) -> anyhow::Result<ExitCode> {
    // `-` reads the manifests from standard input (`helm template … | generate lint -`).
    let stdin = if paths.iter().any(|p| p.as_os_str() == "-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).context("cannot read standard input")?;
        Some(text)
    } else {
        None
    };
    let (report, errors) = policy::lint_with_input(paths, stdin.as_deref());
    let out = match format {
        Format::Text => report.text(),
        Format::Json => report.json()? + "\n",
        Format::Sarif => report.sarif()? + "\n",
    };
    print!("{out}");
    for error in &errors {
        eprintln!("error: {error}");
    }
    Ok(ExitCode::from(match (errors.is_empty(), report.has_errors()) {
        (false, _) => 2,
        (true, true) => 1,
        (true, false) => 0,
    }))
}

fn invalid(errors: &SpecErrors) -> ExitCode {
    eprintln!("{errors}");
    eprintln!("nothing was written: fix the problem and run the command again");
    ExitCode::from(2)
}

/// The error context of a failed write, or of a failed read when only comparing.
fn cannot(mode: Mode, path: &Path) -> String {
    let verb = if mode == Mode::Write { "write" } else { "read" };
    format!("cannot {verb} {}", path.display())
}

/// Prints what happened to a single file that was not simply written; a file a check
/// finds stale is drift.
fn file_report(path: &Path, outcome: FileOutcome, mode: Mode) -> ExitCode {
    match outcome {
        FileOutcome::Written => ExitCode::SUCCESS,
        FileOutcome::Unchanged => {
            println!("{} is unchanged", path.display());
            ExitCode::SUCCESS
        }
        FileOutcome::WouldWrite => {
            println!("would write {}", path.display());
            ExitCode::from(if mode == Mode::Check { 1 } else { 0 })
        }
    }
}

/// Prints what a run on the tree did or found, with its exit status.
fn tree_report(files: &keiko_manifests::Files, out: &Path, outcome: &Outcome, started: Instant) -> ExitCode {
    let elapsed = started.elapsed().as_millis();
    match outcome {
        Outcome::Written(summary) => {
            println!(
                "generate: {} files written to {}, {} changed, {} removed in {elapsed} ms",
                summary.written,
                out.display(),
                summary.changed,
                summary.removed,
            );
            ExitCode::SUCCESS
        }
        Outcome::Drift(drift) => check_report(files, out, drift, elapsed),
        Outcome::Plan(plan) => {
            for (label, paths) in [("added", &plan.added), ("changed", &plan.changed), ("removed", &plan.removed)] {
                for path in paths {
                    println!("{label}: {}/{path}", out.display());
                }
            }
            println!(
                "generate --dry-run: {} added, {} changed, {} removed in {}; nothing was written",
                plan.added.len(),
                plan.changed.len(),
                plan.removed.len(),
                out.display()
            );
            ExitCode::SUCCESS
        }
    }
}

fn check_report(files: &keiko_manifests::Files, out: &Path, drift: &drift::Drift, elapsed: u128) -> ExitCode {
    if drift.is_clean() {
        println!("generate --check: {} files in {} are up to date ({elapsed} ms)", files.len(), out.display());
        return ExitCode::SUCCESS;
    }
    print!("{}", drift.report(&out.display().to_string()));
    eprintln!(
        "error: {} is stale ({} missing, {} extra, {} changed): run `cargo run --bin generate` and commit the result",
        out.display(),
        drift.missing.len(),
        drift.extra.len(),
        drift.changed.len()
    );
    ExitCode::from(1)
}
