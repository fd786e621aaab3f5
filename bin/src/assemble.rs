//! Assembly, the last step before the writer: every builder's output laid out as one
//! tree of files, with every rendered object handed to the checks as it is rendered,
//! so `generate` never parses its own output back to check it.
//!
//! The Kubernetes layer renders one component at a time on every core; the object rules
//! run on the same worker as each component is rendered, and only what the cluster
//! rules need is kept; Terraform is checked on its typed bodies, not on the printed
//! text. The small layers (schema, ArgoCD, workflows, Terraform) render
//! on a thread of their own meanwhile, so no core waits on a sequential stage.

use crate::cores::{beside, in_parallel};
use keiko_manifests::components;
use keiko_manifests::layout::render::Placed;
use keiko_manifests::secret_inventory::{self, Reads};
use keiko_manifests::{Files, RenderError, argocd, github, schema_file};
use keiko_model::Platform;
use keiko_policy::terraform_rules::TfFile;
use keiko_policy::{Context, Gathered, Subject};

/// Rendered files with what the checks gathered from their objects.
pub type Assembled = (Files, Gathered);

/// Every file of the platform but the policy report, with the objects the checks gathered.
pub fn render(platform: &Platform) -> Result<Assembled, RenderError> {
    let context = &Context::from_spec(platform.spec());
    let (others, k8s) = beside(|| small_layers(platform, context), || kubernetes(platform, context));
    let ((mut files, mut gathered), (other_files, other_gathered)) = (k8s?, others?);
    files.extend(other_files)?;
    gathered.merge(other_gathered);
    Ok((files, gathered))
}

/// `k8s/`: every component's base and overlays, then the overlay indexes; and the
/// secrets inventory, from the ExternalSecrets and stores as they pass.
pub fn kubernetes(platform: &Platform, context: &Context) -> Result<Assembled, RenderError> {
    let flows = platform.connections();
    let parts = components::parts(platform);
    let rendered = in_parallel(&parts, |part| {
        let mut files = Files::new();
        let placed = keiko_manifests::layout::render::one_component(platform, *part, flows, &mut files)?;
        let mut reads = Reads::default();
        placed.iter().for_each(|p| reads.add(&p.object.value));
        let mut gathered = Gathered::default();
        check(&mut gathered, placed, platform, context);
        Ok::<_, RenderError>((files, gathered, reads))
    })?;
    let (mut files, mut gathered, mut reads) = (Files::new(), Gathered::default(), Reads::default());
    for (part_files, part_gathered, part_reads) in rendered {
        files.extend(part_files)?;
        gathered.merge(part_gathered);
        reads.merge(part_reads);
    }
    files.insert(secret_inventory::PATH, secret_inventory::render(platform, &reads))?;
    let names: Vec<String> = parts.iter().map(|part| part.name().to_owned()).collect();
    let indexes = keiko_manifests::layout::render::indexes(&names, &mut files)?;
    check(&mut gathered, indexes, platform, context);
    Ok((files, gathered))
}

/// The JSON Schema, `argocd/`, the workflows, `connections/` and `terraform/`.
fn small_layers(platform: &Platform, context: &Context) -> Result<Assembled, RenderError> {
    let (mut files, mut gathered) = (Files::new(), Gathered::default());
    schema_file::render(&mut files)?;
    let (argocd_files, argocd_gathered) = gitops(platform, context)?;
    files.extend(argocd_files)?;
    gathered.merge(argocd_gathered);
    github::render(platform, &mut files)?;
    for (env, _) in platform.environments().iter() {
        files.insert(
            keiko_manifests::connection_map::path(env),
            keiko_manifests::connection_map::render(platform, env),
        )?;
    }
    for (path, body) in keiko_hcl::bodies(platform)? {
        files.insert(path.clone(), keiko_hcl::tf_file(&path, &body)?)?;
        gathered.add_terraform(vec![TfFile { path, body }]);
    }
    Ok((files, gathered))
}

/// `argocd/`: every environment's AppProjects and Applications.
pub fn gitops(platform: &Platform, context: &Context) -> Result<Assembled, RenderError> {
    let mut files = Files::new();
    let mut gathered = Gathered::default();
    let applications = argocd::render(platform, &mut files)?;
    check(&mut gathered, applications, platform, context);
    Ok((files, gathered))
}

/// Hands rendered objects to the object rules.
fn check(gathered: &mut Gathered, placed: Vec<Placed>, platform: &Platform, context: &Context) {
    gathered.add(placed.into_iter().map(Subject::placed).collect(), context, &platform.security().exemptions);
}
