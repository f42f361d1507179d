package io.dockhand.agent.executor;

/**
 * The engine answered, and the answer is no: about the task or image asked for, not about the engine itself
 * (which is {@link io.dockhand.agent.engine.EngineUnavailableException}).
 */
public abstract sealed class TaskException extends RuntimeException
        permits TaskNotFoundException, TaskConflictException, ImageNotFoundException, ImageBuildException {

    private static final long serialVersionUID = 1L;

    TaskException(String message) {
        super(message);
    }
}
