package io.dockhand.agent.executor;

/** A build failed: the engine's reason (a bad Dockerfile, a failing step, a missing base image) is the message. */
public final class ImageBuildException extends TaskException {

    private static final long serialVersionUID = 1L;

    public ImageBuildException(String reason) {
        super(reason);
    }
}
