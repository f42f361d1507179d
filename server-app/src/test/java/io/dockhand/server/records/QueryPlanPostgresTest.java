package io.dockhand.server.records;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Listings' query plans on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class QueryPlanPostgresTest extends AbstractQueryPlanTest {
}
