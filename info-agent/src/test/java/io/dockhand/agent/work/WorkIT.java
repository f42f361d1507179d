package io.dockhand.agent.work;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.dockhand.agent.AgentServer;
import io.dockhand.agent.engine.TarContext;
import io.dockhand.api.Node;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent as its node's executor, against a real store and the real engine: runs submitted to the store are
 * claimed, built (or taken from the node's cache), run with their limits, followed, timed out or cancelled, and
 * reported with their output and exit code; nothing of theirs is left on the engine.
 */
class WorkIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static WorkCluster cluster;
    private static String node;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("3s", "3s");
        node = "work-it-" + cluster.id;
        cluster.agent(node);
        cluster.awaitNode(node, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            List<String> left = cluster.leftoverContainers();
            cluster.close();
            assertThat(left).as("containers left behind").isEmpty();
        }
    }

    private static TarContext context(String name, String dockerfileBody) {
        return new TarContext()
                .file("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\n" + dockerfileBody)
                .file("marker", cluster.id + " " + name + "\n");
    }

    private static Map<String, List<String>> on(Object... pairs) {
        Map<String, List<String>> query = new java.util.LinkedHashMap<>();
        query.put("node", List.of(node));
        for (int i = 0; i < pairs.length; i += 2) {
            query.computeIfAbsent((String) pairs[i], k -> new java.util.ArrayList<>()).add((String) pairs[i + 1]);
        }
        return query;
    }

    @Test
    void registersItsNodeAndHeartbeats() throws Exception {
        Node first = cluster.node(node);
        assertThat(first.status()).isEqualTo("up");
        assertThat(first.cpus()).isPositive();
        assertThat(first.memoryBytes()).isPositive();
        assertThat(first.engineVersion()).isNotBlank();
        assertThat(first.agentVersion()).isNotBlank();
        assertThat(first.hostname()).isNotBlank();
        Thread.sleep(2500);
        Node later = cluster.node(node);
        assertThat(later.status()).isEqualTo("up");
        assertThat(later.lastHeartbeat()).isAfter(first.lastHeartbeat());
    }

    @Test
    void runsAContextAndReportsItsOutputAndExitCode() throws Exception {
        var tar = context("hello", "COPY marker /marker\nCMD [\"sh\", \"-c\", \"echo out: $GREETING; cat /marker;"
                + " echo err line >&2\"]\n");
        Run run = cluster.submit(tar.stream(), on("env", "GREETING=hi there"));

        Run done = cluster.awaitFinal(run.id(), PATIENCE);

        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.exitCode()).isZero();
        assertThat(done.imageId()).startsWith("sha256:");
        assertThat(done.buildingAt()).isNotNull();
        assertThat(done.runningAt()).isNotNull();
        String log = cluster.log(run.id());
        assertThat(log).contains("out: hi there\n", cluster.id + " hello\n", "err line\n", "Step 1/");
        assertThat(cluster.containersOf(run.id())).isEmpty();
    }

    @Test
    void failsWithTheContainersExitCode() throws Exception {
        Run run = cluster.submit(context("three", "").stream(),
                                 on("arg", "sh", "arg", "-c", "arg", "echo bye; exit 3"));

        Run done = cluster.awaitFinal(run.id(), PATIENCE);

        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.exitCode()).isEqualTo(3);
        assertThat(done.reason()).contains("exited with code 3");
        assertThat(cluster.log(run.id())).contains("bye\n");
        assertThat(cluster.containersOf(run.id())).isEmpty();
    }

    @Test
    void failsAFailedBuildWithItsLogAndLeavesNothingBehind() throws Exception {
        Run run = cluster.submit(context("broken", "RUN echo about to break " + cluster.id + "; exit 7\n").stream(),
                                 on());

        Run done = cluster.awaitFinal(run.id(), PATIENCE);

        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.exitCode()).isNull();
        assertThat(done.reason()).contains("build");
        assertThat(cluster.log(run.id())).contains("about to break " + cluster.id);
        assertThat(cluster.containersOf(run.id())).isEmpty();
        assertThat(cluster.imagesOf(done.context())).isEmpty();
    }

    @Test
    void runsAnUnchangedContextAgainWithoutARebuild() throws Exception {
        var tar = context("cached", "RUN echo built once\nCMD [\"echo\", \"cached run\"]\n");
        Run first = cluster.awaitFinal(cluster.submit(tar.stream(), on()).id(), PATIENCE);

        Run second = cluster.awaitFinal(cluster.submit(tar.stream(), on()).id(), PATIENCE);

        assertThat(first.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(second.state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(second.context()).isEqualTo(first.context());
        assertThat(second.imageId()).isEqualTo(first.imageId());
        String log = cluster.log(second.id());
        assertThat(log).contains("no rebuild", "cached run\n").doesNotContain("Step 1/");
        assertThat(cluster.imagesOf(first.context())).containsExactly(first.imageId());
    }

    @Test
    void givesTheContainerItsLimitsAndNothingOfTheHostAndStopsItWhenCancelled() throws Exception {
        Run run = cluster.submit(context("limits", "").stream(),
                                 on("cpus", "0.5", "memory", "64m", "arg", "sleep", "arg", "300"));
        cluster.await(run.id(), PATIENCE, r -> r.state() == RunState.RUNNING);

        var container = cluster.containersOf(run.id());
        assertThat(container).hasSize(1);
        var inspected = cluster.docker.inspectContainerCmd(container.getFirst().getId()).exec();
        var host = inspected.getHostConfig();
        assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
        assertThat(host.getPidsLimit()).as("the node's default process limit").isEqualTo(4096L);
        assertThat(host.getPrivileged()).isFalse();
        assertThat(host.getNetworkMode()).isEqualTo("bridge");
        assertThat(host.getBinds()).isNullOrEmpty();
        assertThat(inspected.getMounts()).isNullOrEmpty();
        assertThat(host.getSecurityOpts()).contains("no-new-privileges");
        assertThat(inspected.getConfig().getLabels()).containsEntry("io.dockhand.run", run.id())
                .containsEntry("io.dockhand.node", node).containsEntry("io.dockhand.attempt", "1")
                .containsEntry("io.dockhand.cluster", cluster.cluster);

        cluster.cancel(run.id());
        Run done = cluster.awaitFinal(run.id(), Duration.ofSeconds(20));

        assertThat(done.state()).isEqualTo(RunState.CANCELLED);
        assertThat(cluster.containersOf(run.id())).isEmpty();
    }

    @Test
    void saysSoWhenTheKernelKillsTheContainerForItsMemory() throws Exception {
        Run run = cluster.submit(context("oom", "").stream(),
                                 on("memory", "16m", "arg", "sh", "arg", "-c", "arg", "echo filling; exec tail /dev/zero"));

        Run done = cluster.awaitFinal(run.id(), PATIENCE);

        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.exitCode()).isEqualTo(137);
        assertThat(done.reason()).contains("exited with code 137", "more memory than its limit of 16m");
        assertThat(cluster.containersOf(run.id())).isEmpty();
    }

    @Test
    void keepsServingItsContainersWhileTheStoreIsAway() throws Exception {
        try (var server = new java.net.ServerSocket(0)) {
            int closedPort = server.getLocalPort();
            server.close();
            Map<String, String> settings = new java.util.HashMap<>(cluster.agentSettings("away-" + cluster.id));
            settings.put("agent.store", "http://127.0.0.1:" + closedPort);
            settings.put("server.port", "0");
            settings.put("server.host", "127.0.0.1");
            try (AgentServer agent = AgentServer.start(io.helidon.config.Config.just(
                    io.helidon.config.ConfigSources.create(settings)))) {
                Thread.sleep(1500);
                var http = java.net.http.HttpClient.newHttpClient();
                for (String path : List.of("/v1/version", "/observe/health/ready")) {
                    var answer = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                            "http://127.0.0.1:" + agent.port() + path)).GET().build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                    assertThat(answer.statusCode()).as(path + " " + answer.body()).isEqualTo(200);
                }
                assertThat(agent.workNode()).contains("away-" + cluster.id);
            }
        }
    }

    @Test
    void abandonsABuildThatIsCancelledAndLeavesNothingBehind() throws Exception {
        // Every image of every step of this build carries the marker label (the LABEL comes first), so its step
        // images are told from those of anything else running on the engine meanwhile.
        String marker = "long-build-" + cluster.id;
        Set<String> before = allImages();
        Run run = cluster.submit(context("long-build", "LABEL test.dockhand.build=" + marker + "\n"
                + "RUN echo first step " + cluster.id + " > /first\n"
                + "RUN echo building slowly; sleep 120\n").stream(), on());
        cluster.await(run.id(), PATIENCE, r -> r.state() == RunState.BUILDING);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!cluster.log(run.id()).contains("building slowly") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }

        cluster.cancel(run.id());
        Run done = cluster.awaitFinal(run.id(), Duration.ofSeconds(20));

        assertThat(done.state()).isEqualTo(RunState.CANCELLED);
        assertThat(cluster.containersOf(run.id())).isEmpty();
        assertThat(cluster.imagesOf(done.context())).isEmpty();
        assertThat(stepImagesSince(before, marker))
                .as("step images of the cancelled build, in docker images -a, that were not there before it")
                .isEmpty();
        Thread.sleep(2000);
        assertThat(cluster.docker.listContainersCmd().withShowAll(true).exec())
                .as("no intermediate build container running the step")
                .noneSatisfy(c -> assertThat(c.getCommand()).contains("building slowly"));
    }

    /** The ids of all images on the engine, intermediate and untagged ones included ({@code docker images -a}). */
    private static Set<String> allImages() {
        return cluster.docker.listImagesCmd().withShowAll(true).exec().stream().map(i -> i.getId())
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Images in {@code docker images -a} now, not in {@code before}, with the build's marker label. */
    private static List<String> stepImagesSince(Set<String> before, String marker) {
        return cluster.docker.listImagesCmd().withShowAll(true).exec().stream()
                .filter(i -> !before.contains(i.getId()))
                .filter(i -> i.getLabels() != null && marker.equals(i.getLabels().get("test.dockhand.build")))
                .map(i -> i.getId() + " " + java.util.Arrays.toString(i.getRepoTags()))
                .toList();
    }

    @Test
    void stopsARunThatIsOutOfTime() throws Exception {
        Run run = cluster.submit(context("slow", "").stream(),
                                 on("timeout", "2s", "arg", "sh", "arg", "-c", "arg", "echo started; sleep 300"));

        Run done = cluster.awaitFinal(run.id(), PATIENCE);

        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.reason()).contains("timed out after 2s");
        assertThat(Duration.between(done.runningAt(), done.finishedAt())).isLessThan(Duration.ofSeconds(15));
        assertThat(cluster.log(run.id())).contains("started\n");
        assertThat(cluster.containersOf(run.id())).isEmpty();
    }
}
