package io.dockhand.server;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;

import org.junit.jupiter.api.Test;

import static io.dockhand.server.AbstractBadInputTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store against a real database server that goes away and comes back: not ready (503) while the database does
 * not answer, writes refused with a 503 problem rather than acknowledged, and ready again once it answers. Each
 * subclass stops and starts a server of its kind, one the test owns.
 */
abstract class AbstractDatabaseOutageTest {

    /** The store's config ({@code store} keys) for the database server the test stops and starts. */
    abstract Map<String, String> storeConfig();

    abstract void stopDatabase() throws Exception;

    abstract void startDatabase() throws Exception;

    private Config config() {
        Map<String, String> store = new HashMap<>(storeConfig());
        store.put("retrywindow", "1s");
        return StoreServerExtension.config(store);
    }

    @Test
    void startsOnceTheDatabaseAnswersInsteadOfGivingUp() throws Exception {
        stopDatabase();
        CompletableFuture<StoreServer> starting = CompletableFuture.supplyAsync(() -> StoreServer.start(config()));
        try {
            Thread.sleep(2_000);
            assertThat(starting).isNotDone();

            startDatabase();
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

            stopDatabase();
            Http.Answer health = http.get("/observe/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body()).contains("\"database\"").contains("DOWN");
            Http.Answer refused = http.postJson("/api/v1/records", Records.json(Records.containerId(), Instant.now()));
            assertProblem(refused, 503, "store-unavailable", "Idempotency-Key");
            assertThat(refused.header("Retry-After")).isEqualTo("1");

            startDatabase();
            assertThat(http.get("/observe/health").status()).isEqualTo(200);
            assertThat(http.postJson("/api/v1/records", Records.json(Records.containerId(), Instant.now())).status())
                    .isEqualTo(201);
        }
    }

    @Test
    void aRunOutlivesAnOutageLongerThanItsLease() throws Exception {
        java.nio.file.Path tokenFile = java.nio.file.Files.createTempFile("dockhand-token", "");
        java.nio.file.Files.writeString(tokenFile, "outage-token\n");
        Map<String, String> store = new HashMap<>(storeConfig());
        store.put("retrywindow", "1s");
        store.put("tokenfile", tokenFile.toString());
        store.put("nodes.downafter", "5s");
        store.put("runs.lease", "2s");
        try (StoreServer server = StoreServer.start(StoreServerExtension.config(store))) {
            WorkClient work = new WorkClient(new Http(server.port()), "outage-token");
            assertThat(work.heartbeat("n-outage", null).status()).isEqualTo(200);
            String id = work.submit("?node=n-outage", WorkClient.context("outage")).json().get("id").asText();
            assertThat(work.claim("n-outage", "5s").status()).isEqualTo(200);
            assertThat(work.report(id, "n-outage", 1, "running", null).status()).isEqualTo(200);
            String leases = "[{\"runId\":\"" + id + "\",\"attempt\":1}]";

            stopDatabase();
            Thread.sleep(4_000); // twice the lease: no agent could extend it meanwhile
            startDatabase();
            long start = System.nanoTime();
            while (work.http.get("/observe/health").status() != 200
                    && System.nanoTime() - start < java.time.Duration.ofSeconds(60).toNanos()) {
                Thread.sleep(200);
            }
            Thread.sleep(1_500); // the agent's next heartbeat comes within its interval
            Http.Answer beat = work.heartbeat("n-outage", leases);
            assertThat(beat.status()).as(beat.body()).isEqualTo(200);
            assertThat(beat.json().get("stop")).as(beat.body()).isEmpty();
            Thread.sleep(1_500);
            work.heartbeat("n-outage", leases);
            assertThat(work.get("/api/v1/runs/" + id).json().get("state").asText()).isEqualTo("running");
        } finally {
            java.nio.file.Files.deleteIfExists(tokenFile);
        }
    }
}
