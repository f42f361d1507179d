package io.dockhand.api;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Where a run is in the one work model: {@code queued → assigned → building → running → succeeded | failed |
 * cancelled | lost}. A run reaches exactly one final state.
 */
public enum RunState {
    /** Waiting for its node's agent to claim it. */
    QUEUED,
    /** Claimed by an agent, which holds its lease. */
    ASSIGNED,
    /** Its image is being built (or found in the node's cache). */
    BUILDING,
    /** Its container runs. */
    RUNNING,
    /** The container exited 0. */
    SUCCEEDED,
    /** The build failed, the container exited non-zero, or it ran out of time; {@code reason} says which. */
    FAILED,
    /** Cancelled by a user before it finished. */
    CANCELLED,
    /** Its agent went silent and the lease expired; what became of it is unknown. */
    LOST;

    /** Whether no state follows this one. */
    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == LOST;
    }

    /** Whether an agent holds the run (its lease is alive). */
    public boolean isInProgress() {
        return this == ASSIGNED || this == BUILDING || this == RUNNING;
    }

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The state a wire name stands for. */
    @JsonCreator
    public static RunState of(String wire) {
        try {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + wire + "' is not a run state; one of queued, assigned, building,"
                    + " running, succeeded, failed, cancelled, lost");
        }
    }
}
