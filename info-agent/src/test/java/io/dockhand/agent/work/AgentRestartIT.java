package io.dockhand.agent.work;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.dockhand.agent.engine.TarContext;
import io.dockhand.api.Run;
import io.dockhand.api.RunState;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent killed with SIGKILL mid-run, as its own process against a real store (leases of 6 s): back too late,
 * the run is {@code lost} within the lease and the agent removes its container when it comes back; back within
 * the lease, it adopts the run, which carries on and succeeds with its output whole, each line once. A run
 * container of another cluster on the same engine survives the restart untouched.
 */
class AgentRestartIT {

    private static final String LEASE = "6s";
    private static WorkCluster cluster;
    private static String node;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster(LEASE, "4s");
        node = "restart-it-" + cluster.id;
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            List<String> left = cluster.leftoverContainers();
            cluster.close();
            assertThat(left).as("containers left behind").isEmpty();
        }
    }

    private AgentProcess agent(String name) throws Exception {
        AgentProcess agent = AgentProcess.start(cluster.dir, name, cluster.agentSettings(node));
        cluster.closeLater(agent);
        cluster.awaitNode(node, Duration.ofSeconds(30));
        return agent;
    }

    /** A run that writes a numbered line every 200 ms for {@code seconds}. */
    private Run countingRun(String name, int seconds) throws Exception {
        var tar = new TarContext().file("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\n")
                .file("marker", cluster.id + " " + name + "\n");
        int lines = seconds * 5;
        return cluster.submit(tar.stream(), Map.of("node", List.of(node), "arg", List.of("sh", "-c",
                "i=1; while [ $i -le " + lines + " ]; do echo line $i; i=$((i+1)); sleep 0.2; done")));
    }

    @Test
    void aRunWhoseAgentIsKilledEndsLostAndItsContainerGoesWhenTheAgentComesBack() throws Exception {
        AgentProcess first = agent("lost-1");
        Run run = countingRun("lost", 120);
        cluster.await(run.id(), Duration.ofSeconds(60), r -> r.state() == RunState.RUNNING);
        awaitLog(run.id(), "line 3\n");

        first.kill();
        Instant killed = Instant.now();
        Run lost = cluster.awaitFinal(run.id(), Duration.ofSeconds(20));

        assertThat(lost.state()).isEqualTo(RunState.LOST);
        assertThat(Duration.between(killed, lost.finishedAt())).isLessThan(Duration.ofSeconds(6 + 4));
        assertThat(cluster.containersOf(run.id())).as("the container runs on, orphaned").hasSize(1);

        AgentProcess second = agent("lost-2");
        awaitNoContainer(run.id(), Duration.ofSeconds(30));
        assertThat(cluster.run(run.id()).state()).isEqualTo(RunState.LOST);
        assertThat(version(second.port())).isEqualTo(200);
        second.kill();
    }

    @Test
    void anAgentBackWithinTheLeaseCarriesTheRunOnToItsEndWithEveryLineOnce() throws Exception {
        AgentProcess first = agent("adopt-1");
        Run run = countingRun("adopt", 8);
        cluster.await(run.id(), Duration.ofSeconds(60), r -> r.state() == RunState.RUNNING);
        awaitLog(run.id(), "line 5\n");

        first.kill();
        AgentProcess second = agent("adopt-2");
        Run done = cluster.awaitFinal(run.id(), Duration.ofSeconds(60));

        assertThat(done.state()).as(second.log()).isEqualTo(RunState.SUCCEEDED);
        assertThat(done.exitCode()).isZero();
        List<String> lines = cluster.log(run.id()).lines().filter(l -> l.startsWith("line ")).toList();
        assertThat(lines).isEqualTo(IntStream.rangeClosed(1, 40).mapToObj(i -> "line " + i).toList());
        assertThat(cluster.containersOf(run.id())).isEmpty();
        second.kill();
    }

    @Test
    void leavesTheRunContainersOfAnotherClusterAlone() throws Exception {
        String other = cluster.docker.createContainerCmd(WorkCluster.BASE_IMAGE)
                .withName("dockhand-task-run-other-" + cluster.id)
                .withLabels(Map.of("io.dockhand.managed", "true", "io.dockhand.task", "run-other-" + cluster.id,
                        "io.dockhand.run", "other-" + cluster.id, "io.dockhand.attempt", "1",
                        "io.dockhand.node", node, "io.dockhand.cluster", "another-cluster",
                        "dockhand-test.run", cluster.id))
                .withCmd("sleep", "300").exec().getId();
        try {
            cluster.docker.startContainerCmd(other).exec();
            AgentProcess agent = agent("other");
            Thread.sleep(4000);
            assertThat(cluster.docker.inspectContainerCmd(other).exec().getState().getRunning()).isTrue();
            agent.kill();
        } finally {
            cluster.docker.removeContainerCmd(other).withForce(true).exec();
        }
    }

    private void awaitLog(String runId, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!cluster.log(runId).contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text.strip() + "' in the log of " + runId + ":\n"
                        + cluster.log(runId));
            }
            Thread.sleep(100);
        }
    }

    private void awaitNoContainer(String runId, Duration patience) throws Exception {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!cluster.containersOf(runId).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the container of run " + runId + " is still there");
            }
            Thread.sleep(200);
        }
    }

    private static int version(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/v1/version")).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
