package io.dockhand.client.http;

import java.util.List;

/** No address of a service answered in time; the message names the cause and every URL tried. */
public final class UnreachableException extends RequestFailedException {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    static UnreachableException of(String role, String method, List<String> tried, String cause, Throwable last) {
        return new UnreachableException("cannot reach the " + role + ": " + cause + " (" + method + " "
                + String.join(", ", tried) + ")", last);
    }
}
