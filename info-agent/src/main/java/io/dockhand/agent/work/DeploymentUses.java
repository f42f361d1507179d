package io.dockhand.agent.work;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.dockhand.agent.engine.DeploymentContainers;
import io.dockhand.agent.watch.EngineWatch.ContainerUse;
import io.dockhand.api.NodeHeartbeat.DeploymentUse;

/**
 * What each deployment's replicas on this node use, for the heartbeat: per deployment, the sum of its running
 * containers' latest samples, which the engine watch's stats streams keep (the heartbeat asks the engine nothing).
 * A container counts once its stream has given a sample with a CPU figure (the second, about a second after it
 * started); a deployment none of whose containers has one yet is left out, so its use on this node is unknown rather
 * than nil.
 */
final class DeploymentUses {

    private DeploymentUses() {
    }

    /**
     * The deployments' use, by name; empty when the watch cannot say what runs (the engine is not answering).
     *
     * @param cluster this cluster's {@code io.dockhand.cluster} label value: another cluster's containers on a
     *                shared engine are not this cluster's deployments
     */
    static Optional<List<DeploymentUse>> of(Optional<List<ContainerUse>> running, String cluster) {
        return running.map(containers -> sum(containers, cluster));
    }

    static List<DeploymentUse> sum(List<ContainerUse> running, String cluster) {
        Map<String, DeploymentUse> sums = new TreeMap<>();
        for (ContainerUse container : running) {
            Optional<String> deployment = DeploymentContainers.deploymentOf(container.labels(), cluster);
            if (deployment.isEmpty() || container.sample() == null || container.sample().cpuPercent() == null) {
                continue;
            }
            DeploymentUse one = new DeploymentUse(deployment.get(), 1, container.sample().cpuPercent(),
                                                  container.sample().memoryBytes());
            sums.merge(one.name(), one, (a, b) -> new DeploymentUse(a.name(), a.containers() + b.containers(),
                    a.cpuPercent() + b.cpuPercent(), a.memoryBytes() + b.memoryBytes()));
        }
        return sums.values().stream().map(u -> new DeploymentUse(u.name(), u.containers(),
                BigDecimal.valueOf(u.cpuPercent()).setScale(2, RoundingMode.HALF_UP).doubleValue(), u.memoryBytes()))
                .toList();
    }
}
