package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Acknowledged writes survive kill -9 on an H2 file. */
@StoreOn(DatabaseKind.H2)
class DurabilityH2IT extends AbstractDurabilityIT {
}
