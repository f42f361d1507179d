package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Verified records on H2. */
@StoreOn(DatabaseKind.H2)
class VerifiedRecordsH2Test extends AbstractVerifiedRecordsTest {
}
