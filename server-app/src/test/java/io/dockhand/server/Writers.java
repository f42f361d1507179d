package io.dockhand.server;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Concurrent writers that behave like Dockhand's client: each request carries an idempotency key and is retried,
 * on the next server of the list, until it is acknowledged. They remember which record id each key was
 * acknowledged with.
 */
final class Writers implements AutoCloseable {
    private final ExecutorService pool;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicInteger failures = new AtomicInteger();
    /** Sets these writers' keys apart from earlier writers' in the same database. */
    private final String run = java.util.UUID.randomUUID().toString().substring(0, 8);

    /**
     * @param threads  how many writers
     * @param servers  writer index to its list of servers, first choice first
     */
    Writers(int threads, IntFunction<List<Http>> servers) {
        pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int writer = t;
            pool.submit(() -> write(writer, servers.apply(writer)));
        }
    }

    private void write(int writer, List<Http> servers) {
        String containerId = Records.containerId();
        int target = 0;
        for (int n = 0; running.get(); n++) {
            String key = run + "-w" + writer + "-" + n;
            String body = "{\"containerId\":\"" + containerId + "\",\"observedAt\":\"" + java.time.Instant.now()
                    + "\",\"key\":\"" + key + "\"}";
            while (true) {
                try {
                    Http.Answer answer = servers.get(target).post("/api/v1/records", "application/json", body, key);
                    if (answer.status() == 201) {
                        acknowledged.put(key, answer.json().get("id").asText());
                        break;
                    }
                    failures.incrementAndGet();
                } catch (UncheckedIOException e) {
                    failures.incrementAndGet();
                }
                target = (target + 1) % servers.size();
                sleep(50);
            }
        }
    }

    int acknowledged() {
        return acknowledged.size();
    }

    Map<String, String> acknowledgedIds() {
        return Map.copyOf(acknowledged);
    }

    int failures() {
        return failures.get();
    }

    void awaitAcknowledged(int count, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (acknowledged.size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Lets each writer finish the request it is retrying, then stops them. */
    void stop() {
        running.set(false);
        pool.shutdown();
        try {
            if (!pool.awaitTermination(90, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
