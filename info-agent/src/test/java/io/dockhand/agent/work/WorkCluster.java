package io.dockhand.agent.work;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;

import io.dockhand.agent.AgentServer;
import io.dockhand.api.Node;
import io.dockhand.api.Run;
import io.dockhand.server.StoreServer;
import io.dockhand.web.ClusterToken;
import io.dockhand.web.Json;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * One small Dockhand cluster for a test class: a real store (H2 in a temp directory, a random cluster token, short
 * leases), agents started in this JVM or as their own processes, and the test's view of the engine. The token is
 * random, so the cluster's label ({@code io.dockhand.cluster}) is the class's own: {@link #close} removes every
 * container and image carrying it, and {@link #leftovers} tells what is still there.
 */
final class WorkCluster implements AutoCloseable {

    static final String BASE_IMAGE = "dockhand/debian:bookworm";
    private static final ObjectMapper JSON = Json.MAPPER.copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    final String id = UUID.randomUUID().toString().substring(0, 8);
    final String token = UUID.randomUUID() + "-" + UUID.randomUUID();
    final String cluster = NodeWork.clusterOf(ClusterToken.of(token, null));
    final Path dir;
    private final String lease;
    private final String downAfter;
    StoreServer store;
    final DockerClient docker;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> agents = new ArrayList<>();

    /** A store whose leases last {@code lease} and whose nodes are down after {@code downAfter} of silence. */
    WorkCluster(String lease, String downAfter) throws IOException {
        dir = Files.createTempDirectory("dockhand-work-it");
        this.lease = lease;
        this.downAfter = downAfter;
        store = startStore(0);
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(60)).build());
    }

    private StoreServer startStore(int port) {
        return StoreServer.start(Config.just(ConfigSources.create(Map.of(
                "server.port", Integer.toString(port),
                "server.host", "127.0.0.1",
                "store.dir", dir.resolve("db").toString(),
                "store.token", token,
                "store.runs.lease", lease,
                "store.nodes.downafter", downAfter))));
    }

    /** Stops the store, waits {@code away}, and starts it again on the same port and database. */
    void storeAway(Duration away) throws InterruptedException {
        int port = store.port();
        store.close();
        Thread.sleep(away.toMillis());
        store = startStore(port);
    }

    URI storeUri() {
        return URI.create("http://127.0.0.1:" + store.port());
    }

    /** The agent's settings for a node of this cluster: quick heartbeats and short claims. */
    Map<String, String> agentSettings(String node) {
        Map<String, String> settings = new HashMap<>();
        settings.put("agent.store", storeUri().toString());
        settings.put("agent.token", token);
        settings.put("agent.node", node);
        settings.put("agent.heartbeat", "1s");
        settings.put("agent.claim.wait", "2s");
        settings.put("agent.stop.grace", "2s");
        return settings;
    }

    /** An agent in this JVM working as {@code node}; closed with the cluster. */
    AgentServer agent(String node) {
        return agent(node, Map.of());
    }

    /** An agent in this JVM working as {@code node}, with more settings; closed with the cluster. */
    AgentServer agent(String node, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(agentSettings(node));
        all.putAll(more);
        all.put("server.port", "0");
        all.put("server.host", "127.0.0.1");
        AgentServer agent = AgentServer.start(Config.just(ConfigSources.create(all)));
        agents.add(agent);
        return agent;
    }

    /** Submits a context: {@code POST /api/v1/runs} with the tar and the query's parameters. */
    Run submit(InputStream tar, Map<String, List<String>> query) throws IOException, InterruptedException {
        StringBuilder q = new StringBuilder();
        query.forEach((key, values) -> values.forEach(value -> q.append(q.isEmpty() ? "?" : "&").append(key)
                .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8))));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(storeUri().resolve("/api/v1/runs" + q))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-tar")
                .POST(HttpRequest.BodyPublishers.ofByteArray(tar.readAllBytes())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 201) {
            throw new AssertionError("submit: " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readValue(answer.body(), Run.class);
    }

    Run run(String id) throws IOException, InterruptedException {
        HttpResponse<String> answer = get("/api/v1/runs/" + id);
        if (answer.statusCode() != 200) {
            throw new AssertionError("run " + id + ": " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readValue(answer.body(), Run.class);
    }

    Node node(String id) throws IOException, InterruptedException {
        HttpResponse<String> answer = get("/api/v1/nodes/" + id);
        if (answer.statusCode() != 200) {
            throw new AssertionError("node " + id + ": " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readValue(answer.body(), Node.class);
    }

    /** Waits until the node's agent has registered it and it is up. */
    Node awaitNode(String id, Duration patience) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            HttpResponse<String> answer = get("/api/v1/nodes/" + id);
            if (answer.statusCode() == 200) {
                Node node = JSON.readValue(answer.body(), Node.class);
                if ("up".equals(node.status())) {
                    return node;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("node " + id + " is not up within " + patience + ": " + answer.body());
            }
            Thread.sleep(100);
        }
    }

    /** The run's whole log, as plain text. */
    String log(String id) throws IOException, InterruptedException {
        return get("/api/v1/runs/" + id + "/logs").body();
    }

    Run cancel(String id) throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(storeUri().resolve("/api/v1/runs/" + id
                        + "/cancel")).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new AssertionError("cancel: " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readValue(answer.body(), Run.class);
    }

    /** Waits until the run satisfies {@code done}, asking every 200 ms. */
    Run await(String id, Duration patience, Predicate<Run> done) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        Run run = run(id);
        while (!done.test(run)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("run " + id + " did not get there within " + patience + ": " + run
                        + "\nlog:\n" + log(id));
            }
            Thread.sleep(200);
            run = run(id);
        }
        return run;
    }

    Run awaitFinal(String id, Duration patience) throws IOException, InterruptedException {
        return await(id, patience, run -> run.state().isFinal());
    }

    /** The containers of one run of this cluster on the engine (any state). */
    List<Container> containersOf(String runId) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.dockhand.cluster", cluster, "io.dockhand.run", runId)).exec();
    }

    /** The images of this cluster built from one context. */
    List<String> imagesOf(String context) {
        return docker.listImagesCmd().withLabelFilter(Map.of("io.dockhand.cluster", cluster,
                "io.dockhand.context", context)).exec().stream().map(i -> i.getId()).toList();
    }

    /** Containers of this cluster still on the engine. */
    List<String> leftoverContainers() {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.dockhand.cluster", cluster)).exec().stream()
                .map(c -> c.getId() + " " + List.of(c.getNames()) + " " + c.getState()).toList();
    }

    /** A request to the store with the cluster token, and a JSON body unless null. */
    HttpResponse<String> send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(storeUri().resolve(path))
                .header("Authorization", "Bearer " + token);
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(storeUri().resolve(path)).GET().build(),
                         HttpResponse.BodyHandlers.ofString());
    }

    /** Registers something to close (an agent process) before the cluster's clean-up. */
    void closeLater(AutoCloseable agent) {
        agents.add(agent);
    }

    @Override
    public void close() throws Exception {
        try {
            for (AutoCloseable agent : agents.reversed()) {
                try {
                    agent.close();
                } catch (Exception e) {
                    // go on cleaning
                }
            }
            store.close();
        } finally {
            removeEverything();
            docker.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Removes this cluster's containers, then its images (children first: a build may use another as its parent). */
    private void removeEverything() {
        Map<String, String> ours = Map.of("io.dockhand.cluster", cluster);
        for (Container c : docker.listContainersCmd().withShowAll(true).withLabelFilter(ours).exec()) {
            try {
                docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException gone) {
                // removed already
            }
        }
        for (int pass = 0; pass < 10; pass++) {
            var images = docker.listImagesCmd().withShowAll(true).withLabelFilter(ours).exec();
            if (images.isEmpty()) {
                return;
            }
            for (var image : images) {
                try {
                    docker.removeImageCmd(image.getId()).withForce(true).exec();
                } catch (NotFoundException | ConflictException e) {
                    // gone with its parent, or a child goes first
                }
            }
        }
    }
}
