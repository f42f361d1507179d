package io.dockhand.server.records;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Idempotency keys' expiry on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class IdempotencyKeyExpiryPostgresTest extends AbstractIdempotencyKeyExpiryTest {
}
