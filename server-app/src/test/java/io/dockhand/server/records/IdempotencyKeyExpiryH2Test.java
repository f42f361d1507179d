package io.dockhand.server.records;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Idempotency keys' expiry on an H2 file. */
@StoreOn(DatabaseKind.H2)
class IdempotencyKeyExpiryH2Test extends AbstractIdempotencyKeyExpiryTest {
}
