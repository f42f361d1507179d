package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** The original tool's paths on an H2 file. */
@StoreOn(DatabaseKind.H2)
class LegacyServiceH2Test extends AbstractLegacyServiceTest {
}
