package io.dockhand.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bench's own HTTP client, HTTP/1.1 with kept-alive connections as a browser's: times requests sent alone (the
 * baselines), reads the store's metrics, and follows a run's log stream recording when each line arrives.
 */
final class BenchHttp {
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    BenchHttp(String base) {
        this.base = base;
    }

    /** Milliseconds until one GET answers 200. */
    double time(String path) {
        return parallel(List.of(path));
    }

    /** Milliseconds until every one of these GETs, sent at once, has answered 200. */
    double parallel(List<String> paths) {
        long started = System.nanoTime();
        List<CompletableFuture<HttpResponse<String>>> answers = paths.stream()
                .map(path -> client.sendAsync(request(path).build(), HttpResponse.BodyHandlers.ofString())).toList();
        for (int i = 0; i < paths.size(); i++) {
            HttpResponse<String> answer = answers.get(i).join();
            if (answer.statusCode() != 200) {
                throw new IllegalStateException(paths.get(i) + ": " + answer.statusCode() + " " + answer.body());
            }
        }
        return (System.nanoTime() - started) / 1e6;
    }

    /** The sum of the store's Prometheus samples whose line starts with {@code prefix}. */
    double metric(String prefix) {
        String text = client.sendAsync(request("/observe/metrics").build(), HttpResponse.BodyHandlers.ofString())
                .join().body();
        return text.lines().filter(line -> line.startsWith(prefix))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /** Waits (up to {@code patience}) for the store to count {@code n} event streams; the count it has then. */
    int awaitSubscribers(int n, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        int now;
        while ((now = (int) metric("dockhand_events_subscribers ")) != n && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        if (now != n) {
            System.out.printf("the store counts %d event streams, not %d, after %d s%n", now, n,
                              patience.toSeconds());
        }
        return now;
    }

    /** Follows a run's log stream ({@code text/event-stream}) from its start. */
    LogReader follow(String path) {
        HttpResponse<InputStream> answer = client.sendAsync(request(path + "?offset=0")
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream()).join();
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + answer.statusCode());
        }
        return new LogReader(answer.body());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    }

    /** A run's log stream read on a thread of its own: when (epoch ms) the line ending at each offset arrived. */
    static final class LogReader implements AutoCloseable {
        private final InputStream body;
        private final Map<Long, Long> arrivals = new ConcurrentHashMap<>();

        private LogReader(InputStream body) {
            this.body = body;
            Thread.ofVirtual().start(this::read);
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String line;
                String id = null;
                String event = null;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("id: ")) {
                        id = line.substring(4).trim();
                    } else if (line.startsWith("event: ")) {
                        event = line.substring(7).trim();
                    } else if (line.isEmpty()) {
                        if ("log".equals(event) && id != null) {
                            arrivals.put(Long.parseLong(id), System.currentTimeMillis());
                        }
                        id = null;
                        event = null;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // closed, or not the stream expected: arrival() says so by waiting in vain
            }
        }

        /** When the line ending at {@code end} arrived, waiting for it up to {@code patience}. */
        long arrival(long end, Duration patience) throws InterruptedException {
            long deadline = System.nanoTime() + patience.toNanos();
            while (!arrivals.containsKey(end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no log line ending at " + end + " within " + patience);
                }
                Thread.sleep(2);
            }
            return arrivals.get(end);
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
