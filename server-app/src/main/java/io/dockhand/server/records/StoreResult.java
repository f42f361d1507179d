package io.dockhand.server.records;

/**
 * The outcome of storing a record.
 *
 * @param record   the stored record
 * @param replayed true when an earlier request with the same idempotency key had stored it
 */
public record StoreResult(StoredRecord record, boolean replayed) {
}
