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
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 10, finding 11: connections beyond the configured cap are not served. (A client that stalls or dribbles its
 * headers is not disconnected by Helidon 4.5: neither connection-options.read-timeout nor idle-connection-timeout
 * applies to a request's headers, with NIO or plain sockets; the cap bounds what such clients can hold.) Real
 * sockets, small limits.
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
