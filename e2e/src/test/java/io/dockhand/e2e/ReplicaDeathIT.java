package io.dockhand.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Kills, with SIGKILL, the store replica that serves the shared H2 file to the others, then the one that took
 * over, while four clients write through the published port; then counts what the store kept.
 */
@Order(2)
@ExtendWith(ClusterExtension.class)
class ReplicaDeathIT {
    private static final int CLIENTS = 4;
    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(60);
    private static final Duration AFTER_RECOVERY = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void keepsEveryAcknowledgedRecordExactlyOnceWhenReplicasAreKilled(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));
        Instant loadStart = Instant.now();
        List<Duration> recoveries = new ArrayList<>();
        List<String> killed = new ArrayList<>();
        LoadDriver load = LoadDriver.start(cluster.store(), cluster.runId(), CLIENTS);
        try {
            awaitAcks(load, 40, Duration.ofSeconds(60));
            for (int round = 1; round <= 2; round++) {
                String victim = awaitFileServer(cluster, killed, Duration.ofSeconds(60));
                Docker.ok("kill", "--signal", "KILL", victim);
                // Timed from when the replica is certainly dead: a write sent before that may still have been
                // served by it, and would pass for a recovery.
                awaitStopped(victim);
                Instant killedAt = Instant.now();
                killed.add(victim);
                Duration recovery = awaitRecovery(load, killedAt, RECOVERY_LIMIT);
                recoveries.add(recovery);
                Cluster.log("kill " + round + ": SIGKILL to the file server " + victim.substring(0, 12)
                                    + "; the store acknowledged a new write " + recovery.toMillis() + " ms later");
                Cluster.sleep(AFTER_RECOVERY);
            }
        } finally {
            Cluster.log("stopping the load: each client finishes the record it is writing");
            load.close();
        }
        Duration loadTime = Duration.between(loadStart, Instant.now());
        Cluster.log("load stopped; reading back what the store kept");

        List<LoadDriver.Ack> acks = load.acks();
        List<JsonNode> stored = storedRecords(cluster);
        Map<String, Long> storedPerId = stored.stream().collect(Collectors.groupingBy(r -> r.path("id").asText(),
                                                                                      Collectors.counting()));
        Map<String, Long> storedPerKey = stored.stream().collect(Collectors.groupingBy(
                r -> r.path("labels").path("e2e.key").asText(), Collectors.counting()));
        long duplicates = storedPerKey.values().stream().mapToLong(n -> n - 1).sum();
        Set<String> ackedKeys = acks.stream().map(LoadDriver.Ack::key).collect(Collectors.toSet());
        List<String> lost = acks.stream().filter(a -> !storedPerId.containsKey(a.id())).map(LoadDriver.Ack::key).toList();
        List<String> storedUnacknowledged = storedPerKey.keySet().stream().filter(k -> !ackedKeys.contains(k)).toList();

        Cluster.log(String.format("replica death: %d clients for %d s, %d attempts (%d failed), acknowledged %d, "
                                          + "stored %d, duplicates %d, lost %d, abandoned %d, recovery %s ms",
                                  CLIENTS, loadTime.toSeconds(), load.attempts(), load.failedAttempts(), acks.size(),
                                  stored.size(), duplicates, lost.size(), load.abandoned().size(),
                                  recoveries.stream().map(d -> Long.toString(d.toMillis())).toList()));

        assertThat(killed).as("killed replicas").doesNotHaveDuplicates().hasSize(2);
        assertThat(acks).as("acknowledged records").hasSizeGreaterThan(40);
        assertThat(lost).as("acknowledged but not stored").isEmpty();
        assertThat(storedPerId.values()).as("copies of each stored id").allMatch(n -> n == 1);
        assertThat(duplicates).as("records stored twice for one idempotency key").isZero();
        assertThat(storedUnacknowledged).as("stored without acknowledgement, only if abandoned")
                .isSubsetOf(load.abandoned());
        assertThat(stored).as("stored records of this run").hasSize(acks.size() + storedUnacknowledged.size());
    }

    private static void awaitAcks(LoadDriver load, int count, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (load.acks().size() < count) {
            if (Instant.now().isAfter(deadline)) {
                fail("only " + load.acks().size() + " of " + count + " warm-up records acknowledged in " + timeout);
            }
            Cluster.sleep(Duration.ofMillis(200));
        }
    }

    /** The replica serving the H2 file now, which must be a live one not killed before. */
    private static String awaitFileServer(Cluster cluster, List<String> killed, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Optional<String> server = cluster.fileServer();
            if (server.isPresent() && !killed.contains(server.get())) {
                return server.get();
            }
            Cluster.sleep(Duration.ofMillis(500));
        }
        return fail("no live replica serves the H2 file after " + timeout);
    }

    private static void awaitStopped(String container) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Docker.run("inspect", "--format", "{{.State.Running}}", container).out().strip().equals("true")) {
            if (Instant.now().isAfter(deadline)) {
                fail(container + " still runs 30 s after SIGKILL");
            }
            Cluster.sleep(Duration.ofMillis(20));
        }
    }

    private static Duration awaitRecovery(LoadDriver load, Instant killedAt, Duration limit) {
        Instant deadline = killedAt.plus(limit);
        while (Instant.now().isBefore(deadline)) {
            Optional<Duration> recovery = load.firstAckSentAfter(killedAt);
            if (recovery.isPresent()) {
                return recovery.get();
            }
            Cluster.sleep(Duration.ofMillis(50));
        }
        return fail("the store acknowledged no write within " + limit + " of the kill");
    }

    /** Every record of this run, read page by page through the published port. */
    private static List<JsonNode> storedRecords(Cluster cluster) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        List<JsonNode> records = new ArrayList<>();
        String cursor = null;
        do {
            String query = "api/v1/records?limit=1000&image="
                    + URLEncoder.encode(LoadDriver.imageOf(cluster.runId()), StandardCharsets.UTF_8)
                    + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            URI uri = cluster.store().resolve(query);
            HttpResponse<String> response = sendWithRetry(http, HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofSeconds(20)).build());
            assertThat(response.statusCode()).as("GET " + uri + ": " + response.body()).isEqualTo(200);
            JsonNode page = JSON.readTree(response.body());
            page.path("items").forEach(records::add);
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return records;
    }

    private static HttpResponse<String> sendWithRetry(HttpClient http, HttpRequest request)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                HttpResponse<String> response = LoadDriver.exchange(http, request, Duration.ofSeconds(25));
                if (response.statusCode() < 500 || attempt == 5) {
                    return response;
                }
            } catch (IOException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
            Cluster.sleep(Duration.ofSeconds(1));
        }
    }
}
