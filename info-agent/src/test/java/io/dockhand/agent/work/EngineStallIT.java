package io.dockhand.agent.work;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.dockhand.agent.EngineProxy;
import io.dockhand.agent.engine.TarContext;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An engine that stops answering one kind of call (the node's description, {@code GET /info}) for longer than a
 * lease: the agent's heartbeats carry on with the description it had, so the run it holds keeps its lease and goes
 * on running; only the description goes stale meanwhile. An engine that creates a run's container without answering
 * within the deadline of a change ({@code agent.engine.changetimeout}): the run fails and the container does not stay.
 */
class EngineStallIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String INFO = "(/v[0-9.]+)?/info";

    private static WorkCluster cluster;
    private static EngineProxy engine;
    private static Path dir;
    private static String node;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("3s", "3s");
        dir = Files.createTempDirectory("dockhand-stall-it");
        engine = new EngineProxy(dir.resolve("docker.sock"));
        engine.up();
        node = "stall-it-" + cluster.id;
        // A container's create is a change: its own deadline (60 s by default) cuts an unanswered one off.
        cluster.agent(node, Map.of("docker.host", engine.dockerHost(), "agent.engine.timeout", "8s",
                                   "agent.engine.changetimeout", "8s"));
        cluster.awaitNode(node, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (cluster != null) {
                List<String> left = cluster.leftoverContainers();
                cluster.close();
                assertThat(left).as("containers left behind").isEmpty();
            }
        } finally {
            if (engine != null) {
                engine.close();
            }
            if (dir != null) {
                Files.deleteIfExists(dir.resolve("docker.sock"));
                Files.deleteIfExists(dir);
            }
        }
    }

    @Test
    void keepsTheLeasesOfItsRunsWhileTheEngineDoesNotDescribeTheNode() throws Exception {
        TarContext context = new TarContext()
                .file("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\n")
                .file("marker", cluster.id + " stall\n");
        Run run = cluster.submit(context.stream(), Map.of("node", List.of(node),
                "arg", List.of("sleep", "300")));
        cluster.await(run.id(), PATIENCE, r -> r.state() == RunState.RUNNING);
        int infoBefore = engine.forwarded(INFO);

        engine.stall(INFO);
        try {
            // Four leases (and more than the node's down-after) with every description unanswered.
            long until = System.nanoTime() + Duration.ofSeconds(14).toNanos();
            while (System.nanoTime() < until) {
                Run now = cluster.run(run.id());
                assertThat(now.state()).as("the run while the engine does not describe the node")
                        .isEqualTo(RunState.RUNNING);
                assertThat(now.attempt()).isEqualTo(1);
                Thread.sleep(500);
            }
            assertThat(engine.forwarded(INFO)).as("descriptions asked for meanwhile (stalled)")
                    .isGreaterThan(infoBefore);
        } finally {
            engine.restore();
        }

        cluster.cancel(run.id());
        Run done = cluster.awaitFinal(run.id(), Duration.ofSeconds(30));
        assertThat(done.state()).isEqualTo(RunState.CANCELLED);
        assertThat(cluster.containersOf(run.id())).isEmpty();
    }

    @Test
    void removesTheContainerOfARunWhoseCreateWasNotAnswered() throws Exception {
        engine.mute("(/v[0-9.]+)?/containers/create");
        Run done;
        try {
            Run run = cluster.submit(new TarContext()
                    .file("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\n")
                    .file("marker", cluster.id + " unanswered create\n").stream(),
                    Map.of("node", List.of(node), "arg", List.of("sleep", "300")));
            done = cluster.awaitFinal(run.id(), PATIENCE);
        } finally {
            engine.restore();
        }

        assertThat(done.state()).isEqualTo(RunState.FAILED);
        assertThat(done.reason()).contains("did not answer");
        assertThat(cluster.containersOf(done.id())).as("the container the engine created all the same").isEmpty();
    }
}
