//! In-process benchmarks of `generate`'s stages: reading and validating a spec, and
//! rendering every file, on keiko.yaml (7 services) and synthetic fleets of 100 and
//! 1,000 services. Whole-process runs, with memory and writing, are in bench/run.sh.
//! Run with `cargo bench -p keiko-generate`; results are in docs/performance.md.

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use keiko_generate::assemble::Assembled;
use keiko_manifests::Files;
use keiko_model::Platform;
use keiko_policy::Context;
use keiko_spec::Env;

/// The allocator `generate` uses, so stages cost here what they cost there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Fleet sizes: 7 is keiko.yaml itself, the others synthetic.
const SIZES: [usize; 3] = [7, 100, 1000];

fn main() {
    divan::main();
}

/// The spec text of a fleet of `n` services: keiko.yaml for 7.
fn text(n: usize) -> String {
    if n == 7 {
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../keiko.yaml")).unwrap()
    } else {
        keiko_spec::synthetic::yaml(n).unwrap()
    }
}

fn platform(n: usize) -> Platform {
    Platform::new(keiko_spec::load("bench.yaml", &text(n)).unwrap())
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn load_and_validate(bencher: divan::Bencher, n: usize) {
    let text = text(n);
    bencher.bench(|| keiko_spec::load("bench.yaml", divan::black_box(&text)).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn render_all(bencher: divan::Bencher, n: usize) {
    let platform = platform(n);
    bencher.bench(|| keiko_generate::render_all(divan::black_box(&platform)).unwrap());
}

/// Benches one layer's assembly, which also hands its objects to the policy engine.
fn bench_layer(
    bencher: divan::Bencher,
    n: usize,
    render: fn(&Platform, &Context) -> Result<Assembled, keiko_manifests::RenderError>,
) {
    let platform = platform(n);
    let context = Context::from_spec(platform.spec());
    bencher.bench(|| render(divan::black_box(&platform), &context).unwrap());
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn render_kubernetes(bencher: divan::Bencher, n: usize) {
    bench_layer(bencher, n, keiko_generate::assemble::kubernetes);
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn render_argocd(bencher: divan::Bencher, n: usize) {
    bench_layer(bencher, n, keiko_generate::assemble::gitops);
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn render_github(bencher: divan::Bencher, n: usize) {
    let platform = platform(n);
    bencher.bench(|| {
        let mut files = Files::new();
        keiko_manifests::github::render(divan::black_box(&platform), &mut files).unwrap();
        files
    });
}

#[divan::bench(args = SIZES, sample_count = 10)]
fn render_terraform(bencher: divan::Bencher, n: usize) {
    let platform = platform(n);
    bencher.bench(|| keiko_hcl::render(divan::black_box(&platform)).unwrap());
}

/// One environment's objects, the unit every layer above builds on.
#[divan::bench(args = SIZES, sample_count = 10)]
fn components_one_env(bencher: divan::Bencher, n: usize) {
    let platform = platform(n);
    bencher.bench(|| keiko_manifests::components::components(divan::black_box(&platform), Env::Dev).unwrap());
}

/// Writing the base: one YAML file per object of the production view.
#[divan::bench(args = SIZES, sample_count = 10)]
fn layout_base(bencher: divan::Bencher, n: usize) {
    let platform = platform(n);
    let base = keiko_manifests::components::components(&platform, Env::Production).unwrap();
    bencher.bench(|| {
        let mut files = Files::new();
        keiko_manifests::layout::base(divan::black_box(&base), &mut files).unwrap();
        files
    });
}

/// Diffing one environment against the base and writing its overlay.
#[divan::bench(args = SIZES, sample_count = 10)]
fn layout_overlay(bencher: divan::Bencher, n: usize) {
    let platform = platform(n);
    let base = keiko_manifests::components::components(&platform, Env::Production).unwrap();
    let view = keiko_manifests::components::components(&platform, Env::Dev).unwrap();
    bencher.bench(|| {
        let mut files = Files::new();
        keiko_manifests::layout::overlay(Env::Dev, divan::black_box(&base), &view, &mut files).unwrap();
        files
    });
}
