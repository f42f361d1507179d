package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Nodes and runs on an H2 file. */
@StoreOn(DatabaseKind.H2)
class NodesAndRunsH2Test extends AbstractNodesAndRunsTest {
}
