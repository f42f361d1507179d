package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Acknowledged writes survive kill -9 on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class DurabilityPostgresIT extends AbstractDurabilityIT {
}
