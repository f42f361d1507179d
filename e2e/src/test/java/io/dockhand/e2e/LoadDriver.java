package io.dockhand.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Several clients writing records concurrently, each one record at a time, the way an agent-fed client would:
 * every record has its own idempotency key and is sent again, same key and same body, until the store
 * acknowledges it (2xx with an id). A record counts as acknowledged only then. Bounded: it stops when asked,
 * and a record still unacknowledged after {@link #GIVE_UP} is abandoned and reported.
 */
final class LoadDriver implements AutoCloseable {
    static final Duration GIVE_UP = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One acknowledged record: its key, the id the store gave it, and when it was first sent and acknowledged. */
    record Ack(String key, String id, Instant firstSent, Instant sentLast, Instant acknowledged) {
    }

    private final URI records;
    private final String runId;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> abandoned = new ConcurrentLinkedQueue<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicInteger failedAttempts = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> workers = new ArrayList<>();

    private LoadDriver(URI store, String runId) {
        this.records = store.resolve("api/v1/records");
        this.runId = runId;
    }

    /** Starts {@code clients} writers against the store. */
    static LoadDriver start(URI store, String runId, int clients) {
        LoadDriver driver = new LoadDriver(store, runId);
        for (int i = 0; i < clients; i++) {
            int client = i;
            driver.workers.add(Thread.ofPlatform().name("load-" + i).start(() -> driver.write(client)));
        }
        return driver;
    }

    /** The image every record of this run carries, to find them again. */
    static String imageOf(String runId) {
        return "e2e/load:" + runId;
    }

    private void write(int client) {
        for (int seq = 0; running.get(); seq++) {
            String key = runId + "-c" + client + "-" + seq;
            String body = "{\"containerId\":\"" + HexFormat.of().formatHex(randomBytes()) + "\",\"image\":\""
                    + imageOf(runId) + "\",\"observedAt\":\"" + Instant.now() + "\",\"labels\":{\"e2e.key\":\""
                    + key + "\"}}";
            Instant first = Instant.now();
            Optional<Ack> ack = Optional.empty();
            while (ack.isEmpty() && Duration.between(first, Instant.now()).compareTo(GIVE_UP) < 0) {
                ack = send(key, body, first);
                if (ack.isEmpty()) {
                    Cluster.sleep(Duration.ofMillis(200));
                }
            }
            ack.ifPresentOrElse(acks::add, () -> abandoned.add(key));
        }
    }

    private Optional<Ack> send(String key, String body, Instant first) {
        attempts.incrementAndGet();
        Instant sent = Instant.now();
        try {
            HttpRequest request = HttpRequest.newBuilder(records).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> response = exchange(http, request, Duration.ofSeconds(35));
            if (response.statusCode() / 100 == 2) {
                JsonNode stored = JSON.readTree(response.body());
                return Optional.of(new Ack(key, stored.path("id").asText(), first, sent, Instant.now()));
            }
        } catch (IOException e) {
            // reset by a dying replica, or timed out: send it again
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
        failedAttempts.incrementAndGet();
        return Optional.empty();
    }

    /**
     * Sends and reads the whole response within a deadline: the request timeout alone covers only the wait for
     * the response headers, not the body.
     */
    static HttpResponse<String> exchange(HttpClient http, HttpRequest request, Duration deadline)
            throws IOException, InterruptedException {
        var future = http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        try {
            return future.get(deadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            future.cancel(true);
            throw new java.net.http.HttpTimeoutException("no complete response within " + deadline);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** Acknowledged records so far. */
    List<Ack> acks() {
        return List.copyOf(acks);
    }

    /** Time from {@code since} until a request sent at or after it was first acknowledged, if one was. */
    Optional<Duration> firstAckSentAfter(Instant since) {
        return acks.stream().filter(a -> !a.sentLast().isBefore(since)).map(Ack::acknowledged).min(Instant::compareTo)
                .map(t -> Duration.between(since, t));
    }

    int attempts() {
        return attempts.get();
    }

    int failedAttempts() {
        return failedAttempts.get();
    }

    List<String> abandoned() {
        return List.copyOf(abandoned);
    }

    /** Stops starting new records and waits for each writer to finish (acknowledge or abandon) its current one. */
    @Override
    public void close() {
        running.set(false);
        try {
            for (Thread worker : workers) {
                worker.join(GIVE_UP.plusSeconds(40).toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
