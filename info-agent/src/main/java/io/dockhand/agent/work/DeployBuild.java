package io.dockhand.agent.work;

import java.util.List;
import java.util.Map;

import io.dockhand.agent.executor.ImageBuildException;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;

/**
 * A deployment's build run: the app's commit checked out (the node's git checkouts, as a job task's), built with
 * the preset's Dockerfile added as {@code Dockerfile.dockhand} (or the repository's own), tagged
 * {@code <repository>:<tag>} and pushed to the registry; it ends {@code succeeded} with the image as
 * {@code <repository>@sha256:<digest>}, the reference the serve run deploys. Then the registry keeps only the
 * tags the store named ({@link io.dockhand.api.RunDeploy#keepTags()}). The image stays in the node's cache.
 */
final class DeployBuild extends DeployJob {

    /** The base image the presets build on, used when the node has it (no network needed). */
    static final String OFFLINE_BASE = "dockhand/debian:bookworm";
    static final String PRESET_DOCKERFILE = "Dockerfile.dockhand";

    private volatile RunImage imageStep;

    DeployBuild(WorkContext work, Run run, long leaseSeconds) {
        super(work, run, leaseSeconds);
    }

    @Override
    boolean takesSlot() {
        return true;
    }

    @Override
    protected void stopped() {
        RunImage building = imageStep;
        if (building != null) {
            building.stop();
        }
    }

    @Override
    protected void carryOut(LogShipper log) {
        Map<String, String> added = deploy.dockerfileText() == null ? Map.of()
                : Map.of(dockerfile(), deploy.dockerfileText());
        try (GitContext git = new GitContext(work, run, log, added)) {
            String commit = git.prepare();
            if (stopWhy != null) {
                finishStopped(log);
                return;
            }
            report(RunState.BUILDING, null, null, commit);
            Map<String, String> args = work.driver().hasImage(OFFLINE_BASE) ? Map.of("BASE_IMAGE", OFFLINE_BASE)
                    : Map.of();
            imageStep = new RunImage(work, run, git.key(), log, () -> stopWhy != null, () -> leaseUntil, git::context)
                    .forDeployment(deploy.deployment(), args);
            String image = imageStep.obtain();
            work.images().used(image);
            if (stopWhy != null) {
                finishStopped(log);
                return;
            }
            report(RunState.RUNNING, null, null, null);
            String reference = push(log, image);
            retain(log);
            finish(log, RunState.SUCCEEDED, null, reference);
        } catch (GitCheckouts.GitFailure e) {
            log.line("system", "The clone failed: " + e.getMessage());
            finish(log, RunState.FAILED, e.getMessage(), null);
        } catch (ImageBuildException e) {
            log.line("system", "The build failed: " + e.getMessage());
            finish(log, RunState.FAILED, "the build failed: " + e.getMessage(), null);
        } catch (RunImage.Stopped e) {
            log.line("system", "The build was stopped.");
            finishStopped(log);
        }
    }

    private String dockerfile() {
        return run.dockerfile() == null ? PRESET_DOCKERFILE : run.dockerfile();
    }

    /** Pushes the image; its reference by digest. */
    private String push(LogShipper log, String image) {
        String target = deploy.repository() + ":" + deploy.tag();
        log.line("system", "Pushing " + target + " to the registry.");
        long started = System.nanoTime();
        String digest;
        try {
            digest = services().push(image, deploy.repository(), deploy.tag(), line -> log.line("system", line));
        } catch (ImageBuildException e) {
            throw new ImageBuildException("pushing failed: " + e.getMessage());
        } finally {
            services().untag(target);
        }
        log.line("system", "Pushed " + target + " digest " + digest + " in "
                + (System.nanoTime() - started) / 1_000_000 + " ms.");
        return deploy.repository() + "@" + digest;
    }

    /** Deletes the repository's tags the store did not name to keep; a registry that fails it only says so. */
    private void retain(LogShipper log) {
        if (deploy.keepTags() == null || deploy.keepTags().isEmpty()) {
            return;
        }
        try {
            List<String> deleted = work.registry().retain(deploy.repository(), deploy.keepTags());
            if (!deleted.isEmpty()) {
                log.line("system", "Deleted " + deleted.size() + " older image" + (deleted.size() == 1 ? "" : "s")
                        + " of " + deploy.repository() + " from the registry (kept " + String.join(", ",
                        deploy.keepTags()) + "): " + String.join(", ", deleted) + ".");
            }
        } catch (RegistryClient.RegistryException e) {
            log.line("system", "Could not delete the older images from the registry: " + e.getMessage());
        }
    }
}
