package io.dockhand.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An agent's report of a run's new state ({@code POST /api/v1/runs/{id}/reports}): {@code building},
 * {@code running}, or a final one ({@code succeeded}, {@code failed}, {@code cancelled}, {@code lost}). The store
 * applies it only when the reporting node holds the run's lease for this {@code attempt} and the run is not final
 * yet, closing the run and writing its result in one transaction; otherwise it answers {@code 409} with problem
 * type {@code lease-lost} (or {@code run-finished}), records the late report, and changes nothing.
 *
 * @param node     the reporting node's id
 * @param attempt  the attempt the agent holds
 * @param state    the new state
 * @param exitCode the container's exit code (final states after the container ran)
 * @param reason   why (failed, cancelled, lost): a sentence for the user
 * @param imageId  the image built or found in the cache ({@code running} and later)
 * @param at       when it happened on the node
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(String node, int attempt, RunState state, Integer exitCode, String reason, String imageId,
                        Instant at, String commit) {

    /** A report without a commit (every report but a git run's {@code building}). */
    public RunReport(String node, int attempt, RunState state, Integer exitCode, String reason, String imageId,
                     Instant at) {
        this(node, attempt, state, exitCode, reason, imageId, at, null);
    }
}
