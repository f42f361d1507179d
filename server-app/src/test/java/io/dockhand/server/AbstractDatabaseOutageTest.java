package io.dockhand.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store against a real H2 TCP server that goes away and comes back: not ready (503) while the database does
 * not answer, writes refused with a 503 problem rather than acknowledged, and ready again once it answers.
 */
class DatabaseOutageTest {
    private Path dir;
    private Server database;
    private int databasePort;

    @BeforeEach
    void startDatabase() throws Exception {
        dir = Files.createTempDirectory("dockhand-outage");
        database = Server.createTcpServer("-tcpPort", "0", "-baseDir", dir.toString(), "-ifNotExists").start();
        databasePort = database.getPort();
    }

    private Config config() {
        return Config.builder()
                .addSource(ConfigSources.create(Map.of(
                        "server.port", "0",
                        "server.host", "127.0.0.1",
                        "store.url", "jdbc:h2:tcp://127.0.0.1:" + databasePort + "/outage",
                        "store.retryseconds", "1")))
                .addSource(ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }

    @AfterEach
    void stopDatabase() throws Exception {
        database.stop();
        StoreServerExtension.deleteTree(dir);
    }

    @Test
    void startsOnceTheDatabaseAnswersInsteadOfGivingUp() throws Exception {
        database.stop();
        CompletableFuture<StoreServer> starting = CompletableFuture.supplyAsync(() -> StoreServer.start(config()));
        try {
            Thread.sleep(2_000);
            assertThat(starting).isNotDone();

            database = Server.createTcpServer("-tcpPort", Integer.toString(databasePort), "-baseDir", dir.toString(),
                                              "-ifNotExists").start();
            StoreServer store = starting.get(60, TimeUnit.SECONDS);
            assertThat(new Http(store.port()).get("/observe/health").status()).isEqualTo(200);
        } finally {
            starting.thenAccept(StoreServer::close); // whenever it starts, even after a failed assertion
        }
    }

    @Test
    void isNotReadyAndRefusesWritesWhileTheDatabaseIsDownThenRecovers() throws Exception {
        try (StoreServer store = StoreServer.start(config())) {

            Http http = new Http(store.port());
            assertThat(http.get("/observe/health").status()).isEqualTo(200);

            database.stop();
            Http.Answer health = http.get("/observe/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body()).contains("\"database\"").contains("DOWN");
            Http.Answer refused = http.postJson("/api/v1/records", Records.json(Records.containerId(), Instant.now()));
            BadInputTest.assertProblem(refused, 503, "store-unavailable", "Idempotency-Key");
            assertThat(refused.header("Retry-After")).isEqualTo("1");

            database = Server.createTcpServer("-tcpPort", Integer.toString(databasePort), "-baseDir", dir.toString(),
                                              "-ifNotExists").start();
            assertThat(http.get("/observe/health").status()).isEqualTo(200);
            assertThat(http.postJson("/api/v1/records", Records.json(Records.containerId(), Instant.now())).status())
                    .isEqualTo(201);
        }
    }
}
