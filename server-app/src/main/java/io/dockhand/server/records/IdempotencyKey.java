package io.dockhand.server.records;

/**
 * A client's {@code Idempotency-Key} with a digest of the request it came with.
 *
 * @param key         the header value
 * @param requestHash SHA-256 of the request path and body, hex
 */
public record IdempotencyKey(String key, String requestHash) {
}
