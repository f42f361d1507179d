package io.dockhand.client;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in for the node agent that follows its HTTP contract: {@code GET /v1/self} answers a record-shaped
 * document about "the caller" (with the swarm fields the agent adds), {@code GET /v1/version} its name and version,
 * and every error is an RFC 9457 problem. Tests choose the container it describes, or make it fail or stall.
 */
final class FakeAgent implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpServer server;
    final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private volatile String containerId = newContainerId();
    private volatile String name = "web-1";
    private volatile String image = "nginx:1.27";
    private volatile String node = "node-1";
    private volatile int failStatus;
    private volatile String failTitle;
    private volatile String failDetail;
    private volatile Duration delay = Duration.ZERO;

    private FakeAgent(HttpServer server) {
        this.server = server;
    }

    static FakeAgent start() throws IOException {
        return start("127.0.0.1");
    }

    static FakeAgent start(String host) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), 0), 0);
        FakeAgent agent = new FakeAgent(server);
        server.createContext("/", agent::handle);
        server.start();
        return agent;
    }

    static String newContainerId() {
        byte[] bytes = new byte[32];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Describes a new container from now on; returns its id. */
    String container(String name, String image, String node) {
        this.containerId = newContainerId();
        this.name = name;
        this.image = image;
        this.node = node;
        return containerId;
    }

    String containerId() {
        return containerId;
    }

    void fail(int status, String title, String detail) {
        this.failStatus = status;
        this.failTitle = title;
        this.failDetail = detail;
    }

    void stall(Duration delay) {
        this.delay = delay;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
            String path = exchange.getRequestURI().getPath();
            if (!delay.isZero()) {
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                problem(exchange, 405, "Method Not Allowed", "Use GET.");
            } else if (path.equals("/v1/version")) {
                send(exchange, 200, "application/json", "{\"name\":\"dockhand-agent\",\"version\":\"test\"}");
            } else if (path.equals("/v1/self")) {
                if (failStatus != 0) {
                    problem(exchange, failStatus, failTitle, failDetail);
                } else {
                    send(exchange, 200, "application/json", self());
                }
            } else {
                problem(exchange, 404, "Not Found", "No resource at " + path + ".");
            }
        }
    }

    private String self() {
        ObjectNode facts = MAPPER.createObjectNode()
                .put("containerId", containerId)
                .put("name", name)
                .put("image", image)
                .put("imageId", "sha256:" + "ab".repeat(32))
                .put("node", node)
                .put("nodeId", "n0d3" + node)
                .put("state", "running")
                .put("createdAt", "2026-11-22T08:00:00Z");
        facts.putObject("labels").put("com.docker.swarm.service.name", "web").put("tier", "front");
        facts.putObject("networks").put("dockhand_default", "10.0.1.7");
        facts.put("service", "web")
                .put("task", "web.1.abc")
                .put("cpuPercent", 1.5)
                .put("memoryBytes", 12L * 1024 * 1024)
                .put("memoryLimitBytes", 1024L * 1024 * 1024)
                .put("observedAt", Instant.now().toString());
        return facts.toString();
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        ObjectNode problem = MAPPER.createObjectNode()
                .put("type", "/problems/" + title.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'))
                .put("title", title)
                .put("status", status)
                .put("detail", detail)
                .put("instance", exchange.getRequestURI().getPath());
        send(exchange, status, "application/problem+json", problem.toString());
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
