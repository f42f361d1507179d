package io.dockhand.agent.work;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.dockhand.agent.engine.StatsSample;
import io.dockhand.agent.watch.EngineWatch.ContainerUse;
import io.dockhand.api.NodeHeartbeat.DeploymentUse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a heartbeat says each deployment's replicas on the node use, from the containers the engine watch keeps
 * and their latest samples: which containers count, and how they add up.
 */
class DeploymentUsesTest {

    private static final String CLUSTER = "0123456789abcdef";
    private static final long MIB = 1024 * 1024;

    /** Labels of a task container of {@code service}, made by an agent of {@code cluster} for {@code deployment}. */
    private static Map<String, String> labels(String deployment, String cluster, String service) {
        Map<String, String> labels = new HashMap<>();
        labels.put("io.dockhand.managed", "true");
        labels.put("io.dockhand.cluster", cluster);
        labels.put("io.dockhand.deployment", deployment);
        labels.put("io.dockhand.revision", "3");
        labels.put("com.docker.swarm.service.name", service);
        labels.put("com.docker.swarm.task.name", service + ".1.x");
        return labels;
    }

    /** A sample whose CPU use is {@code cpuPercent} of one core on a 4-CPU host (null: a first sample, no CPU). */
    private static StatsSample sample(Double cpuPercent, long memoryBytes) {
        long systemDelta = 4_000_000_000L;
        long cpuDelta = cpuPercent == null ? 0 : Math.round(cpuPercent / 100 / 4 * systemDelta);
        long preSystem = cpuPercent == null ? 0 : 10_000_000_000L;
        return new StatsSample(Instant.parse("2026-11-30T10:00:00Z"), 5_000_000_000L + cpuDelta,
                               preSystem + systemDelta, 5_000_000_000L, preSystem, 4, memoryBytes, 8192 * MIB);
    }

    private static ContainerUse container(String id, Map<String, String> labels, StatsSample sample) {
        return new ContainerUse(id, labels, sample);
    }

    @Test
    void sumsEachDeploymentsReplicasByNameRoundedToHundredths() {
        List<DeploymentUse> uses = DeploymentUses.sum(List.of(
                container("a1", labels("web", CLUSTER, "dh-web"), sample(12.5, 100 * MIB)),
                container("b1", labels("api", CLUSTER, "dh-api"), sample(0.004, 30 * MIB)),
                container("a2", labels("web", CLUSTER, "dh-web"), sample(3.333, 50 * MIB))), CLUSTER);

        assertThat(uses).containsExactly(new DeploymentUse("api", 1, 0.0, 30 * MIB),
                                         new DeploymentUse("web", 2, 15.83, 150 * MIB));
    }

    @Test
    void countsOnlyThisClustersAppReplicasThatHaveACpuFigure() {
        Map<String, String> unmanaged = labels("web", CLUSTER, "dh-web");
        unmanaged.remove("io.dockhand.managed");
        Map<String, String> noDeployment = labels("web", CLUSTER, "dh-web");
        noDeployment.remove("io.dockhand.deployment");
        List<DeploymentUse> uses = DeploymentUses.sum(List.of(
                container("app", labels("web", CLUSTER, "dh-web"), sample(20.0, 64 * MIB)),
                container("gateway", labels("web", CLUSTER, "dh-web-gw"), sample(1.0, 8 * MIB)),
                container("other-cluster", labels("web", "fedcba9876543210", "dh-web"), sample(1.0, 8 * MIB)),
                container("unmanaged", unmanaged, sample(1.0, 8 * MIB)),
                container("no-deployment", noDeployment, sample(1.0, 8 * MIB)),
                container("plain", Map.of("role", "db"), sample(1.0, 8 * MIB)),
                container("just-started", labels("web", CLUSTER, "dh-web"), sample(null, 8 * MIB)),
                container("no-sample-yet", labels("web", CLUSTER, "dh-web"), null)), CLUSTER);

        assertThat(uses).containsExactly(new DeploymentUse("web", 1, 20.0, 64 * MIB));
    }

    @Test
    void aDeploymentNamedLikeAnotherOnesGatewayIsItsOwn() {
        // "web-gw" is a deployment of its own: its app service is dh-web-gw, as web's gateway service is
        List<DeploymentUse> uses = DeploymentUses.sum(List.of(
                container("gateway-of-web", labels("web", CLUSTER, "dh-web-gw"), sample(1.0, 8 * MIB)),
                container("app-of-web-gw", labels("web-gw", CLUSTER, "dh-web-gw"), sample(2.0, 16 * MIB))), CLUSTER);

        assertThat(uses).containsExactly(new DeploymentUse("web-gw", 1, 2.0, 16 * MIB));
    }

    @Test
    void sayNothingWhenTheWatchCannotSayWhatRunsAndAnEmptyListWhenNothingOfADeploymentRuns() {
        assertThat(DeploymentUses.of(Optional.empty(), CLUSTER)).isEmpty();
        assertThat(DeploymentUses.of(Optional.of(List.of()), CLUSTER)).contains(List.of());
        assertThat(DeploymentUses.of(Optional.of(List.of(container("plain", Map.of(), sample(5.0, MIB)))), CLUSTER))
                .contains(List.of());
    }
}
