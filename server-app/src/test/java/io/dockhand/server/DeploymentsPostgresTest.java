package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Deployments on PostgreSQL. */
@StoreOn(DatabaseKind.POSTGRES)
class DeploymentsPostgresTest extends AbstractDeploymentsTest {
}
