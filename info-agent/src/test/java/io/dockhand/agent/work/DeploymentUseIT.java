package io.dockhand.agent.work;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.dockhand.web.Json;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.HostConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A deployment's resource use as the store shows it, measured by a real agent on the real engine: containers
 * labelled as swarm labels a deployment's replicas (the agent's labels on its service, and swarm's service name
 * {@code dh-<name>}; plain containers, as this engine's tests make no swarm services), one of them burning CPU. The
 * agent's heartbeats carry what the engine watch's stats streams measured, and the store sums it; the deployment's
 * gateway and another cluster's container with the same labels do not count. The deployment itself exists in the
 * store only: its build run goes to a silent node of the test's and is cancelled, so nothing is built or served.
 */
class DeploymentUseIT {

    private static final String TEST_LABEL = "io.dockhand.test";
    private static final long MIB = 1024 * 1024;
    private static WorkCluster cluster;
    private static GitRepos repos;
    private static final List<String> containers = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        cluster = new WorkCluster("30s", "10m");
        repos = new GitRepos();
    }

    @AfterAll
    static void stop() throws Exception {
        List<String> left = List.of();
        try {
            for (String id : containers) {
                try {
                    cluster.docker.removeContainerCmd(id).withForce(true).exec();
                } catch (NotFoundException gone) {
                    // removed by the test
                }
            }
        } finally {
            if (cluster != null) {
                left = cluster.leftoverContainers();
                cluster.close();
            }
            if (repos != null) {
                repos.close();
            }
        }
        assertThat(left).as("containers left behind").isEmpty();
    }

    @Test
    void theStoreShowsWhatTheAgentMeasuredOfTheDeploymentsReplicasOnItsNode() throws Exception {
        String name = "use-" + cluster.id;
        String node = "zz-use-" + cluster.id;
        cluster.agent(node);
        cluster.awaitNode(node, Duration.ofSeconds(30));
        JsonNode deployment = deploy(name);
        assertThat(deployment.has("cpuPercent")).as("no container of it runs yet: %s", deployment).isFalse();

        String busy = replica(name, cluster.cluster, "dh-" + name, "while :; do :; done");
        String idle = replica(name, cluster.cluster, "dh-" + name, "sleep 600");
        replica(name, cluster.cluster, "dh-" + name + "-gw", "sleep 600");   // its gateway: not the app's use
        replica(name, cluster.cluster + "-other", "dh-" + name, "sleep 600"); // another cluster's: not this one's

        JsonNode both = awaitDeployment(name, d -> d.path("measuredContainers").asInt() == 2
                && d.path("cpuPercent").asDouble() >= 5);
        // the busy replica may use half a core (its limit); the idle one next to nothing
        assertThat(both.get("cpuPercent").asDouble()).isBetween(5.0, 60.0);
        assertThat(both.get("memoryBytes").asLong()).isBetween(1L, 200 * MIB);
        JsonNode listed = listed(name);
        assertThat(listed.get("measuredContainers").asInt()).isEqualTo(2);
        assertThat(listed.get("cpuPercent").asDouble()).isPositive();

        cluster.docker.removeContainerCmd(busy).withForce(true).exec();
        JsonNode one = awaitDeployment(name, d -> d.path("measuredContainers").asInt() == 1);
        assertThat(one.get("cpuPercent").asDouble()).isLessThan(5.0);
        assertThat(one.get("memoryBytes").asLong()).isPositive();

        cluster.docker.removeContainerCmd(idle).withForce(true).exec();
        JsonNode none = awaitDeployment(name, d -> !d.has("measuredContainers"));
        assertThat(none.has("cpuPercent") || none.has("memoryBytes")).as("%s", none).isFalse();
        assertThat(cluster.node(node).status()).isEqualTo("up");
    }

    /**
     * Deploys a repository named {@code name} with the store; its build run goes to a node of the test's that never
     * claims it (the least busy live node: a tie, won by the lower id), and is cancelled there.
     */
    private static JsonNode deploy(String name) throws Exception {
        String decoy = "aa-silent-" + cluster.id;
        HttpResponse<String> beat = cluster.send("PUT", "/api/v1/nodes/" + decoy, "{\"hostname\":\"" + decoy
                + "\",\"cpus\":1,\"memoryBytes\":1073741824,\"leases\":[]}");
        assertThat(beat.statusCode()).as(beat.body()).isEqualTo(200);
        String repo = repos.create(name);
        int port = 20000 + (int) (Math.random() * 20000);
        repos.commit(name, "main", Map.of("dockhand.toml", """
                [app]
                name = "%s"
                [config]
                port = %d
                lang = "python"
                run = "python3 app.py"
                """.formatted(name, port), "app.py", "print('never built')\n"));
        HttpResponse<String> created = cluster.send("POST", "/api/v1/deployments", "{\"repo\":\"" + repo + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode deployment = Json.MAPPER.readTree(created.body());
        String build = deployment.get("buildRunId").asText();
        assertThat(cluster.run(build).node()).isEqualTo(decoy);
        cluster.cancel(build);
        return deployment;
    }

    /** A running container labelled as one of a deployment's service's tasks, of {@code clusterLabel}'s cluster. */
    private static String replica(String deployment, String clusterLabel, String service, String script) {
        Map<String, String> labels = new HashMap<>();
        labels.put("io.dockhand.managed", "true");
        labels.put("io.dockhand.cluster", clusterLabel);
        labels.put("io.dockhand.deployment", deployment);
        labels.put("io.dockhand.revision", "1");
        labels.put("com.docker.swarm.service.name", service);
        labels.put(TEST_LABEL, "agent");
        String id = cluster.docker.createContainerCmd(WorkCluster.BASE_IMAGE).withLabels(labels)
                .withCmd("sh", "-c", script)
                .withHostConfig(HostConfig.newHostConfig().withInit(true).withNanoCPUs(500_000_000L)).exec().getId();
        containers.add(id);
        cluster.docker.startContainerCmd(id).exec();
        return id;
    }

    private static JsonNode awaitDeployment(String name, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode d = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = cluster.send("GET", "/api/v1/deployments/" + name, null);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            d = Json.MAPPER.readTree(answer.body());
            if (done.test(d)) {
                return d;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("deployment " + name + " did not get there within 30 s: " + d);
    }

    private static JsonNode listed(String name) throws Exception {
        HttpResponse<String> answer = cluster.send("GET", "/api/v1/deployments", null);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        for (JsonNode d : Json.MAPPER.readTree(answer.body()).get("items")) {
            if (name.equals(d.get("name").asText())) {
                return d;
            }
        }
        throw new AssertionError(name + " is not listed: " + answer.body());
    }
}
