package io.dockhand.server;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests racing for one unique key: the loser's insert fails on the duplicate key, its transaction is rolled back
 * whole (PostgreSQL refuses any further statement in it) and run again, and then finds the winner's row.
 */
@ExtendWith(StoreServerExtension.class)
abstract class AbstractConcurrentWritesTest {
    private static final int RACERS = 8;
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void racingRequestsWithOneIdempotencyKeyStoreOneRecordAndAllAnswerIt(Http http) throws Exception {
        String containerId = Records.containerId();
        String body = Records.json(containerId, T0);
        List<Http.Answer> answers = race(() -> http.post("/api/v1/records", "application/json", body,
                                                         "race-" + containerId));

        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.body()).isEqualTo(201));
        assertThat(answers).extracting(answer -> answer.json().get("id").asText()).containsOnly(
                answers.getFirst().json().get("id").asText());
        assertThat(http.get("/api/v1/records?containerId=" + containerId).json().get("items")).hasSize(1);
    }

    @Test
    void racingFirstRecordsOfOneContainerAreAllStoredAndTheNewestIsItsLatest(Http http) throws Exception {
        String containerId = Records.containerId();
        int[] next = {0};
        List<Http.Answer> answers = race(() -> {
            int n;
            synchronized (next) {
                n = next[0]++;
            }
            return http.postJson("/api/v1/records", Records.json(containerId, T0.plusSeconds(n)));
        });

        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.body()).isEqualTo(201));
        assertThat(http.get("/api/v1/records?containerId=" + containerId).json().get("items")).hasSize(RACERS);
        JsonNode inventory = http.get("/api/v1/containers?containerId=" + containerId).json().get("items");
        assertThat(inventory).hasSize(1);
        assertThat(inventory.get(0).get("observedAt").asText()).isEqualTo(T0.plusSeconds(RACERS - 1).toString());
    }

    /** Runs the request on {@link #RACERS} threads released at once. */
    private static List<Http.Answer> race(Callable<Http.Answer> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Http.Answer>> futures = new ArrayList<>();
            for (int i = 0; i < RACERS; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<Http.Answer> answers = new ArrayList<>();
            for (Future<Http.Answer> future : futures) {
                answers.add(future.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }
}
