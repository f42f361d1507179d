package io.dockhand.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.config.Config;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared web layer over a real socket: one small server with a few routes, and what every server gets. */
class WebAppTest {
    private static final AtomicBoolean READY = new AtomicBoolean(true);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static WebApp app;

    static final class Gone extends RuntimeException {
        Gone(String message) {
            super(message);
        }
    }

    static final class Away extends RuntimeException {
        Away() {
            super("the database is away", new IllegalStateException("inner"));
        }
    }

    @BeforeAll
    static void start() {
        app = WebApp.builder("dockhand-test")
                .config(Config.just(() -> io.helidon.config.ConfigSources.create(Map.of("port", "0", "host",
                        "127.0.0.1")).build()))
                .version("/v1/version", WebAppTest.class, "web")
                .readiness("flag", READY::get)
                .problem(Problems.Mapping.of(Gone.class, 404, "thing-not-found", "Thing not found"))
                .problem(Problems.Mapping.of(Away.class, 503, "unavailable", "Unavailable").retryAfter(2)
                                 .detail(e -> "Try again shortly."))
                .register(routes -> routes
                        .get("/things", (req, res) -> res.send("all"))
                        .post("/things", (req, res) -> {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> body = req.content().as(Map.class);
                            res.status(201).send(body);
                        })
                        .get("/things/{id}", (req, res) -> {
                            String id = req.path().pathParameters().get("id");
                            if (id.equals("gone")) {
                                throw new Gone("No thing " + id + ".");
                            }
                            if (id.equals("away")) {
                                throw new Away();
                            }
                            if (id.equals("bad")) {
                                throw ProblemException.badRequest("bad-thing", "Not that one.");
                            }
                            if (id.equals("boom")) {
                                throw new IllegalStateException("secret internals");
                            }
                            res.send(Map.of("id", id));
                        }))
                .start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static HttpResponse<String> send(String method, String path, String body, String type)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                             : HttpRequest.BodyPublishers.ofString(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", app.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void answersUnknownPathWith404Problem() throws Exception {
        HttpResponse<String> res = send("GET", "/nope", null, null);
        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(res.body()).contains("\"type\":\"/problems/not-found\"", "\"instance\":\"/nope\"");
    }

    @Test
    void answersOtherMethodOnKnownPathWith405NamingTheRegisteredOnes() throws Exception {
        HttpResponse<String> res = send("DELETE", "/things", null, null);
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.headers().firstValue("Allow")).hasValue("GET, HEAD, POST");
        HttpResponse<String> one = send("PUT", "/things/abc", "{}", "application/json");
        assertThat(one.statusCode()).isEqualTo(405);
        assertThat(one.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(one.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void answersHeadOnEveryGetRouteWithoutBody() throws Exception {
        HttpResponse<String> res = send("HEAD", "/things/abc", null, null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEmpty();
    }

    @Test
    void sendsNoBodyOnTheWireForHead() throws Exception {
        String res = raw("HEAD /things/abc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(res).startsWith("HTTP/1.1 200");
        assertThat(res.substring(res.indexOf("\r\n\r\n") + 4)).isEmpty();
        String missing = raw("HEAD /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(missing).startsWith("HTTP/1.1 404");
        assertThat(missing.substring(missing.indexOf("\r\n\r\n") + 4)).isEmpty();
    }

    @Test
    void mapsDomainExceptionsToTheirProblems() throws Exception {
        HttpResponse<String> gone = send("GET", "/things/gone", null, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(gone.body()).contains("/problems/thing-not-found", "No thing gone.");
        HttpResponse<String> away = send("GET", "/things/away", null, null);
        assertThat(away.statusCode()).isEqualTo(503);
        assertThat(away.headers().firstValue("Retry-After")).hasValue("2");
        assertThat(away.body()).contains("Try again shortly.");
        HttpResponse<String> bad = send("GET", "/things/bad", null, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("/problems/bad-thing");
    }

    @Test
    void hidesUnexpectedFailuresBehindAGeneric500() throws Exception {
        HttpResponse<String> res = send("GET", "/things/boom", null, null);
        assertThat(res.statusCode()).isEqualTo(500);
        assertThat(res.body()).contains("/problems/internal").doesNotContain("secret", "Exception", "at io.");
    }

    @Test
    void readsAndWritesJsonThroughJacksonAndRefusesMalformedJsonWithoutClassNames() throws Exception {
        HttpResponse<String> ok = send("POST", "/things", "{\"a\":1}", "application/json");
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.body()).isEqualTo("{\"a\":1}");
        for (String bad : new String[] {"{}{}", "{\"a\":1,\"a\":2}", "{\"a\":", "[1,"}) {
            HttpResponse<String> res = send("POST", "/things", bad, "application/json");
            assertThat(res.statusCode()).as(bad).isEqualTo(400);
            assertThat(res.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(res.body()).as(bad).contains("/problems/malformed-json")
                    .doesNotContain("com.fasterxml", "jackson.", "Exception");
        }
    }

    @Test
    void answersWhatHelidonRefusesBeforeRoutingWithAProblem() throws Exception {
        String res = raw("GET /things/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(res).startsWith("HTTP/1.1 400").contains("application/problem+json", "percent-encoding");
    }

    @Test
    void keepsMetricLabelsToAClosedSetWhateverTheMethodOrPath() throws Exception {
        for (int i = 0; i < 50; i++) {
            send("M" + i, "/x" + i, null, null);
            send("GET", "/things/" + i, null, null);
        }
        String metrics = send("GET", "/observe/metrics", null, null).body();
        assertThat(metrics).contains("dockhand_http_requests_seconds_count{method=\"other\",route=\"other\",status=\"4xx\"} 50")
                .contains("route=\"/things/{id}\"")
                .doesNotContain("M1", "/x1", "/things/1\"");
        assertThat(metrics.lines().filter(l -> l.startsWith("dockhand_http_requests_seconds_count")).count())
                .isLessThan(10);
    }

    @Test
    void reportsReadinessFromItsChecks() throws Exception {
        assertThat(send("GET", "/observe/health", null, null).statusCode()).isEqualTo(200);
        READY.set(false);
        try {
            HttpResponse<String> down = send("GET", "/observe/health", null, null);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"DOWN\"", "flag");
            assertThat(send("GET", "/observe/health/live", null, null).statusCode()).isEqualTo(200);
        } finally {
            READY.set(true);
        }
    }

    @Test
    void answersItsVersion() throws Exception {
        HttpResponse<String> res = send("GET", "/v1/version", null, null);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).startsWith("{\"name\":\"dockhand-test\",\"version\":");
    }
}
