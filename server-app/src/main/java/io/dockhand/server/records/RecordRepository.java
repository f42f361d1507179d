package io.dockhand.server.records;

import java.util.Optional;
import java.util.function.Consumer;

/** Where records are kept. Every method either succeeds durably or throws; nothing is acknowledged half-done. */
public interface RecordRepository {

    /**
     * Stores a record exactly once. With a key, a retry of the same request returns the first result and stores
     * nothing; a different request under the same key throws {@link IdempotencyConflictException}.
     */
    StoreResult store(NewRecord record, Optional<IdempotencyKey> key);

    /** The record with this id, if any. */
    Optional<StoredRecord> find(String id);

    /** A page of records, newest observation first. */
    Page records(RecordQuery query);

    /** A page of the latest record of each container, newest observation first. */
    Page containers(RecordQuery query);

    /** Hands every record's JSON to the sink, oldest first, a chunk at a time so memory stays flat. */
    void forEach(Consumer<String> sink);

    /**
     * Forgets idempotency keys older than {@code maxAge}: a retry after that stores anew. Returns how many went.
     */
    int forgetIdempotencyKeys(java.time.Duration maxAge);
}
