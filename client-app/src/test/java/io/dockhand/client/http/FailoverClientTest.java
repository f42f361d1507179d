package io.dockhand.client.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.dockhand.server.StoreServer;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a request finds a replica that answers, and what it says when none does. */
class FailoverClientTest {
    private static final Duration BUDGET = Duration.ofSeconds(2);
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(s -> s.stop(0));
    }

    /** A replica that records what it is sent and answers with {@code status} and {@code body}. */
    private record Replica(HttpServer server, List<Map<String, String>> seen) {
        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }
    }

    private Replica replica(int status, String body) throws IOException {
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        return replica(exchange -> {
            seen.add(Map.of("Host", String.valueOf(exchange.getRequestHeaders().getFirst("Host")),
                            "Idempotency-Key", String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")),
                            "body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", status >= 400 ? "application/problem+json"
                    : "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }, seen);
    }

    private Replica replica(HttpHandler handler, List<Map<String, String>> seen) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", handler);
        server.start();
        servers.add(server);
        return new Replica(server, seen);
    }

    private static URI closed() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }
    }

    private static FailoverClient client(List<URI> bases, Resolver resolver) {
        return new FailoverClient("server", bases, BUDGET, resolver, "test");
    }

    @Test
    void triesTheNextAddressWhenOneRefusesTheConnection() throws Exception {
        Replica up = replica(200, "{\"ok\":true}");
        try (FailoverClient client = client(List.of(closed(), up.url()), Resolver.SYSTEM)) {
            Response response = client.get("/api/v1/version");

            assertThat(response.json().get("ok").asBoolean()).isTrue();
            assertThat(response.url()).isEqualTo(up.url() + "/api/v1/version");
        }
    }

    @Test
    void retriesAServerErrorOnAnotherReplicaWithTheSameIdempotencyKey() throws Exception {
        Replica failing = replica(503, "{\"title\":\"Service Unavailable\",\"status\":503}");
        Replica healthy = replica(201, "{\"id\":\"1\"}");
        try (FailoverClient client = client(List.of(failing.url(), healthy.url()), Resolver.SYSTEM)) {
            client.post("/api/v1/records", "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "key-1");
        }

        assertThat(failing.seen()).extracting(m -> m.get("Idempotency-Key")).containsOnly("key-1");
        assertThat(healthy.seen()).singleElement().satisfies(m -> {
            assertThat(m.get("Idempotency-Key")).isEqualTo("key-1");
            assertThat(m.get("body")).isEqualTo("{\"a\":1}");
        });
    }

    @Test
    void aPostWithoutAKeyIsNotSentAgainOnceItMayHaveArrived() throws Exception {
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        // A replica that takes the request (a deployment made, say), then dies before it answers.
        Replica dying = replica(exchange -> {
            seen.add(Map.of("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            exchange.close();
        }, seen);
        Replica healthy = replica(201, "{}");
        try (FailoverClient client = client(List.of(dying.url(), healthy.url()), Resolver.SYSTEM)) {
            assertThatThrownBy(() -> client.post("/api/v1/deployments", "{}".getBytes(StandardCharsets.UTF_8), null,
                                                 Map.of()))
                    .isInstanceOf(UnreachableException.class)
                    .hasMessageStartingWith("no answer from the server: ")
                    .hasMessageContaining("(POST " + dying.url() + "/api/v1/deployments)")
                    .hasMessageEndingWith("it may have been carried out, so it was not sent again: look before"
                                                  + " repeating it");
        }
        assertThat(dying.seen()).hasSize(1);
        assertThat(healthy.seen()).isEmpty();
    }

    @Test
    void aPostWithoutAKeyStillTriesTheNextAddressWhenItCannotConnect() throws Exception {
        Replica up = replica(201, "{\"name\":\"app\"}");
        try (FailoverClient client = client(List.of(closed(), up.url()), Resolver.SYSTEM)) {
            Response response = client.post("/api/v1/deployments", "{}".getBytes(StandardCharsets.UTF_8), null,
                                             Map.of());

            assertThat(response.status()).isEqualTo(201);
        }
        assertThat(up.seen()).hasSize(1);
    }

    @Test
    void aPostWithoutAKeyWaitsForASlowAnswerInsteadOfSendingItAgain() throws Exception {
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        // A replica that takes longer to answer than an attempt may last (a store cloning a repository to check it).
        Replica slow = replica(exchange -> {
            seen.add(Map.of("body", new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = "{\"name\":\"app\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }, seen);
        try (FailoverClient client = new FailoverClient("server", List.of(slow.url()), Duration.ofSeconds(5),
                                                        Duration.ofMillis(300), Resolver.SYSTEM, "test")) {
            Response response = client.post("/api/v1/deployments", "{}".getBytes(StandardCharsets.UTF_8), null,
                                             Map.of());

            assertThat(response.status()).isEqualTo(201);
            assertThat(slow.seen()).as("requests the replica got").hasSize(1);

            // A keyed POST is safe to repeat: its attempts still end after 300 ms, and it is sent again and again.
            assertThatThrownBy(() -> client.post("/api/v1/records", "{}".getBytes(StandardCharsets.UTF_8), "key-2"))
                    .isInstanceOf(UnreachableException.class)
                    .hasMessageStartingWith("cannot reach the server: ");
            assertThat(slow.seen()).as("requests the replica got").hasSizeGreaterThan(2);
        }
    }

    @Test
    void triesEveryAddressAHostResolvesToAndSendsTheHostName() throws Exception {
        Replica up = replica(200, "{}");
        int port = up.server().getAddress().getPort();
        Resolver roundRobin = host -> {
            if (!host.equals("replicas.test")) {
                throw new UnknownHostException(host);
            }
            // 127.0.0.2 is on loopback but nothing listens there: that "replica" is down.
            return new InetAddress[] {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.1")};
        };
        try (FailoverClient client = client(List.of(URI.create("http://replicas.test:" + port)), roundRobin)) {
            assertThat(client.resolve()).singleElement().satisfies(r -> assertThat(r.targets()).hasSize(2));

            Response response = client.get("/api/v1/version");

            assertThat(response.url()).isEqualTo("http://replicas.test:" + port + "/api/v1/version");
        }
        assertThat(up.seen()).singleElement().extracting(m -> m.get("Host")).isEqualTo("replicas.test:" + port);
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        Replica conflict = replica(409, "{\"title\":\"Conflict\",\"status\":409,\"detail\":\"Key reused.\"}");
        Replica other = replica(201, "{}");
        try (FailoverClient client = client(List.of(conflict.url(), other.url()), Resolver.SYSTEM)) {
            assertThatThrownBy(() -> client.post("/api/v1/records", "{}".getBytes(StandardCharsets.UTF_8), "k"))
                    .isInstanceOf(ProblemException.class)
                    .hasMessage("Conflict: Key reused. (POST " + conflict.url() + "/api/v1/records)");
        }
        assertThat(other.seen()).isEmpty();
    }

    @Test
    void aServerErrorOnEveryReplicaIsReportedAsTheProblem() throws Exception {
        Replica broken = replica(500, "{\"title\":\"Internal Server Error\",\"status\":500,\"detail\":\"Boom.\"}");
        try (FailoverClient client = client(List.of(broken.url()), Resolver.SYSTEM)) {
            assertThatThrownBy(() -> client.get("/x"))
                    .isInstanceOf(ProblemException.class)
                    .hasMessage("Internal Server Error: Boom. (GET " + broken.url() + "/x)");
        }
        assertThat(broken.seen().size()).as("attempts within the budget").isGreaterThan(1);
    }

    @Test
    void givesUpWhenTheBudgetIsSpentNamingEveryUrlTried() throws Exception {
        URI a = closed();
        URI b = closed();
        Instant start = Instant.now();
        try (FailoverClient client = client(List.of(a, b, URI.create("http://no-such-host.invalid:5001")),
                                            Resolver.SYSTEM)) {
            assertThatThrownBy(() -> client.get("/api/v1/records"))
                    .isInstanceOf(UnreachableException.class)
                    .hasMessageContaining("cannot reach the server: ")
                    .hasMessageContaining("gave up after 2s")
                    .hasMessageContaining(a + "/api/v1/records, " + b + "/api/v1/records, "
                                                  + "http://no-such-host.invalid:5001/api/v1/records");
        }
        assertThat(Duration.between(start, Instant.now())).isBetween(BUDGET.minusMillis(300), BUDGET.plusSeconds(2));
    }

    @Test
    void aPostWhoseAnswerIsLostIsRetriedAndStoredOnce(@TempDir Path dir) throws Exception {
        Config config = Config.builder()
                .addSource(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1",
                                                       "store.dir", dir.toString())))
                .addSource(ConfigSources.classpath("application.yaml"))
                .disableEnvironmentVariablesSource().disableSystemPropertiesSource().build();
        try (StoreServer store = StoreServer.start(config)) {
            URI storeUrl = URI.create("http://127.0.0.1:" + store.port());
            AtomicInteger forwarded = new AtomicInteger();
            // A replica that stores the record, then dies before it answers: the connection just closes.
            Replica dying = replica(exchange -> {
                forward(exchange, storeUrl);
                forwarded.incrementAndGet();
                exchange.close();
            }, List.of());
            String containerId = "ab".repeat(32);
            byte[] record = ("{\"containerId\":\"" + containerId + "\",\"observedAt\":\"" + Instant.now() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);

            JsonNode stored;
            try (FailoverClient client = client(List.of(dying.url(), storeUrl), Resolver.SYSTEM)) {
                stored = client.post("/api/v1/records", record, UUID.randomUUID().toString()).json();
                JsonNode page = client.get("/api/v1/records?containerId=" + containerId).json();

                assertThat(forwarded.get()).isEqualTo(1);
                assertThat(page.get("items")).singleElement()
                        .satisfies(r -> assertThat(r.get("id")).isEqualTo(stored.get("id")));
            }
        }
    }

    private static void forward(HttpExchange exchange, URI store) throws IOException {
        URI target = URI.create(store + exchange.getRequestURI().toString());
        HttpURLConnection connection = (HttpURLConnection) target.toURL().openConnection();
        connection.setRequestMethod(exchange.getRequestMethod());
        connection.setDoOutput(true);
        connection.setRequestProperty("Content-Type", "application/json");
        connection.setRequestProperty("Idempotency-Key", exchange.getRequestHeaders().getFirst("Idempotency-Key"));
        try (InputStream in = exchange.getRequestBody(); OutputStream out = connection.getOutputStream()) {
            in.transferTo(out);
        }
        assertThat(connection.getResponseCode()).isEqualTo(201);
        connection.getInputStream().readAllBytes();
    }
}
