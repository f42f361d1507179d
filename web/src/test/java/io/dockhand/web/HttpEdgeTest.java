package io.dockhand.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a client can break below the routes (issue 10, findings 8 and 10), over a raw socket: each is exactly one
 * 4xx problem document, and where the rest of the connection cannot be trusted, the connection closes (a request
 * smuggled behind a bad framing is never answered).
 */
class HttpEdgeTest {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");
    private static final String POST = "POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    private static final String SMUGGLED = "GET /things HTTP/1.1\r\nHost: x\r\n\r\n";
    private static WebApp app;

    @BeforeAll
    static void start() {
        app = WebApp.builder("dockhand-test")
                .config(Config.just(ConfigSources.create(Map.of("port", "0", "host", "127.0.0.1"))))
                .register(routes -> routes
                        .get("/things", (req, res) -> res.send("all"))
                        .post("/things", (req, res) -> {
                            req.headers().contentType();
                            try (InputStream in = req.content().inputStream()) {
                                res.send("read " + in.readAllBytes().length);
                            }
                        }))
                .start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    /** Sends {@code request}, half-closes, and reads until the server closes (at most 5 s: a hang fails). */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertOneProblem(String response, int status) {
        Matcher m = STATUS_LINE.matcher(response);
        assertThat(m.find()).as(response).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as(response).isEqualTo(status);
        assertThat(m.find()).as("a second response: " + response).isFalse();
        assertThat(response).contains("Content-Type: application/problem+json", "\"status\":" + status)
                .doesNotContain("Exception", "..\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz\r\n{}\r\n0\r\n\r\n", "-2\r\n{}\r\n0\r\n\r\n", "20\r\n{}\r\n0\r\n\r\n",
            "2\r\n{}0\r\n\r\n", "ffffffffffffffffff\r\n{}\r\n0\r\n\r\n", "2;\u0001junk=\r\n{}\r\n0\r\n\r\n",
            "2\n{}\n0\n\n", "2\r\n{}\r\n", "7fffffff\r\n{}"})
    void refusesMalformedChunkedFramingWith400AndCloses(String body) throws IOException {
        assertOneProblem(exchange(POST + "Transfer-Encoding: chunked\r\n\r\n" + body + SMUGGLED), 400);
    }

    @Test
    void refusesABodyShorterThanItsContentLengthOrANegativeLength() throws IOException {
        assertOneProblem(exchange(POST + "Content-Length: 10\r\n\r\n{}"), 400);
        assertOneProblem(exchange(POST + "Content-Length: -1\r\n\r\n{}"), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Transfer-Encoding: gzip", "Transfer-Encoding: gzip, chunked",
            "Transfer-Encoding: chunked, chunked", "Transfer-Encoding: identity", "Transfer-Encoding: xchunked",
            "Transfer-Encoding: chunked\r\nContent-Length: 5", "Content-Length: 2\r\nContent-Length: 40",
            "Content-Length: 2, 40"})
    void refusesAmbiguousFramingWith400AndNeverAnswersTheSmuggledRequest(String framing) throws IOException {
        assertOneProblem(exchange(POST + framing + "\r\n\r\n2\r\n{}\r\n0\r\n\r\n" + SMUGGLED), 400);
    }

    @Test
    void refusesAMalformedContentTypeWith400() throws IOException {
        String response = exchange("POST /things HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=\""
                + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(response).startsWith("HTTP/1.1 400").contains("malformed-content-type");
    }

    @Test
    void refusesAMethodWithANulOrHttp10With400() throws IOException {
        assertOneProblem(exchange("G\0T /things HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
        String old = exchange("GET /things HTTP/1.0\r\n\r\n");
        assertOneProblem(old, 400);
        assertThat(old).contains("HTTP/1.0 is not supported");
    }

    @Test
    void answersWithABodyWhateverTheAcceptHeaderOrMetricsScope() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : new String[] {"/things", "/observe/metrics?scope=vendor", "/observe/metrics?name=x"}) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port()
                    + path)).header("Accept", "application/xml").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.body()).as(path + " " + res.statusCode()).isNotEmpty();
            if (res.statusCode() >= 400) {
                assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            }
        }
    }
}
