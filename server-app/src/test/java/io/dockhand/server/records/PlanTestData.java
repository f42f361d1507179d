package io.dockhand.server.records;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.UUID;

import io.dockhand.server.db.Micros;

/**
 * Rows for query-plan tests, written straight into the tables, so that every filter matches far more rows than a
 * page yet few enough that its own index beats reading all records newest first (whose order is the table's own,
 * which a cost-based planner favours): of each 20 rows one comes from {@link #BUSY_CONTAINER} (the others from
 * 10000 containers, two records each), one is on {@link #NODE}, one of {@link #IMAGE}, the rest of
 * {@link #COMMON_IMAGE}. Observed a second apart, the last eighth after the cursor's instant, so the inventory (the
 * latest records) has thousands of containers on either side of it. Statistics are gathered afterwards
 * ({@code ANALYZE}, which both H2 and PostgreSQL understand).
 */
final class PlanTestData {
    static final String NODE = "node-1";
    static final String IMAGE = "alpine:3";
    static final String COMMON_IMAGE = "busybox:1";
    static final String BUSY_CONTAINER = "a".repeat(64);
    private static final int CONTAINERS = 10_000;

    private PlanTestData() {
    }

    static void fill(Connection c, int rows, Instant cursor) throws SQLException {
        c.setAutoCommit(false);
        long first = Micros.of(cursor) - rows * 7L / 8 * 1_000_000L;
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO records (id, container_id, node, image, observed_us, received_us, document) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                String containerId = i % 20 == 0 ? BUSY_CONTAINER : "%064x".formatted(i % CONTAINERS + 1);
                String node = i % 20 == 1 ? NODE : "node-" + (2 + i % 7);
                String image = i % 20 == 2 ? IMAGE : COMMON_IMAGE;
                long observed = first + i * 1_000_000L;
                insert.setObject(1, UUID.randomUUID());
                insert.setString(2, containerId);
                insert.setString(3, node);
                insert.setString(4, image);
                insert.setLong(5, observed);
                insert.setLong(6, observed);
                insert.setString(7, document(containerId, node, image));
                insert.addBatch();
                if (i % 1000 == 999) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
        }
        try (Statement statement = c.createStatement()) {
            statement.executeUpdate("INSERT INTO containers (container_id, record_seq, observed_us, node, image) "
                    + "SELECT r.container_id, r.seq, r.observed_us, r.node, r.image FROM records r "
                    + "JOIN (SELECT container_id, MAX(seq) m FROM records GROUP BY container_id) l ON r.seq = l.m");
            c.commit();
            c.setAutoCommit(true);
            statement.execute("ANALYZE");
        }
    }

    private static String document(String containerId, String node, String image) {
        return """
                {"containerId":"%s","name":"web-1","image":"%s","node":"%s","state":"running",\
                "labels":{"tier":"web","team":"platform"},"networks":{"bridge":"172.17.0.2"},\
                "cpuPercent":12.5,"memoryBytes":1048576,"memoryLimitBytes":2097152}"""
                .formatted(containerId, image, node);
    }
}
