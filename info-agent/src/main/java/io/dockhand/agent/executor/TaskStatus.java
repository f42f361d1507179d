package io.dockhand.agent.executor;

import java.time.Instant;

/**
 * What the engine knows of a task now, after Nomad's {@code TaskStatus}.
 *
 * @param taskId      the task's id
 * @param containerId its container's id
 * @param imageId     the id of the image it runs
 * @param state       where it is in its life
 * @param exitCode    its exit code once {@link TaskState#EXITED}, else null
 * @param oomKilled   whether the kernel killed it for using more memory than its limit
 * @param createdAt   when it was created
 * @param startedAt   when it started, null if it never did
 * @param finishedAt  when it exited, null if it has not
 * @param run         the run it carries out, from its labels; null for none
 */
public record TaskStatus(String taskId, String containerId, String imageId, TaskState state, Integer exitCode,
                         boolean oomKilled, Instant createdAt, Instant startedAt, Instant finishedAt, RunRef run) {
}
