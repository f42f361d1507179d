package io.dockhand.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment on the real stack through the store's REST API: a small Python app (lang python, the preset) from a
 * git repository served by {@code git daemon} on docker_gwbridge's gateway, built by an agent, pushed to the stack's
 * registry, started as a swarm service and called on its published port through 127.0.0.1, its replicas' resource
 * use as the agent measured it read back; then an update to a
 * new commit with a loop of requests running (none may fail), a rollback to the first image, the death of the agent
 * holding the serve run (another takes it up, the app answers all along), and destroy, after
 * which nothing of it is left: no service, no image in the registry, no container, no image on the node. A static
 * site (lang static) is deployed, called and destroyed the same way. Each deploy, update and rollback logs its
 * steps' durations from the deployment's history ({@code bench/deploy-bench.sh} prints them).
 */
@Order(6)
@ExtendWith(ClusterExtension.class)
class DeployIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEPLOY_LIMIT = Duration.ofMinutes(8);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private GitServer git;
    private Cluster cluster;

    @AfterEach
    void removeWhatIsLeftAndStopGit() throws Exception {
        try {
            if (cluster != null) {
                // A test that failed midway leaves the app's services, which would keep the stack's network.
                for (String service : Docker.lines(Docker.ok("service", "ls", "-q", "--filter",
                                                             "label=" + cluster.clusterLabel()))) {
                    Docker.run("service", "rm", service);
                }
            }
        } finally {
            if (git != null) {
                git.close();
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void deploysUpdatesWithoutAFailedRequestRollsBackAndDestroysAPythonApp(Cluster cluster) throws Exception {
        this.cluster = cluster;
        cluster.awaitReady(Duration.ofMinutes(3));
        git = GitServer.start();
        String name = "e2e-" + UUID.randomUUID().toString().substring(0, 6);
        int published;
        try (ServerSocket free = new ServerSocket(0)) {
            published = free.getLocalPort();
        }
        Path src = git.folder("dockhand-e2e-app");
        commit(src, "v1", published);
        String repo = git.serve(src, "app");

        // deploy
        Instant asked = Instant.now();
        HttpResponse<String> created = send("POST", "/api/v1/deployments", "{\"repo\":\"" + repo
                + "\",\"branch\":\"main\",\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode running = await(name, d -> d.path("status").asText().equals("running"), "running");
        Cluster.log("deployed " + name + " in " + Duration.between(asked, Instant.now()).toSeconds() + " s: "
                + running.path("image").asText());
        Cluster.log("deploy steps: " + steps(running, asked) + "; first answer "
                + firstAnswer(published, "v1", asked) + " s after the request");
        String first = running.path("image").asText();
        assertThat(first).startsWith("127.0.0.1:" + cluster.registryPort() + "/dockhand/" + name + "@sha256:");
        assertThat(running.path("publishedPort").asInt()).isEqualTo(published);
        assertThat(awaitAnswer(published, "v1")).as("v1 answers on 127.0.0.1:" + published).isTrue();
        assertThat(Docker.ok("service", "ls", "--format", "{{.Name}}", "--filter", "label=io.dockhand.deployment="
                + name)).contains("dh-" + name).contains("dh-" + name + "-gw");
        assertThat(history(running)).contains("requested", "validating", "building", "starting", "running");
        HttpResponse<String> logs = send("GET", "/api/v1/deployments/" + name + "/logs", null);
        assertThat(logs.body()).contains("Pushed ").contains("listening on 8080");
        // its replicas' resource use: the swarm tasks' containers as the node's agent measures them, summed by the
        // store (the gateway service's task, which carries the deployment's label too, is not counted)
        JsonNode used = await(name, d -> d.path("measuredContainers").asInt() == 2 && d.hasNonNull("cpuPercent")
                && d.hasNonNull("memoryBytes"), "measured");
        Cluster.log("resource use of " + name + ": " + used.path("cpuPercent") + " % CPU, "
                + used.path("memoryBytes") + " bytes, " + used.path("measuredContainers") + " containers");
        assertThat(used.path("memoryBytes").asLong()).isPositive();
        assertThat(used.path("cpuPercent").asDouble()).isGreaterThanOrEqualTo(0.0);

        // update to a new commit with requests running: none may fail
        commit(src, "v2", published);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread load = Thread.ofVirtual().start(() -> {
            while (loading.get()) {
                String said = call(published);
                if (said.equals("v1") || said.equals("v2")) {
                    answered.incrementAndGet();
                } else {
                    failures.add(Instant.now() + " " + said);
                }
            }
        });
        Instant updateAsked = Instant.now();
        HttpResponse<String> update = send("POST", "/api/v1/deployments/" + name + "/update", null);
        assertThat(update.statusCode()).as(update.body()).isEqualTo(202);
        JsonNode updated;
        try {
            updated = await(name, d -> d.path("status").asText().equals("running")
                    && !d.path("image").asText().equals(first), "running the update");
            // requests go on a little while the old replicas stop
            Thread.sleep(3000);
        } finally {
            loading.set(false);
            load.join();
        }
        Cluster.log("update steps: " + steps(updated, updateAsked));
        Cluster.log("updated in " + Duration.between(updateAsked, Instant.now()).toSeconds() + " s; " + answered.get()
                + " requests answered during the update, " + failures.size() + " failed");
        assertThat(failures).as(answered.get() + " answered").isEmpty();
        assertThat(answered.get()).isGreaterThan(20);
        assertThat(call(published)).isEqualTo("v2");
        assertThat(updated.path("revision").asInt()).isEqualTo(2);
        String second = updated.path("image").asText();

        // roll back to the first image
        Instant rollbackAsked = Instant.now();
        HttpResponse<String> rollback = send("POST", "/api/v1/deployments/" + name + "/rollback", null);
        assertThat(rollback.statusCode()).as(rollback.body()).isEqualTo(202);
        JsonNode rolledBack = await(name, d -> d.path("status").asText().equals("rolled-back")
                && d.path("image").asText().equals(first) && d.path("replicasRunning").asInt() == 2
                && history(d).lastIndexOf("rolled-back") > history(d).lastIndexOf("running"), "rolled back");
        Cluster.log("rollback steps: " + steps(rolledBack, rollbackAsked) + "; v1 answers again "
                + firstAnswer(published, "v1", rollbackAsked) + " s after the request");
        assertThat(rolledBack.path("previousImage").asText()).isEqualTo(second);
        assertThat(Docker.ok("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
                             "dh-" + name)).isEqualTo(first);

        // the agent holding the serve run dies: the store queues the run again, a new agent takes it up and
        // follows the service as it is, which answers all along
        String serveRun = rolledBack.path("serveRunId").asText();
        int attempt = run(serveRun).path("attempt").asInt();
        List<String> agents = cluster.containersOf("agent");
        assertThat(agents).hasSize(1);
        Docker.ok("kill", agents.getFirst());
        Instant killed = Instant.now();
        long giveUp = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode resumed = run(serveRun);
        int silent = 0;
        while (System.nanoTime() < giveUp && !(resumed.path("attempt").asInt() > attempt
                && resumed.path("state").asText().equals("running"))) {
            if (!call(published).equals("v1")) {
                silent++;
            }
            Thread.sleep(1000);
            resumed = run(serveRun);
        }
        Cluster.log("serve run " + serveRun + " taken up again " + Duration.between(killed, Instant.now()).toSeconds()
                + " s after its agent was killed: " + resumed.path("state").asText() + ", attempt "
                + resumed.path("attempt").asInt());
        assertThat(resumed.path("attempt").asInt()).as("serve run " + resumed).isGreaterThan(attempt);
        assertThat(resumed.path("state").asText()).isEqualTo("running");
        assertThat(silent).as("seconds the app did not answer v1 meanwhile").isZero();
        assertThat(send("GET", "/api/v1/deployments/" + name, null).body()).contains("\"status\":\"rolled-back\"");

        // an update whose app never becomes healthy: rolled back, the running image answers all along
        commit(src, "v3", published, false);
        AtomicBoolean watching = new AtomicBoolean(true);
        List<String> notV1 = new CopyOnWriteArrayList<>();
        Thread watch = Thread.ofVirtual().start(() -> {
            while (watching.get()) {
                String said = call(published);
                if (!said.equals("v1")) {
                    notV1.add(Instant.now() + " " + said);
                }
            }
        });
        JsonNode refused;
        try {
            HttpResponse<String> broken = send("POST", "/api/v1/deployments/" + name + "/update", null);
            assertThat(broken.statusCode()).as(broken.body()).isEqualTo(202);
            refused = await(name, d -> "starting".equals(d.path("failedStep").asText())
                    && d.path("status").asText().equals("rolled-back") && d.path("image").asText().equals(first),
                    "rolled back after a broken update", false);
        } finally {
            watching.set(false);
            watch.join();
        }
        Cluster.log("broken update rolled back: " + refused.path("reason").asText().lines().findFirst().orElse(""));
        assertThat(refused.path("reason").asText()).contains("never became healthy").contains("rolled back to");
        assertThat(notV1).as("answers other than v1 during the broken update").isEmpty();
        assertThat(Docker.ok("service", "inspect", "--format", "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
                             "dh-" + name)).isEqualTo(first);

        // destroy: nothing left
        HttpResponse<String> destroy = send("DELETE", "/api/v1/deployments/" + name, null);
        assertThat(destroy.statusCode()).as(destroy.body()).isIn(200, 202);
        await(name, d -> d.path("status").asText().equals("destroyed"), "destroyed");
        assertThat(Docker.ok("service", "ls", "-q", "--filter", "label=io.dockhand.deployment=" + name)).isEmpty();
        HttpResponse<String> tags = http.send(HttpRequest.newBuilder(cluster.registry().resolve("/v2/dockhand/" + name
                + "/tags/list")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tags.statusCode() == 404 || JSON.readTree(tags.body()).path("tags").isEmpty())
                .as("registry tags: " + tags.body()).isTrue();
        giveUp = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < giveUp && !(leftContainers(name).isEmpty() && leftImages(name).isEmpty())) {
            Thread.sleep(1000);
        }
        assertThat(leftContainers(name)).as("containers of the app").isEmpty();
        assertThat(leftImages(name)).as("images of the app on the node").isEmpty();
        assertThat(call(published)).isNotIn("v1", "v2");
    }

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void deploysAStaticSiteAndDestroysItLeavingNothing(Cluster cluster) throws Exception {
        this.cluster = cluster;
        cluster.awaitReady(Duration.ofMinutes(3));
        git = GitServer.start();
        String name = "e2e-site-" + UUID.randomUUID().toString().substring(0, 6);
        int published;
        try (ServerSocket free = new ServerSocket(0)) {
            published = free.getLocalPort();
        }
        Path src = git.folder("dockhand-e2e-site");
        Files.writeString(src.resolve("dockhand.toml"), """
                [app]
                name = "site"
                version = "1.0"
                author = "e2e"
                endpoint = "/"

                [config]
                port = 8080
                publish = %d
                lang = "static"
                """.formatted(published));
        Files.writeString(src.resolve("index.html"), "<h1>hello from " + name + "</h1>\n");
        Files.createDirectories(src.resolve("css"));
        Files.writeString(src.resolve("css/site.css"), "h1 { color: teal; }\n");
        GitServer.commitAll(src, "site");
        String repo = git.serve(src, "site");

        Instant asked = Instant.now();
        HttpResponse<String> created = send("POST", "/api/v1/deployments", "{\"repo\":\"" + repo
                + "\",\"branch\":\"main\",\"name\":\"" + name + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode running = await(name, d -> d.path("status").asText().equals("running"), "running");
        Cluster.log("static site " + name + " deployed in " + Duration.between(asked, Instant.now()).toSeconds()
                + " s; steps: " + steps(running, asked));
        assertThat(awaitAnswer(published, "<h1>hello from " + name + "</h1>")).as("the site on 127.0.0.1:" + published)
                .isTrue();
        HttpResponse<String> css = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + published
                + "/css/site.css")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.body()).isEqualTo("h1 { color: teal; }\n");
        HttpResponse<String> dotGit = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + published
                + "/.git/config")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(dotGit.statusCode()).as("the repository's .git is not served").isEqualTo(404);

        HttpResponse<String> destroy = send("DELETE", "/api/v1/deployments/" + name, null);
        assertThat(destroy.statusCode()).as(destroy.body()).isIn(200, 202);
        await(name, d -> d.path("status").asText().equals("destroyed"), "destroyed");
        assertThat(Docker.ok("service", "ls", "-q", "--filter", "label=io.dockhand.deployment=" + name)).isEmpty();
        long giveUp = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < giveUp && !(leftContainers(name).isEmpty() && leftImages(name).isEmpty())) {
            Thread.sleep(1000);
        }
        assertThat(leftContainers(name)).as("containers of the site").isEmpty();
        assertThat(leftImages(name)).as("images of the site on the node").isEmpty();
        HttpResponse<String> tags = http.send(HttpRequest.newBuilder(cluster.registry().resolve("/v2/dockhand/" + name
                + "/tags/list")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(tags.statusCode() == 404 || JSON.readTree(tags.body()).path("tags").isEmpty())
                .as("registry tags: " + tags.body()).isTrue();
    }

    /**
     * The deployment's steps since {@code since}, from its history's timestamps: each step's name and the seconds
     * until the next one (the last one's from the request), e.g. {@code validating 0.4, cloning 0.9, ...}. These
     * are the figures {@code bench/deploy-bench.sh} prints.
     */
    private static String steps(JsonNode deployment, Instant since) {
        List<String> out = new ArrayList<>();
        Instant previous = null;
        String previousStatus = null;
        for (JsonNode event : deployment.path("history")) {
            Instant at = Instant.parse(event.path("at").asText());
            if (at.isBefore(since.minusSeconds(1))) {
                continue;
            }
            if (previous != null) {
                out.add(previousStatus + " " + seconds(Duration.between(previous, at)));
            }
            previous = at;
            previousStatus = event.path("status").asText();
        }
        if (previousStatus != null) {
            out.add(previousStatus + " (reached " + seconds(Duration.between(since, previous)) + " s after the request)");
        }
        return String.join(", ", out);
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    /** Seconds from {@code since} until the app answers {@code text} (it is expected to, or soon). */
    private String firstAnswer(int port, String text, Instant since) throws InterruptedException {
        assertThat(awaitAnswer(port, text)).as(text + " answers on 127.0.0.1:" + port).isTrue();
        return seconds(Duration.between(since, Instant.now()));
    }

    private JsonNode run(String id) throws Exception {
        HttpResponse<String> answer = send("GET", "/api/v1/runs/" + id, null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return JSON.readTree(answer.body());
    }

    private static List<String> leftContainers(String name) {
        return Docker.lines(Docker.ok("ps", "-aq", "--filter", "label=io.dockhand.deployment=" + name));
    }

    private static List<String> leftImages(String name) {
        return Docker.lines(Docker.ok("images", "-q", "--filter", "label=io.dockhand.deployment=" + name));
    }

    private static List<String> history(JsonNode deployment) {
        List<String> statuses = new ArrayList<>();
        deployment.path("history").forEach(event -> statuses.add(event.path("status").asText()));
        return statuses;
    }

    /** Waits until the deployment is as wanted; a deployment that failed fails the test with its reason. */
    private JsonNode await(String name, Predicate<JsonNode> wanted, String what) throws Exception {
        return await(name, wanted, what, true);
    }

    private JsonNode await(String name, Predicate<JsonNode> wanted, String what, boolean failedFails)
            throws Exception {
        long giveUp = System.nanoTime() + DEPLOY_LIMIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < giveUp) {
            HttpResponse<String> answer = send("GET", "/api/v1/deployments/" + name, null);
            if (answer.statusCode() == 200) {
                last = JSON.readTree(answer.body());
                if (wanted.test(last)) {
                    return last;
                }
                if (failedFails && last.path("status").asText().equals("failed")) {
                    throw new AssertionError("deployment " + name + " failed while waiting for " + what + ": "
                            + last.path("reason").asText() + "\nhistory: " + last.path("history"));
                }
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("deployment " + name + " not " + what + " within " + DEPLOY_LIMIT + ": " + last);
    }

    private boolean awaitAnswer(int port, String text) throws InterruptedException {
        for (int i = 0; i < 60; i++) {
            if (call(port).equals(text)) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }

    private String call(int port) {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/")).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 ? answer.body().strip() : "status " + answer.statusCode();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(cluster.store().resolve(path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + cluster.token())
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Commits the app answering {@code version} (and pushes it to the served repository once there is one). */
    private static void commit(Path src, String version, int published) throws Exception {
        commit(src, version, published, true);
    }

    /** The app answering {@code version}; an unhealthy one answers 500 on its health path. */
    private static void commit(Path src, String version, int published, boolean healthy) throws Exception {
        Files.writeString(src.resolve("dockhand.toml"), """
                [app]
                name = "hello"
                version = "%s"
                author = "e2e"
                endpoint = "/"

                [config]
                port = 8080
                publish = %d
                lang = "python"
                run = "python3 app.py"
                replicas = 2
                health = "/healthz"
                """.formatted(version, published));
        Files.writeString(src.resolve("app.py"), """
                import http.server, os, sys
                VERSION = b"%s\\n"
                HEALTHY = %s
                class Handler(http.server.BaseHTTPRequestHandler):
                    protocol_version = "HTTP/1.1"
                    def do_GET(self):
                        if self.path == "/healthz" and not HEALTHY:
                            self.send_response(500)
                            self.send_header("Content-Length", "0")
                            self.end_headers()
                            return
                        self.send_response(200)
                        self.send_header("Content-Length", str(len(VERSION)))
                        self.end_headers()
                        self.wfile.write(VERSION)
                    def log_message(self, *args):
                        pass
                port = int(os.environ.get("PORT", "8080"))
                print("listening on", port, flush=True)
                http.server.ThreadingHTTPServer(("", port), Handler).serve_forever()
                """.formatted(version, healthy ? "True" : "False"));
        GitServer.commitAll(src, version);
        if (hasRemote(src)) {
            GitServer.git(src, "push", "-q", "origin", "main");
        }
    }

    private static boolean hasRemote(Path src) throws Exception {
        Process git = new ProcessBuilder("git", "-C", src.toString(), "remote").start();
        String out = new String(git.getInputStream().readAllBytes());
        git.waitFor();
        return !out.isBlank();
    }
}
