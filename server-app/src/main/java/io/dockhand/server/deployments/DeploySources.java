package io.dockhand.server.deployments;

import io.dockhand.api.Manifest;

/**
 * What a deploy reads from the app's repository before anything is built: where the branch is, and the manifest at
 * that commit. Each failure is a 422 problem saying what is wrong (the repository does not answer, the branch does
 * not exist, the manifest is missing or invalid, with its file, line and reason).
 */
public interface DeploySources {

    /** A branch and the commit it is at. */
    record Resolved(String branch, String commit) {
    }

    /** The branch's commit (the repository's HEAD branch when {@code branch} is null). */
    Resolved resolve(String repo, String branch);

    /** The manifest at the commit: {@code dockhand.toml}, else {@code shipwreck.toml}, validated. */
    Manifest manifest(String repo, String commit);

    /** The preset's Dockerfile for the manifest's lang; null for {@code custom} (the repository's own). */
    String dockerfile(Manifest manifest);
}
