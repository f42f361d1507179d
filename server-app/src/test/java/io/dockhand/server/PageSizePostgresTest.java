package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Page size limits on Postgres. */
@StoreOn(DatabaseKind.POSTGRES)
class PageSizePostgresTest extends AbstractPageSizeTest {
}
