package io.dockhand.agent.work;

import java.time.Duration;
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
 * The store away for a few seconds (shorter than the lease) while a run runs: the agent's log batches and reports
 * wait and are sent again, so the run succeeds with every line of its output exactly once.
 */
class StoreOutageIT {

    private static WorkCluster cluster;
    private static String node;

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("10s", "10s");
        node = "outage-it-" + cluster.id;
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

    /**
     * What a replica killed behind the gateway does to the agent: every connection the agent kept alive hangs,
     * while new ones reach a live replica. The run keeps its lease (10 s): a heartbeat stuck on a hung connection
     * is given up and sent again on a new one long before then.
     */
    @Test
    void aRunKeepsItsLeaseWhenTheConnectionsToTheStoreHang() throws Exception {
        String frozenNode = "frozen-it-" + cluster.id;
        try (FreezingProxy proxy = new FreezingProxy(cluster.store.port())) {
            cluster.agent(frozenNode, Map.of("agent.store", "http://127.0.0.1:" + proxy.port(),
                                             "agent.heartbeat", "2s"));
            cluster.awaitNode(frozenNode, Duration.ofSeconds(30));
            var tar = new TarContext().file("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\n")
                    .file("marker", cluster.id + "-frozen\n");
            Run run = cluster.submit(tar.stream(), Map.of("node", List.of(frozenNode), "arg", List.of("sh", "-c",
                    "i=1; while [ $i -le 20 ]; do echo line $i; i=$((i+1)); sleep 1; done")));
            cluster.await(run.id(), Duration.ofSeconds(60), r -> r.state() == RunState.RUNNING);
            Thread.sleep(3000);

            int frozen = proxy.freeze();
            assertThat(frozen).as("connections the agent kept open").isPositive();
            Run done = cluster.awaitFinal(run.id(), Duration.ofSeconds(90));

            assertThat(done.state()).as("%s", done).isEqualTo(RunState.SUCCEEDED);
            List<String> lines = cluster.log(run.id()).lines().filter(l -> l.startsWith("line ")).toList();
            assertThat(lines).isEqualTo(IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).toList());
        }
    }

    @Test
    void shipsEveryLineOnceAndReportsTheEndAfterTheStoreComesBack() throws Exception {
        var tar = new TarContext().file("Dockerfile", "FROM " + WorkCluster.BASE_IMAGE + "\n")
                .file("marker", cluster.id + "\n");
        Run run = cluster.submit(tar.stream(), Map.of("node", List.of(node), "arg", List.of("sh", "-c",
                "i=1; while [ $i -le 30 ]; do echo line $i; i=$((i+1)); sleep 0.2; done")));
        cluster.await(run.id(), Duration.ofSeconds(60), r -> r.state() == RunState.RUNNING);

        cluster.storeAway(Duration.ofSeconds(3));
        Run done = cluster.awaitFinal(run.id(), Duration.ofSeconds(60));

        assertThat(done.state()).isEqualTo(RunState.SUCCEEDED);
        List<String> lines = cluster.log(run.id()).lines().filter(l -> l.startsWith("line ")).toList();
        assertThat(lines).isEqualTo(IntStream.rangeClosed(1, 30).mapToObj(i -> "line " + i).toList());
    }
}
