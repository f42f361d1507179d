package io.dockhand.server.records;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Listings' query plans on an H2 file. */
@StoreOn(DatabaseKind.H2)
class QueryPlanH2Test extends AbstractQueryPlanTest {
}
