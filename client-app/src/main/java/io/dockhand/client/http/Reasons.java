package io.dockhand.client.http;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;

/** Why an attempt failed, said briefly for an error line: "connection refused", "timed out", "unknown host x". */
public final class Reasons {
    private Reasons() {
    }

    /** The reason {@code error} gives, in a few lower-case words. */
    public static String of(Throwable error) {
        if (error instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (error instanceof HttpTimeoutException) {
            // Exchange says when the headers came but the body did not.
            return error.getMessage() != null && error.getMessage().startsWith("timed out ") ? error.getMessage()
                    : "timed out";
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                // The JDK's client reports a refused connection as a ConnectException without a message.
                String message = deepMessage(t);
                return message == null || message.toLowerCase(Locale.ROOT).contains("refused")
                        ? "connection refused" : "cannot connect (" + message + ")";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof EOFException || (t.getMessage() != null && t.getMessage().contains("no bytes"))) {
                return "connection closed before an answer";
            }
        }
        String message = deepMessage(error);
        return message == null ? error.getClass().getSimpleName() : message;
    }

    private static String deepMessage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return null;
    }
}
