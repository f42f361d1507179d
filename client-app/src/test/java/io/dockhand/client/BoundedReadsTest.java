package io.dockhand.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Servers that stall, trickle or never stop: the client ends within its timeout and holds at most its cap. */
@Timeout(60)
class BoundedReadsTest {
    private static final String PAGE = "/api/v1/records?limit=20";
    private static final byte[] KIB = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path home;
    private TinyServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private Cli.Result get(TinyServer.Handler handler, String... args) throws IOException {
        server = TinyServer.start(handler);
        Map<String, String> env = new HashMap<>();
        env.put("DOCKHAND_SERVER", server.url());
        String[] line = new String[args.length + 1];
        line[0] = "get";
        System.arraycopy(args, 0, line, 1, args.length);
        return Cli.run(Cli.session(env, "", home), line);
    }

    private static long millisSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void aBodyThatStallsAfterTheHeadersEndsAtTheTimeout() throws IOException {
        long start = System.nanoTime();
        Cli.Result get = get((target, out) -> {
            out.write(TinyServer.head(200, "application/json", "Content-Length: 1000"));
            out.write("{\"items\":[".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(120_000);
        }, "--timeout", "1s");

        assertThat(millisSince(start)).isLessThan(4000);
        assertThat(get.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).isEqualTo("error: cannot reach the server: timed out reading the answer, gave up after "
                + "1s (GET " + server.url() + PAGE + ")\n");
    }

    @Test
    void aTricklingBodyEndsAtTheTimeout() throws IOException {
        long start = System.nanoTime();
        Cli.Result get = get((target, out) -> {
            out.write(TinyServer.head(200, "application/json", "Content-Length: 100000"));
            for (int i = 0; i < 100_000; i++) {
                out.write(' ');
                out.flush();
                Thread.sleep(50);
            }
        }, "--timeout", "1500ms");

        assertThat(millisSince(start)).isLessThan(4500);
        assertThat(get.code()).isEqualTo(ExitCodes.UNREACHABLE);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).startsWith("error: cannot reach the server: timed out reading the answer, gave up after "
                + "1500ms (GET " + server.url() + PAGE);
    }

    @Test
    void anEndlessBodyStopsAtTheCapNamingTheUrl() throws IOException {
        AtomicLong sent = new AtomicLong();
        Cli.Result get = get((target, out) -> {
            out.write(TinyServer.head(200, "application/json", "X-Length: endless"));
            while (true) {
                out.write(KIB);
                sent.addAndGet(KIB.length);
            }
        });

        assertThat(get.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).isEqualTo("error: Response too large: the answer is larger than 16 MiB, the most the "
                + "client reads (GET " + server.url() + PAGE + ")\n");
        assertThat(sent.get()).as("bytes the server got rid of (socket buffers included)").isLessThan(48L << 20);
    }

    @Test
    void aDeclaredLengthOverTheCapIsRefusedBeforeReading() throws IOException {
        long start = System.nanoTime();
        Cli.Result get = get((target, out) -> {
            out.write(TinyServer.head(200, "application/json", "Content-Length: 3221225472"));
            out.flush();
            Thread.sleep(120_000);
        });

        assertThat(millisSince(start)).isLessThan(3000);
        assertThat(get.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).startsWith("error: Response too large: ").endsWith("(GET " + server.url() + PAGE + ")\n");
    }

    @Test
    void anEndlessErrorBodyIsCutAndTheStatusStillReported() throws IOException {
        Cli.Result get = get((target, out) -> {
            out.write(TinyServer.head(404, "text/plain", "X-Length: endless"));
            while (true) {
                out.write(KIB);
            }
        });

        assertThat(get.code()).isEqualTo(ExitCodes.ERROR);
        assertThat(get.out()).isEmpty();
        assertThat(get.err()).isEqualTo("error: HTTP 404: " + "x".repeat(200) + "... (GET " + server.url() + PAGE
                + ")\n");
    }
}
