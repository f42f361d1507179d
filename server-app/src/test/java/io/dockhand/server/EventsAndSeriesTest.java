package io.dockhand.server;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.dockhand.server.databases.Directories;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two routes the dashboard added to the API: a container's series (averaged buckets of its records) and the
 * change feed as Server-Sent Events, with its catch-up by {@code Last-Event-ID}.
 */
class EventsAndSeriesTest {
    private static final String TOKEN = "events-token";
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static Path dir;
    private static StoreServer server;
    private static WorkClient work;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("dockhand-events");
        server = StoreServer.start(StoreServerExtension.config(Map.of("dir", dir.toString(), "token", TOKEN,
                "events.pollmillis", "200")));
        work = new WorkClient(new Http(server.port()), TOKEN);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        Directories.deleteTree(dir);
    }

    @Test
    void aSeriesAveragesAContainersRecordsIntoBuckets() {
        String id = "5e7e5e7e5e7e";
        Instant start = Instant.parse("2026-11-20T00:00:00Z");
        for (int i = 0; i < 10; i++) {
            Http.Answer posted = work.http.postJson("/api/v1/records", """
                    {"containerId":"%s","cpuPercent":%d,"memoryBytes":%d,"observedAt":"%s"}"""
                    .formatted(id, i * 10, 1000 + i, start.plusSeconds(60L * i)));
            assertThat(posted.status()).as(posted.body()).isEqualTo(201);
        }
        Http.Answer answer = work.http.get("/api/v1/containers/" + id + "/series?since=2026-11-20T00:00:00Z"
                + "&until=2026-11-20T00:10:00Z&points=5");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode series = answer.json();
        assertThat(series.get("records").asInt()).isEqualTo(10);
        assertThat(series.get("bucketSeconds").asInt()).isEqualTo(120);
        assertThat(series.get("t")).hasSize(5);
        assertThat(series.get("cpu").get(0).asDouble()).isEqualTo(5.0);     // 0 and 10
        assertThat(series.get("cpuMax").get(4).asDouble()).isEqualTo(90.0);  // 80 and 90
        assertThat(series.get("memory").get(1).asDouble()).isEqualTo(1002.5);
        assertThat(series.get("t").get(0).asDouble()).isEqualTo(start.getEpochSecond() + 60);

        assertThat(work.http.get("/api/v1/containers/" + id + "/series?points=0").status()).isEqualTo(400);
        assertThat(work.http.get("/api/v1/containers/" + id + "/series?nope=1").status()).isEqualTo(400);
        assertThat(work.http.get("/api/v1/containers/ffffffffffff/series").status()).isEqualTo(404);
    }

    @Test
    void theFeedPushesChangesAndCatchesUpAReconnectingReader() throws Exception {
        String hello;
        String firstChange;
        try (Stream stream = Stream.open(null)) {
            hello = stream.next("hello").id();
            assertThat(work.heartbeat("feed-node", null).status()).isEqualTo(200);
            Event change = stream.next("change");
            assertThat(change.data()).contains("\"nodes\"").contains("\"resync\":false");
            firstChange = change.id();
        }
        // away meanwhile: another change, then back from the hello's id — the missed notices come first
        assertThat(work.heartbeat("feed-node-2", null).status()).isEqualTo(200);
        Thread.sleep(800);
        try (Stream stream = Stream.open(hello)) {
            Event missed = stream.next("change");
            assertThat(missed.id()).isEqualTo(firstChange);
            assertThat(stream.next("change").data()).contains("\"nodes\"");
        }
        try (Stream stream = Stream.open("someone-else.7")) {
            assertThat(stream.next("change").data()).contains("\"resync\":true").contains("\"records\"");
        }
    }

    @Test
    void theOpenStreamsAreCountedInTheMetrics() throws Exception {
        try (Stream stream = Stream.open(null)) {
            stream.next("hello");
            String metrics = work.http.get("/observe/metrics").body();
            Matcher open = Pattern.compile("(?m)^dockhand_events_subscribers (\\S+)$").matcher(metrics);
            assertThat(open.find()).as(metrics).isTrue();
            // streams of other tests may not have ended yet: the server sees a closed one at its next write
            assertThat(Double.parseDouble(open.group(1))).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aDeploymentsResourceUseIsNoticedAtMostEveryFiveSeconds() throws Exception {
        assertThat(work.heartbeat("use-feed-node", null).status()).isEqualTo(200);
        try (Stream stream = Stream.open(null)) {
            stream.next("hello");
            String use = "[{\"name\":\"feed-app\",\"containers\":1,\"cpuPercent\":%s,\"memoryBytes\":4096}]";
            assertThat(work.heartbeat("use-feed-node", null, "worker", use.formatted("1.5")).status()).isEqualTo(200);
            // (notices naming only the nodes of this class's other test, which go down meanwhile, are passed over)
            assertThat(stream.nextNaming("deployments", Duration.ofSeconds(10))).isNotNull();
            long noticed = System.nanoTime();
            // the next heartbeats change the use again at once: one notice for them, five seconds after the first
            assertThat(work.heartbeat("use-feed-node", null, "worker", use.formatted("2.5")).status()).isEqualTo(200);
            assertThat(work.heartbeat("use-feed-node", null, "worker", use.formatted("3.5")).status()).isEqualTo(200);
            assertThat(stream.nextNaming("deployments", Duration.ofSeconds(10))).isNotNull();
            assertThat(Duration.ofNanos(System.nanoTime() - noticed)).isGreaterThanOrEqualTo(Duration.ofMillis(4800));
            // a heartbeat that says the same again is no change
            assertThat(work.heartbeat("use-feed-node", null, "worker", use.formatted("3.5")).status()).isEqualTo(200);
            assertThat(stream.nextNaming("deployments", Duration.ofSeconds(6))).isNull();
        }
    }

    private record Event(String name, String id, String data) {
    }

    /** An SSE reader over a plain HTTP client; events are parsed on a thread of their own. */
    private static final class Stream implements AutoCloseable {
        private final InputStream body;
        private final BlockingQueue<Event> events = new ArrayBlockingQueue<>(100);

        private Stream(InputStream body) {
            this.body = body;
            Thread.ofVirtual().start(this::read);
        }

        static Stream open(String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/api/v1/events")).header("Accept", "text/event-stream");
            if (lastEventId != null) {
                request.header("Last-Event-ID", lastEventId);
            }
            HttpResponse<InputStream> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            return new Stream(response.body());
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                String name = null;
                String id = null;
                List<String> data = new ArrayList<>();
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (name != null) {
                            events.put(new Event(name, id, String.join("\n", data)));
                        }
                        name = null;
                        id = null;
                        data.clear();
                    } else if (line.startsWith("event: ")) {
                        name = line.substring(7);
                    } else if (line.startsWith("id: ")) {
                        id = line.substring(4);
                    } else if (line.startsWith("data: ")) {
                        data.add(line.substring(6));
                    }
                }
            } catch (Exception e) {
                // closed
            }
        }

        Event next(String name) throws InterruptedException {
            Event event = events.poll(10, TimeUnit.SECONDS);
            assertThat(event).as("an event '" + name + "' within 10 s").isNotNull();
            assertThat(event.name()).isEqualTo(name);
            return event;
        }

        /** The next change notice naming {@code topic} within {@code wait} (others are passed over), or null. */
        Event nextNaming(String topic, Duration wait) throws InterruptedException {
            long until = System.nanoTime() + wait.toNanos();
            for (long left = wait.toNanos(); left > 0; left = until - System.nanoTime()) {
                Event event = events.poll(left, TimeUnit.NANOSECONDS);
                if (event != null && event.data().contains("\"" + topic + "\"")) {
                    return event;
                }
            }
            return null;
        }

        @Override
        public void close() throws Exception {
            body.close();
        }
    }
}
