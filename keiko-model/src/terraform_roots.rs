//! The Terraform roots of an environment, which the Terraform builders render and the
//! pipelines and runbooks run in order.

use keiko_spec::Env;

/// The two root modules of an environment, applied in this order and destroyed in the
/// reverse one (ADR 0016): Terraform configures providers before it creates anything, so
/// what talks to the cluster cannot live in the root that creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EnvRoot {
    /// Network, cluster, node pools, databases, buckets, secret store: the ovh provider only.
    Infrastructure,
    /// Argo CD and the root Application, on the cluster the first root created.
    Argocd,
}

impl EnvRoot {
    /// Both roots, in apply order.
    pub const APPLY_ORDER: [EnvRoot; 2] = [EnvRoot::Infrastructure, EnvRoot::Argocd];

    /// The root's directory name inside `envs/<env>/`.
    pub fn name(self) -> &'static str {
        match self {
            EnvRoot::Infrastructure => "infrastructure",
            EnvRoot::Argocd => "argocd",
        }
    }

    /// The root's directory, relative to `generated/terraform/`.
    pub fn dir(self, env: Env) -> String {
        format!("envs/{}/{}", env.name(), self.name())
    }

    /// The root's state object in the environment's bucket.
    pub fn state_key(self, env: Env) -> String {
        format!("{}/{}.tfstate", env.name(), self.name())
    }
}
