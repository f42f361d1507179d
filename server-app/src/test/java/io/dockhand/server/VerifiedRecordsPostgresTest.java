package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Verified records on Postgres. */
@StoreOn(DatabaseKind.POSTGRES)
class VerifiedRecordsPostgresTest extends AbstractVerifiedRecordsTest {
}
