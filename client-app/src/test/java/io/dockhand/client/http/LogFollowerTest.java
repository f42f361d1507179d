package io.dockhand.client.http;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.dockhand.client.TinyServer;
import io.dockhand.client.output.LogText;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Following a log over a real socket whose connections drop mid-stream. */
class LogFollowerTest {
    private static final String LOG = "Step 1/2 : FROM dockhand/debian:bookworm\nhello from the container, café\n"
            + "\u001b[31mred\u001b[0m and a tab\there\r\nlast line\n";
    private static final byte[] BYTES = LOG.getBytes(StandardCharsets.UTF_8);
    private static final Duration WATCH = Duration.ofMillis(400);

    private static long offset(String target) {
        String query = target.substring(target.indexOf('?') + 1);
        return Arrays.stream(query.split("&")).filter(p -> p.startsWith("offset="))
                .mapToLong(p -> Long.parseLong(p.substring(7))).findFirst().orElse(0);
    }

    private static void chunk(OutputStream out, byte[] bytes, int from, int to) throws Exception {
        out.write((Integer.toHexString(to - from) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes, from, to - from);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void head(OutputStream out, long offset) throws Exception {
        out.write(TinyServer.head(200, "text/plain; charset=utf-8",
                                  "Transfer-Encoding: chunked\r\n" + RunsApi.LOG_OFFSET + ": " + offset));
        out.flush();
    }

    private static FailoverClient client(String url) {
        return new FailoverClient("server", List.of(URI.create(url)), Duration.ofSeconds(2), Resolver.SYSTEM, "test");
    }

    @Test
    void aDroppedConnectionResumesFromTheByteReachedWithoutGapOrRepeat() throws Exception {
        // The first cut falls inside the two bytes of 'é'; the second inside a line.
        int firstCut = LOG.indexOf("café") + 4;
        int secondCut = BYTES.length - 5;
        int[] cuts = {firstCut, secondCut, BYTES.length};
        AtomicInteger connection = new AtomicInteger();
        try (TinyServer server = TinyServer.start((target, out) -> {
            int from = (int) offset(target);
            int to = cuts[Math.min(connection.getAndIncrement(), cuts.length - 1)];
            head(out, from);
            chunk(out, BYTES, from, Math.min(from + 10, to));
            Thread.sleep(20);
            chunk(out, BYTES, Math.min(from + 10, to), to);
            if (to == BYTES.length) {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            // else: the connection closes with the chunked body unfinished, as a dying replica leaves it
        }); FailoverClient http = client(server.url())) {
            StringWriter printed = new StringWriter();
            LogText text = new LogText(new PrintWriter(printed));

            long reached = new LogFollower(http, Duration.ofSeconds(5), WATCH).read("r1", 0, true, text::write,
                    position -> position == BYTES.length ? LogFollower.Status.COMPLETE
                            : LogFollower.Status.GOING_ON);
            text.finish();

            assertThat(reached).isEqualTo(BYTES.length);
            assertThat(server.targets()).containsExactly("/api/v1/runs/r1/logs?offset=0&follow=true",
                    "/api/v1/runs/r1/logs?offset=" + firstCut + "&follow=true",
                    "/api/v1/runs/r1/logs?offset=" + secondCut + "&follow=true");
            assertThat(printed.toString()).isEqualTo("Step 1/2 : FROM dockhand/debian:bookworm\n"
                    + "hello from the container, café\n\\u001b[31mred\\u001b[0m and a tab\there\nlast line\n");
        }
    }

    @Test
    void aStreamThatEndsBeforeTheRunIsOverIsOpenedAgain() throws Exception {
        int half = 20;
        AtomicInteger endings = new AtomicInteger();
        try (TinyServer server = TinyServer.start((target, out) -> {
            int from = (int) offset(target);
            int to = from == 0 ? half : BYTES.length;
            head(out, from);
            chunk(out, BYTES, from, to);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }); FailoverClient http = client(server.url())) {
            StringWriter printed = new StringWriter();
            LogText text = new LogText(new PrintWriter(printed));

            new LogFollower(http, Duration.ofSeconds(5), WATCH).read("r1", 0, true, text::write, position -> {
                endings.incrementAndGet();
                return position < BYTES.length ? LogFollower.Status.GOING_ON : LogFollower.Status.COMPLETE;
            });

            assertThat(endings.get()).isEqualTo(2);
            assertThat(server.targets()).hasSize(2).last().asString().contains("offset=" + half);
            assertThat(printed.toString()).startsWith("Step 1/2").endsWith("last line\n");
        }
    }

    @Test
    void aConnectionThatGoesSilentWhileTheLogGrowsIsOpenedAgain() throws Exception {
        // A replica that died without closing the connection: the first answer stops mid-log and stays open.
        int cut = 30;
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (TinyServer server = TinyServer.start((target, out) -> {
            int from = (int) offset(target);
            head(out, from);
            if (from == 0) {
                chunk(out, BYTES, 0, cut);
                release.await(20, java.util.concurrent.TimeUnit.SECONDS);
                return;
            }
            chunk(out, BYTES, from, BYTES.length);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }); FailoverClient http = client(server.url())) {
            StringWriter printed = new StringWriter();
            LogText text = new LogText(new PrintWriter(printed));
            AtomicInteger asked = new AtomicInteger();

            long reached = new LogFollower(http, Duration.ofSeconds(5), WATCH).read("r1", 0, true, text::write,
                    position -> {
                        asked.incrementAndGet();
                        return position < BYTES.length ? LogFollower.Status.BEHIND : LogFollower.Status.COMPLETE;
                    });
            release.countDown();

            assertThat(reached).isEqualTo(BYTES.length);
            assertThat(asked.get()).isGreaterThanOrEqualTo(2);
            assertThat(server.targets()).containsExactly("/api/v1/runs/r1/logs?offset=0&follow=true",
                    "/api/v1/runs/r1/logs?offset=" + cut + "&follow=true");
            assertThat(printed.toString()).startsWith("Step 1/2").endsWith("last line\n");
        }
    }

    @Test
    void aSilentRunThatGoesOnIsWaitedFor() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger asked = new AtomicInteger();
        try (TinyServer server = TinyServer.start((target, out) -> {
            head(out, 0);
            chunk(out, BYTES, 0, BYTES.length);
            release.await(20, java.util.concurrent.TimeUnit.SECONDS);
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }); FailoverClient http = client(server.url())) {
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(WATCH.toMillis() * 4);
                } catch (InterruptedException e) {
                    return;
                }
                release.countDown();
            });
            long reached = new LogFollower(http, Duration.ofSeconds(5), WATCH).read("r1", 0, true,
                    (b, o, l) -> { }, position -> {
                        asked.incrementAndGet();
                        return release.getCount() > 0 ? LogFollower.Status.GOING_ON : LogFollower.Status.COMPLETE;
                    });

            assertThat(reached).isEqualTo(BYTES.length);
            assertThat(asked.get()).as("asked while silent, then at the end").isGreaterThanOrEqualTo(2);
            assertThat(server.targets()).hasSize(1);
        }
    }

    @Test
    void withoutFollowTheLogIsReadOnce() throws Exception {
        try (TinyServer server = TinyServer.start((target, out) -> TinyServer.answer(out, 200, "text/plain", LOG));
             FailoverClient http = client(server.url())) {
            StringWriter printed = new StringWriter();
            LogText text = new LogText(new PrintWriter(printed));

            long reached = new LogFollower(http, Duration.ofSeconds(5), WATCH).read("r1", 0, false, text::write,
                    position -> { throw new AssertionError("not asked when not following"); });

            assertThat(reached).isEqualTo(BYTES.length);
            assertThat(server.targets()).containsExactly("/api/v1/runs/r1/logs?offset=0");
        }
    }

    @Test
    void anUnknownRunIsItsProblemAtOnce() throws Exception {
        try (TinyServer server = TinyServer.start((target, out) -> TinyServer.answer(out, 404,
                "application/problem+json", "{\"title\":\"Run not found\",\"status\":404,\"detail\":\"no run r1\"}"));
             FailoverClient http = client(server.url())) {
            assertThatThrownBy(() -> new LogFollower(http, Duration.ofSeconds(5), WATCH).read("r1", 0, true, (b, o, l) -> { },
                    position -> LogFollower.Status.COMPLETE))
                    .isInstanceOf(ProblemException.class).hasMessageContaining("no run r1");
        }
    }

    @Test
    void givesUpWhenNoReplicaAnswersForItsPatience() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (FailoverClient http = client("http://127.0.0.1:" + port)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> new LogFollower(http, Duration.ofSeconds(1), WATCH).read("r1", 0, true,
                    (b, o, l) -> { }, position -> LogFollower.Status.COMPLETE))
                    .isInstanceOf(UnreachableException.class).hasMessageContaining("connection refused");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
