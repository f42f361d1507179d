package io.dockhand.agent.executor;

/** No task of this driver has the id asked for on this node. */
public final class TaskNotFoundException extends TaskException {

    private static final long serialVersionUID = 1L;

    public TaskNotFoundException(String taskId) {
        super("No task " + taskId + " on this node");
    }
}
