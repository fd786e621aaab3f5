//! Steps shared by the pipelines: checkouts, the `generate set-image` pull request to the
//! platform repository, and the failure notification.
//!
//! Scripts are constants: every value they need arrives through `env:`, so nothing a
//! pusher controls is ever spliced into a shell script.

use super::actions::CHECKOUT;
use super::workflow::{Step, Vars, vars};

/// The directory the platform repository is checked out into.
pub const PLATFORM_DIR: &str = "platform";
/// The repository secret holding a token that may push branches to the platform repository
/// and open pull requests there.
pub const PLATFORM_TOKEN: &str = "${{ secrets.PLATFORM_REPO_TOKEN }}";
/// The name of the step that runs `generate set-image`.
pub const SET_IMAGE_STEP: &str = "Set the image tag in keiko.yaml";

/// Runs `generate set-image` in the platform checkout; `TARGET_ENV`, `SERVICE` and `TAG`
/// come from the step's environment.
pub const SET_IMAGE_SCRIPT: &str = "set -euo pipefail
cargo run --locked --quiet --bin generate -- set-image --env \"$TARGET_ENV\" --service \"$SERVICE\" --tag \"$TAG\"
";

const OPEN_PR_SCRIPT: &str = "set -euo pipefail
branch=\"keiko/$SERVICE/$TARGET_ENV/$TAG\"
title=\"$SERVICE: $REASON $TAG to $TARGET_ENV\"
git config user.name keiko-ci
git config user.email keiko-ci@users.noreply.github.com
git switch --create \"$branch\"
git add keiko.yaml generated
git commit --message \"$title\"
gh auth setup-git
git push origin \"$branch\"
gh pr create --repo \"$PLATFORM_REPOSITORY\" --base \"$BASE_BRANCH\" --head \"$branch\" --title \"$title\" --body \"$title (run $RUN_URL)\"
gh pr merge \"$branch\" --repo \"$PLATFORM_REPOSITORY\" --auto --squash --delete-branch
";

const NOTIFY_SCRIPT: &str = "set -euo pipefail
if [ -z \"$WEBHOOK\" ]; then
  echo \"::warning::KEIKO_NOTIFY_WEBHOOK is not set; nobody was notified\"
  exit 0
fi
text=\"$WORKFLOW failed on $GITHUB_REF_NAME: $RUN_URL\"
payload=$(jq --null-input --arg text \"$text\" '{text: $text}')
curl --fail --silent --show-error --request POST --header 'Content-Type: application/json' --data \"$payload\" \"$WEBHOOK\"
";

/// The URL of the current run.
pub const RUN_URL: &str = "${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}";

/// Checks out the workflow's own repository without leaving the token on disk.
pub fn checkout() -> Step {
    CHECKOUT.step("Check out", vars([("persist-credentials", "false")]))
}

/// What a pull request to the platform repository does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformChange<'a> {
    /// `owner/name` of the platform repository.
    pub repository: &'a str,
    /// The platform branch the environment deploys from.
    pub branch: &'a str,
    /// The environment whose tag changes.
    pub env: &'a str,
    /// The service.
    pub service: &'a str,
    /// The new tag, usually an expression (`${{ github.sha }}`).
    pub tag: &'a str,
    /// `deploy`, `promote` or `roll back`, for the title.
    pub reason: &'a str,
}

/// Checks out the platform branch, runs `generate set-image`, and opens a pull request that
/// merges itself once the platform repository's required checks pass (`gh pr merge --auto`;
/// the repository must allow auto-merge and protect the branch with `.ci/run`'s check,
/// docs/ci-cd.md): the image update reaches the environment's manifests with no one
/// clicking merge (seed requirement 5.3), and never past a failing check.
pub fn platform_pull_request(change: &PlatformChange) -> Vec<Step> {
    let checkout = vars([
        ("repository", change.repository),
        ("ref", change.branch),
        ("path", PLATFORM_DIR),
        ("token", PLATFORM_TOKEN),
        ("persist-credentials", "false"),
    ]);
    let target = vars([("TARGET_ENV", change.env), ("SERVICE", change.service), ("TAG", change.tag)]);
    let mut pr_env = target.clone();
    pr_env.extend(vars([
        ("GH_TOKEN", PLATFORM_TOKEN),
        ("PLATFORM_REPOSITORY", change.repository),
        ("BASE_BRANCH", change.branch),
        ("REASON", change.reason),
        ("RUN_URL", RUN_URL),
    ]));
    vec![
        CHECKOUT.step("Check out the platform repository", checkout),
        Step::script(SET_IMAGE_STEP, SET_IMAGE_SCRIPT, target).in_dir(PLATFORM_DIR),
        Step::script("Open the pull request", OPEN_PR_SCRIPT, pr_env).in_dir(PLATFORM_DIR),
    ]
}

/// Posts the failed run to the chat webhook in the `KEIKO_NOTIFY_WEBHOOK` secret.
pub fn notify() -> Step {
    let env: Vars = vars([
        ("WEBHOOK", "${{ secrets.KEIKO_NOTIFY_WEBHOOK }}"),
        ("WORKFLOW", "${{ github.workflow }}"),
        ("RUN_URL", RUN_URL),
    ]);
    Step::script("Notify the team", NOTIFY_SCRIPT, env)
}
