package io.dockhand.agent.engine;

/** The engine did not answer, or not in time, or answered with an error of its own. */
public final class EngineUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EngineUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
