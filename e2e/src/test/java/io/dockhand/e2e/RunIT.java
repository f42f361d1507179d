package io.dockhand.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs on the real stack: a folder built and run on the node by its agent, submitted with {@code dockhand run} from
 * a client container on the stack's network (the token mounted as the README says); a long run that outlives the
 * replica serving the H2 file; an agent killed with {@code SIGKILL} mid-run; the original apvs upload of a zip.
 *
 * <p>The folders' Dockerfiles start {@code FROM} the client image this run built: the one base image sure to be
 * on the node without a registry.
 */
@Order(3)
@ExtendWith(ClusterExtension.class)
class RunIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration LEASE = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final List<Path> folders = new ArrayList<>();

    @AfterEach
    void removeFolders() throws IOException {
        for (Path folder : folders) {
            try (var files = Files.walk(folder)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void runBuildsTheFolderOnTheNodeAndExitsWithTheContainersExitCode(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));
        String marker = UUID.randomUUID().toString().substring(0, 8);
        Path dir = folder(cluster, """
                echo "hello from run $MARKER"
                echo "a line on stderr" >&2
                exit 3
                """);

        Docker.Result run = cluster.client(dir, Duration.ofMinutes(4), "run", "-e", "MARKER=" + marker, ".");
        Cluster.log("dockhand run exited " + run.exitCode() + "; out: " + run.out().strip() + " / err: "
                            + run.err().strip());

        assertThat(run.exitCode()).as("the container's exit code; stderr: %s", run.err()).isEqualTo(3);
        assertThat(run.out()).contains("hello from run " + marker);
        JsonNode stored = runWithEnv(cluster, "MARKER", marker);
        assertThat(stored.path("state").asText()).isEqualTo("failed");
        assertThat(stored.path("exitCode").asInt()).isEqualTo(3);
        assertThat(stored.path("node").asText()).isEqualTo(Docker.ok("info", "--format", "{{.Swarm.NodeID}}"));
        assertThat(log(cluster, stored.path("id").asText())).contains("hello from run " + marker, "a line on stderr");
        awaitNoContainerOf(stored.path("id").asText(), Duration.ofSeconds(30));
    }

    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void aLongRunOutlivesTheReplicaThatServesTheFile(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));
        Path dir = folder(cluster, """
                for i in $(seq 1 20); do echo "line $i"; sleep 1; done
                """);
        String id = detached(cluster, dir);
        awaitState(cluster, id, "running", Duration.ofMinutes(2));
        Cluster.sleep(Duration.ofSeconds(3)); // a few lines shipped and leases extended before the kill

        String victim = cluster.fileServer().orElseThrow(() -> new AssertionError("no replica serves the H2 file"));
        Docker.ok("kill", "--signal", "KILL", victim);
        Cluster.log("run " + id + " is running: SIGKILL to the file server " + victim.substring(0, 12) + " at " + Instant.now());

        JsonNode done = awaitFinal(cluster, id, Duration.ofMinutes(3));
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
        assertThat(done.path("exitCode").asInt()).isZero();
        List<String> lines = log(cluster, id).lines().filter(l -> l.startsWith("line ")).toList();
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            expected.add("line " + i);
        }
        assertThat(lines).as("every line once, in order").containsExactlyElementsOf(expected);
    }

    @Test
    @Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
    void anAgentKilledMidRunLeavesItLostAndItsContainerGoneWhenItComesBack(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));
        Path dir = folder(cluster, """
                i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 1; done
                """);
        String id = detached(cluster, dir);
        awaitState(cluster, id, "running", Duration.ofMinutes(2));
        List<String> agents = cluster.containersOf("agent");
        assertThat(agents).hasSize(1);
        assertThat(containersOf(id)).as("the run's container while it runs").hasSize(1);

        Docker.ok("kill", "--signal", "KILL", agents.get(0));
        Instant killed = Instant.now();
        Cluster.log("run " + id + " is running: SIGKILL to the agent " + agents.get(0).substring(0, 12));

        JsonNode lost = awaitFinal(cluster, id, LEASE.multipliedBy(6));
        Duration after = Duration.between(killed, Instant.now());
        Cluster.log("run " + id + " ended " + lost.path("state").asText() + " " + after.toMillis() + " ms after the kill: "
                            + lost.path("reason").asText());
        assertThat(lost.path("state").asText()).isEqualTo("lost");
        assertThat(after).as("lost within the lease (%s) and the sweeper's second", LEASE)
                .isLessThan(LEASE.plusSeconds(5));
        assertThat(cluster.containersOf("agent")).as("the agent is still down (restart delay %s)",
                                                     Cluster.AGENT_RESTART_DELAY).isEmpty();

        Instant deadline = Instant.now().plus(Cluster.AGENT_RESTART_DELAY).plus(Duration.ofSeconds(90));
        while (cluster.containersOf("agent").isEmpty() && Instant.now().isBefore(deadline)) {
            Cluster.sleep(Duration.ofSeconds(1));
        }
        assertThat(cluster.containersOf("agent")).as("swarm restarted the agent").hasSize(1);
        awaitNoContainerOf(id, Duration.ofSeconds(90));
        JsonNode after2 = run(cluster, id).orElseThrow();
        assertThat(after2.path("state").asText()).as("the restarted agent's report changed nothing").isEqualTo("lost");
    }

    @Test
    @Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void theOriginalUploadOfAZipBuildsAndRunsIt(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));
        String marker = UUID.randomUUID().toString().substring(0, 8);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("app/Dockerfile"));
            out.write(("FROM " + Cluster.image("client") + "\nENTRYPOINT []\nCOPY hello.sh /hello.sh\n"
                    + "CMD [\"sh\", \"/hello.sh\"]\n").getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("app/hello.sh"));
            out.write(("echo apvs says " + marker + "\n").getBytes(StandardCharsets.UTF_8));
        }
        HttpRequest unauthenticated = HttpRequest.newBuilder(cluster.store().resolve("/check/upload"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(zip.toByteArray())).build();
        assertThat(http.send(unauthenticated, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(401);

        HttpRequest upload = HttpRequest.newBuilder(cluster.store().resolve("/check/upload"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + cluster.token())
                .POST(HttpRequest.BodyPublishers.ofByteArray(zip.toByteArray())).build();
        HttpResponse<String> answer = http.send(upload, HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
        String location = answer.headers().firstValue("Location").orElseThrow();
        String id = JSON.readTree(answer.body()).path("id").asText();
        assertThat(location).endsWith("/api/v1/runs/" + id);

        JsonNode done = awaitFinal(cluster, id, Duration.ofMinutes(3));
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("succeeded");
        assertThat(log(cluster, id)).contains("apvs says " + marker);
    }

    /** A folder with a Dockerfile that runs {@code script} with sh, on the client image this run built. */
    private Path folder(Cluster cluster, String script) throws IOException {
        Path dir = Files.createTempDirectory("dockhand-e2e-run");
        folders.add(dir);
        Files.writeString(dir.resolve("Dockerfile"), "FROM " + Cluster.image("client") + "\nENTRYPOINT []\n"
                + "COPY run.sh /run.sh\nCMD [\"sh\", \"/run.sh\"]\n");
        Files.writeString(dir.resolve("run.sh"), script);
        Files.writeString(dir.resolve(".dockerignore"), "ignored/\n");
        Files.createDirectories(dir.resolve("ignored"));
        Files.writeString(dir.resolve("ignored/big.bin"), "not sent\n");
        return dir;
    }

    private String detached(Cluster cluster, Path dir) {
        Docker.Result run = cluster.client(dir, Duration.ofMinutes(4), "run", "--detach", ".");
        assertThat(run.exitCode()).as("dockhand run --detach; stderr: %s", run.err()).isZero();
        String id = run.out().strip();
        assertThat(id).as("the run id --detach printed").matches("[0-9a-f-]{8,}");
        return id;
    }

    private Optional<JsonNode> run(Cluster cluster, String id) throws InterruptedException {
        try {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(cluster.store().resolve("/api/v1/runs/" + id))
                                                            .timeout(Duration.ofSeconds(10)).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            String body = answer.body();
            lastAnswer = Instant.now() + ": " + answer.statusCode() + " " + body.substring(0, Math.min(400, body.length()));
            return answer.statusCode() == 200 ? Optional.of(JSON.readTree(body)) : Optional.empty();
        } catch (IOException e) {
            lastAnswer = Instant.now() + ": " + e;
            return Optional.empty(); // a replica being replaced: ask again
        }
    }

    /** What the store last answered {@link #run} (status and body, or the exception), for failure messages. */
    private volatile String lastAnswer = "nothing yet";

    private JsonNode runWithEnv(Cluster cluster, String name, String value) throws Exception {
        // With the token: environment values are shown only to its holders.
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(cluster.store().resolve("/api/v1/runs?limit=20"))
                                                        .header("Authorization", "Bearer " + cluster.token())
                                                        .timeout(Duration.ofSeconds(10)).build(),
                                                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        for (JsonNode run : JSON.readTree(answer.body()).path("items")) {
            if (value.equals(run.path("env").path(name).asText())) {
                return run;
            }
        }
        return fail("no run with " + name + "=" + value + " in " + answer.body());
    }

    private void awaitState(Cluster cluster, String id, String state, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            Optional<JsonNode> run = run(cluster, id);
            if (run.isPresent()) {
                last = run.get();
                if (state.equals(last.path("state").asText())) {
                    return;
                }
                if (List.of("succeeded", "failed", "cancelled", "lost").contains(last.path("state").asText())) {
                    fail("run " + id + " ended before it was " + state + ": " + last);
                }
            }
            Thread.sleep(250);
        }
        fail("run " + id + " not " + state + " within " + timeout + ": " + last + "; the store last answered at "
             + lastAnswer + "\n" + cluster.serverSummary());
    }

    private JsonNode awaitFinal(Cluster cluster, String id, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            Optional<JsonNode> run = run(cluster, id);
            if (run.isPresent()) {
                last = run.get();
                if (List.of("succeeded", "failed", "cancelled", "lost").contains(last.path("state").asText())) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        return fail("run " + id + " not final within " + timeout + ": " + last + "; the store last answered at "
                    + lastAnswer + "\n" + cluster.serverSummary());
    }

    private String log(Cluster cluster, String id) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(cluster.store().resolve("/api/v1/runs/" + id + "/logs"))
                                                        .timeout(Duration.ofSeconds(20)).build(),
                                                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return answer.body();
    }

    private static List<String> containersOf(String runId) {
        return Docker.lines(Docker.ok("ps", "-aq", "--filter", "label=io.dockhand.run=" + runId));
    }

    private static void awaitNoContainerOf(String runId, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!containersOf(runId).isEmpty() && Instant.now().isBefore(deadline)) {
            Cluster.sleep(Duration.ofMillis(500));
        }
        assertThat(containersOf(runId)).as("containers of run %s", runId).isEmpty();
    }
}
