package io.dockhand.agent.executor;

/** The task is not in a state that allows what was asked: it exists already, or it still runs. */
public final class TaskConflictException extends TaskException {

    private static final long serialVersionUID = 1L;

    public TaskConflictException(String message) {
        super(message);
    }
}
