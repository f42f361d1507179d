package io.dockhand.server;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.StoreOn;

/** Bad input on an H2 file. */
@StoreOn(DatabaseKind.H2)
class BadInputH2Test extends AbstractBadInputTest {
}
