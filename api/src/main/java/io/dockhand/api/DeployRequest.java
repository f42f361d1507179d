package io.dockhand.api;

/**
 * {@code POST /api/v1/deployments}.
 *
 * @param repo   the git URL of the app's repository
 * @param branch its branch (default: the repository's HEAD branch)
 * @param name   the deployment's name (default: the manifest's {@code [app] name})
 */
public record DeployRequest(String repo, String branch, String name) {
}
