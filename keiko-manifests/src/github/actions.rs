//! Third-party actions, each pinned to a full commit SHA with the release it was taken from.
//!
//! A tag can be moved; a commit cannot. To update an action, replace both the SHA and
//! the version here and regenerate: every workflow follows.

use super::workflow::{Step, Vars};

/// An action pinned to one commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    /// `owner/repo`.
    pub repository: &'static str,
    /// The full 40-character commit SHA.
    pub sha: &'static str,
    /// The release tag that commit is, written as a comment after `uses:`.
    pub version: &'static str,
}

impl Action {
    /// The value of `uses:`: `owner/repo@<sha>`.
    pub fn uses(&self) -> String {
        format!("{}@{}", self.repository, self.sha)
    }

    /// A step that runs this action with `with` inputs.
    pub fn step(&self, name: &str, with: Vars) -> Step {
        Step { name: name.to_owned(), uses: Some(self.uses()), with, ..Step::default() }
    }
}

/// Checks out a repository.
pub const CHECKOUT: Action =
    Action { repository: "actions/checkout", sha: "11bd71901bbe5b1630ceea73d27597364c9af683", version: "v4.2.2" };
/// Sets up Docker Buildx (layer cache, multi-platform builds).
pub const SETUP_BUILDX: Action = Action {
    repository: "docker/setup-buildx-action",
    sha: "e468171a9de216ec08956ac3ada2f0791b6bd435",
    version: "v3.11.1",
};
/// Logs in to a container registry.
pub const DOCKER_LOGIN: Action =
    Action { repository: "docker/login-action", sha: "74a5d142397b4f367a81961eba4e8cd7edddf772", version: "v3.4.0" };
/// Builds and pushes an image with Buildx.
pub const BUILD_PUSH: Action = Action {
    repository: "docker/build-push-action",
    sha: "263435318d21b8e681c14492fe198d362a7d2c83",
    version: "v6.18.0",
};
/// Writes an SBOM of an image with Syft.
pub const SBOM: Action =
    Action { repository: "anchore/sbom-action", sha: "3ad7283483fc7af8ff2b4ea19663c2d5ca935e26", version: "v0.24.2" };
/// Scans an image for known vulnerabilities with Grype.
pub const SCAN: Action =
    Action { repository: "anchore/scan-action", sha: "1638637db639e0ade3258b51db49a9a137574c3e", version: "v6" };
/// Installs Terraform.
pub const SETUP_TERRAFORM: Action = Action {
    repository: "hashicorp/setup-terraform",
    sha: "b9cd54a3c349d3f38e8881555d616ced269862dd",
    version: "v3.1.2",
};

/// Every pinned action.
pub const ALL: [Action; 7] = [CHECKOUT, SETUP_BUILDX, DOCKER_LOGIN, BUILD_PUSH, SBOM, SCAN, SETUP_TERRAFORM];

/// Adds ` # <version>` after each pinned `uses:` line of a serialized workflow, so readers
/// and update tools see the release; YAML ignores comments, so the file parses the same.
pub fn annotate(text: &str) -> String {
    ALL.iter().fold(text.to_owned(), |text, action| {
        let line = format!("uses: {}\n", action.uses());
        text.replace(&line, &format!("uses: {} # {}\n", action.uses(), action.version))
    })
}
