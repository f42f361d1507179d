package io.dockhand.server.records;

import java.time.Instant;
import java.util.Optional;

/**
 * What a client asks of a record listing: a page size, where to continue, and filters (all optional, combined
 * with AND). {@code since} is inclusive, {@code until} exclusive, both on the observation time.
 *
 * @param limit       page size, 1 to 1000
 * @param cursor      where the previous page ended
 * @param containerId a full container id or a prefix of one
 * @param node        node name, exact
 * @param image       image, exact
 * @param since       earliest observation time
 * @param until       observation time upper bound
 */
public record RecordQuery(int limit,
                          Optional<Cursor> cursor,
                          Optional<String> containerId,
                          Optional<String> node,
                          Optional<String> image,
                          Optional<Instant> since,
                          Optional<Instant> until) {
    /** The default page size. */
    public static final int DEFAULT_LIMIT = 100;
    /** The largest page size. */
    public static final int MAX_LIMIT = 1000;
}
