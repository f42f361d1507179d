package io.dockhand.agent;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.engine.NodeFacts;
import io.dockhand.agent.engine.StatsSample;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A container's answer about itself, in the store's record shape (plus {@code nodeId}, {@code service} and
 * {@code task} for swarm tasks). Absent facts are left out, not sent as null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContainerFacts(String containerId, String name, String image, String imageId, String node,
                             String nodeId, String state, Instant createdAt, Map<String, String> labels,
                             Map<String, String> networks, String service, String task, Double cpuPercent,
                             Long memoryBytes, Long memoryLimitBytes, Instant observedAt) {

    static final String SERVICE_LABEL = "com.docker.swarm.service.name";
    static final String TASK_LABEL = "com.docker.swarm.task.name";
    static final String NODE_LABEL = "com.docker.swarm.node.id";

    static ContainerFacts of(ContainerInfo c, NodeFacts node, Optional<StatsSample> usage, Instant now) {
        String nodeId = node.nodeId() != null ? node.nodeId() : c.labels().get(NODE_LABEL);
        Double cpu = usage.map(StatsSample::cpuPercent).map(ContainerFacts::round).orElse(null);
        return new ContainerFacts(c.id(), c.name(), c.image(), c.imageId(), node.hostname(), nodeId, c.state(),
                c.createdAt(), c.labels(), c.networks(), c.labels().get(SERVICE_LABEL), c.labels().get(TASK_LABEL),
                cpu, usage.map(StatsSample::memoryBytes).orElse(null),
                usage.map(StatsSample::memoryLimitBytes).orElse(null), now);
    }

    private static double round(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }
}
