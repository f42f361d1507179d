package io.dockhand.server.deployments;

import io.dockhand.api.Manifest;
import io.dockhand.web.ProblemException;

/** The app's repository read with JGit ({@link RepoProbe}) and its manifest with {@link ManifestParser}. */
public final class GitDeploySources implements DeploySources {
    private final RepoProbe probe = new RepoProbe();

    @Override
    public Resolved resolve(String repo, String branch) {
        try {
            RepoProbe.Resolved at = probe.resolve(repo, branch);
            return new Resolved(at.branch(), at.commit());
        } catch (RepoProbe.UnknownBranch e) {
            throw new ProblemException(422, "branch-not-found", "Branch not found", e.getMessage());
        } catch (RepoProbe.Failure e) {
            throw new ProblemException(422, "repo-unreachable", "Repository unreachable", e.getMessage());
        }
    }

    @Override
    public Manifest manifest(String repo, String commit) {
        RepoProbe.RepoFile file;
        try {
            file = probe.read(repo, commit, ManifestParser.FILES).orElseThrow(() -> new ProblemException(422,
                    "manifest-missing", "Manifest missing", "The repository has no " + String.join(" or ",
                    ManifestParser.FILES) + " at its root at commit " + DeploymentRepository.tag(commit) + "."));
        } catch (RepoProbe.TooLarge e) {
            throw new ProblemException(422, "manifest-invalid", "Invalid manifest", e.getMessage());
        } catch (RepoProbe.Failure e) {
            throw new ProblemException(422, "repo-unreachable", "Repository unreachable", e.getMessage());
        }
        try {
            return ManifestParser.parse(file.path(), file.content());
        } catch (ManifestException e) {
            throw new ProblemException(422, "manifest-invalid", "Invalid manifest", e.getMessage());
        }
    }

    @Override
    public String dockerfile(Manifest manifest) {
        return "custom".equals(manifest.config().lang()) ? null : Presets.dockerfile(manifest.config());
    }
}
