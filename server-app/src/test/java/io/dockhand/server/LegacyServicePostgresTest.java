package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** The original tool's paths on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class LegacyServicePostgresTest extends AbstractLegacyServiceTest {
}
