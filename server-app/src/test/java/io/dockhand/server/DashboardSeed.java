package io.dockhand.server;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.dockhand.server.db.Database;

/**
 * The dashboard bench's data: {@value #CONTAINERS} containers on {@value #NODES} nodes with their records over the last
 * 7 days, bulk-loaded with SQL into the store's own schema (migrated by the store's own {@link Database#open})
 * before the store starts: through the API it would take many minutes.
 */
final class DashboardSeed {
    static final int NODES = 30;
    static final int CONTAINERS = 400;

    private DashboardSeed() {
    }

    /**
     * The records in one {@code INSERT ... SELECT} over H2's {@code SYSTEM_RANGE}, with the secondary indexes and the
     * id constraint dropped during the load and built once afterwards, as a bulk load does; the containers' latest
     * rows from the last round. The documents have the shape the store writes. Returns the number of records (a
     * whole number per container).
     */
    static int seed(Path db, int records) throws Exception {
        StoreSettings settings = StoreSettings.create(StoreServerExtension.config(Map.of("dir", db.toString()))
                                                              .get("store"));
        try (Database database = Database.open(settings); Connection c = database.dataSource().getConnection();
             Statement sql = c.createStatement()) {
            c.setAutoCommit(true);
            long now = Instant.now().toEpochMilli() * 1000;
            long span = Duration.ofDays(7).toNanos() / 1000;
            int perContainer = records / CONTAINERS;
            long step = span / perContainer;
            int total = perContainer * CONTAINERS;
            for (String index : List.of("records_by_time", "records_by_container", "records_by_node",
                                        "records_by_image")) {
                sql.execute("DROP INDEX " + index);
            }
            sql.execute("ALTER TABLE records DROP CONSTRAINT records_id_unique");
            String obs = "(" + (now - span - 1_000_000) + " + (k + 1) * " + step + ")";
            sql.execute("""
                    INSERT INTO records (seq, id, container_id, node, image, observed_us, received_us, document)
                    SELECT x + 1, CAST(u AS UUID), cid, node, image, obs, obs,
                      '{"containerId":"' || cid || '","name":"svc-' || ct || '","image":"' || image
                      || '","node":"' || node || '","state":"running","cpuPercent":'
                      || CAST(ROUND(5 + 40 * ABS(SIN((k + ct) / 30.0)), 2) AS DOUBLE PRECISION)
                      || ',"memoryBytes":' || CAST((64 + MOD(ct, 64) * 8 + MOD(k, 50)) * 1048576 AS BIGINT)
                      || ',"memoryLimitBytes":1073741824,"observedAt":"' || at || '","verified":true,"id":"' || u
                      || '","receivedAt":"' || at || '"}'
                    FROM (SELECT x, ct, k, cid, node, image, obs, u,
                            FORMATDATETIME(DATEADD('SECOND', obs / 1000000, TIMESTAMP '1970-01-01 00:00:00'),
                                           'yyyy-MM-dd''T''HH:mm:ss''Z''') AS at
                          FROM (SELECT x, k, MOD(x, %1$d) AS ct,
                                  'c0ffee' || LPAD(CAST(MOD(x, %1$d) AS VARCHAR), 6, '0') || REPEAT('0', 52) AS cid,
                                  'node-' || LPAD(CAST(MOD(MOD(x, %1$d), %2$d) AS VARCHAR), 2, '0') AS node,
                                  'app-' || MOD(MOD(x, %1$d), 20) || ':1.' || MOD(MOD(x, %1$d), 3) AS image,
                                  CAST(%3$s AS BIGINT) AS obs,
                                  '00000000-0000-4000-8000-' || LPAD(CAST(x AS VARCHAR), 12, '0') AS u
                                FROM (SELECT X AS x, X / %1$d AS k FROM SYSTEM_RANGE(0, %4$d))))
                    """.formatted(CONTAINERS, NODES, obs, total - 1));
            sql.execute("INSERT INTO containers (container_id, record_seq, observed_us, node, image)"
                    + " SELECT container_id, seq, observed_us, node, image FROM records WHERE seq > "
                    + (total - CONTAINERS));
            sql.execute("ALTER TABLE records ADD CONSTRAINT records_id_unique UNIQUE (id)");
            sql.execute("CREATE INDEX records_by_time      ON records (observed_us DESC, seq DESC)");
            sql.execute("CREATE INDEX records_by_container ON records (container_id, observed_us DESC, seq DESC)");
            sql.execute("CREATE INDEX records_by_node      ON records (node, observed_us DESC, seq DESC)");
            sql.execute("CREATE INDEX records_by_image     ON records (image, observed_us DESC, seq DESC)");
            sql.execute("ALTER TABLE records ALTER COLUMN seq RESTART WITH " + (total + 1));
            return total;
        }
    }

    static String container(int n) {
        return "c0ffee" + String.format("%06d", n) + "0".repeat(52);
    }

    static String node(int n) {
        return String.format("node-%02d", n);
    }
}
