package io.dockhand.client;

/** Ends a command with a message for stderr and a chosen {@link ExitCodes exit code} (after jbang's). */
final class ExitException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    ExitException(int code, String message) {
        super(message);
        this.code = code;
    }

    static ExitException usage(String message) {
        return new ExitException(ExitCodes.USAGE, message);
    }

    int code() {
        return code;
    }
}
