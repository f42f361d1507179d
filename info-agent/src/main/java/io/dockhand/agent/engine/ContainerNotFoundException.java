package io.dockhand.agent.engine;

/** The engine does not know the container asked for. */
public final class ContainerNotFoundException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ContainerNotFoundException(String idOrName) {
        super("No container " + idOrName + " on this node");
    }
}
