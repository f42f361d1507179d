package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Page size limits on H2. */
@StoreOn(DatabaseKind.H2)
class PageSizeH2Test extends AbstractPageSizeTest {
}
