package io.dockhand.server;

/**
 * The database did not answer within the store's retry window (for example while another replica takes over the
 * shared database file). Nothing was acknowledged, so the client may retry with the same idempotency key.
 */
public final class StoreUnavailableException extends ProblemException {
    StoreUnavailableException(Throwable cause) {
        super(503, "store-unavailable", "Store unavailable",
              "The database did not answer; retry with the same Idempotency-Key.");
        initCause(cause);
    }
}
