package io.dockhand.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.dockhand.server.databases.DatabaseKind;
import io.dockhand.server.databases.Directories;
import io.dockhand.server.databases.TestDatabase;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 2xx means the record survives a {@code kill -9} of any server process an instant later: real processes,
 * concurrent writers, SIGKILL mid-stream, then every acknowledged record is checked to be there exactly once. On
 * each database the store supports (the subclasses): with H2 the processes share one file and the first to open it
 * serves it to the other; with PostgreSQL both are clients of the same database.
 */
abstract class AbstractDurabilityIT {
    private Path dir;
    private DatabaseKind kind;
    private Map<String, String> store;
    private Map<String, String> replicas;

    @BeforeEach
    void createLogDirectory(TestDatabase database) throws Exception {
        dir = Files.createTempDirectory("dockhand-durability");
        kind = database.kind();
        store = database.storeConfig();
        replicas = new HashMap<>(store);
        replicas.put("shared", "true"); // H2: AUTO_SERVER; a database server needs nothing more
    }

    @AfterEach
    void removeLogDirectory() throws Exception {
        Directories.deleteTree(dir);
    }

    @Test
    void keepsEveryAcknowledgedRecordWhenTheServerIsKilled() throws Exception {
        ServerProcess first = ServerProcess.start(dir, 0, store, "first");
        int port = first.port();
        Http http = new Http(port);
        Map<String, String> acknowledged;
        int beforeKill;
        try (Writers writers = new Writers(8, w -> List.of(http))) {
            long start = System.nanoTime();
            writers.awaitAcknowledged(400, 120);
            System.out.printf("%s single process: 400 acks in %d ms%n", kind,
                              (System.nanoTime() - start) / 1_000_000);
            first.kill();
            beforeKill = writers.acknowledged();
            ServerProcess second = ServerProcess.start(dir, port, store, "second");
            try {
                writers.awaitAcknowledged(beforeKill + 200, 120);
                writers.stop();
                acknowledged = writers.acknowledgedIds();
                assertEveryAcknowledgedRecordStoredOnce(http, acknowledged);
                System.out.printf("%s single process: acknowledged %d (%d before the kill), failed attempts %d%n",
                                  kind, acknowledged.size(), beforeKill, writers.failures());
            } finally {
                second.kill();
            }
        } finally {
            first.kill();
        }
        assertThat(beforeKill).isGreaterThanOrEqualTo(400);
    }

    @Test
    void keepsEveryAcknowledgedRecordWhenTheFirstOfTwoReplicasIsKilled() throws Exception {
        ServerProcess owner = ServerProcess.start(dir, 0, replicas, "owner");
        try (ServerProcess peer = ServerProcess.start(dir, 0, replicas, "peer")) {
            Http ownerHttp = new Http(owner.port());
            Http peerHttp = new Http(peer.port());
            int beforeKill;
            Map<String, String> acknowledged;
            try (Writers writers = new Writers(8, w -> w % 2 == 0 ? List.of(ownerHttp, peerHttp)
                                                                   : List.of(peerHttp, ownerHttp))) {
                long start = System.nanoTime();
                writers.awaitAcknowledged(400, 120);
                long loaded = System.nanoTime();
                owner.kill();
                beforeKill = writers.acknowledged();
                writers.awaitAcknowledged(beforeKill + 1, 120);
                long recovered = System.nanoTime();
                writers.awaitAcknowledged(beforeKill + 50, 120);
                long flowing = System.nanoTime();
                writers.awaitAcknowledged(beforeKill + 300, 120);
                System.out.printf("%s replicas: 400 acks in %d ms; first ack after the kill in %d ms, 50 acks in %d ms"
                                  + " (no health call)%n", kind, (loaded - start) / 1_000_000,
                                  (recovered - loaded) / 1_000_000, (flowing - loaded) / 1_000_000);
                // The survivor must drop the dead server's pooled connections by itself. Before it did, writes
                // trickled at 4-6 a second for 20 s until someone called /observe/health; now the take-over is
                // done in about 3-4 s and writes flow at full rate at once. Not a timing benchmark (the figures
                // above are printed for that): a bound far from both, that only the old behaviour misses.
                assertThat(Duration.ofNanos(flowing - loaded)).as("50 acknowledgements after the kill")
                        .isLessThan(Duration.ofSeconds(12));
                writers.stop();
                acknowledged = writers.acknowledgedIds();
                System.out.printf("%s replicas: acknowledged %d (%d before the first was killed), failed attempts %d%n",
                                  kind, acknowledged.size(), beforeKill, writers.failures());
            }
            assertThat(acknowledged.size()).isGreaterThanOrEqualTo(beforeKill + 300);
            assertEveryAcknowledgedRecordStoredOnce(peerHttp, acknowledged);
        } finally {
            owner.kill();
        }
    }

    private static void assertEveryAcknowledgedRecordStoredOnce(Http http, Map<String, String> acknowledged) {
        Http.Answer all = http.get("/service");
        assertThat(all.status()).isEqualTo(200);
        Map<String, Integer> copiesByKey = new HashMap<>();
        Map<String, String> idByKey = new HashMap<>();
        for (JsonNode record : all.json()) {
            String key = record.get("key").asText();
            copiesByKey.merge(key, 1, Integer::sum);
            idByKey.put(key, record.get("id").asText());
        }
        assertThat(copiesByKey).allSatisfy((key, copies) -> assertThat(copies).as("copies of " + key).isEqualTo(1));
        assertThat(idByKey).containsAllEntriesOf(acknowledged);
    }
}
