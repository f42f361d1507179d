package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Racing writes on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class ConcurrentWritesPostgresTest extends AbstractConcurrentWritesTest {
}
