package io.dockhand.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One attempt of a job task: the run that carried it out and what came of it.
 *
 * @param attempt         1 for the first
 * @param runId           the run (its log is the attempt's whole output: {@code GET /api/v1/runs/{id}/logs})
 * @param node            the node whose agent claimed it
 * @param state           the run's state: final, or in progress for the attempt a worker holds now (listed in
 *                        the one-task view; its stdout and stderr are null until it ends: its run's log has them)
 * @param exitCode        the command's exit code, when it ran to its end
 * @param reason          why it failed, in words (clone, build, start, time limit, lost worker)
 * @param commit          the commit the ref resolved to
 * @param stdout          the start of the command's standard output (at most {@link #OUTPUT_CAP} bytes)
 * @param stderr          the start of its standard error (at most {@link #OUTPUT_CAP} bytes)
 * @param outputTruncated whether stdout or stderr is longer than shown here
 * @param clonedAt        when the worker claimed it and started cloning
 * @param builtAt         when the clone was done and the build started
 * @param startedAt       when the container started
 * @param endedAt         when the attempt ended
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskAttempt(int attempt, String runId, String node, RunState state, Integer exitCode, String reason,
                          String commit, String stdout, String stderr, boolean outputTruncated, Instant clonedAt,
                          Instant builtAt, Instant startedAt, Instant endedAt) {

    /** How much of each output stream a result carries: the whole output stays in the attempt's run's log. */
    public static final int OUTPUT_CAP = 64 * 1024;
}
