package io.dockhand.agent.work;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
