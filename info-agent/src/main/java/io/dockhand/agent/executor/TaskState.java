package io.dockhand.agent.executor;

/** Where a task is in its life, as Nomad's drivers tell it (with {@code CREATED} for a task not yet started). */
public enum TaskState {
    /** Created, not started. */
    CREATED,
    /** Running (or paused, or restarting). */
    RUNNING,
    /** Exited, with an exit code. */
    EXITED,
    /** Anything the driver cannot tell (being removed, dead). */
    UNKNOWN
}
