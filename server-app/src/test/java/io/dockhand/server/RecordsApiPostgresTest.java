package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** The records API on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class RecordsApiPostgresTest extends AbstractRecordsApiTest {
}
