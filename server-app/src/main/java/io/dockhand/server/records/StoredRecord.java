package io.dockhand.server.records;

/**
 * A record as the store keeps it.
 *
 * @param id   the id the store gave it
 * @param json the record's JSON document, with {@code id} and {@code receivedAt}
 */
public record StoredRecord(String id, String json) {
}
