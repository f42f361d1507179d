package io.dockhand.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, finding 11: connections beyond the configured cap are not served; a client that sends part of its
 * headers and stops, or dribbles them, should be disconnected within the configured time (not yet: see the disabled
 * tests). Real sockets, small limits.
 */
class ConnectionLimitsTest {
    private static WebApp app;

    @BeforeAll
    static void start() {
        app = WebApp.builder("dockhand-test")
                .config(Config.just(ConfigSources.create("""
                        port: 0
                        host: 127.0.0.1
                        max-tcp-connections: 4
                        idle-connection-timeout: PT2S
                        idle-connection-period: PT1S
                        connection-options:
                          read-timeout: PT1S
                        """, io.helidon.common.media.type.MediaTypes.create("application/x-yaml"))))
                .register(routes -> routes.get("/things", (req, res) -> res.send("all")))
                .start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A connection that sent part of its headers and then nothing. */
    @Disabled("Open (issue 10 finding 11): Helidon 4.5 bounds neither a stalled nor a dribbled header read with"
            + " connection-options.read-timeout or idle-connection-timeout; an edge watchdog is still to be written")
    @Test
    void closesAConnectionWhoseHeadersStallWithinTheReadTimeout() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(10_000);
            long start = System.nanoTime();
            socket.getOutputStream().write("GET /things HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            in.readAllBytes();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(seconds).isLessThan(4.0);
        }
    }

    @Disabled("Open (issue 10 finding 11): Helidon 4.5 bounds neither a stalled nor a dribbled header read with"
            + " connection-options.read-timeout or idle-connection-timeout; an edge watchdog is still to be written")
    @Test
    void closesAConnectionThatDribblesItsHeaders() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            long start = System.nanoTime();
            out.write("GET /things HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean closed = false;
            while (!closed && System.nanoTime() - start < 15_000_000_000L) {
                try {
                    out.write('X');
                    out.flush();
                    closed = socket.getInputStream().read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    // no answer yet: send one more byte
                } catch (IOException reset) {
                    closed = true;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(closed).as("closed after %.1f s", seconds).isTrue();
            assertThat(seconds).isLessThan(8.0);
        }
    }

    @Test
    void servesNoMoreConnectionsThanItsCap() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(new Socket("127.0.0.1", app.port()));
            }
            Thread.sleep(200);
            try (Socket extra = new Socket("127.0.0.1", app.port())) {
                extra.setSoTimeout(700);
                extra.getOutputStream().write("GET /things HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String answer;
                try {
                    answer = new String(extra.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                } catch (SocketTimeoutException notServed) {
                    answer = "";
                }
                assertThat(answer).doesNotStartWith("HTTP/1.1 200");
            }
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
