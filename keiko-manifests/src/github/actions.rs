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

    /// Whether a `uses:` value is this action at its pinned commit.
    fn is_used_by(&self, value: &str) -> bool {
        value.split_once('@') == Some((self.repository, self.sha))
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
/// One pass over the text: a workflow per service makes this run over megabytes.
pub fn annotate(text: &str) -> String {
    const USES: &str = "uses: ";
    let mut out = String::with_capacity(text.len() + 256);
    let mut rest = text;
    while let Some(at) = rest.find(USES) {
        let (before, from) = rest.split_at(at + USES.len());
        out.push_str(before);
        let end = from.find('\n').unwrap_or(from.len());
        let value = &from[..end];
        out.push_str(value);
        let pinned = ALL.iter().find(|action| action.is_used_by(value));
        if let (Some(action), true) = (pinned, end < from.len()) {
            out.push_str(" # ");
            out.push_str(action.version);
        }
        rest = &from[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_uses_lines_get_their_release_and_nothing_else_changes() {
        let pinned = CHECKOUT.uses();
        let text = format!("- uses: {pinned}\n  with: {{}}\n- uses: other/action@v1\nname: uses: {pinned}");
        let expected = format!(
            "- uses: {pinned} # {}\n  with: {{}}\n- uses: other/action@v1\nname: uses: {pinned}",
            CHECKOUT.version
        );
        assert_eq!(annotate(&text), expected);
        assert_eq!(annotate("no actions\n"), "no actions\n");
    }
}
