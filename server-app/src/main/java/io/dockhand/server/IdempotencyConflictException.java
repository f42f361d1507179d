package io.dockhand.server;

/** An {@code Idempotency-Key} was used before with a different request body. */
public final class IdempotencyConflictException extends ProblemException {
    IdempotencyConflictException(String key) {
        super(409, "idempotency-conflict", "Idempotency key reused",
              "Idempotency-Key '" + key + "' was already used for another request (a different body or path).");
    }
}
