package io.dockhand.agent.executor;

import java.time.Instant;

/**
 * Something that happened to one of the driver's tasks, after Nomad's {@code TaskEvent}.
 *
 * @param taskId   the task it happened to
 * @param kind     what happened
 * @param at       when the engine saw it
 * @param exitCode the exit code for {@link Kind#EXITED}, else null
 */
public record TaskEvent(String taskId, Kind kind, Instant at, Integer exitCode) {

    /** What happened. */
    public enum Kind {
        STARTED,
        EXITED,
        OOM_KILLED,
        DESTROYED
    }
}
