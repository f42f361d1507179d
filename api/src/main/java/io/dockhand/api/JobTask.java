package io.dockhand.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A job task as stored.
 *
 * @param project        its project
 * @param taskId         the submitter's id, unique in the project
 * @param state          where it is
 * @param repo           the git repository
 * @param ref            the branch, tag or commit; null for the repository's HEAD
 * @param dockerfile     the Dockerfile's path in the repository
 * @param command        what runs in the image (a shell line was stored as {@code sh -c LINE})
 * @param env            the environment (values masked without the cluster token)
 * @param timeoutSeconds each attempt's time limit, 0 for none
 * @param attempt        how many attempts were made
 * @param maxAttempts    how many it gets
 * @param runId          the run of its current or last attempt
 * @param notBefore      when a failed task is tried again
 * @param exitCode       its last attempt's exit code
 * @param reason         why its last attempt failed
 * @param createdAt      when it was submitted
 * @param finishedAt     when its result went to Done
 * @param attempts       every attempt, oldest first (in the one-task view; null in listings)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobTask(String project, String taskId, TaskState state, String repo, String ref, String dockerfile,
                      List<String> command, Map<String, String> env, long timeoutSeconds, int attempt,
                      int maxAttempts, String runId, Instant notBefore, Integer exitCode, String reason,
                      Instant createdAt, Instant finishedAt, List<TaskAttempt> attempts) {
}
