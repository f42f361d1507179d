package io.dockhand.agent;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Optional;

import io.dockhand.agent.engine.ContainerInfo;
import io.dockhand.agent.engine.StatsSample;
import io.dockhand.api.ContainerFacts;
import io.dockhand.api.NodeFacts;

/** A container's answer about itself, in the wire contract's {@link ContainerFacts} shape. */
final class Facts {
    static final String SERVICE_LABEL = "com.docker.swarm.service.name";
    static final String TASK_LABEL = "com.docker.swarm.task.name";
    static final String NODE_LABEL = "com.docker.swarm.node.id";

    private Facts() {
    }

    static ContainerFacts of(ContainerInfo c, NodeFacts node, Optional<StatsSample> usage, Instant now) {
        String nodeId = node.nodeId() != null ? node.nodeId() : c.labels().get(NODE_LABEL);
        Double cpu = usage.map(StatsSample::cpuPercent).map(Facts::round).orElse(null);
        return new ContainerFacts(c.id(), c.name(), c.image(), c.imageId(), node.hostname(), nodeId, c.state(),
                c.createdAt(), c.labels(), c.networks(), c.labels().get(SERVICE_LABEL), c.labels().get(TASK_LABEL),
                cpu, usage.map(StatsSample::memoryBytes).orElse(null),
                usage.map(StatsSample::memoryLimitBytes).orElse(null), now);
    }

    private static double round(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }
}
