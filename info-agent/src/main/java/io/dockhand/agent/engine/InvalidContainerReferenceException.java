package io.dockhand.agent.engine;

/** The engine refused the container id or name asked for as malformed (it answered 400). */
public final class InvalidContainerReferenceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidContainerReferenceException(String idOrName, String engineMessage) {
        super("The Docker Engine refused " + idOrName + " as a container id or name"
                + (engineMessage == null || engineMessage.isBlank() ? "." : ": " + engineMessage));
    }
}
