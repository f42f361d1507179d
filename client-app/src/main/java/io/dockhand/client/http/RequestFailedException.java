package io.dockhand.client.http;

/** A request that ended without a usable answer; its message is one line naming the cause and the URL. */
public abstract sealed class RequestFailedException extends RuntimeException
        permits ProblemException, UnreachableException {
    private static final long serialVersionUID = 1L;

    RequestFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
