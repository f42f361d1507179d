package io.dockhand.server.db;

/**
 * The database did not answer within the store's retry window (for example while another replica takes over the
 * shared database file). Nothing was acknowledged, so the client may retry with the same idempotency key.
 */
public final class StoreUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreUnavailableException(Throwable cause) {
        super("The database did not answer; retry with the same Idempotency-Key.", cause);
    }
}
