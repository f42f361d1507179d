package io.dockhand.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user does: run the client in a container on the stack's overlay network, {@code post}, then {@code get}.
 * The record must carry the posting container's own id and image, which the client learned from its node's agent.
 */
@Order(1)
@ExtendWith(ClusterExtension.class)
class ClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(value = 8, unit = java.util.concurrent.TimeUnit.MINUTES)
    void postStoresTheClientContainersOwnFactsAndGetShowsThem(Cluster cluster) throws Exception {
        cluster.awaitReady(Duration.ofMinutes(3));

        List<String> run = new ArrayList<>(List.of("run", "-d", "--label", cluster.testLabel(), "--network",
                                                   cluster.network()));
        run.addAll(cluster.agentOptions());
        run.addAll(List.of(Cluster.image("client"), "post"));
        String posting = Docker.ok(run.toArray(String[]::new));
        int exit = Integer.parseInt(Docker.run(Duration.ofMinutes(2), Map.of(), "wait", posting).orThrow());
        Docker.Result postLogs = Docker.run("logs", posting);
        Cluster.log("client post in " + posting.substring(0, 12) + " exited " + exit + ": " + postLogs.out().strip()
                            + (postLogs.err().isBlank() ? "" : " / " + postLogs.err().strip()));
        assertThat(exit).as("exit code of `post`; stderr: %s", postLogs.err()).isZero();

        Docker.Result get = Docker.run("run", "--rm", "--label", cluster.testLabel(), "--network", cluster.network(),
                                       Cluster.image("client"), "get", "--container", posting, "--format", "json");
        assertThat(get.exitCode()).as("exit code of `get`; stderr: %s", get.err()).isZero();
        JsonNode page = JSON.readTree(get.out());
        List<JsonNode> records = new ArrayList<>();
        page.path("items").forEach(records::add);
        Cluster.log("client get --container " + posting.substring(0, 12) + " --format json: " + records);

        assertThat(records).as("records of the posting container").isNotEmpty();
        JsonNode record = records.get(0);
        assertThat(record.path("containerId").asText()).isEqualTo(posting);
        assertThat(record.path("image").asText()).startsWith("dockhand/client");
        assertThat(record.path("imageId").asText())
                .isEqualTo(Docker.ok("inspect", "--format", "{{.Image}}", posting));
        assertThat(record.path("networks").has(cluster.network())).as("networks of %s", record).isTrue();
    }
}
