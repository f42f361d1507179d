package io.dockhand.server.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.TestDatabase;
import io.dockhand.server.db.Database;
import io.dockhand.server.db.Micros;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every listing reads its page through an index in the listing's order and stops after the page: pinned on the
 * database's own query plans, so a dropped index or a query that stops matching one fails here, not at a million
 * records in production. The table holds enough rows, statistics gathered, that each filter matches far more than
 * a page: a cost-based planner (PostgreSQL's) then reads an ordered index only if the query lets it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractQueryPlanTest {
    /** Where a cursor points and a {@code since} starts: thousands of rows on either side of it. */
    private static final Instant CURSOR_TIME = Instant.parse("2026-01-01T00:00:00Z");
    private static final int ROWS = 20_000;

    private DatabaseKind kind;
    private Database database;

    @BeforeAll
    void openAndFill(TestDatabase testDatabase) throws SQLException {
        kind = testDatabase.kind();
        database = Database.open(testDatabase.settings());
        try (Connection c = database.dataSource().getConnection()) {
            PlanTestData.fill(c, ROWS, CURSOR_TIME);
        }
    }

    @AfterAll
    void close() {
        database.close();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "records   |              |        | RECORDS_BY_TIME                      | records_by_time",
            "records   | containerId  |        | RECORDS_BY_CONTAINER: CONTAINER_ID = | records_by_container",
            "records   | node         |        | RECORDS_BY_NODE: NODE =              | records_by_node",
            "records   | image        |        | RECORDS_BY_IMAGE: IMAGE =            | records_by_image",
            "records   | since        |        | RECORDS_BY_TIME: OBSERVED_US >=      | records_by_time",
            "records   |              | cursor | RECORDS_BY_TIME: OBSERVED_US <=      | records_by_time",
            "records   | node         | cursor | RECORDS_BY_NODE: NODE = ?            | records_by_node",
            "containers|              |        | CONTAINERS_BY_TIME                   | containers_by_time",
            "containers| node         | cursor | CONTAINERS_BY_NODE: NODE = ?         | containers_by_node",
            "containers| image        |        | CONTAINERS_BY_IMAGE: IMAGE =         | containers_by_image",
            "containers| containerId  | cursor | PRIMARY_KEY                          | containers_pkey",
            "records   | nodeAndImage |        | RECORDS_BY_NODE: NODE =              | records_by_node",
    })
    void readsAPageThroughAnIndexInListingOrder(String listing, String filter, String cursor, String h2Index,
                                                String postgresIndex) throws SQLException {
        RecordQuery query = new RecordQuery(
                100,
                Optional.ofNullable(cursor).map(c -> new Cursor(Micros.of(CURSOR_TIME), 42)),
                Optional.ofNullable("containerId".equals(filter) ? PlanTestData.BUSY_CONTAINER : null),
                Optional.ofNullable(filter != null && filter.startsWith("node") ? PlanTestData.NODE : null),
                Optional.ofNullable("image".equals(filter) ? PlanTestData.IMAGE
                                            : "nodeAndImage".equals(filter) ? PlanTestData.COMMON_IMAGE : null),
                Optional.ofNullable("since".equals(filter) ? CURSOR_TIME : null),
                Optional.empty());
        PageQuery sql = "records".equals(listing) ? PageQuery.records(query) : PageQuery.containers(query);

        String plan = explain(sql);

        if (kind == DatabaseKind.H2) {
            assertThat(plan).as(plan).contains("PUBLIC." + h2Index).contains("index sorted")
                    .doesNotContain("tableScan");
        } else {
            assertThat(plan).as(plan).startsWith("Limit")
                    .containsPattern("Index (Only )?Scan using " + postgresIndex + " on")
                    .doesNotContain("Seq Scan").doesNotContain("Sort").doesNotContain("Bitmap");
        }
    }

    private String explain(PageQuery sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (Connection c = database.dataSource().getConnection();
                PreparedStatement explain = sql.prepare(c, "EXPLAIN ");
                ResultSet rs = explain.executeQuery()) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return String.join("\n", lines);
    }
}
