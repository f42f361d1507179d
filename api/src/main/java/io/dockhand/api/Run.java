package io.dockhand.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A run: a build context, built into an image on one node and run there once. The body of
 * {@code GET /api/v1/runs/{id}}, an item of {@code GET /api/v1/runs}, and the run inside a {@link Claim}.
 *
 * @param id              the run's id (a UUID)
 * @param state           where it is now
 * @param node            the node it was given to
 * @param pinned          whether the submitter named that node ({@code --node}); an unpinned queued run moves to
 *                        another live node when its node goes down
 * @param context         the build context's digest, {@code sha256:<hex>}
 * @param contextBytes    the context's size (a tar)
 * @param dockerfile      the Dockerfile's path inside the context
 * @param command         the command and its arguments; empty for the image's own
 * @param env             environment variables for the container
 * @param cpus            CPU limit, 0 for none
 * @param memoryBytes     memory limit, 0 for none
 * @param timeoutSeconds  how long the container may run before it is stopped and the run fails; 0 for no limit
 * @param attempt         how many times an agent has claimed it (0 while first queued)
 * @param maxAttempts     how many claims it may have: 1 for a plain run (a lost run is not retried), one more for
 *                        each claim no agent took up (at most two: the lease expired while it was still assigned)
 * @param exitCode        the container's exit code, once it exited
 * @param reason          why it ended as it did, in a sentence (failed, cancelled, lost), or null
 * @param imageId         the image it ran, once built
 * @param cancelRequested a user asked to cancel it; its agent stops it
 * @param logBytes        the size of its log so far (the offset a follower reaches at the end)
 * @param createdAt       when it was submitted (queued)
 * @param assignedAt      when an agent claimed it
 * @param buildingAt      when its build started
 * @param runningAt       when its container started
 * @param finishedAt      when it reached its final state
 * @param git             where its source comes from when that is a git repository (a job task's attempt), else
 *                        null: its context is then an uploaded one
 * @param task            the job task it is an attempt of, else null
 * @param deploy          what it does for a deployment (build and push, serve, remove), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Run(String id, RunState state, String node, boolean pinned, String context, long contextBytes,
                  String dockerfile, List<String> command, Map<String, String> env, double cpus, long memoryBytes,
                  long timeoutSeconds, int attempt, int maxAttempts, Integer exitCode, String reason, String imageId,
                  boolean cancelRequested, long logBytes, Instant createdAt, Instant assignedAt, Instant buildingAt,
                  Instant runningAt, Instant finishedAt, GitSource git, TaskRef task, RunDeploy deploy) {
}
