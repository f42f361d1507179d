package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** The records API on an H2 file. */
@StoreOn(DatabaseKind.H2)
class RecordsApiH2Test extends AbstractRecordsApiTest {
}
