package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Racing writes on an H2 file. */
@StoreOn(DatabaseKind.H2)
class ConcurrentWritesH2Test extends AbstractConcurrentWritesTest {
}
