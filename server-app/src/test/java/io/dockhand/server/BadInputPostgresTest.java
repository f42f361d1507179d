package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Bad input on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class BadInputPostgresTest extends AbstractBadInputTest {
}
