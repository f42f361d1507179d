package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Jobs on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class JobsPostgresTest extends AbstractJobsTest {
}
