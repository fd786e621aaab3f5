//! Renders the Kubernetes layer one component at a time, on every core, without losing
//! determinism. For each component a worker builds its base (the production view,
//! reused as production's overlay source instead of being built twice) and its dev
//! and staging views, writes its base files and overlays, and drops them: memory holds
//! the files and one component per worker, never a whole environment. Each worker
//! fills its own [`Files`], merged after joining; paths are per component, so the
//! result does not depend on scheduling. The base objects then go to the policy engine
//! on the same worker (object rules), so the output is never parsed back to be checked.

use super::access::Flows;
use super::{BASE_ENV, Part, component, layout, parts};
use crate::output::{Files, RenderError};
use crate::policy::{Context, Gathered, Subject};
use crate::spec::{Env, Spec};
use std::thread;

/// The most worker threads: the machines this runs on have 2 to 8 cores.
const MAX_WORKERS: usize = 8;

/// Renders the base and every overlay into `files` under `k8s/`, and hands the base
/// objects to `gathered`.
pub fn render(spec: &Spec, files: &mut Files, gathered: &mut Gathered) -> Result<(), RenderError> {
    let flows = &Flows::new(spec);
    let context = &Context::from_spec(spec);
    let parts = parts(spec);
    let rendered = in_parallel(&parts, |part| {
        let mut files = Files::new();
        let mut gathered = Gathered::default();
        let base = one_component(spec, part, flows, &mut files)?;
        gathered.add(base, context, &spec.security().exemptions);
        Ok((files, gathered))
    })?;
    for (part, checked) in rendered {
        files.extend(part)?;
        gathered.merge(checked);
    }
    let names: Vec<String> = parts.iter().map(|part| part.name().to_owned()).collect();
    let indexes = Env::ALL.into_iter().map(|env| layout::index(env, names.clone(), files));
    let indexes = indexes.map(|written| written.and_then(kustomization_subject)).collect::<Result<_, _>>()?;
    gathered.add(indexes, context, &spec.security().exemptions);
    Ok(())
}

/// A written kustomization as the policy engine sees it (its `images` are checked).
fn kustomization_subject((path, kustomization): layout::Written) -> Result<Subject, RenderError> {
    let value = serde_json::to_value(&kustomization)
        .map_err(|error| RenderError::Serialize { path: path.clone(), reason: error.to_string() })?;
    Ok(Subject::kustomization(path, 1, value))
}

/// `build` applied to every part on every core (each worker takes every n-th part),
/// the results in the order of `parts` whatever the scheduling. The calling thread is
/// the first worker: besides saving a thread, it reuses the memory its allocator
/// already holds (loading the spec freed tens of megabytes there at fleet scale).
pub fn in_parallel<'a, T: Send>(
    parts: &[Part<'a>],
    build: impl Fn(Part<'a>) -> Result<T, RenderError> + Sync,
) -> Result<Vec<T>, RenderError> {
    let workers = thread::available_parallelism().map_or(1, usize::from).clamp(1, MAX_WORKERS).min(parts.len().max(1));
    let build = &build;
    let column = move |first: usize| -> Result<Vec<T>, RenderError> {
        parts.iter().skip(first).step_by(workers).map(|part| build(*part)).collect()
    };
    let mut results: Vec<Vec<T>> = thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|first| scope.spawn(move || column(first))).collect();
        let own = column(0);
        std::iter::once(own).chain(handles.into_iter().map(joined)).collect::<Result<_, _>>()
    })?;
    let mut columns: Vec<_> = results.iter_mut().map(|column| column.drain(..)).collect();
    Ok((0..parts.len()).filter_map(|index| columns[index % workers].next()).collect())
}

/// The base files and every overlay of one component; returns the base objects for the
/// policy engine.
fn one_component(spec: &Spec, part: Part<'_>, flows: &Flows, files: &mut Files) -> Result<Vec<Subject>, RenderError> {
    let base = component(spec, BASE_ENV, part, flows)?;
    let mut kustomizations = layout::base(std::slice::from_ref(&base), files)?;
    for env in Env::ALL {
        if env == BASE_ENV {
            kustomizations.push(layout::component_overlay(env, &base, &base, files)?);
        } else {
            kustomizations.push(layout::component_overlay(env, &base, &component(spec, env, part, flows)?, files)?);
        }
    }
    let paths =
        layout::file_names(&base.objects).into_iter().map(|name| format!("{}/{name}", layout::base_dir(&base.name)));
    let mut subjects: Vec<Subject> = paths.zip(base.objects).map(|(path, object)| object.into_subject(path)).collect();
    for written in kustomizations {
        subjects.push(kustomization_subject(written)?);
    }
    Ok(subjects)
}

/// The worker's result; a panic in a builder is a bug and continues on this thread.
fn joined<T>(handle: thread::ScopedJoinHandle<'_, Result<T, RenderError>>) -> Result<T, RenderError> {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}
