package io.dockhand.api;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a job task is: {@code ready → running → succeeded}, or {@code running → failed → ready} again after the
 * backoff while it has attempts left, else {@code dead} (dead-lettered with every attempt's result); {@code
 * cancelled} by a user. A task leaves the project's ToDo (ready, running, failed) only when its one result is
 * stored on Done (succeeded, dead, cancelled).
 */
public enum TaskState {
    /** Waiting for a worker to claim it. */
    READY,
    /** An attempt is in a worker's hands (cloning, building or running). */
    RUNNING,
    /** Its last attempt failed; it is tried again after its backoff ({@code notBefore}). */
    FAILED,
    /** An attempt succeeded: its result is on Done. */
    SUCCEEDED,
    /** Every attempt failed: its result, with every attempt's, is on Done (the dead letter). */
    DEAD,
    /** Cancelled by a user: its result is on Done. */
    CANCELLED;

    /** Whether the task's result is on Done. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == DEAD || this == CANCELLED;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state a wire name stands for. */
    @JsonCreator
    public static TaskState of(String wire) {
        try {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + wire + "' is not a task state; one of ready, running, failed,"
                    + " succeeded, dead, cancelled");
        }
    }
}
