package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Deployments on an H2 file. */
@StoreOn(DatabaseKind.H2)
class DeploymentsH2Test extends AbstractDeploymentsTest {
}
