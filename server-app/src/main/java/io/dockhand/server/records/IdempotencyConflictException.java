package io.dockhand.server.records;

/** An {@code Idempotency-Key} was used before with a different request body. */
public final class IdempotencyConflictException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    IdempotencyConflictException(String key) {
        super("Idempotency-Key '" + key + "' was already used for another request (a different body or path).");
    }
}
