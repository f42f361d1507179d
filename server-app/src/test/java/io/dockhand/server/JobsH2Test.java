package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Jobs on an H2 file. */
@StoreOn(DatabaseKind.H2)
class JobsH2Test extends AbstractJobsTest {
}
