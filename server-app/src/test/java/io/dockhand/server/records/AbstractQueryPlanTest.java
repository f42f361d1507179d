package io.dockhand.server.records;

import io.dockhand.server.StoreSettings;
import io.dockhand.server.db.Database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every listing reads its page through an index in the listing's order and stops after the page: pinned on the
 * database's own query plans, so a dropped index or a query that stops matching one fails here, not at a million
 * records in production.
 */
class QueryPlanTest {
    private static Path dir;
    private static Database database;

    @BeforeAll
    static void openDatabase() throws Exception {
        dir = Files.createTempDirectory("dockhand-plans");
        database = Database.open(new StoreSettings("jdbc:h2:file:" + dir.resolve("plans") + ";WRITE_DELAY=0", "sa", "",
                                                   2, 65536, Duration.ofSeconds(1), Duration.ofSeconds(1),
                                                   Duration.ofHours(1)));
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
        io.dockhand.server.StoreServerExtension.deleteTree(dir);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "records   |                      |         | RECORDS_BY_TIME",
            "records   | containerId          |         | RECORDS_BY_CONTAINER: CONTAINER_ID =",
            "records   | node                 |         | RECORDS_BY_NODE: NODE =",
            "records   | image                |         | RECORDS_BY_IMAGE: IMAGE =",
            "records   | since                |         | RECORDS_BY_TIME: OBSERVED_US >=",
            "records   |                      | cursor  | RECORDS_BY_TIME: OBSERVED_US <=",
            "records   | node                 | cursor  | RECORDS_BY_NODE: NODE = ?",
            "containers|                      |         | CONTAINERS_BY_TIME",
            "containers| node                 | cursor  | CONTAINERS_BY_NODE: NODE = ?",
            "containers| image                |         | CONTAINERS_BY_IMAGE: IMAGE =",
            "containers| containerId          | cursor  | PRIMARY_KEY",
            "records   | nodeAndImage         |         | RECORDS_BY_NODE: NODE =",
    })
    void readsAPageThroughAnIndexInListingOrder(String listing, String filter, String cursor, String index)
            throws Exception {
        RecordQuery query = new RecordQuery(
                100,
                Optional.ofNullable(cursor).map(c -> new Cursor(1_700_000_000_000_000L, 42)),
                Optional.ofNullable("containerId".equals(filter) ? "a".repeat(64) : null),
                Optional.ofNullable(filter != null && filter.startsWith("node") ? "node-1" : null),
                Optional.ofNullable(filter != null && filter.toLowerCase(java.util.Locale.ROOT).contains("image") ? "alpine:3" : null),
                Optional.ofNullable("since".equals(filter) ? Instant.parse("2026-01-01T00:00:00Z") : null),
                Optional.empty());
        PageQuery sql = "records".equals(listing) ? PageQuery.records(query) : PageQuery.containers(query);

        String plan;
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement explain = sql.prepare(c, "EXPLAIN ");
                ResultSet rs = explain.executeQuery()) {
            rs.next();
            plan = rs.getString(1);
        }

        assertThat(plan).as(plan).contains("PUBLIC." + index).contains("index sorted").doesNotContain("tableScan");
    }
}
