package io.dockhand.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A task's one result on its project's Done: written in the transaction that ends the task, so there is exactly
 * one per task (a user's retry takes it off Done until the task ends again).
 *
 * @param seq        its place on Done: results are read after a {@code seq}
 * @param project    the task's project
 * @param taskId     the task's id
 * @param state      succeeded, dead or cancelled
 * @param exitCode   the last attempt's exit code (null when the command never ended: clone, build, lost, cancel)
 * @param reason     why the last attempt failed, null when it succeeded
 * @param node       the node of the last attempt
 * @param attempt    how many attempts it took
 * @param stdout     the last attempt's standard output (capped, see {@link TaskAttempt#OUTPUT_CAP})
 * @param stderr     the last attempt's standard error (capped)
 * @param finishedAt when it went to Done
 * @param attempts   every attempt's result, oldest first
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskResult(long seq, String project, String taskId, TaskState state, Integer exitCode, String reason,
                         String node, int attempt, String stdout, String stderr, Instant finishedAt,
                         List<TaskAttempt> attempts) {
}
