package io.dockhand.agent.executor;

/** The image asked for is not on this node (the driver never pulls). */
public final class ImageNotFoundException extends TaskException {

    private static final long serialVersionUID = 1L;

    public ImageNotFoundException(String image) {
        super("No image " + image + " on this node");
    }
}
