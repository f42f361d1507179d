package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Nodes and runs on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class NodesAndRunsPostgresTest extends AbstractNodesAndRunsTest {
}
