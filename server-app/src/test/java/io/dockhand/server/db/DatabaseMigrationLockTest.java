package io.dockhand.server.db;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.dockhand.server.StoreSettings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica starting while another holds the schema history's lock (migrating the shared H2 file) waits for it,
 * however long that takes, instead of giving up after its start window: a replica that gave up and exited while
 * serving the file would break the migrating one's session halfway through a script.
 */
class DatabaseMigrationLockTest {
    @TempDir
    Path dir;

    @Test
    void waitsPastItsStartWindowForAnotherReplicaHoldingTheMigrationLock() throws Exception {
        // the shared file as the stack opens it; H2 gives up on a held lock after 300 ms here instead of 10 s
        String url = "jdbc:h2:file:" + dir.resolve("dockhand") + ";WRITE_DELAY=0;AUTO_SERVER=TRUE;LOCK_TIMEOUT=300";
        StoreSettings settings = new StoreSettings(url, "sa", "", 4, 64 * 1024, Duration.ofSeconds(5),
                                                   Duration.ofSeconds(1), Duration.ofHours(24));
        Database.open(settings).close(); // the schema exists: the history table is there to lock

        try (Connection other = DriverManager.getConnection(url, "sa", "")) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM \"flyway_schema_history\" FOR UPDATE")) {
                assertThat(rs.next()).isTrue();
            }
            CompletableFuture<Database> starting = CompletableFuture.supplyAsync(() -> Database.open(settings));

            Thread.sleep(4_000); // four start windows, a dozen of H2's lock timeouts
            assertThat(starting).as("still waiting, not failed").isNotDone();

            other.commit(); // the other replica's migration is done
            try (Database database = starting.get(30, TimeUnit.SECONDS)) {
                assertThat(database.isAvailable()).isTrue();
            }
        }
    }

    @Test
    void takesOnlyALockTimeoutForAnotherReplicasLock() {
        assertThat(Database.lockedByAnother(new RuntimeException("Unable to lock table",
                new org.h2.jdbc.JdbcSQLTimeoutException("Timeout trying to lock table", null, "HYT00", 50200, null,
                                                        null)))).isTrue();
        assertThat(Database.lockedByAnother(new RuntimeException("Unable to obtain connection",
                new java.sql.SQLTransientConnectionException("Connection is not available")))).isFalse();
    }
}
