package io.dockhand.server;

import java.util.Map;

import io.dockhand.server.databases.PostgresCluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The outage of PostgreSQL: a cluster of this class's own (not the run's shared one, which other classes use)
 * stopped with a fast shutdown, which cuts every open connection, and started again on the same port and data.
 */
class DatabaseOutagePostgresTest extends AbstractDatabaseOutageTest {
    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = PostgresCluster.start("postgres-outage");
    }

    @AfterAll
    static void removeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void runningBeforeEachTest() {
        cluster.startServer();
    }

    @Override
    Map<String, String> storeConfig() {
        return Map.of("url", cluster.url(), "user", cluster.user(), "password", "");
    }

    @Override
    void stopDatabase() {
        cluster.stopServer();
    }

    @Override
    void startDatabase() {
        cluster.startServer();
    }
}
